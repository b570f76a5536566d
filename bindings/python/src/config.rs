//! The `model=`, `features=`, `threads=` and `subsample=` arguments → an engine builder.

use std::path::{Path, PathBuf};

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyString, PyTuple};
use rvmaf::model::{builtin_model_json, builtin_model_names, default_model_name, ModelSpec};
use rvmaf::{Context, ContextBuilder, KeyOrder};

use crate::error::{invalid, to_pyerr};

/// One entry of `model=`: a built-in name or libvmaf model string, or a path.
#[derive(Debug, Clone)]
pub(crate) enum ModelItem {
    /// `"vmaf_v0.6.1"`, `"version=vmaf_v0.6.1:name=x"`, or a path given as text.
    Text(String),
    /// An `os.PathLike`.
    Path(PathBuf),
}

/// The `model=` argument.
#[derive(Debug, Clone)]
pub(crate) enum ModelArg {
    /// Not given: libvmaf's default model.
    Default,
    /// Given: these models (`None` or an empty sequence: none, features only).
    Items(Vec<ModelItem>),
}

fn model_item(obj: &Bound<'_, PyAny>) -> PyResult<ModelItem> {
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(ModelItem::Text(s.extract::<String>()?));
    }
    match obj.extract::<PathBuf>() {
        Ok(p) => Ok(ModelItem::Path(p)),
        Err(_) => Err(PyTypeError::new_err(format!(
            "model: expected a model name, a path or a sequence of them, got {}",
            obj.get_type().name()?
        ))),
    }
}

impl<'a, 'py> FromPyObject<'a, 'py> for ModelArg {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if obj.is_none() {
            return Ok(ModelArg::Items(Vec::new()));
        }
        if obj.is_instance_of::<PyString>() {
            return Ok(ModelArg::Items(vec![model_item(&obj)?]));
        }
        if obj.is_instance_of::<pyo3::types::PyList>() || obj.is_instance_of::<PyTuple>() {
            let mut v = Vec::new();
            for item in obj.try_iter()? {
                v.push(model_item(&item?)?);
            }
            return Ok(ModelArg::Items(v));
        }
        Ok(ModelArg::Items(vec![model_item(&obj)?]))
    }
}

/// The `features=` argument: libvmaf feature specs (`"psnr"`, `"cambi=full_ref=true"`).
#[derive(Debug, Clone, Default)]
pub(crate) struct FeaturesArg(pub(crate) Vec<String>);

impl<'a, 'py> FromPyObject<'a, 'py> for FeaturesArg {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if obj.is_none() {
            return Ok(FeaturesArg(Vec::new()));
        }
        if let Ok(s) = obj.cast::<PyString>() {
            return Ok(FeaturesArg(vec![s.extract::<String>()?]));
        }
        let mut v = Vec::new();
        let iter = obj.try_iter().map_err(|_| {
            PyTypeError::new_err("features: expected a feature spec or a sequence of them")
        })?;
        for item in iter {
            let item = item?;
            let s = item.cast::<PyString>().map_err(|_| {
                PyTypeError::new_err(format!(
                    "features: every entry must be a str such as \"psnr\", got {}",
                    item.get_type()
                        .name()
                        .map(|n| n.to_string())
                        .unwrap_or_default()
                ))
            })?;
            v.push(s.extract::<String>()?);
        }
        Ok(FeaturesArg(v))
    }
}

fn unknown_model(name: &str) -> PyErr {
    let known: Vec<&str> = builtin_model_names().collect();
    invalid(format!(
        "unknown built-in model \"{name}\" (built-in: {}); a model file needs a path that exists",
        known.join(", ")
    ))
}

/// The spec of one model entry, and whether it names its score explicitly.
fn model_spec(item: &ModelItem) -> PyResult<(ModelSpec, bool)> {
    let path_spec = |p: &Path| ModelSpec {
        version: None,
        path: Some(p.to_string_lossy().into_owned()),
        ..ModelSpec::builtin("")
    };
    match item {
        ModelItem::Path(p) => Ok((path_spec(p), false)),
        ModelItem::Text(s) if s.contains('=') => {
            let spec = ModelSpec::parse(s).map_err(to_pyerr)?;
            let named = s.split(':').any(|kv| kv.starts_with("name="));
            Ok((spec, named))
        }
        ModelItem::Text(s) if builtin_model_json(s).is_some() => Ok((ModelSpec::builtin(s), false)),
        ModelItem::Text(s) if s.ends_with(".json") || Path::new(s).is_file() => {
            Ok((path_spec(Path::new(s)), false))
        }
        ModelItem::Text(s) => Err(unknown_model(s)),
    }
}

/// The score key of a model in a multi-model run: its version, or its file name's stem.
fn model_label(spec: &ModelSpec) -> String {
    match (&spec.version, &spec.path) {
        (Some(v), _) => v.clone(),
        (None, Some(p)) => Path::new(p)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| p.clone()),
        (None, None) => "vmaf".into(),
    }
}

/// Everything a scoring run is configured with.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    /// The engine builder (models loaded, features parsed).
    pub(crate) builder: ContextBuilder,
    /// Score every n-th frame.
    pub(crate) subsample: usize,
}

impl Config {
    /// Loads models and checks features and options; raises for anything invalid.
    pub(crate) fn new(
        model: &ModelArg,
        features: &FeaturesArg,
        threads: i64,
        subsample: i64,
    ) -> PyResult<Config> {
        if threads < 0 {
            return Err(invalid(format!(
                "threads={threads}: use 0 for every core or a positive count"
            )));
        }
        if subsample < 1 {
            return Err(invalid(format!(
                "subsample={subsample}: must be at least 1"
            )));
        }
        let items = match model {
            ModelArg::Default => vec![ModelItem::Text(default_model_name().to_string())],
            ModelArg::Items(v) => v.clone(),
        };
        if items.is_empty() && features.0.is_empty() {
            return Err(invalid(
                "nothing to compute: give a model, features, or both",
            ));
        }
        let mut specs = Vec::with_capacity(items.len());
        for item in &items {
            let (mut spec, named) = model_spec(item)?;
            if items.len() > 1 && !named {
                spec.name = model_label(&spec);
            }
            specs.push(spec);
        }
        let mut b = Context::builder()
            .threads(threads as usize)
            .subsample(subsample as usize)
            .key_order(if threads >= 1 {
                KeyOrder::Threaded
            } else {
                KeyOrder::Unthreaded
            });
        for spec in &specs {
            b = b.model(spec.load().map_err(to_pyerr)?);
        }
        for f in &features.0 {
            b = b.feature_spec(f).map_err(to_pyerr)?;
        }
        // Validates the whole set (duplicate names, feature options) before any input is read.
        b.clone().build().map_err(to_pyerr)?;
        Ok(Config {
            builder: b,
            subsample: subsample as usize,
        })
    }
}

//! `rvmaf.Result`: per-frame scores, pooled values and libvmaf's output formats.

use numpy::PyArray1;
use pyo3::exceptions::PyKeyError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};
use rvmaf::options::{feature_alias, feature_unalias};
use rvmaf::output::{write_output, OutputData, OutputFormat, OutputOptions, Precision};
use rvmaf::pool::{pool, PoolMethod};
use rvmaf::{Collector, Report};

use crate::error::invalid;

/// The scores of one run (immutable, picklable).
///
/// `frames` maps every per-frame metric to a numpy array (one value per scored frame, NaN where
/// a metric has no value), keyed exactly like libvmaf's JSON output (`"vmaf"`,
/// `"integer_adm2"`, `"psnr_y"`, ...). `pooled` maps the same keys to their `min`, `max`,
/// `mean` and `harmonic_mean` over the run. `to_json()` writes libvmaf's JSON.
#[pyclass(frozen, module = "rvmaf", name = "Result")]
pub(crate) struct ScoreResult {
    collector: Collector,
    frame_count: usize,
    subsample: usize,
    width: usize,
    height: usize,
    fps: Option<f64>,
    models: Vec<String>,
}

/// Version of the pickled state layout.
const STATE_VERSION: u32 = 1;

impl ScoreResult {
    /// A result from a finished engine run.
    pub(crate) fn from_report(report: &Report, subsample: usize, fps: Option<f64>) -> Self {
        let g = report.geometry();
        ScoreResult {
            collector: report.collector().clone(),
            frame_count: report.frame_count(),
            subsample,
            width: g.width,
            height: g.height,
            fps,
            models: report.model_names().to_vec(),
        }
    }

    /// A result from scores collected outside the engine (single-input CAMBI).
    pub(crate) fn from_collector(
        collector: Collector,
        frame_count: usize,
        width: usize,
        height: usize,
        fps: Option<f64>,
    ) -> Self {
        ScoreResult {
            collector,
            frame_count,
            subsample: 1,
            width,
            height,
            fps,
            models: Vec::new(),
        }
    }

    /// Frame indices written to outputs: kept by subsampling, with at least one score.
    fn kept_frames(&self) -> Vec<usize> {
        let c = &self.collector;
        (0..c.frame_count())
            .filter(|i| !(self.subsample > 1 && i % self.subsample != 0))
            .filter(|&i| c.names().iter().any(|n| c.get(n, i).is_some()))
            .collect()
    }

    /// The collector key of a printed (`integer_adm2`) or internal name.
    fn key<'a>(&self, name: &'a str) -> Option<&'a str> {
        if self.collector.contains(name) {
            Some(name)
        } else {
            let k = feature_unalias(name);
            self.collector.contains(k).then_some(k)
        }
    }

    fn pool_one(&self, key: &str, method: PoolMethod) -> Option<f64> {
        if self.frame_count == 0 {
            return None;
        }
        pool(
            &self.collector,
            key,
            method,
            0,
            self.frame_count - 1,
            self.subsample,
        )
    }

    fn render(
        &self,
        format: OutputFormat,
        precision: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        let precision = match precision {
            None => Precision::default(),
            Some(p) if p.is_none() => Precision::default(),
            Some(p) => {
                if let Ok(s) = p.extract::<String>() {
                    if s == "max" {
                        Precision::Max
                    } else {
                        return Err(invalid(format!(
                            "precision must be 0..17 or \"max\", got \"{s}\""
                        )));
                    }
                } else {
                    let d: i64 = p.extract()?;
                    if !(0..=17).contains(&d) {
                        return Err(invalid(format!(
                            "precision must be 0..17 or \"max\", got {d}"
                        )));
                    }
                    Precision::Digits(d as usize)
                }
            }
        };
        let data = OutputData {
            collector: &self.collector,
            frame_count: self.frame_count,
            subsample: self.subsample,
            width: self.width,
            height: self.height,
            fps: self.fps,
        };
        let opts = OutputOptions {
            precision,
            extra_pools: Vec::new(),
        };
        let mut out = Vec::new();
        write_output(&mut out, format, &data, &opts)
            .map_err(|e| invalid(format!("cannot format the result: {e}")))?;
        String::from_utf8(out).map_err(|e| invalid(format!("cannot format the result: {e}")))
    }
}

#[pymethods]
impl ScoreResult {
    /// Per-frame values: {key: numpy.ndarray of float64}, keys in libvmaf's output order.
    #[getter]
    fn frames<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let kept = self.kept_frames();
        let d = PyDict::new(py);
        for n in self.collector.names() {
            let v: Vec<f64> = kept
                .iter()
                .map(|&i| self.collector.get(n, i).unwrap_or(f64::NAN))
                .collect();
            d.set_item(feature_alias(n), PyArray1::from_vec(py, v))?;
        }
        Ok(d)
    }

    /// Frame numbers of the values in `frames` (0, 1, 2, ... or every n-th with subsample=n).
    #[getter]
    fn frame_numbers<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<i64>> {
        PyArray1::from_vec(
            py,
            self.kept_frames().into_iter().map(|i| i as i64).collect(),
        )
    }

    /// Pooled values: {key: {"min", "max", "mean", "harmonic_mean": float}}.
    #[getter]
    fn pooled<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for n in self.collector.names() {
            let inner = PyDict::new(py);
            for m in PoolMethod::STANDARD {
                if let Some(v) = self.pool_one(n, m) {
                    inner.set_item(m.name(), v)?;
                }
            }
            d.set_item(feature_alias(n), inner)?;
        }
        Ok(d)
    }

    /// Whole-run values some metrics report (libvmaf's `aggregate_metrics`, e.g. `apsnr_y`).
    #[getter]
    fn aggregates<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (n, v) in self.collector.aggregates() {
            d.set_item(n, *v)?;
        }
        Ok(d)
    }

    /// Keys of the model scores (`["vmaf"]` for the default model).
    #[getter]
    fn models(&self) -> Vec<String> {
        self.models.clone()
    }

    /// Frames read (with subsample=n only every n-th has scores).
    #[getter]
    fn frame_count(&self) -> usize {
        self.frame_count
    }

    /// Luma width of the scored pictures.
    #[getter]
    fn width(&self) -> usize {
        self.width
    }

    /// Luma height of the scored pictures.
    #[getter]
    fn height(&self) -> usize {
        self.height
    }

    /// Frames per second of the run (None when not measured).
    #[getter]
    fn fps(&self) -> Option<f64> {
        self.fps
    }

    /// Pools one key over the run: `method` is "min", "max", "mean", "harmonic_mean" or a
    /// percentile such as "p5" or "p99.5".
    #[pyo3(signature = (key, method = "mean"))]
    fn pool(&self, key: &str, method: &str) -> PyResult<f64> {
        let m = PoolMethod::parse(method).ok_or_else(|| {
            invalid(format!(
                "unknown pooling method \"{method}\" (use min, max, mean, harmonic_mean or pN, 0 <= N <= 100)"
            ))
        })?;
        let k = self
            .key(key)
            .ok_or_else(|| PyKeyError::new_err(key.to_string()))?;
        self.pool_one(k, m)
            .ok_or_else(|| invalid(format!("\"{key}\" has no value on some scored frame")))
    }

    /// libvmaf's JSON output; `precision` is the number of decimals (libvmaf: 6) or "max" for
    /// exact round-trip doubles.
    #[pyo3(signature = (precision = None))]
    fn to_json(&self, precision: Option<&Bound<'_, PyAny>>) -> PyResult<String> {
        self.render(OutputFormat::Json, precision)
    }

    /// libvmaf's XML output (its default format).
    #[pyo3(signature = (precision = None))]
    fn to_xml(&self, precision: Option<&Bound<'_, PyAny>>) -> PyResult<String> {
        self.render(OutputFormat::Xml, precision)
    }

    /// libvmaf's CSV output.
    #[pyo3(signature = (precision = None))]
    fn to_csv(&self, precision: Option<&Bound<'_, PyAny>>) -> PyResult<String> {
        self.render(OutputFormat::Csv, precision)
    }

    /// Per-frame values of one key (same as `frames[key]`).
    fn __getitem__<'py>(&self, py: Python<'py>, key: &str) -> PyResult<Bound<'py, PyArray1<f64>>> {
        let k = self
            .key(key)
            .ok_or_else(|| PyKeyError::new_err(key.to_string()))?;
        let v: Vec<f64> = self
            .kept_frames()
            .iter()
            .map(|&i| self.collector.get(k, i).unwrap_or(f64::NAN))
            .collect();
        Ok(PyArray1::from_vec(py, v))
    }

    fn __contains__(&self, key: &str) -> bool {
        self.key(key).is_some()
    }

    /// The per-frame keys, as in `frames`.
    fn keys(&self) -> Vec<String> {
        self.collector
            .names()
            .iter()
            .map(|n| feature_alias(n).to_string())
            .collect()
    }

    fn __repr__(&self) -> String {
        let mut parts = vec![format!("frames={}", self.frame_count)];
        let shown: Vec<&str> = if self.models.is_empty() {
            self.collector
                .names()
                .iter()
                .take(3)
                .map(String::as_str)
                .collect()
        } else {
            self.models.iter().map(String::as_str).collect()
        };
        for n in shown {
            if let Some(v) = self.pool_one(n, PoolMethod::Mean) {
                parts.push(format!("{}={v:.6}", feature_alias(n)));
            }
        }
        format!("<rvmaf.Result {}>", parts.join(", "))
    }

    /// Pickle support (results travel between Dask/Ray workers).
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let names = PyList::empty(py);
        let values = PyList::empty(py);
        for n in self.collector.names() {
            names.append(n)?;
            let series: Vec<Option<f64>> = self.collector.series(n).unwrap_or(&[]).to_vec();
            values.append(series)?;
        }
        let aggregates: Vec<(String, f64)> = self.collector.aggregates().to_vec();
        let state = (
            STATE_VERSION,
            names,
            values,
            aggregates,
            (self.frame_count, self.subsample, self.width, self.height),
            self.fps,
            self.models.clone(),
        )
            .into_pyobject(py)?;
        let rebuild = py.import("rvmaf")?.getattr("_result_from_state")?;
        PyTuple::new(py, [rebuild, PyTuple::new(py, [state])?.into_any()])
    }
}

/// Rebuilds a pickled [`ScoreResult`] (see `__reduce__`).
#[pyfunction]
pub(crate) fn _result_from_state(state: &Bound<'_, PyTuple>) -> PyResult<ScoreResult> {
    #[allow(clippy::type_complexity)]
    let (version, names, values, aggregates, dims, fps, models): (
        u32,
        Vec<String>,
        Vec<Vec<Option<f64>>>,
        Vec<(String, f64)>,
        (usize, usize, usize, usize),
        Option<f64>,
        Vec<String>,
    ) = state.extract()?;
    if version != STATE_VERSION {
        return Err(invalid(format!(
            "cannot unpickle a Result of state version {version} (this rvmaf reads {STATE_VERSION})"
        )));
    }
    if names.len() != values.len() {
        return Err(invalid("corrupt Result state"));
    }
    let mut c = Collector::new();
    for (n, series) in names.iter().zip(&values) {
        for (i, v) in series.iter().enumerate() {
            if let Some(v) = v {
                c.append(n, i, *v).map_err(crate::error::to_pyerr)?;
            }
        }
    }
    for (n, v) in &aggregates {
        c.set_aggregate(n, *v).map_err(crate::error::to_pyerr)?;
    }
    let (frame_count, subsample, width, height) = dims;
    Ok(ScoreResult {
        collector: c,
        frame_count,
        subsample,
        width,
        height,
        fps,
        models,
    })
}

//! VMAF models: libvmaf's JSON model format, built-in models, prediction and bootstrap CIs.

use std::path::Path;

use crate::collector::Collector;
use crate::error::{Error, Result};
use crate::features;
use crate::options::FeatureDict;

mod builtin;
mod json;
mod spec;
pub mod svm;

pub use spec::ModelSpec;

pub use builtin::{builtin_model_json, builtin_model_names, default_model_name};

/// Parser-level flags (libvmaf's `VmafModelFlags`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ModelFlags {
    /// Ignore the model's `score_clip`.
    pub disable_clip: bool,
    /// Enable `score_transform` even when the file does not say `enabled: true`.
    pub enable_transform: bool,
}

/// Feature normalisation (`norm_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Normalization {
    /// Values used as they are.
    None,
    /// `x' = slope * x + intercept`.
    LinearRescale,
}

/// Model kind (`model_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelType {
    /// `LIBSVMNUSVR`.
    SvmNuSvr,
    /// `BOOTSTRAP_LIBSVMNUSVR`.
    BootstrapSvmNuSvr,
    /// `RESIDUEBOOTSTRAP_LIBSVMNUSVR`.
    ResidueBootstrapSvmNuSvr,
}

/// One input feature of a model.
#[derive(Debug, Clone)]
pub struct ModelFeature {
    /// Raw provided feature name (`VMAF_integer_feature_adm2_score`).
    pub name: String,
    /// Normalisation slope.
    pub slope: f64,
    /// Normalisation intercept.
    pub intercept: f64,
    /// Extractor options (`feature_opts_dicts`, plus overloads).
    pub options: FeatureDict,
}

/// Score transform (`score_transform`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScoreTransform {
    /// Whether the transform is applied.
    pub enabled: bool,
    /// Constant term.
    pub p0: Option<f64>,
    /// Linear term.
    pub p1: Option<f64>,
    /// Quadratic term.
    pub p2: Option<f64>,
    /// Piecewise-linear knots.
    pub knots: Option<Vec<(f64, f64)>>,
    /// Output never above input.
    pub out_lte_in: bool,
    /// Output never below input.
    pub out_gte_in: bool,
}

/// A VMAF model (one SVM with normalisation, transform and clip).
#[derive(Debug, Clone)]
pub struct Model {
    /// Output key of its score (`vmaf` unless named).
    pub name: String,
    /// Kind.
    pub model_type: ModelType,
    /// Feature normalisation.
    pub norm: Normalization,
    /// Output (de)normalisation slope.
    pub slope: f64,
    /// Output (de)normalisation intercept.
    pub intercept: f64,
    /// Input features in SVM index order.
    pub features: Vec<ModelFeature>,
    /// Score transform.
    pub transform: Option<ScoreTransform>,
    /// Clip range, unless disabled.
    pub clip: Option<(f64, f64)>,
    /// Chroma-from-luma correction parameter (v1 models).
    pub chroma_correction: Option<f64>,
    /// The SVM.
    pub svm: svm::Svm,
}

/// A bootstrap model collection (`vmaf_b_v0.6.3`): a primary model and N members.
#[derive(Debug, Clone)]
pub struct ModelCollection {
    /// Collection name (`vmaf`), prefix of `<name>_bagging` etc.
    pub name: String,
    /// The primary model (file key "0"), scored under `name`.
    pub primary: Model,
    /// Bootstrap members (keys "1".."N"), named `<name>_0001`...
    pub members: Vec<Model>,
}

/// A loaded model: single, or a bootstrap collection.
#[derive(Debug, Clone)]
pub enum LoadedModel {
    /// One model.
    Single(Model),
    /// A bootstrap collection.
    Collection(ModelCollection),
}

impl LoadedModel {
    /// Loads a built-in model by name (`vmaf_v0.6.1`, `vmaf_b_v0.6.3`, ...).
    pub fn builtin(version: &str, name: Option<&str>, flags: ModelFlags) -> Result<LoadedModel> {
        let text =
            builtin_model_json(version).ok_or_else(|| Error::UnknownModel(version.to_string()))?;
        json::load(text, version, name, flags)
    }
    /// Loads a model JSON file (single or collection).
    pub fn from_path(path: &Path, name: Option<&str>, flags: ModelFlags) -> Result<LoadedModel> {
        let label = path.display().to_string();
        if path.extension().is_some_and(|e| e == "pkl") {
            return Err(Error::Model {
                model: label,
                key: "-".into(),
                message: "pkl model files are not supported, use the JSON model".into(),
            });
        }
        let text = std::fs::read_to_string(path).map_err(|e| Error::Io {
            path: path.to_path_buf(),
            source: e,
        })?;
        json::load(&text, &label, name, flags)
    }
    /// Loads a model from JSON text (`label` names it in errors).
    pub fn from_json(
        text: &str,
        label: &str,
        name: Option<&str>,
        flags: ModelFlags,
    ) -> Result<LoadedModel> {
        json::load(text, label, name, flags)
    }
    /// Output name of the primary score.
    pub fn name(&self) -> &str {
        match self {
            LoadedModel::Single(m) => &m.name,
            LoadedModel::Collection(c) => &c.primary.name,
        }
    }
    /// Every model whose features must be extracted (primary first).
    pub fn all_models(&self) -> Vec<&Model> {
        match self {
            LoadedModel::Single(m) => vec![m],
            LoadedModel::Collection(c) => std::iter::once(&c.primary)
                .chain(c.members.iter())
                .collect(),
        }
    }
    fn all_models_mut(&mut self) -> Vec<&mut Model> {
        match self {
            LoadedModel::Single(m) => vec![m],
            LoadedModel::Collection(c) => std::iter::once(&mut c.primary)
                .chain(c.members.iter_mut())
                .collect(),
        }
    }
    /// Merges `options` into every feature computed by extractor `extractor` (libvmaf's
    /// `vmaf_model_feature_overload`, e.g. `adm.adm_enhn_gain_limit=1.0`).
    pub fn overload(&mut self, extractor: &str, options: &FeatureDict) -> Result<()> {
        features::by_name(extractor)?;
        for m in self.all_models_mut() {
            for f in &mut m.features {
                if let Some(def) = features::by_feature_name(&f.name) {
                    if def.name == extractor {
                        f.options = f.options.merged(options);
                    }
                }
            }
        }
        Ok(())
    }
}

impl Model {
    /// Output key of each input feature, after libvmaf's naming rule.
    pub fn feature_keys(&self) -> Result<Vec<String>> {
        self.features
            .iter()
            .map(|f| {
                let def = features::by_feature_name(&f.name).ok_or_else(|| Error::Model {
                    model: self.name.clone(),
                    key: "feature_names".into(),
                    message: format!("no feature extractor provides \"{}\"", f.name),
                })?;
                let opts = def.parse_options(&f.options)?;
                Ok(opts.feature_name(&f.name))
            })
            .collect()
    }

    /// Scores frame `index` from the features in `collector` (`keys` from [`Model::feature_keys`]).
    /// `raw` skips transform and clip (bootstrap statistics).
    pub fn predict(
        &self,
        collector: &Collector,
        keys: &[String],
        index: usize,
        raw: bool,
    ) -> Result<f64> {
        let mut x = Vec::with_capacity(self.features.len());
        for (f, key) in self.features.iter().zip(keys) {
            let v = collector.get(key, index).ok_or_else(|| {
                Error::MissingScore(format!("no feature \"{key}\" at index {index}"))
            })?;
            x.push(self.normalize(f, v));
        }
        if let Some(c) = self.chroma_correction {
            if c == 0.0 {
                return Err(Error::Model {
                    model: self.name.clone(),
                    key: "chroma_correction_parameter".into(),
                    message: "a zero chroma correction parameter leaves the score undefined".into(),
                });
            }
            self.correct_chroma(&mut x, c)?;
        }
        let mut y = self.svm.predict(&x);
        if self.norm == Normalization::LinearRescale {
            y = (y - self.intercept) / self.slope;
        }
        if !raw {
            y = self.transform_and_clip(y);
        }
        Ok(y)
    }

    fn normalize(&self, f: &ModelFeature, v: f64) -> f64 {
        match self.norm {
            Normalization::None => v,
            Normalization::LinearRescale => f.slope * v + f.intercept,
        }
    }

    fn denormalize(&self, f: &ModelFeature, v: f64) -> f64 {
        match self.norm {
            Normalization::None => v,
            Normalization::LinearRescale => (v - f.intercept) / f.slope,
        }
    }

    /// libvmaf's chroma-from-luma correction: when the (denormalised) speed_chroma input is
    /// exactly 0, replace it by `c - c * adm3` (adm3 after a normalise/denormalise round trip).
    fn correct_chroma(&self, x: &mut [f64], c: f64) -> Result<()> {
        let mut guiding = None;
        let mut guided = None;
        for (i, f) in self.features.iter().enumerate() {
            if f.name.contains("adm3") {
                if guiding.is_some() {
                    return Err(self.corr_err("adm3"));
                }
                guiding = Some(self.denormalize(f, x[i]));
            }
            if f.name.contains("speed_chroma") {
                if guided.is_some() {
                    return Err(self.corr_err("speed_chroma"));
                }
                let g = self.denormalize(f, x[i]);
                if g != 0.0 {
                    return Ok(());
                }
                guided = Some(i);
            }
        }
        if let (Some(i), Some(g)) = (guided, guiding) {
            let corrected = -c * g + c;
            x[i] = self.normalize(&self.features[i], corrected);
        } else if let Some(i) = guided {
            // libvmaf would read an uninitialised guiding value here; refuse instead.
            let _ = i;
            return Err(self.corr_err("adm3"));
        }
        Ok(())
    }

    fn corr_err(&self, what: &str) -> Error {
        Error::Model {
            model: self.name.clone(),
            key: "chroma_correction_parameter".into(),
            message: format!("the chroma correction needs exactly one \"{what}\" feature"),
        }
    }

    /// Applies the score transform (if enabled) and the clip (if any).
    pub fn transform_and_clip(&self, y: f64) -> f64 {
        let mut y = self.apply_transform(y);
        if let Some((lo, hi)) = self.clip {
            y = if y < lo { lo } else { y };
            y = if y > hi { hi } else { y };
        }
        y
    }

    fn apply_transform(&self, y_in: f64) -> f64 {
        let Some(t) = &self.transform else {
            return y_in;
        };
        if !t.enabled {
            return y_in;
        }
        let mut y_out = if t.p0.is_some() || t.p1.is_some() || t.p2.is_some() {
            let mut o = 0.0;
            if let Some(p0) = t.p0 {
                o += p0;
            }
            if let Some(p1) = t.p1 {
                o += p1 * y_in;
            }
            if let Some(p2) = t.p2 {
                o += p2 * y_in * y_in;
            }
            o
        } else {
            y_in
        };
        if let Some(knots) = &t.knots {
            y_out = piecewise_linear(y_out, knots).unwrap_or(0.0);
        }
        if t.out_lte_in && y_out > y_in {
            y_out = y_in;
        }
        if t.out_gte_in && y_out < y_in {
            y_out = y_in;
        }
        y_out
    }
}

/// libvmaf's `piecewise_linear_mapping` (extrapolates the first and last segments).
fn piecewise_linear(x: f64, knots: &[(f64, f64)]) -> Option<f64> {
    if knots.len() <= 1 {
        return None;
    }
    let n_seg = knots.len() - 1;
    let mut y = 0.0;
    for idx in 0..n_seg {
        let (a, b) = (knots[idx], knots[idx + 1]);
        if !(a.0 < b.0 && a.1 <= b.1) {
            return None;
        }
        let c0 = a.0 <= x;
        let c1 = x <= b.0;
        if a.1 == b.1 {
            if c0 && c1 {
                y = a.1;
            }
            if idx == 0 && x < a.0 {
                y = a.1;
            }
            if idx == n_seg - 1 && x > b.0 {
                y = a.1;
            }
        } else {
            let (slope, offset) = if a.0 == 0.0 {
                let beta = a.1;
                ((b.1 - beta) / b.0, beta)
            } else {
                let alpha = (b.1 - a.1) / (b.0 - a.0);
                (alpha, a.1 - a.0 * alpha)
            };
            if c0 && c1 {
                y = slope * x + offset;
            }
            if idx == 0 && x < a.0 {
                y = slope * x + offset;
            }
            if idx == n_seg - 1 && x > b.0 {
                y = slope * x + offset;
            }
        }
    }
    Some(y)
}

/// Bootstrap summary of one frame (libvmaf's `VmafModelCollectionScore`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BootstrapScore {
    /// Mean of the members' raw scores, transformed and clipped.
    pub bagging: f64,
    /// Population standard deviation, scaled by the transform's slope.
    pub stddev: f64,
    /// 2.5th percentile.
    pub ci_p95_lo: f64,
    /// 97.5th percentile.
    pub ci_p95_hi: f64,
}

impl ModelCollection {
    /// Computes the bootstrap statistics of frame `index` and writes each member's score
    /// (`<member name>`), then `<name>_bagging`, `_stddev`, `_ci_p95_lo`, `_ci_p95_hi`.
    pub fn score_frame(
        &self,
        collector: &mut Collector,
        keys: &[Vec<String>],
        index: usize,
    ) -> Result<BootstrapScore> {
        let n = self.members.len();
        let mut raw = Vec::with_capacity(n);
        for (m, k) in self.members.iter().zip(keys) {
            raw.push(m.predict(collector, k, index, true)?);
            let s = m.predict(collector, k, index, false)?;
            collector.append(&m.name, index, s)?;
        }
        let sum: f64 = raw.iter().sum();
        let mean = sum / n as f64;
        let delta = 0.01;
        let ssd: f64 = raw.iter().map(|s| (s - mean).powi(2)).sum();
        let mut stddev = (ssd / n as f64).sqrt();
        raw.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
        let pct = |p: f64| -> f64 {
            let pos = p * (n as f64 - 1.0) / 100.0;
            let l = pos.floor() as usize;
            let r = pos.ceil() as usize;
            if l == r {
                raw[l]
            } else {
                raw[l] * (r as f64 - pos) + raw[r] * (pos - l as f64)
            }
        };
        let first = &self.members[0];
        let bagging = first.transform_and_clip(mean);
        let lo = first.transform_and_clip(pct(2.5));
        let hi = first.transform_and_clip(pct(97.5));
        let plus = first.transform_and_clip(mean + delta);
        let minus = first.transform_and_clip(mean - delta);
        stddev *= (plus - minus) / (2.0 * delta);
        let s = BootstrapScore {
            bagging,
            stddev,
            ci_p95_lo: lo,
            ci_p95_hi: hi,
        };
        collector.append(&format!("{}_bagging", self.name), index, s.bagging)?;
        collector.append(&format!("{}_stddev", self.name), index, s.stddev)?;
        collector.append(&format!("{}_ci_p95_lo", self.name), index, s.ci_p95_lo)?;
        collector.append(&format!("{}_ci_p95_hi", self.name), index, s.ci_p95_hi)?;
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knots_extrapolate() {
        let k = [(0.0, 0.0), (50.0, 40.0), (100.0, 100.0)];
        assert_eq!(piecewise_linear(25.0, &k), Some(20.0));
        assert_eq!(piecewise_linear(75.0, &k), Some(70.0));
        assert_eq!(piecewise_linear(110.0, &k), Some(112.0));
        assert_eq!(piecewise_linear(-10.0, &k), Some(-8.0));
        assert_eq!(piecewise_linear(1.0, &[(0.0, 0.0)]), None);
    }

    #[test]
    fn all_builtins_load() {
        for name in builtin_model_names() {
            let m = LoadedModel::builtin(name, None, ModelFlags::default()).unwrap();
            assert_eq!(m.name(), "vmaf");
            for model in m.all_models() {
                assert!(!model.features.is_empty());
                assert!(!model.svm.is_empty());
            }
        }
        match LoadedModel::builtin("vmaf_b_v0.6.3", Some("b"), ModelFlags::default()).unwrap() {
            LoadedModel::Collection(c) => {
                assert_eq!(c.members.len(), 20);
                assert_eq!(c.name, "b");
                assert_eq!(c.primary.name, "b");
                assert_eq!(c.members[0].name, "b_0001");
                assert_eq!(c.members[19].name, "b_0020");
            }
            _ => panic!("b_v0.6.3 is a collection"),
        }
    }

    #[test]
    fn v061_transform_is_off_unless_enabled() {
        let m = match LoadedModel::builtin("vmaf_v0.6.1", None, ModelFlags::default()).unwrap() {
            LoadedModel::Single(m) => m,
            _ => unreachable!(),
        };
        assert!(!m.transform.as_ref().unwrap().enabled);
        assert_eq!(m.clip, Some((0.0, 100.0)));
        let flags = ModelFlags {
            enable_transform: true,
            disable_clip: true,
        };
        let m = match LoadedModel::builtin("vmaf_v0.6.1", None, flags).unwrap() {
            LoadedModel::Single(m) => m,
            _ => unreachable!(),
        };
        assert!(m.transform.as_ref().unwrap().enabled);
        assert_eq!(m.clip, None);
        // p0 + p1 x + p2 x² with out_gte_in
        let y = m.transform_and_clip(50.0);
        assert_eq!(
            y,
            1.70674692 + 1.72643844 * 50.0 + -0.00705305 * 50.0 * 50.0
        );
    }
}

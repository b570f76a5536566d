//! The scoring context: models and extra features → a de-duplicated set of extractors → frames
//! → per-frame features → model predictions → pooled scores and outputs.

use std::time::Instant;

use crate::collector::Collector;
use crate::error::{Error, Result};
use crate::features::{self, ExtractorDef, FrameInput, FrameScores};
use crate::frame::{Geometry, Picture, PictureView};
use crate::model::{LoadedModel, Model, ModelCollection};
use crate::options::{FeatureDict, Options};
use crate::output::{write_output, OutputData, OutputFormat, OutputOptions};
use crate::pool::{pool, PoolMethod};

/// One registered extractor: its definition, parsed options and de-duplication key.
#[derive(Debug, Clone)]
struct Registered {
    def: &'static ExtractorDef,
    options: Options,
    key: String,
}

/// How libvmaf would order output keys for the same run: with `--threads N` (N ≥ 1) its
/// temporal extractors (psnr, speed_temporal, float_motion) write first; without threads every
/// extractor writes in registration order. Values never depend on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KeyOrder {
    /// libvmaf without `--threads` (or `--threads 0`).
    #[default]
    Unthreaded,
    /// libvmaf with `--threads N`, N ≥ 1.
    Threaded,
}

/// Builds a [`Context`].
#[derive(Debug, Clone, Default)]
pub struct ContextBuilder {
    models: Vec<LoadedModel>,
    features: Vec<(String, FeatureDict)>,
    subsample: usize,
    key_order: KeyOrder,
    no_prediction: bool,
}

impl ContextBuilder {
    /// Adds a model (its features are extracted and it is scored on every frame).
    pub fn model(mut self, model: LoadedModel) -> Self {
        self.models.push(model);
        self
    }
    /// Adds an extractor by libvmaf extractor name (`psnr`, `float_ssim`, `cambi`, ...).
    pub fn feature(mut self, extractor: &str, options: FeatureDict) -> Self {
        self.features.push((extractor.to_string(), options));
        self
    }
    /// Adds an extractor from a libvmaf feature spec, `name` or `name=opt=val:opt2=val2`.
    pub fn feature_spec(self, spec: &str) -> Result<Self> {
        let (name, opts) = parse_feature_spec(spec)?;
        Ok(self.feature(&name, opts))
    }
    /// Scores (and writes) only every `n`-th frame (`n` ≥ 1).
    pub fn subsample(mut self, n: usize) -> Self {
        self.subsample = n;
        self
    }
    /// Output key order to mimic.
    pub fn key_order(mut self, order: KeyOrder) -> Self {
        self.key_order = order;
        self
    }
    /// Register the models' features but do not predict scores (`-n`).
    pub fn no_prediction(mut self, yes: bool) -> Self {
        self.no_prediction = yes;
        self
    }
    /// Validates models and features and registers the de-duplicated extractor set.
    pub fn build(self) -> Result<Context> {
        let mut reg: Vec<Registered> = Vec::new();
        let mut add = |def: &'static ExtractorDef, dict: &FeatureDict| -> Result<()> {
            let options = def.parse_options(dict)?;
            let key = options.feature_name(def.name);
            if !reg.iter().any(|r| r.key == key) {
                reg.push(Registered { def, options, key });
            }
            Ok(())
        };
        let mut names: Vec<String> = Vec::new();
        for m in &self.models {
            if names.iter().any(|n| n == m.name()) {
                return Err(Error::invalid(format!(
                    "two models are named \"{}\"; give one a name=",
                    m.name()
                )));
            }
            names.push(m.name().to_string());
            for model in m.all_models() {
                for f in &model.features {
                    let def = features::by_feature_name(&f.name).ok_or_else(|| Error::Model {
                        model: model.name.clone(),
                        key: "feature_names".into(),
                        message: format!("no feature extractor provides \"{}\"", f.name),
                    })?;
                    add(def, &f.options)?;
                }
            }
        }
        for (name, dict) in &self.features {
            add(features::by_name(name)?, dict)?;
        }
        let mut keys = Vec::new();
        for m in &self.models {
            keys.push(
                m.all_models()
                    .iter()
                    .map(|x| x.feature_keys())
                    .collect::<Result<Vec<_>>>()?,
            );
        }
        Ok(Context {
            registered: reg,
            instances: Vec::new(),
            models: self.models,
            model_keys: keys,
            subsample: self.subsample.max(1),
            key_order: self.key_order,
            no_prediction: self.no_prediction,
            geometry: None,
            collector: Collector::new(),
            frames: 0,
            prev: Vec::new(),
            scores: FrameScores::new(),
            started: None,
        })
    }
}

/// Splits a libvmaf feature spec `name=opt=val:opt2=val2` into the extractor name and options.
pub fn parse_feature_spec(spec: &str) -> Result<(String, FeatureDict)> {
    let (name, rest) = match spec.split_once('=') {
        Some((n, r)) => (n, r),
        None => (spec, ""),
    };
    if name.is_empty() {
        return Err(Error::invalid(format!("feature \"{spec}\" has no name")));
    }
    features::by_name(name)?;
    Ok((name.to_string(), FeatureDict::parse_colon_list(rest)?))
}

/// A scoring run: push frame pairs, then [`Context::finish`].
pub struct Context {
    registered: Vec<Registered>,
    instances: Vec<Box<dyn features::Extractor>>,
    models: Vec<LoadedModel>,
    model_keys: Vec<Vec<Vec<String>>>,
    subsample: usize,
    key_order: KeyOrder,
    no_prediction: bool,
    geometry: Option<Geometry>,
    collector: Collector,
    frames: usize,
    prev: Vec<Picture>,
    scores: FrameScores,
    started: Option<Instant>,
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("extractors", &self.extractor_keys())
            .field("frames", &self.frames)
            .finish()
    }
}

impl Context {
    /// A builder.
    pub fn builder() -> ContextBuilder {
        ContextBuilder::default()
    }

    /// De-duplication keys of the registered extractors, in registration order.
    pub fn extractor_keys(&self) -> Vec<&str> {
        self.registered.iter().map(|r| r.key.as_str()).collect()
    }

    /// Frames pushed so far.
    pub fn frames(&self) -> usize {
        self.frames
    }

    fn init(&mut self, g: Geometry) -> Result<()> {
        let mut inst = Vec::with_capacity(self.registered.len());
        for r in &self.registered {
            inst.push((r.def.create)(&r.options, g)?);
        }
        self.instances = inst;
        self.geometry = Some(g);
        Ok(())
    }

    fn needs_prev(&self) -> bool {
        self.registered.iter().any(|r| r.def.prev_ref)
    }

    /// Scores one frame pair. Both pictures must share format, depth and size with each other
    /// and with every earlier frame.
    pub fn push(&mut self, reference: &PictureView<'_>, distorted: &PictureView<'_>) -> Result<()> {
        let g = reference.geometry();
        let gd = distorted.geometry();
        if g != gd {
            return Err(Error::Mismatch(describe_mismatch(&g, &gd)));
        }
        match self.geometry {
            None => {
                self.started = Some(Instant::now());
                self.init(g)?
            }
            Some(g0) if g0 != g => {
                return Err(Error::Mismatch(format!(
                    "frame {} is {}, earlier frames were {}",
                    self.frames,
                    describe(&g),
                    describe(&g0)
                )))
            }
            Some(_) => {}
        }
        let index = self.frames;
        let n = self.prev.len();
        let input = FrameInput {
            index,
            reference: *reference,
            distorted: *distorted,
            prev_ref: if n >= 1 {
                Some(self.prev[n - 1].view())
            } else {
                None
            },
            prev_prev_ref: if n >= 2 {
                Some(self.prev[n - 2].view())
            } else {
                None
            },
        };
        let skip = self.subsample > 1 && index % self.subsample != 0;
        let order: Vec<usize> = match self.key_order {
            KeyOrder::Unthreaded => (0..self.registered.len()).collect(),
            KeyOrder::Threaded => (0..self.registered.len())
                .filter(|&i| self.registered[i].def.temporal)
                .chain((0..self.registered.len()).filter(|&i| !self.registered[i].def.temporal))
                .collect(),
        };
        for i in order {
            let def = self.registered[i].def;
            if skip && !def.temporal && !def.prev_ref {
                continue;
            }
            self.scores.clear();
            self.instances[i].extract(&input, &mut self.scores)?;
            for (k, v) in self.scores.entries() {
                self.collector.append(k, index, *v)?;
            }
        }
        if self.needs_prev() {
            let pic = if self.prev.len() >= 2 {
                let mut p = self.prev.remove(0);
                p.copy_from(reference)?;
                p
            } else {
                reference.to_owned_picture()
            };
            self.prev.push(pic);
        }
        self.frames += 1;
        Ok(())
    }

    /// Flushes temporal extractors, predicts every model on every scored frame and returns the
    /// report. Fails when no frame was pushed.
    pub fn finish(mut self) -> Result<Report> {
        if self.frames == 0 {
            return Err(Error::invalid("no frames were scored"));
        }
        for inst in &mut self.instances {
            inst.flush(&mut self.collector)?;
        }
        let kept: Vec<usize> = (0..self.frames)
            .filter(|i| self.subsample <= 1 || i % self.subsample == 0)
            .collect();
        let mut model_names = Vec::new();
        if !self.no_prediction {
            for (m, keys) in self.models.iter().zip(&self.model_keys) {
                let (primary, k): (&Model, &Vec<String>) = match m {
                    LoadedModel::Single(x) => (x, &keys[0]),
                    LoadedModel::Collection(c) => (&c.primary, &keys[0]),
                };
                for &i in &kept {
                    let s = primary.predict(&self.collector, k, i, false)?;
                    self.collector.append(&primary.name, i, s)?;
                }
                model_names.push(primary.name.clone());
            }
            for (m, keys) in self.models.iter().zip(&self.model_keys) {
                if let LoadedModel::Collection(c) = m {
                    score_collection(c, &keys[1..], &mut self.collector, &kept)?;
                }
            }
        }
        let g = self.geometry.expect("initialised with the first frame");
        let secs = self
            .started
            .map(|t| t.elapsed().as_secs_f64())
            .unwrap_or(0.0);
        Ok(Report {
            collector: self.collector,
            frame_count: self.frames,
            subsample: self.subsample,
            geometry: g,
            fps: if secs > 0.0 {
                Some(self.frames as f64 / secs)
            } else {
                None
            },
            models: model_names,
            collections: self
                .models
                .iter()
                .filter_map(|m| match m {
                    LoadedModel::Collection(c) => Some(c.name.clone()),
                    _ => None,
                })
                .collect(),
        })
    }
}

fn score_collection(
    c: &ModelCollection,
    keys: &[Vec<String>],
    col: &mut Collector,
    kept: &[usize],
) -> Result<()> {
    for &i in kept {
        c.score_frame(col, keys, i)?;
    }
    Ok(())
}

fn describe(g: &Geometry) -> String {
    format!(
        "{}x{} {} {}-bit",
        g.width,
        g.height,
        g.format.as_str(),
        g.bit_depth
    )
}

fn describe_mismatch(r: &Geometry, d: &Geometry) -> String {
    let mut parts = Vec::new();
    if (r.width, r.height) != (d.width, d.height) {
        parts.push(format!(
            "size {}x{} vs {}x{}",
            r.width, r.height, d.width, d.height
        ));
    }
    if r.format != d.format {
        parts.push(format!(
            "pixel format {} vs {}",
            r.format.as_str(),
            d.format.as_str()
        ));
    }
    if r.bit_depth != d.bit_depth {
        parts.push(format!("bit depth {} vs {}", r.bit_depth, d.bit_depth));
    }
    parts.join(", ")
}

/// Everything a finished run produced: per-frame scores, aggregates and pooling.
#[derive(Debug, Clone)]
pub struct Report {
    collector: Collector,
    frame_count: usize,
    subsample: usize,
    geometry: Geometry,
    fps: Option<f64>,
    models: Vec<String>,
    collections: Vec<String>,
}

/// Pooled values of one model or feature.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pooled {
    /// Minimum.
    pub min: f64,
    /// Maximum.
    pub max: f64,
    /// Mean.
    pub mean: f64,
    /// libvmaf's harmonic mean.
    pub harmonic_mean: f64,
}

impl Report {
    /// Every per-frame score and aggregate.
    pub fn collector(&self) -> &Collector {
        &self.collector
    }
    /// Frames read.
    pub fn frame_count(&self) -> usize {
        self.frame_count
    }
    /// Geometry of the scored pictures.
    pub fn geometry(&self) -> Geometry {
        self.geometry
    }
    /// Score names in output order.
    pub fn names(&self) -> &[String] {
        self.collector.names()
    }
    /// Names of the model scores (`vmaf`, ...), in model order.
    pub fn model_names(&self) -> &[String] {
        &self.models
    }
    /// Names of bootstrap collections (prefix of `_bagging`, `_ci_p95_lo`, ...).
    pub fn collection_names(&self) -> &[String] {
        &self.collections
    }
    /// Score `name` of frame `index`.
    pub fn score(&self, name: &str, index: usize) -> Option<f64> {
        self.collector.get(name, index)
    }
    /// Pools `name` over every scored frame.
    pub fn pool(&self, name: &str, method: PoolMethod) -> Option<f64> {
        pool(
            &self.collector,
            name,
            method,
            0,
            self.frame_count - 1,
            self.subsample,
        )
    }
    /// The four standard pooled values of `name`.
    pub fn pooled(&self, name: &str) -> Option<Pooled> {
        Some(Pooled {
            min: self.pool(name, PoolMethod::Min)?,
            max: self.pool(name, PoolMethod::Max)?,
            mean: self.pool(name, PoolMethod::Mean)?,
            harmonic_mean: self.pool(name, PoolMethod::HarmonicMean)?,
        })
    }
    /// Sets the fps written in outputs (e.g. measured by a caller over the whole run).
    pub fn set_fps(&mut self, fps: Option<f64>) {
        self.fps = fps;
    }
    /// Writes the report in libvmaf's `format`.
    pub fn write(
        &self,
        w: &mut dyn std::io::Write,
        format: OutputFormat,
        opts: &OutputOptions,
    ) -> std::io::Result<()> {
        let data = OutputData {
            collector: &self.collector,
            frame_count: self.frame_count,
            subsample: self.subsample,
            width: self.geometry.width,
            height: self.geometry.height,
            fps: self.fps,
        };
        write_output(w, format, &data, opts)
    }
    /// The report as libvmaf JSON text.
    pub fn to_json(&self, opts: &OutputOptions) -> String {
        let mut v = Vec::new();
        self.write(&mut v, OutputFormat::Json, opts)
            .expect("writing to memory");
        String::from_utf8(v).expect("utf-8")
    }
}

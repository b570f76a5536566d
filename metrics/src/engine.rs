//! The scoring context: models and extra features → a de-duplicated set of extractors → frames
//! → per-frame features → model predictions → pooled scores and outputs.

use std::collections::VecDeque;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crate::collector::Collector;
use crate::error::{Error, Result};
use crate::features::{self, Extractor, ExtractorDef, FrameInput, FrameScores};
use crate::frame::{Geometry, Picture, PictureView};
use crate::model::{LoadedModel, Model, ModelCollection};
use crate::options::{feature_alias, feature_unalias, FeatureDict, Options};
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
    threads: usize,
}

impl ContextBuilder {
    /// Worker threads: 0 = every available core, 1 = all work on the calling thread.
    pub fn threads(mut self, n: usize) -> Self {
        self.threads = n;
        self
    }
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
        let threads = match self.threads {
            0 => std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1),
            n => n,
        };
        Ok(Context {
            registered: reg,
            local: Vec::new(),
            workers: None,
            threads,
            models: self.models,
            model_keys: keys,
            subsample: self.subsample.max(1),
            key_order: self.key_order,
            no_prediction: self.no_prediction,
            geometry: None,
            collector: Collector::new(),
            frames: 0,
            pending: VecDeque::new(),
            pending_base: 0,
            prev: VecDeque::new(),
            spare: Vec::new(),
            flushed: false,
            flushing: false,
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

/// A finished or in-flight frame: scores per registered extractor, filled as they arrive.
struct Pending {
    index: usize,
    scores: Vec<Option<FrameScores>>,
    outstanding: bool,
}

/// Result of one frame computed on a worker: (extractor slot, scores) per non-temporal extractor.
type JobResult = (usize, Result<Vec<(usize, FrameScores)>>);

/// The worker side of a threaded context.
struct Workers {
    pool: rayon::ThreadPool,
    /// Idle instance sets of the non-temporal extractors (one per concurrently running job).
    sets: Arc<Mutex<Vec<InstanceSet>>>,
    /// Every worker-side extractor: (slot, definition, options).
    defs: Arc<Vec<WorkerDef>>,
    tx: Sender<JobResult>,
    rx: Receiver<JobResult>,
    in_flight: usize,
    max_in_flight: usize,
}

type WorkerDef = (usize, &'static ExtractorDef, Options);

/// One worker's instances of the worker-side extractors, by registration slot.
type InstanceSet = Vec<(usize, Box<dyn Extractor>)>;

/// A scoring run: push frame pairs, then [`Context::finish`].
///
/// With more than one thread, frames are computed in parallel with at most `2 × threads`
/// frames in flight (memory stays O(threads × frame) on any stream length); results are
/// collected in push order, so outputs are identical for every thread count.
pub struct Context {
    registered: Vec<Registered>,
    /// Instances run on the calling thread: every temporal extractor, and every extractor when
    /// single-threaded (`None` for those that live on workers).
    local: Vec<Option<Box<dyn Extractor>>>,
    workers: Option<Workers>,
    threads: usize,
    models: Vec<LoadedModel>,
    model_keys: Vec<Vec<Vec<String>>>,
    subsample: usize,
    key_order: KeyOrder,
    no_prediction: bool,
    geometry: Option<Geometry>,
    collector: Collector,
    frames: usize,
    /// Frames pushed but not yet appended to the collector, in push order.
    pending: VecDeque<Pending>,
    /// Sequence number of `pending.front()`.
    pending_base: usize,
    /// Reference pictures of the last two frames (for PREV_REF extractors).
    prev: VecDeque<Arc<Picture>>,
    /// Picture buffers to recycle.
    spare: Vec<Arc<Picture>>,
    flushed: bool,
    /// Set while flushing: every complete frame may be appended.
    flushing: bool,
    started: Option<Instant>,
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("extractors", &self.extractor_keys())
            .field("frames", &self.frames)
            .field("threads", &self.threads)
            .finish()
    }
}

impl Drop for Context {
    fn drop(&mut self) {
        // Let running jobs finish before their pictures and instance sets go away.
        if let Some(w) = &mut self.workers {
            while w.in_flight > 0 {
                if w.rx.recv().is_err() {
                    break;
                }
                w.in_flight -= 1;
            }
        }
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

    /// Worker threads used (1 = everything on the calling thread).
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Scores collected so far (complete for every frame once [`Context::flush`] returned).
    pub fn collector(&self) -> &Collector {
        &self.collector
    }

    /// Mutable access to the scores (to import external per-frame values).
    pub fn collector_mut(&mut self) -> &mut Collector {
        &mut self.collector
    }

    /// Geometry of the stream, once the first frame was pushed.
    pub fn geometry(&self) -> Option<Geometry> {
        self.geometry
    }

    fn init(&mut self, g: Geometry) -> Result<()> {
        let threaded = self.threads > 1;
        let mut local = Vec::with_capacity(self.registered.len());
        for r in &self.registered {
            // Instances are created here even for worker-side extractors, so that size and
            // option errors surface on the first push, on the calling thread.
            let inst = (r.def.create)(&r.options, g)?;
            local.push(if threaded && !r.def.temporal {
                None
            } else {
                Some(inst)
            });
        }
        self.local = local;
        self.geometry = Some(g);
        if threaded && self.registered.iter().any(|r| !r.def.temporal) {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(self.threads)
                .thread_name(|i| format!("rvmaf-worker-{i}"))
                .build()
                .map_err(|e| Error::invalid(format!("cannot start worker threads: {e}")))?;
            let (tx, rx) = channel();
            let defs = self
                .registered
                .iter()
                .enumerate()
                .filter(|(_, r)| !r.def.temporal)
                .map(|(i, r)| (i, r.def, r.options.clone()))
                .collect();
            self.workers = Some(Workers {
                pool,
                sets: Arc::new(Mutex::new(Vec::new())),
                defs: Arc::new(defs),
                tx,
                rx,
                in_flight: 0,
                max_in_flight: 2 * self.threads,
            });
        }
        Ok(())
    }

    fn needs_prev(&self) -> bool {
        self.registered.iter().any(|r| r.def.prev_ref)
    }

    /// A picture buffer with the contents of `src` (recycled when possible).
    fn copy_picture(&mut self, src: &PictureView<'_>) -> Result<Arc<Picture>> {
        let g = src.geometry();
        if let Some(pos) = self
            .spare
            .iter()
            .position(|p| Arc::strong_count(p) == 1 && p.geometry() == g)
        {
            let mut p = self.spare.swap_remove(pos);
            Arc::get_mut(&mut p).expect("unique").copy_from(src)?;
            return Ok(p);
        }
        Ok(Arc::new(src.to_owned_picture()))
    }

    fn recycle(&mut self, p: Arc<Picture>) {
        if self.spare.len() < 4 * self.threads + 4 {
            self.spare.push(p);
        }
    }

    /// Scores one frame pair; the frame index is the number of frames pushed before.
    /// Both pictures must share format, depth and size with each other and with every earlier
    /// frame.
    pub fn push(&mut self, reference: &PictureView<'_>, distorted: &PictureView<'_>) -> Result<()> {
        let index = self.frames;
        self.push_indexed(reference, distorted, index)
    }

    /// Scores one frame pair under an explicit frame index (libvmaf's `vmaf_read_pictures`).
    /// Previous-reference extractors (motion) pair frames by push order, as libvmaf does.
    pub fn push_indexed(
        &mut self,
        reference: &PictureView<'_>,
        distorted: &PictureView<'_>,
        index: usize,
    ) -> Result<()> {
        if self.flushed {
            return Err(Error::invalid("frames cannot be pushed after flush"));
        }
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
        let skip = self.subsample > 1 && !index.is_multiple_of(self.subsample);
        let n = self.registered.len();
        let mut pending = Pending {
            index,
            scores: (0..n).map(|_| None).collect(),
            outstanding: false,
        };
        let prev_ref = self.prev.back().cloned();
        let prev_prev_ref = if self.prev.len() >= 2 {
            self.prev.front().cloned()
        } else {
            None
        };

        // Extractors on the calling thread, in registration order.
        {
            let input = FrameInput {
                index,
                reference: *reference,
                distorted: *distorted,
                prev_ref: prev_ref.as_deref().map(Picture::view),
                prev_prev_ref: prev_prev_ref.as_deref().map(Picture::view),
            };
            for (i, r) in self.registered.iter().enumerate() {
                let Some(inst) = self.local[i].as_mut() else {
                    continue;
                };
                if skip && !r.def.temporal && !r.def.prev_ref {
                    continue;
                }
                let mut out = FrameScores::new();
                inst.extract(&input, &mut out)?;
                if self.key_order == KeyOrder::Threaded && r.def.temporal {
                    append_scores(&mut self.collector, &out, index)?;
                } else {
                    pending.scores[i] = Some(out);
                }
            }
        }

        // Worker-side extractors.
        let ref_arc = if self.workers.is_some() || self.needs_prev() {
            Some(self.copy_picture(reference)?)
        } else {
            None
        };
        if self.workers.is_some() {
            let active: Vec<usize> = self
                .registered
                .iter()
                .enumerate()
                .filter(|(i, r)| self.local[*i].is_none() && (!skip || r.def.prev_ref))
                .map(|(i, _)| i)
                .collect();
            if !active.is_empty() {
                let dis_arc = self.copy_picture(distorted)?;
                let seq = self.pending_base + self.pending.len();
                pending.outstanding = true;
                let w = self.workers.as_mut().expect("threaded");
                let (sets, defs, tx) = (Arc::clone(&w.sets), Arc::clone(&w.defs), w.tx.clone());
                let refp = Arc::clone(ref_arc.as_ref().expect("copied"));
                let geometry = g;
                w.in_flight += 1;
                w.pool.spawn(move || {
                    let res = run_job(
                        &sets,
                        &defs,
                        &active,
                        geometry,
                        index,
                        &refp,
                        &dis_arc,
                        prev_ref,
                        prev_prev_ref,
                    );
                    let _ = tx.send((seq, res));
                });
            }
        }
        self.pending.push_back(pending);
        if let Some(r) = ref_arc {
            if self.needs_prev() {
                self.prev.push_back(r);
                if self.prev.len() > 2 {
                    let old = self.prev.pop_front().expect("len > 2");
                    self.recycle(old);
                }
            } else {
                self.recycle(r);
            }
        }
        self.frames += 1;
        // Backpressure: keep at most `max_in_flight` frames on the workers.
        loop {
            let wait = match &self.workers {
                Some(w) => w.in_flight >= w.max_in_flight,
                None => false,
            };
            self.drain(wait)?;
            if !wait {
                break;
            }
        }
        Ok(())
    }

    /// Collects finished jobs (blocking for one when `block`) and appends every frame whose
    /// scores are complete, in push order.
    fn drain(&mut self, block: bool) -> Result<()> {
        let mut first_err = None;
        if let Some(w) = &mut self.workers {
            let mut got = Vec::new();
            if block && w.in_flight > 0 {
                got.push(
                    w.rx.recv()
                        .map_err(|_| Error::invalid("a worker thread stopped"))?,
                );
            }
            while let Ok(r) = w.rx.try_recv() {
                got.push(r);
            }
            w.in_flight -= got.len();
            for (seq, res) in got {
                match res {
                    Ok(list) => {
                        let p = &mut self.pending[seq - self.pending_base];
                        for (i, s) in list {
                            p.scores[i] = Some(s);
                        }
                        p.outstanding = false;
                    }
                    Err(e) => {
                        if first_err.is_none() {
                            first_err = Some(e);
                        }
                    }
                }
            }
        }
        if let Some(e) = first_err {
            return Err(e);
        }
        // libvmaf with threads runs temporal extractors when a frame is read and the others on
        // workers that finish later; its typical key order is therefore "temporal scores of
        // frame n+1 before the worker scores of frame n". Threaded order reproduces that
        // deterministically: temporal scores are appended at push time (see `push_indexed`)
        // and a frame's other scores once the next frame was pushed (or at flush).
        let total = self.pending_base + self.pending.len();
        while let Some(p) = self.pending.front() {
            let seq = self.pending_base;
            if p.outstanding
                || (self.key_order == KeyOrder::Threaded && !self.flushing && seq + 1 >= total)
            {
                break;
            }
            let p = self.pending.pop_front().expect("front");
            self.pending_base += 1;
            for s in p.scores.iter().flatten() {
                append_scores(&mut self.collector, s, p.index)?;
            }
        }
        Ok(())
    }

    /// Waits for every frame in flight and runs the extractors' end-of-stream step (motion2,
    /// motion3, aggregates). Idempotent; fails when no frame was pushed.
    pub fn flush(&mut self) -> Result<()> {
        if self.flushed {
            return Ok(());
        }
        if self.frames == 0 {
            return Err(Error::invalid("no frames were scored"));
        }
        self.flushing = true;
        while self.workers.as_ref().is_some_and(|w| w.in_flight > 0) {
            self.drain(true)?;
        }
        self.drain(false)?;
        let g = self.geometry.expect("initialised with the first frame");
        for i in 0..self.registered.len() {
            if self.local[i].is_none() {
                // Worker-side extractors flush from the collector alone (libvmaf flushes its
                // never-initialised template the same way).
                let r = &self.registered[i];
                self.local[i] = Some((r.def.create)(&r.options, g)?);
            }
            self.local[i]
                .as_mut()
                .expect("instance")
                .flush(&mut self.collector)?;
        }
        self.flushed = true;
        Ok(())
    }

    /// Predicts every model on every scored frame (after [`Context::flush`]), writing the model
    /// scores (and bootstrap statistics) to the collector.
    pub fn predict(&mut self) -> Result<()> {
        self.flush()?;
        let kept: Vec<usize> = (0..self.collector.frame_count().max(self.frames))
            .filter(|i| self.subsample <= 1 || i % self.subsample == 0)
            .collect();
        for (m, keys) in self.models.iter().zip(&self.model_keys) {
            let (primary, k): (&Model, &Vec<String>) = match m {
                LoadedModel::Single(x) => (x, &keys[0]),
                LoadedModel::Collection(c) => (&c.primary, &keys[0]),
            };
            for &i in &kept {
                let s = primary.predict(&self.collector, k, i, false)?;
                self.collector.append(&primary.name, i, s)?;
            }
        }
        for (m, keys) in self.models.iter().zip(&self.model_keys) {
            if let LoadedModel::Collection(c) = m {
                score_collection(c, &keys[1..], &mut self.collector, &kept)?;
            }
        }
        Ok(())
    }

    /// Flushes, predicts every model (unless built with `no_prediction`) and returns the report.
    pub fn finish(mut self) -> Result<Report> {
        self.flush()?;
        if !self.no_prediction {
            self.predict()?;
        }
        let model_names = if self.no_prediction {
            Vec::new()
        } else {
            self.models.iter().map(|m| m.name().to_string()).collect()
        };
        let collections = if self.no_prediction {
            Vec::new()
        } else {
            self.models
                .iter()
                .filter_map(|m| match m {
                    LoadedModel::Collection(c) => Some(c.name.clone()),
                    _ => None,
                })
                .collect()
        };
        let g = self.geometry.expect("initialised with the first frame");
        let secs = self
            .started
            .map(|t| t.elapsed().as_secs_f64())
            .unwrap_or(0.0);
        Ok(Report {
            collector: std::mem::take(&mut self.collector),
            frame_count: self.frames,
            subsample: self.subsample,
            geometry: g,
            fps: if secs > 0.0 {
                Some(self.frames as f64 / secs)
            } else {
                None
            },
            models: model_names,
            collections,
        })
    }
}

/// Appends one extractor's scores of frame `index` (and its late scores for earlier frames).
fn append_scores(collector: &mut Collector, s: &FrameScores, index: usize) -> Result<()> {
    for (k, v) in s.entries() {
        collector.append(k, index, *v)?;
    }
    for (k, at, v) in s.earlier_entries() {
        collector.append(k, *at, *v)?;
    }
    Ok(())
}

/// Runs the worker-side extractors of one frame with an idle instance set.
#[allow(clippy::too_many_arguments)]
fn run_job(
    sets: &Mutex<Vec<InstanceSet>>,
    defs: &[WorkerDef],
    active: &[usize],
    geometry: Geometry,
    index: usize,
    reference: &Picture,
    distorted: &Picture,
    prev_ref: Option<Arc<Picture>>,
    prev_prev_ref: Option<Arc<Picture>>,
) -> Result<Vec<(usize, FrameScores)>> {
    let set = sets
        .lock()
        .map_err(|_| Error::invalid("worker state poisoned"))?
        .pop();
    let mut set = match set {
        Some(s) => s,
        None => {
            let mut s = Vec::with_capacity(defs.len());
            for (i, def, opts) in defs {
                s.push((*i, (def.create)(opts, geometry)?));
            }
            s
        }
    };
    let input = FrameInput {
        index,
        reference: reference.view(),
        distorted: distorted.view(),
        prev_ref: prev_ref.as_deref().map(Picture::view),
        prev_prev_ref: prev_prev_ref.as_deref().map(Picture::view),
    };
    let mut out = Vec::with_capacity(active.len());
    let mut result = Ok(());
    for i in active {
        // A set holds every worker-side extractor; frames skipped by subsampling use a subset.
        let Some((_, inst)) = set.iter_mut().find(|(j, _)| j == i) else {
            continue;
        };
        let mut s = FrameScores::new();
        if let Err(e) = inst.extract(&input, &mut s) {
            result = Err(e);
            break;
        }
        out.push((*i, s));
    }
    if let Ok(mut g) = sets.lock() {
        g.push(set);
    }
    result.map(|_| out)
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
    /// Score names in output order, as libvmaf prints them (`integer_adm2`, not the
    /// internal `VMAF_integer_feature_adm2_score`).
    pub fn names(&self) -> Vec<&str> {
        self.collector
            .names()
            .iter()
            .map(|n| feature_alias(n))
            .collect()
    }

    /// The collector key for a printed or internal name.
    fn key<'a>(&self, name: &'a str) -> &'a str {
        if self.collector.contains(name) {
            name
        } else {
            feature_unalias(name)
        }
    }
    /// Names of the model scores (`vmaf`, ...), in model order.
    pub fn model_names(&self) -> &[String] {
        &self.models
    }
    /// Names of bootstrap collections (prefix of `_bagging`, `_ci_p95_lo`, ...).
    pub fn collection_names(&self) -> &[String] {
        &self.collections
    }
    /// Score `name` (printed or internal name) of frame `index`.
    pub fn score(&self, name: &str, index: usize) -> Option<f64> {
        self.collector.get(self.key(name), index)
    }
    /// Pools `name` over every scored frame.
    pub fn pool(&self, name: &str, method: PoolMethod) -> Option<f64> {
        pool(
            &self.collector,
            self.key(name),
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

/// One reference scored against several distorted inputs (per-title ladders, CRF searches).
///
/// Each distorted input gets its own [`Report`], identical to a separate run with the same
/// settings.
pub struct MultiContext {
    contexts: Vec<Context>,
}

impl std::fmt::Debug for MultiContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MultiContext")
            .field("inputs", &self.contexts.len())
            .finish()
    }
}

impl MultiContext {
    /// `n` distorted inputs scored with the settings of `builder`.
    pub fn new(builder: &ContextBuilder, n: usize) -> Result<MultiContext> {
        if n == 0 {
            return Err(Error::invalid("at least one distorted input is needed"));
        }
        let contexts = (0..n)
            .map(|_| builder.clone().build())
            .collect::<Result<Vec<_>>>()?;
        Ok(MultiContext { contexts })
    }

    /// Number of distorted inputs.
    pub fn len(&self) -> usize {
        self.contexts.len()
    }

    /// Always false (a multi-context has at least one input).
    pub fn is_empty(&self) -> bool {
        self.contexts.is_empty()
    }

    /// Scores one reference frame against the matching frame of every distorted input
    /// (`distorted[i]` belongs to input `i`).
    pub fn push(
        &mut self,
        reference: &PictureView<'_>,
        distorted: &[PictureView<'_>],
    ) -> Result<()> {
        if distorted.len() != self.contexts.len() {
            return Err(Error::invalid(format!(
                "{} distorted pictures for {} inputs",
                distorted.len(),
                self.contexts.len()
            )));
        }
        for (c, d) in self.contexts.iter_mut().zip(distorted) {
            c.push(reference, d)?;
        }
        Ok(())
    }

    /// Scores a frame for input `i` only (inputs that ended early are simply not pushed).
    pub fn push_one(
        &mut self,
        i: usize,
        reference: &PictureView<'_>,
        distorted: &PictureView<'_>,
    ) -> Result<()> {
        let n = self.contexts.len();
        self.contexts
            .get_mut(i)
            .ok_or_else(|| Error::invalid(format!("input {i} out of range (have {n})")))?
            .push(reference, distorted)
    }

    /// Frames pushed for input `i`.
    pub fn frames(&self, i: usize) -> usize {
        self.contexts.get(i).map_or(0, Context::frames)
    }

    /// Finishes every input; reports in input order.
    pub fn finish(self) -> Result<Vec<Report>> {
        self.contexts.into_iter().map(Context::finish).collect()
    }
}

//! The scoring context: models and extra features → a de-duplicated set of extractors → frames
//! → per-frame features → model predictions → pooled scores and outputs.

use std::collections::VecDeque;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crate::collector::Collector;
use crate::error::{Error, Result};
use crate::features::{self, Diagnostic, Extractor, ExtractorDef, FrameInput, FrameScores};
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
    /// Distorted inputs scored against the reference (1 for a plain [`Context`]).
    lanes: usize,
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
            slot_defs: Arc::new(reg.iter().map(|r| r.def).collect()),
            registered: reg,
            shared: Vec::new(),
            lanes: (0..self.lanes.max(1)).map(|_| Lane::new()).collect(),
            workers: None,
            threads,
            models: self.models,
            model_keys: keys,
            subsample: self.subsample.max(1),
            key_order: self.key_order,
            no_prediction: self.no_prediction,
            geometry: None,
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

/// A frame pushed to one lane, with its scores per registered extractor as they arrive.
struct Pending {
    index: usize,
    scores: Vec<Option<FrameScores>>,
    outstanding: bool,
}

/// One distorted input scored against the shared reference stream: its own temporal
/// extractor instances, scores and frames in flight.
struct Lane {
    /// Temporal extractor instances (`None` for the other slots).
    temporal: Vec<Option<Box<dyn Extractor>>>,
    collector: Collector,
    pending: VecDeque<Pending>,
    /// Sequence number of `pending.front()`.
    pending_base: usize,
    frames: usize,
    diagnostics: Vec<Diagnostic>,
}

impl Lane {
    fn new() -> Lane {
        Lane {
            temporal: Vec::new(),
            collector: Collector::new(),
            pending: VecDeque::new(),
            pending_base: 0,
            frames: 0,
            diagnostics: Vec::new(),
        }
    }
}

/// What one lane asks of a frame: its distorted picture, frame index, sequence number in the
/// lane and whether subsampling skips the frame.
struct LaneJob {
    lane: usize,
    seq: usize,
    index: usize,
    skip: bool,
    /// Copy of the distorted picture (threaded runs only).
    distorted: Option<Arc<Picture>>,
}

/// Scores of one lane for one frame: (slot, scores) per extractor, plus new diagnostics.
struct LaneResult {
    lane: usize,
    seq: usize,
    scores: Vec<(usize, FrameScores)>,
    diagnostics: Vec<Diagnostic>,
}

/// The worker side of a threaded context.
struct Workers {
    pool: rayon::ThreadPool,
    /// Idle instance sets of the non-temporal extractors (one per concurrently running job).
    sets: Arc<Mutex<Vec<InstanceSet>>>,
    /// Every worker-side extractor: (slot, definition, options).
    defs: Arc<Vec<WorkerDef>>,
    tx: Sender<Result<Vec<LaneResult>>>,
    rx: Receiver<Result<Vec<LaneResult>>>,
    in_flight: usize,
    max_in_flight: usize,
}

type WorkerDef = (usize, &'static ExtractorDef, Options);

/// Instances of the non-temporal extractors, by registration slot.
type InstanceSet = Vec<(usize, Box<dyn Extractor>)>;

/// A scoring run: push frame pairs, then [`Context::finish`].
///
/// With more than one thread, frames are computed in parallel with at most `2 × threads`
/// frames in flight (memory stays O(threads × frame) on any stream length); results are
/// collected in push order, so outputs are identical for every thread count.
pub struct Context {
    registered: Vec<Registered>,
    /// Definition of each registered slot (shared with workers).
    slot_defs: Arc<Vec<&'static ExtractorDef>>,
    /// Non-temporal instances used on the calling thread when single-threaded (shared by all
    /// lanes: they keep no state between frames).
    shared: InstanceSet,
    lanes: Vec<Lane>,
    workers: Option<Workers>,
    threads: usize,
    models: Vec<LoadedModel>,
    model_keys: Vec<Vec<Vec<String>>>,
    subsample: usize,
    key_order: KeyOrder,
    no_prediction: bool,
    geometry: Option<Geometry>,
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
            .field("inputs", &self.lanes.len())
            .field("frames", &self.lanes[0].frames)
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
        self.lanes[0].frames
    }

    /// Worker threads used (1 = everything on the calling thread).
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Scores collected so far (complete for every frame once [`Context::flush`] returned).
    pub fn collector(&self) -> &Collector {
        &self.lanes[0].collector
    }

    /// Mutable access to the scores (to import external per-frame values).
    pub fn collector_mut(&mut self) -> &mut Collector {
        &mut self.lanes[0].collector
    }

    /// Geometry of the stream, once the first frame was pushed.
    pub fn geometry(&self) -> Option<Geometry> {
        self.geometry
    }

    fn init(&mut self, g: Geometry) -> Result<()> {
        let threaded = self.threads > 1;
        // Every instance is created here, even those that will live on workers, so that size
        // and option errors surface on the first push, on the calling thread.
        let mut shared = Vec::new();
        for (i, r) in self.registered.iter().enumerate() {
            let inst = (r.def.create)(&r.options, g)?;
            if !r.def.temporal && !threaded {
                shared.push((i, inst));
            }
        }
        for lane in &mut self.lanes {
            let mut t = Vec::with_capacity(self.registered.len());
            for r in &self.registered {
                t.push(if r.def.temporal {
                    Some((r.def.create)(&r.options, g)?)
                } else {
                    None
                });
            }
            lane.temporal = t;
        }
        self.shared = shared;
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
        if self.spare.len() < (4 * self.threads + 4) * (self.lanes.len() + 1) {
            self.spare.push(p);
        }
    }

    /// Scores one frame pair; the frame index is the number of frames pushed before.
    /// Both pictures must share format, depth and size with each other and with every earlier
    /// frame.
    pub fn push(&mut self, reference: &PictureView<'_>, distorted: &PictureView<'_>) -> Result<()> {
        let index = self.lanes[0].frames;
        self.push_lanes(reference, &[(0, *distorted)], Some(index))
    }

    /// Scores one frame pair under an explicit frame index (libvmaf's `vmaf_read_pictures`).
    /// Previous-reference extractors (motion) pair frames by push order, as libvmaf does.
    pub fn push_indexed(
        &mut self,
        reference: &PictureView<'_>,
        distorted: &PictureView<'_>,
        index: usize,
    ) -> Result<()> {
        self.push_lanes(reference, &[(0, *distorted)], Some(index))
    }

    /// Pushes one reference frame and the matching frame of the given lanes (index = each
    /// lane's frame count unless `index` is given).
    fn push_lanes(
        &mut self,
        reference: &PictureView<'_>,
        distorted: &[(usize, PictureView<'_>)],
        index: Option<usize>,
    ) -> Result<()> {
        if self.flushed {
            return Err(Error::invalid("frames cannot be pushed after flush"));
        }
        let g = reference.geometry();
        for (_, d) in distorted {
            let gd = d.geometry();
            if g != gd {
                return Err(Error::Mismatch(describe_mismatch(&g, &gd)));
            }
        }
        match self.geometry {
            None => {
                self.started = Some(Instant::now());
                self.init(g)?
            }
            Some(g0) if g0 != g => {
                return Err(Error::Mismatch(format!(
                    "frame {} is {}, earlier frames were {}",
                    self.lanes[0].frames,
                    describe(&g),
                    describe(&g0)
                )))
            }
            Some(_) => {}
        }
        let prev_ref = self.prev.back().cloned();
        let prev_prev_ref = if self.prev.len() >= 2 {
            self.prev.front().cloned()
        } else {
            None
        };
        let n = self.registered.len();
        let mut jobs: Vec<LaneJob> = Vec::with_capacity(distorted.len());

        // Temporal extractors run here, in order, for each lane.
        for (lane_id, d) in distorted {
            let lane = &mut self.lanes[*lane_id];
            let idx = index.unwrap_or(lane.frames);
            let skip = self.subsample > 1 && !idx.is_multiple_of(self.subsample);
            let mut pending = Pending {
                index: idx,
                scores: (0..n).map(|_| None).collect(),
                outstanding: false,
            };
            let input = FrameInput {
                index: idx,
                reference: *reference,
                distorted: *d,
                prev_ref: prev_ref.as_deref().map(Picture::view),
                prev_prev_ref: prev_prev_ref.as_deref().map(Picture::view),
            };
            for (i, r) in self.registered.iter().enumerate() {
                let Some(inst) = lane.temporal[i].as_mut() else {
                    continue;
                };
                let mut out = FrameScores::new();
                let before = inst.diagnostics();
                inst.extract(&input, &mut out)?;
                lane.diagnostics
                    .extend(new_diagnostics(&before, &inst.diagnostics(), idx));
                if self.key_order == KeyOrder::Threaded && r.def.temporal {
                    append_scores(&mut lane.collector, &out, idx)?;
                } else {
                    pending.scores[i] = Some(out);
                }
            }
            let seq = lane.pending_base + lane.pending.len();
            lane.pending.push_back(pending);
            lane.frames += 1;
            jobs.push(LaneJob {
                lane: *lane_id,
                seq,
                index: idx,
                skip,
                distorted: None,
            });
        }

        // The other extractors: on workers, or here with the shared instances.
        let any_non_temporal = self.registered.iter().any(|r| !r.def.temporal);
        let ref_arc = if (any_non_temporal && self.workers.is_some()) || self.needs_prev() {
            Some(self.copy_picture(reference)?)
        } else {
            None
        };
        if any_non_temporal {
            if self.workers.is_some() {
                for (job, (_, d)) in jobs.iter_mut().zip(distorted) {
                    job.distorted = Some(self.copy_picture(d)?);
                }
                for job in &jobs {
                    let lane = &mut self.lanes[job.lane];
                    let k = job.seq - lane.pending_base;
                    lane.pending[k].outstanding = true;
                }
                let w = self.workers.as_mut().expect("threaded");
                let (sets, defs, tx) = (Arc::clone(&w.sets), Arc::clone(&w.defs), w.tx.clone());
                let slot_defs = Arc::clone(&self.slot_defs);
                let refp = Arc::clone(ref_arc.as_ref().expect("copied"));
                w.in_flight += 1;
                w.pool.spawn(move || {
                    let res = run_worker_job(
                        &sets,
                        &defs,
                        &slot_defs,
                        g,
                        &refp,
                        prev_ref,
                        prev_prev_ref,
                        &jobs,
                    );
                    let _ = tx.send(res);
                });
            } else {
                let views: Vec<PictureView<'_>> = distorted.iter().map(|(_, d)| *d).collect();
                let prev = prev_ref.as_deref().map(Picture::view);
                let prev2 = prev_prev_ref.as_deref().map(Picture::view);
                let results = run_non_temporal(
                    &mut self.shared,
                    &self.slot_defs,
                    reference,
                    &views,
                    prev,
                    prev2,
                    &jobs,
                )?;
                self.store(results);
            }
        }
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

    /// Files worker or local results into the lanes' pending frames.
    fn store(&mut self, results: Vec<LaneResult>) {
        for r in results {
            let lane = &mut self.lanes[r.lane];
            let p = &mut lane.pending[r.seq - lane.pending_base];
            for (i, s) in r.scores {
                p.scores[i] = Some(s);
            }
            p.outstanding = false;
            lane.diagnostics.extend(r.diagnostics);
        }
    }

    /// Collects finished jobs (blocking for one when `block`) and appends every frame whose
    /// scores are complete, in push order.
    fn drain(&mut self, block: bool) -> Result<()> {
        let mut first_err = None;
        let mut got = Vec::new();
        if let Some(w) = &mut self.workers {
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
        }
        for res in got {
            match res {
                Ok(list) => self.store(list),
                Err(e) => {
                    if first_err.is_none() {
                        first_err = Some(e);
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
        // deterministically: temporal scores are appended at push time (see `push_lanes`)
        // and a frame's other scores once the next frame was pushed (or at flush).
        for lane in &mut self.lanes {
            let total = lane.pending_base + lane.pending.len();
            while let Some(p) = lane.pending.front() {
                let seq = lane.pending_base;
                if p.outstanding
                    || (self.key_order == KeyOrder::Threaded && !self.flushing && seq + 1 >= total)
                {
                    break;
                }
                let p = lane.pending.pop_front().expect("front");
                lane.pending_base += 1;
                for s in p.scores.iter().flatten() {
                    append_scores(&mut lane.collector, s, p.index)?;
                }
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
        if self.lanes.iter().any(|l| l.frames == 0) {
            return Err(Error::invalid("no frames were scored"));
        }
        self.flushing = true;
        while self.workers.as_ref().is_some_and(|w| w.in_flight > 0) {
            self.drain(true)?;
        }
        self.drain(false)?;
        // Every frame is in: release the per-frame instances (and the workers' sets) before
        // the flush instances below are made, so peak memory holds one set, not two.
        self.shared.clear();
        if let Some(w) = self.workers.as_ref() {
            w.sets.lock().map(|mut s| s.clear()).ok();
        }
        let g = self.geometry.expect("initialised with the first frame");
        for lane in &mut self.lanes {
            for (i, r) in self.registered.iter().enumerate() {
                match lane.temporal[i].as_mut() {
                    Some(inst) => inst.flush(&mut lane.collector)?,
                    // Non-temporal extractors flush from the collector alone (libvmaf flushes
                    // its never-initialised template the same way).
                    None => (r.def.create)(&r.options, g)?.flush(&mut lane.collector)?,
                }
            }
        }
        self.flushed = true;
        Ok(())
    }

    /// Predicts every model on every scored frame (after [`Context::flush`]), writing the model
    /// scores (and bootstrap statistics) to the collector.
    pub fn predict(&mut self) -> Result<()> {
        self.flush()?;
        for lane in &mut self.lanes {
            let kept: Vec<usize> = (0..lane.collector.frame_count().max(lane.frames))
                .filter(|i| self.subsample <= 1 || i % self.subsample == 0)
                .collect();
            for (m, keys) in self.models.iter().zip(&self.model_keys) {
                let (primary, k): (&Model, &Vec<String>) = match m {
                    LoadedModel::Single(x) => (x, &keys[0]),
                    LoadedModel::Collection(c) => (&c.primary, &keys[0]),
                };
                for &i in &kept {
                    let s = primary.predict(&lane.collector, k, i, false)?;
                    lane.collector.append(&primary.name, i, s)?;
                }
            }
            for (m, keys) in self.models.iter().zip(&self.model_keys) {
                if let LoadedModel::Collection(c) = m {
                    score_collection(c, &keys[1..], &mut lane.collector, &kept)?;
                }
            }
        }
        Ok(())
    }

    /// Flushes, predicts every model (unless built with `no_prediction`) and returns the report.
    pub fn finish(self) -> Result<Report> {
        Ok(self.finish_all()?.remove(0))
    }

    /// [`Context::finish`] for every lane.
    fn finish_all(mut self) -> Result<Vec<Report>> {
        self.flush()?;
        if !self.no_prediction {
            self.predict()?;
        }
        let (model_names, collections) = if self.no_prediction {
            (Vec::new(), Vec::new())
        } else {
            (
                self.models
                    .iter()
                    .map(|m| m.name().to_string())
                    .collect::<Vec<_>>(),
                self.models
                    .iter()
                    .filter_map(|m| match m {
                        LoadedModel::Collection(c) => Some(c.name.clone()),
                        _ => None,
                    })
                    .collect::<Vec<_>>(),
            )
        };
        let g = self.geometry.expect("initialised with the first frame");
        let secs = self
            .started
            .map(|t| t.elapsed().as_secs_f64())
            .unwrap_or(0.0);
        let mut reports = Vec::with_capacity(self.lanes.len());
        for lane in &mut self.lanes {
            reports.push(Report {
                diagnostics: features::merge_diagnostics(std::mem::take(&mut lane.diagnostics)),
                collector: std::mem::take(&mut lane.collector),
                frame_count: lane.frames,
                subsample: self.subsample,
                geometry: g,
                fps: (secs > 0.0).then(|| lane.frames as f64 / secs),
                models: model_names.clone(),
                collections: collections.clone(),
            });
        }
        Ok(reports)
    }
}

/// Diagnostics added between two snapshots of an instance's counters, taken around the
/// extraction of frame `index`.
fn new_diagnostics(before: &[Diagnostic], after: &[Diagnostic], index: usize) -> Vec<Diagnostic> {
    after
        .iter()
        .filter_map(|a| {
            let b = before
                .iter()
                .find(|b| b.extractor == a.extractor && b.message == a.message);
            let (count, frames) = match b {
                Some(b) => (a.count - b.count, a.frames - b.frames),
                None => (a.count, a.frames),
            };
            (count > 0).then(|| Diagnostic {
                count,
                frames,
                first_frame: (frames > 0).then_some(index),
                ..a.clone()
            })
        })
        .collect()
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

/// Runs the non-temporal extractors of one frame for every lane job: reference-only extractors
/// once, extractors with a group path once for every lane, the others per lane.
fn run_non_temporal(
    set: &mut InstanceSet,
    slot_defs: &[&'static ExtractorDef],
    reference: &PictureView<'_>,
    distorted: &[PictureView<'_>],
    prev_ref: Option<PictureView<'_>>,
    prev_prev_ref: Option<PictureView<'_>>,
    jobs: &[LaneJob],
) -> Result<Vec<LaneResult>> {
    let mut results: Vec<LaneResult> = jobs
        .iter()
        .map(|j| LaneResult {
            lane: j.lane,
            seq: j.seq,
            scores: Vec::new(),
            diagnostics: Vec::new(),
        })
        .collect();
    for (slot, inst) in set.iter_mut() {
        let def = slot_defs[*slot];
        let active: Vec<usize> = (0..jobs.len())
            .filter(|&k| !jobs[k].skip || def.prev_ref)
            .collect();
        let Some(&first) = active.first() else {
            continue;
        };
        let input = |k: usize| FrameInput {
            index: jobs[k].index,
            reference: *reference,
            distorted: distorted[k],
            prev_ref,
            prev_prev_ref,
        };
        if active.len() > 1
            && inst.reference_only()
            && active.iter().all(|&k| jobs[k].index == jobs[first].index)
        {
            let mut out = FrameScores::new();
            inst.extract(&input(first), &mut out)?;
            for &k in &active {
                results[k].scores.push((*slot, out.clone()));
            }
            continue;
        }
        if active.len() > 1 {
            let inputs: Vec<FrameInput<'_>> = active.iter().map(|&k| input(k)).collect();
            let mut outs: Vec<FrameScores> = active.iter().map(|_| FrameScores::new()).collect();
            if inst.extract_group(&inputs, &mut outs)? {
                for (&k, out) in active.iter().zip(outs) {
                    results[k].scores.push((*slot, out));
                }
                continue;
            }
        }
        for &k in &active {
            let mut out = FrameScores::new();
            let before = inst.diagnostics();
            inst.extract(&input(k), &mut out)?;
            results[k].diagnostics.extend(new_diagnostics(
                &before,
                &inst.diagnostics(),
                jobs[k].index,
            ));
            results[k].scores.push((*slot, out));
        }
    }
    Ok(results)
}

/// Runs the worker-side extractors of one frame with an idle instance set.
#[allow(clippy::too_many_arguments)]
fn run_worker_job(
    sets: &Mutex<Vec<InstanceSet>>,
    defs: &[WorkerDef],
    slot_defs: &[&'static ExtractorDef],
    geometry: Geometry,
    reference: &Picture,
    prev_ref: Option<Arc<Picture>>,
    prev_prev_ref: Option<Arc<Picture>>,
    jobs: &[LaneJob],
) -> Result<Vec<LaneResult>> {
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
    let views: Vec<PictureView<'_>> = jobs
        .iter()
        .map(|j| j.distorted.as_deref().expect("copied for workers").view())
        .collect();
    let result = run_non_temporal(
        &mut set,
        slot_defs,
        &reference.view(),
        &views,
        prev_ref.as_deref().map(Picture::view),
        prev_prev_ref.as_deref().map(Picture::view),
        jobs,
    );
    if let Ok(mut g) = sets.lock() {
        g.push(set);
    }
    result
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
    diagnostics: Vec<Diagnostic>,
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
    /// A report over `collector` (for runs that do not go through a [`Context`]).
    pub(crate) fn from_parts(
        collector: Collector,
        frame_count: usize,
        subsample: usize,
        geometry: Geometry,
    ) -> Report {
        Report {
            collector,
            frame_count,
            subsample,
            geometry,
            fps: None,
            models: Vec::new(),
            collections: Vec::new(),
            diagnostics: Vec::new(),
        }
    }

    /// Conditions libvmaf would have logged as warnings (e.g. SpEED's singular covariance).
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

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
/// settings; reference-side work (integer motion, and the reference half of extractors that
/// support it) is computed once per frame, and all inputs share one worker pool.
pub struct MultiContext {
    ctx: Context,
}

impl std::fmt::Debug for MultiContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MultiContext")
            .field("inputs", &self.ctx.lanes.len())
            .finish()
    }
}

impl MultiContext {
    /// `n` distorted inputs scored with the settings of `builder`.
    pub fn new(builder: &ContextBuilder, n: usize) -> Result<MultiContext> {
        if n == 0 {
            return Err(Error::invalid("at least one distorted input is needed"));
        }
        let mut b = builder.clone();
        b.lanes = n;
        Ok(MultiContext { ctx: b.build()? })
    }

    /// Number of distorted inputs.
    pub fn len(&self) -> usize {
        self.ctx.lanes.len()
    }

    /// Always false (a multi-context has at least one input).
    pub fn is_empty(&self) -> bool {
        self.ctx.lanes.is_empty()
    }

    /// Scores one reference frame against the matching frame of every distorted input
    /// (`distorted[i]` belongs to input `i`).
    pub fn push(
        &mut self,
        reference: &PictureView<'_>,
        distorted: &[PictureView<'_>],
    ) -> Result<()> {
        if distorted.len() != self.len() {
            return Err(Error::invalid(format!(
                "{} distorted pictures for {} inputs",
                distorted.len(),
                self.len()
            )));
        }
        let items: Vec<(usize, PictureView<'_>)> = distorted.iter().copied().enumerate().collect();
        self.ctx.push_lanes(reference, &items, None)
    }

    /// Scores a reference frame against some inputs only (`(input, picture)` pairs; inputs that
    /// ended early are simply left out).
    pub fn push_some(
        &mut self,
        reference: &PictureView<'_>,
        distorted: &[(usize, PictureView<'_>)],
    ) -> Result<()> {
        let n = self.len();
        if let Some((i, _)) = distorted.iter().find(|(i, _)| *i >= n) {
            return Err(Error::invalid(format!("input {i} out of range (have {n})")));
        }
        for (k, (i, _)) in distorted.iter().enumerate() {
            if distorted[..k].iter().any(|(j, _)| j == i) {
                return Err(Error::invalid(format!("input {i} given twice")));
            }
        }
        self.ctx.push_lanes(reference, distorted, None)
    }

    /// Scores a frame for input `i` only (shorthand for [`MultiContext::push_some`]).
    pub fn push_one(
        &mut self,
        i: usize,
        reference: &PictureView<'_>,
        distorted: &PictureView<'_>,
    ) -> Result<()> {
        self.push_some(reference, &[(i, *distorted)])
    }

    /// Frames pushed for input `i`.
    pub fn frames(&self, i: usize) -> usize {
        self.ctx.lanes.get(i).map_or(0, |l| l.frames)
    }

    /// Finishes every input; reports in input order.
    pub fn finish(self) -> Result<Vec<Report>> {
        self.ctx.finish_all()
    }
}

//! `VmafContext` and the functions of `libvmaf.h`.

use std::os::raw::{c_char, c_int, c_uint};
use std::sync::Arc;
use std::time::Instant;

use rvmaf::cpu::{self, CpuLevel};
use rvmaf::features;
use rvmaf::model::{BootstrapScore, Model, ModelCollection};
use rvmaf::output::{write_output, OutputData, OutputFormat, OutputOptions};
use rvmaf::pool::pool;
use rvmaf::{Context, FeatureDict, KeyOrder, Picture, PoolMethod};

use crate::dict::VmafFeatureDictionary;
use crate::model::{VmafModel, VmafModelCollection};
use crate::picture::{PicGeometry, PoolShared, VmafRef};
use crate::types::*;
use crate::{c_str, guard, log, EINVAL, EIO};

/// The picture parameters fixed by the first `vmaf_read_pictures`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PicParams {
    w: usize,
    h: usize,
    pix_fmt: c_uint,
    bpc: c_uint,
}

/// A scoring context (opaque in C): registered extractors, the scores of every frame read,
/// and the model scores predicted so far.
pub struct VmafContext {
    n_threads: u32,
    n_subsample: u32,
    /// Extractors in registration order: (extractor name, options).
    registered: Vec<(String, FeatureDict)>,
    engine: Context,
    params: Option<PicParams>,
    /// Calls of `vmaf_read_pictures` with pictures (libvmaf's `pic_cnt`: it counts failed calls
    /// too, and writers pool over `0..pic_cnt-1`).
    pic_cnt: u32,
    flushed: bool,
    pool: Option<Arc<PoolShared>>,
    started: Option<Instant>,
    last: Option<Instant>,
    scratch: [Option<Picture>; 2],
}

impl std::fmt::Debug for VmafContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VmafContext")
            .field("registered", &self.registered)
            .field("pic_cnt", &self.pic_cnt)
            .field("flushed", &self.flushed)
            .finish()
    }
}

impl Drop for VmafContext {
    fn drop(&mut self) {
        if let Some(p) = self.pool.take() {
            p.close();
        }
    }
}

/// The rvmaf CPU level for libvmaf's cpumask (set bit = instruction set disabled).
fn cpu_level_for(mask: u64) -> CpuLevel {
    let mut lvl = cpu::detected_cpu_level();
    if let Some(env) = std::env::var("RVMAF_CPU")
        .ok()
        .and_then(|s| CpuLevel::parse(&s))
    {
        lvl = lvl.min(env);
    }
    if mask & (1 | 2 | 4 | 8) != 0 {
        lvl = CpuLevel::Scalar;
    } else if mask & (16 | 32) != 0 {
        lvl = lvl.min(CpuLevel::Avx2);
    }
    lvl
}

fn err_code(e: &rvmaf::Error) -> c_int {
    log::error(&e.to_string());
    EINVAL
}

impl VmafContext {
    fn new(cfg: &VmafConfiguration) -> rvmaf::Result<Self> {
        let mut c = VmafContext {
            n_threads: cfg.n_threads,
            n_subsample: cfg.n_subsample,
            registered: Vec::new(),
            engine: Context::builder().build()?,
            params: None,
            pic_cnt: 0,
            flushed: false,
            pool: None,
            started: None,
            last: None,
            scratch: [None, None],
        };
        c.engine = c.build_engine(&c.registered)?;
        Ok(c)
    }

    fn build_engine(&self, reg: &[(String, FeatureDict)]) -> rvmaf::Result<Context> {
        let threaded = self.n_threads > 0;
        let mut b = Context::builder()
            .threads((self.n_threads as usize).max(1))
            .key_order(if threaded {
                KeyOrder::Threaded
            } else {
                KeyOrder::Unthreaded
            })
            .subsample(self.n_subsample.max(1) as usize);
        for (name, dict) in reg {
            b = b.feature(name, dict.clone());
        }
        b.build()
    }

    /// Registers extractor `name` with `dict` (libvmaf de-duplicates by the naming rule).
    fn register(&mut self, name: &str, dict: FeatureDict) -> c_int {
        let def = match features::by_name(name) {
            Ok(d) => d,
            Err(e) => return err_code(&e),
        };
        let key = match def.parse_options(&dict) {
            Ok(o) => o.feature_name(def.name),
            Err(e) => return err_code(&e),
        };
        if self.engine.extractor_keys().contains(&key.as_str()) {
            return 0;
        }
        if self.params.is_some() {
            log::error(&format!(
                "feature extractor \"{key}\" must be registered before the first picture"
            ));
            return EINVAL;
        }
        let mut reg = self.registered.clone();
        reg.push((name.to_string(), dict));
        match self.build_engine(&reg) {
            Ok(mut e) => {
                *e.collector_mut() = std::mem::take(self.engine.collector_mut());
                self.engine = e;
                self.registered = reg;
                0
            }
            Err(e) => err_code(&e),
        }
    }

    fn use_model(&mut self, m: &Model) -> c_int {
        for f in &m.features {
            let Some(def) = features::by_feature_name(&f.name) else {
                log::error(&format!(
                    "could not initialize feature extractor \"{}\"",
                    f.name
                ));
                return EINVAL;
            };
            let r = self.register(def.name, f.options.clone());
            if r != 0 {
                return r;
            }
        }
        0
    }

    fn flush(&mut self) -> c_int {
        match self.engine.flush() {
            Ok(()) => {
                self.flushed = true;
                self.last = Some(Instant::now());
                0
            }
            Err(e) => err_code(&e),
        }
    }

    /// # Safety
    /// `r` and `d` are valid picture structs.
    unsafe fn read(&mut self, r: *mut VmafPicture, d: *mut VmafPicture, index: c_uint) -> c_int {
        self.pic_cnt = self.pic_cnt.wrapping_add(1);
        // SAFETY: valid per the contract; `of` rejects structs not filled by this library.
        let (rr, dr) = unsafe { (VmafRef::of(&*r), VmafRef::of(&*d)) };
        let (Some(rr), Some(dr)) = (rr, dr) else {
            log::error("vmaf_read_pictures: pictures must come from vmaf_picture_alloc or the picture pool, unmodified");
            return EINVAL;
        };
        let (gr, gd) = (rr.geo, dr.geo);
        let p = PicParams {
            w: gr.w[0],
            h: gr.h[0],
            pix_fmt: gr.pix_fmt,
            bpc: gr.bpc,
        };
        let pd = PicParams {
            w: gd.w[0],
            h: gd.h[0],
            pix_fmt: gd.pix_fmt,
            bpc: gd.bpc,
        };
        if p != pd || self.params.is_some_and(|q| q != p) {
            log::error("vmaf_read_pictures: picture parameters do not match");
            return EINVAL;
        }
        let [s0, s1] = &mut self.scratch;
        let views = rr.view(s0).and_then(|a| Ok((a, dr.view(s1)?)));
        let (rv, dv) = match views {
            Ok(v) => v,
            Err(e) => return err_code(&e),
        };
        if self.params.is_none() {
            self.params = Some(p);
            self.started = Some(Instant::now());
        }
        if let Err(e) = self.engine.push_indexed(&rv, &dv, index as usize) {
            return err_code(&e);
        }
        self.last = Some(Instant::now());
        // SAFETY: both structs hold a reference that the library now owns and drops; the same
        // picture passed twice (or two copies of one struct) is released once.
        unsafe {
            let same = (*r).ref_ == (*d).ref_;
            VmafRef::release((*r).ref_);
            if !same {
                VmafRef::release((*d).ref_);
            }
            r.write(std::mem::zeroed());
            d.write(std::mem::zeroed());
        }
        0
    }

    /// True when the picture pool exists and has an idle picture.
    pub(crate) fn pool_has_free(&self) -> bool {
        self.pool.as_ref().is_some_and(|p| p.has_free())
    }

    fn kept(&self, i: u32) -> bool {
        self.n_subsample <= 1 || i.is_multiple_of(self.n_subsample)
    }

    /// The cached score of `model` at `index`, or its prediction (then written).
    fn score_at(&mut self, m: &Model, keys: &[String], index: u32) -> Result<f64, c_int> {
        let i = index as usize;
        if let Some(s) = self.engine.collector().get(&m.name, i) {
            return Ok(s);
        }
        let col = self.engine.collector_mut();
        let s = m.predict(col, keys, i, false).map_err(|e| err_code(&e))?;
        col.append(&m.name, i, s).map_err(|e| err_code(&e))?;
        Ok(s)
    }

    /// Bootstrap statistics of `mc` at `index` (member and summary scores are written).
    fn collection_at(
        &mut self,
        mc: &ModelCollection,
        index: c_uint,
    ) -> Result<BootstrapScore, c_int> {
        let keys = mc
            .members
            .iter()
            .map(Model::feature_keys)
            .collect::<rvmaf::Result<Vec<_>>>()
            .map_err(|e| err_code(&e))?;
        mc.score_frame(self.engine.collector_mut(), &keys, index as usize)
            .map_err(|e| err_code(&e))
    }

    fn pooled(&self, name: &str, method: c_uint, lo: c_uint, hi: c_uint) -> Result<f64, c_int> {
        let method = match method {
            1 => PoolMethod::Min,
            2 => PoolMethod::Max,
            3 => PoolMethod::Mean,
            4 => PoolMethod::HarmonicMean,
            _ => return Err(EINVAL),
        };
        pool(
            self.engine.collector(),
            name,
            method,
            lo as usize,
            hi as usize,
            self.n_subsample.max(1) as usize,
        )
        .ok_or(EINVAL)
    }
}

/// Runs `f` on a context (`-EINVAL` for NULL), behind the panic boundary.
fn with_ctx(ctx: Option<&mut VmafContext>, f: impl FnOnce(&mut VmafContext) -> c_int) -> c_int {
    guard(|| match ctx {
        Some(c) => f(c),
        None => EINVAL,
    })
}

fn bootstrap_out(s: &BootstrapScore) -> VmafModelCollectionScore {
    VmafModelCollectionScore {
        type_: VmafModelCollectionScoreType::VMAF_MODEL_COLLECTION_SCORE_BOOTSTRAP as c_uint,
        bootstrap: VmafBootstrapScore {
            bagging_score: s.bagging,
            stddev: s.stddev,
            ci: VmafConfidenceIntervals {
                p95: VmafConfidenceInterval95 {
                    lo: s.ci_p95_lo,
                    hi: s.ci_p95_hi,
                },
            },
        },
    }
}

/// Allocates a context into `*vmaf`.
///
/// Sets the process-wide log level and CPU level (`cpumask`, as libvmaf does). Returns 0, or
/// `-EINVAL` when `vmaf` is NULL. Close it with `vmaf_close`.
///
/// # Safety
/// `vmaf` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn vmaf_init(vmaf: *mut *mut VmafContext, cfg: VmafConfiguration) -> c_int {
    guard(|| {
        if vmaf.is_null() {
            return EINVAL;
        }
        log::set_level(cfg.log_level);
        cpu::set_cpu_level(cpu_level_for(cfg.cpumask));
        match VmafContext::new(&cfg) {
            Ok(c) => {
                // SAFETY: writable per the contract.
                unsafe { *vmaf = Box::into_raw(Box::new(c)) };
                0
            }
            Err(e) => err_code(&e),
        }
    })
}

/// Registers the feature extractors `model` needs (shared extractors run once).
///
/// Returns 0, or `-EINVAL`. `model` must outlive the context.
///
/// # Safety
/// `vmaf` and `model` are NULL or live objects of this library.
#[no_mangle]
pub unsafe extern "C" fn vmaf_use_features_from_model(
    vmaf: *mut VmafContext,
    model: *mut VmafModel,
) -> c_int {
    // SAFETY: `vmaf` is NULL or a live context per the contract.
    let ctx = unsafe { vmaf.as_mut() };
    with_ctx(ctx, |c| {
        if model.is_null() {
            return EINVAL;
        }
        // SAFETY: a live model.
        c.use_model(unsafe { &(*model).model })
    })
}

/// Registers the feature extractors of every member of `model_collection`.
///
/// # Safety
/// `vmaf` and `model_collection` are NULL or live objects of this library.
#[no_mangle]
pub unsafe extern "C" fn vmaf_use_features_from_model_collection(
    vmaf: *mut VmafContext,
    model_collection: *mut VmafModelCollection,
) -> c_int {
    // SAFETY: `vmaf` is NULL or a live context per the contract.
    let ctx = unsafe { vmaf.as_mut() };
    with_ctx(ctx, |c| {
        if model_collection.is_null() {
            return EINVAL;
        }
        // SAFETY: a live collection.
        let mc = unsafe { &(*model_collection).coll };
        let mut err = 0;
        for m in &mc.members {
            err |= c.use_model(m);
        }
        err
    })
}

/// Registers the extractor `feature_name` (an extractor name: "psnr", "float_ssim", "cambi",
/// ...) with options `opts_dict` (NULL: defaults).
///
/// Takes ownership of `opts_dict` (freed) once the extractor name is known — also when the
/// options are then rejected; for a NULL argument or an unknown extractor it returns
/// `-EINVAL` and the caller keeps the dictionary.
///
/// # Safety
/// `vmaf` is NULL or a live context; `feature_name` NULL or NUL-terminated; `opts_dict` NULL
/// or a dictionary owned by the caller.
#[no_mangle]
pub unsafe extern "C" fn vmaf_use_feature(
    vmaf: *mut VmafContext,
    feature_name: *const c_char,
    opts_dict: *mut VmafFeatureDictionary,
) -> c_int {
    // SAFETY: `vmaf` is NULL or a live context per the contract.
    let ctx = unsafe { vmaf.as_mut() };
    with_ctx(ctx, |c| {
        // SAFETY: NUL-terminated per the contract.
        let Some(name) = (unsafe { c_str(feature_name) }) else {
            return EINVAL;
        };
        if features::by_name(name).is_err() {
            log::error(&format!("unknown feature extractor \"{name}\""));
            return EINVAL;
        }
        // SAFETY: handed over from here on.
        let dict = unsafe { VmafFeatureDictionary::take(opts_dict) };
        c.register(name, dict)
    })
}

/// Stores an externally computed score `value` of `feature_name` at picture `index`.
///
/// Returns 0, or `-EINVAL` (NULL argument, a score already present).
///
/// # Safety
/// `vmaf` is NULL or a live context; `feature_name` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn vmaf_import_feature_score(
    vmaf: *mut VmafContext,
    feature_name: *const c_char,
    value: f64,
    index: c_uint,
) -> c_int {
    // SAFETY: `vmaf` is NULL or a live context per the contract.
    let ctx = unsafe { vmaf.as_mut() };
    with_ctx(ctx, |c| {
        // SAFETY: NUL-terminated per the contract.
        let Some(name) = (unsafe { c_str(feature_name) }) else {
            return EINVAL;
        };
        match c.engine.collector_mut().append(name, index as usize, value) {
            Ok(()) => 0,
            Err(e) => {
                log::warning(&e.to_string());
                EINVAL
            }
        }
    })
}

/// Scores one pair of pictures at `index`; with `ref` and `dist` both NULL, flushes (runs the
/// extractors' end-of-stream step; required before pooling).
///
/// On success the context takes ownership of both pictures: it releases them and zeroes the
/// structs. On failure (`-EINVAL`: NULL context, exactly one NULL picture, a call after the
/// flush, parameters different from the first pair's, an extractor error, a flush without
/// pictures) the caller still owns them.
///
/// # Safety
/// `vmaf` is NULL or a live context; `ref` and `dist` NULL or picture structs filled by this
/// library.
#[no_mangle]
pub unsafe extern "C" fn vmaf_read_pictures(
    vmaf: *mut VmafContext,
    r#ref: *mut VmafPicture,
    dist: *mut VmafPicture,
    index: c_uint,
) -> c_int {
    // SAFETY: `vmaf` is NULL or a live context per the contract.
    let ctx = unsafe { vmaf.as_mut() };
    with_ctx(ctx, |c| {
        if c.flushed {
            return EINVAL;
        }
        match (r#ref.is_null(), dist.is_null()) {
            (true, true) => c.flush(),
            (false, false) => {
                // SAFETY: valid picture structs per the contract.
                unsafe { c.read(r#ref, dist, index) }
            }
            _ => EINVAL,
        }
    })
}

/// The score of `model` at `index`: the stored one, or a prediction from the stored features
/// (then stored under the model's name).
///
/// Returns 0, or `-EINVAL` (NULL argument, a feature missing at `index`).
///
/// # Safety
/// Pointers are NULL or live objects of this library; `score` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn vmaf_score_at_index(
    vmaf: *mut VmafContext,
    model: *mut VmafModel,
    score: *mut f64,
    index: c_uint,
) -> c_int {
    // SAFETY: `vmaf` is NULL or a live context per the contract.
    let ctx = unsafe { vmaf.as_mut() };
    with_ctx(ctx, |c| {
        if model.is_null() || score.is_null() {
            return EINVAL;
        }
        // SAFETY: a live model.
        let m = unsafe { &(*model).model };
        let keys = match m.feature_keys() {
            Ok(k) => k,
            Err(e) => return err_code(&e),
        };
        match c.score_at(m, &keys, index) {
            Ok(s) => {
                // SAFETY: writable.
                unsafe { *score = s };
                0
            }
            Err(e) => e,
        }
    })
}

/// Bootstrap statistics of `model_collection` at `index` (written to the scores as
/// `<name>_0001`.., `<name>_bagging`, `_stddev`, `_ci_p95_lo`, `_ci_p95_hi`). As in libvmaf,
/// a second call for the same index fails (the scores cannot be overwritten).
///
/// # Safety
/// Pointers are NULL or live objects of this library; `score` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn vmaf_score_at_index_model_collection(
    vmaf: *mut VmafContext,
    model_collection: *mut VmafModelCollection,
    score: *mut VmafModelCollectionScore,
    index: c_uint,
) -> c_int {
    // SAFETY: `vmaf` is NULL or a live context per the contract.
    let ctx = unsafe { vmaf.as_mut() };
    with_ctx(ctx, |c| {
        if model_collection.is_null() || score.is_null() {
            return EINVAL;
        }
        // SAFETY: a live collection.
        match c.collection_at(unsafe { &(*model_collection).coll }, index) {
            Ok(s) => {
                // SAFETY: writable.
                unsafe { *score = bootstrap_out(&s) };
                0
            }
            Err(e) => e,
        }
    })
}

/// The score of `feature_name` (the internal name, e.g. "VMAF_integer_feature_adm2_score",
/// "psnr_y", "float_ssim") at `index`.
///
/// Returns 0, or `-EINVAL` (NULL argument, no such score).
///
/// # Safety
/// `vmaf` is NULL or a live context; `feature_name` NULL or NUL-terminated; `score` NULL or
/// writable.
#[no_mangle]
pub unsafe extern "C" fn vmaf_feature_score_at_index(
    vmaf: *mut VmafContext,
    feature_name: *const c_char,
    score: *mut f64,
    index: c_uint,
) -> c_int {
    // SAFETY: `vmaf` is NULL or a live context per the contract.
    let ctx = unsafe { vmaf.as_mut() };
    with_ctx(ctx, |c| {
        // SAFETY: NUL-terminated per the contract.
        let Some(name) = (unsafe { c_str(feature_name) }) else {
            return EINVAL;
        };
        if score.is_null() {
            return EINVAL;
        }
        match c.engine.collector().get(name, index as usize) {
            Some(s) => {
                // SAFETY: writable.
                unsafe { *score = s };
                0
            }
            None => EINVAL,
        }
    })
}

/// Pools `model`'s scores over `index_low..=index_high` (predicting the missing ones first).
///
/// Returns 0, or `-EINVAL` (NULL argument, `index_low > index_high`, an invalid method, a
/// missing feature).
///
/// # Safety
/// Pointers are NULL or live objects of this library; `score` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn vmaf_score_pooled(
    vmaf: *mut VmafContext,
    model: *mut VmafModel,
    pool_method: VmafPoolingMethodRaw,
    score: *mut f64,
    index_low: c_uint,
    index_high: c_uint,
) -> c_int {
    // SAFETY: `vmaf` is NULL or a live context per the contract.
    let ctx = unsafe { vmaf.as_mut() };
    with_ctx(ctx, |c| {
        if model.is_null() || score.is_null() || index_low > index_high || pool_method == 0 {
            return EINVAL;
        }
        // SAFETY: a live model.
        let m = unsafe { &(*model).model };
        let keys = match m.feature_keys() {
            Ok(k) => k,
            Err(e) => return err_code(&e),
        };
        for i in index_low..=index_high {
            if c.kept(i) {
                if let Err(e) = c.score_at(m, &keys, i) {
                    return e;
                }
            }
        }
        match c.pooled(&m.name, pool_method, index_low, index_high) {
            Ok(s) => {
                // SAFETY: writable.
                unsafe { *score = s };
                0
            }
            Err(e) => e,
        }
    })
}

/// Pools the bootstrap statistics of `model_collection` over `index_low..=index_high`
/// (computing them for every index first; a second call fails as in libvmaf).
///
/// # Safety
/// Pointers are NULL or live objects of this library; `score` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn vmaf_score_pooled_model_collection(
    vmaf: *mut VmafContext,
    model_collection: *mut VmafModelCollection,
    pool_method: VmafPoolingMethodRaw,
    score: *mut VmafModelCollectionScore,
    index_low: c_uint,
    index_high: c_uint,
) -> c_int {
    // SAFETY: `vmaf` is NULL or a live context per the contract.
    let ctx = unsafe { vmaf.as_mut() };
    with_ctx(ctx, |c| {
        if model_collection.is_null()
            || score.is_null()
            || index_low > index_high
            || pool_method == 0
        {
            return EINVAL;
        }
        // SAFETY: a live collection.
        let mc = unsafe { &(*model_collection).coll };
        for i in index_low..=index_high {
            if c.kept(i) {
                if let Err(e) = c.collection_at(mc, i) {
                    return e;
                }
            }
        }
        // SAFETY: writable.
        let (name, out) = (&mc.name, unsafe { &mut *score });
        out.type_ = VmafModelCollectionScoreType::VMAF_MODEL_COLLECTION_SCORE_BOOTSTRAP as c_uint;
        let mut err = 0;
        let b = &mut out.bootstrap;
        for (suffix, slot) in [
            ("_bagging", &mut b.bagging_score),
            ("_stddev", &mut b.stddev),
            ("_ci_p95_lo", &mut b.ci.p95.lo),
            ("_ci_p95_hi", &mut b.ci.p95.hi),
        ] {
            match c.pooled(
                &format!("{name}{suffix}"),
                pool_method,
                index_low,
                index_high,
            ) {
                Ok(v) => *slot = v,
                Err(e) => err |= e,
            }
        }
        err
    })
}

/// Pools the scores of `feature_name` (internal name) over `index_low..=index_high`, skipping
/// indices removed by subsampling.
///
/// Returns 0, or `-EINVAL` (NULL argument, `index_low > index_high`, an invalid method, a
/// missing score).
///
/// # Safety
/// `vmaf` is NULL or a live context; `feature_name` NULL or NUL-terminated; `score` NULL or
/// writable.
#[no_mangle]
pub unsafe extern "C" fn vmaf_feature_score_pooled(
    vmaf: *mut VmafContext,
    feature_name: *const c_char,
    pool_method: VmafPoolingMethodRaw,
    score: *mut f64,
    index_low: c_uint,
    index_high: c_uint,
) -> c_int {
    // SAFETY: `vmaf` is NULL or a live context per the contract.
    let ctx = unsafe { vmaf.as_mut() };
    with_ctx(ctx, |c| {
        // SAFETY: NUL-terminated per the contract.
        let Some(name) = (unsafe { c_str(feature_name) }) else {
            return EINVAL;
        };
        if score.is_null() || index_low > index_high {
            return EINVAL;
        }
        match c.pooled(name, pool_method, index_low, index_high) {
            Ok(s) => {
                // SAFETY: writable.
                unsafe { *score = s };
                0
            }
            Err(e) => e,
        }
    })
}

/// Creates a pool of `cfg.pic_cnt` pictures for `vmaf_fetch_preallocated_picture`.
///
/// Returns 0, or `-EINVAL` (NULL context, zero size or count, bad format or depth) or
/// `-ENOMEM`.
///
/// # Safety
/// `vmaf` is NULL or a live context.
#[no_mangle]
pub unsafe extern "C" fn vmaf_preallocate_pictures(
    vmaf: *mut VmafContext,
    cfg: VmafPictureConfiguration,
) -> c_int {
    // SAFETY: `vmaf` is NULL or a live context per the contract.
    let ctx = unsafe { vmaf.as_mut() };
    with_ctx(ctx, |c| {
        let p = cfg.pic_params;
        if cfg.pic_cnt == 0 {
            return EINVAL;
        }
        let geo = match PicGeometry::new(p.pix_fmt, p.bpc, p.w, p.h) {
            Ok(g) => g,
            Err(e) => return e,
        };
        match PoolShared::new(geo, cfg.pic_cnt as usize) {
            Ok(pool) => {
                if let Some(old) = c.pool.replace(pool) {
                    old.close();
                }
                0
            }
            Err(e) => e,
        }
    })
}

/// Takes a picture from the pool into `*pic`, waiting while every picture is in use (as
/// libvmaf does). It returns to the pool when released (`vmaf_picture_unref`, or by
/// `vmaf_read_pictures`).
///
/// Returns 0, or `-EINVAL` (NULL argument, no pool).
///
/// # Safety
/// `vmaf` is NULL or a live context; `pic` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn vmaf_fetch_preallocated_picture(
    vmaf: *mut VmafContext,
    pic: *mut VmafPicture,
) -> c_int {
    // SAFETY: `vmaf` is NULL or a live context per the contract.
    let ctx = unsafe { vmaf.as_mut() };
    with_ctx(ctx, |c| {
        if pic.is_null() {
            return EINVAL;
        }
        let Some(pool) = c.pool.clone() else {
            return EINVAL;
        };
        match pool.fetch() {
            Some(r) => {
                debug_assert_eq!(r.geo, pool.geometry());
                // SAFETY: writable; all-zero is a valid VmafPicture.
                let p = unsafe {
                    pic.write(std::mem::zeroed());
                    &mut *pic
                };
                r.fill(p);
                0
            }
            None => EINVAL,
        }
    })
}

/// Frees a context and everything it holds (not the models). Returns 0, or `-EINVAL` for NULL.
///
/// # Safety
/// `vmaf` is NULL or a live context that is not used again.
#[no_mangle]
pub unsafe extern "C" fn vmaf_close(vmaf: *mut VmafContext) -> c_int {
    guard(|| {
        if vmaf.is_null() {
            return EINVAL;
        }
        // SAFETY: created by `Box::into_raw` in `vmaf_init`; the caller gives it up.
        drop(unsafe { Box::from_raw(vmaf) });
        0
    })
}

/// Writes every score to `output_path` in libvmaf's format `fmt` (XML, JSON, CSV or SUB), with
/// pooled values over `0..pictures read - 1`.
///
/// Returns 0, or `-EINVAL` (NULL argument, file cannot be created, unknown format) or `-EIO`.
///
/// # Safety
/// `vmaf` is NULL or a live context; `output_path` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn vmaf_write_output(
    vmaf: *mut VmafContext,
    output_path: *const c_char,
    fmt: VmafOutputFormatRaw,
) -> c_int {
    // SAFETY: `vmaf` is NULL or a live context per the contract.
    let ctx = unsafe { vmaf.as_mut() };
    with_ctx(ctx, |c| {
        // SAFETY: NUL-terminated per the contract.
        let Some(path) = (unsafe { c_str(output_path) }) else {
            return EINVAL;
        };
        let file = match std::fs::File::create(path) {
            Ok(f) => f,
            Err(_) => {
                eprintln!("could not open file: {path}");
                return EINVAL;
            }
        };
        let format = match fmt {
            1 => OutputFormat::Xml,
            2 => OutputFormat::Json,
            3 => OutputFormat::Csv,
            4 => OutputFormat::Sub,
            _ => return EINVAL,
        };
        let fps = match (c.started, c.last) {
            (Some(a), Some(b)) if b > a => Some(c.pic_cnt as f64 / (b - a).as_secs_f64()),
            _ => None,
        };
        let (w, h) = c.params.map_or((0, 0), |p| (p.w, p.h));
        let data = OutputData {
            collector: c.engine.collector(),
            frame_count: c.pic_cnt as usize,
            subsample: c.n_subsample as usize,
            width: w,
            height: h,
            fps,
        };
        let mut out = std::io::BufWriter::new(file);
        let res = write_output(&mut out, format, &data, &OutputOptions::default())
            .and_then(|_| std::io::Write::flush(&mut out));
        match res {
            Ok(()) => 0,
            Err(e) => {
                log::error(&format!("could not write {path}: {e}"));
                EIO
            }
        }
    })
}

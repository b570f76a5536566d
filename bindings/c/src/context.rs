//! `RvmafContext`: one reference stream scored against one or more distorted streams.

use std::ffi::{c_char, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

use rvmaf::{Geometry, MultiContext, OutputFormat, OutputOptions, PoolMethod, Precision, Report};

use crate::config::RvmafConfig;
use crate::error::{c_string, FfiError, RvmafStatus};
use crate::handle::{check_out, str_arg, try_mut, try_ref, write_out};
use crate::panic::{guard, panic_error};
use crate::picture::{self, RvmafPicture};

/// The largest number of distorted inputs of one context.
pub const RVMAF_MAX_INPUTS: usize = 256;

/// Pooling method: minimum.
pub const RVMAF_POOL_MIN: RvmafPoolMethod = 1;
/// Pooling method: maximum.
pub const RVMAF_POOL_MAX: RvmafPoolMethod = 2;
/// Pooling method: arithmetic mean.
pub const RVMAF_POOL_MEAN: RvmafPoolMethod = 3;
/// Pooling method: libvmaf's harmonic mean, `n / sum(1 / (x + 1)) - 1`.
pub const RVMAF_POOL_HARMONIC_MEAN: RvmafPoolMethod = 4;
/// Temporal pooling method (`RVMAF_POOL_*`; the values are libvmaf's `VmafPoolingMethod`).
pub type RvmafPoolMethod = u32;

/// Output format: libvmaf's XML.
pub const RVMAF_OUTPUT_FORMAT_XML: RvmafOutputFormat = 1;
/// Output format: libvmaf's JSON.
pub const RVMAF_OUTPUT_FORMAT_JSON: RvmafOutputFormat = 2;
/// Output format: libvmaf's CSV.
pub const RVMAF_OUTPUT_FORMAT_CSV: RvmafOutputFormat = 3;
/// Output format: libvmaf's subtitle (SUB) file.
pub const RVMAF_OUTPUT_FORMAT_SUB: RvmafOutputFormat = 4;
/// Output file format (`RVMAF_OUTPUT_FORMAT_*`; the values are libvmaf's `VmafOutputFormat`).
pub type RvmafOutputFormat = u32;

/// `precision` of `rvmaf_context_write_output`: libvmaf's 6 decimals.
pub const RVMAF_PRECISION_DEFAULT: i32 = 6;
/// `precision` of `rvmaf_context_write_output`: the shortest text that reads back as the exact
/// double.
pub const RVMAF_PRECISION_MAX: i32 = -1;

/// One finished input: its report and its score names as C strings.
struct Finished {
    report: Report,
    names: Vec<CString>,
}

enum State {
    Running(Box<MultiContext>),
    Finished(Vec<Finished>),
    Failed(String),
}

/// A scoring run: one reference stream against `n` distorted streams. Created by
/// `rvmaf_context_new`, fed with `rvmaf_context_push`, ended with `rvmaf_context_finish`,
/// queried, and freed by `rvmaf_context_free`. A context may move between threads but must
/// not be used by two threads at once.
pub struct RvmafContext {
    state: State,
    inputs: usize,
    geometry: Option<Geometry>,
}

impl RvmafContext {
    fn running(&mut self) -> Result<&mut MultiContext, FfiError> {
        match &mut self.state {
            State::Running(m) => Ok(m),
            State::Finished(_) => Err(FfiError::state(
                "frames cannot be pushed after rvmaf_context_finish",
            )),
            State::Failed(why) => Err(failed(why)),
        }
    }

    fn input(&self, input: usize) -> Result<(), FfiError> {
        if input >= self.inputs {
            return Err(FfiError::invalid(format!(
                "input {input} is out of range (the context has {})",
                self.inputs
            )));
        }
        Ok(())
    }

    fn finished(&self, input: usize) -> Result<&Finished, FfiError> {
        self.input(input)?;
        match &self.state {
            State::Finished(f) => Ok(&f[input]),
            State::Running(_) => Err(FfiError::state(
                "scores are available after rvmaf_context_finish",
            )),
            State::Failed(why) => Err(failed(why)),
        }
    }

    /// Checks pictures against each other and against earlier frames, then pushes them.
    ///
    /// # Safety
    /// Every plane the pictures' formats use is readable for the size they describe (see
    /// `picture::view`) for the duration of the call.
    unsafe fn push(
        &mut self,
        reference: &RvmafPicture,
        distorted: &[RvmafPicture],
        one: Option<usize>,
    ) -> Result<(), FfiError> {
        self.running()?;
        // SAFETY: the planes are readable for the described size, per this function's contract.
        let r = unsafe { picture::view(reference) }?;
        let g = r.geometry();
        if let Some(g0) = self.geometry {
            if g0 != g {
                return Err(FfiError::new(
                    RvmafStatus::Mismatch,
                    format!(
                        "the reference is {}, earlier frames were {}",
                        describe(&g),
                        describe(&g0)
                    ),
                ));
            }
        }
        let mut views = Vec::with_capacity(distorted.len());
        for (i, d) in distorted.iter().enumerate() {
            // SAFETY: as for the reference.
            let v = unsafe { picture::view(d) }?;
            if v.geometry() != g {
                return Err(FfiError::new(
                    RvmafStatus::Mismatch,
                    format!(
                        "distorted picture {i} is {}, the reference is {}",
                        describe(&v.geometry()),
                        describe(&g)
                    ),
                ));
            }
            views.push(v);
        }
        let multi = self.running()?;
        let r = match one {
            Some(i) => multi.push_one(i, &r, &views[0]),
            None => multi.push(&r, &views),
        };
        match r {
            Ok(()) => {
                self.geometry = Some(g);
                Ok(())
            }
            Err(e) => {
                let e = FfiError::from(e);
                self.state = State::Failed(e.message.clone());
                Err(e)
            }
        }
    }
}

fn failed(why: &str) -> FfiError {
    FfiError::state(format!("the context failed earlier: {why}"))
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

/// Runs `f` on the context behind `ctx`; a panic marks the context failed.
fn guard_context(
    ctx: *mut RvmafContext,
    f: impl FnOnce(&mut RvmafContext) -> Result<(), FfiError>,
) -> RvmafStatus {
    guard(|| {
        // SAFETY: the exported functions' callers guarantee `ctx` is NULL or a live context
        // not used by another thread.
        let c = unsafe { try_mut(ctx, "ctx") }?;
        match catch_unwind(AssertUnwindSafe(|| f(&mut *c))) {
            Ok(r) => r,
            Err(payload) => {
                let e = panic_error(payload.as_ref());
                c.state = State::Failed(e.message.clone());
                Err(e)
            }
        }
    })
}

/// Runs `f` on the finished input `input` of the context behind `ctx`.
fn with_finished(
    ctx: *const RvmafContext,
    input: usize,
    f: impl FnOnce(&Finished) -> Result<(), FfiError>,
) -> RvmafStatus {
    guard(|| {
        // SAFETY: the exported functions' callers guarantee `ctx` is NULL or a live context
        // not mutated by another thread.
        let c = unsafe { try_ref(ctx, "ctx") }?;
        f(c.finished(input)?)
    })
}

/// Creates a context scoring one reference against `n_distorted` distorted streams (1 to
/// `RVMAF_MAX_INPUTS`) with the models, features and settings of `cfg`. Each distorted input
/// gets results identical to a separate run; inputs are numbered from 0.
///
/// Errors: `RVMAF_STATUS_INVALID_ARGUMENT` (no model and no feature, `n_distorted` out of
/// range, two models with one name), `RVMAF_STATUS_FEATURE_OPTION`, `RVMAF_STATUS_MODEL`.
///
/// Ownership: `cfg` is borrowed for the duration of the call and may be freed afterwards. On
/// success `*out` receives a new context owned by the caller, to be released with
/// `rvmaf_context_free`; on failure `*out` is set to NULL (when `out` is not NULL).
///
/// # Safety
/// `cfg` is NULL or a live config; `out` is NULL or valid for writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn rvmaf_context_new(
    cfg: *const RvmafConfig,
    n_distorted: usize,
    out: *mut *mut RvmafContext,
) -> RvmafStatus {
    guard(|| {
        check_out(out, "out")?;
        // SAFETY: `out` is non-NULL and valid for a pointer write per the caller.
        unsafe { write_out(out, std::ptr::null_mut()) };
        // SAFETY: per the caller, `cfg` is NULL or a live config.
        let cfg = unsafe { try_ref(cfg, "cfg") }?;
        if n_distorted == 0 || n_distorted > RVMAF_MAX_INPUTS {
            return Err(FfiError::invalid(format!(
                "n_distorted {n_distorted} is not in 1..{RVMAF_MAX_INPUTS}"
            )));
        }
        if cfg.is_empty() {
            return Err(FfiError::invalid(
                "the config has no model and no feature: nothing to compute",
            ));
        }
        let multi = MultiContext::new(&cfg.builder(), n_distorted)?;
        let ctx = Box::new(RvmafContext {
            state: State::Running(Box::new(multi)),
            inputs: n_distorted,
            geometry: None,
        });
        // SAFETY: as above.
        unsafe { write_out(out, Box::into_raw(ctx)) };
        Ok(())
    })
}

/// Releases a context (waiting for frames still computed by its workers) and sets `*ctx` to
/// NULL. `ctx == NULL` or `*ctx == NULL` is a no-op, so calling it twice on the same variable
/// is safe.
///
/// Ownership: takes back the context created by `rvmaf_context_new`; names returned by
/// `rvmaf_context_score_name` become invalid.
///
/// # Safety
/// `ctx` is NULL or points to NULL or to a context from `rvmaf_context_new` that was not freed
/// and is not in use by another thread.
#[no_mangle]
pub unsafe extern "C" fn rvmaf_context_free(ctx: *mut *mut RvmafContext) {
    let _ = guard(|| {
        if ctx.is_null() {
            return Ok(());
        }
        // SAFETY: `ctx` is non-NULL and points to a (possibly NULL) context pointer.
        let p = unsafe { ctx.replace(std::ptr::null_mut()) };
        if !p.is_null() {
            // SAFETY: `p` came from Box::into_raw in rvmaf_context_new and is freed only here,
            // once, since `*ctx` is now NULL.
            drop(unsafe { Box::from_raw(p) });
        }
        Ok(())
    });
}

/// Scores one frame: `reference` against `distorted[0..n_distorted]`, one picture per input
/// (`n_distorted` must equal the context's input count). Every picture must have the same
/// size, format and depth, which must also match earlier frames. Frame indices count pushes
/// from 0. The pixels are read (and copied where the engine keeps them) during the call only.
///
/// Errors that leave the context unchanged: `RVMAF_STATUS_NULL_POINTER`,
/// `RVMAF_STATUS_INVALID_ARGUMENT`, `RVMAF_STATUS_INVALID_PICTURE`, `RVMAF_STATUS_MISMATCH`,
/// and `RVMAF_STATUS_INVALID_STATE` (after `rvmaf_context_finish` or a failure). Any other
/// error (an extractor refusing the pictures, e.g. `RVMAF_STATUS_EXTRACTION`) leaves the
/// context failed: later calls on it return `RVMAF_STATUS_INVALID_STATE`.
///
/// Ownership: `reference`, `distorted` and the pixels they point to are borrowed for the
/// duration of the call.
///
/// # Safety
/// `ctx` is NULL or a live context; `reference` is NULL or points to a picture; `distorted` is
/// NULL or points to `n_distorted` pictures; every plane a picture's format uses is readable
/// for `(plane_height - 1) * stride + plane_width * bytes_per_sample` bytes.
#[no_mangle]
pub unsafe extern "C" fn rvmaf_context_push(
    ctx: *mut RvmafContext,
    reference: *const RvmafPicture,
    distorted: *const RvmafPicture,
    n_distorted: usize,
) -> RvmafStatus {
    guard_context(ctx, |c| {
        // SAFETY: per the caller, `reference` is NULL or points to a picture.
        let r = unsafe { try_ref(reference, "reference") }?;
        if distorted.is_null() {
            return Err(FfiError::null("distorted"));
        }
        if n_distorted != c.inputs {
            return Err(FfiError::invalid(format!(
                "{n_distorted} distorted pictures for a context of {} inputs",
                c.inputs
            )));
        }
        // SAFETY: `distorted` is non-NULL and, per the caller, points to `n_distorted`
        // pictures, a count checked above to be at most RVMAF_MAX_INPUTS.
        let d = unsafe { std::slice::from_raw_parts(distorted, n_distorted) };
        // SAFETY: the caller guarantees every plane of these pictures is readable for its size.
        unsafe { c.push(r, d, None) }
    })
}

/// Scores one frame of input `input` only: for inputs that continue after others ended.
/// Frame indices of each input count its own pushes. Errors and ownership are as for
/// `rvmaf_context_push`; an `input` out of range gives `RVMAF_STATUS_INVALID_ARGUMENT`.
///
/// Ownership: `reference`, `distorted` and their pixels are borrowed for the duration of the
/// call.
///
/// # Safety
/// As for `rvmaf_context_push`, with `distorted` pointing to one picture.
#[no_mangle]
pub unsafe extern "C" fn rvmaf_context_push_one(
    ctx: *mut RvmafContext,
    input: usize,
    reference: *const RvmafPicture,
    distorted: *const RvmafPicture,
) -> RvmafStatus {
    guard_context(ctx, |c| {
        c.input(input)?;
        // SAFETY: per the caller, `reference` is NULL or points to a picture.
        let r = unsafe { try_ref(reference, "reference") }?;
        // SAFETY: per the caller, `distorted` is NULL or points to a picture.
        let d = unsafe { try_ref(distorted, "distorted") }?;
        // SAFETY: the caller guarantees every plane of these pictures is readable for its size.
        unsafe { c.push(r, std::slice::from_ref(d), Some(input)) }
    })
}

/// Ends the streams (libvmaf's flush): waits for frames in flight, runs the end-of-stream
/// steps (motion2 of the last frame, aggregates) and predicts every model on every scored
/// frame. Afterwards scores can be read and written, and pushes fail with
/// `RVMAF_STATUS_INVALID_STATE`. Calling it again is a no-op that returns `RVMAF_STATUS_OK`.
///
/// Errors: `RVMAF_STATUS_INVALID_STATE` when an input has no frame (the context is unchanged;
/// push more frames) or the context failed earlier; any other error leaves the context failed.
///
/// Ownership: `ctx` stays the caller's; it is borrowed for the duration of the call.
///
/// # Safety
/// `ctx` is NULL or a live context.
#[no_mangle]
pub unsafe extern "C" fn rvmaf_context_finish(ctx: *mut RvmafContext) -> RvmafStatus {
    guard_context(ctx, |c| {
        match &c.state {
            State::Finished(_) => return Ok(()),
            State::Failed(why) => return Err(failed(why)),
            State::Running(m) => {
                if let Some(i) = (0..c.inputs).find(|&i| m.frames(i) == 0) {
                    return Err(FfiError::state(format!("input {i} has no frames")));
                }
            }
        }
        let State::Running(multi) =
            std::mem::replace(&mut c.state, State::Failed("finishing".into()))
        else {
            unreachable!("checked above")
        };
        let reports = match multi.finish() {
            Ok(r) => r,
            Err(e) => {
                let e = FfiError::from(e);
                c.state = State::Failed(e.message.clone());
                return Err(e);
            }
        };
        let mut finished = Vec::with_capacity(reports.len());
        for report in reports {
            let names = report
                .names()
                .iter()
                .map(|n| c_string(n))
                .collect::<Result<Vec<_>, _>>()?;
            finished.push(Finished { report, names });
        }
        c.state = State::Finished(finished);
        Ok(())
    })
}

/// Stores in `*out` the number of frames pushed for input `input` (before or after finish).
///
/// Ownership: `ctx` is borrowed and `*out` written during the call.
///
/// # Safety
/// `ctx` is NULL or a live context; `out` is NULL or valid for writing a `size_t`.
#[no_mangle]
pub unsafe extern "C" fn rvmaf_context_frame_count(
    ctx: *const RvmafContext,
    input: usize,
    out: *mut usize,
) -> RvmafStatus {
    guard(|| {
        // SAFETY: per the caller, `ctx` is NULL or a live context.
        let c = unsafe { try_ref(ctx, "ctx") }?;
        check_out(out, "out")?;
        c.input(input)?;
        let n = match &c.state {
            State::Running(m) => m.frames(input),
            State::Finished(f) => f[input].report.frame_count(),
            State::Failed(why) => return Err(failed(why)),
        };
        // SAFETY: `out` is non-NULL and valid for a write per the caller.
        unsafe { write_out(out, n) };
        Ok(())
    })
}

/// Stores in `*out` the number of per-frame score names of input `input` (after finish).
///
/// Ownership: `ctx` is borrowed and `*out` written during the call.
///
/// # Safety
/// `ctx` is NULL or a live context; `out` is NULL or valid for writing a `size_t`.
#[no_mangle]
pub unsafe extern "C" fn rvmaf_context_score_name_count(
    ctx: *const RvmafContext,
    input: usize,
    out: *mut usize,
) -> RvmafStatus {
    with_finished(ctx, input, |f| {
        check_out(out, "out")?;
        // SAFETY: `out` is non-NULL and valid for a write per the caller.
        unsafe { write_out(out, f.names.len()) };
        Ok(())
    })
}

/// Stores in `*out` the name of score `index` of input `input` (after finish), in libvmaf's
/// output order and printed form (`integer_adm2`, `psnr_y`, `vmaf`, ...).
///
/// Errors: `RVMAF_STATUS_NOT_FOUND` when `index` ≥ the count.
///
/// Ownership: the string belongs to the context and stays valid until `rvmaf_context_free`.
///
/// # Safety
/// `ctx` is NULL or a live context; `out` is NULL or valid for writing a pointer.
#[no_mangle]
pub unsafe extern "C" fn rvmaf_context_score_name(
    ctx: *const RvmafContext,
    input: usize,
    index: usize,
    out: *mut *const c_char,
) -> RvmafStatus {
    with_finished(ctx, input, |f| {
        check_out(out, "out")?;
        let name = f.names.get(index).ok_or_else(|| {
            FfiError::not_found(format!(
                "score name {index} is out of range (there are {})",
                f.names.len()
            ))
        })?;
        // SAFETY: `out` is non-NULL and valid for a write per the caller.
        unsafe { write_out(out, name.as_ptr()) };
        Ok(())
    })
}

/// Stores in `*out` the score `name` of frame `frame` of input `input` (after finish). `name`
/// is a printed name (`integer_vif_scale0`) or libvmaf's internal one
/// (`VMAF_integer_feature_vif_scale0_score`).
///
/// Errors: `RVMAF_STATUS_NOT_FOUND` when there is no such score for that frame (unknown name,
/// frame out of range, or a frame skipped by subsampling).
///
/// Ownership: `name` is borrowed for the duration of the call.
///
/// # Safety
/// `ctx` is NULL or a live context; `name` is NULL or NUL-terminated; `out` is NULL or valid
/// for writing a `double`.
#[no_mangle]
pub unsafe extern "C" fn rvmaf_context_score(
    ctx: *const RvmafContext,
    input: usize,
    name: *const c_char,
    frame: usize,
    out: *mut f64,
) -> RvmafStatus {
    with_finished(ctx, input, |f| {
        // SAFETY: per the caller, `name` is NULL or NUL-terminated.
        let name = unsafe { str_arg(name, "name") }?;
        check_out(out, "out")?;
        let v = f
            .report
            .score(name, frame)
            .ok_or_else(|| FfiError::not_found(format!("no score \"{name}\" for frame {frame}")))?;
        // SAFETY: `out` is non-NULL and valid for a write per the caller.
        unsafe { write_out(out, v) };
        Ok(())
    })
}

fn pool_into(f: &Finished, name: &str, method: PoolMethod, out: *mut f64) -> Result<(), FfiError> {
    check_out(out, "out")?;
    let v = f.report.pool(name, method).ok_or_else(|| {
        FfiError::not_found(format!(
            "\"{name}\" cannot be pooled: unknown name or a scored frame without it"
        ))
    })?;
    // SAFETY: `out` is non-NULL and valid for a write per the exported function's caller.
    unsafe { write_out(out, v) };
    Ok(())
}

/// Stores in `*out` score `name` of input `input` pooled over every scored frame with `method`
/// (`RVMAF_POOL_*`), as libvmaf's `vmaf_score_pooled` (after finish).
///
/// Errors: `RVMAF_STATUS_INVALID_ARGUMENT` for an unknown method, `RVMAF_STATUS_NOT_FOUND`
/// when the score is unknown or missing on a scored frame.
///
/// Ownership: `name` is borrowed for the duration of the call.
///
/// # Safety
/// `ctx` is NULL or a live context; `name` is NULL or NUL-terminated; `out` is NULL or valid
/// for writing a `double`.
#[no_mangle]
pub unsafe extern "C" fn rvmaf_context_pool(
    ctx: *const RvmafContext,
    input: usize,
    name: *const c_char,
    method: RvmafPoolMethod,
    out: *mut f64,
) -> RvmafStatus {
    with_finished(ctx, input, |f| {
        // SAFETY: per the caller, `name` is NULL or NUL-terminated.
        let name = unsafe { str_arg(name, "name") }?;
        let m = match method {
            RVMAF_POOL_MIN => PoolMethod::Min,
            RVMAF_POOL_MAX => PoolMethod::Max,
            RVMAF_POOL_MEAN => PoolMethod::Mean,
            RVMAF_POOL_HARMONIC_MEAN => PoolMethod::HarmonicMean,
            _ => {
                return Err(FfiError::invalid(format!(
                    "unknown pooling method {method}"
                )))
            }
        };
        pool_into(f, name, m, out)
    })
}

/// Stores in `*out` the `percentile`-th percentile (0 to 100) of score `name` of input `input`
/// over every scored frame, interpolating linearly between sorted values (after finish).
///
/// Errors: `RVMAF_STATUS_INVALID_ARGUMENT` for a percentile outside 0..100 or NaN,
/// `RVMAF_STATUS_NOT_FOUND` as for `rvmaf_context_pool`.
///
/// Ownership: `name` is borrowed for the duration of the call.
///
/// # Safety
/// As for `rvmaf_context_pool`.
#[no_mangle]
pub unsafe extern "C" fn rvmaf_context_pool_percentile(
    ctx: *const RvmafContext,
    input: usize,
    name: *const c_char,
    percentile: f64,
    out: *mut f64,
) -> RvmafStatus {
    with_finished(ctx, input, |f| {
        // SAFETY: per the caller, `name` is NULL or NUL-terminated.
        let name = unsafe { str_arg(name, "name") }?;
        if !(0.0..=100.0).contains(&percentile) {
            return Err(FfiError::invalid(format!(
                "percentile {percentile} is not in 0..100"
            )));
        }
        pool_into(f, name, PoolMethod::Percentile(percentile), out)
    })
}

/// Writes the scores of input `input` (after finish) to the file `path` in libvmaf's `format`
/// (`RVMAF_OUTPUT_FORMAT_*`): every per-frame score, pooled min/max/mean/harmonic_mean,
/// aggregates. `precision` is the number of decimals (0 to 17; libvmaf uses
/// `RVMAF_PRECISION_DEFAULT`, 6) or `RVMAF_PRECISION_MAX` for exact round-trip numbers. The
/// file is written in one piece: no partial file is left when encoding fails.
///
/// Errors: `RVMAF_STATUS_INVALID_ARGUMENT` (format, precision), `RVMAF_STATUS_IO`.
///
/// Ownership: `path` is borrowed for the duration of the call.
///
/// # Safety
/// `ctx` is NULL or a live context; `path` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn rvmaf_context_write_output(
    ctx: *const RvmafContext,
    input: usize,
    path: *const c_char,
    format: RvmafOutputFormat,
    precision: i32,
) -> RvmafStatus {
    with_finished(ctx, input, |f| {
        if path.is_null() {
            return Err(FfiError::null("path"));
        }
        // SAFETY: `path` is non-NULL and NUL-terminated per the caller.
        let path = path_arg(unsafe { std::ffi::CStr::from_ptr(path) })?;
        let format = match format {
            RVMAF_OUTPUT_FORMAT_XML => OutputFormat::Xml,
            RVMAF_OUTPUT_FORMAT_JSON => OutputFormat::Json,
            RVMAF_OUTPUT_FORMAT_CSV => OutputFormat::Csv,
            RVMAF_OUTPUT_FORMAT_SUB => OutputFormat::Sub,
            _ => return Err(FfiError::invalid(format!("unknown output format {format}"))),
        };
        let precision = match precision {
            RVMAF_PRECISION_MAX => Precision::Max,
            0..=17 => Precision::Digits(precision as usize),
            _ => {
                return Err(FfiError::invalid(format!(
                    "precision {precision} is not in 0..17 or RVMAF_PRECISION_MAX"
                )))
            }
        };
        let opts = OutputOptions {
            precision,
            ..OutputOptions::default()
        };
        let mut text = Vec::new();
        let io =
            |e: std::io::Error| FfiError::new(RvmafStatus::Io, format!("{}: {e}", path.display()));
        f.report.write(&mut text, format, &opts).map_err(io)?;
        std::fs::write(&path, text).map_err(io)
    })
}

#[cfg(unix)]
fn path_arg(p: &std::ffi::CStr) -> Result<PathBuf, FfiError> {
    use std::os::unix::ffi::OsStrExt;
    Ok(PathBuf::from(std::ffi::OsStr::from_bytes(p.to_bytes())))
}

#[cfg(not(unix))]
fn path_arg(p: &std::ffi::CStr) -> Result<PathBuf, FfiError> {
    p.to_str()
        .map(PathBuf::from)
        .map_err(|_| FfiError::invalid("argument `path` is not valid UTF-8"))
}

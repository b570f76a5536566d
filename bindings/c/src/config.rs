//! `RvmafConfig`: models, extra features and run settings, from which contexts are created.

use std::ffi::c_char;

use rvmaf::engine::parse_feature_spec;
use rvmaf::model::ModelSpec;
use rvmaf::{ContextBuilder, FeatureDict, KeyOrder, LoadedModel};

use crate::error::{FfiError, RvmafStatus};
use crate::handle::{check_out, str_arg, try_mut, write_out};
use crate::panic::guard;

/// Key order of outputs and score lists: libvmaf without threads (the default).
pub const RVMAF_KEY_ORDER_UNTHREADED: RvmafKeyOrder = 0;
/// Key order of outputs and score lists: libvmaf with `--threads N`, N ≥ 1.
pub const RVMAF_KEY_ORDER_THREADED: RvmafKeyOrder = 1;
/// Which libvmaf run the order of score names mimics (`RVMAF_KEY_ORDER_*`); values never
/// depend on it.
pub type RvmafKeyOrder = u32;

/// The largest thread count `rvmaf_config_set_threads` accepts.
pub const RVMAF_MAX_THREADS: u32 = 1024;

/// Models, extra features and settings for new contexts. Created by `rvmaf_config_new`, freed
/// by `rvmaf_config_free`. Not thread-safe: do not use one config from two threads at once.
pub struct RvmafConfig {
    models: Vec<LoadedModel>,
    features: Vec<(String, FeatureDict)>,
    threads: usize,
    subsample: usize,
    key_order: KeyOrder,
    no_prediction: bool,
}

impl RvmafConfig {
    /// True when a context built from this config would compute nothing.
    pub(crate) fn is_empty(&self) -> bool {
        self.models.is_empty() && self.features.is_empty()
    }

    /// The engine builder for this config.
    pub(crate) fn builder(&self) -> ContextBuilder {
        let mut b = ContextBuilder::default()
            .threads(self.threads)
            .subsample(self.subsample)
            .key_order(self.key_order)
            .no_prediction(self.no_prediction);
        for m in &self.models {
            b = b.model(m.clone());
        }
        for (name, opts) in &self.features {
            b = b.feature(name, opts.clone());
        }
        b
    }
}

/// Creates an empty config: no model, no extra feature, 1 thread (all work on the calling
/// thread), every frame scored, libvmaf's unthreaded key order, predictions on.
///
/// Add `"version=vmaf_v0.6.1"` with `rvmaf_config_add_model` for libvmaf's default VMAF.
///
/// Ownership: on success `*out` receives a new config owned by the caller, to be released with
/// `rvmaf_config_free`; on failure `*out` is set to NULL (when `out` is not NULL).
///
/// # Safety
/// `out` is NULL or valid for writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn rvmaf_config_new(out: *mut *mut RvmafConfig) -> RvmafStatus {
    guard(|| {
        check_out(out, "out")?;
        let cfg = Box::new(RvmafConfig {
            models: Vec::new(),
            features: Vec::new(),
            threads: 1,
            subsample: 1,
            key_order: KeyOrder::Unthreaded,
            no_prediction: false,
        });
        // SAFETY: `out` is non-NULL and valid for a pointer write per the caller.
        unsafe { write_out(out, Box::into_raw(cfg)) };
        Ok(())
    })
}

/// Releases a config and sets `*cfg` to NULL. `cfg == NULL` or `*cfg == NULL` is a no-op, so
/// calling it twice on the same variable is safe. Contexts created from the config do not
/// depend on it and stay valid.
///
/// Ownership: takes back the config created by `rvmaf_config_new`.
///
/// # Safety
/// `cfg` is NULL or points to NULL or to a config from `rvmaf_config_new` that was not freed
/// and is not in use by another thread.
#[no_mangle]
pub unsafe extern "C" fn rvmaf_config_free(cfg: *mut *mut RvmafConfig) {
    let _ = guard(|| {
        if cfg.is_null() {
            return Ok(());
        }
        // SAFETY: `cfg` is non-NULL and points to a (possibly NULL) config pointer.
        let p = unsafe { cfg.replace(std::ptr::null_mut()) };
        if !p.is_null() {
            // SAFETY: `p` came from Box::into_raw in rvmaf_config_new and is freed only here,
            // once, since `*cfg` is now NULL.
            drop(unsafe { Box::from_raw(p) });
        }
        Ok(())
    });
}

/// Adds a model from a libvmaf model string: `version=NAME` (a built-in model) or `path=FILE`
/// (a model JSON file), optionally followed by `:name=SCORE_NAME`, `:disable_clip`,
/// `:enable_transform` and feature overloads such as `:adm.adm_enhn_gain_limit=1.0`. A bare
/// built-in name (`vmaf_v0.6.1`) or a bare `*.json` path is accepted too. The model is loaded
/// now; its score is named `vmaf` unless `name=` says otherwise, and two models of one config
/// need different names. Bootstrap models (`vmaf_b_v0.6.3`) also produce `NAME_bagging`,
/// `NAME_stddev`, `NAME_ci_p95_lo` and `NAME_ci_p95_hi`.
///
/// Errors: `RVMAF_STATUS_INVALID_ARGUMENT` (syntax), `RVMAF_STATUS_UNKNOWN_MODEL`,
/// `RVMAF_STATUS_MODEL`, `RVMAF_STATUS_IO`; the config is then unchanged.
///
/// Ownership: `spec` is borrowed for the duration of the call.
///
/// # Safety
/// `cfg` is NULL or a live config; `spec` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn rvmaf_config_add_model(
    cfg: *mut RvmafConfig,
    spec: *const c_char,
) -> RvmafStatus {
    guard(|| {
        // SAFETY: per the caller, `cfg` is NULL or a live config used by this thread only.
        let cfg = unsafe { try_mut(cfg, "cfg") }?;
        // SAFETY: per the caller, `spec` is NULL or NUL-terminated.
        let spec = unsafe { str_arg(spec, "spec") }?;
        let model = ModelSpec::parse(spec)?.load()?;
        cfg.models.push(model);
        Ok(())
    })
}

/// Adds a feature extractor from a libvmaf feature spec: `NAME` or `NAME=opt=val:opt2=val2`
/// (`psnr`, `float_ssim`, `float_ms_ssim`, `ciede`, `psnr_hvs`, `cambi`, `psnr=enable_apsnr=true`,
/// ...). Extractors that the models already use, with the same options, are computed once.
///
/// Errors: `RVMAF_STATUS_UNKNOWN_FEATURE`, `RVMAF_STATUS_INVALID_ARGUMENT` (syntax); option
/// values are checked by `rvmaf_context_new` (`RVMAF_STATUS_FEATURE_OPTION`). The config is
/// unchanged on error.
///
/// Ownership: `spec` is borrowed for the duration of the call.
///
/// # Safety
/// `cfg` is NULL or a live config; `spec` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn rvmaf_config_add_feature(
    cfg: *mut RvmafConfig,
    spec: *const c_char,
) -> RvmafStatus {
    guard(|| {
        // SAFETY: per the caller, `cfg` is NULL or a live config used by this thread only.
        let cfg = unsafe { try_mut(cfg, "cfg") }?;
        // SAFETY: per the caller, `spec` is NULL or NUL-terminated.
        let spec = unsafe { str_arg(spec, "spec") }?;
        cfg.features.push(parse_feature_spec(spec)?);
        Ok(())
    })
}

/// Sets the worker threads of new contexts: 1 (the default) runs everything on the calling
/// thread, 0 uses every available core, N > 1 uses N workers. Scores never depend on it.
/// Values above `RVMAF_MAX_THREADS` are rejected with `RVMAF_STATUS_INVALID_ARGUMENT`.
///
/// Ownership: `cfg` is borrowed for the duration of the call.
///
/// # Safety
/// `cfg` is NULL or a live config.
#[no_mangle]
pub unsafe extern "C" fn rvmaf_config_set_threads(
    cfg: *mut RvmafConfig,
    threads: u32,
) -> RvmafStatus {
    guard(|| {
        // SAFETY: per the caller, `cfg` is NULL or a live config used by this thread only.
        let cfg = unsafe { try_mut(cfg, "cfg") }?;
        if threads > RVMAF_MAX_THREADS {
            return Err(FfiError::invalid(format!(
                "threads {threads} is above {RVMAF_MAX_THREADS}"
            )));
        }
        cfg.threads = threads as usize;
        Ok(())
    })
}

/// Scores only frames whose index is a multiple of `subsample` (≥ 1; 1, the default, scores
/// every frame), as libvmaf's `--subsample`. 0 is rejected with
/// `RVMAF_STATUS_INVALID_ARGUMENT`.
///
/// Ownership: `cfg` is borrowed for the duration of the call.
///
/// # Safety
/// `cfg` is NULL or a live config.
#[no_mangle]
pub unsafe extern "C" fn rvmaf_config_set_subsample(
    cfg: *mut RvmafConfig,
    subsample: u32,
) -> RvmafStatus {
    guard(|| {
        // SAFETY: per the caller, `cfg` is NULL or a live config used by this thread only.
        let cfg = unsafe { try_mut(cfg, "cfg") }?;
        if subsample == 0 {
            return Err(FfiError::invalid("subsample must be at least 1"));
        }
        cfg.subsample = subsample as usize;
        Ok(())
    })
}

/// Sets which libvmaf run the order of score names (and of output keys) mimics:
/// `RVMAF_KEY_ORDER_UNTHREADED` (default) or `RVMAF_KEY_ORDER_THREADED`. Other values are
/// rejected with `RVMAF_STATUS_INVALID_ARGUMENT`.
///
/// Ownership: `cfg` is borrowed for the duration of the call.
///
/// # Safety
/// `cfg` is NULL or a live config.
#[no_mangle]
pub unsafe extern "C" fn rvmaf_config_set_key_order(
    cfg: *mut RvmafConfig,
    order: RvmafKeyOrder,
) -> RvmafStatus {
    guard(|| {
        // SAFETY: per the caller, `cfg` is NULL or a live config used by this thread only.
        let cfg = unsafe { try_mut(cfg, "cfg") }?;
        cfg.key_order = match order {
            RVMAF_KEY_ORDER_UNTHREADED => KeyOrder::Unthreaded,
            RVMAF_KEY_ORDER_THREADED => KeyOrder::Threaded,
            _ => return Err(FfiError::invalid(format!("unknown key order {order}"))),
        };
        Ok(())
    })
}

/// When `no_prediction` is true, the models' features are computed but no model score is
/// predicted (libvmaf's `--no_prediction`).
///
/// Ownership: `cfg` is borrowed for the duration of the call.
///
/// # Safety
/// `cfg` is NULL or a live config.
#[no_mangle]
pub unsafe extern "C" fn rvmaf_config_set_no_prediction(
    cfg: *mut RvmafConfig,
    no_prediction: bool,
) -> RvmafStatus {
    guard(|| {
        // SAFETY: per the caller, `cfg` is NULL or a live config used by this thread only.
        let cfg = unsafe { try_mut(cfg, "cfg") }?;
        cfg.no_prediction = no_prediction;
        Ok(())
    })
}

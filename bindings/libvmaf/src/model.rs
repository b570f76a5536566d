//! Models and bootstrap model collections (`model.h`).

use std::os::raw::{c_char, c_int};
use std::path::Path;

use rvmaf::features;
use rvmaf::model::{Model, ModelCollection};
use rvmaf::{Error, FeatureDict, LoadedModel, ModelFlags};

use crate::dict::VmafFeatureDictionary;
use crate::types::VmafModelConfig;
use crate::{c_str, guard, guard_void, log, EINVAL};

/// A loaded VMAF model (opaque in C). It must outlive every context that scores with it.
#[derive(Debug, Clone)]
pub struct VmafModel {
    pub(crate) model: Model,
}

/// The bootstrap members of a model collection such as `vmaf_b_v0.6.3` (opaque in C); the
/// primary model is returned separately as a `VmafModel`.
#[derive(Debug, Clone)]
pub struct VmafModelCollection {
    pub(crate) coll: ModelCollection,
}

/// Merges `opts` into the options of every feature of `model` computed by extractor
/// `extractor` (libvmaf matches the extractor name, e.g. `adm`; no match is no change).
pub(crate) fn overload(model: &mut Model, extractor: &str, opts: &FeatureDict) {
    for f in &mut model.features {
        if features::by_feature_name(&f.name).is_some_and(|d| d.name == extractor) {
            f.options = f.options.merged(opts);
        }
    }
}

/// Reads a `VmafModelConfig`: the score name (NULL: "vmaf") and flags.
///
/// # Safety
/// `cfg` is a valid pointer whose `name` is NULL or a NUL-terminated string.
unsafe fn read_cfg(cfg: *const VmafModelConfig) -> Option<(Option<String>, ModelFlags)> {
    // SAFETY: `cfg` is valid per the contract.
    let cfg = unsafe { &*cfg };
    let name = if cfg.name.is_null() {
        None
    } else {
        // SAFETY: NUL-terminated per the contract.
        Some(unsafe { c_str(cfg.name) }?.to_string())
    };
    let flags = ModelFlags {
        disable_clip: cfg.flags & 1 != 0,
        enable_transform: cfg.flags & 2 != 0,
    };
    Some((name, flags))
}

enum Source<'a> {
    Builtin(&'a str),
    Path(&'a str),
}

fn load(src: &Source<'_>, name: Option<&str>, flags: ModelFlags) -> rvmaf::Result<LoadedModel> {
    match src {
        Source::Builtin(v) => LoadedModel::builtin(v, name, flags),
        Source::Path(p) => LoadedModel::from_path(Path::new(p), name, flags),
    }
}

fn log_load_error(src: &Source<'_>, e: &Error, collection: bool) {
    let what = if collection {
        "model collection"
    } else {
        "model"
    };
    match (src, e) {
        (Source::Builtin(v), Error::UnknownModel(_)) => {
            log::warning(&format!("no such built-in {what}: \"{v}\""))
        }
        (Source::Builtin(v), e) => log::error(&format!("could not load {what} \"{v}\": {e}")),
        (Source::Path(p), e) => {
            log::error(&format!("could not read {what} from path: \"{p}\": {e}"));
            if p.ends_with(".pkl") {
                log::error("support for pkl model files has been removed, use json");
            }
        }
    }
}

/// # Safety
/// `model` is NULL or writable; `cfg` is NULL or valid; `arg` is NULL or NUL-terminated.
unsafe fn load_model(
    model: *mut *mut VmafModel,
    cfg: *mut VmafModelConfig,
    arg: *const c_char,
    builtin: bool,
) -> c_int {
    if model.is_null() || cfg.is_null() {
        return EINVAL;
    }
    // SAFETY: valid per the contract.
    let (Some(arg), Some((name, flags))) = (unsafe { c_str(arg) }, unsafe { read_cfg(cfg) }) else {
        return EINVAL;
    };
    let src = if builtin {
        Source::Builtin(arg)
    } else {
        Source::Path(arg)
    };
    match load(&src, name.as_deref(), flags) {
        Ok(LoadedModel::Single(m)) => {
            // SAFETY: `model` is writable.
            unsafe { *model = Box::into_raw(Box::new(VmafModel { model: m })) };
            0
        }
        Ok(LoadedModel::Collection(_)) => {
            // Clients try this first and fall back to the collection loader: no error line
            // (libvmaf prints none either).
            log::debug(&format!(
                "\"{arg}\" is a model collection: load it with vmaf_model_collection_load"
            ));
            EINVAL
        }
        Err(e) => {
            log_load_error(&src, &e, false);
            EINVAL
        }
    }
}

/// # Safety
/// As [`load_model`], plus `mc` NULL or writable.
unsafe fn load_collection(
    model: *mut *mut VmafModel,
    mc: *mut *mut VmafModelCollection,
    cfg: *mut VmafModelConfig,
    arg: *const c_char,
    builtin: bool,
) -> c_int {
    if model.is_null() || mc.is_null() || cfg.is_null() {
        return EINVAL;
    }
    // SAFETY: valid per the contract.
    let (Some(arg), Some((name, flags))) = (unsafe { c_str(arg) }, unsafe { read_cfg(cfg) }) else {
        return EINVAL;
    };
    let src = if builtin {
        Source::Builtin(arg)
    } else {
        Source::Path(arg)
    };
    match load(&src, name.as_deref(), flags) {
        Ok(LoadedModel::Collection(c)) => {
            let primary = VmafModel {
                model: c.primary.clone(),
            };
            // SAFETY: both out-pointers are writable.
            unsafe {
                *model = Box::into_raw(Box::new(primary));
                *mc = Box::into_raw(Box::new(VmafModelCollection { coll: c }));
            }
            0
        }
        Ok(LoadedModel::Single(_)) => {
            log::debug(&format!("\"{arg}\" is not a model collection"));
            EINVAL
        }
        Err(e) => {
            log_load_error(&src, &e, true);
            EINVAL
        }
    }
}

/// Loads the built-in model `version` (e.g. "vmaf_v0.6.1") into `*model`.
///
/// Returns 0, or `-EINVAL` (unknown name, a collection such as "vmaf_b_v0.6.3", NULL argument).
/// Free the model with `vmaf_model_destroy` after closing every context that uses it.
///
/// # Safety
/// `model` and `cfg` are NULL or valid; `version` and `cfg->name` are NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn vmaf_model_load(
    model: *mut *mut VmafModel,
    cfg: *mut VmafModelConfig,
    version: *const c_char,
) -> c_int {
    // SAFETY: forwarded contract.
    guard(|| unsafe { load_model(model, cfg, version, true) })
}

/// Loads a JSON model file into `*model` (as [`vmaf_model_load`]).
///
/// # Safety
/// As [`vmaf_model_load`].
#[no_mangle]
pub unsafe extern "C" fn vmaf_model_load_from_path(
    model: *mut *mut VmafModel,
    cfg: *mut VmafModelConfig,
    path: *const c_char,
) -> c_int {
    // SAFETY: forwarded contract.
    guard(|| unsafe { load_model(model, cfg, path, false) })
}

/// Overrides options of the model's features computed by extractor `feature_name` (e.g.
/// "adm" with `adm_enhn_gain_limit=1.0`).
///
/// Takes ownership of `opts_dict` and frees it, except when an argument is NULL (then
/// `-EINVAL` and the caller keeps it). Returns 0.
///
/// # Safety
/// `model` is NULL or a live model; `feature_name` NULL or NUL-terminated; `opts_dict` NULL or
/// a dictionary owned by the caller.
#[no_mangle]
pub unsafe extern "C" fn vmaf_model_feature_overload(
    model: *mut VmafModel,
    feature_name: *const c_char,
    opts_dict: *mut VmafFeatureDictionary,
) -> c_int {
    guard(|| {
        if model.is_null() || feature_name.is_null() || opts_dict.is_null() {
            return EINVAL;
        }
        // SAFETY: the dictionary is handed over from here on.
        let opts = unsafe { VmafFeatureDictionary::take(opts_dict) };
        // SAFETY: NUL-terminated per the contract.
        let Some(name) = (unsafe { c_str(feature_name) }) else {
            return EINVAL;
        };
        // SAFETY: a live model owned by the caller.
        overload(&mut unsafe { &mut *model }.model, name, &opts);
        0
    })
}

/// Frees a model (NULL is ignored).
///
/// # Safety
/// `model` is NULL or a model from this library that is not used again.
#[no_mangle]
pub unsafe extern "C" fn vmaf_model_destroy(model: *mut VmafModel) {
    guard_void(|| {
        if !model.is_null() {
            // SAFETY: created by `Box::into_raw` in a loader; the caller gives it up.
            drop(unsafe { Box::from_raw(model) });
        }
    })
}

/// Loads the built-in model collection `version` (e.g. "vmaf_b_v0.6.3"): the primary model
/// into `*model` and the bootstrap members into `*model_collection`.
///
/// Returns 0, or `-EINVAL` (unknown name, a single model, NULL argument).
///
/// # Safety
/// Out-pointers and `cfg` are NULL or valid; strings NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn vmaf_model_collection_load(
    model: *mut *mut VmafModel,
    model_collection: *mut *mut VmafModelCollection,
    cfg: *mut VmafModelConfig,
    version: *const c_char,
) -> c_int {
    // SAFETY: forwarded contract.
    guard(|| unsafe { load_collection(model, model_collection, cfg, version, true) })
}

/// Loads a model collection from a JSON file (as [`vmaf_model_collection_load`]).
///
/// # Safety
/// As [`vmaf_model_collection_load`].
#[no_mangle]
pub unsafe extern "C" fn vmaf_model_collection_load_from_path(
    model: *mut *mut VmafModel,
    model_collection: *mut *mut VmafModelCollection,
    cfg: *mut VmafModelConfig,
    path: *const c_char,
) -> c_int {
    // SAFETY: forwarded contract.
    guard(|| unsafe { load_collection(model, model_collection, cfg, path, false) })
}

/// Overrides options of extractor `feature_name` in every member of `*model_collection` and
/// in the primary `model`.
///
/// Takes ownership of `opts_dict` (freed), except when an argument is NULL (`-EINVAL`, the
/// caller keeps it). Returns 0.
///
/// # Safety
/// Pointers are NULL or live objects of this library; `feature_name` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn vmaf_model_collection_feature_overload(
    model: *mut VmafModel,
    model_collection: *mut *mut VmafModelCollection,
    feature_name: *const c_char,
    opts_dict: *mut VmafFeatureDictionary,
) -> c_int {
    guard(|| {
        if model.is_null()
            || model_collection.is_null()
            || feature_name.is_null()
            || opts_dict.is_null()
        {
            return EINVAL;
        }
        // SAFETY: `model_collection` is valid.
        let mc = unsafe { *model_collection };
        if mc.is_null() {
            return EINVAL;
        }
        // SAFETY: handed over from here on.
        let opts = unsafe { VmafFeatureDictionary::take(opts_dict) };
        // SAFETY: NUL-terminated per the contract.
        let Some(name) = (unsafe { c_str(feature_name) }) else {
            return EINVAL;
        };
        // SAFETY: live objects owned by the caller.
        let (model, mc) = unsafe { (&mut *model, &mut *mc) };
        for m in &mut mc.coll.members {
            overload(m, name, &opts);
        }
        overload(&mut mc.coll.primary, name, &opts);
        overload(&mut model.model, name, &opts);
        0
    })
}

/// Frees a model collection's members (NULL is ignored); the primary model is freed with
/// `vmaf_model_destroy`.
///
/// # Safety
/// `model_collection` is NULL or a collection from this library that is not used again.
#[no_mangle]
pub unsafe extern "C" fn vmaf_model_collection_destroy(model_collection: *mut VmafModelCollection) {
    guard_void(|| {
        if !model_collection.is_null() {
            // SAFETY: created by `Box::into_raw`; the caller gives it up.
            drop(unsafe { Box::from_raw(model_collection) });
        }
    })
}

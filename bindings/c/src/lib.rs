//! The C API of rvmaf (`librvmaf`, header `rvmaf.h`).
//!
//! Conventions, for every function:
//! - Fallible functions return an [`RvmafStatus`]; on failure
//!   [`rvmaf_last_error_message`] describes the error (per thread).
//! - NULL pointers, out-of-range values, malformed strings and invalid picture descriptions
//!   are rejected with a status, never trusted.
//! - Every export runs behind a panic boundary: an internal panic returns
//!   `RVMAF_STATUS_PANIC` and never unwinds into C.
//! - Objects are opaque and owned by the caller between `*_new` and `*_free`; `*_free` takes
//!   the address of the caller's pointer and sets it to NULL. Strings and pictures passed in
//!   are borrowed for the duration of the call; strings handed out are owned by the library.
//!
//! Typical use: [`rvmaf_config_new`], [`rvmaf_config_add_model`], [`rvmaf_context_new`],
//! [`rvmaf_context_push`] per frame, [`rvmaf_context_finish`], then [`rvmaf_context_score`],
//! [`rvmaf_context_pool`] or [`rvmaf_context_write_output`], and the two `*_free` calls.

use std::ffi::{c_char, CString};
use std::sync::OnceLock;

mod config;
mod context;
mod error;
mod handle;
mod panic;
mod picture;

pub use config::*;
pub use context::*;
pub use error::{rvmaf_last_error_message, rvmaf_status_str, RvmafStatus};
pub use picture::{
    RvmafPicture, RvmafPixelFormat, RVMAF_MAX_DIMENSION, RVMAF_PIXEL_FORMAT_YUV400,
    RVMAF_PIXEL_FORMAT_YUV420, RVMAF_PIXEL_FORMAT_YUV422, RVMAF_PIXEL_FORMAT_YUV444,
};

use error::FfiError;
use handle::{check_out, write_out};
use panic::{guard, guard_value};

/// rvmaf's version, e.g. `"0.1.0"`.
///
/// Ownership: the string is static; never free it.
#[no_mangle]
pub extern "C" fn rvmaf_version() -> *const c_char {
    guard_value(std::ptr::null(), || {
        concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
    })
}

fn builtin_names() -> &'static [CString] {
    static NAMES: OnceLock<Vec<CString>> = OnceLock::new();
    NAMES.get_or_init(|| {
        rvmaf::model::builtin_model_names()
            .map(|n| CString::new(n).expect("model names hold no NUL"))
            .collect()
    })
}

/// The number of built-in models (names for `version=` in `rvmaf_config_add_model`).
///
/// Ownership: nothing is allocated or passed.
#[no_mangle]
pub extern "C" fn rvmaf_builtin_model_count() -> usize {
    guard_value(0, || builtin_names().len())
}

/// Stores in `*out` the name of built-in model `index` (`"vmaf_v0.6.1"`, ...).
///
/// Errors: `RVMAF_STATUS_NOT_FOUND` when `index` ≥ `rvmaf_builtin_model_count()`.
///
/// Ownership: the string is static; never free it.
///
/// # Safety
/// `out` is NULL or valid for writing a pointer.
#[no_mangle]
pub unsafe extern "C" fn rvmaf_builtin_model_name(
    index: usize,
    out: *mut *const c_char,
) -> RvmafStatus {
    guard(|| {
        check_out(out, "out")?;
        let names = builtin_names();
        let n = names.get(index).ok_or_else(|| {
            FfiError::not_found(format!(
                "built-in model {index} is out of range (there are {})",
                names.len()
            ))
        })?;
        // SAFETY: `out` is non-NULL and valid for a write per the caller.
        unsafe { write_out(out, n.as_ptr()) };
        Ok(())
    })
}

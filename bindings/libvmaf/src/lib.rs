//! A drop-in replacement for Netflix libvmaf's C library, built on rvmaf.
//!
//! This crate builds `libvmaf.so` with the SONAME `libvmaf.so.3` and exports libvmaf 3.2's
//! public C API (`libvmaf.h`, `model.h`, `picture.h`, `feature.h`) with libvmaf's struct
//! layouts, enum values, error codes (0 or a negative errno) and ownership rules, so programs
//! built against libvmaf — FFmpeg's `vf_libvmaf`, GStreamer's `vmaf` element, libvmaf's own
//! `vmaf` tool — run on rvmaf without being rebuilt, and get libvmaf's numbers.
//!
//! Differences from libvmaf, all on inputs libvmaf mishandles:
//! - Every export is NULL-safe and behind a panic boundary; bad arguments return `-EINVAL`
//!   where libvmaf would crash.
//! - Odd frame sizes: libvmaf's picture holds `w >> 1` chroma columns (`h >> 1` rows for
//!   4:2:0), rvmaf computes on `ceil(w / 2)`. The missing last chroma column/row is synthesised
//!   by replicating its neighbour, so luma features and luma-only models (every v0.6.x model)
//!   match libvmaf exactly, while chroma-dependent values (psnr_cb/cr, ciede2000, psnr_hvs,
//!   speed_chroma, v1.0.16 scores) may differ slightly from libvmaf's on odd sizes.
//! - Pictures must come from `vmaf_picture_alloc` or the picture pool and keep their
//!   geometry and plane pointers (libvmaf reads whatever the struct says).
//! - Extractors must be registered before the first picture (libvmaf would silently leave the
//!   earlier frames unscored).
//! - The CUDA entry points are absent (CPU build of libvmaf).

use std::os::raw::c_int;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};

pub mod context;
pub mod dict;
#[doc(hidden)]
pub mod fuzz;
pub mod log;
pub mod model;
pub mod picture;
pub mod types;

pub use context::VmafContext;
pub use dict::VmafFeatureDictionary;
pub use model::{VmafModel, VmafModelCollection};
pub use picture::VmafRef;
pub use types::*;

/// libvmaf's version string.
pub const VERSION: &str = "3.2.0";

/// `-EINVAL`: a bad argument or state.
pub const EINVAL: c_int = -libc::EINVAL;
/// `-ENOMEM`: an allocation failed.
pub const ENOMEM: c_int = -libc::ENOMEM;
/// `-EIO`: an output file could not be written.
pub const EIO: c_int = -libc::EIO;

static PANICS: AtomicUsize = AtomicUsize::new(0);

/// Panics caught at the FFI boundary so far (each is a bug; the fuzz hook checks it).
pub(crate) fn panics() -> usize {
    PANICS.load(Ordering::Relaxed)
}

fn caught(p: Box<dyn std::any::Any + Send>) {
    PANICS.fetch_add(1, Ordering::Relaxed);
    log::error(&format!("internal error: {}", panic_message(&*p)));
}

/// Runs `f`, turning a panic into `-EINVAL` and a log line.
pub(crate) fn guard(f: impl FnOnce() -> c_int) -> c_int {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(p) => {
            caught(p);
            EINVAL
        }
    }
}

/// Runs `f` (a function without a result), swallowing a panic after logging it.
pub(crate) fn guard_void(f: impl FnOnce()) {
    if let Err(p) = catch_unwind(AssertUnwindSafe(f)) {
        caught(p);
    }
}

fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic".to_string()
    }
}

/// Reads a C string argument; `None` for NULL or non-UTF-8 text.
///
/// # Safety
/// `s` is NULL or points to a NUL-terminated string.
pub(crate) unsafe fn c_str<'a>(s: *const std::os::raw::c_char) -> Option<&'a str> {
    if s.is_null() {
        return None;
    }
    // SAFETY: the caller guarantees a NUL-terminated string.
    unsafe { std::ffi::CStr::from_ptr(s) }.to_str().ok()
}

/// libvmaf's version, "3.2.0" (a static string).
// No panic boundary needed: it returns a constant.
#[no_mangle]
pub extern "C" fn vmaf_version() -> *const std::os::raw::c_char {
    static V: &[u8] = b"3.2.0\0";
    V.as_ptr().cast()
}

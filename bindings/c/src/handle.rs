//! Checked conversions of C arguments: pointers to handles, output pointers, C strings.

use std::ffi::{c_char, CStr};

use crate::error::FfiError;

/// Borrows `*p`, or fails with `RVMAF_STATUS_NULL_POINTER` naming `what`.
///
/// # Safety
/// `p` is NULL or points to a live `T` not mutated elsewhere for `'a`.
pub(crate) unsafe fn try_ref<'a, T>(p: *const T, what: &str) -> Result<&'a T, FfiError> {
    // SAFETY: guaranteed by the caller.
    unsafe { p.as_ref() }.ok_or_else(|| FfiError::null(what))
}

/// Mutably borrows `*p`, or fails with `RVMAF_STATUS_NULL_POINTER` naming `what`.
///
/// # Safety
/// `p` is NULL or points to a live `T` not accessed elsewhere for `'a`.
pub(crate) unsafe fn try_mut<'a, T>(p: *mut T, what: &str) -> Result<&'a mut T, FfiError> {
    // SAFETY: guaranteed by the caller.
    unsafe { p.as_mut() }.ok_or_else(|| FfiError::null(what))
}

/// Fails with `RVMAF_STATUS_NULL_POINTER` when the output pointer `p` is NULL.
pub(crate) fn check_out<T>(p: *mut T, what: &str) -> Result<(), FfiError> {
    if p.is_null() {
        Err(FfiError::null(what))
    } else {
        Ok(())
    }
}

/// Stores `v` through the output pointer `p` (checked non-NULL before with [`check_out`]).
///
/// # Safety
/// `p` is non-NULL, aligned and valid for a write of `T` (its old value is not dropped).
pub(crate) unsafe fn write_out<T>(p: *mut T, v: T) {
    // SAFETY: guaranteed by the caller.
    unsafe { p.write(v) }
}

/// The UTF-8 text of the NUL-terminated string `p`.
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated string that stays valid and unchanged for `'a`.
pub(crate) unsafe fn str_arg<'a>(p: *const c_char, what: &str) -> Result<&'a str, FfiError> {
    if p.is_null() {
        return Err(FfiError::null(what));
    }
    // SAFETY: non-NULL and NUL-terminated per the caller's guarantee.
    let c = unsafe { CStr::from_ptr(p) };
    c.to_str()
        .map_err(|_| FfiError::invalid(format!("argument `{what}` is not valid UTF-8")))
}

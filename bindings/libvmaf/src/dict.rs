//! `VmafFeatureDictionary`: extractor options (`feature.h`).

use std::os::raw::{c_char, c_int};

use rvmaf::FeatureDict;

use crate::{c_str, guard, EINVAL};

/// An ordered key/value dictionary of extractor options (opaque in C).
///
/// Numeric values are normalised as libvmaf does (`%g` of the value rounded to `float`), and a
/// key set twice keeps the later value.
#[derive(Debug, Default)]
pub struct VmafFeatureDictionary {
    pub(crate) dict: FeatureDict,
}

impl VmafFeatureDictionary {
    /// Takes a C-owned dictionary back and frees it, returning its contents.
    ///
    /// # Safety
    /// `d` is NULL or a dictionary from `vmaf_feature_dictionary_set` that is not used again.
    pub(crate) unsafe fn take(d: *mut VmafFeatureDictionary) -> FeatureDict {
        if d.is_null() {
            return FeatureDict::new();
        }
        // SAFETY: the caller hands over a dictionary created by `Box::into_raw` below.
        unsafe { Box::from_raw(d) }.dict
    }

    /// Puts a dictionary in C's hands.
    pub(crate) fn into_raw(dict: FeatureDict) -> *mut VmafFeatureDictionary {
        Box::into_raw(Box::new(VmafFeatureDictionary { dict }))
    }
}

/// Sets `key` to `val` in `*dict`, creating the dictionary when `*dict` is NULL.
///
/// Returns 0, or `-EINVAL` for a NULL argument or text that is not UTF-8.
///
/// # Safety
/// `dict` is NULL or points to a dictionary pointer that is NULL or owned by the caller; `key`
/// and `val` are NULL or NUL-terminated strings.
#[no_mangle]
pub unsafe extern "C" fn vmaf_feature_dictionary_set(
    dict: *mut *mut VmafFeatureDictionary,
    key: *const c_char,
    val: *const c_char,
) -> c_int {
    guard(|| {
        if dict.is_null() {
            return EINVAL;
        }
        // SAFETY: NULL or NUL-terminated per the contract.
        let (Some(k), Some(v)) = (unsafe { c_str(key) }, unsafe { c_str(val) }) else {
            return EINVAL;
        };
        // SAFETY: `dict` is a valid pointer to a dictionary pointer.
        let slot = unsafe { &mut *dict };
        if slot.is_null() {
            *slot = VmafFeatureDictionary::into_raw(FeatureDict::new());
        }
        // SAFETY: `*slot` is a live dictionary owned by the caller.
        unsafe { &mut **slot }.dict.set(k, v);
        0
    })
}

/// Frees `*dict` and sets it to NULL (nothing to do when it is already NULL).
///
/// Returns 0, or `-EINVAL` when `dict` is NULL.
///
/// # Safety
/// `dict` is NULL or points to a dictionary pointer that is NULL or owned by the caller.
#[no_mangle]
pub unsafe extern "C" fn vmaf_feature_dictionary_free(
    dict: *mut *mut VmafFeatureDictionary,
) -> c_int {
    guard(|| {
        if dict.is_null() {
            return EINVAL;
        }
        // SAFETY: `dict` is valid; its target is NULL or a dictionary the caller gives up.
        unsafe {
            drop(VmafFeatureDictionary::take(*dict));
            *dict = std::ptr::null_mut();
        }
        0
    })
}

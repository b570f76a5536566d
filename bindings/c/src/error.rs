//! Status codes, the internal error type and the thread-local last error message.

use std::cell::RefCell;
use std::ffi::{c_char, CString};

use rvmaf::Error;

/// Result of every fallible `rvmaf_` function. The values are fixed and never reused.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RvmafStatus {
    /// Success.
    Ok = 0,
    /// A required pointer argument was NULL.
    NullPointer = 1,
    /// An argument is out of range or malformed (also: a string that is not UTF-8).
    InvalidArgument = 2,
    /// The call is not allowed in the object's current state (push after finish, a query
    /// before finish, any call on a context that failed).
    InvalidState = 3,
    /// The requested score, name or index does not exist.
    NotFound = 4,
    /// A picture description is invalid (size, stride, alignment, depth, format).
    InvalidPicture = 5,
    /// Reference and distorted pictures (or successive frames) differ in size, format or depth.
    Mismatch = 6,
    /// The built-in model name is unknown.
    UnknownModel = 7,
    /// A model file cannot be read or used.
    Model = 8,
    /// The feature extractor name is unknown.
    UnknownFeature = 9,
    /// A feature extractor option is unknown or out of range.
    FeatureOption = 10,
    /// A feature extractor refused the input (picture too small, unsupported depth, ...).
    Extraction = 11,
    /// Reading or writing a file failed.
    Io = 12,
    /// An internal error (a Rust panic) was caught at the API boundary. The object involved,
    /// if any, is marked failed.
    Panic = 13,
}

/// An error on its way to the caller: a status and a message for `rvmaf_last_error_message`.
#[derive(Debug)]
pub(crate) struct FfiError {
    pub(crate) status: RvmafStatus,
    pub(crate) message: String,
}

impl FfiError {
    pub(crate) fn new(status: RvmafStatus, message: impl Into<String>) -> Self {
        FfiError {
            status,
            message: message.into(),
        }
    }
    /// A NULL pointer passed for the argument `what`.
    pub(crate) fn null(what: &str) -> Self {
        FfiError::new(
            RvmafStatus::NullPointer,
            format!("argument `{what}` is NULL"),
        )
    }
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        FfiError::new(RvmafStatus::InvalidArgument, message)
    }
    pub(crate) fn state(message: impl Into<String>) -> Self {
        FfiError::new(RvmafStatus::InvalidState, message)
    }
    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        FfiError::new(RvmafStatus::NotFound, message)
    }
    pub(crate) fn picture(message: impl Into<String>) -> Self {
        FfiError::new(RvmafStatus::InvalidPicture, message)
    }
}

impl From<Error> for FfiError {
    fn from(e: Error) -> Self {
        let status = match &e {
            Error::Io { .. } | Error::Y4m { .. } | Error::TruncatedFrame { .. } => RvmafStatus::Io,
            Error::Picture(_) => RvmafStatus::InvalidPicture,
            Error::Mismatch(_) => RvmafStatus::Mismatch,
            Error::UnknownExtractor(_) => RvmafStatus::UnknownFeature,
            Error::FeatureOption { .. } => RvmafStatus::FeatureOption,
            Error::Extraction { .. } => RvmafStatus::Extraction,
            Error::Model { .. } => RvmafStatus::Model,
            Error::UnknownModel(_) => RvmafStatus::UnknownModel,
            Error::MissingScore(_) => RvmafStatus::NotFound,
            _ => RvmafStatus::InvalidArgument,
        };
        FfiError::new(status, e.to_string())
    }
}

thread_local! {
    static LAST_ERROR: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Records `message` as this thread's last error.
pub(crate) fn set_last_error(message: String) {
    // try_with: during thread teardown the slot may be gone; the message is then dropped.
    let _ = LAST_ERROR.try_with(|slot| {
        if let Ok(mut s) = slot.try_borrow_mut() {
            *s = Some(message);
        }
    });
}

/// Copies the message of the most recent failed call on the calling thread into `buf`.
///
/// Writes at most `len - 1` bytes of UTF-8 text and a terminating NUL (cut at a character
/// boundary); writes nothing when `buf` is NULL or `len` is 0. Returns the length in bytes of
/// the whole message without the NUL (like `snprintf`), or 0 when no call on this thread has
/// failed yet; call with `buf = NULL, len = 0` to size a buffer. Successful calls do not clear
/// the message.
///
/// Ownership: `buf` is borrowed for the duration of the call and stays the caller's.
///
/// # Safety
/// `buf` is NULL or points to at least `len` writable bytes.
#[no_mangle]
pub unsafe extern "C" fn rvmaf_last_error_message(buf: *mut c_char, len: usize) -> usize {
    let copy = |msg: &str| -> usize {
        if !buf.is_null() && len > 0 {
            let mut n = msg.len().min(len - 1);
            while !msg.is_char_boundary(n) {
                n -= 1;
            }
            // SAFETY: the caller guarantees `buf` has `len` writable bytes and `n + 1 <= len`;
            // `msg` is a live &str of at least `n` bytes and cannot overlap the caller's buffer.
            unsafe {
                std::ptr::copy_nonoverlapping(msg.as_ptr(), buf.cast::<u8>(), n);
                *buf.add(n) = 0;
            }
        }
        msg.len()
    };
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        LAST_ERROR
            .try_with(|slot| match slot.try_borrow() {
                Ok(s) => s.as_deref().map_or_else(|| copy(""), copy),
                Err(_) => 0,
            })
            .unwrap_or(0)
    }));
    r.unwrap_or(0)
}

/// A static, NUL-terminated English description of a status value (`"ok"`, `"NULL pointer"`,
/// ...); `"unknown status"` for values that are not an `RvmafStatus`.
///
/// Ownership: the string is static; never free it.
#[no_mangle]
pub extern "C" fn rvmaf_status_str(status: i32) -> *const c_char {
    crate::panic::guard_value(std::ptr::null(), || status_text(status).as_ptr().cast())
}

fn status_text(status: i32) -> &'static [u8] {
    match status {
        0 => b"ok\0",
        1 => b"NULL pointer\0",
        2 => b"invalid argument\0",
        3 => b"invalid state\0",
        4 => b"not found\0",
        5 => b"invalid picture\0",
        6 => b"reference and distorted do not match\0",
        7 => b"unknown model\0",
        8 => b"model error\0",
        9 => b"unknown feature\0",
        10 => b"invalid feature option\0",
        11 => b"feature extraction failed\0",
        12 => b"I/O error\0",
        13 => b"internal error (panic)\0",
        _ => b"unknown status\0",
    }
}

/// A C string from Rust text known to hold no NUL (names come from C strings or from rvmaf's
/// own tables); an interior NUL would be a bug and is reported as such.
pub(crate) fn c_string(s: &str) -> Result<CString, FfiError> {
    CString::new(s).map_err(|_| FfiError::invalid(format!("name \"{s}\" contains a NUL byte")))
}

//! The panic boundary: every export runs its body through [`guard`] (or [`guard_value`]), so a
//! Rust panic becomes `RVMAF_STATUS_PANIC` and never unwinds into C.

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::error::{set_last_error, FfiError, RvmafStatus};

/// The text of a panic payload.
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic payload".to_string()
    }
}

/// The error reported for a caught panic.
pub(crate) fn panic_error(payload: &(dyn Any + Send)) -> FfiError {
    FfiError::new(
        RvmafStatus::Panic,
        format!("internal error (panic): {}", panic_message(payload)),
    )
}

/// Runs `f`, turning its error or panic into a status and recording the message.
pub(crate) fn guard(f: impl FnOnce() -> Result<(), FfiError>) -> RvmafStatus {
    // AssertUnwindSafe: after a panic no Rust state reached through `f` is used again, except
    // contexts, which `guard_context` marks failed.
    let r = catch_unwind(AssertUnwindSafe(f));
    let err = match r {
        Ok(Ok(())) => return RvmafStatus::Ok,
        Ok(Err(e)) => e,
        Err(payload) => {
            let e = panic_error(payload.as_ref());
            // Dropping a payload can itself panic (a payload with a panicking Drop).
            let _ = catch_unwind(AssertUnwindSafe(move || drop(payload)));
            e
        }
    };
    let status = err.status;
    let _ = catch_unwind(AssertUnwindSafe(move || set_last_error(err.message)));
    status
}

/// Runs `f` for an export that returns a plain value; `fallback` is returned on panic.
pub(crate) fn guard_value<T>(fallback: T, f: impl FnOnce() -> T) -> T {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(v) => v,
        Err(payload) => {
            let _ = catch_unwind(AssertUnwindSafe(move || {
                set_last_error(panic_error(payload.as_ref()).message)
            }));
            fallback
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::rvmaf_last_error_message;

    fn last_error() -> String {
        let mut buf = [0u8; 256];
        // SAFETY: `buf` has 256 writable bytes.
        let n = unsafe { rvmaf_last_error_message(buf.as_mut_ptr().cast(), buf.len()) };
        String::from_utf8(buf[..n.min(255)].to_vec()).unwrap()
    }

    #[test]
    fn panics_become_a_status() {
        let st = guard(|| panic!("boom {}", 42));
        assert_eq!(st, RvmafStatus::Panic);
        assert_eq!(last_error(), "internal error (panic): boom 42");
        let st = guard(|| std::panic::panic_any(7u32));
        assert_eq!(st, RvmafStatus::Panic);
        assert_eq!(
            last_error(),
            "internal error (panic): unknown panic payload"
        );
        assert_eq!(guard_value(5, || -> i32 { panic!("x") }), 5);
    }

    #[test]
    fn errors_set_the_message_and_ok_keeps_it() {
        let st = guard(|| Err(FfiError::null("ctx")));
        assert_eq!(st, RvmafStatus::NullPointer);
        assert_eq!(last_error(), "argument `ctx` is NULL");
        assert_eq!(guard(|| Ok(())), RvmafStatus::Ok);
        assert_eq!(last_error(), "argument `ctx` is NULL");
    }
}

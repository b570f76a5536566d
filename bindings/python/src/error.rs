//! Errors: rvmaf's typed errors become Python exceptions, and panics never cross into Python.

use std::panic::{catch_unwind, AssertUnwindSafe};

use pyo3::exceptions::{PyFileNotFoundError, PyOSError, PyPermissionError, PyValueError};
use pyo3::prelude::*;

pyo3::create_exception!(
    rvmaf,
    RvmafError,
    PyValueError,
    "Raised for every rvmaf failure except I/O: bad inputs (dtype, shape, bit depth, sample \
     values), unknown models or features, invalid options, inputs a metric refuses. The message \
     is rvmaf's. I/O problems raise OSError (FileNotFoundError, PermissionError, ...)."
);

/// Converts an rvmaf error to the matching Python exception, keeping rvmaf's message.
pub(crate) fn to_pyerr(e: rvmaf::Error) -> PyErr {
    match &e {
        rvmaf::Error::Io { source, .. } => match source.kind() {
            std::io::ErrorKind::NotFound => PyFileNotFoundError::new_err(e.to_string()),
            std::io::ErrorKind::PermissionDenied => PyPermissionError::new_err(e.to_string()),
            _ => PyOSError::new_err(e.to_string()),
        },
        _ => RvmafError::new_err(e.to_string()),
    }
}

/// An [`RvmafError`] with `msg`.
pub(crate) fn invalid(msg: impl Into<String>) -> PyErr {
    RvmafError::new_err(msg.into())
}

/// Runs `f` with the GIL released (other Python threads keep running). An rvmaf error becomes
/// its Python exception and a panic an [`RvmafError`] ("internal error"), never an abort.
pub(crate) fn detached<T, F>(py: Python<'_>, f: F) -> PyResult<T>
where
    T: Send,
    F: FnOnce() -> rvmaf::Result<T> + Send,
{
    match py.detach(|| catch_unwind(AssertUnwindSafe(f))) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(to_pyerr(e)),
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            Err(invalid(format!("internal error: {what}")))
        }
    }
}

/// Lets a long run without the GIL notice signals (Ctrl-C → KeyboardInterrupt) between frames.
///
/// Only on Python's main thread, where signal handlers run; elsewhere checking would just take
/// the GIL for nothing.
pub(crate) struct Interrupt {
    main: bool,
    raised: std::sync::Mutex<Option<PyErr>>,
}

impl Interrupt {
    /// Checks signals when called on Python's main thread.
    pub(crate) fn new(py: Python<'_>) -> PyResult<Self> {
        let threading = py.import("threading")?;
        let main = threading
            .call_method0("main_thread")?
            .is(&threading.call_method0("current_thread")?);
        Ok(Interrupt {
            main,
            raised: std::sync::Mutex::new(None),
        })
    }

    /// Runs pending signal handlers; fails (keeping their exception) when one raised.
    pub(crate) fn check(&self) -> rvmaf::Result<()> {
        if !self.main {
            return Ok(());
        }
        match Python::attach(|py| py.check_signals()) {
            Ok(()) => Ok(()),
            Err(e) => {
                if let Ok(mut r) = self.raised.lock() {
                    *r = Some(e);
                }
                Err(rvmaf::Error::invalid("interrupted"))
            }
        }
    }

    /// `result`, or the exception a signal handler raised while it ran.
    pub(crate) fn finish<T>(&self, result: PyResult<T>) -> PyResult<T> {
        match self.raised.lock().ok().and_then(|mut r| r.take()) {
            Some(e) => Err(e),
            None => result,
        }
    }
}

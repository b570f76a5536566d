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

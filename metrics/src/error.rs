//! The crate's error type.

use std::path::PathBuf;

/// Everything that can go wrong in rvmaf, as one typed enum.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An I/O error while reading or writing `path`.
    #[error("{path}: {source}")]
    Io {
        /// The file involved (`-` for stdin/stdout).
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A malformed Y4M stream.
    #[error("{path}: invalid Y4M: {message}")]
    Y4m {
        /// The file involved.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A frame that ended early (the file is truncated).
    #[error("{path}: frame {frame} is truncated ({got} of {expected} bytes)")]
    TruncatedFrame {
        /// The file involved.
        path: PathBuf,
        /// Zero-based frame index.
        frame: u64,
        /// Bytes read.
        got: usize,
        /// Bytes expected.
        expected: usize,
    },
    /// Invalid picture geometry or format.
    #[error("invalid picture: {0}")]
    Picture(String),
    /// Reference and distorted pictures do not match.
    #[error("reference and distorted do not match: {0}")]
    Mismatch(String),
    /// An unknown feature extractor was requested.
    #[error("unknown feature extractor \"{0}\"")]
    UnknownExtractor(String),
    /// A bad option for a feature extractor.
    #[error("feature \"{extractor}\": {message}")]
    FeatureOption {
        /// Extractor name.
        extractor: String,
        /// What is wrong.
        message: String,
    },
    /// A feature extractor refused the input (too small, unsupported depth, ...).
    #[error("feature \"{extractor}\": {message}")]
    Extraction {
        /// Extractor name.
        extractor: String,
        /// What is wrong.
        message: String,
    },
    /// A model file that cannot be used; `key` names the offending JSON key.
    #[error("model {model}: key \"{key}\": {message}")]
    Model {
        /// Model name or path.
        model: String,
        /// The JSON key at fault.
        key: String,
        /// What is wrong.
        message: String,
    },
    /// An unknown built-in model name.
    #[error("unknown built-in model \"{0}\"")]
    UnknownModel(String),
    /// A requested score is not available.
    #[error("missing score: {0}")]
    MissingScore(String),
    /// A bad argument or configuration value.
    #[error("{0}")]
    InvalidArgument(String),
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Shorthand for [`Error::InvalidArgument`].
    pub fn invalid(msg: impl Into<String>) -> Self {
        Error::InvalidArgument(msg.into())
    }
    /// Shorthand for [`Error::Extraction`].
    pub fn extraction(extractor: &str, msg: impl Into<String>) -> Self {
        Error::Extraction {
            extractor: extractor.to_string(),
            message: msg.into(),
        }
    }
}

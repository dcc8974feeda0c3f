//! A configuration that cannot be used.

/// A configuration that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The file or the merged options do not parse.
    #[error("{0}")]
    Parse(String),
    /// The options parse but make no sense.
    #[error("{0}")]
    Invalid(String),
}

//! Placeholder: see the issue that builds `promela`.

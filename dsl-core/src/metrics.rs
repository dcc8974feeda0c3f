//! Placeholder: see the issue that builds `metrics`.

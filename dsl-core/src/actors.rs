//! Placeholder: see the issue that builds `actors`.

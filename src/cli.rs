//! The subcommands of `distgen`, one file each, and what they share.

pub mod charts;
pub mod check;
pub mod explore;
pub mod input;
pub mod learn;
pub mod promela;
pub mod run;

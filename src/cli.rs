//! The subcommands of `distgen`, one file each, and what they share.

pub mod check;
pub mod explore;
pub mod input;
pub mod learn;
pub mod promela;
pub mod run;
pub mod ta;

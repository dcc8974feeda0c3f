//! The subcommands of `distgen`, one file each, and what they share.

pub mod charts;
pub mod check;
pub mod cluster;
pub mod explore;
pub mod input;
pub mod keys;
pub mod learn;
pub mod node;
pub mod promela;
pub mod run;
pub mod ta;
pub mod worker;

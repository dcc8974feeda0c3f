//! distgen: write, model-check, run and synthesise fault-tolerant broadcast
//! protocols.
#![deny(missing_docs)]

pub use dsl_core::{
    actors, checker, ir, metrics, print, promela, random, semantics, source, syntax, Protocol,
    ProtocolIr,
};
pub use dsl_macros::protocol;

pub mod summary;

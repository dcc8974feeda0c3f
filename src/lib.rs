//! distgen: write, model-check, run and synthesise fault-tolerant broadcast
//! protocols.
//!
//! Start with [`prelude`]: `protocol!` gives a unit struct whose
//! [`Protocol`] helpers check it (`Bracha::check()`), hand out its stateright
//! model (`Bracha::model(config)`), run it over UDP (`Bracha::run(&config)`)
//! and draw its counterexamples ([`chart`]).
#![deny(missing_docs)]

pub use dsl_core::{
    actors, chart, checker, consensus, explorer, ir, metrics, print, promela, random, semantics,
    source, syntax, Protocol, ProtocolIr,
};
pub use dsl_macros::protocol;

pub mod prelude;
pub mod summary;

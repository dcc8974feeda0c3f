//! dsl-core: everything distgen knows about a protocol, in one ordinary crate.
//!
//! - [`ir`]: the protocol IR, span-free, `Clone + Eq + Hash + serde`.
//! - [`syntax`]: the grammar (`syn::parse::Parse`), lowering to the IR and
//!   validation with spans; the `protocol!` macro, the CLI and the learner
//!   all parse with it.
//! - [`print`]: IR -> DSL source.
//! - [`source`]: `protocol!` invocations read out of a `.rs` file at run time.
//! - [`semantics`]: the one step function that the checker, the metrics and
//!   the actors share.
//!
//! ```
//! let ir = dsl_core::syntax::parse_str(r#"
//!     /// Best-effort broadcast.
//!     pub BestEffort {
//!         faults: none;
//!         messages: Msg;
//!         on broadcast(m) { send Msg(m) to all; }
//!         when received Msg(m) >= 1 { deliver(m); }
//!     }
//! "#).unwrap();
//! assert_eq!(ir.name, "BestEffort");
//! assert_eq!(dsl_core::syntax::parse_str(&dsl_core::print::body(&ir, "")).unwrap(), ir);
//! ```
#![deny(missing_docs)]

pub mod actors;
pub mod checker;
pub mod ir;
pub mod metrics;
pub mod print;
pub mod promela;
pub mod random;
pub mod semantics;
pub mod source;
pub mod syntax;
pub mod ta;

pub use ir::ProtocolIr;

/// A protocol defined with `protocol!`: the macro expands to a unit struct
/// implementing this trait.
pub trait Protocol {
    /// The protocol's name.
    const NAME: &'static str;
    /// The protocol's IR.
    fn ir() -> ProtocolIr;
}

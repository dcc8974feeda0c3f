//! `protocol!`, distgen's protocol DSL as a function-like macro.
//!
//! This crate is a thin shim (after thiserror's `impl` crate): the grammar,
//! lowering and validation live in `dsl_core::syntax`, shared with the CLI and
//! the learner; `expand` only quotes the resulting IR.

mod expand;

use proc_macro::TokenStream;

/// Defines a protocol in distgen's DSL and expands to a unit struct that
/// implements `distgen::Protocol`.
///
/// ```ignore
/// distgen::protocol! {
///     /// Best-effort broadcast.
///     pub BestEffort {
///         faults: none;
///         messages: Msg;
///         on broadcast(m) { send Msg(m) to all; }
///         when received Msg(m) >= 1 { deliver(m); }
///     }
/// }
/// ```
#[proc_macro]
pub fn protocol(input: TokenStream) -> TokenStream {
    expand::protocol(input.into()).into()
}

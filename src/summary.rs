//! What an example's `main` prints: the protocol as DSL source.

use crate::ProtocolIr;

/// Prints `ir` as DSL source.
pub fn print(ir: &ProtocolIr) {
    print!("{}", crate::print::invocation(ir));
}

//! C1CS, consensus in one communication step under crash faults
//! (Brasileiro, Greve, Mostéfaoui and Raynal, *Consensus in One
//! Communication Step*, PaCT 2001).
//!
//! Every process votes its input; at N - F votes it decides v if all of them
//! are v, else hands v to an underlying consensus if at least N - 2F are v,
//! else hands over its own input. Needs N > 3F; one-step when every process
//! proposes the same value, which it claims.
//!
//! `cargo run --release --example c1cs` prints it with its metrics and check
//! results.

use distgen::{protocol, Protocol};

protocol! {
    /// C1CS: consensus in one communication step (Brasileiro et al., PaCT 2001).
    pub C1cs {
        problem: consensus;
        faults: crash;
        requires: N > 3 * F;
        one_step: N > 3 * F;
        messages: Vote;

        on propose(v) {
            send Vote(v) to all;
        }
        upon received Vote >= N - F {
            when Vote(v) >= N - F { decide(v); }
            when Vote(v) >= N - 2 * F { handover(v); }
            otherwise { handover(proposal); }
        }
    }
}

fn main() {
    distgen::summary::main(&C1cs::ir());
}

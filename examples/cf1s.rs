//! CF1S, one-step consensus with zero degradation under crash faults (Dobre
//! and Suri, *One-step Consensus with Zero-Degradation*, DSN 2006,
//! Algorithm 2, lines 1 to 4, as ByMC's benchmark encodes it).
//!
//! Every process votes its input; at N - F votes it decides v if all of them
//! are v, else hands its own input to an underlying consensus. Needs
//! N > 3F; one-step when every process proposes the same value, which it
//! claims.
//!
//! `cargo run --release --example cf1s` prints it with its metrics and check
//! results.

use distgen::{protocol, Protocol};

protocol! {
    /// CF1S: one-step consensus with zero degradation (Dobre, Suri, DSN 2006).
    pub Cf1s {
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
            otherwise { handover(proposal); }
        }
    }
}

fn main() {
    distgen::summary::main(&Cf1s::ir());
}

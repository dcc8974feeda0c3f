//! Bosco, one-step Byzantine consensus (Song and van Renesse, *Bosco:
//! One-Step Byzantine Asynchronous Consensus*, DISC 2008).
//!
//! Every process votes its input; at N - F votes it decides v if more than
//! (N + 3F) / 2 of them are v, else hands v to an underlying consensus if
//! more than (N - F) / 2 are v, else hands over its own input. Safe for
//! N > 3F; strongly one-step (unanimous correct inputs decide at once, with
//! F Byzantine processes) for N > 7F, which it claims; weakly one-step
//! (without faults) for N > 5F, which is measured, not claimed.
//!
//! `cargo run --release --example bosco` prints it with its metrics and
//! check results.

use distgen::{protocol, Protocol};

protocol! {
    /// Bosco: one-step Byzantine consensus (Song, van Renesse, DISC 2008).
    pub Bosco {
        problem: consensus;
        faults: byzantine;
        requires: N > 3 * F;
        one_step: N > 7 * F;
        messages: Vote;

        on propose(v) {
            send Vote(v) to all;
        }
        upon received Vote >= N - F {
            when Vote(v) > (N + 3 * F) / 2 { decide(v); }
            when Vote(v) > (N - F) / 2 { handover(v); }
            otherwise { handover(proposal); }
        }
    }
}

fn main() {
    distgen::summary::main(&Bosco::ir());
}

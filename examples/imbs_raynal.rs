//! Imbs and Raynal's signature-free Byzantine reliable broadcast in two
//! communication steps (*Trading off t-Resilience for Efficiency in
//! Asynchronous Byzantine Reliable Broadcast*, Parallel Processing Letters
//! 26(4), 2016).
//!
//! The broadcaster sends INIT; a process witnesses (sends WITNESS) the first
//! INIT from the broadcaster, or any value that N-2F processes witnessed, and
//! delivers a value N-F processes witnessed. Needs N > 5F, and saves the third
//! step of Bracha's algorithm.
//!
//! `cargo run --release --example imbs_raynal` prints it with its metrics and
//! check results; `-- --run` also runs it as UDP actors on 127.0.0.1.

use distgen::{protocol, Protocol};

protocol! {
    /// Imbs-Raynal Byzantine reliable broadcast (2016), N > 5F.
    pub ImbsRaynal {
        faults: byzantine;
        requires: N > 5 * F;
        messages: Init, Witness;

        on broadcast(m) {
            send Init(m) to all;
        }
        when received Init(m) from broadcaster and not sent Witness {
            send Witness(m) to all;
        }
        when received Witness(m) >= N - 2 * F {
            send Witness(m) to all;
        }
        when received Witness(m) >= N - F {
            deliver(m);
        }
    }
}

fn main() {
    distgen::summary::main(&ImbsRaynal::ir());
}

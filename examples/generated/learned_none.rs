//! LearnedNone: reliable broadcast for none faults, synthesised by `distgen learn`.
//!
//! - fault model: none
//! - seed 1, 12000 episodes, first found in episode 347; cost -8
//! - options: see `learned_none.json`
//! - configurations checked exhaustively by distgen's checker:
//!   - N=3 F=0 failure-free: verified (3 states)
//!   - N=4 F=0 failure-free: verified (4 states)
//! - every N allowed by `requires`: proven: agreement (consistency), agreement (totality), integrity, validity for every N with 0 <= F < N (no `requires`)
//! - metrics of the failure-free run:
//!   - N=3 F=0: 2 messages, 1 step, delivers on 1 message
//!   - N=4 F=0: 3 messages, 1 step, delivers on 1 message

use distgen::{protocol, Protocol};

protocol! {
    /// Reliable broadcast for none faults, synthesised by `distgen learn` (seed 1).
    pub LearnedNone {
        faults: none;
        messages: T0;

        on broadcast(m) {
            send T0(m) to all;
        }
        when received T0(m) from broadcaster {
            deliver(m);
        }
    }
}

fn main() {
    distgen::summary::print(&LearnedNone::ir());
}

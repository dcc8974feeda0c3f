//! LearnedByzantine: reliable broadcast for byzantine faults, synthesised by `distgen learn`.
//!
//! - fault model: byzantine (requires N > 3 * F)
//! - seed 1, 12000 episodes, first found in episode 3067; cost -36
//! - options: see `learned_byzantine.json`
//! - configurations checked exhaustively by distgen's checker:
//!   - N=4 F=1 correct-broadcaster: verified (41 states)
//!   - N=4 F=1 byzantine-broadcaster: verified (44 states)
//!   - N=5 F=1 correct-broadcaster: verified (81 states)
//!   - N=5 F=1 byzantine-broadcaster: verified (76 states)
//!   - N=7 F=2 correct-broadcaster: verified (5186 states)
//!   - N=7 F=2 byzantine-broadcaster: verified (5090 states)
//! - every N allowed by `requires`: proven: agreement (consistency), agreement (totality), integrity, validity for every N with N > 3 * F
//! - metrics of the failure-free run:
//!   - N=4 F=1: 27 messages, 3 steps, delivers on 3 messages
//!   - N=5 F=1: 44 messages, 3 steps, delivers on 3 messages
//!   - N=7 F=2: 90 messages, 3 steps, delivers on 5 messages

use distgen::{protocol, Protocol};

protocol! {
    /// Reliable broadcast for byzantine faults, synthesised by `distgen learn` (seed 1).
    pub LearnedByzantine {
        faults: byzantine;
        requires: N > 3 * F;
        messages: T0, T1, T2;

        on broadcast(m) {
            send T0(m) to all;
        }
        when received T0(m) from broadcaster and not sent T1 {
            send T1(m) to all;
        }
        when received T1(m) >= N - F {
            send T2(m) to all;
        }
        when received T2(m) >= F + 1 {
            send T2(m) to all;
        }
        when received T2(m) >= (N + F + 1) / 2 {
            deliver(m);
        }
    }
}

fn main() {
    distgen::summary::print(&LearnedByzantine::ir());
}

//! LearnedCrash: reliable broadcast for crash faults, synthesised by `distgen learn`.
//!
//! - fault model: crash (requires N > 2 * F)
//! - seed 1, 12000 episodes, first found in episode 11874; cost -13
//! - options: see `learned_crash.json`
//! - configurations checked exhaustively by distgen's checker:
//!   - N=3 F=1 crashes: verified (12 states)
//!   - N=5 F=2 crashes: verified (76 states)
//! - every N allowed by `requires`: proven: agreement (consistency), integrity for every N with N > 2 * F
//! - metrics of the failure-free run:
//!   - N=3 F=1: 6 messages, 1 step, delivers on 1 message
//!   - N=5 F=2: 20 messages, 1 step, delivers on 1 message

use distgen::{protocol, Protocol};

protocol! {
    /// Reliable broadcast for crash faults, synthesised by `distgen learn` (seed 1).
    pub LearnedCrash {
        faults: crash;
        requires: N > 2 * F;
        messages: T0, T1;

        on broadcast(m) {
            send T0(m) to self;
        }
        when received T0(m) >= 1 {
            send T1(m) to others;
            deliver(m);
        }
        when received T1(m) >= 1 and not sent T0 {
            send T0(m) to self;
        }
    }
}

fn main() {
    distgen::summary::print(&LearnedCrash::ir());
}

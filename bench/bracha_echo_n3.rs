//! Bracha's reliable broadcast with its echo quorum written `(N + 3) / 2`
//! instead of `(N + F) / 2 + 1` (DESIGN.md section 2): the same at every
//! default configuration, too small at N = 8, F = 2 (4 echoes, of which 2
//! Byzantine, let two disjoint sets of correct processes send READY for
//! different values). Used by bench/checker.sh and tests/checker_verdicts.rs.

use distgen::protocol;

protocol! {
    /// Bracha with its echo quorum written (N + 3) / 2.
    pub BrachaEcho3 {
        faults: byzantine;
        requires: N > 3 * F;
        messages: Initial, Echo, Ready;

        on broadcast(m) {
            send Initial(m) to all;
        }
        when received Initial(m) from broadcaster and not sent Echo {
            send Echo(m) to all;
        }
        when received Echo(m) >= (N + 3) / 2 and not sent Ready {
            send Ready(m) to all;
        }
        when received Ready(m) >= F + 1 and not sent Ready {
            send Ready(m) to all;
        }
        when received Ready(m) >= 2 * F + 1 {
            deliver(m);
        }
    }
}

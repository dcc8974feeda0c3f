//! The (5f-1)-BRB of Abraham, Ren and Xiang: Byzantine reliable broadcast
//! without signatures that delivers in 2 communication steps in the good case
//! and 3 in the bad case, with N >= 5F - 1 (*Good-case and Bad-case Latency
//! of Unauthenticated Byzantine Broadcast: A Complete Categorization*, OPODIS
//! 2021, LIPIcs 217; arXiv 2109.12454).
//!
//! It improves on Imbs and Raynal's (2, 3) protocol, which needs N >= 5F + 1,
//! by counting, as every count of the paper does, distinct senders *other
//! than the broadcaster* (`excluding broadcaster`):
//!
//! - the broadcaster sends PROPOSE(v);
//! - on the first PROPOSE from the broadcaster, a process sends ECHO(v);
//! - on N - 2F ECHO(v), it sends ECHO(v) (once per value: a process may echo
//!   several values);
//! - on N - F - 1 ECHO(v), it delivers v.
//!
//! `requires` adds `N >= 2` to the paper's `N >= 5 * F - 1`: at N = 1 the
//! broadcaster is alone, every count leaves it out, and it never delivers
//! (the all-N check finds that violation of validity at N = 1, F = 0).
//!
//! `cargo run --release --example arx_5f_minus_1` prints it with its metrics
//! and check results; `-- --run` also runs it as UDP actors on 127.0.0.1.

use distgen::{protocol, Protocol};

protocol! {
    /// The (5f-1)-BRB of Abraham, Ren and Xiang (OPODIS 2021), N >= 5F - 1: 2 steps.
    pub Arx5fMinus1 {
        faults: byzantine;
        requires: N >= 5 * F - 1 and N >= 2;
        messages: Propose, Echo;

        on broadcast(m) {
            send Propose(m) to all;
        }
        when received Propose(m) from broadcaster and not sent Echo {
            send Echo(m) to all;
        }
        when received Echo(m) >= N - 2 * F excluding broadcaster {
            send Echo(m) to all;
        }
        when received Echo(m) >= N - F - 1 excluding broadcaster {
            deliver(m);
        }
    }
}

fn main() {
    distgen::summary::main(&Arx5fMinus1::ir());
}

//! The (4f)-BRB of Abraham, Ren and Xiang: Byzantine reliable broadcast
//! without signatures that delivers in 2 communication steps in the good case
//! with N >= 4F, the tight bound (*Good-case and Bad-case Latency of
//! Unauthenticated Byzantine Broadcast: A Complete Categorization*, OPODIS
//! 2021, LIPIcs 217; arXiv 2109.12454).
//!
//! Their categorisation: 2 rounds in the good case are possible if and only
//! if N >= 4F (Bracha needs 3 for 3F + 1 <= N <= 4F - 1; Imbs-Raynal gets 2
//! with N >= 5F + 1). The protocol, with every count over distinct senders
//! *other than the broadcaster* (`excluding broadcaster`: a Byzantine
//! broadcaster then has at most F - 1 accomplices in a quorum):
//!
//! - the broadcaster sends PROPOSE(v);
//! - on the first PROPOSE from the broadcaster, a process sends ECHO0(v);
//! - on N - F - 1 ECHO0(v), it delivers v and sends ECHO1(v) and ECHO2(v)
//!   (each type once);
//! - on N - 2F ECHO0(v), it sends ECHO1(v) (once);
//! - on N - F - 1 ECHO1(v), it sends ECHO2(v) (once);
//! - on F + 1 ECHO2(v), it sends ECHO2(v) (once);
//! - on N - F - 1 ECHO2(v), it delivers v.
//!
//! The fast path is the first two steps: PROPOSE, then ECHO0 from the N - 1
//! other processes. The other rules are the slow path (good case 2 steps,
//! bad case 4).
//!
//! `requires` adds `N >= 2` to the paper's `N >= 4 * F`: at N = 1 the
//! broadcaster is alone, every count leaves it out, and it never delivers
//! (the all-N check finds that violation of validity at N = 1, F = 0).
//!
//! `cargo run --release --example arx_4f` prints it with its metrics and
//! check results; `-- --run` also runs it as UDP actors on 127.0.0.1.

use distgen::{protocol, Protocol};

protocol! {
    /// The (4f)-BRB of Abraham, Ren and Xiang (OPODIS 2021), N >= 4F: 2 steps.
    pub Arx4f {
        faults: byzantine;
        requires: N >= 4 * F and N >= 2;
        messages: Propose, Echo0, Echo1, Echo2;

        on broadcast(m) {
            send Propose(m) to all;
        }
        when received Propose(m) from broadcaster and not sent Echo0 {
            send Echo0(m) to all;
        }
        when received Echo0(m) >= N - F - 1 excluding broadcaster {
            deliver(m);
        }
        when received Echo0(m) >= N - F - 1 excluding broadcaster and not sent Echo2 {
            send Echo2(m) to all;
        }
        when received Echo0(m) >= N - 2 * F excluding broadcaster and not sent Echo1 {
            send Echo1(m) to all;
        }
        when received Echo1(m) >= N - F - 1 excluding broadcaster and not sent Echo2 {
            send Echo2(m) to all;
        }
        when received Echo2(m) >= F + 1 excluding broadcaster and not sent Echo2 {
            send Echo2(m) to all;
        }
        when received Echo2(m) >= N - F - 1 excluding broadcaster {
            deliver(m);
        }
    }
}

fn main() {
    distgen::summary::main(&Arx4f::ir());
}

//! The algorithm of Figure 3 of Vaz, Matos, Pardal and Correia, *Automatic
//! Generation of Distributed Algorithms with Generative AI* (DSN 2023), which
//! the paper reports as learnt for Byzantine faults with N >= 4, F = 1.
//!
//! The broadcaster sends T0 to its neighbours; a process sends T1 to its
//! neighbours on a T0 from one party or on F+1 T1s, and delivers on F+1 T1s.
//! The paper's claim is a hypothesis: `cargo run --example paper_fig3` shows
//! what the checker says of it.
//!
//! `cargo run --release --example paper_fig3` prints it with its metrics and
//! check results; `-- --run` also runs it as UDP actors on 127.0.0.1.

use distgen::{protocol, Protocol};

protocol! {
    /// The paper's Figure 3, claimed Byzantine-tolerant for N >= 4, F = 1.
    pub PaperFig3 {
        faults: byzantine;
        requires: N >= 4 and F == 1;
        messages: T0, T1;

        on broadcast(m) {
            send T0(m) to others;
        }
        when received T0(m) >= 1 {
            send T1(m) to others;
        }
        when received T1(m) >= F + 1 {
            send T1(m) to others;
            deliver(m);
        }
    }
}

fn main() {
    distgen::summary::main(&PaperFig3::ir());
}

//! Best-effort broadcast (Cachin, Guerraoui and Rodrigues, *Introduction to
//! Reliable and Secure Distributed Programming*, 2011, Algorithm 3.1).
//!
//! The broadcaster sends its value to every process, and a process delivers
//! whatever it receives. Correct when nobody fails; a broadcaster that crashes
//! in the middle of its send leaves some processes without the value, which
//! the checker shows under `--faults crash`.
//!
//! `cargo run --release --example best_effort` prints it with its metrics and
//! check results; `-- --run` also runs it as UDP actors on 127.0.0.1.

use distgen::{protocol, Protocol};

protocol! {
    /// Best-effort broadcast: send to all, deliver on receipt.
    pub BestEffort {
        faults: none;
        messages: Msg;

        on broadcast(m) {
            send Msg(m) to all;
        }
        when received Msg(m) >= 1 {
            deliver(m);
        }
    }
}

fn main() {
    distgen::summary::main(&BestEffort::ir());
}

//! Hadzilacos and Toueg's reliable broadcast by message diffusion
//! (*A Modular Approach to Fault-Tolerant Broadcasts and Related Problems*,
//! 1994, Figure 3).
//!
//! "When a process receives m for the first time, it relays m to all
//! processes and then delivers it." Tolerates any number f < n of crashes.
//! It differs from eager reliable broadcast only in relaying before
//! delivering.
//!
//! `cargo run --release --example hadzilacos_toueg` prints it with its metrics and
//! check results; `-- --run` also runs it as UDP actors on 127.0.0.1.

use distgen::{protocol, Protocol};

protocol! {
    /// Reliable broadcast by diffusion: relay on first receipt, then deliver.
    pub HadzilacosToueg {
        faults: crash;
        requires: F < N;
        messages: Msg;

        on broadcast(m) {
            send Msg(m) to all;
        }
        when received Msg(m) >= 1 {
            send Msg(m) to all;
            deliver(m);
        }
    }
}

fn main() {
    distgen::summary::main(&HadzilacosToueg::ir());
}

//! Eager reliable broadcast (Cachin, Guerraoui and Rodrigues 2011,
//! Algorithm 3.3).
//!
//! A process delivers the first value it receives and relays it to everybody,
//! so that if any correct process delivers, every correct process does, even
//! if the broadcaster crashes half-way through its send. Byzantine processes
//! break it: one forged message is enough to make a process deliver a value
//! that the broadcaster never sent.
//!
//! `cargo run --release --example eager_reliable` prints it with its metrics and
//! check results; `-- --run` also runs it as UDP actors on 127.0.0.1.

use distgen::{protocol, Protocol};

protocol! {
    /// Eager reliable broadcast: deliver on first receipt, then relay.
    pub EagerReliable {
        faults: crash;
        messages: Msg;

        on broadcast(m) {
            send Msg(m) to all;
        }
        when received Msg(m) >= 1 {
            deliver(m);
            send Msg(m) to all;
        }
    }
}

fn main() {
    distgen::summary::main(&EagerReliable::ir());
}

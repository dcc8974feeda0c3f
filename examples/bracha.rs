//! Bracha's Byzantine reliable broadcast (*Asynchronous Byzantine Agreement
//! Protocols*, Information and Computation 75(2), 1987).
//!
//! The broadcaster sends INITIAL; every process echoes the first INITIAL it
//! gets from the broadcaster; a process sends READY once it has (N+F)/2+1
//! ECHOs or F+1 READYs of a value, and delivers on 2F+1 READYs. Needs N > 3F.
//!
//! `cargo run --release --example bracha` prints it with its metrics and
//! check results; `-- --run` also runs it as UDP actors on 127.0.0.1.

use distgen::{protocol, Protocol};

protocol! {
    /// Bracha's Byzantine reliable broadcast (1987).
    pub Bracha {
        faults: byzantine;
        requires: N > 3 * F;
        messages: Initial, Echo, Ready;

        on broadcast(m) {
            send Initial(m) to all;
        }
        when received Initial(m) from broadcaster and not sent Echo {
            send Echo(m) to all;
        }
        when received Echo(m) >= (N + F) / 2 + 1 and not sent Ready {
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

fn main() {
    distgen::summary::main(&Bracha::ir());
}

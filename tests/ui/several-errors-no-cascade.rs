use distgen::{protocol, Protocol};
protocol! {
    /// Three mistakes: each is reported once, at its token, and the struct
    /// still exists so that `main` below raises no error of its own.
    pub Sloppy {
        faults: crash; messages: Msg;
        on broadcast(m) { send Mgs(m) to all; }
        when received Msg(m) >= 1 { send Msg(x) to all; deliver(m); }
        when received Ack(m) >= 1 { deliver(m); }
    }
}

fn main() {
    let _ = Sloppy::NAME;
    let _ = Sloppy::ir;
}

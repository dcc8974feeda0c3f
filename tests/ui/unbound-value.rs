use distgen::protocol;
protocol! {
    pub Relay {
        faults: crash; messages: Msg;
        on broadcast(m) { send Msg(m) to others; deliver(m); }
        when received Msg(m) >= 1 { send Msg(v) to all; }
    }
}

fn main() {}

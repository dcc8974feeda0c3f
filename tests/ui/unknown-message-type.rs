use distgen::protocol;
protocol! {
    pub Relay {
        faults: crash; messages: Msg;
        on broadcast(m) { send Msg(m) to all; deliver(m); }
        when received Mgs(m) >= 1 { deliver(m); }
    }
}

fn main() {}

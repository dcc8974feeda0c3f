use distgen::protocol;
protocol! {
    pub Wrong {
        faults: crash; messages: Msg;
        on broadcast(m) { send Msg(m) to all; }
        when received Msg(m) >= 1 { deliver(m); decide(m); }
    }
}

fn main() {}

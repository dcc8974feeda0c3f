use distgen::protocol;
protocol! {
    pub Twice {
        faults: none; messages: Msg;
        on broadcast(m) { send Msg(m) to all; }
        on broadcast(m) { deliver(m); }
        when received Msg(m) >= 1 { deliver(m); }
    }
}

fn main() {}

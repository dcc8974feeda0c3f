use distgen::protocol;
protocol! {
    pub Junk {
        faults: none; messages: Msg;
        on broadcast(m) { send Msg(m) to all; }
        whenever received Msg(m) >= 1 { deliver(m); }
    }
}

fn main() {}

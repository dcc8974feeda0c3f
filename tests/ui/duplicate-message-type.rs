use distgen::protocol;
protocol! {
    pub Repeat {
        faults: none; messages: Msg, Ack, Msg;
        on broadcast(m) { send Msg(m) to all; }
        when received Msg(m) >= 1 { deliver(m); }
    }
}

fn main() {}

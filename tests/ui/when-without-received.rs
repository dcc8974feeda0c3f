use distgen::protocol;
protocol! {
    pub Spontaneous {
        faults: none; messages: Msg;
        on broadcast(m) { send Msg(m) to all; }
        when not sent Msg { deliver(m); }
        when received Msg(m) >= 1 { deliver(m); }
    }
}

fn main() {}

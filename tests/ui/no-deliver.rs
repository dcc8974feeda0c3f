use distgen::protocol;
protocol! {
    pub Silent {
        faults: none; messages: Msg;
        on broadcast(m) { send Msg(m) to all; }
        when received Msg(m) >= 1 { send Msg(m) to all; }
    }
}

fn main() {}

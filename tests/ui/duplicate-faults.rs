use distgen::protocol;
protocol! {
    pub TwoModels {
        faults: crash; faults: byzantine; messages: Msg;
        on broadcast(m) { send Msg(m) to all; }
        when received Msg(m) >= 1 { deliver(m); }
    }
}

fn main() {}

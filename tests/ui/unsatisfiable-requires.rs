use distgen::protocol;
protocol! {
    pub Impossible {
        faults: byzantine; requires: N > 3 * F and N < F; messages: Msg;
        on broadcast(m) { send Msg(m) to all; }
        when received Msg(m) >= 1 { deliver(m); }
    }
}

fn main() {}

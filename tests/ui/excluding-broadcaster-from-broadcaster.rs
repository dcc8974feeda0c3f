use distgen::protocol;
protocol! {
    pub Both {
        faults: byzantine; requires: N >= 4 * F; messages: Propose, Echo;
        on broadcast(m) { send Propose(m) to all; }
        when received Propose(m) from broadcaster excluding broadcaster { send Echo(m) to all; }
        when received Echo(m) >= N - F - 1 excluding broadcaster { deliver(m); }
    }
}

fn main() {}

use distgen::protocol;
protocol! {
    pub AllOfThem {
        faults: byzantine; requires: N >= 4 * F; messages: Propose, Echo;
        on broadcast(m) { send Propose(m) to all; }
        when received Propose(m) from broadcaster { send Echo(m) to all; }
        when received Echo(m) >= N excluding broadcaster { deliver(m); }
    }
}

fn main() {}

use distgen::protocol;
protocol! {
    pub TooMany {
        faults: byzantine; requires: N > 3 * F; messages: Echo;
        on broadcast(m) { send Echo(m) to all; }
        when received Echo(m) >= N + 1 { deliver(m); }
    }
}

fn main() {}

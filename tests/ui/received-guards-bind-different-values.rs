use distgen::protocol;
protocol! {
    pub TwoValues {
        faults: byzantine; requires: N > 3 * F; messages: Echo, Ready;
        on broadcast(m) { send Echo(m) to all; }
        when received Echo(m) >= 2 * F + 1 and received Ready(w) >= F + 1 { deliver(m); }
    }
}

fn main() {}

use distgen::protocol;
protocol! {
    pub NoBroadcaster {
        faults: byzantine; requires: N >= 4 * F; messages: Echo;
        when received Echo(m) >= F + 1 excluding broadcaster { send Echo(m) to all; }
        when received Echo(m) >= N - F { deliver(m); }
    }
}

fn main() {}

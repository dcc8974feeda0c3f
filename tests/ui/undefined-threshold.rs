use distgen::protocol;
protocol! {
    pub DivideByF {
        faults: crash; requires: N > 2 * F; messages: Echo;
        on broadcast(m) { send Echo(m) to all; }
        when received Echo(m) >= N / F { deliver(m); }
    }
}

fn main() {}

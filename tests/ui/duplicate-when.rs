use distgen::protocol;
protocol! {
    pub SameGuards {
        faults: byzantine; requires: N > 3 * F; messages: Echo, Ready;
        on broadcast(m) { send Echo(m) to all; }
        when received Echo(m) >= 2 * F + 1 and not sent Ready { send Ready(m) to all; }
        when not sent Ready and received Echo(m) >= 2 * F + 1 { deliver(m); }
    }
}

fn main() {}

use distgen::protocol;
protocol! {
    pub Wrong {
        problem: consensus; faults: crash; requires: N > 3 * F; messages: Vote;
        on propose(v) { send Vote(v) to all; }
        upon received Vote >= N - F {
            when Vote(v) >= N - F { deliver(v); decide(v); }
        }
    }
}

fn main() {}

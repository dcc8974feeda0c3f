use distgen::protocol;
protocol! {
    pub Wrong {
        problem: consensus; faults: crash; messages: Vote;
        on propose(v) { send Vote(v) to all; }
        upon received Vote(v) >= N - F { when Vote(v) >= N - F { decide(v); } }
    }
}

fn main() {}

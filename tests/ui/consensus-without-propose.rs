use distgen::protocol;
protocol! {
    pub Wrong {
        problem: consensus; faults: crash; messages: Vote;
        upon received Vote >= N - F { when Vote(v) >= N - F { decide(v); } }
    }
}

fn main() {}

use distgen::protocol;
protocol! {
    pub Wrong {
        problem: consensus; faults: crash; messages: Vote, Echo;
        on propose(v) { send Vote(v) to all; }
        upon received Vote >= N - F { when Echo(v) >= N - F { decide(v); } }
    }
}

fn main() {}

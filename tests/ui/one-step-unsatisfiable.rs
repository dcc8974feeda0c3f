use distgen::protocol;
protocol! {
    pub Wrong {
        problem: consensus; faults: byzantine; requires: N > 3 * F; one_step: N < 2 * F;
        messages: Vote;
        on propose(v) { send Vote(v) to all; }
        upon received Vote >= N - F { when Vote(v) >= N - F { decide(v); } }
    }
}

fn main() {}

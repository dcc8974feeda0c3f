use distgen::protocol;
protocol! {
    pub Wrong {
        problem: consensus; faults: crash; messages: Vote, Msg;
        on propose(v) { send Vote(v) to all; }
        on broadcast(m) { send Msg(m) to all; }
        upon received Vote >= N - F { when Vote(v) >= N - F { decide(v); } }
    }
}

fn main() {}

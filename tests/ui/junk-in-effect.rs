use distgen::protocol;
protocol! {
    pub Junk {
        faults: none; messages: Msg;
        on broadcast(m) { send Msg(m) to everyone; deliver(m); }
    }
}

fn main() {}

use distgen::protocol;
protocol! {
    pub Omission {
        faults: omission; messages: Msg;
        on broadcast(m) { deliver(m); }
    }
}

fn main() {}

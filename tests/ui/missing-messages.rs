use distgen::protocol;
protocol! {
    pub NoMessages {
        faults: none;
        on broadcast(m) { deliver(m); }
    }
}

fn main() {}

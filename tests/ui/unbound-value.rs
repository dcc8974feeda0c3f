use distgen::protocol;

protocol! {
    pub Relay {
        faults: crash;
        messages: Msg;

        on broadcast(m) {
            send Msg(m) to all;
        }
        when received Msg(m) >= 1 {
            deliver(v);
        }
    }
}

fn main() {}

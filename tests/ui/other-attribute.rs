use distgen::protocol;
protocol! {
    #[derive(Debug)]
    pub Attr {
        faults: none; messages: Msg;
        on broadcast(m) { send Msg(m) to all; }
        when received Msg(m) >= 1 { deliver(m); }
    }
}

fn main() {}

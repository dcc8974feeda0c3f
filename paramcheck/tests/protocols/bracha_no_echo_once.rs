// Bracha without `not sent Echo` (a mutation of tests/checker_verdicts.rs).
protocol! {
    pub BrachaNoEchoOnce {
        faults: byzantine;
        requires: N > 3 * F;
        messages: Initial, Echo, Ready;

        on broadcast(m) {
            send Initial(m) to all;
        }
        when received Initial(m) from broadcaster {
            send Echo(m) to all;
        }
        when received Echo(m) >= (N + F) / 2 + 1 and not sent Ready {
            send Ready(m) to all;
        }
        when received Ready(m) >= F + 1 and not sent Ready {
            send Ready(m) to all;
        }
        when received Ready(m) >= 2 * F + 1 {
            deliver(m);
        }
    }
}

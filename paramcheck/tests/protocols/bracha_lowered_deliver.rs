// Bracha delivering on F + 1 READYs instead of 2F + 1 (a mutation of tests/checker_verdicts.rs).
protocol! {
    pub BrachaLoweredDeliver {
        faults: byzantine;
        requires: N > 3 * F;
        messages: Initial, Echo, Ready;

        on broadcast(m) {
            send Initial(m) to all;
        }
        when received Initial(m) from broadcaster and not sent Echo {
            send Echo(m) to all;
        }
        when received Echo(m) >= (N + F) / 2 + 1 and not sent Ready {
            send Ready(m) to all;
        }
        when received Ready(m) >= F + 1 and not sent Ready {
            send Ready(m) to all;
        }
        when received Ready(m) >= F + 1 {
            deliver(m);
        }
    }
}

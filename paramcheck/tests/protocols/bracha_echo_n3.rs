// Bracha with its echo quorum written (N + 3) / 2: equal to (N + F) / 2 + 1 at every default size, wrong at N = 8, F = 2.
protocol! {
    pub BrachaEchoN3 {
        faults: byzantine;
        requires: N > 3 * F;
        messages: Initial, Echo, Ready;

        on broadcast(m) {
            send Initial(m) to all;
        }
        when received Initial(m) from broadcaster and not sent Echo {
            send Echo(m) to all;
        }
        when received Echo(m) >= (N + 3) / 2 and not sent Ready {
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

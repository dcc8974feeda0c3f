// A threshold that is not linear in N and F.
protocol! {
    pub Square {
        faults: byzantine;
        requires: N > 3 * F;
        messages: Initial, Echo;

        on broadcast(m) {
            send Initial(m) to all;
        }
        when received Initial(m) from broadcaster and not sent Echo {
            send Echo(m) to all;
        }
        when received Echo(m) >= F * F + 1 {
            deliver(m);
        }
    }
}

//! The (5f-1)-BRB of Abraham, Ren and Xiang: Byzantine reliable broadcast
//! without signatures that delivers in 2 communication steps in the good case
//! and 3 in the bad case, with N >= 5F - 1 (*Good-case and Bad-case Latency
//! of Unauthenticated Byzantine Broadcast: A Complete Categorization*, OPODIS
//! 2021, LIPIcs 217; arXiv 2109.12454).
//!
//! It improves on Imbs and Raynal's (2, 3) protocol, which needs N >= 5F + 1,
//! by counting, as every count of the paper does, distinct senders *other
//! than the broadcaster* (`excluding broadcaster`):
//!
//! - the broadcaster sends PROPOSE(v);
//! - on the first PROPOSE from the broadcaster, a process sends ECHO(v);
//! - on N - 2F ECHO(v), it sends ECHO(v) (once per value: a process may echo
//!   several values);
//! - on N - F - 1 ECHO(v), it delivers v.
//!
//! `cargo run --release --example arx_5f_minus_1` prints it with its metrics
//! and check results; `-- --run` also runs it as UDP actors on 127.0.0.1.

use distgen::{protocol, Protocol};

protocol! {
    /// The (5f-1)-BRB of Abraham, Ren and Xiang (OPODIS 2021), N >= 5F - 1: 2 steps.
    pub Arx5fMinus1 {
        faults: byzantine;
        requires: N >= 5 * F - 1;
        messages: Propose, Echo;

        on broadcast(m) {
            send Propose(m) to all;
        }
        when received Propose(m) from broadcaster and not sent Echo {
            send Echo(m) to all;
        }
        when received Echo(m) >= N - 2 * F excluding broadcaster {
            send Echo(m) to all;
        }
        when received Echo(m) >= N - F - 1 excluding broadcaster {
            deliver(m);
        }
    }
}

fn main() {
    distgen::summary::main(&Arx5fMinus1::ir());
}

#[cfg(test)]
mod tests {
    use super::*;
    use distgen::checker::{self, Limits, Scenario, Verdict};
    use distgen::ir::FaultModel;

    /// Verified (exhaustively) at every default configuration, in both
    /// Byzantine scenarios: N = 4, 5 with F = 1 and N = 9 with F = 2 (the
    /// defaults that `requires` allows).
    #[test]
    fn verified_at_the_default_configurations() {
        let ir = Arx5fMinus1::ir();
        let configs = checker::default_configs(&ir.requires, FaultModel::Byzantine);
        let sizes: Vec<(usize, usize)> = configs.iter().map(|c| (c.n, c.f)).collect();
        assert_eq!(sizes, [(4, 1), (4, 1), (5, 1), (5, 1), (9, 2), (9, 2)]);
        for config in configs {
            let result = checker::check(&ir, config, Limits::default());
            assert_eq!(result.verdict, Verdict::Verified, "{config:?}");
        }
        let scenarios = Scenario::of(FaultModel::Byzantine);
        assert_eq!(
            scenarios,
            [Scenario::CorrectBroadcaster, Scenario::ByzantineBroadcaster]
        );
    }

    /// Two communication steps in the failure-free run (PROPOSE, then the
    /// echoes of the N - 1 others), at the tight bound and above it.
    #[test]
    fn two_steps_in_the_failure_free_run() {
        let ir = Arx5fMinus1::ir();
        for (n, f) in [(4, 1), (5, 1), (9, 2), (12, 3)] {
            let m = distgen::metrics::measure(&ir, n, f).expect("allowed");
            assert_eq!(m.steps, Some(2), "N = {n}, F = {f}");
        }
    }

    /// The same protocol below its bound, at N = 3F + 1, violates agreement
    /// with a Byzantine broadcaster.
    #[test]
    fn violated_below_its_bound() {
        let ir = Arx5fMinus1::ir();
        let config = checker::Config {
            faults: FaultModel::Byzantine,
            n: 7,
            f: 2,
            scenario: Scenario::ByzantineBroadcaster,
        };
        let result = checker::check(&ir, config, Limits::default());
        assert!(
            matches!(result.verdict, Verdict::Violated(_)),
            "{:?}",
            result.verdict
        );
    }
}

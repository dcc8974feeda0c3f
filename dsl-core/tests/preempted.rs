//! Pre-empted rules never fire (`ta/local/preempted.rs`), differentially over
//! random protocols: where the translation leaves a rule out, the protocol
//! without that rule has the explicit checker's verdict of the protocol with
//! it, at every allowed N <= 7 and both scenarios. A rule that could fire
//! would, in some protocol, change a delivery and with it a verdict.

use dsl_core::checker::{self, Config, Limits, Scenario, Verdict};
use dsl_core::ir::{FaultModel, ProtocolIr};
use dsl_core::random;
use rand::rngs::StdRng;
use rand::SeedableRng;

const LIMITS: Limits = Limits {
    max_states: 1_000_000,
    timeout_secs: 60,
};

/// The verdict as compared: verified, or the property violated.
fn outcome(ir: &ProtocolIr, config: Config) -> Option<String> {
    match checker::check(ir, config, LIMITS).verdict {
        Verdict::Verified => None,
        Verdict::Violated(v) => Some(v.property.name().to_string()),
        Verdict::Unknown { reason } => panic!("{}: {reason}", ir.name),
    }
}

#[test]
fn leaving_out_a_pre_empted_rule_changes_no_verdict() {
    let mut rng = StdRng::seed_from_u64(180);
    let (mut with_preempted, mut instances) = (0, 0);
    for i in 0..300 {
        let faults = [FaultModel::Byzantine, FaultModel::Crash][i % 2];
        let Some(ir) = random::preempting(&mut rng, faults, &format!("P{i}")) else {
            continue;
        };
        for &scenario in Scenario::of(faults) {
            let Ok(left_out) = dsl_core::ta::preempted_rules(&ir, scenario) else {
                continue;
            };
            if left_out.is_empty() {
                continue;
            }
            with_preempted += 1;
            let mut without = ir.clone();
            for &r in left_out.iter().rev() {
                without.rules.remove(r);
            }
            for (n, f) in checker::allowed_instances(&ir, scenario, 7) {
                let config = Config::of(scenario, n, f);
                instances += 1;
                assert_eq!(
                    outcome(&ir, config),
                    outcome(&without, config),
                    "rules {left_out:?} left out at N = {n}, F = {f}, {scenario:?}:\n{}",
                    dsl_core::print::invocation(&ir)
                );
            }
        }
    }
    println!(
        "{with_preempted} (protocol, scenario) pairs with a pre-empted rule, {instances} instances"
    );
    assert!(
        with_preempted >= 10,
        "only {with_preempted} protocols to compare"
    );
}

/// A copy to itself counts: after a receipt of T and a rule that sends
/// itself T, two senders are counted before the rule that sends S has
/// fired, so a rule needing two is not pre-empted, and it does fire (it is
/// the only one that delivers besides the broadcaster, and validity holds).
#[test]
fn a_rule_that_a_copy_to_itself_enables_is_kept() {
    let ir = dsl_core::syntax::parse_str(
        "Q { faults: crash; requires: N > 2 * F; messages: T, S;
            on broadcast(m) { send T(m) to others; deliver(m); }
            when received T(m) from broadcaster { send T(m) to self; }
            when received T(m) >= 2 and not sent S { deliver(m); }
            when received T(m) >= 1 { send S(m) to others; } }",
    )
    .expect("parses");
    let kept = dsl_core::ta::preempted_rules(&ir, Scenario::FailureFree).expect("linear");
    assert_eq!(kept, Vec::<usize>::new());
    let config = Config::of(Scenario::FailureFree, 3, 0);
    assert_eq!(outcome(&ir, config), None, "rule 2 delivers");
    let mut without = ir.clone();
    without.rules.remove(1);
    assert_eq!(outcome(&without, config).as_deref(), Some("validity"));
}

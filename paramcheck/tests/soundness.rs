//! Soundness, differentially over random protocols: whenever the
//! parameterized check says a property (safety, or liveness through stuck
//! configurations) holds for all N, the explicit checker finds no violation
//! of it at any allowed N <= MAX_N; whenever the explicit checker finds a
//! safety violation, the parameterized check does not say verified. Small by default (CI); `bench/ta.sh` runs it bigger with
//! `DISTGEN_TA_DIFF_COUNT` and `DISTGEN_TA_DIFF_MAX_N`.

use dsl_core::checker::{self, Config, Limits, Scenario, Verdict, Violation};
use dsl_core::ir::{FaultModel, ProtocolIr};
use dsl_core::problem::Kind;
use dsl_core::random::{self, Shape};
use paramcheck::{check_scenario, AllNResult, Options};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The name of the property a violation breaks, as in `properties_proven`.
fn part(v: &Violation) -> &'static str {
    v.property.name()
}

/// Whether a violation found by the explicit checker is of a safety property.
fn is_safety(v: &Violation) -> bool {
    v.property.kind() == Kind::Safety
}

/// The limits of one explicit check.
const LIMITS: Limits = Limits {
    max_states: 2_000_000,
    timeout_secs: 60,
};

/// The all-N check of `ir` in `scenario`; a violation it reports is at an
/// (N, F) that `requires` allows, with a trace.
fn all_n(ir: &ProtocolIr, scenario: Scenario) -> AllNResult {
    let all_n = check_scenario(ir, scenario, &Options::default());
    if let Verdict::Violated(v) = &all_n.verdict {
        let (n, f) = all_n.counterexample_at.expect("(N, F)");
        assert!(ir.allows(n, f), "{}", dsl_core::print::invocation(ir));
        assert!(!v.trace.is_empty());
    }
    all_n
}

/// The property `v` breaks at (N, F) is not among those `all_n` proves for
/// every N.
fn assert_not_proven(ir: &ProtocolIr, all_n: &AllNResult, v: &Violation, (n, f): (usize, usize)) {
    assert!(
        !all_n.properties_proven.iter().any(|p| p == part(v)),
        "{} proven for all N but violated at N = {n}, F = {f}:\n{}\n{:?}",
        part(v),
        dsl_core::print::invocation(ir),
        v.trace
    );
}

#[test]
fn all_n_verdicts_agree_with_the_explicit_checker_on_random_protocols() {
    let (compared, _) = compare_small_protocols(10, false);
    assert!(compared > 0);
}

/// The same with about half the `>= k` guards counting senders `excluding
/// broadcaster` (issue 19): the automaton's `e<T><v>` counters and its
/// Byzantine term F - 1 / F must over-approximate the explicit checker.
#[test]
fn all_n_verdicts_agree_with_the_explicit_checker_with_excluded_counts() {
    let (compared, excluded) = compare_small_protocols(19, true);
    assert!(
        compared > 0 && excluded > 0,
        "no protocol with an excluded count"
    );
}

/// [`compare_random_protocols`] on protocols of two message types and at
/// most three rules drawn from `seed`, Byzantine and crash in turn, with
/// about half their counts excluding the broadcaster if `exclude`; returns
/// the pairs compared and how many protocols had an excluded count.
fn compare_small_protocols(seed: u64, exclude: bool) -> (usize, usize) {
    let mut excluded = 0;
    let draw = |rng: &mut ChaCha8Rng, i| {
        let shape = Shape {
            faults: faults_of(i),
            messages: 2,
            max_rules: 3,
            max_effects: 2,
        };
        let mut ir = random::protocol(rng, &shape, &format!("R{i}"));
        if exclude {
            excluded += usize::from(random::exclude_broadcaster(rng, &mut ir) > 0);
        }
        Some(ir)
    };
    let compared = compare_random_protocols(seed, 1, draw, |_, _| true);
    (compared, excluded)
}

/// The same on random protocols with a rule another may pre-empt
/// ([`random::preempting`]; the translation leaves such a rule out when it
/// proves it never fires, `ta/local/preempted.rs`), in the scenarios where
/// it does.
#[test]
fn all_n_verdicts_agree_with_the_explicit_checker_with_pre_empted_rules() {
    let draw = |rng: &mut ChaCha8Rng, i| random::preempting(rng, faults_of(i), &format!("P{i}"));
    let preempts = |ir: &ProtocolIr, scenario| {
        !dsl_core::ta::preempted_rules(ir, scenario)
            .unwrap_or_default()
            .is_empty()
    };
    let compared = compare_random_protocols(180, 3, draw, preempts);
    assert!(compared >= 5, "only {compared} with a pre-empted rule");
}

/// Byzantine for even `i`, crash for odd.
fn faults_of(i: usize) -> FaultModel {
    [FaultModel::Byzantine, FaultModel::Crash][i % 2]
}

/// Compares the all-N verdicts with the explicit checker's at every allowed
/// N <= `DISTGEN_TA_DIFF_MAX_N` on `factor` times `DISTGEN_TA_DIFF_COUNT`
/// random protocols that `draw` makes from `seed` (by index; `None`: none),
/// in the scenarios of their fault model that `keep` accepts; returns how
/// many (protocol, scenario) pairs it compared.
fn compare_random_protocols(
    seed: u64,
    factor: usize,
    mut draw: impl FnMut(&mut ChaCha8Rng, usize) -> Option<ProtocolIr>,
    keep: impl Fn(&ProtocolIr, Scenario) -> bool,
) -> usize {
    paramcheck::solver::fetch().expect("z3, found or fetched from PyPI");
    let count = env("DISTGEN_TA_DIFF_COUNT", 16) * factor;
    let max_n = env("DISTGEN_TA_DIFF_MAX_N", 5);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (mut compared, mut verified, mut unknown, mut instances) = (0, 0, 0, 0);
    for i in 0..count {
        let Some(ir) = draw(&mut rng, i) else {
            continue;
        };
        for &scenario in Scenario::of(ir.faults) {
            if !keep(&ir, scenario) {
                continue;
            }
            compared += 1;
            let all_n = all_n(&ir, scenario);
            match &all_n.verdict {
                Verdict::Verified => verified += 1,
                Verdict::Unknown { .. } => unknown += 1,
                Verdict::Violated(_) => {}
            }
            for (n, f) in checker::allowed_instances(&ir, scenario, max_n) {
                let r = checker::check(&ir, Config::of(scenario, n, f), LIMITS);
                instances += 1;
                if let Verdict::Violated(v) = &r.verdict {
                    assert!(
                        !(is_safety(v) && all_n.verdict.is_verified()),
                        "all-N verified but {} violated at N = {n}, F = {f}:\n{}\n{:?}",
                        v.property,
                        dsl_core::print::invocation(&ir),
                        v.trace
                    );
                    assert_not_proven(&ir, &all_n, v, (n, f));
                }
            }
        }
    }
    println!(
        "compared {compared} (protocol, scenario) pairs over {instances} instances (N <= {max_n}): \
{verified} verified for all N, {unknown} unknown"
    );
    compared
}

/// The same for random one-step consensus protocols (issue 20 item 4):
/// whatever the all-N check proves of a consensus protocol, the explicit
/// checker finds no violation of it at any allowed N <= 8
/// (`DISTGEN_TA_DIFF_CONSENSUS_MAX_N`), and a confirmed all-N violation is
/// at an allowed (N, F) with a trace.
#[test]
fn all_n_verdicts_agree_with_the_explicit_checker_on_random_consensus_protocols() {
    paramcheck::solver::fetch().expect("z3, found or fetched from PyPI");
    let count = env("DISTGEN_TA_DIFF_COUNT", 12);
    let max_n = env("DISTGEN_TA_DIFF_CONSENSUS_MAX_N", 8);
    let mut rng = ChaCha8Rng::seed_from_u64(20);
    let (mut compared, mut proven, mut instances, mut violations) = (0, 0, 0, 0);
    for i in 0..count {
        let faults = faults_of(i);
        let ir = random::consensus(&mut rng, faults, &format!("C{i}"));
        for &scenario in dsl_core::ir::Problem::Consensus.scenarios(faults) {
            compared += 1;
            let all_n = all_n(&ir, scenario);
            proven += all_n.properties_proven.len();
            for n in 1..=max_n {
                for f in 1..n {
                    if !ir.allows(n, f) {
                        continue;
                    }
                    let config = Config::of(scenario, n, f);
                    instances += 1;
                    if let Verdict::Violated(v) = &checker::check(&ir, config, LIMITS).verdict {
                        violations += 1;
                        assert_not_proven(&ir, &all_n, v, (n, f));
                    }
                }
            }
        }
    }
    println!(
        "consensus: compared {compared} (protocol, scenario) pairs over {instances} instances \
(N <= {max_n}): {proven} properties proven for all N, {violations} instance violations"
    );
    assert!(compared > 0 && proven > 0 && violations > 0);
}

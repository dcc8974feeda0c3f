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
    compare_random_protocols(10, false);
}

/// The same with about half the `>= k` guards counting senders `excluding
/// broadcaster` (issue 19): the automaton's `e<T><v>` counters and its
/// Byzantine term F - 1 / F must over-approximate the explicit checker.
#[test]
fn all_n_verdicts_agree_with_the_explicit_checker_with_excluded_counts() {
    let excluded = compare_random_protocols(19, true);
    assert!(excluded > 0, "no protocol with an excluded count");
}

/// Compares the all-N verdicts with the explicit checker's on random
/// protocols drawn from `seed`, with counts excluding the broadcaster if
/// `exclude`; returns how many protocols had one.
fn compare_random_protocols(seed: u64, exclude: bool) -> usize {
    paramcheck::solver::fetch().expect("z3, found or fetched from PyPI");
    let count = env("DISTGEN_TA_DIFF_COUNT", 16);
    let max_n = env("DISTGEN_TA_DIFF_MAX_N", 5);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut excluded = 0;
    let (mut compared, mut verified, mut unknown, mut instances) = (0, 0, 0, 0);
    for i in 0..count {
        let faults = [FaultModel::Byzantine, FaultModel::Crash][i % 2];
        let shape = Shape {
            faults,
            messages: 2,
            max_rules: 3,
            max_effects: 2,
        };
        let mut ir = random::protocol(&mut rng, &shape, &format!("R{i}"));
        if exclude {
            excluded += usize::from(random::exclude_broadcaster(&mut rng, &mut ir) > 0);
        }
        for &scenario in Scenario::of(faults) {
            compared += 1;
            let all_n = all_n(&ir, scenario);
            match &all_n.verdict {
                Verdict::Verified => verified += 1,
                Verdict::Unknown { .. } => unknown += 1,
                Verdict::Violated(_) => {}
            }
            for n in 1..=max_n {
                for f in 0..n {
                    if !ir.allows(n, f) || (scenario == Scenario::ByzantineBroadcaster && f == 0) {
                        continue;
                    }
                    let config = Config::of(scenario, n, f);
                    let r = checker::check(&ir, config, LIMITS);
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
    }
    println!(
        "compared {compared} (protocol, scenario) pairs over {instances} instances (N <= {max_n}): \
{verified} verified for all N, {unknown} unknown"
    );
    assert!(compared > 0);
    excluded
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
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(20);
    let (mut compared, mut proven, mut instances, mut violations) = (0, 0, 0, 0);
    for i in 0..count {
        let faults = [FaultModel::Byzantine, FaultModel::Crash][i % 2];
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

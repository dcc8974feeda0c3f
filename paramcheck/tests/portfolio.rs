//! The portfolio of a scenario's all-N check: TACO's checkers and the
//! explicit checker's sweep at once, the first conclusive answer winning,
//! a timeout stopping every member, and no solver outliving its answer.
//!
//! `harness = false` (see Cargo.toml): `main` calls
//! [`paramcheck::solver::init`] first, as distgen's `main` does, so that
//! every solver starts through this binary's wrapper and can be stopped.

use dsl_core::checker::{Property, Scenario, Verdict};
use dsl_core::ir::FaultModel;
use dsl_core::ProtocolIr;
use paramcheck::{check_all_n, check_scenario, Backend, Options};
use std::time::{Duration, Instant};

/// The code of `bash bench/ta.sh random` (issue 23's random protocols).
#[path = "../examples/portfolio_random/bench.rs"]
mod bench;

fn load(src: &str) -> ProtocolIr {
    dsl_core::source::protocols_in_source(src)
        .expect("protocol parses")
        .remove(0)
}

/// Issue 23's Bracha variant: its thresholds equal Bracha's at F <= 2 and
/// are too low at F = 3 (TACO's SMT checker alone ran 30 minutes on it).
fn bracha_f3_variant() -> ProtocolIr {
    let bracha = include_str!("../../examples/bracha.rs");
    let (echo, ready) = (
        "Echo(m) >= (N + F) / 2 + 1 ",
        "when received Ready(m) >= 2 * F + 1 {",
    );
    assert!(bracha.contains(echo) && bracha.contains(ready));
    load(
        &bracha
            .replacen(echo, "Echo(m) >= (2 * N - 3 * F + 2) / 2 ", 1)
            .replacen(ready, "when received Ready(m) >= (3 * F + 4) / 2 {", 1),
    )
}

fn portfolio(timeout_secs: u64) -> Options {
    Options {
        portfolio: true,
        timeout_secs,
        ..Options::default()
    }
}

/// The processes whose parent is this one (solver wrappers), after waiting
/// up to `patience` for them to end.
#[cfg(target_os = "linux")]
fn children_left(patience: Duration) -> Vec<u32> {
    let me = std::process::id();
    let start = Instant::now();
    loop {
        let children = tools::children_of(me);
        if children.is_empty() || start.elapsed() >= patience {
            return children;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn bracha_f3_variant_is_refuted_by_the_sweep_at_f_3() {
    let ir = bracha_f3_variant();
    let r = check_scenario(&ir, Scenario::ByzantineBroadcaster, &portfolio(300));
    let Verdict::Violated(v) = &r.verdict else {
        panic!("{:?} {:?}", r.verdict, r.members)
    };
    // Agreement: its consistency or its totality half.
    assert!(
        matches!(v.property, Property::Consistency | Property::Totality),
        "{v:?}"
    );
    assert!(!v.trace.is_empty());
    // Only F = 3 breaks it: the sweep found it at the smallest such N.
    assert_eq!(r.counterexample_at, Some((10, 3)), "{:?}", r.members);
    assert_eq!(r.answered_by, "sweep");
    assert_eq!(r.members.len(), 4, "smt, acs, zcs and the sweep");
    assert!(r.members.iter().all(|m| m.seconds >= 0.0));
    #[cfg(target_os = "linux")]
    assert_eq!(children_left(Duration::from_secs(30)), Vec::<u32>::new());
}

fn bracha_is_verified_by_a_taco_checker_never_by_the_sweep() {
    let ir = load(include_str!("../../examples/bracha.rs"));
    for r in check_all_n(&ir, FaultModel::Byzantine, &portfolio(300)) {
        assert!(r.verdict.is_verified(), "{:?}", r.verdict);
        assert!(
            ["smt", "acs", "zcs"].contains(&r.answered_by.as_str()),
            "{}",
            r.answered_by
        );
    }
}

fn crash_liveness_is_checked_by_the_sweep_up_to_its_reach() {
    let ir = load(include_str!("../../examples/eager_reliable.rs"));
    let r = check_scenario(&ir, Scenario::Crashes, &portfolio(300));
    assert!(r.verdict.is_verified(), "{:?}", r.verdict);
    assert_eq!(r.instance_only, ["validity", "agreement (totality)"]);
    // At least the default instances (N = 3 and 5).
    let reach = r.live_up_to.expect("the sweep's reach");
    assert!(reach >= 5, "{reach}");
}

fn a_timeout_answers_unknown_and_stops_every_solver() {
    // TACO's SMT checker alone on the variant: it does not answer in 1 s.
    let ir = bracha_f3_variant();
    let options = Options {
        backend: Backend::Smt,
        timeout_secs: 1,
        ..Options::default()
    };
    let r = check_scenario(&ir, Scenario::ByzantineBroadcaster, &options);
    match &r.verdict {
        Verdict::Unknown { reason } => {
            assert!(
                reason.starts_with("unknown (stopped after 1 s)"),
                "{reason}"
            )
        }
        v => panic!("{v:?}"),
    }
    assert_eq!(r.members[0].outcome, "stopped");
    #[cfg(target_os = "linux")]
    assert_eq!(children_left(Duration::from_secs(30)), Vec::<u32>::new());
}

/// `bash bench/ta.sh random`'s code path on a few protocols, so that it
/// does not rot: every row answers within the timeout, no crash row reads
/// more than the explicit checker allows, and the summaries count them.
fn the_random_bench_runs_on_a_few_protocols() {
    let bench = bench::Bench {
        timeout_secs: 30,
        alone: vec![Backend::Smt],
        max_n: 5,
        limits: dsl_core::checker::Limits {
            max_states: 200_000,
            timeout_secs: 30,
        },
        row_budget_secs: 120,
        skip_refuted: false,
    };
    let protocols = bench::byzantine_protocols(23, 2);
    assert!(protocols
        .iter()
        .all(|ir| ir.messages.len() >= 2 && ir.allows(4, 1) && !ir.allows(3, 1)));
    let rows: Vec<_> = protocols
        .iter()
        .flat_map(|ir| bench::byzantine_rows(ir, &bench))
        .collect();
    assert_eq!(rows.len(), 4, "two scenarios each");
    for r in &rows {
        assert_ne!(r.portfolio.word, "unknown", "{r:?}");
        assert_eq!(r.alone.len(), 1);
    }
    let summary = bench::byzantine_summary(&rows, 30);
    assert!(summary.contains("| portfolio | 4 |"), "{summary}");
    assert!(summary.contains("Contradictions (verified for all N by one, violated by another): 0."));
    assert!(bench::byzantine_table(&rows).lines().count() == 6);
    let crash: Vec<_> = bench::crash_protocols(24, 2)
        .iter()
        .map(|ir| bench::crash_row(ir, &bench))
        .collect();
    for r in &crash {
        assert!(r.instances.0 > 0 && r.wrong.is_empty(), "{r:?}");
    }
    let summary = bench::crash_summary(&crash, 5, 30);
    assert!(
        summary.contains("Rows whose claim an instance refutes: 0"),
        "{summary}"
    );
    assert!(bench::crash_table(&crash).lines().count() == 4);
    // A protocol of the generator tilted toward live ones: compared at
    // every allowed N <= 5, nothing it claims is refuted.
    let live = bench::crash_row(&bench::live_crash_protocols(25, 1)[0], &bench);
    assert!(live.instances.0 > 0 && live.wrong.is_empty(), "{live:?}");
    assert!(bench::byzantine_notable(&rows, 30.0).is_empty());
    #[cfg(target_os = "linux")]
    assert_eq!(children_left(Duration::from_secs(30)), Vec::<u32>::new());
}

fn main() {
    paramcheck::solver::init();
    if std::env::args().nth(1).as_deref() == Some("--version") {
        // TACO asks its solver command (this binary) for its version.
        println!("distgen-paramcheck portfolio test");
        return;
    }
    paramcheck::solver::fetch().expect("z3, found or fetched from PyPI");
    let tests: [(&str, fn()); 5] = [
        (
            "bracha_f3_variant_is_refuted_by_the_sweep_at_f_3",
            bracha_f3_variant_is_refuted_by_the_sweep_at_f_3,
        ),
        (
            "bracha_is_verified_by_a_taco_checker_never_by_the_sweep",
            bracha_is_verified_by_a_taco_checker_never_by_the_sweep,
        ),
        (
            "crash_liveness_is_checked_by_the_sweep_up_to_its_reach",
            crash_liveness_is_checked_by_the_sweep_up_to_its_reach,
        ),
        (
            "a_timeout_answers_unknown_and_stops_every_solver",
            a_timeout_answers_unknown_and_stops_every_solver,
        ),
        (
            "the_random_bench_runs_on_a_few_protocols",
            the_random_bench_runs_on_a_few_protocols,
        ),
    ];
    let filter = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let mut ran = 0;
    for (name, test) in tests {
        if filter.as_deref().is_some_and(|f| !name.contains(f)) {
            continue;
        }
        use std::io::Write;
        print!("test {name} ... ");
        let _ = std::io::stdout().flush();
        test();
        println!("ok");
        ran += 1;
    }
    println!("test result: ok. {ran} passed");
}

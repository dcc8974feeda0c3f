//! Consensus protocols as real UDP actors: every process proposes its input
//! at start; decisions, handovers and the properties observed.

mod common;

use common::{assert_mentions, distgen, example};
use dsl_core::actors::consensus::{self, Ending};
use dsl_core::actors::report::Role;
use dsl_core::actors::RunConfig;
use dsl_core::problem::Property;
use std::time::Duration;

const BOSCO: &str = include_str!("../examples/bosco.rs");
const C1CS: &str = include_str!("../examples/c1cs.rs");

fn config(n: usize, f: usize, inputs: &[u64]) -> RunConfig {
    let mut config = RunConfig::new(n, f);
    config.inputs = inputs.to_vec();
    config.timeout = Duration::from_secs(20);
    config
}

fn endings(report: &consensus::ConsensusReport) -> Vec<Ending> {
    report.processes.iter().map(|p| p.ending).collect()
}

#[test]
fn bosco_with_unanimous_inputs_decides_at_n6_and_hands_over_at_n4() {
    // N = 6 > 5F: weakly one-step, every process decides 0 at once.
    let report = consensus::run(&example(BOSCO), &config(6, 1, &[0; 6])).expect("run starts");
    assert_eq!(endings(&report), [Ending::Decided(0); 6], "{report}");
    assert!(report.holds(), "{report}");
    // N = 4, F = 1: 3 votes never exceed (N + 3F) / 2, so no decision; every
    // process hands its input 0 over.
    let report = consensus::run(&example(BOSCO), &config(4, 1, &[0; 4])).expect("run starts");
    assert_eq!(endings(&report), [Ending::HandedOver(0); 4], "{report}");
    assert!(report.holds(), "{report}");
}

#[test]
fn c1cs_with_mixed_inputs_keeps_safety() {
    let report = consensus::run(&example(C1CS), &config(4, 1, &[0, 1, 1, 0])).expect("run starts");
    for property in [
        Property::Agreement,
        Property::HandoverConsistency,
        Property::Termination,
    ] {
        let check = report.check(property).expect("checked");
        assert!(check.holds, "{}: {report}", property.name());
    }
    for p in &report.processes {
        assert_eq!(p.role, Role::Correct);
        assert_ne!(p.ending, Ending::Nothing, "{report}");
    }
}

#[test]
fn a_byzantine_process_votes_both_values() {
    // C1cs tolerates crashes only: its Byzantine process votes 0 to p0 and
    // 1 to p1, p2; whatever the order, the correct processes end.
    let mut config = config(4, 1, &[0, 0, 0, 0]);
    config.byzantine = vec![3];
    let report = consensus::run(&example(C1CS), &config).expect("run starts");
    assert_eq!(report.processes[3].role, Role::Byzantine);
    assert_eq!(report.processes[3].ending, Ending::Nothing);
    assert_eq!(report.run.totals.messages, 3 * 3 + 3, "{report}");
    assert!(
        report.check(Property::Termination).expect("checked").holds,
        "{report}"
    );
}

#[test]
fn a_crashed_process_does_not_stop_the_others() {
    let mut config = config(4, 1, &[1, 1, 1, 1]);
    config.crash.insert(0, 0);
    let report = consensus::run(&example(C1CS), &config).expect("run starts");
    assert_eq!(report.processes[0].role, Role::Crashed);
    assert_eq!(report.processes[0].ending, Ending::Nothing);
    assert!(
        report.check(Property::Termination).expect("checked").holds,
        "{report}"
    );
    assert!(report.holds(), "{report}");
    for p in &report.processes[1..] {
        assert!(
            matches!(p.ending, Ending::Decided(1) | Ending::HandedOver(1)),
            "{report}"
        );
    }
}

#[test]
fn the_checks_catch_disagreement_and_non_termination() {
    let ending = |id, input, ending| consensus::ProcessEnding {
        id,
        role: Role::Correct,
        input,
        ending,
    };
    let checks = consensus::checks(&[
        ending(0, 0, Ending::Decided(0)),
        ending(1, 0, Ending::Decided(1)),
        ending(2, 0, Ending::HandedOver(1)),
        ending(3, 0, Ending::Nothing),
    ]);
    let holds: Vec<(Property, bool)> = checks.iter().map(|c| (c.property, c.holds)).collect();
    assert_eq!(
        holds,
        [
            (Property::Agreement, false),
            (Property::HandoverConsistency, false),
            (Property::InputValidity, false),
            (Property::Termination, false),
        ]
    );
}

#[test]
fn cli_runs_consensus_and_rejects_bad_inputs() {
    let (code, out, err) = distgen(&["run", "examples/bosco.rs", "--inputs", "0,1,1,0"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_mentions(&out, &["agreement: holds", "termination: holds"]);
    let (code, out, _) = distgen(&[
        "run",
        "examples/c1cs.rs",
        "--inputs",
        "random",
        "--seed",
        "7",
    ]);
    assert_eq!(code, 0, "{out}");
    for bad in ["0,1,1", "0,1,2,0", "0,x,1,0"] {
        let (code, _, err) = distgen(&["run", "examples/bosco.rs", "--inputs", bad]);
        assert_eq!(code, 2, "{bad}: {err}");
        assert!(err.contains("--inputs"), "{bad}: {err}");
    }
    let (code, _, err) = distgen(&["run", "examples/bosco.rs"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--inputs"), "{err}");
    let (code, _, err) = distgen(&["run", "--example", "bracha", "--inputs", "0,0,0,0"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("broadcast protocol"), "{err}");
}

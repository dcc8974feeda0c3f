//! The reference one-step consensus protocols of examples/, checked at their
//! default configurations, property by property (issue 20 item 5), and the
//! one-step measure of Bosco (bench/RESULTS-consensus.md compares them with
//! TACO's benchmark verdicts).

use distgen::checker::{self, Config, Limits, Property, Scenario, Verdict};
use distgen::consensus;
use distgen::ir::{Problem, ProtocolIr};

mod common;

use common::example;

fn defaults(ir: &ProtocolIr) -> Vec<Config> {
    checker::default_configs_for(Problem::Consensus, &ir.requires, ir.faults)
}

#[test]
fn bosco_and_c1cs_are_verified_at_their_default_configurations() {
    for src in [
        include_str!("../examples/bosco.rs"),
        include_str!("../examples/c1cs.rs"),
    ] {
        let ir = example(src);
        assert_eq!(ir.problem, Problem::Consensus);
        let configs = defaults(&ir);
        assert!(!configs.is_empty());
        let results = checker::check_all(&ir, &configs, Limits::default(), false);
        common::assert_all_verified(&ir.name, &results);
    }
}

#[test]
fn c1cs_claims_one_step_and_keeps_it_under_crashes() {
    let ir = example(include_str!("../examples/c1cs.rs"));
    assert!(ir.claims_one_step(4, 1));
    let config = Config::of(Scenario::Crashes, 4, 1);
    assert!(checker::check(&ir, config, Limits::default())
        .verdict
        .is_verified());
    let [free, faulty] = consensus::measure_one_step(&ir, config, Limits::default());
    assert_eq!((free.one_step, faulty.one_step), (Some(true), Some(true)));
}

#[test]
fn cf1s_breaks_decision_handover_consistency_as_encoded_by_bymc() {
    // cf1s hands over its own input on a split snapshot: one process may
    // decide v while another hands over the other value. TACO's benchmark
    // checks cf1s for one-step only.
    let ir = example(include_str!("../examples/cf1s.rs"));
    let results = checker::check_all(&ir, &defaults(&ir), Limits::default(), true);
    let v = results
        .iter()
        .find_map(|r| match &r.verdict {
            Verdict::Violated(v) => Some(v),
            _ => None,
        })
        .expect("cf1s is violated");
    assert_eq!(v.property, Property::HandoverConsistency, "{v:?}");
    assert!(!v.trace.is_empty());
}

#[test]
fn bosco_is_one_step_with_a_fault_only_past_seven_f() {
    let ir = example(include_str!("../examples/bosco.rs"));
    let at = |n| Config::of(Scenario::Byzantine, n, 1);
    let [free, faulty] = consensus::measure_one_step(&ir, at(8), Limits::default());
    assert_eq!((free.one_step, faulty.one_step), (Some(true), Some(true)));
    let [free, faulty] = consensus::measure_one_step(&ir, at(6), Limits::default());
    assert_eq!((free.one_step, faulty.one_step), (Some(true), Some(false)));
    // N = 8 > 7F: the claim holds and is checked as a property.
    assert!(ir.claims_one_step(8, 1) && !ir.claims_one_step(7, 1));
    assert!(checker::check(&ir, at(8), Limits::default())
        .verdict
        .is_verified());
}

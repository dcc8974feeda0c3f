//! `distgen learn --problem consensus` end to end (issue 20, item 7): under
//! Byzantine faults both search modes find Bosco's thresholds (Song and van
//! Renesse, DISC 2008) and its one-step condition N > 7F, proven for every
//! N > 3F; under crash faults a c1cs-class protocol, one-step for every
//! N > 3F; and what they write is a protocol file that `distgen check`
//! verifies. The all-N check needs z3: the runs fetch it when it is missing
//! (`--fetch-z3`, as CI does).

mod common;

use common::{assert_mentions, distgen, fresh_temp_path};
use dsl_core::ir::{ProtocolIr, Upon};

/// `distgen learn --problem consensus --quiet --fetch-z3 --out DIR ARGS`:
/// the exit status, stdout and stderr, and the protocol written.
fn learn(name: &str, args: &[&str]) -> (i32, String, String, Option<ProtocolIr>) {
    let dir = fresh_temp_path(name);
    let out = dir.to_str().unwrap().to_string();
    let mut all = vec![
        "learn",
        "--problem",
        "consensus",
        "--quiet",
        "--fetch-z3",
        "--out",
        &out,
    ];
    all.extend_from_slice(args);
    let (code, stdout, stderr) = distgen(&all);
    let ir = std::fs::read_dir(&dir)
        .ok()
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .find(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| {
            let text = std::fs::read_to_string(e.path()).unwrap();
            let file = e.path().to_str().unwrap().to_string();
            let (code, stdout, stderr) = distgen(&["check", &file]);
            assert_eq!(code, 0, "distgen check {file}: {stdout}{stderr}");
            dsl_core::source::protocols_in_source(&text).unwrap()[0].clone()
        });
    let _ = std::fs::remove_dir_all(&dir);
    (code, stdout, stderr, ir)
}

/// The protocol's `one_step` claim, printed.
fn claim(ir: &ProtocolIr) -> Vec<String> {
    ir.consensus
        .one_step
        .iter()
        .map(dsl_core::print::cond)
        .collect()
}

/// The `upon` block of examples/bosco.rs.
fn bosco_block() -> Upon {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/bosco.rs"),
    )
    .unwrap();
    let ir = dsl_core::source::protocols_in_source(&text).unwrap()[0].clone();
    ir.consensus.upon[0].clone()
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "judges thousands of protocols: run with --release"
)]
fn both_searches_learn_bosco_under_byzantine_faults() {
    for mode in ["exhaustive", "q-learning"] {
        let (code, stdout, stderr, ir) = learn(
            &format!("consensus-byz-{mode}"),
            &["--faults", "byzantine", "--search", mode],
        );
        assert_eq!(code, 0, "{mode}: {stdout}{stderr}");
        let ir = ir.expect("a protocol file");
        assert_eq!(ir.consensus.upon, vec![bosco_block()], "{mode}: {stdout}");
        assert_eq!(claim(&ir), ["N > 7 * F"], "{mode}: {stdout}");
        assert!(
            stdout.contains("every N allowed by `requires`: proven:")
                && stdout.contains("one-step"),
            "{mode}: {stdout}"
        );
    }
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "judges hundreds of protocols: run with --release"
)]
fn crash_faults_learn_a_protocol_one_step_for_every_n_above_3f() {
    let (code, stdout, stderr, ir) = learn(
        "consensus-crash",
        &["--faults", "crash", "--search", "exhaustive"],
    );
    assert_eq!(code, 0, "{stdout}{stderr}");
    let ir = ir.expect("a protocol file");
    assert_eq!(claim(&ir), ["N > 3 * F"], "{stdout}");
    // It decides on N - F votes of one value, as c1cs and cf1s do.
    let block = &ir.consensus.upon[0];
    assert_eq!(dsl_core::print::threshold(&block.threshold), ">= N - F");
    assert_eq!(
        dsl_core::print::threshold(&block.arms[0].counts[0].threshold),
        ">= N - F"
    );
    assert_mentions(
        &stdout,
        &[
            "every N allowed by `requires`: proven:",
            "nothing left in the action space can beat the answer",
        ],
    );
}

#[test]
fn a_consensus_threshold_that_does_not_parse_is_bad_input() {
    let (code, stdout, stderr, ir) = learn(
        "consensus-bad",
        &[
            "--faults",
            "crash",
            "--set",
            "consensus.arms=[{\"expr\": \"> N +\", \"cost\": -1}]",
        ],
    );
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(stderr.contains("consensus threshold `> N +`"), "{stderr}");
    assert!(ir.is_none());
}

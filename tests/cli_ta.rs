//! `distgen ta` and `distgen check --all-n` end to end: the `.ta` text, exit
//! codes, JSON fields, the non-linear threshold. Needs `z3` on the PATH.

mod common;

use common::distgen;

fn rows(stdout: &str) -> Vec<serde_json::Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON object per line"))
        .collect()
}

#[test]
fn ta_writes_the_golden_automaton_of_bracha() {
    let (code, stdout, stderr) = distgen(&[
        "ta",
        "examples/bracha.rs",
        "--scenario",
        "byzantine-broadcaster",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout,
        include_str!("../paramcheck/tests/golden/bracha_byzantine_broadcaster.ta")
    );
    assert!(stdout.contains(
        "// rule 2 for value 0: when received Echo(m) >= (N + F) / 2 + 1 and not sent Ready"
    ));
    let (code, _, stderr) = distgen(&["ta", "examples/bracha.rs", "--scenario", "crashes"]);
    assert_eq!(code, 2, "crashes is not a Byzantine scenario: {stderr}");
}

#[test]
fn check_all_n_verifies_bracha_with_json_rows_for_every_n() {
    let (code, stdout, stderr) = distgen(&["check", "examples/bracha.rs", "--all-n", "--json"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let rows = rows(&stdout);
    assert_eq!(rows.len(), 2, "both Byzantine scenarios");
    for r in &rows {
        assert_eq!(r["n"], serde_json::Value::Null);
        assert_eq!(r["f"], serde_json::Value::Null);
        assert_eq!(r["all_n"], true);
        assert_eq!(r["verdict"], "verified");
        assert_eq!(r["requires"], "N > 3 * F");
        let proven = r["properties_proven"].as_array().expect("array");
        assert!(proven.contains(&"agreement (consistency)".into()), "{r}");
        // Liveness too, through stuck configurations.
        assert!(proven.contains(&"agreement (totality)".into()), "{r}");
        assert_eq!(r["instance_only"], serde_json::json!([]));
    }
}

#[test]
fn check_all_n_text_says_all_n_and_what_is_instance_only() {
    let (code, stdout, _) = distgen(&["check", "examples/eager_reliable.rs", "--all-n"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("all N with 0 <= F < N (no `requires`)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("proven for all N: agreement (consistency), integrity"),
        "{stdout}"
    );
    assert!(stdout.contains("checked only at instances"), "{stdout}");
}

#[test]
fn check_all_n_confirms_the_violation_of_figure_3() {
    let (code, stdout, _) = distgen(&["check", "examples/paper_fig3.rs", "--all-n", "--json"]);
    assert_eq!(code, 1, "{stdout}");
    // Shortest counterexamples: with a correct broadcaster a process delivers
    // a value it never broadcast (integrity, 8 steps); with a Byzantine one
    // two processes deliver different values (agreement).
    let rows = rows(&stdout);
    for (scenario, property) in [
        ("correct-broadcaster", "integrity"),
        ("byzantine-broadcaster", "agreement"),
    ] {
        let row = rows
            .iter()
            .find(|r| r["scenario"] == scenario)
            .expect("a row per scenario");
        assert_eq!(row["verdict"], "violated", "{scenario}");
        assert_eq!(row["property"], property, "{scenario}");
        assert!(!row["trace"].as_array().expect("trace").is_empty());
        assert!(row["counterexample_at"]["n"].as_u64().is_some());
    }
}

#[test]
fn a_threshold_not_linear_in_n_and_f_is_unknown_with_exit_3() {
    // examples/bracha.rs delivering on `F * F + 1` READYs.
    let bracha = std::fs::read_to_string("examples/bracha.rs").expect("examples/bracha.rs");
    let from = "Ready(m) >= 2 * F + 1 {";
    assert!(bracha.contains(from));
    let path = std::env::temp_dir().join(format!("distgen-nonlinear-{}.rs", std::process::id()));
    std::fs::write(&path, bracha.replacen(from, "Ready(m) >= F * F + 1 {", 1)).expect("temp file");
    let file = path.to_str().expect("UTF-8 path");
    let (code, stdout, _) = distgen(&["check", file, "--all-n"]);
    assert_eq!(code, 3, "{stdout}");
    assert!(
        stdout.contains("unknown: threshold `F * F + 1` is not linear in N and F"),
        "{stdout}"
    );
    let (code, _, stderr) = distgen(&["ta", file]);
    assert_eq!(code, 3);
    assert!(stderr.contains("is not linear in N and F"), "{stderr}");
    let _ = std::fs::remove_file(&path);
}

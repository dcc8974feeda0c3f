//! `distgen check` end to end: exit codes, JSON fields, errors with line and
//! column.

mod common;

use common::{assert_mentions, check_at, distgen};

#[test]
fn a_verified_protocol_exits_0_with_one_json_object_per_run() {
    let (code, stdout, stderr) = check_at("examples/bracha.rs", 4, 1, &["--json"]);
    assert_eq!(code, 0, "{stderr}");
    let results: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON object per line"))
        .collect();
    assert_eq!(results.len(), 2, "both Byzantine scenarios");
    for r in &results {
        for field in [
            "protocol", "faults", "n", "f", "scenario", "verdict", "property", "states", "seconds",
            "trace",
        ] {
            assert!(r.get(field).is_some(), "missing {field} in {r}");
        }
        assert_eq!(r["protocol"], "Bracha");
        assert_eq!(r["verdict"], "verified");
        assert_eq!(r["n"], 4);
    }
}

#[test]
fn a_violation_exits_1_with_a_numbered_counterexample() {
    let (code, stdout, _) = distgen(&["check", "examples/best_effort.rs", "--faults", "crash"]);
    assert_eq!(code, 1, "{stdout}");
    assert_mentions(
        &stdout,
        &[
            "violated",
            "counterexample:",
            "  1. p0 broadcasts 0",
            "p0 crashes",
        ],
    );
}

#[test]
fn bad_input_exits_2_and_points_at_line_and_column() {
    let dir = std::env::temp_dir().join(format!("distgen-cli-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("broken.rs");
    std::fs::write(
        &file,
        "protocol! {\n    pub Broken {\n        faults: none;\n        messages: Msg;\n        on broadcast(m) { send Msg(m) to all; }\n        when received Mgs(m) >= 1 { deliver(m); }\n    }\n}\n",
    )
    .expect("write");
    let (code, _, stderr) = distgen(&["check", file.to_str().expect("utf-8 path")]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("broken.rs:6:23: unknown message type `Mgs`"),
        "{stderr}"
    );
    let (code, _, stderr) = distgen(&["check", "no/such/file.rs"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("cannot read"), "{stderr}");
}

#[test]
fn a_run_stopped_at_the_state_limit_says_which_limit_and_how_to_raise_it() {
    let (code, stdout, stderr) = check_at("examples/bracha.rs", 7, 2, &["--max-states", "1000"]);
    assert_eq!(code, 3, "{stdout}{stderr}");
    assert_mentions(
        &stdout,
        &[
            "stopped at the limit of 1,000 distinct states, after ",
            "raise it with --max-states",
        ],
    );
}

#[test]
fn the_default_state_limit_counts_distinct_states() {
    let (code, stdout, _) = distgen(&["check", "--help"]);
    assert_eq!(code, 0);
    assert_mentions(&stdout, &["--max-states", "distinct states"]);
}

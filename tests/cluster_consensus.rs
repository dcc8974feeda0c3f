//! Consensus protocols deployed: `distgen node` and `distgen cluster` with
//! `--inputs`, one OS process per node on 127.0.0.1 (ports chosen by the
//! system), every run bounded by a timeout. Each node proposes its input; the
//! report gives each node's decision or handover and judges the consensus
//! properties on them, as `distgen run --inputs` does.

mod common;

use common::distgen;
use common::nodes::{lines_until, start_node, NodeProcess};
use deploy::cluster::terminate;
use deploy::keys::Secret;
use deploy::node::Line;
use deploy::peers::render;
use std::net::{SocketAddr, UdpSocket};
use std::path::Path;

/// `distgen cluster FILE` with `options`, at most 60 s: its exit status and
/// its JSON report.
fn cluster(file: &str, options: &[&str]) -> (i32, serde_json::Value) {
    let mut args = vec!["cluster", file];
    args.extend_from_slice(options);
    args.extend(["--timeout", "60", "--json"]);
    let (code, out, err) = distgen(&args);
    let report = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {err}\n{out}"));
    (code, report)
}

/// The report's verdict on the property `name` (as JSON spells it).
fn holds(report: &serde_json::Value, name: &str) -> bool {
    let checks = report["checks"].as_array().expect("checks");
    let check = checks
        .iter()
        .find(|c| c["property"] == name)
        .unwrap_or_else(|| panic!("no check of {name}: {report}"));
    check["holds"].as_bool().expect("a verdict")
}

/// Every property name the report checked.
fn checked(report: &serde_json::Value) -> Vec<String> {
    report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .map(|c| c["property"].as_str().expect("a name").to_string())
        .collect()
}

#[test]
fn bosco_cluster_with_unanimous_inputs_decides_at_n6() {
    // N = 6 > 5F: weakly one-step, every node decides 1 at its first
    // evaluation.
    let (code, r) = cluster(
        "examples/bosco.rs",
        &["--n", "6", "--f", "1", "--inputs", "1,1,1,1,1,1"],
    );
    assert_eq!(code, 0, "{r}");
    let processes = r["processes"].as_array().expect("processes");
    assert_eq!(processes.len(), 6);
    for p in processes {
        assert_eq!(p["role"], "correct", "{r}");
        assert_eq!(p["input"], 1);
        assert_eq!(p["ending"], serde_json::json!({"decided": 1}), "{r}");
    }
    assert_eq!(checked(&r).len(), 4, "{r}");
    for name in checked(&r) {
        assert!(holds(&r, &name), "{name}: {r}");
    }
    // 6 nodes each voted to the 5 others, on authenticated links.
    assert!(
        r["run"]["totals"]["messages"].as_u64().unwrap() >= 30,
        "{r}"
    );
    assert_eq!(r["run"]["totals"]["forged"], 0);
}

#[test]
fn c1cs_cluster_with_mixed_inputs_and_a_crash_keeps_safety() {
    let (code, r) = cluster(
        "examples/c1cs.rs",
        &[
            "--n",
            "4",
            "--f",
            "1",
            "--inputs",
            "0,1,1,0",
            "--crash",
            "3",
            "--crash-after",
            "1",
        ],
    );
    assert_eq!(code, 0, "{r}");
    assert_eq!(r["processes"][3]["role"], "crashed", "{r}");
    for p in &r["processes"].as_array().unwrap()[..3] {
        assert_eq!(p["role"], "correct", "{r}");
        assert_ne!(p["ending"], "nothing", "every correct node ended: {r}");
    }
    for name in [
        "agreement",
        "handover-consistency",
        "input-validity",
        "termination",
    ] {
        assert!(holds(&r, name), "{name}: {r}");
    }
}

#[test]
fn a_byzantine_node_votes_both_values_and_bosco_keeps_agreement() {
    let (code, r) = cluster(
        "examples/bosco.rs",
        &[
            "--n",
            "4",
            "--f",
            "1",
            "--inputs",
            "random",
            "--seed",
            "5",
            "--byzantine",
            "3",
        ],
    );
    assert_eq!(code, 0, "{r}");
    let p3 = &r["run"]["processes"][3];
    assert_eq!(p3["role"], "byzantine", "{r}");
    // One vote to each of the 3 others (0 to p0, 1 to p1 and p2).
    assert_eq!(p3["counters"]["sent"], 3, "{r}");
    assert_eq!(r["processes"][3]["ending"], "nothing");
    for p in &r["processes"].as_array().unwrap()[..3] {
        assert_ne!(p["ending"], "nothing", "{r}");
    }
    assert!(holds(&r, "agreement"), "{r}");
    assert!(holds(&r, "handover-consistency"), "{r}");
}

/// A consensus protocol that decides at the first vote it counts, its own:
/// with mixed inputs the nodes disagree, whatever the network does.
const HASTY: &str = "protocol! {
    pub Hasty {
        problem: consensus;
        faults: crash;
        requires: N > 3 * F;
        messages: Vote;

        on propose(v) { send Vote(v) to all; }
        upon received Vote >= 1 {
            when Vote(v) >= 1 { decide(v); }
            otherwise { handover(proposal); }
        }
    }
}
";

#[test]
fn a_cluster_that_disagrees_is_reported_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("hasty.rs");
    std::fs::write(&file, HASTY).unwrap();
    let (code, r) = cluster(
        file.to_str().unwrap(),
        &["--n", "4", "--f", "1", "--inputs", "0,1,0,1"],
    );
    assert_eq!(code, 1, "{r}");
    for (p, input) in [0, 1, 0, 1].into_iter().enumerate() {
        assert_eq!(
            r["processes"][p]["ending"],
            serde_json::json!({ "decided": input }),
            "{r}"
        );
    }
    assert!(!holds(&r, "agreement"), "{r}");
    let text = distgen(&[
        "cluster",
        file.to_str().unwrap(),
        "--n",
        "4",
        "--f",
        "1",
        "--inputs",
        "0,1,0,1",
    ]);
    assert_eq!(text.0, 1);
    assert!(
        text.1
            .contains("agreement: VIOLATED (p0, p2 decided 0, p1, p3 decided 1)"),
        "{}",
        text.1
    );
}

#[test]
fn bad_consensus_options_exit_2_with_a_clear_message() {
    for (command, message) in [
        (
            "cluster examples/bosco.rs --n 4 --f 1",
            "Bosco is a consensus protocol: give --inputs",
        ),
        (
            "cluster examples/bracha.rs --n 4 --f 1 --inputs 0,1,1,0",
            "--inputs is for a consensus protocol",
        ),
        (
            "cluster examples/c1cs.rs --n 4 --f 1 --inputs 0,1,1",
            "one per process needed (N = 4)",
        ),
        (
            "cluster examples/c1cs.rs --n 4 --f 1 --inputs 0,1,2,0",
            "`2` is not 0 or 1",
        ),
    ] {
        let args: Vec<&str> = command.split_whitespace().collect();
        let (code, out, err) = distgen(&args);
        assert_eq!(code, 2, "{command}: {out}{err}");
        assert!(err.contains(message), "{command}: {err}");
    }
}

/// A secret and a peers file of `n` nodes on free loopback ports, in `dir`.
fn peers_file(dir: &Path, n: usize) -> std::path::PathBuf {
    Secret::generate()
        .unwrap()
        .write(&dir.join("k.key"))
        .unwrap();
    let sockets: Vec<UdpSocket> = (0..n)
        .map(|_| UdpSocket::bind("127.0.0.1:0").unwrap())
        .collect();
    let addresses: Vec<SocketAddr> = sockets.iter().map(|s| s.local_addr().unwrap()).collect();
    drop(sockets);
    let peers = dir.join("peers.toml");
    std::fs::write(&peers, render(&addresses, Path::new("k.key"))).unwrap();
    peers
}

#[test]
fn nodes_propose_their_inputs_and_report_their_decisions() {
    let dir = tempfile::tempdir().unwrap();
    let peers = peers_file(dir.path(), 4);
    // The same options on every node; node p proposes the p-th input.
    let nodes: Vec<NodeProcess> = (0..4)
        .map(|p| start_node("examples/c1cs.rs", &peers, p, &["--inputs", "1,1,1,1"]))
        .collect();
    for node in &nodes {
        let lines = lines_until(node, |l| {
            matches!(l, Line::Decide { .. } | Line::Handover { .. })
        });
        assert!(
            matches!(lines[0], Line::Ready { n: 4, f: 1, .. }),
            "{lines:?}"
        );
        assert!(
            lines
                .iter()
                .any(|l| matches!(l, Line::Propose { values, .. } if values == &[1])),
            "{lines:?}"
        );
        // C1cs at N = 4, F = 1: 3 votes for 1 reach N - F, so it decides.
        assert!(
            matches!(lines.last(), Some(Line::Decide { value: 1, .. })),
            "{lines:?}"
        );
    }
    for node in &nodes {
        terminate(&node.child);
        let lines = lines_until(node, |l| matches!(l, Line::Stopped { .. }));
        let Some(Line::Stopped { crashed, steps, .. }) = lines.last() else {
            unreachable!()
        };
        assert!(!crashed);
        assert!(*steps >= 3, "it voted to the 3 others");
    }
}

#[test]
fn a_consensus_node_refuses_broadcasts_and_needs_its_input() {
    let dir = tempfile::tempdir().unwrap();
    let peers = peers_file(dir.path(), 4);
    let peers = peers.to_str().unwrap();
    for (extra, message) in [
        (vec![], "C1cs is a consensus protocol: give --inputs"),
        (
            vec!["--inputs", "0,1,1,0", "--broadcast", "5"],
            "drop --broadcast",
        ),
    ] {
        let mut args = vec!["node", "examples/c1cs.rs", "--id", "0", "--peers", peers];
        args.extend(extra);
        let (code, out, err) = distgen(&args);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(err.contains(message), "{args:?}: {err}");
    }
}

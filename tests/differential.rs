//! The compact model's reductions (Byzantine counting, lazy injections, dead
//! variables, symmetry) against the plain model: same verdict on the
//! reference protocols and on random protocols, in every scenario.
//!
//! CI runs `DIFFERENTIAL_PROTOCOLS` random protocols (default 40); the
//! benchmark `bench/differential.sh` runs 1,000 or more.

use distgen::checker::{self, Config, Limits, Scenario, Verdict};
use distgen::ir::FaultModel;
use distgen::ProtocolIr;
use rand::SeedableRng;

const PLAIN_LIMITS: Limits = Limits {
    max_states: 1_000_000,
    timeout_secs: 60,
};

fn configs() -> Vec<Config> {
    let mut out = Vec::new();
    for (faults, n, f) in [
        (FaultModel::None, 3, 0),
        (FaultModel::Crash, 3, 1),
        (FaultModel::Byzantine, 3, 1),
        (FaultModel::Byzantine, 4, 1),
    ] {
        for &scenario in Scenario::of(faults) {
            out.push(Config {
                faults,
                n,
                f,
                scenario,
            });
        }
    }
    out
}

fn kind(v: &Verdict) -> &'static str {
    match v {
        Verdict::Verified => "verified",
        Verdict::Violated(_) => "violated",
        Verdict::Unknown { .. } => "unknown",
    }
}

/// Compares both models on `ir` in every configuration; returns the number of
/// comparisons made and how many were violations (plain runs that hit a limit
/// are skipped).
fn compare(ir: &ProtocolIr) -> (usize, usize) {
    let (mut compared, mut violated) = (0, 0);
    for config in configs() {
        let plain = checker::check_plain(ir, config, PLAIN_LIMITS);
        if matches!(plain.verdict, Verdict::Unknown { .. }) {
            continue;
        }
        let compact = checker::check(ir, config, Limits::default());
        assert_eq!(
            kind(&compact.verdict),
            kind(&plain.verdict),
            "{} differs in {config:?}:\ncompact: {:?}\nplain: {:?}\n{}",
            ir.name,
            compact.verdict,
            plain.verdict,
            distgen::print::invocation(ir)
        );
        compared += 1;
        violated += matches!(plain.verdict, Verdict::Violated(_)) as usize;
    }
    (compared, violated)
}

#[test]
fn reference_protocols_agree() {
    for src in [
        include_str!("../examples/best_effort.rs"),
        include_str!("../examples/eager_reliable.rs"),
        include_str!("../examples/hadzilacos_toueg.rs"),
        include_str!("../examples/paper_fig3.rs"),
    ] {
        for ir in distgen::source::protocols_in_source(src).expect("example parses") {
            compare(&ir);
        }
    }
}

#[test]
fn random_protocols_agree() {
    let count: usize = std::env::var("DIFFERENTIAL_PROTOCOLS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(40);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(2023);
    let (mut compared, mut violated) = (0, 0);
    for i in 0..count {
        let faults = FaultModel::ALL[i % 3];
        let shape = distgen::random::Shape {
            faults,
            messages: 1 + i % 3,
            max_rules: 4,
            max_effects: 2,
        };
        let ir = distgen::random::protocol(&mut rng, &shape, &format!("Random{i}"));
        let (c, v) = compare(&ir);
        compared += c;
        violated += v;
    }
    // Most plain runs must finish, or the test compares nothing.
    assert!(
        compared >= count * configs().len() / 2,
        "only {compared} comparisons made"
    );
    // Both verdicts occur, or the comparison says little.
    assert!(
        violated > 0 && violated < compared,
        "{violated} violations in {compared} comparisons"
    );
    println!("{compared} comparisons over {count} random protocols, {violated} violated");
}

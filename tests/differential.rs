//! The compact models' reductions against the plain model: same verdict on
//! the reference protocols and on random protocols, in every scenario. The
//! counting model (no crashes) and the bitset model (crashes) answer
//! `checker::check`; the plain model reads docs/DESIGN.md literally. Where the
//! plain model does not finish (N = 5, 6), the counting model is compared with
//! the bitset model (`Engine::Bitset`, the compact model before the counting
//! abstraction). Every counterexample is replayed in the plain model.
//!
//! Random protocols get a second `received` guard in about a third of their
//! rules. CI runs `DIFFERENTIAL_PROTOCOLS` random protocols (default 40); the
//! benchmark `bench/differential.sh` runs 1,000 or more.

use distgen::checker::{self, Config, Engine, Limits, Verdict};
use distgen::ir::{FaultModel, Guard, Problem, Quorum};
use distgen::ProtocolIr;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const PLAIN_LIMITS: Limits = Limits {
    max_states: 1_000_000,
    timeout_secs: 60,
};

/// The configurations compared with the plain model.
fn plain_configs() -> Vec<Config> {
    configs(&[
        (FaultModel::None, 3, 0),
        (FaultModel::Crash, 3, 1),
        (FaultModel::Crash, 3, 2),
        (FaultModel::Crash, 4, 2),
        (FaultModel::Byzantine, 3, 1),
        (FaultModel::Byzantine, 4, 1),
    ])
}

/// The configurations compared with the bitset model only.
fn bitset_configs() -> Vec<Config> {
    configs(&[(FaultModel::Byzantine, 5, 1), (FaultModel::Byzantine, 6, 1)])
}

fn configs(sizes: &[(FaultModel, usize, usize)]) -> Vec<Config> {
    let mut out = Vec::new();
    for &(faults, n, f) in sizes {
        out.extend(Config::all(Problem::Broadcast, faults, n, f));
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

/// Replays the counterexample of `verdict` (if any) in the plain model: every
/// step must be enabled there.
fn replay(ir: &ProtocolIr, config: Config, verdict: &Verdict) {
    let Verdict::Violated(v) = verdict else {
        return;
    };
    let model = checker::plain::PlainModel::new(ir, &config).expect("model");
    let mut s = model.initial();
    for (i, a) in v.actions.iter().enumerate() {
        assert!(
            model.apply(&mut s, *a, &mut Vec::new()).is_some(),
            "{} in {config:?}: step {} ({a:?}) is not enabled in the plain model",
            ir.name,
            i + 1
        );
    }
}

/// Compares the compact models with `reference` on `ir` in `configs`;
/// returns the number of comparisons made and how many were violations
/// (reference runs that hit a limit are skipped).
fn compare(ir: &ProtocolIr, configs: &[Config], reference: Engine) -> (usize, usize) {
    let (mut compared, mut violated) = (0, 0);
    for &config in configs {
        let expected = checker::check_with(ir, config, PLAIN_LIMITS, reference);
        if matches!(expected.verdict, Verdict::Unknown { .. }) {
            continue;
        }
        let compact = checker::check(ir, config, Limits::default());
        assert_eq!(
            kind(&compact.verdict),
            kind(&expected.verdict),
            "{} differs in {config:?}:\ncompact: {:?}\n{reference:?}: {:?}\n{}",
            ir.name,
            compact.verdict,
            expected.verdict,
            distgen::print::invocation(ir)
        );
        replay(ir, config, &compact.verdict);
        compared += 1;
        violated += matches!(expected.verdict, Verdict::Violated(_)) as usize;
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
            compare(&ir, &plain_configs(), Engine::Plain);
            compare(&ir, &bitset_configs(), Engine::Bitset);
        }
    }
}

/// A random protocol in which about a third of the rules have a second
/// `received` guard (another type, or the same type with another quorum).
fn random_protocol(rng: &mut impl Rng, i: usize) -> ProtocolIr {
    let faults = FaultModel::ALL[i % 3];
    let shape = distgen::random::Shape {
        faults,
        messages: 1 + i % 3,
        max_rules: 4,
        max_effects: 2,
    };
    let mut ir = distgen::random::protocol(rng, &shape, &format!("Random{i}"));
    let thresholds = distgen::random::thresholds();
    let types = ir.messages.len();
    for rule in &mut ir.rules {
        if rng.random_ratio(1, 3) {
            let quorum = if rng.random_ratio(1, 4) {
                Quorum::FromBroadcaster
            } else {
                Quorum::AtLeast(thresholds[rng.random_range(0..thresholds.len())].clone())
            };
            let second = Guard::Received {
                msg: rng.random_range(0..types),
                quorum,
            };
            if !rule.guards.contains(&second) {
                rule.guards.insert(1, second);
            }
        }
    }
    ir
}

/// Comparisons of random protocols' verdicts, model against model.
#[derive(Default)]
struct Tally {
    /// Comparisons with the plain model, and how many were violations.
    compared: usize,
    violated: usize,
    /// Comparisons of counting against bitset (Byzantine protocols).
    bitset_compared: usize,
    bitset_violated: usize,
}

impl Tally {
    /// Compares `ir` with the plain model and, under Byzantine faults, with
    /// the bitset model; returns the comparisons with the plain model.
    fn compare(&mut self, ir: &ProtocolIr) -> usize {
        let (c, v) = compare(ir, &plain_configs(), Engine::Plain);
        self.compared += c;
        self.violated += v;
        if ir.faults == FaultModel::Byzantine {
            let (c, v) = compare(ir, &bitset_configs(), Engine::Bitset);
            self.bitset_compared += c;
            self.bitset_violated += v;
        }
        c
    }

    /// Most plain runs finished, and both verdicts occur with each model, or
    /// the comparison says little.
    fn assert_meaningful(&self, count: usize) {
        let Tally {
            compared,
            violated,
            bitset_compared,
            bitset_violated,
        } = *self;
        assert!(
            compared >= count * plain_configs().len() / 3,
            "only {compared} comparisons made"
        );
        assert!(
            violated > 0 && violated < compared,
            "{violated} violations in {compared} comparisons"
        );
        assert!(
            bitset_violated > 0 && bitset_violated < bitset_compared,
            "{bitset_violated} violations in {bitset_compared} comparisons with the bitset model"
        );
    }
}

/// How many random protocols a test compares (`DIFFERENTIAL_PROTOCOLS`).
fn protocol_count() -> usize {
    std::env::var("DIFFERENTIAL_PROTOCOLS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(40)
}

/// Compares [`protocol_count`] random protocols, the `i`th made by `make`
/// from `i` and a generator seeded with `seed`, and asserts that the
/// comparisons say something ([`Tally::assert_meaningful`]). `make` also says
/// whether the protocol has the feature the test is about (`feature` names
/// it). Returns how many compared protocols have it, and the count.
fn compare_random_protocols(
    seed: u64,
    feature: &str,
    mut make: impl FnMut(&mut ChaCha8Rng, usize) -> (ProtocolIr, bool),
) -> (usize, usize) {
    let count = protocol_count();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut tally = Tally::default();
    let mut featured = 0;
    for i in 0..count {
        let (ir, has_feature) = make(&mut rng, i);
        let c = tally.compare(&ir);
        featured += usize::from(has_feature && c > 0);
    }
    tally.assert_meaningful(count);
    println!(
        "{} comparisons with the plain model over {count} random protocols \
         ({featured} {feature}), {} violated; {} with the bitset model, {} violated",
        tally.compared, tally.violated, tally.bitset_compared, tally.bitset_violated
    );
    (featured, count)
}

#[test]
fn random_protocols_agree() {
    let (two_guards, _) = compare_random_protocols(2023, "with two received guards", |rng, i| {
        let ir = random_protocol(rng, i);
        let two = ir.rules.iter().any(|r| {
            r.guards
                .iter()
                .filter(|g| matches!(g, Guard::Received { .. }))
                .count()
                == 2
        });
        (ir, two)
    });
    assert!(
        two_guards > 0,
        "no protocol with two received guards compared"
    );
}

/// Random protocols in which about half the `>= k` guards count senders
/// `excluding broadcaster` (issue 19): the counting model (its threshold
/// points and needed counts), the bitset model's lazy receipts and the
/// plain model must read them alike.
#[test]
fn random_protocols_with_excluded_counts_agree() {
    let (with_excluded, count) =
        compare_random_protocols(19, "with a count excluding the broadcaster", |rng, i| {
            let mut ir = random_protocol(rng, i);
            let turned = distgen::random::exclude_broadcaster(rng, &mut ir);
            (ir, turned > 0)
        });
    assert!(
        with_excluded >= count / 4,
        "only {with_excluded} protocols with an excluded count compared"
    );
}

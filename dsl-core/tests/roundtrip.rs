//! Printer and parser are inverses: `parse(print(ir)) == ir` and the printed
//! text is stable, for every example and for random protocols covering every
//! construct of the IR. For random IRs that break a validation rule, the
//! front end must reject the printed text instead.

use dsl_core::ir::*;
use dsl_core::print;
use dsl_core::syntax::{parse_str, validate::allowed_configs};
use proptest::prelude::*;
use rand::rngs::StdRng;
use rand::SeedableRng;
use std::collections::BTreeSet;
use std::path::Path;

fn examples() -> Vec<(String, ProtocolIr)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rs") {
            let src = std::fs::read_to_string(&path).unwrap();
            if !src.contains("protocol! {") {
                continue; // custom_check.rs: it uses paper_fig3.rs's protocol
            }
            for ir in dsl_core::source::protocols_in_source(&src).unwrap() {
                out.push((path.display().to_string(), ir));
            }
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// The protocol of the examples named `name`.
fn example(name: &str) -> ProtocolIr {
    let found = examples().into_iter().find(|(_, ir)| ir.name == name);
    found
        .unwrap_or_else(|| panic!("no example protocol {name}"))
        .1
}

/// The `protocol! { ... }` invocation of an example file, exactly as written.
fn invocation_in(file: &str) -> &str {
    let start = file.find("protocol! {").expect("a protocol!");
    let len = file[start..].find("\n}\n").expect("and its closing brace") + 3;
    &file[start..start + len]
}

#[test]
fn every_example_round_trips() {
    let examples = examples();
    assert_eq!(
        examples.len(),
        11,
        "the six reference protocols, the two of Abraham, Ren and Xiang, and the three consensus protocols (examples/custom_check.rs uses paper_fig3.rs's)"
    );
    for (file, ir) in examples {
        let text = print::body(&ir, "");
        let back = parse_str(&text).unwrap_or_else(|e| panic!("{file}: {e}\n{text}"));
        assert_eq!(back, ir, "{file}");
        assert_eq!(print::body(&back, ""), text, "{file}: printing is stable");
        // The whole invocation, as an emitted file would hold it, too.
        let file_text = format!("use distgen::protocol;\n\n{}", print::invocation(&ir));
        let parsed = dsl_core::source::protocols_in_source(&file_text).unwrap();
        assert_eq!(parsed, vec![ir], "{file}: invocation");
    }
}

#[test]
fn bracha_prints_as_a_person_writes_it() {
    let bracha = example("Bracha");
    // The invocation exactly as examples/bracha.rs writes it.
    let file = include_str!("../../examples/bracha.rs");
    assert_eq!(print::invocation(&bracha), invocation_in(file));
}

#[test]
fn excluded_counts_print_as_a_person_writes_them() {
    for (name, file) in [
        ("Arx4f", include_str!("../../examples/arx_4f.rs")),
        (
            "Arx5fMinus1",
            include_str!("../../examples/arx_5f_minus_1.rs"),
        ),
    ] {
        let ir = example(name);
        assert!(ir.excludes_broadcaster(), "{name}");
        assert_eq!(print::invocation(&ir), invocation_in(file), "{name}");
    }
}

#[test]
fn consensus_protocols_print_as_a_person_writes_them() {
    for (name, file) in [
        ("Bosco", include_str!("../../examples/bosco.rs")),
        ("C1cs", include_str!("../../examples/c1cs.rs")),
        ("Cf1s", include_str!("../../examples/cf1s.rs")),
    ] {
        let ir = example(name);
        assert_eq!(ir.problem, Problem::Consensus, "{name}");
        assert_eq!(ir.consensus.upon.len(), 1, "{name}");
        assert_eq!(print::invocation(&ir), invocation_in(file), "{name}");
    }
}

#[test]
fn bosco_lowers_to_its_thresholds() {
    let bosco = example("Bosco");
    let c = &bosco.consensus;
    assert_eq!(
        c.propose.as_ref().unwrap().effects,
        vec![Effect::Send {
            msg: 0,
            to: Dest::All
        }]
    );
    let upon = &c.upon[0];
    assert_eq!(upon.threshold.least(8, 1), Some(7));
    let leasts: Vec<Option<i64>> = upon
        .arms
        .iter()
        .map(|a| a.counts[0].threshold.least(8, 1))
        .collect();
    // (8 + 3) / 2 + 1 = 6 and (8 - 1) / 2 + 1 = 4.
    assert_eq!(leasts, vec![Some(6), Some(4)]);
    assert_eq!(upon.arms[0].effects, vec![Effect::Decide]);
    assert_eq!(
        upon.arms[1].effects,
        vec![Effect::Handover(Estimate::Value)]
    );
    assert_eq!(
        upon.otherwise,
        Some(vec![Effect::Handover(Estimate::Proposal)])
    );
    assert!(bosco.claims_one_step(8, 1) && !bosco.claims_one_step(7, 1));
}

#[test]
fn empty_blocks_private_protocols_and_several_conditions_print_plainly() {
    let text = "\
/// Line one.
///
///  Indented line.
Quiet {
    faults: crash;
    requires: N > 2 * F and F >= 1 and N - (F - 1) <= 10;
    messages: A, B;

    on broadcast(v) {}
    when received A(v) >= 1 and not sent B {
        send B(v) to others;
        send A(v) to self;
    }
    when received B(v) >= N / (F + 1) {
        deliver(v);
    }
}
";
    let ir = parse_str(text).unwrap();
    assert!(!ir.public);
    assert_eq!(ir.docs, vec![" Line one.", "", "  Indented line."]);
    assert_eq!(ir.requires.len(), 3);
    assert_eq!(print::body(&ir, ""), text);
}

// ---- random protocols ---------------------------------------------------

fn expr(depth: u32) -> BoxedStrategy<Expr> {
    let leaf = prop_oneof![(0i64..12).prop_map(Expr::Int), Just(Expr::N), Just(Expr::F),];
    leaf.prop_recursive(depth, 16, 2, |inner| {
        (
            prop_oneof![
                Just(BinOp::Add),
                Just(BinOp::Sub),
                Just(BinOp::Mul),
                Just(BinOp::Div)
            ],
            inner.clone(),
            inner,
        )
            .prop_map(|(op, a, b)| Expr::bin(op, a, b))
    })
    .boxed()
}

/// A threshold: mostly one of the usual ones (so that many IRs are valid),
/// sometimes any expression (often undefined or unreachable).
fn threshold() -> BoxedStrategy<Expr> {
    prop_oneof![
        3 => prop::sample::select(dsl_core::random::thresholds()),
        1 => expr(3),
    ]
    .boxed()
}

fn cond() -> impl Strategy<Value = Cond> {
    let op = prop_oneof![
        Just(CmpOp::Gt),
        Just(CmpOp::Ge),
        Just(CmpOp::Eq),
        Just(CmpOp::Lt),
        Just(CmpOp::Le)
    ];
    prop_oneof![
        // The usual ones.
        3 => prop::sample::select(vec![
            Cond { lhs: Expr::N, op: CmpOp::Gt, rhs: Expr::bin(BinOp::Mul, Expr::Int(3), Expr::F) },
            Cond { lhs: Expr::N, op: CmpOp::Gt, rhs: Expr::bin(BinOp::Mul, Expr::Int(2), Expr::F) },
            Cond { lhs: Expr::F, op: CmpOp::Ge, rhs: Expr::Int(1) },
            Cond { lhs: Expr::N, op: CmpOp::Ge, rhs: Expr::Int(4) },
        ]),
        1 => (expr(2), op, expr(2)).prop_map(|(lhs, op, rhs)| Cond { lhs, op, rhs }),
    ]
}

fn dest() -> impl Strategy<Value = Dest> {
    prop_oneof![Just(Dest::All), Just(Dest::Others), Just(Dest::Myself)]
}

fn effect(types: usize) -> impl Strategy<Value = Effect> {
    prop_oneof![
        1 => Just(Effect::Deliver),
        3 => (0..types, dest()).prop_map(|(msg, to)| Effect::Send { msg, to }),
    ]
}

fn guard(types: usize) -> impl Strategy<Value = Guard> {
    prop_oneof![
        2 => (0..types, threshold()).prop_map(|(msg, k)| Guard::Received { msg, quorum: Quorum::AtLeast(k) }),
        1 => (0..types, threshold()).prop_map(|(msg, k)| Guard::Received { msg, quorum: Quorum::AtLeastExcluding(k) }),
        1 => (0..types).prop_map(|msg| Guard::Received { msg, quorum: Quorum::FromBroadcaster }),
        1 => (0..types).prop_map(|msg| Guard::NotSent { msg }),
    ]
}

const NAMES: &[&str] = &[
    "Init", "Echo", "Ready", "Witness", "Msg", "Ack", "T0", "T1", "Vote", "all", "N",
];
const VALUES: &[&str] = &["m", "v", "x", "value"];

fn protocol() -> impl Strategy<Value = ProtocolIr> {
    let header = (
        prop::sample::select(vec!["Bracha", "P", "Relay2", "Gen"]),
        prop::collection::vec("[ -~\t]{0,24}", 0..3),
        any::<bool>(),
        prop_oneof![
            Just(FaultModel::None),
            Just(FaultModel::Crash),
            Just(FaultModel::Byzantine)
        ],
        prop::collection::vec(cond(), 0..3),
        prop::sample::subsequence(NAMES.to_vec(), 1..=4).prop_shuffle(),
    );
    header.prop_flat_map(|(name, docs, public, faults, requires, messages)| {
        let types = messages.len();
        let rule = (
            prop::sample::select(VALUES.to_vec()),
            prop::collection::vec(guard(types), 1..4),
            prop::collection::vec(effect(types), 0..3),
        )
            .prop_map(|(value, guards, effects)| Rule {
                value: value.to_string(),
                guards,
                effects,
            });
        let broadcast = prop::option::weighted(
            0.9,
            (
                prop::sample::select(VALUES.to_vec()),
                prop::collection::vec(effect(types), 0..3),
            )
                .prop_map(|(value, effects)| Broadcast {
                    value: value.to_string(),
                    effects,
                }),
        );
        let messages: Vec<String> = messages.iter().map(|m| m.to_string()).collect();
        (
            Just(name.to_string()),
            Just(docs),
            Just(public),
            Just(faults),
            Just(requires),
            Just(messages),
            broadcast,
            prop::collection::vec(rule, 0..5),
        )
            .prop_map(
                |(name, docs, public, faults, requires, messages, broadcast, rules)| ProtocolIr {
                    name,
                    docs,
                    public,
                    faults,
                    requires,
                    messages,
                    broadcast,
                    rules,
                    problem: Default::default(),
                    consensus: Default::default(),
                },
            )
    })
}

/// The validation rules of docs/DESIGN.md section 2.7, written again over the IR:
/// `None` if `ir` is valid, else what is wrong.
fn invalid(ir: &ProtocolIr) -> Option<&'static str> {
    if !ir.delivers() {
        return Some("no deliver");
    }
    if ir
        .rules
        .iter()
        .any(|r| !r.guards.iter().any(|g| matches!(g, Guard::Received { .. })))
    {
        return Some("a when without received");
    }
    let configs = allowed_configs(ir);
    if configs.is_empty() {
        return Some("requires unsatisfiable");
    }
    for rule in &ir.rules {
        for g in &rule.guards {
            if let Guard::Received {
                quorum: q @ (Quorum::AtLeast(k) | Quorum::AtLeastExcluding(k)),
                ..
            } = g
            {
                // `excluding broadcaster`: at most N - 1 senders to count.
                let excluded = i64::from(q.excludes_broadcaster());
                let at = |&(n, f): &(usize, usize)| k.eval(n as i64, f as i64);
                if configs.iter().any(|c| at(c).is_none()) {
                    return Some("threshold undefined");
                }
                if !configs
                    .iter()
                    .any(|c| at(c).is_some_and(|k| k <= c.0 as i64 - excluded))
                {
                    return Some("threshold unreachable");
                }
            }
        }
    }
    if ir.broadcast.is_none() && ir.excludes_broadcaster() {
        return Some("excluding broadcaster without on broadcast");
    }
    let mut seen = BTreeSet::new();
    for rule in &ir.rules {
        let key: BTreeSet<String> = rule.guards.iter().map(|g| format!("{g:?}")).collect();
        if !seen.insert(key) {
            return Some("duplicate when");
        }
    }
    None
}

/// The random protocol the learner and the differential tests draw from
/// `seed` (fault model `FaultModel::ALL[faults]`, `messages` types), and the
/// generator after it.
fn generated(seed: u64, faults: usize, messages: usize) -> (StdRng, ProtocolIr) {
    let mut rng = StdRng::seed_from_u64(seed);
    let shape = dsl_core::random::Shape {
        faults: FaultModel::ALL[faults],
        messages,
        ..Default::default()
    };
    let ir = dsl_core::random::protocol(&mut rng, &shape, "Generated");
    (rng, ir)
}

/// A valid IR (`why` is `None`) prints to a body that parses back to it and
/// prints the same again; an invalid one prints to a body the parser
/// rejects.
fn round_trips_if_valid(ir: &ProtocolIr, why: Option<&str>) -> Result<(), TestCaseError> {
    let text = print::body(ir, "    ");
    match why {
        None => {
            let back = parse_str(&text);
            prop_assert!(back.is_ok(), "{:?}\n{}", back.err(), text);
            let back = back.unwrap();
            prop_assert_eq!(&back, ir);
            prop_assert_eq!(print::body(&back, "    "), text);
        }
        Some(why) => {
            prop_assert!(
                parse_str(&text).is_err(),
                "accepted although {}:\n{}",
                why,
                text
            );
        }
    }
    Ok(())
}

/// An IR printed as a whole `protocol!` invocation is read back from source
/// as itself.
fn invocation_round_trips(ir: ProtocolIr) -> Result<(), TestCaseError> {
    let text = print::invocation(&ir);
    let back = dsl_core::source::protocols_in_source(&text);
    prop_assert_eq!(back, Ok(vec![ir]));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// Valid IRs round-trip and print stably; invalid ones are rejected.
    #[test]
    fn random_protocols_round_trip(ir in protocol()) {
        round_trips_if_valid(&ir, invalid(&ir))?;
    }

    /// The protocols the learner and the differential tests draw are valid
    /// and round-trip.
    #[test]
    fn generated_protocols_round_trip(seed in any::<u64>(), faults in 0usize..3, messages in 1usize..4) {
        let (_, ir) = generated(seed, faults, messages);
        prop_assert_eq!(invalid(&ir), None);
        invocation_round_trips(ir)?;
    }

    /// The random protocols with counts `excluding broadcaster` (the
    /// differential tests') are valid and round-trip.
    #[test]
    fn generated_protocols_with_excluded_counts_round_trip(seed in any::<u64>(), faults in 0usize..3, messages in 1usize..4) {
        let (mut rng, mut ir) = generated(seed, faults, messages);
        let turned = dsl_core::random::exclude_broadcaster(&mut rng, &mut ir);
        prop_assert_eq!(turned > 0, ir.excludes_broadcaster());
        prop_assert_eq!(invalid(&ir), None);
        prop_assert!(turned == 0 || print::invocation(&ir).contains("excluding broadcaster"));
        invocation_round_trips(ir)?;
    }

    /// Expressions print with the fewest parentheses that keep their tree.
    #[test]
    fn expressions_round_trip(e in expr(5)) {
        let text = print::expr(&e);
        // Parsed back through a `requires` condition.
        let src = format!(
            "Q {{ faults: crash; requires: {text} == {text}; messages: M; on broadcast(m) {{ deliver(m); }} }}"
        );
        if let Ok(ir) = parse_str(&src) {
            prop_assert_eq!(&ir.requires[0].lhs, &e);
            prop_assert_eq!(&ir.requires[0].rhs, &e);
        } else {
            // Only an expression undefined everywhere makes `e == e` false.
            prop_assert!((1..=64).all(|n| (0..n).all(|f| e.eval(n, f).is_none())), "{}", text);
        }
    }

    /// Valid consensus IRs round-trip and print stably; invalid ones are
    /// rejected.
    #[test]
    fn random_consensus_protocols_round_trip(ir in consensus_protocol()) {
        round_trips_if_valid(&ir, invalid_consensus(&ir))?;
    }

    /// The consensus protocols the differential tests draw are valid and
    /// round-trip.
    #[test]
    fn generated_consensus_protocols_round_trip(seed in any::<u64>(), faults in 0usize..3) {
        let mut rng = StdRng::seed_from_u64(seed);
        let ir = dsl_core::random::consensus(&mut rng, FaultModel::ALL[faults], "Generated");
        prop_assert_eq!(invalid_consensus(&ir), None);
        prop_assert_eq!(ir.consensus.upon.len(), 1);
        prop_assert!((1..=3).contains(&ir.consensus.upon[0].arms.len()));
        invocation_round_trips(ir)?;
    }
}

// ---- random consensus protocols -------------------------------------------

fn consensus_effect(types: usize) -> impl Strategy<Value = Effect> {
    prop_oneof![
        6 => Just(Effect::Decide),
        3 => Just(Effect::Handover(Estimate::Value)),
        3 => Just(Effect::Handover(Estimate::Proposal)),
        3 => (0..types, dest()).prop_map(|(msg, to)| Effect::Send { msg, to }),
        1 => Just(Effect::Deliver),
    ]
}

fn otherwise_effect(types: usize) -> impl Strategy<Value = Effect> {
    prop_oneof![
        6 => Just(Effect::Handover(Estimate::Proposal)),
        1 => consensus_effect(types),
    ]
}

fn strict_threshold() -> impl Strategy<Value = Threshold> {
    (
        any::<bool>(),
        prop_oneof![
            3 => prop::sample::select(dsl_core::random::consensus_thresholds()),
            1 => threshold(),
        ],
    )
        .prop_map(|(strict, expr)| Threshold { strict, expr })
}

fn upon(types: usize) -> impl Strategy<Value = Upon> {
    // Mostly type 0, the type the propose handler sends.
    let msg = prop_oneof![4 => Just(0usize), 1 => 0..types];
    msg.prop_flat_map(move |msg| {
        let count_msg = prop_oneof![6 => Just(msg), 1 => 0..types];
        let count =
            (count_msg, strict_threshold()).prop_map(|(msg, threshold)| Count { msg, threshold });
        let arm = (
            prop::sample::select(VALUES.to_vec()),
            prop::collection::vec(count, 1..3),
            prop::collection::vec(consensus_effect(types), 0..3),
        )
            .prop_map(|(value, counts, effects)| Arm {
                value: value.to_string(),
                counts,
                effects,
            });
        (
            Just(msg),
            strict_threshold(),
            prop::collection::vec(arm, 0..4),
            prop::option::of(prop::collection::vec(otherwise_effect(types), 0..2)),
        )
            .prop_map(|(msg, threshold, arms, otherwise)| Upon {
                msg,
                threshold,
                arms,
                otherwise,
            })
    })
}

fn consensus_protocol() -> impl Strategy<Value = ProtocolIr> {
    (
        protocol(),
        prop::collection::vec(cond(), 0..2),
        any::<u64>(),
    )
        .prop_flat_map(|(base, one_step, _)| {
            let types = base.messages.len();
            let propose = prop::option::weighted(
                0.95,
                (
                    prop::sample::select(VALUES.to_vec()),
                    prop_oneof![
                        4 => Just(vec![Effect::Send { msg: 0, to: Dest::All }]),
                        1 => prop::collection::vec(consensus_effect(types), 0..3),
                    ],
                )
                    .prop_map(|(value, effects)| Handler {
                        value: value.to_string(),
                        effects,
                    }),
            );
            let rule_effects = prop::collection::vec(
                prop::collection::vec(consensus_effect(types), 0..3),
                base.rules.len(),
            );
            (
                Just(base),
                Just(one_step),
                propose,
                prop::collection::vec(upon(types), 0..3),
                rule_effects,
                prop::option::weighted(0.05, Just(())),
            )
                .prop_map(
                    |(mut ir, one_step, propose, upon, rule_effects, broadcast)| {
                        ir.problem = Problem::Consensus;
                        if broadcast.is_none() {
                            ir.broadcast = None;
                            // Mostly counts of every sender: a broadcaster is rare.
                            for g in ir.rules.iter_mut().flat_map(|r| &mut r.guards) {
                                if let Guard::Received {
                                    quorum:
                                        q @ (Quorum::FromBroadcaster | Quorum::AtLeastExcluding(_)),
                                    ..
                                } = g
                                {
                                    *q = Quorum::AtLeast(
                                        q.threshold().cloned().unwrap_or(Expr::Int(1)),
                                    );
                                }
                            }
                        }
                        for (rule, effects) in ir.rules.iter_mut().zip(rule_effects) {
                            rule.effects = effects;
                        }
                        ir.consensus = Consensus {
                            propose,
                            upon,
                            one_step,
                        };
                        ir
                    },
                )
        })
}

/// The rules of docs/DESIGN.md section 4 (and those of section 2.7 that
/// still apply), written again over the IR.
fn invalid_consensus(ir: &ProtocolIr) -> Option<&'static str> {
    let c = &ir.consensus;
    if ir.broadcast.is_some() {
        return Some("on broadcast in consensus");
    }
    if ir.effects().any(|e| matches!(e, Effect::Deliver)) {
        return Some("deliver in consensus");
    }
    if ir.rules.iter().flat_map(|r| &r.guards).any(|g| {
        matches!(
            g,
            Guard::Received {
                quorum: Quorum::FromBroadcaster | Quorum::AtLeastExcluding(_),
                ..
            }
        )
    }) {
        return Some("a broadcaster in consensus");
    }
    if c.propose.is_none() {
        return Some("no on propose");
    }
    let mut counted = BTreeSet::new();
    for u in &c.upon {
        if !counted.insert(u.msg) {
            return Some("second upon on a type");
        }
        if u.arms.is_empty() {
            return Some("upon without when arm");
        }
        if u.arms
            .iter()
            .flat_map(|a| &a.counts)
            .any(|k| k.msg != u.msg)
        {
            return Some("count on another type");
        }
        if u.otherwise
            .iter()
            .flatten()
            .any(|e| *e != Effect::Handover(Estimate::Proposal))
        {
            return Some("otherwise does more than handover(proposal)");
        }
    }
    let sends_counted = |effects: &[Effect]| {
        effects
            .iter()
            .any(|e| matches!(e, Effect::Send { msg, .. } if counted.contains(msg)))
    };
    if ir.rules.iter().any(|r| sends_counted(&r.effects))
        || c.upon
            .iter()
            .flat_map(|u| &u.arms)
            .any(|a| sends_counted(&a.effects))
    {
        return Some("counted type sent outside on propose");
    }
    // The rules of section 2.7 on `when` rules, headers and `requires`.
    let mut as_broadcast = ir.clone();
    as_broadcast.problem = Problem::Broadcast;
    as_broadcast.consensus = Consensus::default();
    as_broadcast.broadcast = Some(Handler {
        value: "m".into(),
        effects: vec![Effect::Deliver],
    });
    if let Some(why) = invalid(&as_broadcast) {
        return Some(why);
    }
    if !ir.effects().any(|e| matches!(e, Effect::Decide)) {
        return Some("no decide");
    }
    let configs = allowed_configs(ir);
    let from = usize::from(ir.faults != FaultModel::None);
    if !c.one_step.is_empty()
        && !(1..=64usize)
            .flat_map(|n| (from..n).map(move |f| (n, f)))
            .any(|(n, f)| ir.allows(n, f) && ir.claims_one_step(n, f))
    {
        return Some("one_step unsatisfiable");
    }
    let at = |t: &Threshold, (n, f): (usize, usize)| t.least(n as i64, f as i64);
    for u in &c.upon {
        if configs.iter().any(|&c| at(&u.threshold, c).is_none()) {
            return Some("block threshold undefined");
        }
        if !configs
            .iter()
            .any(|&c| at(&u.threshold, c).is_some_and(|k| k <= c.0 as i64))
        {
            return Some("block threshold unreachable");
        }
        for k in u.arms.iter().flat_map(|a| &a.counts) {
            if configs.iter().any(|&c| at(&k.threshold, c).is_none()) {
                return Some("count undefined");
            }
            let met = configs
                .iter()
                .any(|&c| match (at(&k.threshold, c), at(&u.threshold, c)) {
                    (Some(k), Some(b)) => k <= b.max(1).min(c.0 as i64),
                    _ => false,
                });
            if !met {
                return Some("count unreachable");
            }
        }
    }
    None
}

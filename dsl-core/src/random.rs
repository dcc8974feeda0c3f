//! Random protocols, for differential and round-trip tests: broadcast
//! ([`protocol`]) and one-step consensus ([`consensus`]).
//!
//! Every protocol this makes passes validation: it delivers somewhere, has no
//! duplicate rule, and uses thresholds from [`thresholds`], which are all
//! reachable.

use crate::ir::*;
use rand::Rng;

/// The thresholds the learner and the tests draw from: the paper's set
/// {1, F+1, ceil((N+F)/2), N-F} and (N+F)/2+1, 2F+1, N-2F.
pub fn thresholds() -> Vec<Expr> {
    use BinOp::*;
    use Expr::*;
    let one = || Int(1);
    vec![
        one(),
        Expr::bin(Add, F, one()),
        // ceil((N+F)/2) = (N + F + 1) / 2
        Expr::bin(Div, Expr::bin(Add, Expr::bin(Add, N, F), one()), Int(2)),
        Expr::bin(Sub, N, F),
        Expr::bin(Add, Expr::bin(Div, Expr::bin(Add, N, F), Int(2)), one()),
        Expr::bin(Add, Expr::bin(Mul, Int(2), F), one()),
        Expr::bin(Sub, N, Expr::bin(Mul, Int(2), F)),
    ]
}

/// Shape of the random protocols.
#[derive(Clone, Debug)]
pub struct Shape {
    /// Fault model written in the header.
    pub faults: FaultModel,
    /// Number of message types (at least 1).
    pub messages: usize,
    /// Largest number of `when` rules.
    pub max_rules: usize,
    /// Largest number of effects per handler.
    pub max_effects: usize,
}

impl Default for Shape {
    fn default() -> Self {
        Shape {
            faults: FaultModel::Byzantine,
            messages: 2,
            max_rules: 4,
            max_effects: 2,
        }
    }
}

fn effect(rng: &mut impl Rng, messages: usize) -> Effect {
    if rng.random_ratio(1, 4) {
        Effect::Deliver
    } else {
        let to = [Dest::All, Dest::All, Dest::Others, Dest::Myself][rng.random_range(0..4)];
        Effect::Send {
            msg: rng.random_range(0..messages),
            to,
        }
    }
}

fn effects(rng: &mut impl Rng, shape: &Shape) -> Vec<Effect> {
    let k = rng.random_range(1..=shape.max_effects.max(1));
    let mut out: Vec<Effect> = Vec::new();
    for _ in 0..k {
        let e = effect(rng, shape.messages);
        if !out.contains(&e) {
            out.push(e);
        }
    }
    out
}

/// A random valid protocol named `name`.
pub fn protocol(rng: &mut impl Rng, shape: &Shape, name: &str) -> ProtocolIr {
    let thresholds = thresholds();
    let messages: Vec<String> = (0..shape.messages.max(1))
        .map(|i| format!("T{i}"))
        .collect();
    let requires = match shape.faults {
        FaultModel::None => vec![],
        FaultModel::Crash => vec![Cond {
            lhs: Expr::N,
            op: CmpOp::Gt,
            rhs: Expr::bin(BinOp::Mul, Expr::Int(2), Expr::F),
        }],
        FaultModel::Byzantine => vec![Cond {
            lhs: Expr::N,
            op: CmpOp::Gt,
            rhs: Expr::bin(BinOp::Mul, Expr::Int(3), Expr::F),
        }],
    };
    let broadcast = Some(Broadcast {
        value: "m".into(),
        effects: effects(rng, shape),
    });
    let mut rules: Vec<Rule> = Vec::new();
    for _ in 0..rng.random_range(0..=shape.max_rules) {
        let msg = rng.random_range(0..messages.len());
        let quorum = if rng.random_ratio(1, 4) {
            Quorum::FromBroadcaster
        } else {
            Quorum::AtLeast(thresholds[rng.random_range(0..thresholds.len())].clone())
        };
        let mut guards = vec![Guard::Received { msg, quorum }];
        if rng.random_ratio(1, 3) {
            guards.push(Guard::NotSent {
                msg: rng.random_range(0..messages.len()),
            });
        }
        let rule = Rule {
            value: "m".into(),
            guards,
            effects: effects(rng, shape),
        };
        if !rules.iter().any(|r| r.guards == rule.guards) {
            rules.push(rule);
        }
    }
    let mut ir = ProtocolIr {
        problem: Default::default(),
        consensus: Default::default(),
        name: name.into(),
        docs: vec![],
        public: true,
        faults: shape.faults,
        requires,
        messages,
        broadcast,
        rules,
    };
    if !ir.delivers() {
        // Make it valid: the last handler delivers.
        match ir.rules.last_mut() {
            Some(r) => r.effects.push(Effect::Deliver),
            None => ir
                .broadcast
                .as_mut()
                .expect("broadcast is set")
                .effects
                .push(Effect::Deliver),
        }
    }
    ir
}

/// Turns about half of the `received T(m) >= k` guards of `ir` into
/// `>= k excluding broadcaster`, where that stays valid: `ir` has an
/// `on broadcast` handler and k <= N - 1 at some (N, F) it allows.
/// Returns how many guards it turned (none if the result would not pass
/// validation, e.g. two rules with the same guards).
pub fn exclude_broadcaster(rng: &mut impl Rng, ir: &mut ProtocolIr) -> usize {
    if ir.broadcast.is_none() {
        return 0;
    }
    let before = ir.clone();
    let turned = turn_guards(rng, ir);
    if crate::syntax::parse_str(&crate::print::body(ir, ""))
        .ok()
        .as_ref()
        != Some(&*ir)
    {
        *ir = before;
        return 0;
    }
    turned
}

fn turn_guards(rng: &mut impl Rng, ir: &mut ProtocolIr) -> usize {
    let configs = crate::syntax::validate::allowed_configs(ir);
    let mut turned = 0;
    for rule in &mut ir.rules {
        let mut guards = Vec::with_capacity(rule.guards.len());
        for g in &rule.guards {
            let new = match g {
                Guard::Received {
                    msg,
                    quorum: Quorum::AtLeast(k),
                } if rng.random_ratio(1, 2)
                    && configs.iter().any(|&(n, f)| {
                        k.eval(n as i64, f as i64).is_some_and(|k| k < n as i64)
                    }) =>
                {
                    Guard::Received {
                        msg: *msg,
                        quorum: Quorum::AtLeastExcluding(k.clone()),
                    }
                }
                other => other.clone(),
            };
            // Two guards may not become one: keep the rule's guards distinct.
            if !guards.contains(&new) && !rule.guards.contains(&new) {
                turned += usize::from(new != *g);
                guards.push(new);
            } else {
                guards.push(g.clone());
            }
        }
        rule.guards = guards;
    }
    turned
}

/// Gives about half of the rules of `ir` a second `received` guard (issue
/// 23's shape: rules with two `received` guards): on another message type
/// where `ir` has one, `>= k` with k from [`thresholds`] or, a quarter of
/// the time, `from broadcaster`. A guard is kept only where the protocol
/// still passes validation (no two rules with the same guards, a reachable
/// threshold). Returns how many rules got one. Deterministic in `rng`.
pub fn second_received_guards(rng: &mut impl Rng, ir: &mut ProtocolIr) -> usize {
    let thresholds = thresholds();
    let mut added = 0;
    for i in 0..ir.rules.len() {
        if !rng.random_ratio(1, 2) {
            continue;
        }
        let first = ir.rules[i].guards.iter().find_map(|g| match g {
            Guard::Received { msg, .. } => Some(*msg),
            Guard::NotSent { .. } => None,
        });
        let others: Vec<MsgId> = (0..ir.messages.len())
            .filter(|&m| Some(m) != first || ir.messages.len() == 1)
            .collect();
        let msg = others[rng.random_range(0..others.len())];
        let quorum = if rng.random_ratio(1, 4) {
            Quorum::FromBroadcaster
        } else {
            Quorum::AtLeast(thresholds[rng.random_range(0..thresholds.len())].clone())
        };
        let guard = Guard::Received { msg, quorum };
        if ir.rules[i].guards.contains(&guard) {
            continue;
        }
        let before = ir.rules[i].guards.clone();
        // After the rule's `received` guards, before its `not sent` ones.
        let at = before
            .iter()
            .position(|g| matches!(g, Guard::NotSent { .. }))
            .unwrap_or(before.len());
        ir.rules[i].guards.insert(at, guard);
        if crate::syntax::parse_str(&crate::print::body(ir, ""))
            .ok()
            .as_ref()
            == Some(&*ir)
        {
            added += 1;
        } else {
            ir.rules[i].guards = before;
        }
    }
    added
}

/// The thresholds [`live_crash`] draws a deliver or relay rule's count
/// from: 1, F + 1, N - F, N - 2F, (N + F) / 2 + 1, 2F + 1, (N + 1) / 2.
/// Under crash faults with N > 2F the first four are always reached by
/// the correct processes alone; the others only at some (N, F).
pub fn crash_thresholds() -> Vec<Expr> {
    use BinOp::*;
    use Expr::*;
    vec![
        Int(1),
        Expr::bin(Add, F, Int(1)),
        Expr::bin(Sub, N, F),
        Expr::bin(Sub, N, Expr::bin(Mul, Int(2), F)),
        Expr::bin(Add, Expr::bin(Div, Expr::bin(Add, N, F), Int(2)), Int(1)),
        Expr::bin(Add, Expr::bin(Mul, Int(2), F), Int(1)),
        Expr::bin(Div, Expr::bin(Add, N, Int(1)), Int(2)),
    ]
}

/// A random valid crash broadcast protocol named `name` tilted toward live
/// ones (issue 23's "no false verified" target needs crash protocols that
/// the portfolio calls safe and live): `requires: N > 2 * F`, messages
/// `T0`, `T1` and a third of the time `T2`, built on a relay skeleton:
///
/// - `on broadcast(m) { send T0(m) to all; }` (an eighth of the time the
///   broadcaster also delivers at once);
/// - a relay `when received T0(m) from broadcaster { send T1(m) to all; }`
///   (or `received T0(m) >= 1`; half the time the rule also forwards `T0`
///   to all, with `and not sent T1`);
/// - a deliver `when received T1(m) >= k { deliver(m); }`, k from
///   [`crash_thresholds`], reachable at some allowed (N, F);
/// - three times in four an amplification `when received T1(m) >= j and
///   not sent T1 { send T1(m) to all; }`, j = 1 (two times in three) or
///   F + 1;
/// - with three messages, either (half the time) a second stage (`T1 >=
///   k'` sends `T2` to all, and the deliver counts `T2`), or the weak
///   evidence of issue 23's example: `when received T0(m) from broadcaster
///   { send T2(m) to self; }` and `when received T2(m) >= 1 { deliver(m);
///   }`, which delivers on the broadcaster's word alone and loses totality
///   once the broadcaster crashes mid-send.
///
/// Deterministic in `rng`; the result passes validation (it prints and
/// parses back to itself).
pub fn live_crash(rng: &mut impl Rng, name: &str) -> ProtocolIr {
    for _ in 0..100 {
        let ir = live_crash_candidate(rng, name);
        if crate::syntax::parse_str(&crate::print::body(&ir, "")).as_ref() == Ok(&ir) {
            return ir;
        }
    }
    // Unreachable in practice: the skeleton with `T1 >= 1` is valid.
    let mut ir = live_crash_candidate(rng, name);
    ir.messages.truncate(2);
    ir.broadcast = Some(Broadcast {
        value: "m".into(),
        effects: vec![Effect::Send {
            msg: 0,
            to: Dest::All,
        }],
    });
    ir.rules = vec![
        Rule {
            value: "m".into(),
            guards: vec![Guard::Received {
                msg: 0,
                quorum: Quorum::FromBroadcaster,
            }],
            effects: vec![Effect::Send {
                msg: 1,
                to: Dest::All,
            }],
        },
        Rule {
            value: "m".into(),
            guards: vec![Guard::Received {
                msg: 1,
                quorum: Quorum::AtLeast(Expr::Int(1)),
            }],
            effects: vec![Effect::Deliver],
        },
    ];
    ir
}

fn live_crash_candidate(rng: &mut impl Rng, name: &str) -> ProtocolIr {
    let thresholds = crash_thresholds();
    let pick = |rng: &mut dyn rand::RngCore| {
        Quorum::AtLeast(thresholds[rng.random_range(0..thresholds.len())].clone())
    };
    let three = rng.random_ratio(1, 3);
    let messages: Vec<String> = (0..if three { 3 } else { 2 })
        .map(|i| format!("T{i}"))
        .collect();
    let send = |msg: MsgId| Effect::Send { msg, to: Dest::All };
    let rule = |guards: Vec<Guard>, effects: Vec<Effect>| Rule {
        value: "m".into(),
        guards,
        effects,
    };
    let received = |msg: MsgId, quorum: Quorum| Guard::Received { msg, quorum };
    let mut broadcast = vec![send(0)];
    if rng.random_ratio(1, 8) {
        broadcast.push(Effect::Deliver);
    }
    let mut rules = Vec::new();
    // The relay: T0 from the broadcaster (or from anyone) starts T1.
    let relay_quorum = if rng.random_ratio(3, 4) {
        Quorum::FromBroadcaster
    } else {
        Quorum::AtLeast(Expr::Int(1))
    };
    if rng.random_ratio(1, 2) {
        // `not sent T1`, not `not sent T0`: the broadcaster has sent T0
        // already and must still relay (a `not sent T0` here fails
        // validity at N = 1).
        rules.push(rule(
            vec![received(0, relay_quorum), Guard::NotSent { msg: 1 }],
            vec![send(0), send(1)],
        ));
    } else {
        rules.push(rule(vec![received(0, relay_quorum)], vec![send(1)]));
    }
    // Amplification of T1 (what keeps totality when the broadcaster
    // crashes mid-send).
    if rng.random_ratio(3, 4) {
        let j = if rng.random_ratio(2, 3) {
            Expr::Int(1)
        } else {
            Expr::bin(BinOp::Add, Expr::F, Expr::Int(1))
        };
        rules.push(rule(
            vec![received(1, Quorum::AtLeast(j)), Guard::NotSent { msg: 1 }],
            vec![send(1)],
        ));
    }
    let deliver_on = if three && rng.random_ratio(1, 2) {
        // A second stage: T1 >= k' sends T2 to all; the deliver counts T2.
        rules.push(rule(
            vec![received(1, pick(rng)), Guard::NotSent { msg: 2 }],
            vec![send(2)],
        ));
        2
    } else {
        1
    };
    rules.push(rule(
        vec![received(deliver_on, pick(rng))],
        vec![Effect::Deliver],
    ));
    if three && deliver_on == 1 {
        // Issue 23's weak evidence: a local copy after one T0, delivered.
        rules.push(rule(
            vec![
                received(0, Quorum::FromBroadcaster),
                Guard::NotSent { msg: 2 },
            ],
            vec![Effect::Send {
                msg: 2,
                to: Dest::Myself,
            }],
        ));
        rules.push(rule(
            vec![received(2, Quorum::AtLeast(Expr::Int(1)))],
            vec![Effect::Deliver],
        ));
    }
    ProtocolIr {
        problem: Default::default(),
        consensus: Default::default(),
        name: name.into(),
        docs: vec![],
        public: true,
        faults: FaultModel::Crash,
        requires: vec![n_above(2)],
        messages,
        broadcast: Some(Broadcast {
            value: "m".into(),
            effects: broadcast,
        }),
        rules,
    }
}

/// The thresholds of random consensus arms, all linear in N and F: N - F,
/// N - 2F, (N + 3F) / 2, (N - F) / 2, (N + F) / 2, F + 1, 2F + 1.
pub fn consensus_thresholds() -> Vec<Expr> {
    use BinOp::*;
    use Expr::*;
    let half = |e: Expr| Expr::bin(Div, e, Int(2));
    vec![
        Expr::bin(Sub, N, F),
        Expr::bin(Sub, N, Expr::bin(Mul, Int(2), F)),
        half(Expr::bin(Add, N, Expr::bin(Mul, Int(3), F))),
        half(Expr::bin(Sub, N, F)),
        half(Expr::bin(Add, N, F)),
        Expr::bin(Add, F, Int(1)),
        Expr::bin(Add, Expr::bin(Mul, Int(2), F), Int(1)),
    ]
}

/// `N > k * F`.
fn n_above(k: i64) -> Cond {
    Cond {
        lhs: Expr::N,
        op: CmpOp::Gt,
        rhs: Expr::bin(BinOp::Mul, Expr::Int(k), Expr::F),
    }
}

/// A random valid one-step consensus protocol named `name` under `faults`
/// (`problem: consensus;`, one message type `Vote`): `on propose(v) { send
/// Vote(v) to all; }`, `requires: N > 2F` or `N > 3F` (crash), `N > 3F` or
/// `N > 5F` (Byzantine), nothing under `none`; one `upon received Vote >= N -
/// F` (sometimes `>= N - 2F` or `> (N + F) / 2`) with 1 to 3 arms of one
/// count each (`Vote(v) >= e` or `> e`, e from [`consensus_thresholds`]),
/// each with one effect among `decide(v)`, `handover(v)`,
/// `handover(proposal)` (at least one arm decides), and half the time
/// `otherwise { handover(proposal); }`; a third of the time a `one_step`
/// claim `N > kF`. Deterministic in `rng`; the result passes validation.
pub fn consensus(rng: &mut impl Rng, faults: FaultModel, name: &str) -> ProtocolIr {
    for _ in 0..100 {
        let ir = consensus_candidate(rng, faults, name);
        if crate::syntax::parse_str(&crate::print::body(&ir, "")).as_ref() == Ok(&ir) {
            return ir;
        }
    }
    // Unreachable in practice; cf1s is valid under every fault model.
    let mut ir = consensus_candidate(rng, faults, name);
    let vote = Threshold {
        strict: false,
        expr: Expr::bin(BinOp::Sub, Expr::N, Expr::F),
    };
    ir.consensus.upon[0].threshold = vote.clone();
    ir.consensus.upon[0].arms = vec![Arm::vote(vote, vec![Effect::Decide])];
    ir.consensus.one_step.clear();
    ir
}

fn consensus_candidate(rng: &mut impl Rng, faults: FaultModel, name: &str) -> ProtocolIr {
    use BinOp::*;
    let requires = match faults {
        FaultModel::None => vec![],
        FaultModel::Crash => vec![n_above([2, 3][rng.random_range(0..2)])],
        FaultModel::Byzantine => vec![n_above([3, 3, 5][rng.random_range(0..3)])],
    };
    let block = match rng.random_range(0..6) {
        0 => Threshold {
            strict: false,
            expr: Expr::bin(Sub, Expr::N, Expr::bin(Mul, Expr::Int(2), Expr::F)),
        },
        1 => Threshold {
            strict: true,
            expr: Expr::bin(Div, Expr::bin(Add, Expr::N, Expr::F), Expr::Int(2)),
        },
        _ => Threshold {
            strict: false,
            expr: Expr::bin(Sub, Expr::N, Expr::F),
        },
    };
    let thresholds = consensus_thresholds();
    let mut arms: Vec<Arm> = Vec::new();
    for _ in 0..rng.random_range(1..=3) {
        let effect = match rng.random_range(0..3) {
            0 => Effect::Decide,
            1 => Effect::Handover(Estimate::Value),
            _ => Effect::Handover(Estimate::Proposal),
        };
        let threshold = Threshold {
            strict: rng.random_ratio(1, 2),
            expr: thresholds[rng.random_range(0..thresholds.len())].clone(),
        };
        let arm = Arm::vote(threshold, vec![effect]);
        if !arms.iter().any(|a| a.counts == arm.counts) {
            arms.push(arm);
        }
    }
    if !arms.iter().any(|a| a.effects == [Effect::Decide]) {
        arms[0].effects = vec![Effect::Decide];
    }
    let otherwise = rng
        .random_ratio(1, 2)
        .then(|| vec![Effect::Handover(Estimate::Proposal)]);
    let one_step = if faults != FaultModel::None && rng.random_ratio(1, 3) {
        vec![n_above([3, 5, 7][rng.random_range(0..3)])]
    } else {
        vec![]
    };
    ProtocolIr::one_step(
        name,
        faults,
        requires,
        Upon::votes(block, arms, otherwise),
        one_step,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    /// The live-tilted crash protocols are valid on the first draw (the
    /// fallback is never needed) and vary: both deliver stages, the weak
    /// evidence and the amplification all occur.
    #[test]
    fn live_crash_protocols_are_valid_and_varied() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(25);
        let (mut weak, mut stage, mut amplified) = (0, 0, 0);
        for i in 0..60 {
            let mut probe = rng.clone();
            let ir = live_crash(&mut rng, &format!("L{i}"));
            assert_eq!(
                live_crash_candidate(&mut probe, &ir.name),
                ir,
                "valid at once"
            );
            let back = crate::syntax::parse_str(&crate::print::body(&ir, ""));
            assert_eq!(back.as_ref(), Ok(&ir), "{}", crate::print::invocation(&ir));
            assert!(ir.allows(3, 1) && !ir.allows(2, 1) && ir.delivers());
            let sends_to_self = ir.effects().any(|e| {
                matches!(
                    e,
                    Effect::Send {
                        to: Dest::Myself,
                        ..
                    }
                )
            });
            weak += usize::from(sends_to_self);
            stage += usize::from(ir.rules.iter().any(|r| {
                r.effects
                    == [Effect::Send {
                        msg: 2,
                        to: Dest::All,
                    }]
            }));
            amplified += usize::from(ir.rules.iter().any(|r| {
                r.effects
                    == [Effect::Send {
                        msg: 1,
                        to: Dest::All,
                    }]
                    && r.guards.contains(&Guard::NotSent { msg: 1 })
            }));
        }
        assert!(
            weak >= 3 && stage >= 3 && amplified >= 15,
            "{weak} {stage} {amplified}"
        );
    }

    /// Issue 23's shape: random protocols whose rules have two `received`
    /// guards, still valid (they print and parse back to themselves).
    #[test]
    fn second_received_guards_keep_protocols_valid() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(23);
        let (mut added, mut two) = (0, 0);
        for i in 0..40 {
            let shape = Shape {
                messages: 2 + i % 2,
                ..Shape::default()
            };
            let mut ir = protocol(&mut rng, &shape, "Two");
            added += second_received_guards(&mut rng, &mut ir);
            let back = crate::syntax::parse_str(&crate::print::body(&ir, ""));
            assert_eq!(back.as_ref(), Ok(&ir), "{}", crate::print::invocation(&ir));
            two += ir
                .rules
                .iter()
                .filter(|r| {
                    r.guards
                        .iter()
                        .filter(|g| matches!(g, Guard::Received { .. }))
                        .count()
                        == 2
                })
                .count();
        }
        assert!(added > 10, "{added}");
        assert_eq!(added, two);
    }
}

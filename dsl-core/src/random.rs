//! Random protocols, for differential and round-trip tests: broadcast
//! ([`protocol`]) and one-step consensus ([`consensus`]).
//!
//! Every protocol this makes passes validation: it delivers somewhere, has no
//! duplicate rule, and uses thresholds from [`thresholds`], which are all
//! reachable.

use crate::ir::*;
use rand::Rng;

mod live_crash;
mod preempting;
pub use live_crash::{crash_thresholds, live_crash};
pub use preempting::{preempting, with_preempting_pair};

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

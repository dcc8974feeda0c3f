//! Random protocols, for differential and round-trip tests.
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

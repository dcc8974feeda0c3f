//! Random protocols with a rule that another may pre-empt: the pattern of
//! the translation's pre-empted rules (`ta/local/preempted.rs`), for the
//! tests that compare leaving such a rule out with the explicit checker.

use super::Shape;
use crate::ir::{Dest, Effect, Expr, FaultModel, Guard, ProtocolIr, Quorum, Rule};
use rand::Rng;

/// A random protocol (default [`Shape`] under `faults`, named `name`) with
/// the pattern of [`with_preempting_pair`]; `None` if it does not pass
/// validation.
pub fn preempting(rng: &mut impl Rng, faults: FaultModel, name: &str) -> Option<ProtocolIr> {
    let shape = Shape {
        faults,
        ..Shape::default()
    };
    let ir = super::protocol(rng, &shape, name);
    with_preempting_pair(rng, &ir)
}

/// `ir` with two rules added at random places: A, `received T(m) >= 1 {
/// send S(m) to ..; }`, and R, `received T(m) >= k and not sent S { deliver
/// ..}` with k a random threshold, often pre-empted by A (the pattern of
/// B180 of the random bench, `ta/local/preempted.rs`), in place of the
/// rules of `ir` that deliver; `None` if the result does not pass
/// validation.
pub fn with_preempting_pair(rng: &mut impl Rng, ir: &ProtocolIr) -> Option<ProtocolIr> {
    let types = ir.messages.len();
    let (t, s) = (rng.random_range(0..types), rng.random_range(0..types));
    let dests = [Dest::All, Dest::Others, Dest::Myself];
    let thresholds = super::thresholds();
    let a = Rule {
        value: "m".into(),
        guards: vec![Guard::Received {
            msg: t,
            quorum: Quorum::AtLeast(Expr::Int(1)),
        }],
        effects: vec![Effect::Send {
            msg: s,
            to: dests[rng.random_range(0..3)],
        }],
    };
    let mut effects = vec![Effect::Deliver];
    if rng.random_bool(0.5) {
        effects.push(Effect::Send {
            msg: rng.random_range(0..types),
            to: dests[rng.random_range(0..3)],
        });
    }
    let r = Rule {
        value: "m".into(),
        guards: vec![
            Guard::Received {
                msg: t,
                quorum: Quorum::AtLeast(thresholds[rng.random_range(0..thresholds.len())].clone()),
            },
            Guard::NotSent { msg: s },
        ],
        effects,
    };
    let mut out = ir.clone();
    out.rules
        .retain(|rule| !rule.effects.contains(&Effect::Deliver));
    for rule in [a, r] {
        let at = rng.random_range(0..=out.rules.len());
        out.rules.insert(at, rule);
    }
    crate::syntax::parse_str(&crate::print::body(&out, "")).ok()
}

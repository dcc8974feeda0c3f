//! One-step consensus in the learner (`distgen learn --problem consensus`,
//! issue 20 item 7): its action space, its protocols, its sizes, the
//! one-step score that the rewards value, and the `one_step:` claim of the
//! protocol it settles on.
//!
//! A consensus draft always has `on propose(v) { send Vote(v) to all; }`
//! (not a move: every one-step protocol of the literature starts so). The
//! moves build one block `upon received Vote >= k { arms otherwise }`:
//! [`Move::Upon`] chooses k, then each [`Move::Arm`] adds `when Vote(v)
//! <threshold> { decide(v); | handover(v); | handover(proposal); }` after the
//! others, [`Move::Otherwise`] adds `otherwise { handover(proposal); }`, and
//! [`Move::End`] ends a draft whose arms decide somewhere. The arm
//! thresholds are sorted from the highest to the lowest (by their values at
//! the sizes checked, largest size first) and a new arm's threshold must
//! come after the last arm's: arms are tried in order, so a lower threshold
//! before a higher one of the same value would shadow it, and every block
//! is built by one move sequence. Thresholds equal at every size checked
//! are one threshold (the first kept), and one that no snapshot can meet
//! (more than N votes at every size) is none.
//!
//! The oracle checks safety and termination at every size
//! ([`sizes`]); for a verified protocol it also measures one-step
//! ([`measure`]): when every correct process proposes the same value, does
//! every correct process decide at its first evaluation, without faults
//! (weakly one-step) and with F faulty processes (strongly one-step). The
//! terminal reward adds [`Space::one_step`] times the share of sizes where
//! it is strongly one-step and [`Space::weak_one_step`] times the share
//! where it is weakly one-step ([`bonus`]); the costs of the moves
//! ([`Space`]) then prefer the smaller of two protocols worth as much. The
//! protocol the run settles on claims `one_step: N > k * F` for the least
//! k that its measures support ([`claim`]), and the re-validation and the
//! all-N check then check that claim like any other property.

use crate::config::{ConfigError, LearnConfig};
use crate::thresholds::{ThresholdSpec, Thresholds};
use crate::vocab::{ArmEff, Draft, DraftArm, Move};
use dsl_core::checker::{Config, Limits};
use dsl_core::ir::{
    Arm, BinOp, CmpOp, Cond, Consensus, Count, Dest, Effect, Estimate, Expr, FaultModel, Handler,
    Problem, ProtocolIr, Quorum, Threshold, Upon,
};
use serde::{Deserialize, Serialize};

pub mod space;

pub use crate::sizes::consensus_sizes as sizes;
pub use space::Space;

/// The consensus space compiled for the sizes checked.
#[derive(Clone, Debug, PartialEq)]
pub struct Compiled {
    /// The space it was compiled from (its costs and rewards).
    pub space: Space,
    /// The `upon` thresholds.
    pub upon: Vec<Threshold>,
    /// Their costs.
    pub upon_costs: Vec<f64>,
    /// The arm thresholds, highest first.
    pub arms: Vec<Threshold>,
    /// Their costs.
    pub arm_costs: Vec<f64>,
    /// Per upon threshold, per arm threshold: whether the arm can hold in
    /// the block's snapshot at some size with F >= 1 (needs no more votes
    /// than it).
    pub reachable: Vec<Vec<bool>>,
    /// Most arms.
    pub max_arms: usize,
}

/// `> e`, `>= e` or `e` (meaning `>= e`).
pub fn parse_threshold(text: &str) -> Result<Threshold, ConfigError> {
    let t = text.trim();
    let (strict, rest) = if let Some(r) = t.strip_prefix(">=") {
        (false, r)
    } else if let Some(r) = t.strip_prefix('>') {
        (true, r)
    } else {
        (false, t)
    };
    let expr = dsl_core::syntax::parse_expr(rest)
        .map_err(|e| ConfigError::Parse(format!("consensus threshold `{text}`: {e}")))?;
    Ok(Threshold { strict, expr })
}

/// Compiles the space of `config` for `sizes`.
pub fn compile(config: &LearnConfig, sizes: &[(usize, usize)]) -> Result<Compiled, ConfigError> {
    let space = &config.consensus;
    let parse_all = |list: &[ThresholdSpec]| -> Result<Vec<(Threshold, f64)>, ConfigError> {
        list.iter()
            .map(|s| Ok((parse_threshold(&s.expr)?, s.cost)))
            .collect()
    };
    let upon = parse_all(&space.upon)?;
    let arms = match &config.thresholds {
        Thresholds::List(_) => parse_all(&space.arms)?,
        Thresholds::Family(_) => {
            let (quorums, costs) = crate::thresholds::quorums(config, sizes)?;
            quorums
                .into_iter()
                .zip(costs)
                .filter_map(|(q, c)| match q {
                    Quorum::AtLeast(expr) => Some((
                        Threshold {
                            strict: false,
                            expr,
                        },
                        c,
                    )),
                    _ => None,
                })
                .collect()
        }
    };
    let arms = sorted_distinct(arms, sizes);
    if upon.is_empty() || arms.is_empty() {
        return Err(ConfigError::Invalid(
            "consensus: give at least one upon threshold and one arm threshold".into(),
        ));
    }
    if space.max_arms == 0 || arms.len() > u8::MAX as usize || upon.len() > u8::MAX as usize {
        return Err(ConfigError::Invalid(
            "consensus: max_arms must be at least 1, and at most 255 thresholds".into(),
        ));
    }
    let (upon, upon_costs): (Vec<Threshold>, Vec<f64>) = upon.into_iter().unzip();
    let (arms, arm_costs): (Vec<Threshold>, Vec<f64>) = arms.into_iter().unzip();
    // Judged where faults are possible: at F = 0 every threshold N - kF is
    // N, and an arm that can run only there decides only without faults.
    let faulty: Vec<(usize, usize)> = sizes.iter().copied().filter(|s| s.1 > 0).collect();
    let judged = if faulty.is_empty() {
        sizes
    } else {
        &faulty[..]
    };
    let reachable = upon
        .iter()
        .map(|u| {
            arms.iter()
                .map(|a| {
                    judged.iter().any(|&(n, f)| {
                        let (n, f) = (n as i64, f as i64);
                        matches!((a.least(n, f), u.least(n, f)), (Some(a), Some(u)) if a <= u)
                    })
                })
                .collect()
        })
        .collect();
    Ok(Compiled {
        space: space.clone(),
        upon,
        upon_costs,
        arms,
        arm_costs,
        reachable,
        max_arms: space.max_arms,
    })
}

/// The least count each threshold needs at each size, largest size first.
fn values(t: &Threshold, sizes: &[(usize, usize)]) -> Vec<Option<i64>> {
    sizes
        .iter()
        .rev()
        .map(|&(n, f)| t.least(n as i64, f as i64))
        .collect()
}

/// `arms` highest first (by their values, largest size first), one of each
/// set equal at every size (the first), none that needs more than N votes
/// at every size.
fn sorted_distinct(arms: Vec<(Threshold, f64)>, sizes: &[(usize, usize)]) -> Vec<(Threshold, f64)> {
    let meetable = |t: &Threshold| {
        sizes
            .iter()
            .any(|&(n, f)| t.least(n as i64, f as i64).is_some_and(|k| k <= n as i64))
    };
    let mut kept: Vec<(Threshold, f64)> = Vec::new();
    for (t, c) in arms {
        if meetable(&t)
            && !kept
                .iter()
                .any(|(k, _)| values(k, sizes) == values(&t, sizes))
        {
            kept.push((t, c));
        }
    }
    // Stable: among equal orders, the given order.
    kept.sort_by_key(|(t, _)| std::cmp::Reverse(values(t, sizes)));
    kept
}

/// The structurally valid consensus moves in `draft`, in a fixed order:
/// the `upon` threshold first, then arms in threshold order, each one that
/// some snapshot can meet at some size (an arm that needs more votes than
/// the block waits for at every size never runs: a protocol whose only
/// decision is such an arm is correct by never deciding), then
/// `otherwise`, and `end` once an arm decides.
pub fn moves(c: &Compiled, draft: &Draft) -> Vec<Move> {
    let Some(upon) = draft.upon else {
        return (0..c.upon.len() as u8).map(Move::Upon).collect();
    };
    let mut out = Vec::new();
    if !draft.otherwise && draft.arms.len() < c.max_arms {
        let from = draft.arms.last().map_or(0, |a| a.threshold as usize + 1);
        for t in (from..c.arms.len()).filter(|&t| c.reachable[upon as usize][t]) {
            for effect in [ArmEff::Decide, ArmEff::Handover, ArmEff::HandoverProposal] {
                out.push(Move::Arm(DraftArm {
                    threshold: t as u8,
                    effect,
                }));
            }
        }
    }
    if !draft.otherwise && !draft.arms.is_empty() {
        out.push(Move::Otherwise);
    }
    if draft.decides() {
        out.push(Move::End);
    }
    out
}

/// The cost of a consensus move.
pub fn move_cost(c: &Compiled, mv: &Move) -> f64 {
    match mv {
        Move::Upon(k) => c.upon_costs[*k as usize],
        Move::Arm(arm) => c.arm_costs[arm.threshold as usize] + c.space.effect_cost(arm.effect),
        Move::Otherwise => c.space.otherwise,
        _ => 0.0,
    }
}

/// The consensus parts of the protocol a draft stands for.
pub fn to_ir(c: &Compiled, draft: &Draft) -> (Vec<String>, Consensus) {
    let vote = 0;
    let upon = draft.upon.map(|k| Upon {
        msg: vote,
        threshold: c.upon[k as usize].clone(),
        arms: draft
            .arms
            .iter()
            .map(|a| Arm {
                value: "v".into(),
                counts: vec![Count {
                    msg: vote,
                    threshold: c.arms[a.threshold as usize].clone(),
                }],
                effects: vec![a.effect.to_ir()],
            })
            .collect(),
        otherwise: draft
            .otherwise
            .then(|| vec![Effect::Handover(Estimate::Proposal)]),
    });
    (
        vec!["Vote".into()],
        Consensus {
            propose: Some(Handler {
                value: "v".into(),
                effects: vec![Effect::Send {
                    msg: vote,
                    to: Dest::All,
                }],
            }),
            upon: upon.into_iter().collect(),
            one_step: vec![],
        },
    )
}

/// One-step measured at one size.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OneStepAt {
    /// N.
    pub n: usize,
    /// F.
    pub f: usize,
    /// Without faults: `Some(true)` one-step, `None` unknown (a limit).
    pub weak: Option<bool>,
    /// With F faulty processes.
    pub strong: Option<bool>,
}

/// One-step of `ir` at each size of `configs` (each (N, F) once; with
/// faults, only sizes with F >= 1, where the two measures differ).
pub fn measure(ir: &ProtocolIr, configs: &[Config], limits: Limits) -> Vec<OneStepAt> {
    let mut out: Vec<OneStepAt> = Vec::new();
    for c in configs {
        let seen = out.iter().any(|m| (m.n, m.f) == (c.n, c.f));
        let faultless = c.f == 0 && ir.faults != FaultModel::None;
        if ir.problem != Problem::Consensus || seen || faultless {
            continue;
        }
        let [weak, strong] = dsl_core::consensus::measure_one_step(ir, *c, limits);
        out.push(OneStepAt {
            n: c.n,
            f: c.f,
            weak: weak.one_step,
            strong: strong.one_step,
        });
    }
    out
}

/// What one-step earns a verified protocol: [`Space::one_step`] times the
/// share of sizes where it is strongly one-step, plus
/// [`Space::weak_one_step`] times the share where it is weakly one-step.
pub fn bonus(space: &Space, measures: &[OneStepAt]) -> f64 {
    if measures.is_empty() {
        return 0.0;
    }
    let share = |yes: usize| yes as f64 / measures.len() as f64;
    let strong = measures.iter().filter(|m| m.strong == Some(true)).count();
    let weak = measures.iter().filter(|m| m.weak == Some(true)).count();
    space.one_step * share(strong) + space.weak_one_step * share(weak)
}

/// `ir` with the `one_step:` claim its measures support ([`claim`]), if
/// they support one; `None` otherwise.
pub fn claimed(ir: &ProtocolIr, measures: &[OneStepAt]) -> Option<ProtocolIr> {
    let claim = claim(measures, &ir.requires)?;
    let mut ir = ir.clone();
    ir.consensus.one_step = claim;
    Some(ir)
}

/// The `one_step:` claim the measures support: `requires` itself when the
/// protocol is strongly one-step at every measured size (and `requires` is
/// not empty), else `N > k * F` for the least k in 1..=15 such that it is
/// strongly one-step at every measured size with N > kF, and at one at
/// least; `None` if it is at none.
pub fn claim(measures: &[OneStepAt], requires: &[Cond]) -> Option<Vec<Cond>> {
    let measured: Vec<&OneStepAt> = measures.iter().filter(|m| m.f >= 1).collect();
    if measured.is_empty() {
        return None;
    }
    if !requires.is_empty() && measured.iter().all(|m| m.strong == Some(true)) {
        return Some(requires.to_vec());
    }
    (1..=15i64).find_map(|k| {
        let covered: Vec<&&OneStepAt> = measured
            .iter()
            .filter(|m| m.n as i64 > k * m.f as i64)
            .collect();
        let holds = !covered.is_empty() && covered.iter().all(|m| m.strong == Some(true));
        holds.then(|| {
            vec![Cond {
                lhs: Expr::N,
                op: CmpOp::Gt,
                rhs: Expr::bin(BinOp::Mul, Expr::Int(k), Expr::F),
            }]
        })
    })
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod judged {
    use super::*;
    use crate::oracle::{CheckerOracle, Oracle};

    /// c1cs as a draft of the crash space: upon N - F; >= N - F decide;
    /// >= N - 2F handover; otherwise.
    #[test]
    fn c1cs_is_in_the_crash_space_verified_and_one_step() {
        let mut config = LearnConfig::defaults_for(Problem::Consensus, FaultModel::Crash);
        config.oracle.all_n = false;
        let env = crate::env::Env::new(&config).unwrap();
        let c = env.consensus.as_ref().unwrap();
        let idx = |text: &str| {
            let t = parse_threshold(text).unwrap();
            c.arms.iter().position(|a| *a == t).unwrap() as u8
        };
        let draft = Draft {
            upon: Some(0),
            arms: vec![
                DraftArm {
                    threshold: idx(">= N - F"),
                    effect: ArmEff::Decide,
                },
                DraftArm {
                    threshold: idx(">= N - 2 * F"),
                    effect: ArmEff::Handover,
                },
            ],
            otherwise: true,
            ..Draft::default()
        };
        let ir = env.to_ir(&draft);
        let mut oracle = CheckerOracle::new(&config).unwrap();
        let j = oracle.judge(&ir, false);
        assert!(j.verified, "{j:?}\n{}", dsl_core::print::body(&ir, ""));
        assert_eq!(
            j.one_step.len(),
            env.sizes.iter().filter(|s| s.1 > 0).count()
        );
        assert_eq!(
            bonus(&config.consensus, &j.one_step),
            60.0,
            "{:?}",
            j.one_step
        );
    }
}

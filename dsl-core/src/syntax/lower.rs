//! Syntax tree -> IR: resolves message names to ids and checks that every
//! value name is the one its handler binds. One function per construct:
//! headers, effects, the broadcast handler, a rule, a guard.
//!
//! The header rules (one `faults`, one `messages`, each type declared once)
//! are checks of their own in [`super::validate`]; lowering takes the first
//! of each and goes on.

use super::ast::*;
use super::errors::Errors;
use crate::ir::*;
use syn::Ident;

/// Lowers `def` to the IR, recording name-resolution errors in `errors`.
/// The result is complete only if no error was recorded (here or by
/// [`super::validate::check_headers`]).
pub fn lower(def: &ProtocolDef, errors: &mut Errors) -> ProtocolIr {
    let messages = Messages(declared_messages(def));
    let mut broadcast = None;
    let mut rules = Vec::new();
    let mut consensus = Consensus::default();
    for item in &def.items {
        match item {
            Item::OnPropose { value, effects, .. } => {
                let lowered = lower_broadcast(value, effects, &messages, errors);
                consensus.propose.get_or_insert(lowered);
            }
            Item::Upon {
                msg,
                threshold,
                arms,
                ..
            } => consensus
                .upon
                .push(lower_upon(msg, threshold, arms, &messages, errors)),
            Item::OneStep { conds, .. } => consensus.one_step.extend(conds.iter().map(cond)),
            Item::OnBroadcast { value, effects, .. } => {
                let lowered = lower_broadcast(value, effects, &messages, errors);
                broadcast.get_or_insert(lowered);
            }
            Item::When {
                span,
                guards,
                effects,
            } => rules.extend(lower_rule(*span, guards, effects, &messages, errors)),
            Item::Faults { .. }
            | Item::Requires { .. }
            | Item::Messages { .. }
            | Item::Problem { .. } => {}
        }
    }
    ProtocolIr {
        problem: problem(def),
        consensus,
        name: def.name.to_string(),
        docs: def.docs.clone(),
        public: !matches!(def.vis, syn::Visibility::Inherited),
        faults: fault_model(def).unwrap_or(FaultModel::None),
        requires: requires(def),
        messages: messages.0.iter().map(|m| m.to_string()).collect(),
        broadcast,
        rules,
    }
}

/// The fault model of the first `faults` header.
fn fault_model(def: &ProtocolDef) -> Option<FaultModel> {
    def.items.iter().find_map(|item| match item {
        Item::Faults { model, .. } => Some(*model),
        _ => None,
    })
}

/// The problem of the first `problem` header; broadcast without one.
pub fn problem(def: &ProtocolDef) -> Problem {
    def.items
        .iter()
        .find_map(|item| match item {
            Item::Problem { problem, .. } => Some(*problem),
            _ => None,
        })
        .unwrap_or_default()
}

/// The conditions of every `requires` header, in order.
fn requires(def: &ProtocolDef) -> Vec<Cond> {
    def.items
        .iter()
        .flat_map(|item| match item {
            Item::Requires { conds, .. } => conds.iter().map(cond).collect(),
            _ => Vec::new(),
        })
        .collect()
}

/// A condition without its tokens.
pub fn cond(c: &CondSyn) -> Cond {
    Cond {
        lhs: c.lhs.expr.clone(),
        op: c.op,
        rhs: c.rhs.expr.clone(),
    }
}

/// The message types of every `messages` header, each once, in order: a
/// type's id is its index here.
fn declared_messages(def: &ProtocolDef) -> Vec<Ident> {
    let mut messages: Vec<Ident> = Vec::new();
    for item in &def.items {
        if let Item::Messages { names, .. } = item {
            for name in names {
                if !messages.contains(name) {
                    messages.push(name.clone());
                }
            }
        }
    }
    messages
}

/// The declared message types, by id.
struct Messages(Vec<Ident>);

impl Messages {
    /// The id of `msg`; an error (and id 0) if it is not declared.
    fn resolve(&self, msg: &Ident, errors: &mut Errors) -> MsgId {
        if let Some(id) = self.0.iter().position(|m| m == msg) {
            return id;
        }
        let known: Vec<String> = self.0.iter().map(|m| format!("`{m}`")).collect();
        let known = if known.is_empty() {
            "none".to_string()
        } else {
            known.join(", ")
        };
        errors.spanned(
            msg,
            format!("unknown message type `{msg}`; declare it in `messages:` (declared: {known})"),
        );
        0
    }
}

/// `on broadcast(value) { effects }`.
fn lower_broadcast(
    value: &Ident,
    effects: &[EffectSyn],
    messages: &Messages,
    errors: &mut Errors,
) -> Broadcast {
    Broadcast {
        value: value.to_string(),
        effects: lower_effects(Some(value), effects, messages, errors),
    }
}

/// A threshold without its tokens.
fn threshold(t: &ThresholdSyn) -> Threshold {
    Threshold {
        strict: t.strict,
        expr: t.expr.expr.clone(),
    }
}

/// `upon received msg threshold { arms }`: the `when` arms in order, and the
/// first `otherwise` (a second one, or one before a `when`, is an error of
/// [`super::consensus`]).
fn lower_upon(
    msg: &Ident,
    t: &ThresholdSyn,
    arms: &[ArmSyn],
    messages: &Messages,
    errors: &mut Errors,
) -> Upon {
    let mut upon = Upon {
        msg: messages.resolve(msg, errors),
        threshold: threshold(t),
        arms: Vec::new(),
        otherwise: None,
    };
    for arm in arms {
        match arm {
            ArmSyn::When {
                counts, effects, ..
            } => {
                let bound = &counts[0].value;
                let counts = counts
                    .iter()
                    .map(|c| {
                        if &c.value != bound {
                            errors.spanned(
                                &c.value,
                                format!(
                                    "every count of an arm binds the same value; write `{}({bound})`",
                                    c.msg
                                ),
                            );
                        }
                        Count {
                            msg: messages.resolve(&c.msg, errors),
                            threshold: threshold(&c.threshold),
                        }
                    })
                    .collect();
                upon.arms.push(Arm {
                    value: bound.to_string(),
                    counts,
                    effects: lower_effects(Some(bound), effects, messages, errors),
                });
            }
            ArmSyn::Otherwise { effects, .. } => {
                let effects = lower_effects(None, effects, messages, errors);
                upon.otherwise.get_or_insert(effects);
            }
        }
    }
    upon
}

/// `when guards { effects }`; `None` (and an error) without a `received` guard.
fn lower_rule(
    span: proc_macro2::Span,
    guards: &[GuardSyn],
    effects: &[EffectSyn],
    messages: &Messages,
    errors: &mut Errors,
) -> Option<Rule> {
    let bound = guards.iter().find_map(|g| match g {
        GuardSyn::Received { value, .. } => Some(value),
        GuardSyn::NotSent { .. } => None,
    });
    let Some(bound) = bound else {
        errors.at(
            span,
            "a `when` needs at least one `received` guard, as in `when received Echo(m) >= 1`",
        );
        return None;
    };
    let guards = guards
        .iter()
        .map(|g| lower_guard(bound, g, messages, errors))
        .collect();
    Some(Rule {
        value: bound.to_string(),
        guards,
        effects: lower_effects(Some(bound), effects, messages, errors),
    })
}

/// One guard of a rule that binds `bound`.
fn lower_guard(bound: &Ident, g: &GuardSyn, messages: &Messages, errors: &mut Errors) -> Guard {
    match g {
        GuardSyn::Received {
            msg,
            value,
            threshold,
            excluding,
            ..
        } => {
            if value != bound {
                errors.spanned(
                    value,
                    format!(
                        "every `received` guard of a `when` binds the same value; write `{msg}({bound})`"
                    ),
                );
            }
            Guard::Received {
                msg: messages.resolve(msg, errors),
                quorum: match (threshold, excluding) {
                    (None, _) => Quorum::FromBroadcaster,
                    (Some(e), None) => Quorum::AtLeast(e.expr.clone()),
                    (Some(e), Some(_)) => Quorum::AtLeastExcluding(e.expr.clone()),
                },
            }
        }
        GuardSyn::NotSent { msg, .. } => Guard::NotSent {
            msg: messages.resolve(msg, errors),
        },
    }
}

/// The effects of a handler that binds `bound` (`None`: an `otherwise`
/// block, where only `handover(proposal)` may stand).
fn lower_effects(
    bound: Option<&Ident>,
    effects: &[EffectSyn],
    messages: &Messages,
    errors: &mut Errors,
) -> Vec<Effect> {
    effects
        .iter()
        .map(|e| match e {
            EffectSyn::Send { msg, value, to, .. } => {
                check_bound(errors, bound, value);
                Effect::Send {
                    msg: messages.resolve(msg, errors),
                    to: *to,
                }
            }
            EffectSyn::Deliver { value, .. } => {
                // `deliver` in consensus is reported by the problem checks.
                if bound.is_some() {
                    check_bound(errors, bound, value);
                }
                Effect::Deliver
            }
            EffectSyn::Decide { value, .. } => {
                check_bound(errors, bound, value);
                Effect::Decide
            }
            EffectSyn::Handover {
                value: Some(value), ..
            } => {
                check_bound(errors, bound, value);
                Effect::Handover(Estimate::Value)
            }
            EffectSyn::Handover { value: None, .. } => Effect::Handover(Estimate::Proposal),
        })
        .collect()
}

/// A value name in a handler must be the one the handler binds; an
/// `otherwise` block binds none.
fn check_bound(errors: &mut Errors, bound: Option<&Ident>, used: &Ident) {
    let Some(bound) = bound else {
        errors.spanned(
            used,
            format!("`otherwise` binds no value, so `{used}` is unbound; the only effect of `otherwise` is `handover(proposal);`"),
        );
        return;
    };
    if used != bound {
        errors.spanned(
            used,
            format!("unbound value `{used}`; this handler binds `{bound}`, write `{bound}`"),
        );
    }
}

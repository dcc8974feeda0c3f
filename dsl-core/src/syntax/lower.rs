//! Syntax tree -> IR: resolves message names to ids and checks that every
//! value name is the one its handler binds.

use super::ast::*;
use super::errors::Errors;
use crate::ir::*;
use syn::Ident;

/// Lowers `def` to the IR, recording name-resolution errors in `errors`.
/// The result is complete only if no error was recorded.
pub fn lower(def: &ProtocolDef, errors: &mut Errors) -> ProtocolIr {
    let mut faults = None;
    let mut requires = Vec::new();
    let mut messages: Vec<Ident> = Vec::new();
    let mut seen_messages_header = false;
    for item in &def.items {
        match item {
            Item::Faults { span, model } => {
                if faults.is_some() {
                    errors.at(
                        *span,
                        "duplicate `faults` header; a protocol has one fault model",
                    );
                }
                faults = Some(*model);
            }
            Item::Requires { conds, .. } => {
                requires.extend(conds.iter().map(|c| Cond {
                    lhs: c.lhs.expr.clone(),
                    op: c.op,
                    rhs: c.rhs.expr.clone(),
                }));
            }
            Item::Messages { span, names } => {
                if seen_messages_header {
                    errors.at(
                        *span,
                        "duplicate `messages` header; list all message types in one",
                    );
                }
                seen_messages_header = true;
                for name in names {
                    if messages.contains(name) {
                        errors.spanned(
                            name,
                            format!("message type `{name}` is declared twice; remove this one"),
                        );
                    } else {
                        messages.push(name.clone());
                    }
                }
            }
            Item::OnBroadcast { .. } | Item::When { .. } => {}
        }
    }
    if faults.is_none() {
        errors.spanned(
            &def.name,
            "missing `faults` header; add `faults: none;`, `faults: crash;` or `faults: byzantine;`",
        );
    }
    if !seen_messages_header {
        errors.spanned(
            &def.name,
            "missing `messages` header; declare the message types, as in `messages: Echo, Ready;`",
        );
    }

    let resolve =
        |errors: &mut Errors, msg: &Ident| -> MsgId {
            match messages.iter().position(|m| m == msg) {
                Some(id) => id,
                None => {
                    let known: Vec<String> = messages.iter().map(|m| format!("`{m}`")).collect();
                    errors.spanned(
                        msg,
                        format!(
                        "unknown message type `{msg}`; declare it in `messages:` (declared: {})",
                        if known.is_empty() { "none".to_string() } else { known.join(", ") }
                    ),
                    );
                    0
                }
            }
        };
    let effects = |errors: &mut Errors, bound: &Ident, effects: &[EffectSyn]| -> Vec<Effect> {
        effects
            .iter()
            .map(|e| match e {
                EffectSyn::Send { msg, value, to, .. } => {
                    check_bound(errors, bound, value);
                    Effect::Send {
                        msg: resolve(errors, msg),
                        to: *to,
                    }
                }
                EffectSyn::Deliver { value, .. } => {
                    check_bound(errors, bound, value);
                    Effect::Deliver
                }
            })
            .collect()
    };

    let mut broadcast = None;
    let mut rules = Vec::new();
    for item in &def.items {
        match item {
            Item::OnBroadcast {
                value,
                effects: block,
                ..
            } => {
                let lowered = Broadcast {
                    value: value.to_string(),
                    effects: effects(errors, value, block),
                };
                broadcast.get_or_insert(lowered);
            }
            Item::When {
                span,
                guards,
                effects: block,
            } => {
                let bound = guards.iter().find_map(|g| match g {
                    GuardSyn::Received { value, .. } => Some(value),
                    GuardSyn::NotSent { .. } => None,
                });
                let Some(bound) = bound else {
                    errors.at(*span, "a `when` needs at least one `received` guard, as in `when received Echo(m) >= 1`");
                    continue;
                };
                let guards = guards
                    .iter()
                    .map(|g| match g {
                        GuardSyn::Received {
                            msg,
                            value,
                            threshold,
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
                                msg: resolve(errors, msg),
                                quorum: match threshold {
                                    None => Quorum::FromBroadcaster,
                                    Some(e) => Quorum::AtLeast(e.expr.clone()),
                                },
                            }
                        }
                        GuardSyn::NotSent { msg, .. } => Guard::NotSent {
                            msg: resolve(errors, msg),
                        },
                    })
                    .collect();
                rules.push(Rule {
                    value: bound.to_string(),
                    guards,
                    effects: effects(errors, bound, block),
                });
            }
            _ => {}
        }
    }

    ProtocolIr {
        name: def.name.to_string(),
        docs: def.docs.clone(),
        public: !matches!(def.vis, syn::Visibility::Inherited),
        faults: faults.unwrap_or(FaultModel::None),
        requires,
        messages: messages.iter().map(|m| m.to_string()).collect(),
        broadcast,
        rules,
    }
}

/// A value name in a handler must be the one the handler binds.
fn check_bound(errors: &mut Errors, bound: &Ident, used: &Ident) {
    if used != bound {
        errors.spanned(
            used,
            format!("unbound value `{used}`; this handler binds `{bound}`, write `{bound}`"),
        );
    }
}

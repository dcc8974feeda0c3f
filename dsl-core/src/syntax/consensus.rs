//! The rules of the problem a protocol solves (docs/DESIGN.md section 4),
//! each a named `check_*` function stating its rule. [`check_syntax`] reads
//! the syntax tree alone and runs with lowering; [`validate`] runs on a
//! cleanly lowered protocol.

use super::ast::*;
use super::errors::Errors;
use crate::ir::*;
use proc_macro2::Span;
use syn::Ident;

/// Runs the problem checks that need no IR.
pub fn check_syntax(def: &ProtocolDef, errors: &mut Errors) {
    check_one_problem(def, errors);
    match super::lower::problem(def) {
        Problem::Broadcast => check_no_consensus_construct(def, errors),
        Problem::Consensus => {
            check_no_broadcast_construct(def, errors);
            check_propose(def, errors);
            check_upon_blocks(def, errors);
            check_upon_type_sent_only_in_propose(def, errors);
            check_proposal_not_bound(def, errors);
        }
    }
}

/// Runs the problem checks that read the IR.
pub fn validate(
    def: &ProtocolDef,
    ir: &ProtocolIr,
    configs: &[(usize, usize)],
    errors: &mut Errors,
) {
    if ir.problem != Problem::Consensus {
        return;
    }
    check_decide(def, ir, errors);
    check_one_step(def, ir, configs, errors);
    if !configs.is_empty() {
        check_upon_thresholds(def, configs, errors);
    }
}

/// One `problem` header; a duplicate is reported where it stands.
fn check_one_problem(def: &ProtocolDef, errors: &mut Errors) {
    let duplicate = "duplicate `problem` header; a protocol solves one problem";
    at_most_one(def, errors, duplicate, |item| match item {
        Item::Problem { span, .. } => Some(*span),
        _ => None,
    });
}

/// At most one of the items that `span_of` picks out: each after the first
/// is reported where it stands, with `duplicate`. Whether there is one.
fn at_most_one(
    def: &ProtocolDef,
    errors: &mut Errors,
    duplicate: &str,
    span_of: impl Fn(&Item) -> Option<Span>,
) -> bool {
    let mut seen = false;
    for span in def.items.iter().filter_map(span_of) {
        if std::mem::replace(&mut seen, true) {
            errors.at(span, duplicate);
        }
    }
    seen
}

/// Every effect of the protocol's blocks, with the kind of block it is in.
fn effects(def: &ProtocolDef) -> Vec<(&EffectSyn, Block)> {
    let mut out = Vec::new();
    for item in &def.items {
        match item {
            Item::OnBroadcast { effects, .. } | Item::When { effects, .. } => {
                out.extend(effects.iter().map(|e| (e, Block::Plain)))
            }
            Item::OnPropose { effects, .. } => {
                out.extend(effects.iter().map(|e| (e, Block::Propose)))
            }
            Item::Upon { arms, .. } => {
                for arm in arms {
                    let (ArmSyn::When { effects, .. } | ArmSyn::Otherwise { effects, .. }) = arm;
                    out.extend(effects.iter().map(|e| (e, Block::Upon)));
                }
            }
            _ => {}
        }
    }
    out
}

/// Where an effect stands.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Block {
    /// `on broadcast` or a `when` rule.
    Plain,
    /// `on propose`.
    Propose,
    /// An arm of an `upon` block.
    Upon,
}

/// A broadcast protocol has no `problem: consensus;` constructs: no
/// `on propose`, `upon`, `one_step`, `decide` or `handover` (those inside a
/// reported `on propose` or `upon` are not reported again).
fn check_no_consensus_construct(def: &ProtocolDef, errors: &mut Errors) {
    const ADD: &str = "add `problem: consensus;`";
    for item in &def.items {
        match item {
            Item::OnPropose { span, .. } => errors.at(
                *span,
                format!("`on propose` is a consensus handler; {ADD}, or write `on broadcast(m)`"),
            ),
            Item::Upon { span, .. } => {
                errors.at(*span, format!("`upon` blocks are for consensus; {ADD}"))
            }
            Item::OneStep { span, .. } => {
                errors.at(*span, format!("`one_step` is a consensus claim; {ADD}"))
            }
            _ => {}
        }
    }
    for (effect, block) in effects(def) {
        if block != Block::Plain {
            continue;
        }
        match effect {
            EffectSyn::Decide { span, .. } => errors.at(
                *span,
                format!("`decide` is a consensus effect; {ADD}, or write `deliver(m);`"),
            ),
            EffectSyn::Handover { span, .. } => {
                errors.at(*span, format!("`handover` is a consensus effect; {ADD}"))
            }
            _ => {}
        }
    }
}

/// A consensus protocol has no broadcast constructs: no `on broadcast`, no
/// `deliver`, no `from broadcaster` (there is no broadcaster).
fn check_no_broadcast_construct(def: &ProtocolDef, errors: &mut Errors) {
    for item in &def.items {
        match item {
            Item::OnBroadcast { span, .. } => errors.at(
                *span,
                "`on broadcast` is a broadcast handler; a consensus protocol starts with `on propose(v)`",
            ),
            Item::When { guards, .. } => {
                for g in guards {
                    if let GuardSyn::Received {
                        span,
                        threshold: None,
                        ..
                    } = g
                    {
                        errors.at(
                            *span,
                            "`from broadcaster` has no meaning in consensus, where nobody broadcasts; count senders, as in `received Vote(v) >= F + 1`",
                        );
                    }
                }
            }
            _ => {}
        }
    }
    for (effect, _) in effects(def) {
        if let EffectSyn::Deliver { span, .. } = effect {
            errors.at(
                *span,
                "`deliver` is a broadcast effect; a consensus protocol ends in `decide(v);` or `handover(v);`",
            );
        }
    }
}

/// A consensus protocol has one `on propose` handler.
fn check_propose(def: &ProtocolDef, errors: &mut Errors) {
    let duplicate = "duplicate `on propose` handler; merge its effects into the first one";
    let seen = at_most_one(def, errors, duplicate, |item| match item {
        Item::OnPropose { span, .. } => Some(*span),
        _ => None,
    });
    if !seen {
        errors.spanned(
            &def.name,
            "a consensus protocol needs `on propose(v) { ... }`, as in `on propose(v) { send Vote(v) to all; }`",
        );
    }
}

/// Each `upon` block counts its own type: it has a `when` arm, at most one
/// `otherwise`, last; every count is on the block's type; no two blocks
/// count the same type.
fn check_upon_blocks(def: &ProtocolDef, errors: &mut Errors) {
    let mut counted: Vec<&Ident> = Vec::new();
    for item in &def.items {
        let Item::Upon {
            span, msg, arms, ..
        } = item
        else {
            continue;
        };
        if counted.contains(&msg) {
            errors.at(
                *span,
                format!("a second `upon` block on `{msg}`; a type is counted by one block, merge their arms"),
            );
        }
        counted.push(msg);
        if !arms.iter().any(|a| matches!(a, ArmSyn::When { .. })) {
            errors.at(
                *span,
                format!("an `upon` block needs a `when` arm, as in `when {msg}(v) >= N - F {{ decide(v); }}`"),
            );
        }
        // The `otherwise` not yet followed by a `when`, and whether one was seen.
        let mut otherwise: Option<Span> = None;
        let mut seen = false;
        for arm in arms {
            match arm {
                ArmSyn::When { counts, .. } => {
                    if let Some(span) = otherwise {
                        errors.at(
                            span,
                            "`otherwise` must be the last arm; move it after every `when` arm",
                        );
                        otherwise = None;
                    }
                    for c in counts {
                        if &c.msg != msg {
                            errors.spanned(
                                &c.msg,
                                format!("this block counts `{msg}`; an arm counts the block's own type, write `{msg}({})`", c.value),
                            );
                        }
                    }
                }
                ArmSyn::Otherwise { span, .. } => {
                    if std::mem::replace(&mut seen, true) {
                        errors.at(*span, "a second `otherwise`; a block has at most one");
                    } else {
                        otherwise = Some(*span);
                    }
                }
            }
        }
    }
}

/// The type an `upon` block counts is sent only in `on propose`, so that a
/// correct process sends it once, with its input: this keeps the block's
/// count of senders and the threshold automaton exact (docs/DESIGN.md
/// section 4, rule 2).
fn check_upon_type_sent_only_in_propose(def: &ProtocolDef, errors: &mut Errors) {
    let counted: Vec<&Ident> = def
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Upon { msg, .. } => Some(msg),
            _ => None,
        })
        .collect();
    for (effect, block) in effects(def) {
        if let EffectSyn::Send { msg, .. } = effect {
            if block != Block::Propose && counted.contains(&msg) {
                errors.spanned(
                    msg,
                    format!("`{msg}` is counted by an `upon` block, so it is sent only in `on propose`; send another type here"),
                );
            }
        }
    }
}

/// `proposal` names the process's input in `handover(proposal)`, so no
/// handler of a consensus protocol binds that name.
fn check_proposal_not_bound(def: &ProtocolDef, errors: &mut Errors) {
    let mut bound: Vec<&Ident> = Vec::new();
    for item in &def.items {
        match item {
            Item::OnPropose { value, .. } => bound.push(value),
            Item::When { guards, .. } => bound.extend(guards.iter().filter_map(|g| match g {
                GuardSyn::Received { value, .. } => Some(value),
                GuardSyn::NotSent { .. } => None,
            })),
            Item::Upon { arms, .. } => {
                for arm in arms {
                    if let ArmSyn::When { counts, .. } = arm {
                        bound.extend(counts.iter().map(|c| &c.value));
                    }
                }
            }
            _ => {}
        }
    }
    for value in bound.into_iter().filter(|v| *v == "proposal") {
        errors.spanned(
            value,
            "`proposal` is the process's input, as in `handover(proposal);`; name this value otherwise, as `v`",
        );
    }
}

/// A consensus protocol decides somewhere, or it is never one-step.
fn check_decide(def: &ProtocolDef, ir: &ProtocolIr, errors: &mut Errors) {
    if !ir.effects().any(|e| matches!(e, Effect::Decide)) {
        errors.spanned(
            &def.name,
            "no `decide` anywhere; add `decide(v);` to an arm",
        );
    }
}

/// `one_step` must hold at some (N, F) that the protocol allows (`configs`,
/// with F >= 1 unless the fault model is `none`).
fn check_one_step(
    def: &ProtocolDef,
    ir: &ProtocolIr,
    configs: &[(usize, usize)],
    errors: &mut Errors,
) {
    if ir.consensus.one_step.is_empty() {
        return;
    }
    let from = usize::from(ir.faults != FaultModel::None);
    // The largest N looked at: `allowed_configs` goes up to `validate::MAX_N`.
    let max = configs.iter().map(|&(n, _)| n).max().unwrap_or(0);
    let satisfiable = configs
        .iter()
        .any(|&(n, f)| f >= from && ir.claims_one_step(n, f));
    if satisfiable {
        return;
    }
    let span = def.items.iter().find_map(|item| match item {
        Item::OneStep { span, .. } => Some(*span),
        _ => None,
    });
    if let Some(span) = span {
        errors.at(
            span,
            format!("no (N, F) with N <= {max} allowed by `requires` satisfies `one_step`; relax the condition or remove the claim"),
        );
    }
}

/// The threshold of an `upon` block and those of its counts are defined at
/// every allowed (N, F); the block's can be met (at most N senders) and each
/// count's within the block's snapshot, at one allowed (N, F) at least.
fn check_upon_thresholds(def: &ProtocolDef, configs: &[(usize, usize)], errors: &mut Errors) {
    for item in &def.items {
        let Item::Upon {
            threshold, arms, ..
        } = item
        else {
            continue;
        };
        let block = |n: usize, f: usize| least(threshold, n, f);
        if !defined(threshold, configs, errors) {
            continue;
        }
        if !configs
            .iter()
            .any(|&(n, f)| block(n, f).is_some_and(|k| k <= n as i64))
        {
            errors.spanned(
                &threshold.expr.tokens,
                "threshold can never be met: it exceeds N for every (N, F) allowed by `requires`; lower it to N or less",
            );
            continue;
        }
        for arm in arms {
            let ArmSyn::When { counts, .. } = arm else {
                continue;
            };
            for c in counts {
                if !defined(&c.threshold, configs, errors) {
                    continue;
                }
                let met =
                    configs
                        .iter()
                        .any(|&(n, f)| match (least(&c.threshold, n, f), block(n, f)) {
                            (Some(k), Some(b)) => k <= b.max(1).min(n as i64),
                            _ => false,
                        });
                if !met {
                    errors.spanned(
                        &c.threshold.expr.tokens,
                        "count can never be met: it exceeds the senders the block counts for every (N, F) allowed by `requires`; lower it",
                    );
                }
            }
        }
    }
}

/// The least count meeting `t` at (N, F).
fn least(t: &ThresholdSyn, n: usize, f: usize) -> Option<i64> {
    let e = t.expr.expr.eval(n as i64, f as i64)?;
    if t.strict {
        e.checked_add(1)
    } else {
        Some(e)
    }
}

/// Whether `t` is defined at every allowed (N, F); an error where it is not.
fn defined(t: &ThresholdSyn, configs: &[(usize, usize)], errors: &mut Errors) -> bool {
    match configs.iter().find(|&&(n, f)| least(t, n, f).is_none()) {
        None => true,
        Some((n, f)) => {
            errors.spanned(
                &t.expr.tokens,
                format!(
                    "threshold is undefined at N = {n}, F = {f} (division by zero or overflow); rewrite it, or rule out this (N, F) in `requires`"
                ),
            );
            false
        }
    }
}

#[cfg(test)]
mod tests;

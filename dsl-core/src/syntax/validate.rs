//! The rules of a protocol, each a named `check_*` function stating its rule.
//! [`check_headers`] reads the syntax tree alone and runs with lowering;
//! [`validate`] runs the rest on a cleanly lowered protocol. Errors point at
//! the user's tokens through the syntax tree, which lists handlers in the
//! same order as the IR.

use super::ast::*;
use super::errors::Errors;
use crate::ir::*;
use std::collections::BTreeSet;

/// The largest N that validation considers when asking whether (N, F) exist.
pub const MAX_N: usize = 64;

/// Runs the checks of the headers, which need no IR: [`super::front_end`]
/// runs them before lowering, so that their errors come with the lowering's.
pub fn check_headers(def: &ProtocolDef, errors: &mut Errors) {
    check_duplicate_headers(def, errors);
    check_missing_headers(def, errors);
}

/// One `faults` header, one `messages` header, each message type declared
/// once; a duplicate is reported where it stands.
fn check_duplicate_headers(def: &ProtocolDef, errors: &mut Errors) {
    let mut faults = Once::new("duplicate `faults` header; a protocol has one fault model");
    let mut messages = Once::new("duplicate `messages` header; list all message types in one");
    let mut declared: Vec<&syn::Ident> = Vec::new();
    for item in &def.items {
        match item {
            Item::Faults { span, .. } => faults.again(*span, errors),
            Item::Messages { span, names } => {
                messages.again(*span, errors);
                for name in names {
                    if declared.contains(&name) {
                        errors.spanned(
                            name,
                            format!("message type `{name}` is declared twice; remove this one"),
                        );
                    } else {
                        declared.push(name);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Something that may occur once: reported, with `message`, at every
/// occurrence after the first.
struct Once {
    seen: bool,
    message: &'static str,
}

impl Once {
    fn new(message: &'static str) -> Once {
        Once {
            seen: false,
            message,
        }
    }

    /// One more occurrence, at `span`.
    fn again(&mut self, span: proc_macro2::Span, errors: &mut Errors) {
        if std::mem::replace(&mut self.seen, true) {
            errors.at(span, self.message);
        }
    }
}

/// A protocol has a `faults` header and a `messages` header.
fn check_missing_headers(def: &ProtocolDef, errors: &mut Errors) {
    let has = |header: fn(&Item) -> bool| def.items.iter().any(header);
    if !has(|i| matches!(i, Item::Faults { .. })) {
        errors.spanned(
            &def.name,
            "missing `faults` header; add `faults: none;`, `faults: crash;` or `faults: byzantine;`",
        );
    }
    if !has(|i| matches!(i, Item::Messages { .. })) {
        errors.spanned(
            &def.name,
            "missing `messages` header; declare the message types, as in `messages: Echo, Ready;`",
        );
    }
}

/// Runs every check that reads the IR.
pub fn validate(def: &ProtocolDef, ir: &ProtocolIr, errors: &mut Errors) {
    if ir.problem == Problem::Broadcast {
        check_deliver(def, ir, errors);
    }
    let configs: Vec<(usize, usize)> = allowed_configs(ir);
    check_requires(def, &configs, errors);
    if !configs.is_empty() {
        check_thresholds(def, &configs, errors);
    }
    super::consensus::validate(def, ir, &configs, errors);
    check_duplicate_handlers(def, ir, errors);
    check_excluding_has_broadcaster(def, ir, errors);
}

/// `excluding broadcaster` leaves out the senders' process 0, which only
/// has a role (and the rule a meaning the paper gives it) when it
/// broadcasts: a protocol without `on broadcast` cannot use it.
fn check_excluding_has_broadcaster(def: &ProtocolDef, ir: &ProtocolIr, errors: &mut Errors) {
    if ir.broadcast.is_some() {
        return;
    }
    for item in &def.items {
        let Item::When { guards, .. } = item else {
            continue;
        };
        for guard in guards {
            if let GuardSyn::Received {
                excluding: Some(span),
                ..
            } = guard
            {
                errors.at(
                    *span,
                    "`excluding broadcaster` needs a broadcaster; add an `on broadcast(m) { ... }` handler or count every sender",
                );
            }
        }
    }
}

/// Every (N, F) with N <= [`MAX_N`] that the protocol allows.
pub fn allowed_configs(ir: &ProtocolIr) -> Vec<(usize, usize)> {
    (1..=MAX_N)
        .flat_map(|n| (0..n).map(move |f| (n, f)))
        .filter(|&(n, f)| ir.allows(n, f))
        .collect()
}

/// A broadcast protocol must deliver somewhere, or it can never be correct.
fn check_deliver(def: &ProtocolDef, ir: &ProtocolIr, errors: &mut Errors) {
    if !ir.delivers() {
        errors.spanned(
            &def.name,
            "no `deliver` anywhere; add `deliver(m);` to a handler",
        );
    }
}

/// `requires` must allow at least one (N, F) (with F = 0 under `faults: none`).
fn check_requires(def: &ProtocolDef, configs: &[(usize, usize)], errors: &mut Errors) {
    if !configs.is_empty() {
        return;
    }
    // Point at every condition: from the first one to the last one.
    let conds: Vec<&CondSyn> = def
        .items
        .iter()
        .flat_map(|i| match i {
            Item::Requires { conds, .. } => conds.iter().collect(),
            _ => Vec::new(),
        })
        .collect();
    let message = format!("no (N, F) with N <= {MAX_N} satisfies `requires`; relax the conditions");
    match (conds.first(), conds.last()) {
        (Some(first), Some(last)) => {
            let mut tokens = first.tokens.clone();
            tokens.extend(last.tokens.clone());
            errors.spanned(tokens, message)
        }
        _ => errors.spanned(&def.name, message),
    }
}

/// A threshold `>= k` must be defined at every allowed (N, F), and reachable
/// (k <= N, or k <= N - 1 `excluding broadcaster`) at one of them at least.
fn check_thresholds(def: &ProtocolDef, configs: &[(usize, usize)], errors: &mut Errors) {
    for item in &def.items {
        let Item::When { guards, .. } = item else {
            continue;
        };
        for guard in guards {
            let GuardSyn::Received {
                threshold: Some(t),
                excluding,
                ..
            } = guard
            else {
                continue;
            };
            let excluded = i64::from(excluding.is_some());
            let undefined = configs
                .iter()
                .find(|&&(n, f)| t.expr.eval(n as i64, f as i64).is_none());
            if let Some((n, f)) = undefined {
                errors.spanned(
                    &t.tokens,
                    format!(
                        "threshold is undefined at N = {n}, F = {f} (division by zero or overflow); rewrite it, or rule out this (N, F) in `requires`"
                    ),
                );
                continue;
            }
            let reachable = configs.iter().any(|&(n, f)| {
                t.expr
                    .eval(n as i64, f as i64)
                    .is_some_and(|k| k <= n as i64 - excluded)
            });
            if !reachable && excluding.is_some() {
                errors.spanned(
                    &t.tokens,
                    "threshold can never be met: it exceeds N - 1, the number of senders other than the broadcaster, for every (N, F) allowed by `requires`; lower it to N - 1 or less",
                );
            } else if !reachable {
                errors.spanned(
                    &t.tokens,
                    "threshold can never be met: it exceeds N for every (N, F) allowed by `requires`; lower it to N or less",
                );
            }
        }
    }
}

/// One `on broadcast`, and no two `when` rules with the same guards.
fn check_duplicate_handlers(def: &ProtocolDef, ir: &ProtocolIr, errors: &mut Errors) {
    let mut broadcast =
        Once::new("duplicate `on broadcast` handler; merge its effects into the first one");
    let mut seen_rules: Vec<BTreeSet<String>> = Vec::new();
    let mut rules = ir.rules.iter();
    for item in &def.items {
        match item {
            Item::OnBroadcast { span, .. } => broadcast.again(*span, errors),
            Item::When { span, guards, .. } => {
                if !guards
                    .iter()
                    .any(|g| matches!(g, GuardSyn::Received { .. }))
                {
                    continue; // lowering reported it and produced no rule
                }
                let Some(rule) = rules.next() else { continue };
                let key: BTreeSet<String> = rule.guards.iter().map(|g| format!("{g:?}")).collect();
                if seen_rules.contains(&key) {
                    errors.at(*span, "duplicate handler: an earlier `when` has the same guards; merge their effects");
                }
                seen_rules.push(key);
            }
            _ => {}
        }
    }
}

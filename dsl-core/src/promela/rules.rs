//! The rules, one `inline rule_<i>(p, v)` each, and `settle`, which applies
//! them until nothing changes (as [`crate::semantics::Machine::receive`] does).

use super::TypeUse;
use crate::ir::{Effect, Guard, ProtocolIr, Quorum, Rule};
use crate::print;
use crate::semantics::{CompiledGuard, CompiledRule, Machine};
use std::fmt::Write;

/// Every rule, then `settle` and `hear`.
pub(super) fn rules(out: &mut String, ir: &ProtocolIr, machine: &Machine, types: &TypeUse) {
    let _ = writeln!(
        out,
        "/* The rules. A rule fires for v when its guards hold and one of its effects\n * is still to do; it then carries out all its effects. */"
    );
    for (i, (rule, compiled)) in ir.rules.iter().zip(&machine.rules).enumerate() {
        write_rule(out, ir, i + 1, rule, compiled, &types.names);
    }
    settle(out, ir.rules.len());
}

/// `inline rule_<i>(p, v)`, under a comment with the rule as written.
fn write_rule(
    out: &mut String,
    ir: &ProtocolIr,
    i: usize,
    rule: &Rule,
    compiled: &CompiledRule,
    names: &[String],
) {
    let _ = writeln!(out, "\n/* rule {i}: {} */", print::rule_head(ir, rule));
    for e in &rule.effects {
        let _ = writeln!(out, "/*     {} */", print::effect(ir, &rule.value, e));
    }
    if rule.effects.is_empty() {
        let _ = writeln!(
            out,
            "inline rule_{i}(p, v) {{\n    skip /* no effect: never fires */\n}}"
        );
        return;
    }
    let guards: Vec<String> = rule
        .guards
        .iter()
        .zip(&compiled.guards)
        .map(|(g, c)| guard(g, c, names))
        .collect();
    let pending: Vec<String> = rule
        .effects
        .iter()
        .map(|e| match *e {
            Effect::Send { msg, .. } => format!("!SENT(p, {}, v)", names[msg]),
            Effect::Deliver | Effect::Decide | Effect::Handover(_) => {
                "proc[p].dlv == NONE".to_string()
            }
        })
        .collect();
    let effects: Vec<String> = rule
        .effects
        .iter()
        .map(|e| match *e {
            Effect::Send { msg, to } => format!("send_to_{}(p, {}, v)", to.keyword(), names[msg]),
            Effect::Deliver | Effect::Decide | Effect::Handover(_) => "deliver(p, v)".to_string(),
        })
        .collect();
    // Spin's grammar wants the whole guard in parentheses.
    let _ = write!(
        out,
        r#"inline rule_{i}(p, v) {{
    if
    :: ({guards}
        && ({pending})) ->
        {effects};
        changed = true
    :: else -> skip
    fi
}}
"#,
        guards = guards.join("\n        && "),
        pending = pending.join(" || "),
        effects = effects.join(";\n        "),
    );
}

/// A guard of process `p` for value `v`; a threshold shows how it was written.
fn guard(written: &Guard, compiled: &CompiledGuard, names: &[String]) -> String {
    // The threshold as written (compiled to `k` senders).
    let as_written = |k: u32| match written {
        Guard::Received {
            quorum: Quorum::AtLeast(e) | Quorum::AtLeastExcluding(e),
            ..
        } => print::expr(e),
        _ => k.to_string(),
    };
    match *compiled {
        CompiledGuard::FromBroadcaster(t) => {
            format!("HAS(proc[p].heard0, TV({}, v))", names[t])
        }
        CompiledGuard::AtLeast(t, k) => {
            let written = as_written(k);
            format!(
                "(proc[p].heard[TV({}, v)] >= {k}) /* {written} */",
                names[t]
            )
        }
        CompiledGuard::AtLeastExcluding(t, k) => {
            let written = as_written(k);
            let tv = format!("TV({}, v)", names[t]);
            format!(
                "(proc[p].heard[{tv}] - HAS(proc[p].heard0, {tv}) >= {k}) /* {written} excluding broadcaster */"
            )
        }
        CompiledGuard::NotSent(t) => format!("(!SENT_ANY(p, {}))", names[t]),
    }
}

/// `settle(p, v)`, which applies the `rules` rules until nothing changes,
/// and `hear(p, t, v, s)`.
fn settle(out: &mut String, rules: usize) {
    let calls: Vec<String> = (1..=rules)
        .map(|i| format!("        rule_{i}(p, v)"))
        .collect();
    let body = if calls.is_empty() {
        "    skip /* no rules */".to_string()
    } else {
        format!(
            "    changed = true;\n    do\n    :: changed ->\n        changed = false;\n{}\n    :: else -> break\n    od",
            calls.join(";\n")
        )
    };
    let _ = write!(
        out,
        r#"
/* after an event on value v, apply the rules for v until nothing changes */
inline settle(p, v) {{
{body}
}}

/* p hears t(v) from s, a sender it had not heard it from, and settles */
inline hear(p, t, v, s) {{
    add_sender(p, t, v, s);
    settle(p, v)
}}

"#
    );
}

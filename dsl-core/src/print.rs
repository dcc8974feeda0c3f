//! The printer: IR -> DSL source, formatted the way a person writes it.
//!
//! `syntax::parse_str(&print_body(ir)) == Ok(ir)` for every valid IR, and the
//! text is stable: printing the re-parsed IR gives the same text.

use crate::ir::*;
use std::fmt::Write;

/// An expression with the fewest parentheses that keep its meaning.
pub fn expr(e: &Expr) -> String {
    let mut out = String::new();
    write_expr(&mut out, e, 0, false);
    out
}

fn write_expr(out: &mut String, e: &Expr, parent: u8, right: bool) {
    match e {
        Expr::Int(k) => {
            let _ = write!(out, "{k}");
        }
        Expr::N => out.push('N'),
        Expr::F => out.push('F'),
        Expr::Bin(op, a, b) => {
            let prec = op.precedence();
            // Operators are left-associative: a right operand of the same
            // precedence needs parentheses, a left one does not.
            let parens = prec < parent || (right && prec == parent);
            if parens {
                out.push('(');
            }
            write_expr(out, a, prec, false);
            let _ = write!(out, " {} ", op.symbol());
            write_expr(out, b, prec, true);
            if parens {
                out.push(')');
            }
        }
    }
}

/// A `requires` condition.
pub fn cond(c: &Cond) -> String {
    format!("{} {} {}", expr(&c.lhs), c.op.symbol(), expr(&c.rhs))
}

/// One guard, with the rule's value name.
pub fn guard(ir: &ProtocolIr, value: &str, g: &Guard) -> String {
    match g {
        Guard::Received {
            msg,
            quorum: Quorum::FromBroadcaster,
        } => {
            format!("received {}({value}) from broadcaster", ir.messages[*msg])
        }
        Guard::Received {
            msg,
            quorum: Quorum::AtLeast(k),
        } => {
            format!("received {}({value}) >= {}", ir.messages[*msg], expr(k))
        }
        Guard::Received {
            msg,
            quorum: Quorum::AtLeastExcluding(k),
        } => {
            format!(
                "received {}({value}) >= {} excluding broadcaster",
                ir.messages[*msg],
                expr(k)
            )
        }
        Guard::NotSent { msg } => format!("not sent {}", ir.messages[*msg]),
    }
}

/// One effect, with the handler's value name.
pub fn effect(ir: &ProtocolIr, value: &str, e: &Effect) -> String {
    match e {
        Effect::Send { msg, to } => {
            format!("send {}({value}) to {};", ir.messages[*msg], to.keyword())
        }
        Effect::Deliver => format!("deliver({value});"),
        Effect::Decide => format!("decide({value});"),
        Effect::Handover(crate::ir::Estimate::Value) => format!("handover({value});"),
        Effect::Handover(crate::ir::Estimate::Proposal) => "handover(proposal);".to_string(),
    }
}

/// The head of a rule: `when g1 and g2`.
pub fn rule_head(ir: &ProtocolIr, rule: &Rule) -> String {
    let guards: Vec<String> = rule
        .guards
        .iter()
        .map(|g| guard(ir, &rule.value, g))
        .collect();
    format!("when {}", guards.join(" and "))
}

fn block(
    out: &mut String,
    indent: &str,
    head: &str,
    ir: &ProtocolIr,
    value: &str,
    effects: &[Effect],
) {
    if effects.is_empty() {
        let _ = writeln!(out, "{indent}{head} {{}}");
        return;
    }
    let _ = writeln!(out, "{indent}{head} {{");
    for e in effects {
        let _ = writeln!(out, "{indent}    {}", effect(ir, value, e));
    }
    let _ = writeln!(out, "{indent}}}");
}

/// `>= e` or `> e`.
pub fn threshold(t: &Threshold) -> String {
    format!("{} {}", t.symbol(), expr(&t.expr))
}

/// The head of an arm: `when Vote(v) > e and ...`.
pub fn arm_head(ir: &ProtocolIr, a: &Arm) -> String {
    let counts: Vec<String> = a
        .counts
        .iter()
        .map(|c| {
            format!(
                "{}({}) {}",
                ir.messages[c.msg],
                a.value,
                threshold(&c.threshold)
            )
        })
        .collect();
    format!("when {}", counts.join(" and "))
}

fn upon(out: &mut String, indent: &str, ir: &ProtocolIr, u: &Upon) {
    let _ = writeln!(
        out,
        "{indent}upon received {} {} {{",
        ir.messages[u.msg],
        threshold(&u.threshold)
    );
    let inner = format!("{indent}    ");
    // An arm: on one line with one effect, as papers write them.
    let arm = |out: &mut String, head: &str, value: &str, effects: &[Effect]| {
        if let [e] = effects {
            let _ = writeln!(out, "{inner}{head} {{ {} }}", effect(ir, value, e));
        } else {
            block(out, &inner, head, ir, value, effects);
        }
    };
    for a in &u.arms {
        arm(out, &arm_head(ir, a), &a.value, &a.effects);
    }
    if let Some(effects) = &u.otherwise {
        // Nothing is bound in `otherwise`: an effect on the value at hand
        // (only in an invalid IR) prints with `_`, which does not parse.
        arm(out, "otherwise", "_", effects);
    }
    let _ = writeln!(out, "{indent}}}");
}

/// The body of a `protocol!` invocation (docs, name, braces), indented by `indent`.
pub fn body(ir: &ProtocolIr, indent: &str) -> String {
    let mut out = String::new();
    for doc in &ir.docs {
        // `////` is a plain comment, and a control character cannot stand
        // in a `///` line: such lines keep their meaning as attributes.
        if doc.starts_with('/') || doc.chars().any(char::is_control) {
            let _ = writeln!(out, "{indent}#[doc = {doc:?}]");
        } else {
            let _ = writeln!(out, "{indent}///{doc}");
        }
    }
    let vis = if ir.public { "pub " } else { "" };
    let _ = writeln!(out, "{indent}{vis}{} {{", ir.name);
    let inner = format!("{indent}    ");
    if ir.problem != Problem::Broadcast {
        let _ = writeln!(out, "{inner}problem: {};", ir.problem.keyword());
    }
    let _ = writeln!(out, "{inner}faults: {};", ir.faults.keyword());
    if !ir.requires.is_empty() {
        let conds: Vec<String> = ir.requires.iter().map(cond).collect();
        let _ = writeln!(out, "{inner}requires: {};", conds.join(" and "));
    }
    if !ir.consensus.one_step.is_empty() {
        let conds: Vec<String> = ir.consensus.one_step.iter().map(cond).collect();
        let _ = writeln!(out, "{inner}one_step: {};", conds.join(" and "));
    }
    let _ = writeln!(out, "{inner}messages: {};", ir.messages.join(", "));
    let c = &ir.consensus;
    if ir.broadcast.is_some() || !ir.rules.is_empty() || c.propose.is_some() || !c.upon.is_empty() {
        out.push('\n');
    }
    // A handler or rule: its head, then its effects one a line.
    let handler = |out: &mut String, head: &str, value: &str, effects: &[Effect]| {
        block(out, &inner, head, ir, value, effects)
    };
    for (event, h) in [("broadcast", &ir.broadcast), ("propose", &c.propose)] {
        if let Some(h) = h {
            let head = format!("on {event}({})", h.value);
            handler(&mut out, &head, &h.value, &h.effects);
        }
    }
    for rule in &ir.rules {
        handler(&mut out, &rule_head(ir, rule), &rule.value, &rule.effects);
    }
    for u in &c.upon {
        upon(&mut out, &inner, ir, u);
    }
    let _ = writeln!(out, "{indent}}}");
    out
}

/// A whole `protocol! { ... }` invocation at the start of a line.
pub fn invocation(ir: &ProtocolIr) -> String {
    format!("protocol! {{\n{}}}\n", body(ir, "    "))
}

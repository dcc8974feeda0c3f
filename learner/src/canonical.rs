//! The canonical form of a protocol, the key of the oracle's cache.
//!
//! Two protocols have the same key when one is the other with its rules (or
//! the guards of a rule) in another order and its message types renamed: the
//! checker's verdicts cannot tell them apart. The name, the doc comment and
//! the value names (`m`) do not count either. The order of the effects within
//! a handler is kept.
//!
//! The key is the smallest encoding over all renamings of the types (k! of
//! them for k types; the learner uses at most a handful). Past
//! [`MAX_PERMUTED_TYPES`] types only the given naming is tried, which keeps
//! the key sound (equal keys still mean equivalent protocols) but may miss a
//! renaming.

use dsl_core::ir::{Effect, Guard, ProtocolIr, Quorum};
use std::fmt::Write;

/// The most message types whose renamings are all tried.
pub const MAX_PERMUTED_TYPES: usize = 6;

/// The canonical key of `ir`.
pub fn key(ir: &ProtocolIr) -> String {
    let k = ir.messages.len();
    let mut header = format!("{}|{}|", ir.faults, k);
    for c in &ir.requires {
        let _ = write!(header, "{};", dsl_core::print::cond(c));
    }
    if k > MAX_PERMUTED_TYPES {
        let identity: Vec<usize> = (0..k).collect();
        return header + &encode(ir, &identity);
    }
    let mut best: Option<String> = None;
    for perm in permutations(k) {
        let body = encode(ir, &perm);
        if best.as_ref().is_none_or(|b| body < *b) {
            best = Some(body);
        }
    }
    header + &best.unwrap_or_default()
}

/// The handlers of `ir` with type `t` renamed `perm[t]`, rules and guards
/// sorted.
fn encode(ir: &ProtocolIr, perm: &[usize]) -> String {
    let effects = |es: &[Effect]| effects(es, perm);
    let guard = |g: &Guard| match g {
        Guard::Received {
            msg,
            quorum: Quorum::FromBroadcaster,
        } => format!("r{}b", perm[*msg]),
        Guard::Received {
            msg,
            quorum: Quorum::AtLeast(e),
        } => format!("r{}>={}", perm[*msg], dsl_core::print::expr(e)),
        Guard::Received {
            msg,
            quorum: Quorum::AtLeastExcluding(e),
        } => format!("r{}>={}x", perm[*msg], dsl_core::print::expr(e)),
        Guard::NotSent { msg } => format!("n{}", perm[*msg]),
    };
    let mut rules: Vec<String> = ir
        .rules
        .iter()
        .map(|r| {
            let mut guards: Vec<String> = r.guards.iter().map(guard).collect();
            guards.sort();
            format!("{}{{{}}}", guards.join("&"), effects(&r.effects))
        })
        .collect();
    rules.sort();
    let broadcast = match &ir.broadcast {
        Some(b) => format!("B{{{}}}", effects(&b.effects)),
        None => "-".into(),
    };
    format!("{broadcast}{}{}", rules.join(""), consensus(ir, perm))
}

/// A handler's effects in order, type `t` renamed `perm[t]`.
fn effects(es: &[Effect], perm: &[usize]) -> String {
    es.iter()
        .map(|e| match e {
            Effect::Send { msg, to } => format!("s{}{}", perm[*msg], to.keyword()),
            Effect::Deliver => "d".into(),
            Effect::Decide => "D".into(),
            Effect::Handover(dsl_core::ir::Estimate::Value) => "h".into(),
            Effect::Handover(dsl_core::ir::Estimate::Proposal) => "hp".into(),
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// The consensus parts of `ir` with type `t` renamed `perm[t]`: the
/// propose handler, each `upon` block with its arms in order (their order
/// is their meaning), `otherwise`, and the `one_step` claim; empty for a
/// broadcast protocol.
fn consensus(ir: &ProtocolIr, perm: &[usize]) -> String {
    if ir.problem == dsl_core::ir::Problem::Broadcast {
        return String::new();
    }
    let effects = |es: &[Effect]| effects(es, perm);
    let threshold = |t: &dsl_core::ir::Threshold| dsl_core::print::threshold(t);
    let mut out = String::from("C");
    if let Some(p) = &ir.consensus.propose {
        let _ = write!(out, "P{{{}}}", effects(&p.effects));
    }
    let mut blocks: Vec<String> = ir
        .consensus
        .upon
        .iter()
        .map(|u| {
            let arms: Vec<String> = u
                .arms
                .iter()
                .map(|a| {
                    let mut counts: Vec<String> = a
                        .counts
                        .iter()
                        .map(|c| format!("{}{}", perm[c.msg], threshold(&c.threshold)))
                        .collect();
                    counts.sort();
                    format!("[{}]{{{}}}", counts.join("&"), effects(&a.effects))
                })
                .collect();
            let otherwise = u.otherwise.as_ref().map_or("-".to_string(), |o| effects(o));
            format!(
                "U{}{}:{}/{otherwise}",
                perm[u.msg],
                threshold(&u.threshold),
                arms.join("")
            )
        })
        .collect();
    blocks.sort();
    out.push_str(&blocks.join(""));
    for c in &ir.consensus.one_step {
        let _ = write!(out, "O{};", dsl_core::print::cond(c));
    }
    out
}

/// Every permutation of 0..k, in lexicographic order.
pub fn permutations(k: usize) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    let mut p: Vec<usize> = (0..k).collect();
    loop {
        out.push(p.clone());
        // Next permutation in lexicographic order.
        let Some(i) = (1..k).rev().find(|&i| p[i - 1] < p[i]) else {
            return out;
        };
        let j = (i..k)
            .rev()
            .find(|&j| p[j] > p[i - 1])
            .expect("p[i] qualifies");
        p.swap(i - 1, j);
        p[i..].reverse();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dsl_core::syntax::parse_str;

    #[test]
    fn consensus_blocks_count_and_their_arm_order_too() {
        let bosco = "B { problem: consensus; faults: byzantine; requires: N > 3 * F;
            messages: Vote;
            on propose(v) { send Vote(v) to all; }
            upon received Vote >= N - F {
                when Vote(v) > (N + 3 * F) / 2 { decide(v); }
                when Vote(v) > (N - F) / 2 { handover(v); }
                otherwise { handover(proposal); } } }";
        let a = parse_str(bosco).unwrap();
        let swapped = parse_str(
            &bosco
                .replace("decide(v); }", "X")
                .replace("handover(v); }", "decide(v); }")
                .replace("X", "handover(v); }"),
        )
        .unwrap();
        let no_otherwise =
            parse_str(&bosco.replace("otherwise { handover(proposal); }", "")).unwrap();
        assert_ne!(key(&a), key(&swapped));
        assert_ne!(key(&a), key(&no_otherwise));
        let mut renamed = a.clone();
        renamed.name = "Other".into();
        assert_eq!(key(&a), key(&renamed));
    }

    #[test]
    fn permutations_are_all_there() {
        assert_eq!(permutations(0), vec![Vec::<usize>::new()]);
        assert_eq!(permutations(3).len(), 6);
        let mut p = permutations(4);
        p.dedup();
        assert_eq!(p.len(), 24);
    }

    #[test]
    fn renamed_and_reordered_bracha_has_the_same_key() {
        let a = parse_str(
            "A { faults: byzantine; requires: N > 3 * F; messages: I, E, R;
                 on broadcast(m) { send I(m) to all; }
                 when received I(m) from broadcaster and not sent E { send E(m) to all; }
                 when received E(m) >= (N + F) / 2 + 1 and not sent R { send R(m) to all; }
                 when received R(m) >= F + 1 and not sent R { send R(m) to all; }
                 when received R(m) >= 2 * F + 1 { deliver(m); } }",
        )
        .unwrap();
        let b = parse_str(
            "B { faults: byzantine; requires: N > 3 * F; messages: Ready, Init, Echo;
                 on broadcast(v) { send Init(v) to all; }
                 when received Ready(v) >= 2 * F + 1 { deliver(v); }
                 when not sent Ready and received Ready(v) >= F + 1 { send Ready(v) to all; }
                 when received Init(v) from broadcaster and not sent Echo { send Echo(v) to all; }
                 when received Echo(v) >= (N + F) / 2 + 1 and not sent Ready { send Ready(v) to all; } }",
        )
        .unwrap();
        assert_eq!(key(&a), key(&b));
        let mut c = a.clone();
        c.rules.pop();
        assert_ne!(key(&a), key(&c));
    }
}

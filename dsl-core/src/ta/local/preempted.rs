//! Rules that eager settling pre-empts in every execution, left out of the
//! automaton (see "Pruning and merging" in the parent module: a rule left
//! out is one that no execution fires).
//!
//! Rule R is *pre-empted* when, for some message types T and S:
//!
//! - R has a guard `not sent S` and a guard `received T(m) >= k` (with or
//!   without `excluding broadcaster`) where k > m at every allowed (N, F),
//!   m being 2 if a rule other than R sends T to `all` or `self` (a copy to
//!   itself) and 1 otherwise;
//! - another rule A has the single guard `received T(m) >= j`, j <= 1 at
//!   every allowed (N, F), and sends S;
//! - the protocol is a broadcast (no `upon` block ends a settle early).
//!
//! Why R never fires: before a process has any sender of T, for any value,
//! R's count is 0 < k. Its first sender of T, for a value w, comes in one
//! event: a receipt of T(w) (then the event settles w), or a copy to itself
//! sent by its `on broadcast` handler or by a rule for w (the broadcaster's
//! start or a settle of w, which goes on). That event ends only when no rule
//! for w is enabled with an effect left, and A is enabled for w (one sender
//! meets j <= 1), so by its end the process has sent S, either by A or
//! before, and R's `not sent S` is false from then on. Within the event R is
//! not enabled either: only T(w) has senders, at most the one received and
//! the process itself, and the process sends itself T only through a rule
//! other than R (the handler runs at the broadcaster's start, where nothing
//! is received; R itself cannot fire before its count reaches k > 1), so the
//! count stays at most m < k.
//!
//! This is what makes the explicit checker and the automaton disagree on
//! protocols such as B180 of the random bench (bench/RESULTS-ta.md): the
//! automaton's shared counters cannot see that a process whose count of T
//! reached k would have left its location by A long before.

use super::Bounds;
use crate::ir::{Dest, Effect, Guard, Problem, ProtocolIr, Quorum};
use crate::ta::linear::ParamLin;
use crate::ta::region::Region;

/// Per rule of `ir`: whether it is pre-empted (module docs). `thresholds`
/// holds every `received >=` guard as `d * count >= rhs`.
pub(super) fn preempted(ir: &ProtocolIr, thresholds: &Bounds, region: &Region) -> Vec<bool> {
    // A broadcast: no effect ends a settle early.
    let broadcast = ir.problem == Problem::Broadcast
        && !ir
            .rules
            .iter()
            .flat_map(|r| &r.effects)
            .any(Effect::is_final);
    (0..ir.rules.len())
        .map(|r| broadcast && is_preempted(ir, thresholds, region, r))
        .collect()
}

fn is_preempted(ir: &ProtocolIr, thresholds: &Bounds, region: &Region, r: usize) -> bool {
    let rule = &ir.rules[r];
    let not_sent: Vec<usize> = rule
        .guards
        .iter()
        .filter_map(|g| match *g {
            Guard::NotSent { msg } => Some(msg),
            Guard::Received { .. } => None,
        })
        .collect();
    rule.guards.iter().enumerate().any(|(i, g)| {
        let Guard::Received { msg: t, ref quorum } = *g else {
            return false;
        };
        if quorum.threshold().is_none() {
            return false;
        }
        // At most m senders of T before A fires: k > m, i.e. d * m < rhs.
        let m = 1 + i64::from(copies_to_itself(ir, r, t));
        let (d, rhs) = thresholds[&(r, i)];
        region.at_least(rhs, d * m + 1)
            && not_sent
                .iter()
                .any(|&s| fires_first(ir, thresholds, region, t, s))
    })
}

/// Whether a rule other than `r` sends `t` to all or to itself.
fn copies_to_itself(ir: &ProtocolIr, r: usize, t: usize) -> bool {
    ir.rules.iter().enumerate().any(|(x, rule)| {
        x != r
            && rule
                .effects
                .iter()
                .any(|e| matches!(*e, Effect::Send { msg, to } if msg == t && to != Dest::Others))
    })
}

/// Whether some rule with the single guard `received t(m) >= j`, j <= 1
/// everywhere, sends `s`.
fn fires_first(ir: &ProtocolIr, thresholds: &Bounds, region: &Region, t: usize, s: usize) -> bool {
    ir.rules.iter().enumerate().any(|(a, rule)| {
        let [Guard::Received {
            msg,
            quorum: Quorum::AtLeast(_),
        }] = rule.guards.as_slice()
        else {
            return false;
        };
        let sends = rule
            .effects
            .iter()
            .any(|e| matches!(*e, Effect::Send { msg, .. } if msg == s));
        // One sender meets it: d * 1 >= rhs everywhere.
        let (d, rhs) = thresholds[&(a, 0)];
        *msg == t && sends && region.at_least(ParamLin::constant(d).plus(rhs.scale(-1)), 0)
    })
}

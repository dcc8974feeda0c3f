//! Symmetry reduction: the correct processes other than the broadcaster play
//! interchangeable roles, so renaming them maps executions to executions and
//! preserves every property. Each state is replaced by a canonical
//! representative of its class, computed in two stages:
//!
//! 1. sort the interchangeable processes by a signature that does not depend
//!    on their names (their local state with sender sets reduced to counts
//!    within the class, and the sorted multisets of their incoming and
//!    outgoing messages);
//! 2. among processes with equal signatures, try every order and keep the
//!    smallest encoding.
//!
//! Equal states get equal representatives, and a representative is always a
//! renaming of the state, so the reduction is exact.

use super::bitset::BitsetModel;
use crate::semantics::ProcId;

/// Most orders tried among tied processes; past it the first order is kept
/// (still sound: a renaming of the state, only less reduction).
const MAX_ORDERS: usize = 720;

/// The canonical representative of `s`.
pub fn canonical(model: &BitsetModel, s: &[u16]) -> Box<[u16]> {
    canonical_with_map(model, s).0
}

/// The canonical representative of `s`, and the renaming that gives it:
/// process `p` of `s` is process `map[p]` of the representative.
pub fn canonical_with_map(model: &BitsetModel, s: &[u16]) -> (Box<[u16]>, Vec<ProcId>) {
    let class = &model.symmetric;
    let n = model.layout.n;
    if class.len() < 2 {
        return (s.into(), (0..n).collect());
    }
    let class_mask: u16 = class.iter().fold(0, |m, &p| m | 1 << p);
    let mut order: Vec<(Vec<u16>, ProcId)> = class
        .iter()
        .map(|&p| (signature(model, s, p, class_mask), p))
        .collect();
    order.sort();
    // Groups of tied processes, as ranges of `order`.
    let mut groups = Vec::new();
    let mut start = 0;
    for i in 1..=order.len() {
        if i == order.len() || order[i].0 != order[start].0 {
            if i - start > 1 {
                groups.push(start..i);
            }
            start = i;
        }
    }
    let mut sorted: Vec<ProcId> = order.iter().map(|(_, p)| *p).collect();
    let orders: usize = groups
        .iter()
        .map(|g| (1..=g.len()).product::<usize>())
        .product();
    if groups.is_empty() || orders > MAX_ORDERS {
        let map = mapping(n, class, &sorted);
        return (rename(model, s, &map), map);
    }
    let mut best: Option<(Box<[u16]>, Vec<ProcId>)> = None;
    permute_groups(&mut sorted, &groups, 0, &mut |candidate| {
        let map = mapping(n, class, candidate);
        let renamed = rename(model, s, &map);
        if best.as_ref().is_none_or(|b| renamed < b.0) {
            best = Some((renamed, map));
        }
    });
    best.unwrap_or_else(|| (s.into(), (0..n).collect()))
}

/// The renaming that makes `order[i]` become `class[i]`.
fn mapping(n: usize, class: &[ProcId], order: &[ProcId]) -> Vec<ProcId> {
    let mut to: Vec<ProcId> = (0..n).collect();
    for (i, &old) in order.iter().enumerate() {
        to[old] = class[i];
    }
    to
}

/// Calls `visit` with every order of `sorted` that permutes each group.
fn permute_groups(
    sorted: &mut Vec<ProcId>,
    groups: &[std::ops::Range<usize>],
    g: usize,
    visit: &mut dyn FnMut(&[ProcId]),
) {
    let Some(range) = groups.get(g) else {
        visit(sorted);
        return;
    };
    heap_permutations(sorted, range.clone(), range.len(), &mut |sorted| {
        permute_groups(sorted, groups, g + 1, visit)
    });
}

/// Heap's algorithm over `v[range]`.
fn heap_permutations(
    v: &mut Vec<ProcId>,
    range: std::ops::Range<usize>,
    k: usize,
    visit: &mut dyn FnMut(&mut Vec<ProcId>),
) {
    if k <= 1 {
        visit(v);
        return;
    }
    for i in 0..k {
        heap_permutations(v, range.clone(), k - 1, visit);
        let j = if k.is_multiple_of(2) { i } else { 0 };
        v.swap(range.start + j, range.start + k - 1);
    }
}

/// A description of process `p` that every renaming of the class preserves.
fn signature(model: &BitsetModel, s: &[u16], p: ProcId, class_mask: u16) -> Vec<u16> {
    let l = model.layout;
    let crashed = s[l.crashed()] >> p & 1;
    let row = &s[l.proc(p)..l.proc(p) + l.row()];
    let mut sig = vec![crashed, row[0], row[1]];
    for &senders in &row[2..] {
        sig.push((senders & class_mask).count_ones() as u16);
        sig.push(senders & !class_mask);
    }
    for outgoing in [true, false] {
        let word = |q: ProcId| {
            if outgoing {
                s[l.flight(p, q)]
            } else {
                s[l.flight(q, p)]
            }
        };
        let mut within: Vec<u16> = Vec::new();
        for q in 0..l.n {
            if class_mask & (1 << q) != 0 {
                within.push(word(q));
            } else {
                sig.push(word(q));
            }
        }
        within.sort_unstable();
        sig.extend(within);
    }
    sig
}

/// Renames process `p` of `s` to `to[p]`.
fn rename(model: &BitsetModel, s: &[u16], to: &[ProcId]) -> Box<[u16]> {
    let l = model.layout;
    let map = |set: u16| -> u16 {
        let mut out = 0;
        let mut bits = set;
        while bits != 0 {
            let p = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            out |= 1 << to[p];
        }
        out
    };
    let mut r = vec![0u16; s.len()].into_boxed_slice();
    for p in 0..l.n {
        let (src, dst) = (l.proc(p), l.proc(to[p]));
        r[dst] = s[src];
        r[dst + 1] = s[src + 1];
        for k in 2..l.row() {
            r[dst + k] = map(s[src + k]);
        }
        for q in 0..l.n {
            r[l.flight(to[p], to[q])] = s[l.flight(p, q)];
        }
    }
    r[l.crashed()] = map(s[l.crashed()]);
    r
}

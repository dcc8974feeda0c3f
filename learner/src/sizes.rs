//! The (N, F) sizes a run checks: those of the checker's default
//! configurations for broadcast ([`sizes_for`]), and for consensus a wider
//! range where one-step conditions differ ([`consensus_sizes`]). A leaf:
//! the configuration and the consensus space both read it.

use dsl_core::ir::{Cond, FaultModel};

/// The largest N the learner checks (the checker handles N <= 16).
pub const LARGEST_N: usize = 16;

/// The (N, F) pairs checked under `requires`, smallest first: the sizes of
/// the checker's default configurations ([`dsl_core::checker::default_configs`],
/// the one place that rule is written), at most [`LARGEST_N`]. Under the usual
/// `requires`: none (3, 0), (4, 0); crash (3, 1), (5, 2); Byzantine (4, 1),
/// (5, 1), (7, 2); under `N > 5 * F`, Byzantine: (6, 1), (7, 1), (11, 2).
pub fn sizes_for(requires: &[Cond], faults: FaultModel) -> Vec<(usize, usize)> {
    let mut sizes: Vec<(usize, usize)> = dsl_core::checker::default_configs(requires, faults)
        .iter()
        .map(|c| (c.n, c.f))
        .filter(|&(n, _)| n <= LARGEST_N)
        .collect();
    sizes.dedup();
    sizes
}

/// The sizes a consensus run checks, smallest first: N = 1, 2, 3 with F = 0
/// (where thresholds such as N / 2 are 0 and a value no one proposed
/// passes: the all-N check would refute them there), every allowed N <= 9
/// at F = 1, where one-step conditions such as N > 5F and N > 7F differ,
/// and at F = 2 the smallest allowed N, 11 and 15 (N > 5F and N > 7F at F =
/// 2); N = 1 to 5 under `faults: none`.
pub fn consensus_sizes(requires: &[Cond], faults: FaultModel) -> Vec<(usize, usize)> {
    let allowed =
        |&(n, f): &(usize, usize)| f < n && requires.iter().all(|c| c.holds(n as i64, f as i64));
    if faults == FaultModel::None {
        return (1..=5).map(|n| (n, 0)).filter(allowed).collect();
    }
    let mut out: Vec<(usize, usize)> = (1..=3)
        .map(|n| (n, 0))
        .chain((2..=9).map(|n| (n, 1)))
        .filter(allowed)
        .collect();
    let f2: Vec<(usize, usize)> = (3..=LARGEST_N).map(|n| (n, 2)).filter(allowed).collect();
    if let Some(&first) = f2.first() {
        out.push(first);
        out.extend(
            [11, 15]
                .into_iter()
                .map(|n| (n, 2))
                .filter(|s| s.0 > first.0 && f2.contains(s)),
        );
    }
    out
}

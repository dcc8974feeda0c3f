//! Thresholds: the classic list, the value of a quorum at (N, F), and the
//! generated family `(a*N + b*F + c) / d` of `thresholds = "linear"`.

use crate::config::{ConfigError, LearnConfig};
use crate::sizes::LARGEST_N;
use dsl_core::ir::{Guard, ProtocolIr, Quorum};

/// The quorums of a run and their costs; `sizes` are the (N, F) checked
/// (the generated thresholds are pruned by them and by `requires`).
pub fn quorums(
    config: &LearnConfig,
    sizes: &[(usize, usize)],
) -> Result<(Vec<Quorum>, Vec<f64>), ConfigError> {
    let (quorums, costs) = match &config.thresholds {
        Thresholds::List(list) => {
            let quorums = list
                .iter()
                .map(ThresholdSpec::quorum)
                .collect::<Result<Vec<_>, _>>()?;
            (quorums, list.iter().map(|t| t.cost).collect())
        }
        Thresholds::Family(ThresholdFamily::Linear) => {
            let window = window(&config.requires_conds()?, config.faults, sizes);
            let mut quorums = vec![Quorum::FromBroadcaster];
            let mut costs = vec![-1.0];
            for t in linear(&config.linear, &window, config.faults) {
                quorums.push(t.quorum());
                costs.push(t.cost(&window));
            }
            (quorums, costs)
        }
    };
    let (quorums, costs) = if config.excluded_counts {
        with_excluded(quorums, costs, sizes)
    } else {
        (quorums, costs)
    };
    if quorums.is_empty() || quorums.len() > u8::MAX as usize {
        return Err(ConfigError::Invalid(format!(
            "{} thresholds; give between 1 and 255",
            quorums.len()
        )));
    }
    Ok((quorums, costs))
}

/// `quorums` and, after them, each `>= k` as `>= k excluding broadcaster`
/// (same cost) where k <= N - 1 at one size of `sizes` at least (a quorum
/// no size can meet is no action), unless the list has it already.
fn with_excluded(
    mut quorums: Vec<Quorum>,
    mut costs: Vec<f64>,
    sizes: &[(usize, usize)],
) -> (Vec<Quorum>, Vec<f64>) {
    for i in 0..quorums.len() {
        let Quorum::AtLeast(e) = &quorums[i] else {
            continue;
        };
        let excluded = Quorum::AtLeastExcluding(e.clone());
        let reachable = sizes
            .iter()
            .any(|&(n, f)| e.eval(n as i64, f as i64).is_some_and(|k| k < n as i64));
        if reachable && !quorums.contains(&excluded) {
            quorums.push(excluded);
            costs.push(costs[i]);
        }
    }
    (quorums, costs)
}

/// The thresholds of `ir` that are not in [`CLASSIC`] (as printed), in rule
/// order, each once.
pub fn non_classic(ir: &ProtocolIr) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for rule in &ir.rules {
        for g in &rule.guards {
            if let Guard::Received {
                quorum: Quorum::AtLeast(e) | Quorum::AtLeastExcluding(e),
                ..
            } = g
            {
                let p = dsl_core::print::expr(e);
                if !CLASSIC.iter().any(|(c, _)| *c == p) && !out.contains(&p) {
                    out.push(p);
                }
            }
        }
    }
    out
}

/// The number of senders a quorum needs at (N, F) (at least 1), or `None`
/// if it is undefined there; `from broadcaster` needs one.
pub fn quorum_value(q: &Quorum, n: usize, f: usize) -> Option<i64> {
    match q {
        Quorum::FromBroadcaster => Some(1),
        Quorum::AtLeast(e) | Quorum::AtLeastExcluding(e) => {
            e.eval(n as i64, f as i64).map(|k| k.max(1))
        }
    }
}

use dsl_core::ir::{BinOp, Cond, Expr, FaultModel};

pub mod spec;

pub use spec::{LinearBounds, ThresholdFamily, ThresholdSpec, Thresholds, CLASSIC};

/// A generated threshold `(a*N + b*F + c) / d`, rounding down.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Linear {
    /// Coefficient of N.
    pub a: i64,
    /// Coefficient of F.
    pub b: i64,
    /// Constant.
    pub c: i64,
    /// Divisor (at least 1).
    pub d: i64,
}

impl Linear {
    /// Its value at (N, F).
    pub fn value(&self, n: usize, f: usize) -> i64 {
        (self.a * n as i64 + self.b * f as i64 + self.c).div_euclid(self.d)
    }

    /// The expression, without zero terms (`N - F`, `(N + F + 1) / 2`).
    pub fn expr(&self) -> Expr {
        let mut e: Option<Expr> = None;
        let terms = [(self.a, Expr::N), (self.b, Expr::F), (self.c, Expr::Int(1))];
        for (k, base) in terms {
            if k == 0 {
                continue;
            }
            let mag = match base {
                Expr::Int(_) => Expr::Int(k.abs()),
                b if k.abs() == 1 => b,
                b => Expr::bin(BinOp::Mul, Expr::Int(k.abs()), b),
            };
            e = Some(match e {
                None if k < 0 => Expr::bin(BinOp::Sub, Expr::Int(0), mag),
                None => mag,
                Some(prev) if k < 0 => Expr::bin(BinOp::Sub, prev, mag),
                Some(prev) => Expr::bin(BinOp::Add, prev, mag),
            });
        }
        let e = e.unwrap_or(Expr::Int(0));
        if self.d == 1 {
            e
        } else {
            Expr::bin(BinOp::Div, e, Expr::Int(self.d))
        }
    }

    /// The quorum `>= (a*N + b*F + c) / d`.
    pub fn quorum(&self) -> Quorum {
        Quorum::AtLeast(self.expr())
    }

    /// Its cost, by strength: `-(1 + 3 * mean (k - 1) / (N - 1))` over
    /// `window`, to the nearest half (1 costs 1, N costs 4, like the
    /// classic list's 1 and N - F).
    pub fn cost(&self, window: &[(usize, usize)]) -> f64 {
        let mean = window
            .iter()
            .map(|&(n, f)| (self.value(n, f) - 1) as f64 / (n.max(2) - 1) as f64)
            .sum::<f64>()
            / window.len().max(1) as f64;
        -((2.0 * (1.0 + 3.0 * mean)).round() / 2.0)
    }

    /// Whether it is a threshold at all (N, F) of `window`: at least 1, at
    /// most N (else it can never be met) and, under Byzantine faults, more
    /// than F (else the Byzantine processes meet it alone).
    pub fn possible(&self, window: &[(usize, usize)], faults: FaultModel) -> bool {
        window.iter().all(|&(n, f)| {
            let k = self.value(n, f);
            let floor = if faults == FaultModel::Byzantine {
                f as i64
            } else {
                0
            };
            k > floor && k <= n as i64
        })
    }
}

/// The (N, F) pairs a generated threshold must make sense at: `sizes` and
/// every N <= [`LARGEST_N`], F <= 3 (F = 0 without faults, else F >= 1)
/// that `requires` allows.
pub fn window(
    requires: &[Cond],
    faults: FaultModel,
    sizes: &[(usize, usize)],
) -> Vec<(usize, usize)> {
    let fs = if faults == FaultModel::None {
        0..=0
    } else {
        1..=3
    };
    let mut out: Vec<(usize, usize)> = sizes.to_vec();
    for f in fs {
        for n in (f + 1).max(3)..=LARGEST_N {
            if requires.iter().all(|c| c.holds(n as i64, f as i64)) && !out.contains(&(n, f)) {
                out.push((n, f));
            }
        }
    }
    out
}

/// Every `(a*N + b*F + c) / d` within `bounds` that is [`Linear::possible`]
/// over `window`, one per distinct list of values over `window` (the
/// simplest: smallest d, then smallest |a| + |b| + |c|), simplest first.
pub fn linear(bounds: &LinearBounds, window: &[(usize, usize)], faults: FaultModel) -> Vec<Linear> {
    let range = |(lo, hi): (i64, i64)| lo..=hi;
    let mut all = Vec::new();
    for d in range(bounds.d).filter(|&d| d >= 1) {
        for a in range(bounds.a) {
            for b in range(bounds.b) {
                for c in range(bounds.c) {
                    all.push(Linear { a, b, c, d });
                }
            }
        }
    }
    all.sort_by_key(|t| (t.d, t.a.abs() + t.b.abs() + t.c.abs(), *t));
    let mut seen = std::collections::HashSet::new();
    all.into_iter()
        .filter(|t| t.possible(window, faults))
        .filter(|t| {
            seen.insert(
                window
                    .iter()
                    .map(|&(n, f)| t.value(n, f))
                    .collect::<Vec<_>>(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn requires(s: &str) -> Vec<Cond> {
        vec![dsl_core::syntax::parse_cond(s).expect("a test condition parses")]
    }

    #[test]
    fn classic_thresholds_are_among_the_linear_ones() {
        let req = requires("N > 3 * F");
        let w = window(&req, FaultModel::Byzantine, &[(4, 1), (5, 1), (7, 2)]);
        let got = linear(&LinearBounds::default(), &w, FaultModel::Byzantine);
        let printed: Vec<String> = got
            .iter()
            .map(|t| dsl_core::print::expr(&t.expr()))
            .collect();
        for classic in ["F + 1", "N - F", "2 * F + 1"] {
            assert!(
                printed.iter().any(|p| p == classic),
                "{classic} not in {printed:?}"
            );
        }
        // 1 and F are met by the Byzantine processes alone.
        assert!(!printed.iter().any(|p| p == "1" || p == "F"));
    }

    proptest! {
        #[test]
        fn generated_thresholds_are_within_bounds_and_possible(
            a_lo in 0i64..2, a_len in 0i64..2,
            b_lo in -3i64..1, b_len in 0i64..4,
            c_lo in -2i64..2, c_len in 0i64..4,
            d_hi in 1i64..4,
            ratio in 1i64..6,
            faults in prop_oneof![Just(FaultModel::Crash), Just(FaultModel::Byzantine)],
        ) {
            let bounds = LinearBounds {
                a: (a_lo, a_lo + a_len),
                b: (b_lo, b_lo + b_len),
                c: (c_lo, c_lo + c_len),
                d: (1, d_hi),
            };
            let req = requires(&format!("N > {ratio} * F"));
            let sizes = crate::config::sizes_for(&req, faults);
            let w = window(&req, faults, &sizes);
            for t in linear(&bounds, &w, faults) {
                prop_assert!((bounds.a.0..=bounds.a.1).contains(&t.a));
                prop_assert!((bounds.b.0..=bounds.b.1).contains(&t.b));
                prop_assert!((bounds.c.0..=bounds.c.1).contains(&t.c));
                prop_assert!((1..=d_hi).contains(&t.d));
                let q = t.quorum();
                for &(n, f) in &w {
                    prop_assert!(req[0].holds(n as i64, f as i64));
                    let k = quorum_value(&q, n, f).unwrap();
                    prop_assert_eq!(k, t.value(n, f));
                    prop_assert!(k <= n as i64, "{:?} never met at N={} F={}", t, n, f);
                    if faults == FaultModel::Byzantine {
                        prop_assert!(k > f as i64, "{:?} met by F={} alone at N={}", t, f, n);
                    }
                }
            }
        }
    }
}

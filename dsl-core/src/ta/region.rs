//! The allowed parameters of an automaton, for deciding the sign of a
//! linear term over all of them.
//!
//! The automaton drops an atom that holds at every allowed (N, F) (the
//! clamp `x >= 1` of a threshold that is always >= 1, a bound that is never
//! positive) and a guard that can never hold. "Allowed" is `0 <= F < N`, the
//! scenario's bound on F (F >= 1 with a Byzantine broadcaster, F = 0
//! without failures) and the protocol's `requires`: the (4f)-BRB's
//! `N - F - 1 >= 1` holds under `N >= 4 * F and N >= 2`, not at N = F + 1.
//! Fewer atoms make smaller liveness specifications: each guard of two
//! atoms doubles a location's share of the stuck configurations TACO
//! enumerates (see "Liveness" in [`super`]).
//!
//! [`Region::at_least`] decides `v >= bound` over the region exactly for
//! F <= [`EXACT_F`] (for each F, at the least or greatest N the region
//! allows there, whichever minimises `v`) and, beyond, soundly but not
//! completely: `v` must be bounded below by a linear function of F that
//! does not decrease, one of the lower bounds on N with `v` rising in N.
//! When that argument fails the answer is "no", which keeps the atom: a
//! larger automaton, never a wrong one.

use super::linear::{self, ParamLin};
use crate::ir::{CmpOp, Cond};

/// F up to which [`Region::at_least`] checks every allowed instance.
pub const EXACT_F: i64 = 1024;

/// The integer points (N, F) with `0 <= F < N`, `F >= f_min`, F = 0 if
/// `f_fixed`, and every constraint `>= 0`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Region {
    /// The least F.
    pub f_min: i64,
    /// F = 0 (the failure-free scenario).
    pub f_fixed: bool,
    /// Linear terms that are >= 0 at every allowed point.
    pub constraints: Vec<ParamLin>,
}

impl Region {
    /// The region of `requires` (conditions whose sides are not linear
    /// without a division are left out: a larger region, never a wrong
    /// answer) with the scenario's bounds on F.
    pub fn new(requires: &[Cond], f_min: i64, f_fixed: bool) -> Region {
        let mut constraints = Vec::new();
        for c in requires {
            let side = |e| {
                linear::threshold(e)
                    .ok()
                    .filter(|t| t.den == 1)
                    .map(|t| t.lin)
            };
            let (Some(l), Some(r)) = (side(&c.lhs), side(&c.rhs)) else {
                continue;
            };
            let diff = l.plus(r.scale(-1));
            let one = ParamLin::constant(1);
            match c.op {
                CmpOp::Gt => constraints.push(diff.plus(one.scale(-1))),
                CmpOp::Ge => constraints.push(diff),
                CmpOp::Lt => constraints.push(diff.scale(-1).plus(one.scale(-1))),
                CmpOp::Le => constraints.push(diff.scale(-1)),
                CmpOp::Eq => constraints.extend([diff, diff.scale(-1)]),
            }
        }
        Region {
            f_min,
            f_fixed,
            constraints,
        }
    }

    /// The least and greatest N allowed with this F (None: unbounded),
    /// or None when no N is.
    fn n_range(&self, f: i64) -> Option<(i64, Option<i64>)> {
        let mut lo = f + 1;
        let mut hi: Option<i64> = None;
        for c in &self.constraints {
            // c.n * N + rest >= 0
            let rest = c.f * f + c.c;
            match c.n.signum() {
                1 => lo = lo.max((-rest).div_euclid(c.n) + i64::from((-rest).rem_euclid(c.n) != 0)),
                -1 => {
                    let top = rest.div_euclid(-c.n);
                    hi = Some(hi.map_or(top, |h| h.min(top)));
                }
                _ if rest < 0 => return None,
                _ => {}
            }
        }
        (hi.is_none_or(|h| h >= lo)).then_some((lo, hi))
    }

    /// Whether `v >= bound` at every point of the region (an empty region
    /// included). "No" may be a conservative answer (module docs).
    pub fn at_least(&self, v: ParamLin, bound: i64) -> bool {
        let last = if self.f_fixed {
            0
        } else {
            self.f_min.max(0) + EXACT_F
        };
        for f in self.f_min.max(0)..=last {
            let Some((lo, hi)) = self.n_range(f) else {
                continue;
            };
            let n = if v.n >= 0 {
                lo
            } else if let Some(hi) = hi {
                hi
            } else {
                return false;
            };
            if v.eval(n, f) < bound {
                return false;
            }
        }
        if self.f_fixed {
            return true;
        }
        self.tail_at_least(v, bound, last)
    }

    /// For every F > `last`: no allowed point, or `v` above a lower bound
    /// on N that makes it at least `bound` and does not decrease with F.
    fn tail_at_least(&self, v: ParamLin, bound: i64, last: i64) -> bool {
        // A condition on F alone that fails for good past `last`.
        let f_bounded = self
            .constraints
            .iter()
            .any(|c| c.n == 0 && c.f < 0 && c.f * (last + 1) + c.c < 0);
        if f_bounded {
            return true;
        }
        if v.n < 0 {
            return false;
        }
        // Lower bounds p * N >= -(q * F + r), p > 0, and N >= F + 1.
        let own = ParamLin { n: 1, f: -1, c: -1 };
        self.constraints
            .iter()
            .chain(std::iter::once(&own))
            .filter(|c| c.n > 0)
            .any(|c| {
                // p * v >= v.n * (-(q F + r)) + p * (v.f F + v.c), linear in F.
                let (p, q, r) = (c.n, c.f, c.c);
                let slope = -v.n * q + p * v.f;
                let at_last = -v.n * (q * last + r) + p * (v.f * last + v.c);
                slope >= 0 && at_last >= p * bound
            })
    }

    /// Whether `v >= 1` at every allowed point.
    pub fn always_positive(&self, v: ParamLin) -> bool {
        self.at_least(v, 1)
    }

    /// Whether `v <= 0` at every allowed point.
    pub fn never_positive(&self, v: ParamLin) -> bool {
        self.at_least(v.scale(-1), 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(requires: &str, f_min: i64) -> Region {
        let conds: Vec<Cond> = requires
            .split(" and ")
            .map(|c| crate::syntax::parse_cond(c).expect("parses"))
            .collect();
        Region::new(&conds, f_min, false)
    }

    fn lin(n: i64, f: i64, c: i64) -> ParamLin {
        ParamLin { n, f, c }
    }

    /// Every answer "yes" is checked against every allowed point with
    /// N <= 200, and the answers are the expected ones.
    #[test]
    fn signs_over_the_allowed_region_agree_with_enumeration() {
        let cases = [
            // N - F - 1 >= 1: not at N = F + 1, but under N >= 4F and N >= 2.
            ("N > F", 0, lin(1, -1, -1), false),
            ("N >= 4 * F and N >= 2", 0, lin(1, -1, -1), true),
            ("N >= 4 * F", 0, lin(1, -1, -1), false),
            ("N >= 4 * F", 1, lin(1, -1, -1), true),
            // N - 2F >= 1 under N > 3F; N - 3F >= 1 too; N - 4F not.
            ("N > 3 * F", 0, lin(1, -2, 0), true),
            ("N > 3 * F", 0, lin(1, -3, 0), true),
            ("N > 3 * F", 0, lin(1, -4, 0), false),
            // Decreasing in N: never always positive without a bound on N.
            ("N > 3 * F", 0, lin(-1, 0, 100), false),
            ("N >= 5 * F - 1", 1, lin(1, -4, 0), false),
            ("N >= 5 * F - 1", 1, lin(1, -4, 1), true),
        ];
        for (requires, f_min, v, expected) in cases {
            let r = region(requires, f_min);
            let got = r.always_positive(v);
            assert_eq!(got, expected, "{v} >= 1 under {requires}, F >= {f_min}");
            if got {
                let ir_region = |n: i64, f: i64| {
                    f >= f_min && f < n && r.constraints.iter().all(|c| c.eval(n, f) >= 0)
                };
                for n in 1..=200 {
                    for f in 0..n {
                        if ir_region(n, f) {
                            assert!(v.eval(n, f) >= 1, "{v} at N = {n}, F = {f}");
                        }
                    }
                }
            }
        }
    }

    /// Without `requires`: the bounds the automaton always had.
    #[test]
    fn without_requires_the_region_is_every_n_above_f() {
        let any = |f_min| Region::new(&[], f_min, false);
        assert!(any(0).always_positive(lin(0, 1, 1)));
        assert!(!any(0).always_positive(lin(0, -1, 1)));
        assert!(any(1).never_positive(lin(0, -1, 1)));
        assert!(!any(0).never_positive(lin(0, -1, 1)));
        assert!(Region::new(&[], 0, true).always_positive(lin(0, -1, 1)));
    }
}

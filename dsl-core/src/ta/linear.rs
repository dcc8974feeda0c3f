//! Thresholds as linear constraints over N and F.
//!
//! A threshold `k` of the DSL is an integer expression over N and F whose `/`
//! rounds down. The automaton needs `x >= k` (x a count) as a linear
//! constraint. Every threshold of the form `floor(L1 / d) + L0` (L0, L1 linear
//! in N and F with integer coefficients, d >= 1) has one, because for an
//! integer x:
//!
//! ```text
//! x >= floor(L1 / d) + L0  <=>  x - L0 + 1 > L1 / d  <=>  d * x >= L1 + d * L0 - d + 1
//! ```
//!
//! The normal form is closed under `+` and `-` of linear terms, `-` of a floor
//! (`-floor(L / d) = floor((d - 1 - L) / d)`), multiplication by a constant
//! (by 1 or -1 when a floor is present) and division by a positive constant
//! (`floor(floor(L / d1) / d2) = floor(L / (d1 * d2))`). Anything else is
//! refused: a product of two terms that depend on N or F, or a division by
//! one, is not linear; a sum of two floors or a division by a constant <= 0
//! is not supported.

use crate::ir::{BinOp, Expr};

/// `n * N + f * F + c`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ParamLin {
    /// Coefficient of N.
    pub n: i64,
    /// Coefficient of F.
    pub f: i64,
    /// Constant.
    pub c: i64,
}

impl ParamLin {
    /// The constant `c`.
    pub fn constant(c: i64) -> ParamLin {
        ParamLin { n: 0, f: 0, c }
    }

    /// Whether N and F do not occur.
    pub fn is_constant(&self) -> bool {
        self.n == 0 && self.f == 0
    }

    /// `self + o`.
    pub fn plus(self, o: ParamLin) -> ParamLin {
        ParamLin {
            n: self.n + o.n,
            f: self.f + o.f,
            c: self.c + o.c,
        }
    }

    /// `k * self`.
    pub fn scale(self, k: i64) -> ParamLin {
        ParamLin {
            n: self.n * k,
            f: self.f * k,
            c: self.c * k,
        }
    }

    /// The value at (N, F).
    pub fn eval(&self, n: i64, f: i64) -> i64 {
        self.n * n + self.f * f + self.c
    }
}

impl std::fmt::Display for ParamLin {
    fn fmt(&self, out: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut terms: Vec<(i64, &str)> = Vec::new();
        for (k, name) in [(self.n, "N"), (self.f, "F"), (self.c, "")] {
            if k != 0 {
                terms.push((k, name));
            }
        }
        if terms.is_empty() {
            return write!(out, "0");
        }
        for (i, (k, name)) in terms.iter().enumerate() {
            let sign = if *k < 0 {
                if i == 0 {
                    "-"
                } else {
                    " - "
                }
            } else if i == 0 {
                ""
            } else {
                " + "
            };
            let a = k.abs();
            match (a, name.is_empty()) {
                (_, true) => write!(out, "{sign}{a}")?,
                (1, false) => write!(out, "{sign}{name}")?,
                _ => write!(out, "{sign}{a} * {name}")?,
            }
        }
        Ok(())
    }
}

/// `floor(num / den) + lin` (no floor when `den == 1` and `num == 0`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Threshold {
    /// The numerator of the floor.
    pub num: ParamLin,
    /// The denominator of the floor, >= 1.
    pub den: i64,
    /// The linear part.
    pub lin: ParamLin,
}

impl Threshold {
    fn linear(lin: ParamLin) -> Threshold {
        Threshold {
            num: ParamLin::default(),
            den: 1,
            lin,
        }
    }

    fn has_floor(&self) -> bool {
        self.den != 1 || self.num != ParamLin::default()
    }

    /// The right-hand side `r` and factor `d` with `x >= self <=> d * x >= r`.
    pub fn as_lower_bound(&self) -> (i64, ParamLin) {
        let d = self.den;
        (
            d,
            self.num
                .plus(self.lin.scale(d))
                .plus(ParamLin::constant(1 - d)),
        )
    }

    /// The value at (N, F), for tests.
    pub fn eval(&self, n: i64, f: i64) -> i64 {
        self.num.eval(n, f).div_euclid(self.den) + self.lin.eval(n, f)
    }
}

/// Why a threshold has no linear form.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LinearError {
    /// A product of two terms with N or F, or a division by one.
    #[error("not linear in N and F")]
    NotLinear,
    /// Linear, but not in the form `floor(L1 / d) + L0`.
    #[error("not supported ({0})")]
    Unsupported(&'static str),
}

/// The normal form of `e` (see the module docs).
pub fn threshold(e: &Expr) -> Result<Threshold, LinearError> {
    Ok(match e {
        Expr::Int(k) => Threshold::linear(ParamLin::constant(*k)),
        Expr::N => Threshold::linear(ParamLin { n: 1, f: 0, c: 0 }),
        Expr::F => Threshold::linear(ParamLin { n: 0, f: 1, c: 0 }),
        Expr::Bin(op, a, b) => {
            let (a, b) = (threshold(a)?, threshold(b)?);
            match op {
                BinOp::Add => add(a, b)?,
                BinOp::Sub => add(a, negate(b))?,
                BinOp::Mul => match (constant(&a), constant(&b)) {
                    (_, Some(k)) => scale(a, k)?,
                    (Some(k), _) => scale(b, k)?,
                    _ => return Err(LinearError::NotLinear),
                },
                BinOp::Div => {
                    let Some(d) = constant(&b) else {
                        return Err(LinearError::NotLinear);
                    };
                    if d <= 0 {
                        return Err(LinearError::Unsupported("division by a constant <= 0"));
                    }
                    // floor((floor(L1/d1) + L0) / d) = floor((L1 + d1 L0) / (d1 d))
                    Threshold {
                        num: a.num.plus(a.lin.scale(a.den)),
                        den: a.den * d,
                        lin: ParamLin::default(),
                    }
                }
            }
        }
    })
}

fn constant(t: &Threshold) -> Option<i64> {
    (!t.has_floor() && t.lin.is_constant()).then_some(t.lin.c)
}

fn add(a: Threshold, b: Threshold) -> Result<Threshold, LinearError> {
    match (a.has_floor(), b.has_floor()) {
        (true, true) => Err(LinearError::Unsupported("a sum of two divisions")),
        (_, false) => Ok(Threshold {
            lin: a.lin.plus(b.lin),
            ..a
        }),
        (false, true) => Ok(Threshold {
            lin: a.lin.plus(b.lin),
            ..b
        }),
    }
}

fn negate(t: Threshold) -> Threshold {
    if !t.has_floor() {
        return Threshold::linear(t.lin.scale(-1));
    }
    // -floor(L / d) = floor((d - 1 - L) / d)
    Threshold {
        num: t.num.scale(-1).plus(ParamLin::constant(t.den - 1)),
        den: t.den,
        lin: t.lin.scale(-1),
    }
}

fn scale(t: Threshold, k: i64) -> Result<Threshold, LinearError> {
    if !t.has_floor() {
        return Ok(Threshold::linear(t.lin.scale(k)));
    }
    match k {
        1 => Ok(t),
        -1 => Ok(negate(t)),
        0 => Ok(Threshold::linear(ParamLin::default())),
        _ => Err(LinearError::Unsupported(
            "a division multiplied by a constant",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random;

    fn parse(src: &str) -> Expr {
        let p = crate::syntax::parse_str(&format!(
            "X {{ faults: none; messages: A; when received A(m) >= {src} {{ deliver(m); }} }}"
        ))
        .expect("threshold parses");
        match &p.rules[0].guards[0] {
            crate::ir::Guard::Received {
                quorum: crate::ir::Quorum::AtLeast(k),
                ..
            } => k.clone(),
            _ => unreachable!(),
        }
    }

    #[test]
    fn normal_forms_agree_with_evaluation() {
        let mut exprs = random::thresholds();
        for src in [
            "(N + 3) / 2",
            "N - (N + F) / 2",
            "(N / 2 + F) / 3 - 1",
            "2 * F + 1 - N / 4",
            "-1 * ((N + F) / 2)",
        ] {
            exprs.push(parse(src));
        }
        for e in &exprs {
            let t = threshold(e).expect("linear");
            let (d, rhs) = t.as_lower_bound();
            for n in 1..40 {
                for f in 0..n {
                    let k = e.eval(n, f).expect("defined");
                    assert_eq!(t.eval(n, f), k, "{e:?} at N = {n}, F = {f}");
                    for x in -5..50 {
                        assert_eq!(x >= k, d * x >= rhs.eval(n, f), "{e:?} {x}");
                    }
                }
            }
        }
    }

    #[test]
    fn products_and_divisions_by_n_or_f_are_not_linear() {
        assert_eq!(threshold(&parse("F * F")), Err(LinearError::NotLinear));
        let n_over_f = Expr::bin(BinOp::Div, Expr::N, Expr::F);
        assert_eq!(threshold(&n_over_f), Err(LinearError::NotLinear));
        assert!(matches!(
            threshold(&parse("N / 2 + F / 2")),
            Err(LinearError::Unsupported(_))
        ));
    }

    #[test]
    fn printing() {
        let p = ParamLin { n: 1, f: -3, c: 1 };
        assert_eq!(p.to_string(), "N - 3 * F + 1");
        assert_eq!(ParamLin { n: 0, f: -1, c: 0 }.to_string(), "-F");
    }
}

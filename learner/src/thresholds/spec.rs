//! The thresholds a run may use, as the options give them: a list with
//! costs, or a generated family and its bounds.

use crate::config::error::ConfigError;
use dsl_core::ir::Quorum;
use serde::{Deserialize, Serialize};

/// One quorum a rule may use, with its cost.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThresholdSpec {
    /// An expression over N and F (`F + 1`, `(N + F + 1) / 2`), or
    /// `broadcaster` for `from broadcaster`.
    pub expr: String,
    /// The cost of a rule with this quorum (negative).
    pub cost: f64,
}

impl ThresholdSpec {
    /// A threshold of `expr` at `cost`.
    pub(crate) fn new(expr: &str, cost: f64) -> ThresholdSpec {
        ThresholdSpec {
            expr: expr.into(),
            cost,
        }
    }

    /// The quorum it stands for.
    pub fn quorum(&self) -> Result<Quorum, ConfigError> {
        if self.expr.trim() == "broadcaster" {
            return Ok(Quorum::FromBroadcaster);
        }
        let (text, excluding) = match self.expr.trim().strip_suffix("excluding broadcaster") {
            Some(text) => (text, true),
            None => (self.expr.as_str(), false),
        };
        let e = dsl_core::syntax::parse_expr(text)
            .map_err(|e| ConfigError::Parse(format!("threshold `{}`: {e}", self.expr)))?;
        Ok(if excluding {
            Quorum::AtLeastExcluding(e)
        } else {
            Quorum::AtLeast(e)
        })
    }
}

/// The classic thresholds with their costs: the paper's 1, F+1,
/// ceil((N+F)/2), N-F, and (N+F)/2+1, 2F+1, N-2F from Bracha and
/// Imbs-Raynal; `broadcaster` is `from broadcaster`.
pub const CLASSIC: [(&str, f64); 8] = [
    ("1", -1.0),
    ("F + 1", -2.0),
    ("(N + F + 1) / 2", -3.0),
    ("N - F", -4.0),
    ("(N + F) / 2 + 1", -4.0),
    ("2 * F + 1", -3.0),
    ("N - 2 * F", -3.0),
    ("broadcaster", -1.0),
];

/// The quorums a rule may use: a list, or a generated family.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Thresholds {
    /// A fixed list, each with its cost.
    List(Vec<ThresholdSpec>),
    /// A generated family.
    Family(ThresholdFamily),
}

/// A generated family of thresholds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ThresholdFamily {
    /// `(a*N + b*F + c) / d` within [`LinearBounds`].
    Linear,
}

/// Bounds of the coefficients of `(a*N + b*F + c) / d` (inclusive).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LinearBounds {
    /// Range of `a`.
    pub a: (i64, i64),
    /// Range of `b`.
    pub b: (i64, i64),
    /// Range of `c`.
    pub c: (i64, i64),
    /// Range of `d` (at least 1).
    pub d: (i64, i64),
}

impl Default for LinearBounds {
    fn default() -> Self {
        LinearBounds {
            a: (0, 1),
            b: (-2, 2),
            c: (-1, 3),
            d: (1, 2),
        }
    }
}

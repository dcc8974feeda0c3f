//! The resilience condition an automaton is checked under: the protocol's
//! `requires` with the scenario's bounds on F (its [`Region`]), as ByMC
//! constraints for TACO and in words for reports. The broadcast and the
//! consensus automata both carry one (as `assumptions` and `assumption`),
//! made here.

use super::linear;
use super::region::Region;
use super::TaError;
use crate::ir::Cond;

/// The allowed (N, F) of an automaton.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resilience {
    /// As constraints `lhs op rhs` over N and F, ByMC syntax, one each.
    pub constraints: Vec<String>,
    /// In words (`N > 3 * F`), for reports.
    pub words: String,
}

impl Resilience {
    /// `requires` with the bounds on F of `region` (`0 <= F < N`, its least
    /// F, F = 0 in the failure-free scenario).
    pub fn new(requires: &[Cond], region: &Region) -> Result<Resilience, TaError> {
        let mut constraints = requires.iter().map(cond).collect::<Result<Vec<_>, _>>()?;
        constraints.push("F >= 0".into());
        constraints.push("N > F".into());
        if region.f_fixed {
            constraints.push("F == 0".into());
        } else if region.f_min > 0 {
            constraints.push(format!("F >= {}", region.f_min));
        }
        let words = if requires.is_empty() {
            "0 <= F < N (no `requires`)".to_string()
        } else {
            let words: Vec<String> = requires.iter().map(crate::print::cond).collect();
            words.join(" and ")
        };
        Ok(Resilience { constraints, words })
    }
}

/// A condition on (N, F) (`requires`, `one_step`) in ByMC syntax; its sides
/// must be linear without a division.
pub fn cond(c: &Cond) -> Result<String, TaError> {
    let text = crate::print::cond(c);
    let side = |e| match linear::threshold(e) {
        Ok(t) if t.den == 1 => Ok(t.lin),
        Ok(_) => Err(TaError::Unsupported {
            text: text.clone(),
            reason: "a condition with a division (not supported in `requires` or `one_step`)"
                .into(),
        }),
        Err(e) => Err(TaError::of_linear(e, text.clone(), "not supported")),
    };
    Ok(format!(
        "{} {} {}",
        side(&c.lhs)?,
        c.op.symbol(),
        side(&c.rhs)?
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse_cond;

    fn requires(conds: &[&str]) -> Vec<Cond> {
        conds
            .iter()
            .map(|c| parse_cond(c).expect("a condition"))
            .collect()
    }

    #[test]
    fn the_scenario_bounds_follow_requires() {
        let req = requires(&["N > 3 * F"]);
        let byzantine_broadcaster = Region::new(&req, 1, false);
        let r = Resilience::new(&req, &byzantine_broadcaster).expect("linear");
        assert_eq!(r.constraints, ["N > 3 * F", "F >= 0", "N > F", "F >= 1"]);
        assert_eq!(r.words, "N > 3 * F");
        let failure_free = Region::new(&[], 0, true);
        let r = Resilience::new(&[], &failure_free).expect("linear");
        assert_eq!(r.constraints, ["F >= 0", "N > F", "F == 0"]);
        assert_eq!(r.words, "0 <= F < N (no `requires`)");
    }

    #[test]
    fn a_division_or_a_product_is_refused_with_the_condition() {
        let err = cond(&requires(&["N > F / 2"])[0]).expect_err("a division");
        assert!(err.to_string().contains("`N > F / 2`"), "{err}");
        assert!(err.to_string().contains("division"), "{err}");
        let err = cond(&requires(&["N > F * F"])[0]).expect_err("not linear");
        assert!(matches!(err, TaError::NotLinear { .. }), "{err}");
    }
}

//! The threshold automaton of a consensus protocol (`problem: consensus;`),
//! for every N: ByMC's one-step consensus encodings (c1cs, cf1s, Bosco),
//! generated from the DSL's `on propose` and `upon` block.
//!
//! # The automaton
//!
//! - *Processes*: the correct ones (N - F under Byzantine faults, N
//!   otherwise; a crashed process is one that stops moving).
//! - *Locations*: `S` (not yet given an input), `I<x>` (input x, not yet
//!   proposed), `V<x>` (proposed x: sent its vote), `D<v>` (decided v),
//!   `U<v>` (handed v over to the underlying consensus, ByMC's UC sink),
//!   `E<x>` (evaluated with input x, no outcome: no arm held and no
//!   `otherwise`).
//! - *Shared variables*: `n<v>` counts the correct processes that sent the
//!   block's type T with value v (in `on propose`, once, with their input).
//! - *Rules*: `S -> I<x>` (the input is chosen), `I<x> -> V<x>` incrementing
//!   `n<x>` (`on propose`), and for every arm, value v and choice of a failing
//!   count in every earlier arm for each value, `V<x> -> outcome` guarded by
//!   the existence of a feasible snapshot (below). `otherwise` likewise with
//!   every arm failing for both values.
//!
//! # The snapshot guard
//!
//! At the receipt that makes the block's count reach K = `least(N, F)`, the
//! process holds a snapshot (a0, a1), a0 + a1 = K, where a_v = c_v + b_v: c_v
//! correct senders of T(v) (at most `n<v>`: each correct process sends T once,
//! and only the ones counted in `n<v>` sent it) and b_v Byzantine ones, b0 +
//! b1 <= F (only each sender's first T counts). Projected on (a0, a1), the
//! snapshots possible are exactly those with 0 <= a_v <= `n<v>` + B and a0 + a1
//! <= n0 + n1 + B (B = F under Byzantine faults, 0 otherwise): given such a
//! snapshot take c_v = min(a_v, `n<v>`). The chosen arm holds for v (a lower
//! bound on a_v for each count) and every earlier arm fails for both values
//! (for one count of it, an upper bound). With a1 = K - a0, every condition
//! is a bound on a0 alone; the rule's guard says a0 exists: every lower bound
//! is at most every upper bound (Fourier-Motzkin on one variable), and n0 +
//! n1 + B >= K.
//!
//! This is the key point: since a0 + a1 = K exactly, `a0 <= X` is
//! `a1 >= K - X`, and every bound that mentions a shared variable is
//! `a0 <= n0 + B` (upper) or `a0 >= K - n1 - B` (lower). Every pair hence
//! gives a guard whose shared variables have nonnegative coefficients: a
//! *rising* guard (once true, true forever, as counters only grow), which is
//! what a threshold automaton needs; [`ConsensusTa::rising`] checks it.
//!
//! # Why safe in the automaton means safe at every N
//!
//! Map an execution of distgen's semantics at an allowed (N, F) to the
//! automaton: a correct process sits in `S` until its input is chosen (the
//! checker's choice of inputs), in `I<x>` until `on propose`, in `V<x>` until
//! its block fires; its final effect moves it to `D<v>` or `U<v>` (final:
//! rule 4 of the semantics). Receipts, Byzantine sends, crashes and losses
//! are no step. When the block fires, the snapshot it holds satisfies the
//! bounds above with the counters of that moment (a crashed or lost vote is
//! still counted in `n<v>`, which only over-approximates), so the rule's
//! guard holds. The image is a run of the automaton, and the locations count
//! the decisions and handovers, so an execution violating a property maps to
//! a configuration the specification forbids. Unreachable in the automaton
//! under `requires` therefore implies safe at every allowed (N, F).
//!
//! Where exact: with single-count arms whose thresholds have no floor, or
//! where at most one side of each pair of bounds has a factor above 1, the
//! guard is exactly the existence of an integer a0; two floors meeting
//! (`2 a0 >= X` and `2 a0 <= Z`) are relaxed to the rationals (X <= Z), an
//! over-approximation. The automaton also lets every receiver see the
//! Byzantine votes it likes, as distgen does. So a counterexample is replayed
//! by the explicit checker before it is called a violation.
//!
//! # Specifications
//!
//! Agreement `[](D0 == 0 || D1 == 0)`; handover consistency `[]((D0 == 0 ||
//! U1 == 0) && (D1 == 0 || U0 == 0))`; input validity, with every correct
//! process starting in `I<v>`: `[](D<1-v> == 0 && U<1-v> == 0)`; one-step,
//! with unanimous inputs and the `one_step:` conditions added to the
//! assumptions: `[](U0 == 0 && U1 == 0 && E0 == 0 && E1 == 0)`. Termination
//! stays checked at instances.

use super::linear::{self, ParamLin};
use super::region::Region;
use super::resilience::{cond, Resilience};
use super::TaError;
use crate::ir::{Effect, Estimate, FaultModel, ProtocolIr, Upon};
use crate::problem::{Property, Scenario};
use std::fmt::Write;

/// The safety properties the automaton proves for every allowed N (one-step
/// only where claimed).
pub const PROPERTIES: [Property; 4] = [
    Property::Agreement,
    Property::HandoverConsistency,
    Property::InputValidity,
    Property::OneStep,
];

/// `n0 * n0 + n1 * n1 + p`: linear over the shared variables and parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Lin {
    /// Coefficient of `n0`.
    pub n0: i64,
    /// Coefficient of `n1`.
    pub n1: i64,
    /// The parameter part.
    pub p: ParamLin,
}

impl Lin {
    fn param(p: ParamLin) -> Lin {
        Lin { n0: 0, n1: 0, p }
    }

    fn scale(self, k: i64) -> Lin {
        Lin {
            n0: self.n0 * k,
            n1: self.n1 * k,
            p: self.p.scale(k),
        }
    }

    fn minus(self, o: Lin) -> Lin {
        Lin {
            n0: self.n0 - o.n0,
            n1: self.n1 - o.n1,
            p: self.p.plus(o.p.scale(-1)),
        }
    }
}

/// A bound `d * a0 >= e` (lower) or `d * a0 <= e` (upper), d >= 1.
#[derive(Clone, Copy, Debug)]
struct Bound {
    d: i64,
    e: Lin,
}

/// One rule: from a location to another, with a guard of atoms `lin >= 0`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsensusRule {
    /// Source location.
    pub from: String,
    /// Target location.
    pub to: String,
    /// Conjunction of `lin >= 0`.
    pub guard: Vec<Lin>,
    /// The shared variable incremented, if any.
    pub increment: Option<String>,
    /// What DSL source the rule stands for.
    pub source: String,
}

/// The automaton of a consensus protocol in one scenario.
#[derive(Clone, Debug)]
pub struct ConsensusTa {
    /// The protocol's name.
    pub protocol: String,
    /// The scenario.
    pub scenario: Scenario,
    /// The resilience condition, ByMC syntax, one per line (see
    /// [`Resilience`]).
    pub assumptions: Vec<String>,
    /// The extra assumptions of the one-step claim (empty: no claim).
    pub one_step: Vec<String>,
    /// The allowed (N, F) in words.
    pub assumption: String,
    /// The rules.
    pub rules: Vec<ConsensusRule>,
}

/// The locations, in order.
pub const LOCATIONS: [&str; 11] = [
    "S", "I0", "I1", "V0", "V1", "D0", "D1", "U0", "U1", "E0", "E1",
];

fn unsupported(text: &str, reason: &str) -> TaError {
    TaError::Unsupported {
        text: text.into(),
        reason: reason.into(),
    }
}

const SHAPE: &str = "all-N checking of consensus supports on propose + upon blocks";

fn lin_threshold(e: &crate::ir::Expr, strict: bool) -> Result<(i64, ParamLin), TaError> {
    let t = linear::threshold(e).map_err(|_| TaError::NotLinear {
        threshold: crate::print::expr(e),
    })?;
    let (d, r) = t.as_lower_bound();
    // `> e` is `>= e + 1`: d * x >= r + d.
    Ok(if strict {
        (d, r.plus(ParamLin::constant(d)))
    } else {
        (d, r)
    })
}

/// The outcome location of an arm's effects for value `v`, input `x`.
fn outcome(effects: &[Effect], v: u8, x: u8) -> Result<String, TaError> {
    match effects {
        [] => Ok(format!("E{x}")),
        [Effect::Decide] => Ok(format!("D{v}")),
        [Effect::Handover(Estimate::Value)] => Ok(format!("U{v}")),
        [Effect::Handover(Estimate::Proposal)] => Ok(format!("U{x}")),
        _ => Err(unsupported(
            "an arm's effects",
            &format!("not one decide or handover ({SHAPE} whose arms decide or hand over)"),
        )),
    }
}

/// The threshold automaton of consensus protocol `ir` in `scenario`.
pub fn translate(ir: &ProtocolIr, scenario: Scenario) -> Result<ConsensusTa, TaError> {
    let faults = scenario.faults();
    if !ir.problem.scenarios(faults).contains(&scenario) {
        return Err(TaError::Scenario {
            scenario: scenario.name(),
            faults: ir.faults,
        });
    }
    if !ir.rules.is_empty() || ir.broadcast.is_some() {
        return Err(unsupported("`when` rules", SHAPE));
    }
    let [upon] = ir.consensus.upon.as_slice() else {
        return Err(unsupported(
            "the upon blocks",
            &format!("not one ({SHAPE})"),
        ));
    };
    let propose = ir
        .consensus
        .propose
        .as_ref()
        .ok_or_else(|| unsupported("a protocol without `on propose`", SHAPE))?;
    let sends_vote = matches!(
        propose.effects.as_slice(),
        [Effect::Send { msg, to }] if *msg == upon.msg && to.includes_others()
    );
    if !sends_vote {
        return Err(unsupported(
            "on propose",
            &format!("not one send of the upon block's type to all or others ({SHAPE})"),
        ));
    }
    let byz = if faults == FaultModel::Byzantine {
        1
    } else {
        0
    };
    let mut rules = vec![
        rule("S", "I0", vec![], None, "input 0"),
        rule("S", "I1", vec![], None, "input 1"),
        rule("I0", "V0", vec![], Some("n0"), "on propose(0): send vote 0"),
        rule("I1", "V1", vec![], Some("n1"), "on propose(1): send vote 1"),
    ];
    for x in 0..2u8 {
        upon_rules(ir, upon, x, byz, &mut rules)?;
    }
    let region = Region::new(&ir.requires, 0, faults == FaultModel::None);
    let Resilience {
        constraints: assumptions,
        words: assumption,
    } = Resilience::new(&ir.requires, &region)?;
    let one_step = ir
        .consensus
        .one_step
        .iter()
        .map(cond)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ConsensusTa {
        protocol: ir.name.clone(),
        scenario,
        assumptions,
        one_step,
        assumption,
        rules,
    })
}

fn rule(from: &str, to: &str, guard: Vec<Lin>, inc: Option<&str>, source: &str) -> ConsensusRule {
    ConsensusRule {
        from: from.into(),
        to: to.into(),
        guard,
        increment: inc.map(String::from),
        source: source.into(),
    }
}

/// Every way the earlier `arms` all fail for both values: per (arm, value),
/// the index of the count that fails.
fn failing_choices(upon: &Upon, arms: usize) -> Vec<Vec<(usize, u8, usize)>> {
    let mut out: Vec<Vec<(usize, u8, usize)>> = vec![vec![]];
    for (j, arm) in upon.arms.iter().take(arms).enumerate() {
        for w in 0..2u8 {
            out = out
                .into_iter()
                .flat_map(|c| {
                    (0..arm.counts.len()).map(move |i| {
                        let mut c = c.clone();
                        c.push((j, w, i));
                        c
                    })
                })
                .collect();
        }
    }
    out
}

fn upon_rules(
    ir: &ProtocolIr,
    upon: &Upon,
    x: u8,
    byz: i64,
    rules: &mut Vec<ConsensusRule>,
) -> Result<(), TaError> {
    let (kd, k) = lin_threshold(&upon.threshold.expr, upon.threshold.strict)?;
    if kd != 1 {
        return Err(unsupported(
            &crate::print::expr(&upon.threshold.expr),
            "an upon threshold with a division (the snapshot size must be linear)",
        ));
    }
    let ty = &ir.messages[upon.msg];
    let mut arms: Vec<(Option<usize>, u8)> = Vec::new();
    for i in 0..upon.arms.len() {
        arms.push((Some(i), 0));
        arms.push((Some(i), 1));
    }
    if upon.otherwise.is_some() {
        arms.push((None, 0));
    }
    for (arm, v) in arms {
        let (earlier, holds, effects, source) = match arm {
            Some(i) => (
                i,
                &upon.arms[i].counts[..],
                &upon.arms[i].effects[..],
                format!("upon {ty}: arm {} with v = {v}", i + 1),
            ),
            None => (
                upon.arms.len(),
                &[][..],
                upon.otherwise.as_deref().unwrap_or(&[]),
                format!("upon {ty}: otherwise"),
            ),
        };
        let to = outcome(effects, v, x)?;
        for choice in failing_choices(upon, earlier) {
            let mut lower = vec![
                Bound {
                    d: 1,
                    e: Lin::param(ParamLin::constant(0)),
                },
                // a1 <= n1 + B
                Bound {
                    d: 1,
                    e: Lin {
                        n0: 0,
                        n1: -1,
                        p: k.plus(ParamLin {
                            n: 0,
                            f: -byz,
                            c: 0,
                        }),
                    },
                },
            ];
            let mut upper = vec![
                Bound {
                    d: 1,
                    e: Lin::param(k),
                },
                Bound {
                    d: 1,
                    e: Lin {
                        n0: 1,
                        n1: 0,
                        p: ParamLin { n: 0, f: byz, c: 0 },
                    },
                },
            ];
            // a_v >= t (d a_v >= r) on v; a_w < t (d a_w <= r - 1) on w.
            let mut add = |w: u8, d: i64, r: ParamLin, at_least: bool| {
                let r = if at_least {
                    r
                } else {
                    r.plus(ParamLin::constant(-1))
                };
                // On a1 = K - a0: d a1 >= r  <=>  d a0 <= d K - r.
                let flipped = Lin::param(k.scale(d).plus(r.scale(-1)));
                let b = |e| Bound { d, e };
                match (w, at_least) {
                    (0, true) => lower.push(b(Lin::param(r))),
                    (0, false) => upper.push(b(Lin::param(r))),
                    (_, true) => upper.push(b(flipped)),
                    (_, false) => lower.push(b(flipped)),
                }
            };
            for c in holds {
                let (d, r) = lin_threshold(&c.threshold.expr, c.threshold.strict)?;
                add(v, d, r, true);
            }
            for &(j, w, i) in &choice {
                let c = &upon.arms[j].counts[i];
                let (d, r) = lin_threshold(&c.threshold.expr, c.threshold.strict)?;
                add(w, d, r, false);
            }
            let mut guard = vec![Lin {
                n0: 1,
                n1: 1,
                p: ParamLin { n: 0, f: byz, c: 0 }.plus(k.scale(-1)),
            }];
            for lo in &lower {
                for up in &upper {
                    // lo.e / lo.d <= up.e / up.d
                    let g = up.e.scale(lo.d).minus(lo.e.scale(up.d));
                    if !guard.contains(&g) {
                        guard.push(g);
                    }
                }
            }
            rules.push(rule(&format!("V{x}"), &to, guard, None, &source));
        }
    }
    Ok(())
}

impl ConsensusTa {
    /// Whether every guard is rising: no shared variable with a negative
    /// coefficient.
    pub fn rising(&self) -> bool {
        self.rules
            .iter()
            .flat_map(|r| &r.guard)
            .all(|g| g.n0 >= 0 && g.n1 >= 0)
    }

    /// The properties this automaton's scenario checks for all N.
    pub fn properties(&self) -> Vec<Property> {
        PROPERTIES
            .into_iter()
            .filter(|p| *p != Property::OneStep || !self.one_step.is_empty())
            .collect()
    }

    /// The automaton in ByMC's `.ta` syntax with the specification of
    /// `property` (its own initial configuration and assumptions).
    pub fn print(&self, property: Property) -> String {
        let procs = if self.scenario == Scenario::Byzantine {
            "N - F"
        } else {
            "N"
        };
        let mut out = String::new();
        let _ = writeln!(
            out,
            "// Threshold automaton of consensus protocol {} in scenario {}, property {}, written by `distgen ta`.",
            self.protocol,
            self.scenario.name(),
            property.name()
        );
        let _ = writeln!(out, "// Allowed: {}.", self.assumption);
        let _ = writeln!(out, "skel {}_{} {{", self.protocol, property.ident());
        let _ = writeln!(out, "  local pc;\n  shared n0, n1, z;\n  parameters N, F;");
        let mut assumptions = self.assumptions.clone();
        if property == Property::OneStep {
            assumptions.extend(self.one_step.iter().cloned());
        }
        let _ = writeln!(out, "  assumptions ({}) {{", assumptions.len());
        for a in &assumptions {
            let _ = writeln!(out, "    {a};");
        }
        let _ = writeln!(out, "  }}");
        let _ = writeln!(out, "  locations ({}) {{", LOCATIONS.len());
        for (i, l) in LOCATIONS.iter().enumerate() {
            let _ = writeln!(out, "    {l}: [{i}];");
        }
        let _ = writeln!(out, "  }}");
        // Input validity and one-step: unanimous inputs (value 0 and value 1
        // are symmetric in the automaton, so value 0 stands for both).
        let start = match property {
            Property::InputValidity | Property::OneStep => "I0",
            _ => "S",
        };
        let _ = writeln!(out, "  inits ({}) {{", LOCATIONS.len() + 3);
        for l in LOCATIONS {
            let init = if l == start { procs } else { "0" };
            let _ = writeln!(out, "    {l} == {init};");
        }
        let _ = writeln!(out, "    n0 == 0;\n    n1 == 0;\n    z == 0;\n  }}");
        let _ = writeln!(out, "  rules ({}) {{", self.rules.len());
        for (i, r) in self.rules.iter().enumerate() {
            let atoms: Vec<String> = r.guard.iter().map(atom).collect();
            let guard = if atoms.is_empty() {
                "true".to_string()
            } else {
                atoms.join(" && ")
            };
            let update = match &r.increment {
                Some(v) => format!("{v}' == {v} + 1;"),
                None => String::new(),
            };
            let _ = writeln!(
                out,
                "    // {}\n    {i}: {} -> {}\n        when ({guard})\n        do {{ {update} }};",
                r.source, r.from, r.to
            );
        }
        let _ = writeln!(out, "  }}");
        let spec = match property {
            Property::Agreement => "[](D0 == 0 || D1 == 0)",
            Property::HandoverConsistency => "[]((D0 == 0 || U1 == 0) && (D1 == 0 || U0 == 0))",
            Property::InputValidity => "[](D1 == 0 && U1 == 0)",
            _ => "[](U0 == 0 && U1 == 0 && E0 == 0 && E1 == 0)",
        };
        let _ = writeln!(out, "  specifications (1) {{");
        let _ = writeln!(out, "    {}: {spec};", property.ident());
        let _ = writeln!(out, "  }}\n}}");
        out
    }
}

/// `lin >= 0` as a ByMC atom `shared >= params`; a parameter-only atom reads
/// the constant shared variable `z` (always 0), as TACO wants a shared
/// variable in each guard.
fn atom(g: &Lin) -> String {
    let mut lhs = Vec::new();
    for (k, v) in [(g.n0, "n0"), (g.n1, "n1")] {
        match k {
            0 => {}
            1 => lhs.push(v.to_string()),
            _ => lhs.push(format!("{k} * {v}")),
        }
    }
    if lhs.is_empty() {
        lhs.push("z".into());
    }
    format!("{} >= {}", lhs.join(" + "), g.p.scale(-1))
}

#[cfg(test)]
#[path = "consensus_tests.rs"]
mod tests;

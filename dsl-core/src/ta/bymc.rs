//! The ByMC `.ta` syntax (read by ByMC and TACO), with comments that tie
//! every location and rule to the DSL.

use super::{Atom, ThresholdAutomaton};
use crate::problem::Property;
use std::fmt::Write;

/// An identifier for the automaton: `Bracha_byzantine_broadcaster`.
pub fn ident(ta: &ThresholdAutomaton) -> String {
    format!("{}_{}", ta.protocol, ta.scenario.name().replace('-', "_"))
}

fn atom(ta: &ThresholdAutomaton, a: &Atom) -> String {
    let var = &ta.shared[a.var].name;
    if a.coef == 1 {
        format!("{var} >= {}", a.rhs)
    } else {
        format!("{} * {var} >= {}", a.coef, a.rhs)
    }
}

/// The automaton in ByMC's `.ta` syntax.
pub fn print(ta: &ThresholdAutomaton) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "// Threshold automaton of {} under {} faults, scenario {}, written by `distgen ta`.",
        ta.protocol,
        ta.faults,
        ta.scenario.name()
    );
    let _ = writeln!(
        out,
        "// Processes: the correct ones. Parameters: N processes, F faulty; allowed: {}.",
        ta.assumption
    );
    let _ = writeln!(
        out,
        "// {} locations ({} local states merged by bisimulation), {} rules.",
        ta.locations.len(),
        ta.local_states,
        ta.rules.len()
    );
    let _ = writeln!(out, "skel {} {{", ident(ta));
    let _ = writeln!(out, "  local pc;");
    let names: Vec<&str> = ta.shared.iter().map(|s| s.name.as_str()).collect();
    let _ = writeln!(out, "  shared {};", names.join(", "));
    let _ = writeln!(out, "  parameters N, F;");
    let _ = writeln!(out, "  assumptions ({}) {{", ta.assumptions.len());
    for a in &ta.assumptions {
        let _ = writeln!(out, "    {a};");
    }
    let _ = writeln!(out, "  }}");
    let _ = writeln!(out, "  locations ({}) {{", ta.locations.len());
    for (i, l) in ta.locations.iter().enumerate() {
        let merged = if l.merged > 1 {
            format!(" (and {} bisimilar)", l.merged - 1)
        } else {
            String::new()
        };
        let _ = writeln!(out, "    {}: [{i}]; // {}{merged}", l.name, l.describe);
    }
    let _ = writeln!(out, "  }}");
    let _ = writeln!(out, "  inits ({}) {{", ta.locations.len() + ta.shared.len());
    for l in &ta.locations {
        let _ = writeln!(out, "    {} == {};", l.name, l.initial);
    }
    for s in &ta.shared {
        let _ = writeln!(out, "    {} == {};", s.name, s.initial);
    }
    let _ = writeln!(out, "  }}");
    rules(&mut out, ta);
    let _ = writeln!(out, "  specifications ({}) {{", ta.specs.len());
    for s in &ta.specs {
        let why = if *s == Property::Totality && ta.value_symmetric {
            " (d0 only: the automaton is symmetric in the values, so a violation that delivered 1 mirrors one that delivered 0)"
        } else {
            ""
        };
        let _ = writeln!(out, "    // {}{why}", s.name());
        let _ = writeln!(out, "    {}: {};", s.ident(), formula(ta, *s));
    }
    let _ = writeln!(out, "  }}");
    let _ = writeln!(out, "}}");
    out
}

/// The `rules` block, each rule after a comment with its DSL source.
fn rules(out: &mut String, ta: &ThresholdAutomaton) {
    let _ = writeln!(out, "  rules ({}) {{", ta.rules.len());
    for (i, r) in ta.rules.iter().enumerate() {
        let guard = if r.guard.is_empty() {
            "true".to_string()
        } else {
            let atoms: Vec<String> = r.guard.iter().map(|a| atom(ta, a)).collect();
            atoms.join(" && ")
        };
        let updates: Vec<String> = r
            .increments
            .iter()
            .map(|&v| {
                let name = &ta.shared[v].name;
                format!("{name}' == {name} + 1;")
            })
            .collect();
        let _ = writeln!(out, "    // {}", r.source);
        let _ = writeln!(
            out,
            "    {i}: {} -> {}\n        when ({guard})\n        do {{ {} }};",
            ta.locations[r.from].name,
            ta.locations[r.to].name,
            updates.join(" ")
        );
    }
    let _ = writeln!(out, "  }}");
}

/// The LTL formula of a specification. Liveness: no stuck configuration
/// (every occupied location has every rule's sure guard false) where a
/// process has not delivered (validity), or has not while another has
/// (totality); see the module docs of [`super`].
pub fn formula(ta: &ThresholdAutomaton, p: Property) -> String {
    let missing = |ta: &ThresholdAutomaton| {
        let empty: Vec<String> = ta
            .locations
            .iter()
            .filter(|l| l.undelivered)
            .map(|l| format!("{} == 0", l.name))
            .collect();
        group(&empty, " && ", TRUE)
    };
    match p {
        Property::Consistency => "[](d0 == 0 || d1 == 0)".into(),
        Property::Integrity => "[](d1 == 0)".into(),
        Property::Validity => format!("[]({} || {})", moving(ta), missing(ta)),
        // With the values symmetric, a violation that delivered 1 is the
        // image of one that delivered 0 (`local/symmetry.rs`).
        Property::Totality if ta.value_symmetric => {
            format!("[]({} || d0 == 0 || {})", moving(ta), missing(ta))
        }
        Property::Totality => format!(
            "[]({} || (d0 == 0 && d1 == 0) || {})",
            moving(ta),
            missing(ta)
        ),
        // `specifications` gives a broadcast automaton only the four above.
        other => panic!("`{other}` is not a property of a broadcast automaton"),
    }
}

/// Always true, always false: TACO's translation of specifications
/// mishandles the constants `true` and `false` inside `[]` (a disjunct
/// `(true || ...)` made a safe automaton unsafe), so they are written as
/// comparisons.
const TRUE: &str = "d0 >= 0";
const FALSE: &str = "d0 < 0";

/// `(a op b op ...)`, or `unit` for none.
fn group(parts: &[String], op: &str, unit: &str) -> String {
    if parts.is_empty() {
        unit.to_string()
    } else {
        format!("({})", parts.join(op))
    }
}

/// Not stuck: some occupied location has a rule whose sure guard holds.
fn moving(ta: &ThresholdAutomaton) -> String {
    let mut out = Vec::new();
    for (i, l) in ta.locations.iter().enumerate() {
        let enabled: Vec<String> = ta
            .rules
            .iter()
            .filter(|r| r.from == i)
            .filter_map(|r| r.sure.as_ref())
            .map(|g| {
                let atoms: Vec<String> = g.iter().map(|a| atom(ta, a)).collect();
                group(&atoms, " && ", TRUE)
            })
            .collect();
        if enabled.iter().any(|g| g == TRUE) {
            out.push(format!("{} != 0", l.name));
        } else if !enabled.is_empty() {
            out.push(format!(
                "({} != 0 && {})",
                l.name,
                group(&enabled, " || ", FALSE)
            ));
        }
    }
    group(&out, " || ", FALSE)
}

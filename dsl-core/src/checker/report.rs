//! Check results as text a person reads, and as the JSON objects of
//! `distgen check --json`.

use super::{CheckResult, Verdict};
use serde_json::{json, Value};

/// One line per result; a violation adds the property, what went wrong and
/// the numbered trace.
pub fn render(r: &CheckResult) -> String {
    let c = &r.config;
    let head = format!(
        "{:<16} {:<9} N={:<2} F={:<2} {:<22} {:<9} {:>9} states {:>8.3} s",
        r.protocol,
        c.faults.keyword(),
        c.n,
        c.f,
        c.scenario.name(),
        verdict_word(&r.verdict),
        r.states,
        r.seconds
    );
    match &r.verdict {
        Verdict::Verified => head,
        Verdict::Unknown { reason } => format!("{head}\n    {reason}"),
        Verdict::Violated(v) => {
            let mut out = format!(
                "{head}\n    {} violated: {}\n    counterexample:",
                v.property, v.detail
            );
            for (i, line) in v.trace.iter().enumerate() {
                out.push_str(&format!("\n    {:>3}. {line}", i + 1));
            }
            out
        }
    }
}

/// `verified`, `violated` or `unknown`.
pub fn verdict_word(v: &Verdict) -> &'static str {
    match v {
        Verdict::Verified => "verified",
        Verdict::Violated(_) => "violated",
        Verdict::Unknown { .. } => "unknown",
    }
}

/// The JSON object of one result: `protocol`, `faults`, `n`, `f`, `scenario`,
/// `verdict`, `property`, `detail`, `states`, `seconds`, `trace` (and
/// `reason` when unknown).
pub fn json(r: &CheckResult) -> Value {
    let (property, detail, trace, reason) = match &r.verdict {
        Verdict::Violated(v) => (
            Some(v.property.to_string()),
            Some(v.detail.clone()),
            v.trace.clone(),
            None,
        ),
        Verdict::Unknown { reason } => (None, None, vec![], Some(reason.clone())),
        Verdict::Verified => (None, None, vec![], None),
    };
    let mut obj = json!({
        "protocol": r.protocol,
        "faults": r.config.faults.keyword(),
        "n": r.config.n,
        "f": r.config.f,
        "scenario": r.config.scenario.name(),
        "verdict": verdict_word(&r.verdict),
        "property": property,
        "detail": detail,
        "states": r.states,
        "seconds": r.seconds,
        "trace": trace,
    });
    if let Some(reason) = reason {
        obj["reason"] = Value::String(reason);
    }
    obj
}

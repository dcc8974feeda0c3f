//! The report of a run: the generated example's text (a `//!` header, the
//! `protocol!` and a `main`) and the JSON report.
//!
//! Nothing here depends on the clock, so the same seed and options give the
//! same text byte for byte.

use crate::all_n::AllN;
use crate::heuristics::Heuristic;
use crate::oracle::{Judgement, Oracle, OracleStats};
use crate::train::{Learner, Outcome};
use dsl_core::ir::ProtocolIr;
use dsl_core::metrics::Metrics;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One line per metric: `N=4 F=1: 27 messages, 3 steps, delivers on 3 messages`.
pub fn metrics_line(m: &Metrics) -> String {
    let steps = m
        .steps
        .map_or("not every process delivers".to_string(), |s| {
            format!("{s} step{}", if s == 1 { "" } else { "s" })
        });
    let threshold = m
        .deliver_threshold
        .map_or("delivers in `on broadcast` only".to_string(), |k| {
            format!("delivers on {k} message{}", if k == 1 { "" } else { "s" })
        });
    format!(
        "N={} F={}: {} messages, {steps}, {threshold}",
        m.n, m.f, m.messages
    )
}

/// What the header of a generated file says about the run.
pub struct Header<'a> {
    /// The options.
    pub config: &'a crate::config::LearnConfig,
    /// Training episodes done.
    pub episodes: usize,
    /// The episode it was first found in, `None` for the greedy episode.
    pub first_episode: Option<usize>,
    /// Sum of its action costs.
    pub cost: f64,
    /// The exhaustive re-validation.
    pub revalidation: &'a Judgement,
    /// The parameterized check.
    pub all_n: &'a AllN,
    /// Thresholds outside the classic list.
    pub new_thresholds: &'a [String],
    /// Its metrics.
    pub metrics: &'a [Metrics],
}

/// The text of a generated example: a `//!` header, the `protocol!` and a
/// `main` that prints the protocol.
pub fn protocol_file(ir: &ProtocolIr, h: &Header) -> String {
    let mut s = String::new();
    let c = h.config;
    let _ = writeln!(
        s,
        "//! {}: reliable broadcast for {} faults, synthesised by `distgen learn`.",
        ir.name, c.faults
    );
    s.push_str("//!\n");
    let requires: Vec<String> = ir.requires.iter().map(dsl_core::print::cond).collect();
    let requires = if requires.is_empty() {
        String::new()
    } else {
        format!(" (requires {})", requires.join(" and "))
    };
    let _ = writeln!(s, "//! - fault model: {}{requires}", c.faults);
    let found = match h.first_episode {
        Some(e) => format!("first found in episode {e}"),
        None => "found by the greedy optimisation episode".into(),
    };
    let _ = writeln!(
        s,
        "//! - seed {}, {} episodes, {found}; cost {}",
        c.seed, h.episodes, h.cost
    );
    let _ = writeln!(s, "//! - options: see `{}.json`", c.file_stem());
    s.push_str("//! - configurations checked exhaustively by distgen's checker:\n");
    for o in &h.revalidation.outcomes {
        let _ = writeln!(
            s,
            "//!   - {}: {} ({} states)",
            o.label(),
            o.verdict,
            o.states
        );
    }
    if h.revalidation.outcomes.len() < h.revalidation.configs {
        let _ = writeln!(
            s,
            "//!   - {} more not checked",
            h.revalidation.configs - h.revalidation.outcomes.len()
        );
    }
    if !h.revalidation.one_step.is_empty() {
        let _ = writeln!(s, "//! - {}", one_step_line(&h.revalidation.one_step));
    }
    let _ = writeln!(s, "//! - every N allowed by `requires`: {}", h.all_n);
    if !h.new_thresholds.is_empty() {
        let _ = writeln!(
            s,
            "//! - thresholds outside the classic list: {}",
            h.new_thresholds.join(", ")
        );
    }
    s.push_str("//! - metrics of the failure-free run:\n");
    for m in h.metrics {
        let _ = writeln!(s, "//!   - {}", metrics_line(m));
    }
    s.push_str("\nuse distgen::{protocol, Protocol};\n\n");
    s.push_str(&dsl_core::print::invocation(ir));
    let _ = write!(
        s,
        "\nfn main() {{\n    distgen::summary::print(&{}::ir());\n}}\n",
        ir.name
    );
    s
}

/// `one-step (unanimous correct inputs decide at once) with F faults at
/// N=8 F=1, N=9 F=1; without faults at ...; neither at ...`.
pub fn one_step_line(measures: &[crate::consensus::OneStepAt]) -> String {
    let sizes = |pick: &dyn Fn(&crate::consensus::OneStepAt) -> bool| {
        let list: Vec<String> = measures
            .iter()
            .filter(|m| pick(m))
            .map(|m| format!("N={} F={}", m.n, m.f))
            .collect();
        if list.is_empty() {
            "none".to_string()
        } else {
            list.join(", ")
        }
    };
    format!(
        "one-step (unanimous correct inputs decide at once): with F faults at {}; without faults at {}",
        sizes(&|m| m.strong == Some(true)),
        sizes(&|m| m.weak == Some(true)),
    )
}

/// A verified protocol in the report.
#[derive(Serialize)]
struct FoundReport {
    source: String,
    cost: f64,
    first_episode: usize,
    times_found: u64,
    metrics: Vec<Metrics>,
}

/// The best protocol in the report.
#[derive(Serialize)]
struct BestReport<'a> {
    source: String,
    cost: f64,
    first_episode: Option<usize>,
    revalidation: &'a Judgement,
    all_n: &'a AllN,
    new_thresholds: &'a [String],
    metrics: &'a [Metrics],
}

/// One heuristic in the report.
#[derive(Serialize)]
struct HeuristicReport {
    enabled: bool,
    pruned: u64,
}

/// The oracle in the report.
#[derive(Serialize)]
struct OracleReport {
    calls: u64,
    cache_hits: u64,
    hit_rate: f64,
    checker_runs: u64,
    /// Calls judged at the smallest size only (`oracle.bound_costlier`).
    bounded: u64,
}

/// The JSON report.
#[derive(Serialize)]
struct Report<'a> {
    protocol: &'a str,
    faults: String,
    seed: u64,
    episodes: usize,
    best: Option<BestReport<'a>>,
    greedy: Option<String>,
    greedy_cost: f64,
    greedy_verified: bool,
    rejected_by_revalidation: usize,
    search: Option<crate::train::SearchStats>,
    verified_protocols: Vec<FoundReport>,
    oracle: OracleReport,
    heuristics: BTreeMap<&'static str, HeuristicReport>,
    dead_ends: u64,
    q_states: usize,
    config: &'a crate::config::LearnConfig,
}

/// The JSON report of a run.
pub fn json<O: Oracle>(
    learner: &Learner<O>,
    outcome: &Outcome,
) -> Result<String, serde_json::Error> {
    let stats: OracleStats = learner.oracle.stats;
    let report = Report {
        protocol: &learner.config.name,
        faults: learner.config.faults.to_string(),
        seed: learner.config.seed,
        episodes: learner.history.episode,
        best: outcome.best.as_ref().map(|b| BestReport {
            source: dsl_core::print::body(&b.ir, ""),
            cost: b.cost,
            first_episode: b.first_episode,
            revalidation: &b.revalidation,
            all_n: &b.all_n,
            new_thresholds: &b.new_thresholds,
            metrics: &b.metrics,
        }),
        greedy: outcome
            .greedy
            .as_ref()
            .map(|ir| dsl_core::print::body(ir, "")),
        greedy_cost: outcome.greedy_cost,
        greedy_verified: outcome.greedy_verified,
        rejected_by_revalidation: outcome.rejected_by_revalidation,
        search: outcome.search,
        verified_protocols: learner
            .history
            .found
            .iter()
            .map(|f| FoundReport {
                source: dsl_core::print::body(&f.ir, ""),
                cost: f.cost,
                first_episode: f.first_episode,
                times_found: f.times,
                metrics: learner.metrics(&f.ir),
            })
            .collect(),
        oracle: OracleReport {
            calls: stats.calls,
            cache_hits: stats.cache_hits,
            hit_rate: stats.hit_rate(),
            checker_runs: stats.calls - stats.cache_hits,
            bounded: stats.bounded,
        },
        heuristics: Heuristic::ALL
            .iter()
            .map(|&h| {
                (
                    h.name(),
                    HeuristicReport {
                        enabled: learner.config.heuristics.on(h),
                        pruned: learner.agent.pruned.get(h),
                    },
                )
            })
            .collect(),
        dead_ends: learner.history.dead_ends,
        q_states: learner.agent.table.len(),
        config: &learner.config,
    };
    let mut text = serde_json::to_string_pretty(&report)?;
    text.push('\n');
    Ok(text)
}

/// A protocol on one line, for the progress bar.
pub fn one_line(ir: &ProtocolIr) -> String {
    let effects = |es: &[dsl_core::ir::Effect]| {
        es.iter()
            .map(|e| dsl_core::print::effect(ir, "m", e))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut parts = Vec::new();
    for u in &ir.consensus.upon {
        parts.push(format!(
            "upon {} {}",
            ir.messages[u.msg],
            dsl_core::print::threshold(&u.threshold)
        ));
        for a in &u.arms {
            parts.push(format!(
                "{}: {}",
                dsl_core::print::arm_head(ir, a).trim_start_matches("when "),
                effects(&a.effects)
            ));
        }
        if let Some(o) = &u.otherwise {
            parts.push(format!("otherwise: {}", effects(o)));
        }
    }
    if let Some(b) = &ir.broadcast {
        parts.push(format!("bcast: {}", effects(&b.effects)));
    }
    for r in &ir.rules {
        let head = dsl_core::print::rule_head(ir, r);
        parts.push(format!(
            "{}: {}",
            head.trim_start_matches("when "),
            effects(&r.effects)
        ));
    }
    parts.join(" | ").replace("(m)", "")
}

//! Output files: the best protocol as a runnable `<name>.rs` example, the
//! JSON report `<name>.json`, and the learning curve `<name>.svg`.
//!
//! Nothing written depends on the clock, so the same seed and options give
//! the same files byte for byte. Every file is written atomically (a temporary
//! file in the same directory, then a rename).

use crate::heuristics::Heuristic;
use crate::oracle::{Judgement, Oracle, OracleStats};
use crate::train::{Learner, Outcome};
use dsl_core::ir::ProtocolIr;
use dsl_core::metrics::Metrics;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// An output file that could not be written.
#[derive(Debug, thiserror::Error)]
pub enum EmitError {
    /// A file system error.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The picture could not be drawn.
    #[error("cannot draw the learning curve: {0}")]
    Plot(String),
    /// The report could not be serialized.
    #[error("cannot serialize the report: {0}")]
    Json(#[from] serde_json::Error),
}

/// Writes `bytes` to `path` atomically: a temporary file next to it, then a
/// rename over it.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), EmitError> {
    let io = |source| EmitError::Io {
        path: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{file_name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(io)
}

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
    verified_protocols: Vec<FoundReport>,
    oracle: OracleReport,
    heuristics: BTreeMap<&'static str, HeuristicReport>,
    dead_ends: u64,
    q_states: usize,
    config: &'a crate::config::LearnConfig,
}

/// The JSON report of a run.
pub fn report<O: Oracle>(learner: &Learner<O>, outcome: &Outcome) -> Result<String, EmitError> {
    let stats: OracleStats = learner.oracle.stats;
    let report = Report {
        protocol: &learner.config.name,
        faults: learner.config.faults.to_string(),
        seed: learner.config.seed,
        episodes: learner.episode,
        best: outcome.best.as_ref().map(|b| BestReport {
            source: dsl_core::print::body(&b.ir, ""),
            cost: b.cost,
            first_episode: b.first_episode,
            revalidation: &b.revalidation,
            metrics: &b.metrics,
        }),
        greedy: outcome
            .greedy
            .as_ref()
            .map(|ir| dsl_core::print::body(ir, "")),
        greedy_cost: outcome.greedy_cost,
        greedy_verified: outcome.greedy_verified,
        rejected_by_revalidation: outcome.rejected_by_revalidation,
        verified_protocols: learner
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
        dead_ends: learner.dead_ends,
        q_states: learner.agent.table.len(),
        config: &learner.config,
    };
    let mut text = serde_json::to_string_pretty(&report)?;
    text.push('\n');
    Ok(text)
}

/// The moving average of `values` over the last `window` values.
pub fn moving_average(values: &[f64], window: usize) -> Vec<f64> {
    let window = window.max(1);
    let mut out = Vec::with_capacity(values.len());
    let mut sum = 0.0;
    for (i, v) in values.iter().enumerate() {
        sum += v;
        if i >= window {
            sum -= values[i - window];
        }
        out.push(sum / (i + 1).min(window) as f64);
    }
    out
}

/// The learning curve as SVG: the return of every episode and its moving
/// average.
pub fn curve_svg(title: &str, rewards: &[f64], window: usize) -> Result<String, EmitError> {
    use plotters::prelude::*;
    let plot = |e: &dyn std::fmt::Display| EmitError::Plot(e.to_string());
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (900, 500)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| plot(&e))?;
        let avg = moving_average(rewards, window);
        let (lo, hi) = rewards
            .iter()
            .fold((0.0f64, 0.0f64), |(lo, hi), &r| (lo.min(r), hi.max(r)));
        let x_max = rewards.len().max(1);
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 20))
            .margin(15)
            .x_label_area_size(40)
            .y_label_area_size(50)
            .build_cartesian_2d(0..x_max, (lo - 5.0)..(hi + 5.0))
            .map_err(|e| plot(&e))?;
        chart
            .configure_mesh()
            .x_desc("episode")
            .y_desc("return")
            .draw()
            .map_err(|e| plot(&e))?;
        chart
            .draw_series(LineSeries::new(
                rewards.iter().enumerate().map(|(i, &r)| (i + 1, r)),
                RGBColor(180, 200, 230).stroke_width(1),
            ))
            .map_err(|e| plot(&e))?
            .label("return per episode")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], RGBColor(180, 200, 230)));
        chart
            .draw_series(LineSeries::new(
                avg.iter().enumerate().map(|(i, &r)| (i + 1, r)),
                RED.stroke_width(2),
            ))
            .map_err(|e| plot(&e))?
            .label(format!("moving average ({window})"))
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], RED));
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .position(SeriesLabelPosition::LowerRight)
            .draw()
            .map_err(|e| plot(&e))?;
        root.present().map_err(|e| plot(&e))?;
    }
    Ok(svg)
}

/// The files a run wrote.
#[derive(Clone, Debug, Default)]
pub struct Written {
    /// The generated example, if a verified protocol was found.
    pub protocol: Option<PathBuf>,
    /// The JSON report.
    pub report: PathBuf,
    /// The learning curve.
    pub curve: PathBuf,
}

/// Writes the generated example (if a protocol was found), the report and
/// the learning curve into `dir`.
pub fn write_all<O: Oracle>(
    learner: &Learner<O>,
    outcome: &Outcome,
    dir: &Path,
) -> Result<Written, EmitError> {
    let stem = learner.config.file_stem();
    let mut written = Written {
        protocol: None,
        report: dir.join(format!("{stem}.json")),
        curve: dir.join(format!("{stem}.svg")),
    };
    if let Some(best) = &outcome.best {
        let path = dir.join(format!("{stem}.rs"));
        let text = protocol_file(
            &best.ir,
            &Header {
                config: &learner.config,
                episodes: learner.episode,
                first_episode: best.first_episode,
                cost: best.cost,
                revalidation: &best.revalidation,
                metrics: &best.metrics,
            },
        );
        write_atomic(&path, text.as_bytes())?;
        written.protocol = Some(path);
    }
    write_atomic(&written.report, report(learner, outcome)?.as_bytes())?;
    let title = format!(
        "distgen learn: {} faults, seed {}",
        learner.config.faults, learner.config.seed
    );
    let svg = curve_svg(&title, &learner.curve, learner.config.moving_average)?;
    write_atomic(&written.curve, svg.as_bytes())?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moving_average_of_a_ramp() {
        assert_eq!(
            moving_average(&[1.0, 2.0, 3.0, 4.0], 2),
            vec![1.0, 1.5, 2.5, 3.5]
        );
        assert_eq!(moving_average(&[], 5), Vec::<f64>::new());
    }

    #[test]
    fn atomic_write_replaces_the_file() {
        let dir = std::env::temp_dir().join(format!("distgen-emit-{}", std::process::id()));
        let path = dir.join("a.txt");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "two");
        let leftovers = std::fs::read_dir(&dir).unwrap().count();
        assert_eq!(leftovers, 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_curve_is_an_svg() {
        let svg = curve_svg("t", &[-1.0, 5.0, 90.0], 2).unwrap();
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("<polyline"));
    }
}

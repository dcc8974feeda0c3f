//! `--svg`: message-sequence charts of counterexamples (`check`, one file per
//! violation) and of one instance of a run (`run`).

use anyhow::{Context, Result};
use distgen::actors::RunReport;
use distgen::checker::{CheckResult, Verdict};
use distgen::ProtocolIr;
use std::path::{Path, PathBuf};

/// The file name of `result`'s chart: `PaperFig3-byzantine-n4-f1-correct-broadcaster.svg`.
fn file_name(result: &CheckResult) -> String {
    let c = &result.config;
    format!(
        "{}-{}-n{}-f{}-{}.svg",
        result.protocol,
        c.faults,
        c.n,
        c.f,
        c.scenario.name()
    )
}

/// Writes the chart of `result`'s counterexample into `dir` (created if
/// needed) and returns its path; `None` if `result` is not a violation.
pub fn write_violation(
    dir: &Path,
    ir: &ProtocolIr,
    result: &CheckResult,
) -> Result<Option<PathBuf>> {
    let Verdict::Violated(violation) = &result.verdict else {
        return Ok(None);
    };
    let chart = distgen::chart::violation(ir, &result.config, violation)
        .context("cannot replay the counterexample for its chart")?;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let path = dir.join(file_name(result));
    std::fs::write(&path, chart.to_svg())
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(Some(path))
}

/// Writes the chart of one instance of `report` to `path`: the first instance
/// where reliable broadcast failed, else the first one. `None` if the run had
/// no instance.
pub fn write_run(path: &Path, report: &RunReport) -> Result<Option<PathBuf>> {
    let index = report
        .instances
        .iter()
        .position(|i| report.violations.iter().any(|v| v.instance == i.instance))
        .unwrap_or(0);
    let Some(chart) = distgen::chart::of_run(report, index) else {
        return Ok(None);
    };
    std::fs::write(path, chart.to_svg())
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(Some(path.to_path_buf()))
}

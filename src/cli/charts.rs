//! `--svg DIR`: message-sequence charts of counterexamples, one file each.

use anyhow::{Context, Result};
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

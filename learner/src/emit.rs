//! Output files: the best protocol as a runnable `<name>.rs` example and the
//! JSON report `<name>.json` (their text is made in [`crate::report`]), and
//! the learning curve `<name>.svg` ([`crate::plot`]).
//!
//! Nothing written depends on the clock, so the same seed and options give
//! the same files byte for byte. Every file is written atomically (a temporary
//! file in the same directory, then a rename).

use crate::oracle::Oracle;
use crate::report::{protocol_file, Header};
use crate::train::{Learner, Outcome};
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
    #[error(transparent)]
    Plot(#[from] crate::plot::PlotError),
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
                episodes: learner.history.episode,
                first_episode: best.first_episode,
                cost: best.cost,
                revalidation: &best.revalidation,
                all_n: &best.all_n,
                new_thresholds: &best.new_thresholds,
                metrics: &best.metrics,
            },
        );
        write_atomic(&path, text.as_bytes())?;
        written.protocol = Some(path);
    }
    write_atomic(
        &written.report,
        crate::report::json(learner, outcome)?.as_bytes(),
    )?;
    let title = format!(
        "distgen learn: {} faults, seed {}",
        learner.config.faults, learner.config.seed
    );
    let svg = crate::plot::curve_svg(
        &title,
        &learner.history.curve,
        learner.config.moving_average,
    )?;
    write_atomic(&written.curve, svg.as_bytes())?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

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
}

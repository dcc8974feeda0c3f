//! `distgen worker`: judges candidate protocols from a Redis Streams queue
//! for `distgen learn --queue` (learner::queue).

use anyhow::Result;
use learner::queue::worker::{Worker, WorkerOptions};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Options of `distgen worker`.
#[derive(clap::Args)]
pub struct Args {
    /// The queue: redis://HOST:PORT/, or redis://:PASSWORD@HOST:PORT/.
    #[arg(long, value_name = "URL")]
    queue: String,
    /// Name in the consumer group [default: HOST-PID].
    #[arg(long)]
    name: Option<String>,
    /// Checker runs at once within one judgement (the verdicts do not
    /// depend on it).
    #[arg(long, default_value_t = 1)]
    threads: usize,
    /// Claim jobs another worker left idle this long (seconds); the worker
    /// keeps its own job alive while it judges.
    #[arg(long, value_name = "SECS", default_value_t = 30.0)]
    claim_after: f64,
    /// Dead-letter a job delivered more often than this.
    #[arg(long, default_value_t = 3)]
    max_deliveries: usize,
    /// Pause after each judgement, in milliseconds (for tests).
    #[arg(long, value_name = "MS", default_value_t = 0, hide = true)]
    pause_ms: u64,
    /// Log only errors.
    #[arg(long, short)]
    quiet: bool,
}

/// This host's name, for the default worker name.
fn host() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "host".into())
}

/// Runs `distgen worker` until Ctrl-C (or a lost queue: status 2).
pub fn main(args: Args) -> Result<ExitCode> {
    if !(args.claim_after.is_finite() && args.claim_after > 0.0) {
        anyhow::bail!("--claim-after must be a positive number of seconds");
    }
    let name = args
        .name
        .clone()
        .unwrap_or_else(|| format!("{}-{}", host(), std::process::id()));
    let opts = WorkerOptions {
        name: name.clone(),
        threads: args.threads.max(1),
        claim_after: Duration::from_secs_f64(args.claim_after),
        max_deliveries: args.max_deliveries.max(1),
        pause: Duration::from_millis(args.pause_ms),
    };
    let mut worker = Worker::connect(&args.queue, opts)?;
    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = stop.clone();
        let _ = ctrlc::set_handler(move || stop.store(true, Ordering::SeqCst));
    }
    if !args.quiet {
        eprintln!(
            "worker {name}: waiting for jobs on {}",
            learner::queue::redacted(&args.queue)
        );
    }
    let quiet = args.quiet;
    let log_name = name.clone();
    let mut log = |line: &str| {
        if !quiet || line.starts_with("dead-lettered") {
            eprintln!("worker {log_name}: {line}");
        }
    };
    worker.run(&stop, &mut log)?;
    let s = worker.stats;
    if !quiet {
        eprintln!(
            "worker {name}: {} entries, {} judged, {} duplicates skipped, {} claimed, {} dead-lettered",
            s.entries,
            s.judged,
            s.duplicates,
            s.claimed,
            s.dead
        );
    }
    Ok(ExitCode::SUCCESS)
}

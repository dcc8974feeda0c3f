//! `distgen learn`: synthesise a reliable broadcast with Q-learning
//! (docs/DESIGN.md section 6) and write it as a runnable `.rs` file, with a JSON
//! report and the learning curve.

use anyhow::{bail, Context, Result};
use dsl_core::ir::FaultModel;
use indicatif::{ProgressBar, ProgressStyle};
use learner::checkpoint::Checkpoint;
use learner::config::{LearnConfig, SearchMode};
use learner::oracle::{CheckerOracle, Oracle};
use learner::queue::coordinator::{Notice, QueueOptions, QueueOracle};
use learner::train::{Learner, Outcome, Progress};
use serde_json::Value;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Options of `distgen learn`.
#[derive(clap::Args)]
pub struct Args {
    /// Fault model to synthesise for: none, crash or byzantine [default: none,
    /// or the config file's].
    #[arg(long)]
    faults: Option<FaultModel>,
    /// Problem to synthesise for: broadcast (reliable broadcast) or
    /// consensus (one-step consensus: an `upon` block over votes, see
    /// docs/learn.md) [default: broadcast, or the config file's].
    #[arg(long)]
    problem: Option<dsl_core::ir::Problem>,
    /// Number of training episodes [default: 12000].
    #[arg(long)]
    episodes: Option<usize>,
    /// Seed of the agent's random number generator [default: 1].
    #[arg(long)]
    seed: Option<u64>,
    /// Directory for `<name>.rs`, `<name>.json` and `<name>.svg`.
    #[arg(long, default_value = "generated")]
    out: PathBuf,
    /// Options from a TOML (or `.json`) file; flags override it.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Go on from a checkpoint (its options, except `--episodes`).
    #[arg(long, value_name = "CHECKPOINT")]
    resume: Option<PathBuf>,
    /// A `requires` condition to learn under (`"N > 5 * F"`); the
    /// configurations checked come from it. Repeatable; replaces the
    /// defaults' and the config file's.
    #[arg(long, value_name = "COND")]
    requires: Vec<String>,
    /// How to search: `q-learning` (episodes) or `exhaustive` (cheapest
    /// first, uniform-cost) [default: q-learning].
    #[arg(long, value_name = "MODE")]
    search: Option<String>,
    /// Thresholds: `linear` for `(a*N + b*F + c) / d` with bounded
    /// coefficients instead of the classic list.
    #[arg(long, value_name = "FAMILY")]
    thresholds: Option<String>,
    /// Name of the protocol [default: Learned<Faults>].
    #[arg(long)]
    name: Option<String>,
    /// Set any option of the config file: `--set agent.ucb_c=2`,
    /// `--set heuristics.unread-type=false` (the value is read as JSON, else
    /// as a string). Repeatable.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// Where checkpoints go [default: OUT/<name>.checkpoint.json].
    #[arg(long, value_name = "FILE")]
    checkpoint: Option<PathBuf>,
    /// Also save a checkpoint at the end (Ctrl-C always saves one).
    #[arg(long)]
    save_checkpoint: bool,
    /// Print the effective options as TOML and exit.
    #[arg(long)]
    print_config: bool,
    /// No progress bar.
    #[arg(long, short)]
    quiet: bool,
    /// Download z3 (PyPI's z3-solver, into ~/.cache/distgen, no root) if it
    /// is missing, for the check of the protocol found for every N.
    #[arg(long)]
    fetch_z3: bool,
    /// Send the exhaustive search's judgements (or Q-learning's, one at a
    /// time) to `distgen worker`s on this Redis queue: redis://HOST:PORT/
    /// or redis://:PASSWORD@HOST:PORT/. With --resume, a search stopped on
    /// the queue goes on there.
    #[arg(long, value_name = "URL")]
    queue: Option<String>,
    /// Candidates per job on the queue.
    #[arg(long, value_name = "N", default_value_t = 8, requires = "queue")]
    queue_batch: usize,
    /// Judgements on the queue ahead of the search.
    #[arg(long, value_name = "N", default_value_t = 256, requires = "queue")]
    queue_window: usize,
}

/// The flags as overrides of the config file.
fn overrides(args: &Args) -> Result<Value> {
    let mut v = serde_json::json!({});
    if let Some(p) = args.problem {
        v["problem"] = p.keyword().into();
    }
    if let Some(e) = args.episodes {
        v["episodes"] = e.into();
    }
    if let Some(s) = args.seed {
        v["seed"] = s.into();
    }
    if let Some(n) = &args.name {
        v["name"] = n.clone().into();
    }
    if !args.requires.is_empty() {
        v["requires"] = args.requires.clone().into();
    }
    if let Some(s) = &args.search {
        v["search"] = s.clone().into();
    }
    if let Some(t) = &args.thresholds {
        v["thresholds"] = t.clone().into();
    }
    for kv in &args.set {
        let Some((key, value)) = kv.split_once('=') else {
            bail!("`--set {kv}`: expected KEY=VALUE");
        };
        let value: Value =
            serde_json::from_str(value).unwrap_or_else(|_| Value::String(value.to_string()));
        let mut slot = &mut v;
        for part in key.split('.') {
            if !slot.is_object() {
                bail!("`--set {kv}`: `{key}` mixes an option and a table");
            }
            slot = slot
                .as_object_mut()
                .expect("checked above")
                .entry(part.to_string())
                .or_insert_with(|| serde_json::json!({}));
        }
        *slot = value;
    }
    Ok(v)
}

/// An error if options other than the checkpoint's are given with `--resume`.
fn options_of_checkpoint(args: &Args) -> Result<()> {
    if args.faults.is_some()
        || args.problem.is_some()
        || args.config.is_some()
        || !args.set.is_empty()
        || !args.requires.is_empty()
    {
        bail!("--resume goes on with the checkpoint's options; drop --faults, --problem, --config, --requires and --set");
    }
    Ok(())
}

/// The learner of a fresh run or of a checkpoint.
fn learner_of(args: &Args) -> Result<Learner<CheckerOracle>> {
    Ok(match &args.resume {
        Some(path) => {
            options_of_checkpoint(args)?;
            let cp = Checkpoint::load(path)?;
            if cp.queue.is_some() {
                bail!("{} is a search stopped on a work queue: resume it with --queue URL (its verdicts are there)", path.display());
            }
            let oracle = CheckerOracle::new(&cp.config)?;
            cp.resume(oracle, args.episodes)?
        }
        None => {
            let config = LearnConfig::load(args.faults, args.config.as_deref(), overrides(args)?)?;
            let oracle = CheckerOracle::new(&config)?;
            Learner::new(config, oracle)?
        }
    })
}

/// The learner of a run on the queue: a fresh one, or one resumed from a
/// checkpoint (an exhaustive search stopped on a queue goes on with its run
/// there; a training run starts a new run on the queue).
fn queued_learner(args: &Args, url: &str) -> Result<Learner<QueueOracle>> {
    let opts = QueueOptions {
        batch: args.queue_batch,
        window: args.queue_window,
        ..QueueOptions::default()
    };
    let (mut learner, warning) = match &args.resume {
        Some(path) => {
            options_of_checkpoint(args)?;
            let mut cp = Checkpoint::load(path)?;
            let local = CheckerOracle::new(&cp.config)?;
            match cp.queue.take() {
                Some(state) => {
                    let (oracle, warning) = QueueOracle::resume(url, local, opts, state)?;
                    (Learner::new(cp.config, oracle)?, warning)
                }
                None => {
                    let oracle = QueueOracle::connect(url, local, opts)?;
                    (cp.resume(oracle, args.episodes)?, None)
                }
            }
        }
        None => {
            let config = LearnConfig::load(args.faults, args.config.as_deref(), overrides(args)?)?;
            let local = CheckerOracle::new(&config)?;
            let oracle = QueueOracle::connect(url, local, opts)?;
            (Learner::new(config, oracle)?, None)
        }
    };
    if let Some(w) = warning {
        eprintln!("{w}");
    }
    let oracle = &mut learner.oracle.inner;
    let bar = if args.quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new_spinner()
    };
    oracle.on_notice(move |n| match n {
        Notice::Progress(stats) => bar.set_message(format!("queue: {}", stats.line())),
        // Printed even with --quiet: nothing waits or drops a candidate
        // without a word.
        Notice::Waiting(d) => bar.suspend(|| {
            eprintln!(
                "no verdict from the queue for {} s: is a `distgen worker --queue URL` running?",
                d.as_secs()
            )
        }),
        Notice::Dead { key, reason } => {
            bar.suspend(|| eprintln!("dead letter: {key}: {reason} (counted as unknown)"))
        }
    });
    Ok(learner)
}

/// Runs `distgen learn`.
pub fn main(args: Args) -> Result<ExitCode> {
    if let Some(url) = args.queue.clone() {
        let learner = queued_learner(&args, &url)?;
        return finish(learner, &args);
    }
    finish(learner_of(&args)?, &args)
}

/// The run of `learner` and its output.
fn finish<O: Oracle + Queued>(mut learner: Learner<O>, args: &Args) -> Result<ExitCode> {
    if args.print_config {
        print!(
            "{}",
            toml::to_string(&learner.config).context("printing the options")?
        );
        return Ok(ExitCode::SUCCESS);
    }
    if learner.config.oracle.all_n {
        solver_or_hint(args.fetch_z3)?;
    }
    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = stop.clone();
        // A second handler cannot be installed; then Ctrl-C just kills us.
        let _ = ctrlc::set_handler(move || stop.store(true, Ordering::SeqCst));
    }
    let resumable = learner.config.search == SearchMode::Exhaustive;
    learner.oracle.inner.watch(stop.clone(), resumable);
    let Some(outcome) = run(&mut learner, args, &stop)? else {
        return Ok(ExitCode::from(130));
    };
    learner.oracle.inner.end();
    let written = learner::emit::write_all(&learner, &outcome, &args.out)?;
    if args.save_checkpoint {
        let path = save_checkpoint(&learner, args)?;
        println!("checkpoint: {}", path.display());
    }
    let code = print_outcome(&learner, &outcome);
    if let Some(p) = &written.protocol {
        println!("wrote {}", p.display());
    }
    println!(
        "wrote {}\nwrote {}",
        written.report.display(),
        written.curve.display()
    );
    Ok(code)
}

/// z3 for the all-N check: fetched with `--fetch-z3`; otherwise, when it is
/// missing, one line says how to get it (the protocol found is then checked
/// at its instances only, and its all-N line says "unknown").
fn solver_or_hint(fetch: bool) -> Result<()> {
    match super::ta::find_z3(fetch) {
        Err(e) if fetch => Err(e).context("fetching z3"),
        Err(e) => {
            eprintln!("{e}; or rerun with --fetch-z3");
            Ok(())
        }
        Ok(_) => Ok(()),
    }
}

/// The search or the training and its end; `None` when training was
/// interrupted (a checkpoint is then saved).
fn run<O: Oracle + Queued>(
    learner: &mut Learner<O>,
    args: &Args,
    stop: &AtomicBool,
) -> Result<Option<Outcome>> {
    if learner.config.search == SearchMode::Exhaustive {
        let max = learner.config.search_max_judged;
        let outcome = learner.search(stop, max).map_err(anyhow::Error::msg)?;
        if stop.load(Ordering::SeqCst) && outcome.best.is_none() {
            if let Some(state) = learner.oracle.inner.suspend() {
                let judged = state.position;
                let path = checkpoint_path(learner, args);
                Checkpoint::of_queued_search(&learner.config, state).save(&path)?;
                eprintln!(
                    "interrupted after {judged} judgements; checkpoint saved to {} (go on with --resume {} --queue URL; the run's verdicts stay on the queue)",
                    path.display(),
                    path.display()
                );
                return Ok(None);
            }
        }
        return Ok(Some(outcome));
    }
    let done = train(learner, stop, args.quiet);
    if let Some(e) = learner.oracle.inner.failure() {
        // The episode that met the failure got no verdict: no checkpoint.
        bail!("{e}");
    }
    if done {
        return Ok(Some(learner.finish()));
    }
    let path = save_checkpoint(learner, args)?;
    eprintln!(
        "interrupted after {} episodes; checkpoint saved to {} (go on with --resume)",
        learner.history.episode,
        path.display()
    );
    Ok(None)
}

/// Saves a checkpoint to `--checkpoint`, else `OUT/<name>.checkpoint.json`;
/// returns where.
fn save_checkpoint<O: Oracle>(learner: &Learner<O>, args: &Args) -> Result<PathBuf> {
    let path = checkpoint_path(learner, args);
    Checkpoint::of(learner).save(&path)?;
    Ok(path)
}

/// `--checkpoint`, else `OUT/<name>.checkpoint.json`.
fn checkpoint_path<O>(learner: &Learner<O>, args: &Args) -> PathBuf {
    let stem = learner.config.file_stem();
    args.checkpoint
        .clone()
        .unwrap_or_else(|| args.out.join(format!("{stem}.checkpoint.json")))
}

/// The training episodes with a progress bar; whether all were done.
fn train<O: Oracle>(learner: &mut Learner<O>, stop: &AtomicBool, quiet: bool) -> bool {
    let bar = if quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(learner.config.episodes as u64)
    };
    if let Ok(style) =
        ProgressStyle::with_template("{elapsed_precise} [{bar:30}] {pos}/{len} episodes {msg}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_position(learner.history.episode as u64);
    let mut last_best = String::new();
    let done = learner.train(stop, &mut |p: &Progress| {
        if p.episode.is_multiple_of(20) || p.episode == p.episodes {
            let best = p.best.map_or("none yet".to_string(), |b| {
                format!("{} {}", b.cost, learner::report::one_line(&b.ir))
            });
            if best != last_best {
                bar.println(format!("episode {}: best {best}", p.episode));
                last_best = best;
            }
            bar.set_message(format!(
                "reward {:.0}, oracle calls {}, cache hits {} ({:.0}%)",
                p.reward,
                p.oracle_calls,
                p.cache_hits,
                100.0 * p.cache_hits as f64 / p.oracle_calls.max(1) as f64
            ));
            bar.set_position(p.episode as u64);
        }
    });
    bar.finish_and_clear();
    done
}

/// The end of the exhaustive search's line: protocols skipped by the step
/// bound, and what an exhausted search shows.
fn over_steps<O: Oracle>(learner: &Learner<O>, s: &learner::train::SearchStats) -> String {
    let bound = learner.config.search_max_steps;
    let mut out = String::new();
    if let Some(max) = bound {
        out += &format!(
            "; {} protocols skipped (more than {max} failure-free steps)",
            s.over_steps
        );
    }
    if s.exhausted {
        out += &match bound {
            Some(max) => {
                format!("; the action space holds no verified protocol within {max} steps")
            }
            None => "; the action space holds no verified protocol".to_string(),
        };
    }
    out
}

/// `consensus, ` for a consensus run, nothing for broadcast.
fn problem_word<O: Oracle>(learner: &Learner<O>) -> &'static str {
    match learner.config.problem {
        dsl_core::ir::Problem::Broadcast => "",
        dsl_core::ir::Problem::Consensus => "consensus, ",
    }
}

/// Prints what the run found; the exit status: 0 when the best protocol
/// was verified in every configuration and not refuted for some N, else 1.
fn print_outcome<O: Oracle + Queued>(learner: &Learner<O>, outcome: &Outcome) -> ExitCode {
    let stats = learner.oracle.stats;
    match &outcome.search {
        Some(s) => println!(
            "exhaustive search, {}{} faults: {} drafts expanded, {} protocols judged; oracle calls {}, checker runs {}{}{}",
            problem_word(learner),
            learner.config.faults,
            s.expanded,
            s.judged,
            s.oracle_calls,
            s.checker_runs,
            over_steps(learner, s),
            if s.complete && outcome.best.is_some() && learner.max_bonus() > 0.0 {
                "; nothing left in the action space can beat the answer"
            } else {
                ""
            }
        ),
        None => println!(
            "{} episodes, {}{} faults, seed {}: {} verified protocols found; oracle calls {}, cache hits {} ({:.1}%)",
            learner.history.episode,
            problem_word(learner),
            learner.config.faults,
            learner.config.seed,
            learner.history.found.len(),
            stats.calls,
            stats.cache_hits,
            100.0 * stats.hit_rate()
        ),
    }
    if let Some(line) = learner.oracle.inner.queue_line() {
        println!("queue: {line}");
    }
    if stats.bounded > 0 {
        println!(
            "{} of the calls judged at the smallest size only (costlier than a verified protocol)",
            stats.bounded
        );
    }
    if outcome.search.is_none() {
        match &outcome.greedy {
            Some(ir) => println!(
                "greedy episode: {} ({}), cost {}",
                learner::report::one_line(ir),
                if outcome.greedy_verified {
                    "verified"
                } else {
                    "not verified"
                },
                outcome.greedy_cost
            ),
            None => println!("greedy episode: dead end"),
        }
    }
    if outcome.rejected_by_revalidation > 0 {
        println!(
            "re-validation over every configuration rejected {} cheaper candidates",
            outcome.rejected_by_revalidation
        );
    }
    let beyond = learner.beyond.values().filter(|&&holds| !holds).count();
    if beyond > 0 {
        println!(
            "{beyond} protocols verified at training's sizes failed beyond them (on every configuration, or for every N) and earned no reward"
        );
    }
    let Some(best) = &outcome.best else {
        println!("no verified protocol found");
        return ExitCode::from(1);
    };
    println!("best protocol (cost {}):\n", best.cost);
    print!("{}", dsl_core::print::invocation(&best.ir));
    for o in &best.revalidation.outcomes {
        println!("  {}: {} ({} states)", o.label(), o.verdict, o.states);
    }
    if !best.revalidation.one_step.is_empty() {
        println!(
            "  {}",
            learner::report::one_step_line(&best.revalidation.one_step)
        );
    }
    println!("  every N allowed by `requires`: {}", best.all_n);
    if !best.new_thresholds.is_empty() {
        println!(
            "  thresholds outside the classic list: {}",
            best.new_thresholds.join(", ")
        );
    }
    for m in &best.metrics {
        println!("  {}", learner::report::metrics_line(m));
    }
    let refuted = matches!(best.all_n, learner::train::AllN::Refuted(_));
    if best.revalidation.verified && !refuted {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// What the output says about the queue, if the oracle is on one.
trait Queued {
    /// The queue's line of the report.
    fn queue_line(&self) -> Option<String> {
        None
    }

    /// Ends the run on the queue.
    fn end(&mut self) {}

    /// Watches the stop flag (see [`QueueOracle::watch`]).
    fn watch(&mut self, _stop: Arc<AtomicBool>, _interrupt: bool) {}

    /// Leaves the run on the queue for a resume; what the checkpoint
    /// needs of it (`None`: not on a queue).
    fn suspend(&mut self) -> Option<learner::queue::resume::QueueState> {
        None
    }
}

impl Queued for CheckerOracle {}

impl Queued for QueueOracle {
    fn queue_line(&self) -> Option<String> {
        Some(self.stats.line())
    }

    fn end(&mut self) {
        self.finish();
    }

    fn watch(&mut self, stop: Arc<AtomicBool>, interrupt: bool) {
        QueueOracle::watch(self, stop, interrupt);
    }

    fn suspend(&mut self) -> Option<learner::queue::resume::QueueState> {
        Some(QueueOracle::suspend(self))
    }
}

//! Issue 23's random protocols through the portfolio (what `distgen check
//! --all-n` runs), for `bash bench/ta.sh random` (this directory's
//! `main.rs`) and, a few protocols only, `paramcheck/tests/portfolio.rs`.
//!
//! - Byzantine ([`byzantine_protocols`], [`byzantine_rows`]): two or three
//!   message types, rules with two `received` guards where the generator
//!   can, `requires: N > 3 * F`; each scenario checked by the portfolio and
//!   by each TACO checker alone, all under the same timeout.
//! - Crash ([`crash_protocols`], [`live_crash_protocols`], [`crash_row`]):
//!   the same shape with `requires: N > 2 * F`, and protocols tilted
//!   toward live ones ([`dsl_core::random::live_crash`]: a relay skeleton,
//!   some delivering on weak evidence); each checked by the portfolio and
//!   by the explicit checker at every allowed instance with N <= `max_n`
//!   (each instance bounded by [`Bench::limits`]), to find rows that read
//!   more than was shown.

use dsl_core::checker::{self, Config, Limits, Scenario, Verdict};
use dsl_core::ir::{FaultModel, ProtocolIr};
use dsl_core::problem::Kind;
use dsl_core::random::{self, Shape};
use paramcheck::{check_scenario, AllNResult, Backend, Options};
use rand::{Rng, SeedableRng};
use std::fmt::Write;

/// What to run.
#[derive(Clone, Debug)]
pub struct Bench {
    /// The portfolio's timeout, and each lone checker's, per scenario.
    pub timeout_secs: u64,
    /// The TACO checkers run alone too (besides the portfolio).
    pub alone: Vec<Backend>,
    /// The explicit checker's largest N for the crash protocols.
    pub max_n: usize,
    /// The explicit checker's limits at each instance of the crash
    /// comparison: an instance stopped at them is "unknown at N=.., F=..",
    /// neither clean nor a violation.
    pub limits: Limits,
    /// The crash comparison's budget per protocol, in seconds: once spent,
    /// the instances left are not run (counted as such, neither clean nor
    /// a violation).
    pub row_budget_secs: u64,
    /// Skip the crash comparison of a protocol the portfolio reads
    /// "violated" with no property proven for all N (nothing an instance
    /// could contradict).
    pub skip_refuted: bool,
}

/// `count` random Byzantine protocols of issue 23's shape, from `seed`.
pub fn byzantine_protocols(seed: u64, count: usize) -> Vec<ProtocolIr> {
    protocols(seed, count, FaultModel::Byzantine, "B")
}

/// `count` random crash protocols (`requires: N > 2 * F`), from `seed`.
pub fn crash_protocols(seed: u64, count: usize) -> Vec<ProtocolIr> {
    protocols(seed, count, FaultModel::Crash, "C")
}

/// `count` random crash protocols tilted toward live ones
/// ([`random::live_crash`]), named `L0`, `L1`, ..., from `seed`.
pub fn live_crash_protocols(seed: u64, count: usize) -> Vec<ProtocolIr> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    (0..count)
        .map(|i| random::live_crash(&mut rng, &format!("L{i}")))
        .collect()
}

fn protocols(seed: u64, count: usize, faults: FaultModel, prefix: &str) -> Vec<ProtocolIr> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    (0..count)
        .map(|i| {
            let shape = Shape {
                faults,
                messages: rng.random_range(2..=3),
                max_rules: 4,
                max_effects: 2,
            };
            let mut ir = random::protocol(&mut rng, &shape, &format!("{prefix}{i}"));
            random::second_received_guards(&mut rng, &mut ir);
            ir
        })
        .collect()
}

/// One run's answer, as a row reads it.
#[derive(Clone, Debug)]
pub struct Answer {
    /// `verified`, `violated` or `unknown`.
    pub word: &'static str,
    /// Wall-clock seconds, translation and explicit checker included.
    pub seconds: f64,
    /// The member that answered (empty: none).
    pub answered_by: String,
    /// Unknown at the timeout (not an early unknown).
    pub at_timeout: bool,
    /// An unknown at the timeout that says the sweep's reach.
    pub with_reach: bool,
    /// Verified with properties left to instances.
    pub instance_only: bool,
    /// The violated property and its (N, F), or the unknown's reason.
    pub detail: String,
}

impl Answer {
    fn of(r: &AllNResult) -> Answer {
        let (at_timeout, with_reach, detail) = match &r.verdict {
            Verdict::Unknown { reason } => (
                reason.starts_with("unknown (stopped after"),
                reason.contains("no violation at"),
                reason.clone(),
            ),
            Verdict::Violated(v) => {
                let (n, f) = r.counterexample_at.unwrap_or_default();
                (false, false, format!("{} at N={n}, F={f}", v.property))
            }
            Verdict::Verified => (false, false, String::new()),
        };
        Answer {
            word: paramcheck::verdict_word(&r.verdict),
            seconds: r.seconds,
            answered_by: r.answered_by.clone(),
            at_timeout,
            with_reach,
            instance_only: r.verdict.is_verified() && !r.instance_only.is_empty(),
            detail,
        }
    }

    fn conclusive(&self) -> bool {
        self.word != "unknown"
    }

    fn cell(&self) -> String {
        let by = if self.answered_by.is_empty() {
            String::new()
        } else {
            format!(" ({})", self.answered_by)
        };
        let detail = match self.word {
            "violated" => format!(" {}", self.detail),
            "unknown" if self.at_timeout => match self.detail.split_once("; ") {
                Some((_, reach)) => format!(" (timeout; {reach})"),
                None => " (timeout)".into(),
            },
            "unknown" => format!(" ({})", short(&self.detail)),
            _ => String::new(),
        };
        format!("{} {:.2}{by}{detail}", self.word, self.seconds)
    }
}

fn short(s: &str) -> String {
    s.chars().take(60).collect::<String>().replace('|', "/")
}

fn portfolio(timeout_secs: u64) -> Options {
    Options {
        portfolio: true,
        timeout_secs,
        ..Options::default()
    }
}

/// One Byzantine (protocol, scenario): the portfolio and each lone checker.
#[derive(Clone, Debug)]
pub struct ByzantineRow {
    /// The protocol's name.
    pub protocol: String,
    /// The scenario.
    pub scenario: Scenario,
    /// The automaton's locations.
    pub locations: usize,
    /// The portfolio's answer.
    pub portfolio: Answer,
    /// Each of [`Bench::alone`], alone.
    pub alone: Vec<(Backend, Answer)>,
}

impl ByzantineRow {
    /// The fastest conclusive answer of the checkers run alone.
    fn best_alone(&self) -> Option<f64> {
        self.alone
            .iter()
            .filter(|(_, a)| a.conclusive())
            .map(|(_, a)| a.seconds)
            .min_by(f64::total_cmp)
    }

    /// Verified for all N by one, violated by the other.
    fn contradiction(&self) -> bool {
        let full = |a: &Answer| a.word == "verified" && !a.instance_only;
        self.alone.iter().any(|(_, a)| {
            (full(a) && self.portfolio.word == "violated")
                || (full(&self.portfolio) && a.word == "violated")
        })
    }
}

/// Every scenario of a Byzantine protocol, by the portfolio and alone.
pub fn byzantine_rows(ir: &ProtocolIr, bench: &Bench) -> Vec<ByzantineRow> {
    Scenario::of(FaultModel::Byzantine)
        .iter()
        .map(|&scenario| {
            let r = check_scenario(ir, scenario, &portfolio(bench.timeout_secs));
            let alone = bench
                .alone
                .iter()
                .map(|&backend| {
                    let options = Options {
                        backend,
                        timeout_secs: bench.timeout_secs,
                        ..Options::default()
                    };
                    (backend, Answer::of(&check_scenario(ir, scenario, &options)))
                })
                .collect();
            ByzantineRow {
                protocol: ir.name.clone(),
                scenario,
                locations: r.locations,
                portfolio: Answer::of(&r),
                alone,
            }
        })
        .collect()
}

/// What a crash row reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reads {
    /// `verified`: every property proven for all N.
    Verified,
    /// `safe for all N; <liveness> at every N <= k (the sweep)`.
    LiveUpTo(usize),
    /// Verified with properties left to instances and no reach: what
    /// issue 23 reported (it should not happen with the portfolio).
    VerifiedInstancesOnly,
    /// `violated` at (N, F).
    Violated,
    /// `unknown`.
    Unknown,
}

/// A violation the explicit checker found at one instance.
#[derive(Clone, Debug)]
pub struct Found {
    /// N.
    pub n: usize,
    /// F.
    pub f: usize,
    /// The property's name.
    pub property: String,
    /// Whether it is a safety property.
    pub safety: bool,
}

/// One crash protocol: the portfolio and the explicit checker at every
/// allowed instance with N <= [`Bench::max_n`].
#[derive(Clone, Debug)]
pub struct CrashRow {
    /// The protocol's name.
    pub protocol: String,
    /// What the row reads.
    pub reads: Reads,
    /// The portfolio's answer.
    pub portfolio: Answer,
    /// The properties the row proves for all N.
    pub proven: Vec<String>,
    /// The explicit checker's violations, smallest N first.
    pub found: Vec<Found>,
    /// Instances checked, and those the explicit checker left unknown.
    pub instances: (usize, usize),
    /// The instances the explicit checker stopped at its limits
    /// ([`Bench::limits`]) before an answer: (N, F, seconds).
    pub unknown_at: Vec<(usize, usize, f64)>,
    /// Seconds the explicit checker took over all instances.
    pub explicit_seconds: f64,
    /// Allowed instances with N <= [`Bench::max_n`] not run: the row's
    /// budget ([`Bench::row_budget_secs`]) was spent, or the row reads
    /// "violated" with no property proven for all N (nothing an instance
    /// could contradict).
    pub not_run: usize,
    /// What the row claims that an instance refutes (empty: nothing).
    pub wrong: Vec<String>,
}

/// A crash protocol by the portfolio and by the explicit checker.
pub fn crash_row(ir: &ProtocolIr, bench: &Bench) -> CrashRow {
    let scenario = Scenario::Crashes;
    let r = check_scenario(ir, scenario, &portfolio(bench.timeout_secs));
    let reads = match (&r.verdict, r.instance_only.is_empty(), r.live_up_to) {
        (Verdict::Verified, true, _) => Reads::Verified,
        (Verdict::Verified, false, Some(k)) => Reads::LiveUpTo(k),
        (Verdict::Verified, false, None) => Reads::VerifiedInstancesOnly,
        (Verdict::Violated(_), _, _) => Reads::Violated,
        (Verdict::Unknown { .. }, _, _) => Reads::Unknown,
    };
    let (mut found, mut instances, mut unknown_at) = (Vec::new(), 0, Vec::new());
    let explicit = std::time::Instant::now();
    let mut not_run = 0;
    let nothing_to_contradict =
        bench.skip_refuted && reads == Reads::Violated && r.properties_proven.is_empty();
    for n in 1..=bench.max_n {
        for f in (0..n).filter(|&f| ir.allows(n, f)) {
            if nothing_to_contradict
                || explicit.elapsed().as_secs_f64() >= bench.row_budget_secs as f64
            {
                not_run += 1;
                continue;
            }
            instances += 1;
            let c = checker::check(ir, Config::of(scenario, n, f), bench.limits);
            match c.verdict {
                Verdict::Violated(v) => found.push(Found {
                    n,
                    f,
                    property: v.property.name().to_string(),
                    safety: v.property.kind() == Kind::Safety,
                }),
                Verdict::Unknown { .. } => unknown_at.push((n, f, c.seconds)),
                Verdict::Verified => {}
            }
        }
    }
    let mut wrong = Vec::new();
    for v in &found {
        let at = format!("{} violated at N={}, F={}", v.property, v.n, v.f);
        match reads {
            Reads::Verified | Reads::VerifiedInstancesOnly => {
                wrong.push(format!("reads verified; {at}"))
            }
            Reads::LiveUpTo(k) if v.n <= k => {
                wrong.push(format!("reads live at every N <= {k}; {at}"))
            }
            _ if r.properties_proven.contains(&v.property) => {
                wrong.push(format!("proves {} for all N; {at}", v.property))
            }
            _ => {}
        }
    }
    CrashRow {
        protocol: ir.name.clone(),
        reads,
        portfolio: Answer::of(&r),
        proven: r.properties_proven,
        found,
        instances: (instances, unknown_at.len()),
        unknown_at,
        explicit_seconds: explicit.elapsed().as_secs_f64(),
        not_run,
        wrong,
    }
}

/// The median and the largest of `xs` (0 when empty).
fn median_max(xs: &[f64]) -> (f64, f64) {
    let mut xs = xs.to_vec();
    xs.sort_by(f64::total_cmp);
    let median = match xs.len() {
        0 => 0.0,
        n if n % 2 == 1 => xs[n / 2],
        n => (xs[n / 2 - 1] + xs[n / 2]) / 2.0,
    };
    (median, xs.last().copied().unwrap_or(0.0))
}

fn count<T>(xs: &[T], p: impl Fn(&T) -> bool) -> usize {
    xs.iter().filter(|x| p(x)).count()
}

/// One line of the answers' summary: distribution and times.
fn answers_line(name: &str, answers: &[&Answer], timeout: u64) -> String {
    let times: Vec<f64> = answers.iter().map(|a| a.seconds).collect();
    let (median, max) = median_max(&times);
    let word = |w: &str| count(answers, |a| a.word == w);
    format!(
        "| {name} | {} | {} | {} | {} | {} | {:.2} | {:.2} | {} |",
        answers.len(),
        word("verified"),
        word("violated"),
        count(answers, |a| a.word == "unknown" && a.at_timeout),
        count(answers, |a| a.word == "unknown" && !a.at_timeout),
        median,
        max,
        count(answers, |a| a.conclusive() && a.seconds >= timeout as f64),
    )
}

/// The Byzantine rows, one line each, as a Markdown table.
pub fn byzantine_table(rows: &[ByzantineRow]) -> String {
    let mut out = String::new();
    let alone: Vec<&str> = rows
        .first()
        .map(|r| r.alone.iter().map(|(b, _)| b.name()).collect())
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "| protocol | scenario | locations | portfolio: verdict, seconds (member) |{}",
        alone
            .iter()
            .map(|b| format!(" {b} alone |"))
            .collect::<String>()
    );
    let _ = writeln!(out, "|---|---|---|---|{}", "---|".repeat(alone.len()));
    for r in rows {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |{}",
            r.protocol,
            r.scenario.name(),
            r.locations,
            r.portfolio.cell(),
            r.alone
                .iter()
                .map(|(_, a)| format!(" {} |", a.cell()))
                .collect::<String>()
        );
    }
    out
}

/// The Byzantine summary: answers and times of the portfolio and of each
/// checker alone, the comparison, and the rows past the timeout.
pub fn byzantine_summary(rows: &[ByzantineRow], timeout: u64) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| run | rows | verified | violated | unknown at the timeout | unknown before it | median s | max s | answers at >= {timeout} s |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|---|");
    let p: Vec<&Answer> = rows.iter().map(|r| &r.portfolio).collect();
    let _ = writeln!(out, "{}", answers_line("portfolio", &p, timeout));
    let backends: Vec<Backend> = rows
        .first()
        .map(|r| r.alone.iter().map(|(b, _)| *b).collect())
        .unwrap_or_default();
    for (i, b) in backends.iter().enumerate() {
        let a: Vec<&Answer> = rows.iter().map(|r| &r.alone[i].1).collect();
        let _ = writeln!(
            out,
            "{}",
            answers_line(&format!("{} alone", b.name()), &a, timeout)
        );
    }
    let _ = writeln!(out);
    let by = |m: &str| count(rows, |r| r.portfolio.answered_by == m);
    let _ = writeln!(
        out,
        "- Answered by: smt {}, acs {}, zcs {}, sweep {}, none {}.",
        by("smt"),
        by("acs"),
        by("zcs"),
        by("sweep"),
        by("")
    );
    let reach = count(rows, |r| r.portfolio.at_timeout && r.portfolio.with_reach);
    let _ = writeln!(
        out,
        "- Portfolio unknown at the timeout: {} ({reach} of them with the sweep's reach).",
        count(rows, |r| r.portfolio.at_timeout)
    );
    if !backends.is_empty() {
        let best: Vec<f64> = rows.iter().filter_map(|r| r.best_alone()).collect();
        let (median, max) = median_max(&best);
        let _ = writeln!(
            out,
            "- Best single TACO checker alone (the fastest conclusive one per row): {} rows answered, median {median:.2} s, max {max:.2} s; no lone checker answered on {} rows.",
            best.len(),
            rows.len() - best.len()
        );
        let faster = count(rows, |r| {
            r.portfolio.conclusive() && r.best_alone().is_none_or(|b| r.portfolio.seconds < b)
        });
        let _ = writeln!(
            out,
            "- The portfolio answered faster than the best lone checker on {faster} of {} rows; it answered where none did on {}; a lone checker answered where it did not on {}.",
            rows.len(),
            count(rows, |r| r.portfolio.conclusive() && r.best_alone().is_none()),
            count(rows, |r| !r.portfolio.conclusive() && r.best_alone().is_some()),
        );
        let smt: Vec<(f64, f64)> = rows
            .iter()
            .filter_map(|r| {
                let (_, a) = r.alone.iter().find(|(b, _)| *b == Backend::Smt)?;
                (a.conclusive() && r.portfolio.conclusive())
                    .then_some((r.portfolio.seconds, a.seconds))
            })
            .collect();
        if !smt.is_empty() {
            let ratios: Vec<f64> = smt.iter().map(|(p, s)| p / s.max(1e-3)).collect();
            let (median, _) = median_max(&ratios);
            let _ = writeln!(
                out,
                "- Where both answered, portfolio time / SMT-alone time: median {median:.2} over {} rows; portfolio faster on {}.",
                smt.len(),
                count(&smt, |(p, s)| p < s)
            );
        }
        let _ = writeln!(
            out,
            "- Contradictions (verified for all N by one, violated by another): {}.",
            count(rows, ByzantineRow::contradiction)
        );
    }
    out
}

/// The rows worth reading: no answer at the timeout, or slower than
/// `slow` seconds, or a contradiction.
pub fn byzantine_notable(rows: &[ByzantineRow], slow: f64) -> Vec<&ByzantineRow> {
    rows.iter()
        .filter(|r| !r.portfolio.conclusive() || r.portfolio.seconds >= slow || r.contradiction())
        .collect()
}

/// The crash rows, one line each, as a Markdown table.
pub fn crash_table(rows: &[CrashRow]) -> String {
    let mut out = String::from(
        "| protocol | reads | portfolio: verdict, seconds (member) | explicit checker, N <= max | explicit s | wrong |\n|---|---|---|---|---|---|\n",
    );
    for r in rows {
        let mut found = match r.found.first() {
            Some(v) => format!(
                "{} violations, first {} at N={}, F={}",
                r.found.len(),
                v.property,
                v.n,
                v.f
            ),
            None if r.instances.0 == 0 => {
                "not compared (violated, nothing proven for all N)".into()
            }
            None => format!("clean at {} instances", r.instances.0 - r.instances.1),
        };
        if !r.unknown_at.is_empty() {
            let _ = write!(found, "; {}", unknown_at(r));
        }
        if r.not_run > 0 && r.instances.0 > 0 {
            let _ = write!(found, "; {} not run", r.not_run);
        }
        let _ = writeln!(
            out,
            "| {} | {} | {} | {found} | {:.1} | {} |",
            r.protocol,
            reads_name(r.reads),
            r.portfolio.cell(),
            r.explicit_seconds,
            r.wrong.join("; ")
        );
    }
    out
}

/// `unknown at N=8, F=3 (20 s), ...`: the instances the explicit checker
/// stopped at its limits.
fn unknown_at(r: &CrashRow) -> String {
    let at: Vec<String> = r
        .unknown_at
        .iter()
        .map(|(n, f, s)| format!("N={n}, F={f} ({s:.0} s)"))
        .collect();
    format!("unknown at {}", at.join(", "))
}

/// Which generator drew a crash protocol: `live-tilted` (`L..`,
/// [`live_crash_protocols`]) or `random` (`C..`, [`crash_protocols`]).
fn generator(r: &CrashRow) -> &'static str {
    if r.protocol.starts_with('L') {
        "live-tilted"
    } else {
        "random"
    }
}

fn reads_name(r: Reads) -> String {
    match r {
        Reads::Verified => "verified".into(),
        Reads::LiveUpTo(k) => format!("safe for all N; live at every N <= {k}"),
        Reads::VerifiedInstancesOnly => "verified (liveness at instances, no reach)".into(),
        Reads::Violated => "violated".into(),
        Reads::Unknown => "unknown".into(),
    }
}

/// The crash summary: rows by generator and by what they read, against
/// the explicit checker at every allowed N <= `max_n` (clean, a
/// violation, or neither: an instance stopped at the checker's limits);
/// the portfolio's answers and times.
pub fn crash_summary(rows: &[CrashRow], max_n: usize, timeout: u64) -> String {
    let mut out = format!(
        "| generator | the row reads | rows | explicit checker finds a violation at N <= {max_n} | of which at an N the row covers (wrong) | no violation, clean at every instance | no violation, an instance unknown or not run |\n|---|---|---|---|---|---|---|\n"
    );
    let mut kinds: Vec<(&str, String)> = Vec::new();
    let kind = |r: &CrashRow| {
        let reads = match r.reads {
            Reads::LiveUpTo(_) => "safe for all N; live at every N <= k".to_string(),
            other => reads_name(other),
        };
        (generator(r), reads)
    };
    for r in rows {
        if !kinds.contains(&kind(r)) {
            kinds.push(kind(r));
        }
    }
    kinds.sort();
    for k in &kinds {
        let these: Vec<&CrashRow> = rows.iter().filter(|r| kind(r) == *k).collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            k.0,
            k.1,
            these.len(),
            count(&these, |r| !r.found.is_empty()),
            count(&these, |r| !r.wrong.is_empty()),
            count(&these, |r| r.found.is_empty()
                && r.unknown_at.is_empty()
                && r.not_run == 0),
            count(&these, |r| r.found.is_empty()
                && (!r.unknown_at.is_empty() || r.not_run > 0)),
        );
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "| portfolio on | rows | verified | violated | unknown at the timeout | unknown before it | median s | max s | answers at >= {timeout} s |\n|---|---|---|---|---|---|---|---|---|"
    );
    for g in ["random", "live-tilted"] {
        let a: Vec<&Answer> = rows
            .iter()
            .filter(|r| generator(r) == g)
            .map(|r| &r.portfolio)
            .collect();
        if !a.is_empty() {
            let _ = writeln!(out, "{}", answers_line(g, &a, timeout));
        }
    }
    let all: Vec<&Answer> = rows.iter().map(|r| &r.portfolio).collect();
    let _ = writeln!(out, "{}", answers_line("all", &all, timeout));
    let reaches: Vec<f64> = rows
        .iter()
        .filter_map(|r| match r.reads {
            Reads::LiveUpTo(k) => Some(k as f64),
            _ => None,
        })
        .collect();
    let (median_k, max_k) = median_max(&reaches);
    let min_k = reaches.iter().copied().fold(f64::INFINITY, f64::min);
    let instances: usize = rows.iter().map(|r| r.instances.0).sum();
    let unknown: usize = rows.iter().map(|r| r.instances.1).sum();
    let explicit: Vec<f64> = rows.iter().map(|r| r.explicit_seconds).collect();
    let (explicit_median, explicit_max) = median_max(&explicit);
    let _ = writeln!(out);
    let by = |m: &str| count(rows, |r| r.portfolio.answered_by == m);
    let _ = writeln!(
        out,
        "- Answered by: smt {}, acs {}, zcs {}, sweep {}, none {}.",
        by("smt"),
        by("acs"),
        by("zcs"),
        by("sweep"),
        by("")
    );
    let _ = writeln!(
        out,
        "- Portfolio unknown at the timeout: {} ({} of them with the sweep's reach).",
        count(rows, |r| r.portfolio.at_timeout),
        count(rows, |r| r.portfolio.at_timeout && r.portfolio.with_reach)
    );
    if !reaches.is_empty() {
        let _ = writeln!(
            out,
            "- The sweep's reach k on \"live at every N <= k\" rows: min {min_k}, median {median_k}, max {max_k}."
        );
    }
    let _ = writeln!(
        out,
        "- Explicit checker: {instances} instances run, {unknown} of them unknown (stopped at its limits) in {} rows; {} instances not run (budget spent in {} rows; {} rows read violated with nothing proven for all N, not compared); seconds per row: median {explicit_median:.1}, max {explicit_max:.1}.",
        count(rows, |r| !r.unknown_at.is_empty()),
        rows.iter().map(|r| r.not_run).sum::<usize>(),
        count(rows, |r| r.not_run > 0 && r.instances.0 > 0),
        count(rows, |r| r.not_run > 0 && r.instances.0 == 0),
    );
    let claims = |r: &CrashRow| matches!(r.reads, Reads::Verified | Reads::VerifiedInstancesOnly);
    let _ = writeln!(
        out,
        "- Rows that read \"verified\" (with or without \"live at every N <= k\"): {}; the explicit checker finds a violation at N <= {max_n} in {} of them; {} of them have an instance it left unknown or did not run.",
        count(rows, |r| claims(r) || matches!(r.reads, Reads::LiveUpTo(_))),
        count(rows, |r| (claims(r) || matches!(r.reads, Reads::LiveUpTo(_))) && !r.found.is_empty()),
        count(rows, |r| (claims(r) || matches!(r.reads, Reads::LiveUpTo(_)))
            && (!r.unknown_at.is_empty() || r.not_run > 0)),
    );
    let safety = count(rows, |r| {
        r.found
            .iter()
            .any(|v| v.safety && r.proven.contains(&v.property))
    });
    let _ = writeln!(
        out,
        "- Rows whose claim an instance refutes: {} (a safety property proven for all N but violated at an instance: {safety}).",
        count(rows, |r| !r.wrong.is_empty())
    );
    out
}

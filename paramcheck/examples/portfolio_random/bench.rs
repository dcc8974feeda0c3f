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

#[path = "summary.rs"]
mod summary;
pub use summary::*;

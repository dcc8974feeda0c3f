//! The bench's tables and summaries (Markdown), for `main.rs` and the test.

use super::*;

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
    answered_by(&mut out, rows.iter().map(|r| &r.portfolio));
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
    answered_by(&mut out, rows.iter().map(|r| &r.portfolio));
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

/// The line that says which member answered how many rows.
fn answered_by<'a>(out: &mut String, answers: impl Iterator<Item = &'a Answer> + Clone) {
    let by = |m: &str| answers.clone().filter(|a| a.answered_by == m).count();
    let _ = writeln!(
        out,
        "- Answered by: smt {}, acs {}, zcs {}, sweep {}, none {}.",
        by("smt"),
        by("acs"),
        by("zcs"),
        by("sweep"),
        by("")
    );
}

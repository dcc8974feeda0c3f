//! The commands of README.md and docs/*.md run, so that none goes stale.
//!
//! - In a fenced `sh` block, a line (joined over a trailing `\`) that starts
//!   with `cargo run --release -- ` or `distgen ` is a command of the built
//!   binary. It runs in a scratch folder holding a copy of `examples/` (so
//!   what it writes goes there), with standard input closed, for at most
//!   [`TIME_BOUND`], and must end with an exit status its comment states
//!   (`# exit status 1: violated`, `# exit status 0 or 1`), else 0.
//! - `distgen explore` serves until stopped: it must still be serving after
//!   [`SERVE_FOR`] (on a port of the system's choosing unless it names one).
//! - A command with `--all-n` needs the `z3` binary: the test finds or
//!   fetches it first (`paramcheck::solver::fetch`), as the other all-N tests do.
//! - A line whose comment says `docs-test: skip` is skipped and listed.
//! - `cargo run --release --example NAME` must name a file of `examples/`;
//!   `cargo test ...` must be a command that `.ci/run` runs, word for word.
//!   Other lines (`spin`, `gcc`, `./pan`) are not distgen's and are listed.
//! - In the other fenced blocks, a synopsis line `distgen SUBCOMMAND ...`
//!   (with its indented continuation lines) may only name options that
//!   `distgen SUBCOMMAND --help` lists.
//! - `distgen SUBCOMMAND --help` exits 0 for every subcommand `distgen --help`
//!   lists.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The longest a documented command may take.
const TIME_BOUND: Duration = Duration::from_secs(30);
/// How long `distgen explore` must keep serving.
const SERVE_FOR: Duration = Duration::from_secs(2);

/// The repository root.
fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// README.md and every docs/*.md, sorted.
fn doc_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(root().join("docs"))
        .expect("docs/ exists")
        .map(|e| e.expect("readable docs/").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    files.insert(0, root().join("README.md"));
    files
}

/// A fenced block: its info string, its first line's number, its lines.
struct Block {
    lang: String,
    line: usize,
    lines: Vec<String>,
}

/// The fenced blocks of a Markdown text (fences may be indented, as in a list).
fn blocks(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut open: Option<Block> = None;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        match open.take() {
            None => {
                if let Some(lang) = trimmed.strip_prefix("```") {
                    open = Some(Block {
                        lang: lang.trim().to_string(),
                        line: i + 2,
                        lines: Vec::new(),
                    });
                }
            }
            Some(mut block) => {
                if trimmed.starts_with("```") {
                    out.push(block);
                } else {
                    block.lines.push(line.to_string());
                    open = Some(block);
                }
            }
        }
    }
    out
}

/// A shell line split into words (double and single quotes, backslash
/// escapes) and the text of its `#` comment, if any.
fn shell_words(line: &str) -> (Vec<String>, String) {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '#' if !in_word => return (words, chars.collect::<String>().trim().to_string()),
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '"' | '\'' => {
                in_word = true;
                for d in chars.by_ref() {
                    if d == c {
                        break;
                    }
                    word.push(d);
                }
            }
            '\\' => {
                in_word = true;
                if let Some(d) = chars.next() {
                    word.push(d);
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    (words, String::new())
}

/// The lines of a block, each joined with the lines its trailing `\` continues.
fn joined_lines(block: &Block) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (i, line) in block.lines.iter().enumerate() {
        let (start, mut text) = current.take().unwrap_or((block.line + i, String::new()));
        let line = line.trim();
        match line.strip_suffix('\\') {
            Some(head) => {
                text.push_str(head.trim_end());
                text.push(' ');
                current = Some((start, text));
            }
            None => {
                text.push_str(line);
                out.push((start, text));
            }
        }
    }
    out.extend(current);
    out
}

/// The arguments of a documented command of the binary, if the words are one.
fn binary_args(words: &[String]) -> Option<Vec<String>> {
    let w: Vec<&str> = words.iter().map(String::as_str).collect();
    match w.as_slice() {
        ["cargo", "run", "--release", "--", rest @ ..] => {
            Some(rest.iter().map(|s| s.to_string()).collect())
        }
        ["distgen", rest @ ..] => Some(rest.iter().map(|s| s.to_string()).collect()),
        _ => None,
    }
}

/// The exit statuses a command's comment allows (`exit status 1`, `exit
/// status 0 or 1`), else 0.
fn expected_statuses(comment: &str) -> Vec<i32> {
    let Some(rest) = comment.split("exit status ").nth(1) else {
        return vec![0];
    };
    let mut statuses = Vec::new();
    for word in rest.split_whitespace() {
        match word.trim_end_matches([':', ',', ';']).parse() {
            Ok(status) => statuses.push(status),
            Err(_) if word == "or" => {}
            Err(_) => break,
        }
    }
    if statuses.is_empty() {
        statuses.push(0);
    }
    statuses
}

/// Copies the directory `from` to `to`, recursively.
fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("scratch folder");
    for entry in fs::read_dir(from).expect("readable folder") {
        let entry = entry.expect("readable entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// How a run of the binary ended.
enum End {
    /// It exited with this status (-1: killed by a signal).
    Exited(i32),
    /// It was still running at the deadline, and was killed.
    Running,
}

/// Runs the binary with `args` in `dir` for at most `bound`; its standard
/// output and error go to files in `dir`, returned with the end.
fn run_bounded(args: &[String], dir: &Path, bound: Duration) -> (End, String) {
    let out = fs::File::create(dir.join("stdout.txt")).expect("stdout file");
    let err = fs::File::create(dir.join("stderr.txt")).expect("stderr file");
    let mut child = Command::new(env!("CARGO_BIN_EXE_distgen"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .expect("distgen starts");
    let start = Instant::now();
    let end = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break End::Exited(status.code().unwrap_or(-1));
        }
        if start.elapsed() >= bound {
            child.kill().expect("kill");
            child.wait().expect("reap");
            break End::Running;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let output = format!(
        "{}{}",
        fs::read_to_string(dir.join("stdout.txt")).unwrap_or_default(),
        fs::read_to_string(dir.join("stderr.txt")).unwrap_or_default()
    );
    (end, output)
}

/// The subcommands `distgen --help` lists.
fn subcommands() -> Vec<String> {
    let out = Command::new(env!("CARGO_BIN_EXE_distgen"))
        .arg("--help")
        .output()
        .expect("distgen --help runs");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|&c| c != "help")
        .map(str::to_string)
        .collect()
}

/// `distgen SUBCOMMAND --help`, which must exit 0.
fn help_of(sub: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_distgen"))
        .args([sub, "--help"])
        .output()
        .expect("distgen runs");
    assert!(out.status.success(), "`distgen {sub} --help` failed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn every_subcommand_has_help() {
    let subs = subcommands();
    assert!(subs.len() >= 9, "`distgen --help` lists {subs:?}");
    for sub in &subs {
        assert!(help_of(sub).contains("Usage: distgen"), "{sub}");
    }
}

#[test]
fn synopses_name_only_real_options() {
    let subs = subcommands();
    let mut wrong = Vec::new();
    for file in doc_files() {
        let text = fs::read_to_string(&file).expect("readable doc");
        for block in blocks(&text).iter().filter(|b| b.lang != "sh") {
            // Each synopsis line with its indented continuation lines.
            let mut synopses: Vec<(usize, String, String)> = Vec::new();
            for (i, line) in block.lines.iter().enumerate() {
                let words: Vec<&str> = line.split_whitespace().collect();
                if words.len() >= 2 && words[0] == "distgen" && subs.iter().any(|s| s == words[1]) {
                    synopses.push((block.line + i, words[1].to_string(), line.clone()));
                } else if line.starts_with(' ') && !line.trim().is_empty() {
                    if let Some(last) = synopses.last_mut() {
                        last.2.push(' ');
                        last.2.push_str(line);
                    }
                } else {
                    synopses.push((0, String::new(), String::new()));
                }
            }
            for (line, sub, text) in synopses.into_iter().filter(|s| s.0 > 0) {
                let help = help_of(&sub);
                for option in text
                    .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                    .filter(|w| w.starts_with("--") && w.len() > 2)
                {
                    if !help.contains(&format!("{option} "))
                        && !help.contains(&format!("{option}\n"))
                    {
                        wrong.push(format!(
                            "{}:{line}: `distgen {sub}` has no {option}",
                            file.display()
                        ));
                    }
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn documented_commands_run() {
    let ci = fs::read_to_string(root().join(".ci/run")).expect(".ci/run exists");
    paramcheck::solver::fetch().expect("z3, found or fetched from PyPI");
    let scratch = tempfile::tempdir().expect("scratch folder");
    copy_dir(&root().join("examples"), &scratch.path().join("examples"));
    let (mut ran, mut skipped, mut other, mut failures) = (0, Vec::new(), Vec::new(), Vec::new());
    // A command documented twice runs once.
    let mut seen = std::collections::HashSet::new();
    for file in doc_files() {
        let name = file
            .strip_prefix(root())
            .unwrap_or(&file)
            .display()
            .to_string();
        let text = fs::read_to_string(&file).expect("readable doc");
        for block in blocks(&text).iter().filter(|b| b.lang == "sh") {
            for (line, text) in joined_lines(block) {
                let (words, comment) = shell_words(&text);
                let place = format!("{name}:{line}: {}", text.trim());
                if words.is_empty() {
                    continue;
                }
                if comment.contains("docs-test: skip") {
                    skipped.push(format!("{place} (marked)"));
                    continue;
                }
                if let ["cargo", "run", "--release", "--example", example] = words
                    .iter()
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .as_slice()
                {
                    let found = ["examples", "examples/generated"]
                        .iter()
                        .any(|d| root().join(d).join(format!("{example}.rs")).is_file());
                    if !found {
                        failures.push(format!("{place}: no example {example}"));
                    }
                    continue;
                }
                if words[0] == "cargo" && words.get(1).is_some_and(|w| w == "test") {
                    let command = words.join(" ");
                    if !ci.lines().any(|l| l.trim() == command) {
                        failures.push(format!("{place}: not a command of .ci/run"));
                    }
                    continue;
                }
                let Some(mut args) = binary_args(&words) else {
                    other.push(place);
                    continue;
                };
                if !seen.insert(args.clone()) {
                    continue;
                }
                let dir = scratch.path();
                if args.first().is_some_and(|a| a == "explore") {
                    if !args.iter().any(|a| a == "--addr") {
                        args.extend(["--addr".to_string(), "127.0.0.1:0".to_string()]);
                    }
                    match run_bounded(&args, dir, SERVE_FOR) {
                        (End::Running, _) => ran += 1,
                        (End::Exited(code), output) => failures.push(format!(
                            "{place}: exited ({code}) instead of serving\n{output}"
                        )),
                    }
                    continue;
                }
                let expected = expected_statuses(&comment);
                let start = Instant::now();
                match run_bounded(&args, dir, TIME_BOUND) {
                    (End::Exited(code), _) if expected.contains(&code) => ran += 1,
                    (End::Exited(code), output) => failures.push(format!(
                        "{place}: exit status {code}, expected {expected:?}\n{output}"
                    )),
                    (End::Running, _) => failures.push(format!(
                        "{place}: still running after {:?}",
                        start.elapsed()
                    )),
                }
            }
        }
    }
    println!("ran {ran} documented commands");
    for s in &skipped {
        println!("skipped: {s}");
    }
    for o in &other {
        println!("not distgen's, not run: {o}");
    }
    assert!(
        ran >= 10,
        "only {ran} commands found: is the extraction broken?"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn extraction() {
    let (words, comment) =
        shell_words(r#"distgen learn --requires "N > 5 * F" -o a\ b  # exit status 1: x"#);
    assert_eq!(
        words,
        ["distgen", "learn", "--requires", "N > 5 * F", "-o", "a b"]
    );
    assert_eq!(expected_statuses(&comment), [1]);
    assert_eq!(expected_statuses("exit status 0 or 1, by timing"), [0, 1]);
    assert_eq!(expected_statuses("then open it"), [0]);
    let block = Block {
        lang: "sh".into(),
        line: 10,
        lines: vec![
            "distgen promela x.rs \\".into(),
            "    --n 4".into(),
            "spin -a x.pml".into(),
        ],
    };
    assert_eq!(
        joined_lines(&block),
        [
            (10, "distgen promela x.rs --n 4".to_string()),
            (12, "spin -a x.pml".to_string())
        ]
    );
    assert_eq!(
        binary_args(&["cargo", "run", "--release", "--", "check", "f.rs"].map(String::from)),
        Some(vec!["check".to_string(), "f.rs".to_string()])
    );
}

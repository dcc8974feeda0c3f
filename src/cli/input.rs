//! What the subcommands take in: the protocol file, the fault model, the
//! size (N, F) and who fails in a run, each declared once here and flattened
//! into the subcommands (`#[command(flatten)]`), and the reading of protocols
//! from `.rs` files.

use anyhow::{bail, Context, Result};
use distgen::actors::RunConfig;
use distgen::ir::FaultModel;
use distgen::ProtocolIr;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What `check`, `explore` and `promela` share: which protocol, under which
/// fault model, at which size.
#[derive(clap::Args, Debug, Clone)]
pub struct ModelArgs {
    /// FILE and `--protocol`.
    #[command(flatten)]
    pub protocol: ProtocolArgs,
    /// `--faults`.
    #[command(flatten)]
    pub faults: FaultsArgs,
    /// `--n` and `--f`.
    #[command(flatten)]
    pub size: SizeArgs,
}

/// The protocols a subcommand works on: a `.rs` file and, when it has
/// several, the name of one.
#[derive(clap::Args, Debug, Clone)]
pub struct ProtocolArgs {
    /// A `.rs` file with one or more `protocol! { ... }` (it is parsed, not compiled).
    pub file: PathBuf,
    /// The protocol to use when the file has several.
    #[arg(long, value_name = "NAME")]
    pub protocol: Option<String>,
}

impl ProtocolArgs {
    /// The protocol named by `--protocol`, or every protocol of the file.
    pub fn load_all(&self) -> Result<Vec<ProtocolIr>> {
        let protocols = load(&self.file)?;
        match &self.protocol {
            Some(name) => Ok(vec![pick(&protocols, Some(name))?.clone()]),
            None => Ok(protocols),
        }
    }

    /// The protocol named by `--protocol`, or the only one of the file.
    pub fn load_one(&self) -> Result<ProtocolIr> {
        let protocols = load(&self.file)?;
        Ok(pick(&protocols, self.protocol.as_deref())?.clone())
    }
}

/// The fault model of the adversary.
#[derive(clap::Args, Debug, Clone, Copy)]
pub struct FaultsArgs {
    /// Fault model: none, crash or byzantine [default: the one the protocol claims].
    #[arg(long, value_parser = parse_faults)]
    pub faults: Option<FaultModel>,
}

impl FaultsArgs {
    /// The fault model asked for, or the one `ir` claims.
    pub fn or_claimed(&self, ir: &ProtocolIr) -> FaultModel {
        self.faults.unwrap_or(ir.faults)
    }
}

/// Parses a fault model name (`none`, `crash` or `byzantine`).
pub fn parse_faults(s: &str) -> Result<FaultModel, String> {
    s.parse()
}

/// The size of a configuration: N processes, F of them possibly faulty.
/// Each subcommand says which defaults it takes; `check` and `promela` take
/// both or neither (`#[command(mut_arg("n", |a| a.requires("f")), ...)]`).
#[derive(clap::Args, Debug, Clone, Copy)]
pub struct SizeArgs {
    /// Number of processes.
    #[arg(long)]
    pub n: Option<usize>,
    /// Fault bound (how many processes may be faulty).
    #[arg(long)]
    pub f: Option<usize>,
}

/// Who fails in a run of processes (`run`, `cluster`): who crashes, after
/// how many messages, and who is Byzantine.
#[derive(clap::Args, Debug, Clone)]
pub struct FailuresArgs {
    /// Processes that crash: ids like `0,2`, each optionally `ID:STEPS`.
    #[arg(long, value_name = "IDS")]
    pub crash: Option<String>,
    /// Network messages a crashing process sends before it stops (0: at
    /// start; 1: after the first recipient of its first send).
    #[arg(long, value_name = "STEPS", default_value_t = 1)]
    pub crash_after: u64,
    /// Byzantine processes, which equivocate, forge and replay: ids like `3`.
    #[arg(long, value_name = "IDS")]
    pub byzantine: Option<String>,
}

impl FailuresArgs {
    /// Sets who crashes and who is Byzantine in `config`.
    pub fn apply(&self, config: &mut RunConfig) -> Result<()> {
        config.crash = match &self.crash {
            Some(text) => crashes(text, self.crash_after)?,
            None => BTreeMap::new(),
        };
        config.byzantine = match &self.byzantine {
            Some(text) => ids("byzantine", text, config.n)?,
            None => Vec::new(),
        };
        Ok(())
    }
}

/// Process ids given to `--{option}`: `all` (the `n` processes) or a
/// comma-separated list.
pub fn ids(option: &str, text: &str, n: usize) -> Result<Vec<usize>> {
    if text.trim() == "all" {
        return Ok((0..n).collect());
    }
    text.split(',')
        .filter(|s| !s.trim().is_empty())
        .map(|s| number(option, s, "a process id"))
        .collect()
}

/// Crashing processes: `ID` (after `default` messages) or `ID:STEPS`.
fn crashes(text: &str, default: u64) -> Result<BTreeMap<usize, u64>> {
    text.split(',')
        .filter(|s| !s.trim().is_empty())
        .map(|item| {
            let (id, steps) = match item.split_once(':') {
                Some((id, steps)) => (id, number("crash", steps, "a number of steps")?),
                None => (item, default),
            };
            Ok((number("crash", id, "a process id")?, steps))
        })
        .collect()
}

/// `text`, a part of the value of `--{option}`, as a number; else an error
/// saying that it is not `what`.
pub fn number<T>(option: &str, text: &str, what: &str) -> Result<T>
where
    T: std::str::FromStr,
    T::Err: std::error::Error + Send + Sync + 'static,
{
    text.trim()
        .parse()
        .with_context(|| format!("--{option}: `{text}` is not {what}"))
}

/// Every `protocol!` in `path`. Syntax and validation errors are printed as
/// `path:line:column: message`, one per line, and reported as one error.
pub fn load(path: &Path) -> Result<Vec<ProtocolIr>> {
    let src =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    match distgen::source::protocols_in_source(&src) {
        Ok(protocols) => Ok(protocols),
        Err(errors) => {
            let lines: Vec<String> = errors
                .iter()
                .map(|e| format!("{}:{e}", path.display()))
                .collect();
            bail!(
                "{} error(s) in {}:\n{}",
                errors.len(),
                path.display(),
                lines.join("\n")
            )
        }
    }
}

/// The protocol named `name` in `protocols`, or the only one.
pub fn pick<'a>(protocols: &'a [ProtocolIr], name: Option<&str>) -> Result<&'a ProtocolIr> {
    let names = || {
        protocols
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match name {
        Some(name) => protocols
            .iter()
            .find(|p| p.name == name)
            .with_context(|| format!("no protocol named `{name}` here; found: {}", names())),
        None if protocols.len() == 1 => Ok(&protocols[0]),
        None => bail!(
            "this file has {} protocols ({}); choose one with --protocol",
            protocols.len(),
            names()
        ),
    }
}

//! What the subcommands take in: the protocol file, the fault model and the
//! size (N, F), each declared once here and flattened into the subcommands
//! (`#[command(flatten)]`), and the reading of protocols from `.rs` files.

use anyhow::{bail, Context, Result};
use distgen::ir::FaultModel;
use distgen::ProtocolIr;
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

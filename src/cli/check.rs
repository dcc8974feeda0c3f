//! `distgen check`.

use anyhow::{bail, Result};
use std::process::ExitCode;

/// Options of `distgen check`.
#[derive(clap::Args)]
pub struct Args {}

/// Runs `distgen check`.
pub fn main(_args: Args) -> Result<ExitCode> {
    bail!("`distgen check` is not implemented yet")
}

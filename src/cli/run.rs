//! `distgen run`.

use anyhow::{bail, Result};
use std::process::ExitCode;

/// Options of `distgen run`.
#[derive(clap::Args)]
pub struct Args {}

/// Runs `distgen run`.
pub fn main(_args: Args) -> Result<ExitCode> {
    bail!("`distgen run` is not implemented yet")
}

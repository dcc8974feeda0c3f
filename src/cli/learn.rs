//! `distgen learn`.

use anyhow::{bail, Result};
use std::process::ExitCode;

/// Options of `distgen learn`.
#[derive(clap::Args)]
pub struct Args {}

/// Runs `distgen learn`.
pub fn main(_args: Args) -> Result<ExitCode> {
    bail!("`distgen learn` is not implemented yet")
}

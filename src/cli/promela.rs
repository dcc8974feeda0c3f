//! `distgen promela`.

use anyhow::{bail, Result};
use std::process::ExitCode;

/// Options of `distgen promela`.
#[derive(clap::Args)]
pub struct Args {}

/// Runs `distgen promela`.
pub fn main(_args: Args) -> Result<ExitCode> {
    bail!("`distgen promela` is not implemented yet")
}

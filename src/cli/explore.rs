//! `distgen explore`.

use anyhow::{bail, Result};
use std::process::ExitCode;

/// Options of `distgen explore`.
#[derive(clap::Args)]
pub struct Args {}

/// Runs `distgen explore`.
pub fn main(_args: Args) -> Result<ExitCode> {
    bail!("`distgen explore` is not implemented yet")
}

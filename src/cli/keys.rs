//! `distgen keys`: writes a new cluster secret, from which every node derives
//! its link keys.

use anyhow::Result;
use deploy::keys::Secret;
use std::path::PathBuf;
use std::process::ExitCode;

/// Options of `distgen keys`.
#[derive(clap::Args)]
pub struct Args {
    /// The secret file to write (never overwritten; readable by its owner
    /// only). Name it in the peers file as `secret = "..."` and copy it to
    /// every node's machine over a secure channel.
    #[arg(long, value_name = "FILE", default_value = "distgen.key")]
    pub out: PathBuf,
}

/// Runs `distgen keys`.
pub fn main(args: Args) -> Result<ExitCode> {
    Secret::generate()?.write(&args.out)?;
    println!(
        "wrote a new secret to {}; name it in the peers file (secret = \"{}\")",
        args.out.display(),
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

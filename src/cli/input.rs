//! Reading protocols from `.rs` files given on the command line.

use anyhow::{bail, Context, Result};
use distgen::ProtocolIr;
use std::path::Path;

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
    match name {
        Some(name) => protocols.iter().find(|p| p.name == name).with_context(|| {
            let names: Vec<&str> = protocols.iter().map(|p| p.name.as_str()).collect();
            format!(
                "no protocol named `{name}` here; found: {}",
                names.join(", ")
            )
        }),
        None if protocols.len() == 1 => Ok(&protocols[0]),
        None => {
            let names: Vec<&str> = protocols.iter().map(|p| p.name.as_str()).collect();
            bail!(
                "this file has {} protocols ({}); choose one with --protocol",
                protocols.len(),
                names.join(", ")
            )
        }
    }
}

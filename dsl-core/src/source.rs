//! Reads `protocol!` invocations out of a `.rs` file without compiling it.

use crate::ir::ProtocolIr;
use crate::syntax;
use std::fmt;
use syn::visit::Visit;

/// An error in a source file, with a 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct SourceError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters).
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

impl SourceError {
    /// Every error that `e` combines, located.
    pub fn from_syn(e: syn::Error) -> Vec<SourceError> {
        e.into_iter()
            .map(|e| {
                let start = e.span().start();
                SourceError {
                    line: start.line,
                    column: start.column + 1,
                    message: e.to_string(),
                }
            })
            .collect()
    }
}

/// Every `protocol! { ... }` invocation in `src`, parsed and validated, in
/// source order. Errors of all invocations are returned together.
pub fn protocols_in_source(src: &str) -> Result<Vec<ProtocolIr>, Vec<SourceError>> {
    check_nesting(src).map_err(|e| vec![e])?;
    let file = syn::parse_file(src).map_err(SourceError::from_syn)?;
    let mut finder = Finder::default();
    finder.visit_file(&file);
    let mut protocols = Vec::new();
    let mut errors = Vec::new();
    for tokens in finder.bodies {
        match syntax::parse_protocol(tokens) {
            Ok(ir) => protocols.push(ir),
            Err(e) => errors.extend(SourceError::from_syn(e)),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if protocols.is_empty() {
        return Err(vec![SourceError {
            line: 1,
            column: 1,
            message: "no `protocol! { ... }` invocation in this file".into(),
        }]);
    }
    Ok(protocols)
}

/// How deeply brackets may nest in a source file: the lexer and the parser
/// recurse, and a deeper file would overflow the stack instead of failing.
pub const MAX_NESTING: usize = 256;

/// Rejects text whose brackets (counted anywhere, comments and strings
/// included) nest deeper than [`MAX_NESTING`].
pub fn check_nesting(src: &str) -> Result<(), SourceError> {
    let (mut depth, mut line, mut column) = (0usize, 1usize, 0usize);
    for c in src.chars() {
        column += 1;
        match c {
            '(' | '[' | '{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(SourceError {
                        line,
                        column,
                        message: format!(
                            "brackets nest more than {MAX_NESTING} deep; flatten this expression"
                        ),
                    });
                }
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            '\n' => {
                line += 1;
                column = 0;
            }
            _ => {}
        }
    }
    Ok(())
}

/// Collects the bodies of macro invocations whose path ends in `protocol`.
#[derive(Default)]
struct Finder {
    bodies: Vec<proc_macro2::TokenStream>,
}

impl<'ast> Visit<'ast> for Finder {
    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if mac
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == "protocol")
        {
            self.bodies.push(mac.tokens.clone());
        }
        syn::visit::visit_macro(self, mac);
    }
}

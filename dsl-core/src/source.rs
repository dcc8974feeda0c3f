//! Reads `protocol!` invocations out of a `.rs` file without compiling it.

use crate::ir::ProtocolIr;
use crate::syntax;
use syn::visit::Visit;

pub use crate::syntax::errors::SourceError;

/// Every `protocol! { ... }` invocation in `src`, parsed and validated, in
/// source order. Errors of all invocations are returned together.
pub fn protocols_in_source(src: &str) -> Result<Vec<ProtocolIr>, Vec<SourceError>> {
    syntax::text::check_brackets(src).map_err(|e| vec![e])?;
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

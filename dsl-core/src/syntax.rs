//! The front end shared by the `protocol!` macro, the CLI and the learner:
//! parse ([`parse`]) -> lower ([`lower`]) -> validate ([`validate`]).

pub mod ast;
pub mod errors;
#[allow(missing_docs)]
pub mod kw;
pub mod lower;
pub mod parse;
pub mod validate;

use crate::ir::ProtocolIr;
use proc_macro2::TokenStream;

/// What the front end made of a `protocol!` body.
pub struct FrontEnd {
    /// The syntax tree, if the input parsed.
    pub def: Option<ast::ProtocolDef>,
    /// The IR, if there was no error at all.
    pub ir: Option<ProtocolIr>,
    /// Every error found, combined.
    pub error: Option<syn::Error>,
}

/// Runs the whole front end over the tokens of a `protocol!` body.
pub fn front_end(tokens: TokenStream) -> FrontEnd {
    let def: ast::ProtocolDef = match syn::parse2(tokens) {
        Ok(def) => def,
        Err(e) => {
            return FrontEnd {
                def: None,
                ir: None,
                error: Some(e),
            }
        }
    };
    let mut errors = errors::Errors::new();
    let ir = lower::lower(&def, &mut errors);
    // Validation reads resolved message ids, so it runs only on a clean lowering.
    let errors = match errors.finish() {
        Ok(()) => {
            let mut errors = errors::Errors::new();
            validate::validate(&def, &ir, &mut errors);
            errors.finish()
        }
        Err(e) => Err(e),
    };
    match errors {
        Ok(()) => FrontEnd {
            def: Some(def),
            ir: Some(ir),
            error: None,
        },
        Err(e) => FrontEnd {
            def: Some(def),
            ir: None,
            error: Some(e),
        },
    }
}

/// Parses and validates a `protocol!` body.
pub fn parse_protocol(tokens: TokenStream) -> syn::Result<ProtocolIr> {
    let out = front_end(tokens);
    match (out.ir, out.error) {
        (Some(ir), None) => Ok(ir),
        (_, Some(e)) => Err(e),
        (None, None) => unreachable!("the front end returns an IR or an error"),
    }
}

/// Parses and validates a `protocol!` body given as text.
pub fn parse_str(src: &str) -> syn::Result<ProtocolIr> {
    // Lexing recurses into brackets: refuse text nested deep enough to
    // overflow the stack.
    if let Err(e) = crate::source::check_nesting(src) {
        return Err(syn::Error::new(proc_macro2::Span::call_site(), e.message));
    }
    let tokens: TokenStream = syn::parse_str(src)?;
    parse_protocol(tokens)
}

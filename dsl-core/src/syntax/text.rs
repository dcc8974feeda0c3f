//! Text in, tokens out: the guard against brackets nested too deep for the
//! lexer, and the lexing of text, both with errors located by line and column.

use super::errors::{SourceError, SourceErrors};

/// How deeply brackets may nest in a text: the lexer and the parser recurse,
/// and a deeper text would overflow the stack instead of failing.
pub const MAX_BRACKET_DEPTH: usize = 256;

/// Rejects text whose brackets (counted anywhere, comments and strings
/// included) nest deeper than [`MAX_BRACKET_DEPTH`], at the first bracket too many.
pub fn check_brackets(src: &str) -> Result<(), SourceError> {
    let (mut depth, mut line, mut column) = (0usize, 1usize, 0usize);
    for c in src.chars() {
        column += 1;
        match c {
            '(' | '[' | '{' => {
                depth += 1;
                if depth > MAX_BRACKET_DEPTH {
                    return Err(SourceError {
                        line,
                        column,
                        message: format!(
                            "brackets nest more than {MAX_BRACKET_DEPTH} deep; flatten this expression"
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

/// `src` parsed as one `T` and nothing else (a `TokenStream` to lex it),
/// after [`check_brackets`].
pub fn parse<T: syn::parse::Parse>(src: &str) -> Result<T, SourceErrors> {
    check_brackets(src)?;
    Ok(syn::parse_str(src)?)
}

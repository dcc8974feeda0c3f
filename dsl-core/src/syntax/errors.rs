//! Collects every error of a stage so that the user sees them all at once
//! (after serde_derive's `Ctxt`).

/// A list of errors, each pointing at the user's tokens.
#[derive(Default)]
pub struct Errors {
    errors: Vec<syn::Error>,
}

impl Errors {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records an error at the span of `tokens`.
    pub fn spanned(&mut self, tokens: impl quote::ToTokens, message: impl std::fmt::Display) {
        self.errors.push(syn::Error::new_spanned(tokens, message));
    }

    /// Records an error at `span`.
    pub fn at(&mut self, span: proc_macro2::Span, message: impl std::fmt::Display) {
        self.errors.push(syn::Error::new(span, message));
    }

    /// `Ok` if nothing was recorded, else all errors combined into one.
    pub fn finish(self) -> syn::Result<()> {
        let mut iter = self.errors.into_iter();
        match iter.next() {
            None => Ok(()),
            Some(mut first) => {
                for e in iter {
                    first.combine(e);
                }
                Err(first)
            }
        }
    }
}

/// An error in source text, with a 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}:{column}: {message}")]
pub struct SourceError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters).
    pub column: usize,
    /// What is wrong.
    pub message: String,
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

/// Every error found in a text, in the order found; displayed one per line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceErrors(pub Vec<SourceError>);

impl From<syn::Error> for SourceErrors {
    fn from(e: syn::Error) -> Self {
        SourceErrors(SourceError::from_syn(e))
    }
}

impl From<SourceError> for SourceErrors {
    fn from(e: SourceError) -> Self {
        SourceErrors(vec![e])
    }
}

impl std::ops::Deref for SourceErrors {
    type Target = [SourceError];
    fn deref(&self) -> &[SourceError] {
        &self.0
    }
}

impl std::fmt::Display for SourceErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SourceErrors {}

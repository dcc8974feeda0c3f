//! Compile-fail tests of `protocol!`: one scenario per file in `tests/ui/`,
//! each with the expected errors (message and span) in its `.stderr`.
//! Regenerate with `TRYBUILD=overwrite cargo test --test ui`, then read them.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}

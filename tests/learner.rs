//! The protocols `distgen learn` found and that are committed under
//! `examples/generated/` still parse, and still verify in every default
//! configuration of the fault model they claim. (They are also compiled as
//! examples, see the `[[example]]` entries of Cargo.toml.)

use dsl_core::checker::{check_all, default_configs, Limits};
use std::path::Path;

fn check_generated(file: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/generated")
        .join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let protocols = dsl_core::source::protocols_in_source(&text).unwrap();
    assert_eq!(protocols.len(), 1, "{file}");
    let ir = &protocols[0];
    let configs = default_configs(&ir.requires, ir.faults);
    assert!(!configs.is_empty(), "{file}: no configuration to check");
    for r in check_all(ir, &configs, Limits::default(), false) {
        assert!(
            r.verdict.is_verified(),
            "{file}: {:?} {:?}",
            r.config,
            r.verdict
        );
    }
    // The printed protocol reads back the same.
    let again = dsl_core::syntax::parse_str(&dsl_core::print::body(ir, "")).unwrap();
    assert_eq!(&again, ir);
}

#[test]
fn learned_none_verifies() {
    check_generated("learned_none.rs");
}

#[test]
fn learned_crash_verifies() {
    check_generated("learned_crash.rs");
}

#[test]
fn learned_byzantine_verifies() {
    check_generated("learned_byzantine.rs");
}

//! Helpers shared by the all-N test files (each includes this module).

use dsl_core::ir::FaultModel;
use dsl_core::ProtocolIr;
use paramcheck::{check_all_n, AllNResult, Options};

/// The first protocol of an example file's source; z3 found or fetched
/// first ([`paramcheck::solver::fetch`]).
pub fn load(src: &str) -> ProtocolIr {
    paramcheck::solver::fetch().expect("z3, found or fetched from PyPI");
    dsl_core::source::protocols_in_source(src)
        .expect("protocol parses")
        .remove(0)
}

/// The all-N results of `ir` under `faults`, one per scenario of the fault
/// model, each verified.
pub fn verified_for_all_n(ir: &ProtocolIr, faults: FaultModel) -> Vec<AllNResult> {
    let results = check_all_n(ir, faults, &Options::default());
    assert_eq!(results.len(), dsl_core::checker::Scenario::of(faults).len());
    for r in &results {
        assert!(
            r.verdict.is_verified(),
            "{} {:?}: {:?}",
            ir.name,
            r.scenario,
            r.verdict
        );
    }
    results
}

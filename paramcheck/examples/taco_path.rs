//! Prints the counterexample path TACO's SMT checker finds in a `.ta` file:
//! `taco_path FILE.ta` (z3 on the PATH). For diagnosing a counterexample
//! the explicit checker does not confirm (bench/RESULTS-ta.md, B180).

use taco_model_checker::preprocessing::ExistingPreprocessors;
use taco_model_checker::{ModelChecker, ModelCheckerResult};
use taco_parser::bymc::ByMCParser;
use taco_parser::ParseTAWithLTL;
use taco_smt_encoder::SMTSolverBuilderCfg;
use taco_smt_model_checker::{SMTModelChecker, SMTModelCheckerOptions};

fn main() -> Result<(), String> {
    let file = std::env::args().nth(1).ok_or("usage: taco_path FILE.ta")?;
    let text = std::fs::read_to_string(&file).map_err(|e| format!("{file}: {e}"))?;
    let (gta, spec) = ByMCParser::new()
        .parse_ta_and_spec(&text)
        .map_err(|e| format!("{e:#}"))?;
    let smt = SMTSolverBuilderCfg::new(
        "z3".into(),
        vec!["-in".into(), "-smt2".into()],
        Vec::new(),
        true,
    );
    // The same preprocessors as paramcheck's `taco` module.
    let pre = [
        ExistingPreprocessors::DropSelfLoops,
        ExistingPreprocessors::DropUnreachableLocations,
        ExistingPreprocessors::CheckInitCondSatSMT,
        ExistingPreprocessors::ReplaceTrivialGuardsSMT,
    ]
    .iter()
    .map(|p| p.clone().into())
    .collect();
    let checker = SMTModelChecker::new(
        Some(smt),
        SMTModelCheckerOptions::default(),
        pre,
        gta,
        spec.into_iter(),
    )
    .map_err(|e| e.to_string())?;
    match checker.verify(false).map_err(|e| e.to_string())? {
        ModelCheckerResult::SAFE => println!("safe"),
        ModelCheckerResult::UNKNOWN(p) => println!("unknown: {}", p.join(", ")),
        ModelCheckerResult::UNSAFE(violations) => {
            for (name, path) in violations {
                println!("== {name} violated:\n{path}");
            }
        }
    }
    Ok(())
}

//! Running TACO's model checkers on an automaton written by distgen.
//!
//! The automaton goes through its `.ta` text ([`dsl_core::ta::bymc`]) and
//! TACO's own parser, so what is checked is exactly what `distgen ta` writes.
//! The preprocessors are TACO's defaults minus `RemoveUnusedVariables`, which
//! would drop the delivery counters that only the specifications read.

use crate::solver::{self, Stop};
use dsl_core::problem::Property;
use dsl_core::ta::{bymc, ThresholdAutomaton};
use serde::Serialize;
use std::panic::{catch_unwind, AssertUnwindSafe};
use taco_acs_model_checker::ACSModelChecker;
use taco_bdd::BDDManagerConfig;
use taco_model_checker::preprocessing::{ExistingPreprocessors, Preprocessor};
use taco_model_checker::{ModelChecker, ModelCheckerContext, ModelCheckerResult, TargetSpec};
use taco_parser::bymc::ByMCParser;
use taco_parser::ParseTAWithLTL;
use taco_smt_encoder::{ProvidesSMTSolverBuilder, SMTSolverBuilderCfg};
use taco_smt_model_checker::{SMTModelChecker, SMTModelCheckerOptions};
use taco_threshold_automaton::expressions::Parameter;
use taco_threshold_automaton::general_threshold_automaton::GeneralThresholdAutomaton;
use taco_zcs_model_checker::ZCSModelChecker;

/// One of TACO's model checkers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// The SMT-based checker (schemas of steady paths), with z3.
    Smt,
    /// The abstract-counter-system checker (explicit error graph), with z3.
    Acs,
    /// The zero-one counter system checker (BDDs with OxiDD), with z3.
    Zcs,
}

impl Backend {
    /// All backends.
    pub const ALL: [Backend; 3] = [Backend::Smt, Backend::Acs, Backend::Zcs];

    /// Its name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Smt => "smt",
            Backend::Acs => "acs",
            Backend::Zcs => "zcs",
        }
    }
}

impl std::str::FromStr for Backend {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        dsl_core::ir::named(s, &Backend::ALL, |b| b.name(), "TACO checker")
    }
}

/// What TACO said.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// Every specification holds.
    Safe,
    /// Some specifications are violated; (n, f) of the first counterexample.
    Unsafe {
        /// The violated specifications.
        violated: Vec<Property>,
        /// N of the counterexample.
        n: usize,
        /// F of the counterexample.
        f: usize,
    },
    /// No answer, with the reason.
    Unknown(String),
}

const PREPROCESSORS: [ExistingPreprocessors; 4] = [
    ExistingPreprocessors::DropSelfLoops,
    ExistingPreprocessors::DropUnreachableLocations,
    ExistingPreprocessors::CheckInitCondSatSMT,
    ExistingPreprocessors::ReplaceTrivialGuardsSMT,
];

fn preprocessors<S, C>() -> Vec<Box<dyn Preprocessor<GeneralThresholdAutomaton, S, C>>>
where
    S: TargetSpec,
    C: ModelCheckerContext + ProvidesSMTSolverBuilder,
{
    PREPROCESSORS.iter().map(|p| p.clone().into()).collect()
}

/// Checks a `.ta` text: safe, unsafe, or unknown with the reason.
pub fn check_text(text: &str, backend: Backend) -> Result<bool, String> {
    let (gta, spec) = ByMCParser::new()
        .parse_ta_and_spec(text)
        .map_err(|e| format!("{e:#}"))?;
    match run(gta, spec, backend, &Stop::new())? {
        ModelCheckerResult::SAFE => Ok(true),
        ModelCheckerResult::UNSAFE(_) => Ok(false),
        ModelCheckerResult::UNKNOWN(p) => Err(p.join(", ")),
    }
}

/// Checks a `.ta` text written by distgen (a consensus automaton,
/// [`dsl_core::ta::consensus`]): safe, unsafe with the counterexample's
/// (N, F) (`violated` left empty: the text has one specification), or unknown.
pub fn check_consensus(text: &str, backend: Backend, stop: &Stop) -> Answer {
    if solver::find().is_err() {
        return Answer::Unknown("z3 not found".into());
    }
    let (gta, spec) = match ByMCParser::new().parse_ta_and_spec(text) {
        Ok(parsed) => parsed,
        Err(e) => return Answer::Unknown(format!("TACO cannot parse the automaton: {e:#}")),
    };
    let outcome = catch_unwind(AssertUnwindSafe(|| run(gta, spec, backend, stop)));
    match outcome {
        Ok(Ok(ModelCheckerResult::SAFE)) => Answer::Safe,
        Ok(Ok(ModelCheckerResult::UNKNOWN(props))) => Answer::Unknown(format!(
            "TACO ({}) could not decide {}",
            backend.name(),
            props.join(", ")
        )),
        Ok(Ok(ModelCheckerResult::UNSAFE(violations))) => {
            let Some((_, path)) = violations.first() else {
                return Answer::Unknown("TACO said unsafe without a counterexample".into());
            };
            let param = |name: &str| path.get_parameter_value(&Parameter::new(name));
            match (param("N"), param("F")) {
                (Some(n), Some(f)) => Answer::Unsafe {
                    violated: Vec::new(),
                    n: n as usize,
                    f: f as usize,
                },
                _ => Answer::Unknown("TACO's counterexample has no value for N or F".into()),
            }
        }
        Ok(Err(e)) => Answer::Unknown(format!("TACO ({}) failed: {e}", backend.name())),
        Err(_) => Answer::Unknown(format!("TACO ({}) panicked", backend.name())),
    }
}

/// Checks every specification of `ta` with `backend`; triggering `stop`
/// kills its solvers (see [`crate::solver`]).
pub fn check(ta: &ThresholdAutomaton, backend: Backend, stop: &Stop) -> Answer {
    if solver::find().is_err() {
        // The command line says once how to get it.
        return Answer::Unknown("z3 not found".into());
    }
    let text = bymc::print(ta);
    let (gta, spec) = match ByMCParser::new().parse_ta_and_spec(&text) {
        Ok(parsed) => parsed,
        Err(e) => return Answer::Unknown(format!("TACO cannot parse the automaton: {e:#}")),
    };
    let outcome = catch_unwind(AssertUnwindSafe(|| run(gta, spec, backend, stop)));
    let result = match outcome {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => return Answer::Unknown(format!("TACO ({}) failed: {e}", backend.name())),
        Err(_) if stop.is_triggered() => return Answer::Unknown("stopped".into()),
        Err(panic) => {
            let msg = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "no message".into());
            return Answer::Unknown(format!("TACO ({}) panicked: {msg}", backend.name()));
        }
    };
    match result {
        ModelCheckerResult::SAFE => Answer::Safe,
        ModelCheckerResult::UNKNOWN(props) => Answer::Unknown(format!(
            "TACO ({}) could not decide {}",
            backend.name(),
            props.join(", ")
        )),
        ModelCheckerResult::UNSAFE(violations) => {
            let violated: Vec<Property> = ta
                .specs
                .iter()
                .copied()
                .filter(|p| violations.iter().any(|(name, _)| name == p.ident()))
                .collect();
            let Some((_, path)) = violations.first() else {
                return Answer::Unknown("TACO said unsafe without a counterexample".into());
            };
            let param = |name: &str| path.get_parameter_value(&Parameter::new(name));
            match (param("N"), param("F")) {
                (Some(n), Some(f)) => Answer::Unsafe {
                    violated,
                    n: n as usize,
                    f: f as usize,
                },
                _ => Answer::Unknown("TACO's counterexample has no value for N or F".into()),
            }
        }
    }
}

type Spec = taco_model_checker::eltl::ELTLSpecification;

fn run(
    gta: GeneralThresholdAutomaton,
    spec: Spec,
    backend: Backend,
    stop: &Stop,
) -> Result<ModelCheckerResult, String> {
    let (command, args) = solver::command(stop).map_err(|e| e.to_string())?;
    let smt = SMTSolverBuilderCfg::new(command, args, Vec::new(), true);
    let spec = spec.into_iter();
    match backend {
        Backend::Smt => verify(SMTModelChecker::new(
            Some(smt),
            SMTModelCheckerOptions::default(),
            preprocessors(),
            gta,
            spec,
        )),
        Backend::Acs => verify(ACSModelChecker::new(
            Some(smt),
            None,
            preprocessors(),
            gta,
            spec,
        )),
        Backend::Zcs => verify(ZCSModelChecker::new(
            Some((Some(smt), Some(BDDManagerConfig::new_oxidd()))),
            None,
            preprocessors(),
            gta,
            spec,
        )),
    }
}

/// Runs a checker that could be set up, stopping at the first violation:
/// its (N, F) is all the replay needs.
fn verify<M: ModelChecker>(
    checker: Result<M, impl std::fmt::Display>,
) -> Result<ModelCheckerResult, String> {
    let abort = true;
    checker
        .map_err(|e| e.to_string())?
        .verify(abort)
        .map_err(|e| e.to_string())
}

//! dsl-core: everything distgen knows about a protocol, in one ordinary crate.
//!
//! - [`ir`]: the protocol IR, span-free, `Clone + Eq + Hash + serde`.
//! - [`syntax`]: the grammar (`syn::parse::Parse`), lowering to the IR and
//!   validation with spans; the `protocol!` macro, the CLI and the learner
//!   all parse with it.
//! - [`print`](mod@print): IR -> DSL source.
//! - [`problem`]: the problem seam (broadcast, consensus): how an instance
//!   starts, its scenarios, its properties, each with one identity.
//! - [`source`]: `protocol!` invocations read out of a `.rs` file at run time.
//! - [`semantics`]: the one step function that the checker, the metrics and
//!   the actors share.
//! - [`chart`]: message-sequence charts of executions (SVG); [`explorer`]: the
//!   plain model dressed for stateright's web explorer.
//! - [`Protocol`]: what `protocol!` implements, with typed helpers to check,
//!   model, run and draw a protocol.
//!
//! ```
//! let ir = dsl_core::syntax::parse_str(r#"
//!     /// Best-effort broadcast.
//!     pub BestEffort {
//!         faults: none;
//!         messages: Msg;
//!         on broadcast(m) { send Msg(m) to all; }
//!         when received Msg(m) >= 1 { deliver(m); }
//!     }
//! "#).unwrap();
//! assert_eq!(ir.name, "BestEffort");
//! assert_eq!(dsl_core::syntax::parse_str(&dsl_core::print::body(&ir, "")).unwrap(), ir);
//! ```
#![deny(missing_docs)]

pub mod actors;
pub mod chart;
pub mod checker;
pub mod consensus;
pub mod explorer;
pub mod ir;
pub mod metrics;
pub mod print;
pub mod problem;
pub mod promela;
pub mod random;
pub mod semantics;
pub mod source;
pub mod syntax;
pub mod ta;

pub use ir::ProtocolIr;

/// A protocol defined with `protocol!`: the macro expands to a unit struct
/// implementing this trait, so every protocol has the typed helpers below
/// (`Bracha::check()`, `Bracha::check_at(7, 2)`, `Bracha::model(config)`,
/// `Bracha::run(&run_config)`, ...). Only [`Protocol::NAME`] and
/// [`Protocol::ir`] are required; the helpers are provided.
///
/// The examples define `Bracha` by hand (the `protocol!` macro lives in the
/// `distgen` crate); with `distgen`, `protocol! { pub Bracha { ... } }` does it.
pub trait Protocol {
    /// The protocol's name.
    const NAME: &'static str;
    /// The protocol's IR.
    fn ir() -> ProtocolIr;

    /// Checks the protocol under the fault model it claims, at the default
    /// configurations ([`checker::default_configs`]), every scenario, with
    /// the default limits; one result per configuration.
    ///
    /// ```
    /// # use dsl_core::{Protocol, ProtocolIr};
    /// # struct Bracha;
    /// # impl Protocol for Bracha {
    /// #     const NAME: &'static str = "Bracha";
    /// #     fn ir() -> ProtocolIr {
    /// #         dsl_core::source::protocols_in_source(include_str!("../../examples/bracha.rs")).unwrap()[0].clone()
    /// #     }
    /// # }
    /// let results = Bracha::check();
    /// assert_eq!(results.len(), 6); // (N, F) = (4, 1), (5, 1), (7, 2), two scenarios each
    /// assert!(results.iter().all(|r| r.verdict.is_verified()));
    /// ```
    fn check() -> Vec<checker::CheckResult> {
        let ir = Self::ir();
        let configs = checker::default_configs(&ir.requires, ir.faults);
        checker::check_all(&ir, &configs, checker::Limits::default(), false)
    }

    /// Checks the protocol at (N, F), every scenario of the fault model it
    /// claims (under Byzantine faults with F = 0, only the correct
    /// broadcaster), even where its `requires` does not allow (N, F).
    ///
    /// ```
    /// # use dsl_core::{Protocol, ProtocolIr};
    /// # struct PaperFig3;
    /// # impl Protocol for PaperFig3 {
    /// #     const NAME: &'static str = "PaperFig3";
    /// #     fn ir() -> ProtocolIr {
    /// #         dsl_core::source::protocols_in_source(include_str!("../../examples/paper_fig3.rs")).unwrap()[0].clone()
    /// #     }
    /// # }
    /// use dsl_core::checker::Verdict;
    /// let results = PaperFig3::check_at(4, 1);
    /// assert!(results.iter().any(|r| matches!(r.verdict, Verdict::Violated(_))));
    /// ```
    fn check_at(n: usize, f: usize) -> Vec<checker::CheckResult> {
        let ir = Self::ir();
        let configs = checker::Config::all(ir.problem, ir.faults, n, f);
        checker::check_all(&ir, &configs, checker::Limits::default(), false)
    }

    /// The plain model of the protocol in `config` (docs/DESIGN.md's semantics,
    /// no reduction), a stateright [`Model`](stateright::Model) with the
    /// reliable-broadcast properties: run it with any checker options
    /// (DFS, BFS, a thread count, a target depth, the web explorer).
    ///
    /// ```
    /// # use dsl_core::{Protocol, ProtocolIr};
    /// # struct Bracha;
    /// # impl Protocol for Bracha {
    /// #     const NAME: &'static str = "Bracha";
    /// #     fn ir() -> ProtocolIr {
    /// #         dsl_core::source::protocols_in_source(include_str!("../../examples/bracha.rs")).unwrap()[0].clone()
    /// #     }
    /// # }
    /// use dsl_core::checker::{Config, Scenario};
    /// use dsl_core::ir::FaultModel;
    /// use stateright::{Checker, Model};
    /// let config = Config { faults: FaultModel::None, n: 3, f: 0, scenario: Scenario::FailureFree };
    /// let checker = Bracha::model(config).unwrap().checker().threads(2).spawn_dfs().join();
    /// checker.assert_properties();
    /// assert!(checker.is_done());
    /// ```
    fn model(
        config: checker::Config,
    ) -> Result<checker::plain::PlainModel, semantics::InstanceError> {
        checker::plain::PlainModel::new(&Self::ir(), &config)
    }

    /// The same model dressed for stateright's web explorer: states as
    /// tables, actions as trace lines, the path as a chart
    /// ([`explorer::Explorer`]). `Bracha::explorer(config)?.checker().serve("127.0.0.1:3000")`.
    fn explorer(config: checker::Config) -> Result<explorer::Explorer, semantics::InstanceError> {
        explorer::Explorer::new(&Self::ir(), config)
    }

    /// Runs the protocol as UDP actors on 127.0.0.1 ([`actors::run()`]) and
    /// reports what every process delivered.
    ///
    /// ```
    /// # use dsl_core::{Protocol, ProtocolIr};
    /// # struct Bracha;
    /// # impl Protocol for Bracha {
    /// #     const NAME: &'static str = "Bracha";
    /// #     fn ir() -> ProtocolIr {
    /// #         dsl_core::source::protocols_in_source(include_str!("../../examples/bracha.rs")).unwrap()[0].clone()
    /// #     }
    /// # }
    /// use dsl_core::actors::RunConfig;
    /// let mut config = RunConfig::new(4, 1);
    /// config.byzantine = vec![3];
    /// let report = Bracha::run(&config).unwrap();
    /// assert!(report.holds());
    /// ```
    fn run(config: &actors::RunConfig) -> Result<actors::RunReport, actors::RunError> {
        actors::run(&Self::ir(), config)
    }

    /// The message-sequence chart (SVG) of a result's counterexample, or
    /// `None` if the result is not a violation.
    ///
    /// ```
    /// # use dsl_core::{Protocol, ProtocolIr};
    /// # struct PaperFig3;
    /// # impl Protocol for PaperFig3 {
    /// #     const NAME: &'static str = "PaperFig3";
    /// #     fn ir() -> ProtocolIr {
    /// #         dsl_core::source::protocols_in_source(include_str!("../../examples/paper_fig3.rs")).unwrap()[0].clone()
    /// #     }
    /// # }
    /// let svg = PaperFig3::check_at(4, 1)
    ///     .iter()
    ///     .find_map(|r| PaperFig3::chart(r).transpose())
    ///     .unwrap()
    ///     .unwrap();
    /// assert!(svg.contains("PaperFig3 violates"));
    /// ```
    fn chart(result: &checker::CheckResult) -> Result<Option<String>, chart::ChartError> {
        match &result.verdict {
            checker::Verdict::Violated(v) => Ok(Some(
                chart::violation(&Self::ir(), &result.config, v)?.to_svg(),
            )),
            _ => Ok(None),
        }
    }

    /// The message-sequence chart (SVG) of the failure-free run at (N, F)
    /// ([`chart::failure_free`]).
    fn failure_free_chart(n: usize, f: usize) -> Result<String, chart::ChartError> {
        chart::failure_free(&Self::ir(), n, f)
    }
}

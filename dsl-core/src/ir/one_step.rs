//! Hand-built one-step consensus protocols (cf1s, c1cs, Bosco as the
//! papers write them): the one constructor that the tests, the random
//! protocols and the examples' twins share.

use super::{
    Arm, Cond, Consensus, Count, Dest, Effect, FaultModel, Handler, Problem, ProtocolIr, Threshold,
    Upon, VOTE,
};

impl Arm {
    /// `when Vote(v) > t { effects }` (`>=` unless `threshold.strict`): an
    /// arm of a one-step protocol ([`ProtocolIr::one_step`]).
    pub fn vote(threshold: Threshold, effects: Vec<Effect>) -> Arm {
        Arm {
            value: "v".into(),
            counts: vec![Count {
                msg: VOTE,
                threshold,
            }],
            effects,
        }
    }
}

impl Upon {
    /// `upon received Vote >= threshold { arms otherwise { otherwise } }`,
    /// the block of a one-step protocol ([`ProtocolIr::one_step`]).
    pub fn votes(threshold: Threshold, arms: Vec<Arm>, otherwise: Option<Vec<Effect>>) -> Upon {
        Upon {
            msg: VOTE,
            threshold,
            arms,
            otherwise,
        }
    }
}

impl ProtocolIr {
    /// A one-step consensus protocol as the papers write it (cf1s, c1cs,
    /// Bosco; docs/DESIGN.md section 4), built by hand: one message type
    /// `Vote`, `on propose(v) { send Vote(v) to all; }`, the block `upon`
    /// ([`Upon::votes`]) and the `one_step:` claim (empty: none). The one
    /// constructor of the tests, the random protocols and the examples'
    /// hand-built twins.
    pub fn one_step(
        name: &str,
        faults: FaultModel,
        requires: Vec<Cond>,
        upon: Upon,
        one_step: Vec<Cond>,
    ) -> ProtocolIr {
        ProtocolIr {
            name: name.into(),
            docs: vec![],
            public: true,
            faults,
            requires,
            messages: vec!["Vote".into()],
            broadcast: None,
            rules: vec![],
            problem: Problem::Consensus,
            consensus: Consensus {
                propose: Some(Handler {
                    value: "v".into(),
                    effects: vec![Effect::Send {
                        msg: VOTE,
                        to: Dest::All,
                    }],
                }),
                upon: vec![upon],
                one_step,
            },
        }
    }
}

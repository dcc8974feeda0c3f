//! The pruning rules by name and which are on (section `[heuristics]`
//! of the options).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// A pruning rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Heuristic {
    /// Effects are added to `on broadcast` first, then rules in increasing
    /// order of their guards, and each handler's effects in increasing order:
    /// every protocol is built by one action sequence only.
    CanonicalOrder,
    /// A message type is used only once all lower ones are sent somewhere
    /// (type names do not matter, so `T1` before `T0` is a renaming).
    TypesInOrder,
    /// No rule on a type that no handler sends (yet).
    UnsentTrigger,
    /// A handler sends each type once (a second send of the same type is a
    /// no-op: a process sends each message at most once).
    DuplicateSend,
    /// Only one handler delivers (a process delivers at most once).
    DeliverTwice,
    /// No threshold that equals an earlier one in every configuration checked.
    EquivalentThreshold,
    /// Under Byzantine faults, no threshold that F processes can meet alone in
    /// some configuration checked (the Byzantine ones could trigger the rule).
    ForgeableQuorum,
    /// `from broadcaster` only on a type that `on broadcast` sends.
    FromBroadcasterInitial,
    /// No `end` while a type is sent that no rule reads.
    UnreadType,
    /// Under Byzantine faults, no send to self: only the sender counts such
    /// a message, and every quorum the Byzantine processes cannot fake needs
    /// F+1 senders (a rule that must fire once has `not sent U` for that).
    SelfSend,
    /// Under Byzantine faults, no counting quorum on a type that no rule sends
    /// over the network: then only the broadcaster sends it, and F+1 senders
    /// need the Byzantine ones.
    LoneSenderQuorum,
}

impl Heuristic {
    /// Every heuristic, in the order they are tried.
    pub const ALL: [Heuristic; 11] = [
        Heuristic::CanonicalOrder,
        Heuristic::TypesInOrder,
        Heuristic::UnsentTrigger,
        Heuristic::DuplicateSend,
        Heuristic::DeliverTwice,
        Heuristic::EquivalentThreshold,
        Heuristic::ForgeableQuorum,
        Heuristic::FromBroadcasterInitial,
        Heuristic::UnreadType,
        Heuristic::SelfSend,
        Heuristic::LoneSenderQuorum,
    ];

    /// The name used in configuration files and reports: the one serde
    /// writes (`rename_all = "kebab-case"` above is the only place a name
    /// is spelt).
    pub fn name(self) -> &'static str {
        static NAMES: OnceLock<BTreeMap<Heuristic, String>> = OnceLock::new();
        let names = NAMES.get_or_init(|| {
            Heuristic::ALL
                .iter()
                .map(|&h| match serde_json::to_value(h) {
                    Ok(serde_json::Value::String(name)) => (h, name),
                    other => unreachable!("a unit variant serializes as a string, not {other:?}"),
                })
                .collect()
        });
        &names[&self]
    }
}

/// Which heuristics are on (all by default).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Heuristics(pub BTreeMap<Heuristic, bool>);

impl Default for Heuristics {
    fn default() -> Self {
        Heuristics(Heuristic::ALL.iter().map(|&h| (h, true)).collect())
    }
}

impl Heuristics {
    /// Whether `h` is on (a heuristic missing from the map is on).
    pub fn on(&self, h: Heuristic) -> bool {
        self.0.get(&h).copied().unwrap_or(true)
    }
}

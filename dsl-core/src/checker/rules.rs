//! What the reductions of both compact models know of a protocol's rules:
//! which types a rule reads, what blocks it for good, what it still has to do
//! (the dead-variable reduction), and the largest threshold per type (past
//! it, counting more senders changes nothing).

use super::layout::{pair, VALUES};
use crate::ir::Effect;
use crate::semantics::{CompiledGuard, Machine, Value};

/// What the dead-variable reduction needs to know of a rule.
#[derive(Clone, Debug)]
pub struct RuleInfo {
    /// Types its `received` guards read.
    pub reads: u16,
    /// Types of its `not sent` guards: once one is sent, it never fires again.
    pub blocked_by: u16,
    /// Types it sends, as a bitmask.
    pub sends: u16,
    /// Whether it delivers.
    pub delivers: bool,
}

/// The rules of a machine, as the reductions read them.
#[derive(Clone, Debug)]
pub struct Rules {
    /// Per rule, what it reads and does.
    pub infos: Vec<RuleInfo>,
    /// Number of message types.
    pub messages: usize,
    /// Per type, the largest number of distinct senders (the broadcaster
    /// included) that a `received T >= k` guard of any rule may need: k, or
    /// k + 1 `excluding broadcaster` (see [`CompiledGuard::saturation`]).
    pub needed: Vec<usize>,
    /// [`Rules::live_types`] tabulated by (sent flags, delivered, value)
    /// when there are at most `TABLE_PAIRS` (type, value) pairs.
    table: Vec<u16>,
}

/// Most (type, value) pairs for which [`Rules::live_types`] is tabulated.
const TABLE_PAIRS: usize = 10;

impl Rules {
    /// The rules of `machine`.
    pub fn of(machine: &Machine) -> Rules {
        let infos = machine
            .rules
            .iter()
            .map(|r| RuleInfo {
                reads: r.guards.iter().fold(0, |m, g| match *g {
                    CompiledGuard::FromBroadcaster(t)
                    | CompiledGuard::AtLeast(t, _)
                    | CompiledGuard::AtLeastExcluding(t, _) => m | 1 << t,
                    CompiledGuard::NotSent(_) => m,
                }),
                blocked_by: r.guards.iter().fold(0, |m, g| match *g {
                    CompiledGuard::NotSent(t) => m | 1 << t,
                    _ => m,
                }),
                sends: r.effects.iter().fold(0, |m, e| match *e {
                    Effect::Send { msg, .. } => m | 1 << msg,
                    Effect::Deliver | Effect::Decide | Effect::Handover(_) => m,
                }),
                delivers: r.effects.contains(&Effect::Deliver),
            })
            .collect();
        let needed = (0..machine.messages)
            .map(|t| machine.saturation(t))
            .collect();
        let mut rules = Rules {
            infos,
            messages: machine.messages,
            needed,
            table: Vec::new(),
        };
        let pairs = machine.messages * VALUES;
        if pairs <= TABLE_PAIRS {
            rules.table = (0..1usize << (pairs + 2))
                .map(|i| rules.compute_live(((i >> 2) as u16, (i >> 1) & 1 != 0, (i & 1) as Value)))
                .collect();
        }
        rules
    }

    /// The message types that a rule able to change anything for `v` still
    /// reads, as a bitmask, given a process's sent flags and delivery word
    /// (0: nothing delivered).
    pub fn live_types(&self, sent: u16, delivered: u16, v: Value) -> u16 {
        let delivered = delivered != 0;
        match self
            .table
            .get((sent as usize) << 2 | usize::from(delivered) << 1 | v as usize)
        {
            Some(&live) => live,
            None => self.compute_live((sent, delivered, v)),
        }
    }

    fn compute_live(&self, (sent, delivered, v): (u16, bool, Value)) -> u16 {
        let mut sent_types = 0u16;
        let mut sent_v = 0u16;
        for t in 0..self.messages {
            if sent & (((1 << VALUES) - 1) << pair(t, 0)) != 0 {
                sent_types |= 1 << t;
            }
            if sent & (1 << pair(t, v)) != 0 {
                sent_v |= 1 << t;
            }
        }
        let mut live = 0;
        for rule in &self.infos {
            if rule.blocked_by & sent_types != 0 {
                continue;
            }
            if (rule.delivers && !delivered) || rule.sends & !sent_v != 0 {
                live |= rule.reads;
            }
        }
        live
    }
}

//! PROMELA export: a protocol at one (N, F) and scenario, as a model for Spin.
//!
//! The model follows [`crate::semantics`] and the scenarios of
//! [`crate::checker::Scenario`] step for step, so that Spin can referee
//! distgen's own checker:
//!
//! - one step of the semantics is one `d_step` (one transition, no
//!   intermediate state): the initial broadcast, a receipt, a Byzantine
//!   injection or a crash; the receiver then applies its rules, in order, until
//!   nothing changes, exactly as [`crate::semantics::Machine::receive`] does;
//! - values are {0, 1}; a correct broadcaster broadcasts 0 in the initial
//!   step; Byzantine processes make any correct process hear any (type, value)
//!   from them at any time; under crashes any F processes, the broadcaster
//!   included, may crash between steps;
//! - after every step the safety properties are asserted (no two correct
//!   processes delivered different values; no correct process delivered
//!   anything but a correct broadcaster's value) and, in quiescent states (no
//!   message between correct processes in flight), the liveness ones
//!   (validity; totality: all correct processes delivered or none did).
//!
//! A process's state is what its guards can read, and no more (an exact
//! abstraction, not a reduction of the interleavings): per (type, value) the
//! *number* of distinct senders heard (for types that a `>=` guard reads) and
//! whether p0 is one of them (for types that a `from broadcaster` guard
//! reads), the (type, value) pairs sent, and the value delivered. Messages in
//! flight to a process are counted per (type, value) as well, p0's apart when
//! `from broadcaster` reads the type; under crashes they are kept per sender,
//! because a crashed sender's messages no longer block quiescence. Left out,
//! because no guard or property reads them: messages to faulty processes, the
//! state of a crashed process, Byzantine injections of a type that no guard
//! counts, and the loss of a crashed process's messages (a lost message and
//! one never received leave the correct processes in the same states).
//!
//! ```
//! use dsl_core::checker::{Config, Scenario};
//! use dsl_core::ir::FaultModel;
//! let ir = dsl_core::syntax::parse_str(r#"
//!     pub BestEffort {
//!         faults: none;
//!         messages: Msg;
//!         on broadcast(m) { send Msg(m) to all; }
//!         when received Msg(m) >= 1 { deliver(m); }
//!     }
//! "#).unwrap();
//! let config = Config { faults: FaultModel::None, n: 3, f: 0, scenario: Scenario::FailureFree };
//! let pml = dsl_core::promela::model(&ir, config).unwrap();
//! assert!(pml.contains("/* rule 1: when received Msg(m) >= 1 */"));
//! ```

use crate::checker::{Config, Property, Scenario};
use crate::ir::{Effect, FaultModel, Guard, ProtocolIr, Quorum};
use crate::print;
use crate::semantics::{CompiledGuard, InstanceError, Machine};
use std::fmt::Write;

/// The largest N the export handles (bitsets are PROMELA `int`s).
pub const MAX_N: usize = 30;

/// Why a model cannot be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PromelaError {
    /// The scenario is not one of the fault model's.
    #[error("scenario `{scenario}` does not belong to fault model `{faults}`; use {expected}")]
    Scenario {
        /// The fault model asked for.
        faults: FaultModel,
        /// The scenario asked for.
        scenario: &'static str,
        /// The scenarios of `faults`, listed.
        expected: String,
    },
    /// N is out of range.
    #[error("N = {0} is out of range; the PROMELA export handles 2 <= N <= {MAX_N}")]
    Size(usize),
    /// `requires` (or F < N) rules out (N, F).
    #[error("{name} does not allow N = {n}, F = {f} (requires: {requires}); pick another --n/--f")]
    NotAllowed {
        /// Protocol name.
        name: String,
        /// N.
        n: usize,
        /// F.
        f: usize,
        /// The printed `requires`.
        requires: String,
    },
    /// A threshold is undefined at (N, F).
    #[error(transparent)]
    Instance(#[from] InstanceError),
}

/// The property an assertion of the model stands for, by the name of the
/// scratch variable it asserts (`pan` reports `assertion violated validity`).
pub fn property_of_assertion(name: &str) -> Option<Property> {
    match name {
        "agreement" | "totality" => Some(Property::Agreement),
        "integrity" => Some(Property::Integrity),
        "validity" => Some(Property::Validity),
        _ => None,
    }
}

/// Who is faulty in a scenario at (N, F).
struct Faulty {
    /// Number of processes.
    n: usize,
    /// Byzantine processes, fixed from the start.
    byzantine: Vec<usize>,
    /// Whether up to F processes may crash.
    crashes: bool,
    /// Whether process 0 is correct (and broadcasts 0).
    broadcaster_correct: bool,
}

impl Faulty {
    fn of(scenario: Scenario, n: usize, f: usize) -> Faulty {
        match scenario {
            Scenario::FailureFree => Faulty {
                n,
                byzantine: vec![],
                crashes: false,
                broadcaster_correct: true,
            },
            Scenario::Crashes => Faulty {
                n,
                byzantine: vec![],
                crashes: f > 0,
                broadcaster_correct: true,
            },
            Scenario::CorrectBroadcaster => Faulty {
                n,
                byzantine: (n - f..n).collect(),
                crashes: false,
                broadcaster_correct: true,
            },
            Scenario::ByzantineBroadcaster => Faulty {
                n,
                byzantine: if f == 0 {
                    vec![]
                } else {
                    std::iter::once(0).chain(n - f + 1..n).collect()
                },
                crashes: false,
                broadcaster_correct: f == 0,
            },
        }
    }

    /// Processes that run the protocol (they may still crash).
    fn running(&self, n: usize) -> Vec<usize> {
        (0..n).filter(|p| !self.byzantine.contains(p)).collect()
    }

    fn byzantine_mask(&self) -> u64 {
        self.byzantine.iter().map(|&p| 1u64 << p).sum()
    }
}

/// PROMELA keywords and the names the model itself defines: a message type
/// with one of these names gets a `msg_` prefix.
const RESERVED: &[&str] = &[
    "active",
    "assert",
    "atomic",
    "bit",
    "bool",
    "break",
    "byte",
    "chan",
    "d_step",
    "D_proctype",
    "do",
    "else",
    "empty",
    "enabled",
    "eval",
    "false",
    "fi",
    "for",
    "full",
    "get_priority",
    "goto",
    "hidden",
    "if",
    "in",
    "init",
    "inline",
    "int",
    "len",
    "local",
    "ltl",
    "mtype",
    "nempty",
    "never",
    "nfull",
    "notrace",
    "np_",
    "od",
    "of",
    "pc_value",
    "pid",
    "printf",
    "printm",
    "priority",
    "proctype",
    "provided",
    "run",
    "select",
    "set_priority",
    "short",
    "show",
    "skip",
    "timeout",
    "trace",
    "true",
    "typedef",
    "unless",
    "unsigned",
    "xr",
    "xs",
    "N",
    "F",
    "NT",
    "NONE",
    "BYZANTINE",
    "COUNTED_TYPES",
    "FROM0_TYPES",
    "TV",
    "HAS",
    "COUNTED",
    "FROM0",
    "SENT",
    "SENT_ANY",
    "CORRECT",
    "DLV",
    "AGREE",
    "HONEST_BROADCASTER",
    "AGREEMENT",
    "INTEGRITY",
    "NO_MAIL",
    "QUIESCENT",
    "VALIDITY",
    "TOTALITY",
    "CAN_CRASH",
    "CRASHES",
    "Process",
    "proc",
    "heard",
    "heard0",
    "lied",
    "mail",
    "mail0",
    "inbox",
    "sent",
    "dlv",
    "crashed",
    "changed",
    "q",
    "agreement",
    "integrity",
    "validity",
    "totality",
    "mark_sent",
    "add_sender",
    "to_others",
    "send_to_all",
    "send_to_others",
    "send_to_self",
    "deliver",
    "settle",
    "hear",
    "crash",
    "check",
    "end",
];

/// PROMELA names for the message types: the DSL's names where possible.
fn type_names(ir: &ProtocolIr) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for (i, name) in ir.messages.iter().enumerate() {
        let plain = name.strip_prefix("r#").unwrap_or(name);
        let mut chosen = if RESERVED.contains(&plain) || plain.starts_with('_') {
            format!("msg_{plain}")
        } else {
            plain.to_string()
        };
        if names.contains(&chosen) || (chosen != *name && ir.messages.contains(&chosen)) {
            chosen = format!("msg{i}_{plain}");
        }
        names.push(chosen);
    }
    names
}

/// Checks that `config` can be exported for `ir`.
fn instantiate(ir: &ProtocolIr, config: Config) -> Result<Machine, PromelaError> {
    let Config {
        faults,
        n,
        f,
        scenario,
    } = config;
    let scenarios = Scenario::of(faults);
    if !scenarios.contains(&scenario) {
        let expected: Vec<String> = scenarios
            .iter()
            .map(|s| format!("`{}`", s.name()))
            .collect();
        return Err(PromelaError::Scenario {
            faults,
            scenario: scenario.name(),
            expected: expected.join(" or "),
        });
    }
    if !(2..=MAX_N).contains(&n) {
        return Err(PromelaError::Size(n));
    }
    if f >= n || !ir.requires.iter().all(|c| c.holds(n as i64, f as i64)) {
        let requires: Vec<String> = ir.requires.iter().map(print::cond).collect();
        return Err(PromelaError::NotAllowed {
            name: ir.name.clone(),
            n,
            f,
            requires: if requires.is_empty() {
                "F < N".into()
            } else {
                requires.join(" and ")
            },
        });
    }
    Ok(Machine::new_unchecked(ir, n, f)?)
}

/// What the model keeps of each message type.
struct Layout {
    /// PROMELA names of the types.
    names: Vec<String>,
    /// The DSL names of the types, for traces.
    dsl_names: Vec<String>,
    /// Types a `>=` guard reads: their senders are counted.
    counted: Vec<bool>,
    /// Types a `from broadcaster` guard reads: p0 is told apart.
    from0: Vec<bool>,
    /// Types some handler sends.
    sent: Vec<bool>,
    /// Whether messages in flight are kept per sender (crashes).
    per_sender: bool,
}

impl Layout {
    fn of(ir: &ProtocolIr, machine: &Machine, faulty: &Faulty) -> Layout {
        let types = ir.messages.len();
        let (mut counted, mut from0, mut sent) =
            (vec![false; types], vec![false; types], vec![false; types]);
        for rule in &machine.rules {
            for g in &rule.guards {
                match *g {
                    CompiledGuard::FromBroadcaster(t) => from0[t] = true,
                    CompiledGuard::AtLeast(t, _) => counted[t] = true,
                    CompiledGuard::NotSent(_) => {}
                }
            }
        }
        for e in ir.effects() {
            if let Effect::Send { msg, .. } = *e {
                sent[msg] = true;
            }
        }
        Layout {
            names: type_names(ir),
            dsl_names: ir.messages.clone(),
            counted,
            from0,
            sent,
            per_sender: faulty.crashes,
        }
    }

    fn mask(flags: &[bool]) -> u64 {
        flags
            .iter()
            .enumerate()
            .filter(|(_, &b)| b)
            .map(|(t, _)| 1u64 << t)
            .sum()
    }
}

/// The smallest PROMELA integer type holding `bits` bits.
fn int_type(bits: usize) -> &'static str {
    if bits <= 8 {
        "byte"
    } else {
        "int"
    }
}

/// Writes the PROMELA model of `ir` in `config`.
pub fn model(ir: &ProtocolIr, config: Config) -> Result<String, PromelaError> {
    let machine = instantiate(ir, config)?;
    let Config { n, f, scenario, .. } = config;
    let faulty = Faulty::of(scenario, n, f);
    let layout = Layout::of(ir, &machine, &faulty);
    let mut out = String::new();
    header(&mut out, ir, config, &faulty);
    declarations(&mut out, config, &faulty, &layout);
    properties(&mut out, n, &faulty, &layout);
    actions(&mut out, &faulty, &layout);
    rules(&mut out, ir, &machine, &layout);
    events(&mut out, ir, n, &faulty, &layout);
    Ok(out)
}

fn header(out: &mut String, ir: &ProtocolIr, config: Config, faulty: &Faulty) {
    let Config {
        faults,
        n,
        f,
        scenario,
    } = config;
    let _ = writeln!(
        out,
        "/* {} at N = {n}, F = {f}, fault model {faults}, scenario {}.",
        ir.name,
        scenario.name()
    );
    let _ = writeln!(
        out,
        " * Written by `distgen promela` from this protocol:\n *"
    );
    for line in print::body(ir, "").lines() {
        // `*/` cannot occur in the DSL, so the source is safe inside a comment.
        let _ = writeln!(out, "{}", format!(" *     {line}").trim_end());
    }
    let who = match scenario {
        Scenario::FailureFree => "Nobody fails; p0 broadcasts 0.".to_string(),
        Scenario::Crashes => {
            format!("p0 broadcasts 0; any {f} process(es), p0 included, may crash between steps.")
        }
        Scenario::CorrectBroadcaster | Scenario::ByzantineBroadcaster => {
            let ids: Vec<String> = faulty.byzantine.iter().map(|p| format!("p{p}")).collect();
            let ids = if ids.is_empty() {
                "nobody".to_string()
            } else {
                ids.join(", ")
            };
            if faulty.broadcaster_correct {
                format!("p0 broadcasts 0; Byzantine: {ids}.")
            } else {
                format!("Byzantine: {ids} (p0 among them: nobody broadcasts).")
            }
        }
    };
    let _ = write!(
        out,
        r#" *
 * {who}
 * Values are 0 and 1. Each step of distgen's semantics is one d_step: a
 * receipt (or a Byzantine injection, or a crash), after which the receiver
 * applies its rules in order until nothing changes. A correct process sends
 * each (type, value) at most once and delivers at most once.
 *
 * Check it with:
 *   spin -a model.pml && gcc -O2 -DSAFETY -DNOREDUCE -o pan pan.c && ./pan -m100000
 * `assertion violated agreement|integrity|validity|totality` names the
 * property; `spin -t -p -g model.pml` replays the trail.
 */

"#
    );
}

fn declarations(out: &mut String, config: Config, faulty: &Faulty, layout: &Layout) {
    let Config { n, f, .. } = config;
    let types = layout.names.len();
    let _ = writeln!(out, "#define N {n}");
    let _ = writeln!(out, "#define F {f}");
    let _ = writeln!(out, "#define NT {types} /* message types */");
    let _ = writeln!(out, "#define NONE 2 /* dlv before delivery */\n");
    let _ = writeln!(out, "/* message types */");
    for (i, name) in layout.names.iter().enumerate() {
        let _ = writeln!(out, "#define {name} {i}");
    }
    let _ = writeln!(
        out,
        "\n/* Sets of processes or of (type, value) pairs are bitsets. */"
    );
    let _ = writeln!(
        out,
        "#define BYZANTINE {} /* the Byzantine processes */",
        faulty.byzantine_mask()
    );
    let _ = writeln!(
        out,
        "#define COUNTED_TYPES {} /* types a `>=` guard reads */",
        Layout::mask(&layout.counted)
    );
    let _ = writeln!(
        out,
        "#define FROM0_TYPES {} /* types a `from broadcaster` guard reads */\n",
        Layout::mask(&layout.from0)
    );
    let pairs = int_type(2 * types);
    let tv = 2 * types;
    let mail = if layout.per_sender {
        format!(
            "    {} inbox[{tv}]; /* inbox[TV(t, v)]: the senders whose t(v) to it is in flight */",
            int_type(n)
        )
    } else {
        format!(
            "    byte mail[{tv}];  /* mail[TV(t, v)]: how many t(v) to it are in flight (p0's apart if FROM0) */\n    {pairs} mail0;     /* bit TV(t, v): p0's t(v) to it is in flight (FROM0 types) */"
        )
    };
    let lied = if faulty.byzantine.is_empty() {
        String::new()
    } else {
        format!(
            "\n    {pairs} lied[{}];   /* lied[k], bit TV(t, v): heard t(v) from the k-th Byzantine process */",
            faulty.byzantine.len()
        )
    };
    let crashed = if faulty.crashes {
        format!("{} crashed; /* the crashed processes */", int_type(n))
    } else {
        "#define crashed 0 /* nobody crashes */".to_string()
    };
    let _ = write!(
        out,
        r#"typedef Process {{
    byte heard[{tv}]; /* heard[TV(t, v)]: how many distinct processes it heard t(v) from, itself included */
    {pairs} heard0;    /* bit TV(t, v): p0 is one of them (FROM0 types) */{lied}
{mail}
    {pairs} sent;      /* bit TV(t, v): it sent t(v) */
    byte dlv;       /* the value it delivered, or NONE */
}}
Process proc[N];
{crashed}

/* Scratch variables of a step, zero between steps (not `hidden`, which
 * Spin's breadth-first search refuses). */
byte changed;
byte q;
byte agreement, integrity, validity, totality;

#define TV(t, v)        (2 * (t) + (v))
#define HAS(set, i)     (((set) >> (i)) & 1)
#define COUNTED(t)      HAS(COUNTED_TYPES, t)
#define FROM0(t)        HAS(FROM0_TYPES, t)
#define SENT(p, t, v)   HAS(proc[p].sent, TV(t, v))
#define SENT_ANY(p, t)  (SENT(p, t, 0) || SENT(p, t, 1))
#define CORRECT(p)      (!HAS(BYZANTINE | crashed, p))

"#,
    );
}

fn properties(out: &mut String, n: usize, faulty: &Faulty, layout: &Layout) {
    let running = faulty.running(n);
    let and = |parts: Vec<String>| {
        if parts.is_empty() {
            "true".to_string()
        } else {
            parts.join(" && ")
        }
    };
    let mut pairs = Vec::new();
    for (i, &p) in running.iter().enumerate() {
        for &q in &running[i + 1..] {
            pairs.push(format!("AGREE({p}, {q})"));
        }
    }
    let each = |f: &dyn Fn(usize) -> String| and(running.iter().map(|&p| f(p)).collect());
    let tv = 2 * layout.names.len();
    let no_mail = if layout.per_sender {
        let inbox: Vec<String> = (0..tv).map(|i| format!("proc[p].inbox[{i}]")).collect();
        format!("(({}) & ~crashed) == 0", inbox.join(" | "))
    } else {
        let mail: Vec<String> = (0..tv).map(|i| format!("proc[p].mail[{i}]")).collect();
        format!("({} | proc[p].mail0) == 0", mail.join(" | "))
    };
    let broadcaster = if faulty.broadcaster_correct {
        "true"
    } else {
        "false"
    };
    let _ = write!(
        out,
        r#"/* The properties (DESIGN.md section 2), over the processes that can be correct. */
#define DLV(p)          (CORRECT(p) && proc[p].dlv != NONE)
#define AGREE(p, q)     (!DLV(p) || !DLV(q) || proc[p].dlv == proc[q].dlv)
/* p0 is not Byzantine: it broadcast 0 (it may crash later) */
#define HONEST_BROADCASTER {broadcaster}
/* safety: no two correct processes delivered different values */
#define AGREEMENT       ({agreement})
/* safety: with a correct broadcaster, correct processes deliver only its value 0 */
#define INTEGRITY       (!HONEST_BROADCASTER || ({right_value}))
/* no message between correct processes is in flight */
#define NO_MAIL(p)      (!CORRECT(p) || {no_mail})
#define QUIESCENT       ({quiet})
/* liveness, at quiescent states: with a correct broadcaster (not crashed), every correct process delivered 0 */
#define VALIDITY        (!(HONEST_BROADCASTER && CORRECT(0)) || ({all_right}))
/* liveness, at quiescent states: all correct processes delivered, or none did */
#define TOTALITY        (({none}) || ({all}))

/* Asserted after every step; then the scratch variables are cleared. */
inline check() {{
    agreement = AGREEMENT;
    assert(agreement);
    integrity = INTEGRITY;
    assert(integrity);
    if
    :: QUIESCENT ->
        validity = VALIDITY;
        assert(validity);
        totality = TOTALITY;
        assert(totality)
    :: else -> skip
    fi;
    changed = 0;
    q = 0;
    agreement = 0;
    integrity = 0;
    validity = 0;
    totality = 0
}}

"#,
        agreement = and(pairs),
        right_value = each(&|p| format!("(!DLV({p}) || proc[{p}].dlv == 0)")),
        quiet = each(&|p| format!("NO_MAIL({p})")),
        all_right = each(&|p| format!("(!CORRECT({p}) || proc[{p}].dlv == 0)")),
        none = each(&|p| format!("!DLV({p})")),
        all = each(&|p| format!("(!CORRECT({p}) || proc[{p}].dlv != NONE)")),
    );
}

fn actions(out: &mut String, faulty: &Faulty, layout: &Layout) {
    let to_one = if layout.per_sender {
        "proc[q].inbox[TV(t, v)] = proc[q].inbox[TV(t, v)] | (1 << p)".to_string()
    } else {
        r#"if
            :: p == 0 && FROM0(t) -> proc[q].mail0 = proc[q].mail0 | (1 << TV(t, v))
            :: else -> proc[q].mail[TV(t, v)]++
            fi"#
        .to_string()
    };
    let _ = write!(
        out,
        r#"/* What a process does: the effects of a rule, for one value v. */
inline mark_sent(p, t, v) {{
    proc[p].sent = proc[p].sent | (1 << TV(t, v))
}}

/* p hears t(v) from a sender s it had not heard it from */
inline add_sender(p, t, v, s) {{
    if
    :: COUNTED(t) -> proc[p].heard[TV(t, v)]++
    :: else -> skip
    fi;
    if
    :: FROM0(t) && s == 0 -> proc[p].heard0 = proc[p].heard0 | (1 << TV(t, v))
    :: else -> skip
    fi
}}

/* one network message to every other correct process */
inline to_others(p, t, v) {{
    q = 0;
    do
    :: q < N ->
        if
        :: q != p && CORRECT(q) ->
            {to_one}
        :: else -> skip
        fi;
        q++
    :: else -> break
    od
}}

/* `send t(v) to all`: the others, and the self-copy counted at once */
inline send_to_all(p, t, v) {{
    if
    :: !SENT(p, t, v) -> mark_sent(p, t, v); add_sender(p, t, v, p); to_others(p, t, v)
    :: else -> skip
    fi
}}

inline send_to_others(p, t, v) {{
    if
    :: !SENT(p, t, v) -> mark_sent(p, t, v); to_others(p, t, v)
    :: else -> skip
    fi
}}

inline send_to_self(p, t, v) {{
    if
    :: !SENT(p, t, v) -> mark_sent(p, t, v); add_sender(p, t, v, p)
    :: else -> skip
    fi
}}

/* a process delivers at most once, whatever the value */
inline deliver(p, v) {{
    if
    :: proc[p].dlv == NONE -> proc[p].dlv = v; printf("p%d delivers %d\n", p, v)
    :: else -> skip
    fi
}}
{crash}
"#,
        crash = if faulty.crashes {
            r#"
/* p stops for good: it gets no more messages and its state is never read
 * again; its messages in flight may still arrive, or never */
#define CAN_CRASH(p)    (!HAS(crashed, p) && CRASHES < F)
inline crash(p) {
    crashed = crashed | (1 << p);
    proc[p].heard0 = 0;
    proc[p].sent = 0;
    proc[p].dlv = NONE;
    q = 0;
    do
    :: q < 2 * NT -> proc[p].heard[q] = 0; proc[p].inbox[q] = 0; q++
    :: else -> break
    od
}
"#
        } else {
            ""
        },
    );
    if faulty.crashes {
        // The `CRASHES` count, unrolled over N.
        let _ = n_bits(out, faulty);
    }
}

/// `#define CRASHES`: how many processes crashed.
fn n_bits(out: &mut String, faulty: &Faulty) -> std::fmt::Result {
    let bits: Vec<String> = (0..faulty.n)
        .map(|p| format!("HAS(crashed, {p})"))
        .collect();
    writeln!(out, "#define CRASHES         ({})\n", bits.join(" + "))
}

fn rules(out: &mut String, ir: &ProtocolIr, machine: &Machine, layout: &Layout) {
    let names = &layout.names;
    let _ = writeln!(
        out,
        "/* The rules. A rule fires for v when its guards hold and one of its effects\n * is still to do; it then carries out all its effects. */"
    );
    let effect_line = |e: &Effect| match *e {
        Effect::Send { msg, to } => format!("send_to_{}(p, {}, v)", to.keyword(), names[msg]),
        Effect::Deliver => "deliver(p, v)".to_string(),
    };
    let pending = |effects: &[Effect]| -> String {
        let parts: Vec<String> = effects
            .iter()
            .map(|e| match *e {
                Effect::Send { msg, .. } => format!("!SENT(p, {}, v)", names[msg]),
                Effect::Deliver => "proc[p].dlv == NONE".to_string(),
            })
            .collect();
        parts.join(" || ")
    };
    for (i, (rule, compiled)) in ir.rules.iter().zip(&machine.rules).enumerate() {
        let _ = writeln!(
            out,
            "\n/* rule {}: {} */",
            i + 1,
            print::rule_head(ir, rule)
        );
        for e in &rule.effects {
            let _ = writeln!(out, "/*     {} */", print::effect(ir, &rule.value, e));
        }
        if rule.effects.is_empty() {
            let _ = writeln!(
                out,
                "inline rule_{}(p, v) {{\n    skip /* no effect: never fires */\n}}",
                i + 1
            );
            continue;
        }
        let guards: Vec<String> = rule
            .guards
            .iter()
            .zip(&compiled.guards)
            .map(|(g, c)| match *c {
                CompiledGuard::FromBroadcaster(t) => {
                    format!("HAS(proc[p].heard0, TV({}, v))", names[t])
                }
                CompiledGuard::AtLeast(t, k) => {
                    let written = match g {
                        Guard::Received {
                            quorum: Quorum::AtLeast(e),
                            ..
                        } => print::expr(e),
                        _ => k.to_string(),
                    };
                    format!(
                        "(proc[p].heard[TV({}, v)] >= {k}) /* {written} */",
                        names[t]
                    )
                }
                CompiledGuard::NotSent(t) => format!("(!SENT_ANY(p, {}))", names[t]),
            })
            .collect();
        let effects: Vec<String> = rule.effects.iter().map(effect_line).collect();
        // Spin's grammar wants the whole guard in parentheses.
        let _ = write!(
            out,
            r#"inline rule_{i}(p, v) {{
    if
    :: ({guards}
        && ({pending})) ->
        {effects};
        changed = true
    :: else -> skip
    fi
}}
"#,
            i = i + 1,
            guards = guards.join("\n        && "),
            pending = pending(&rule.effects),
            effects = effects.join(";\n        "),
        );
    }
    let calls: Vec<String> = (1..=ir.rules.len())
        .map(|i| format!("        rule_{i}(p, v)"))
        .collect();
    let body = if calls.is_empty() {
        "    skip /* no rules */".to_string()
    } else {
        format!(
            "    changed = true;\n    do\n    :: changed ->\n        changed = false;\n{}\n    :: else -> break\n    od",
            calls.join(";\n")
        )
    };
    let _ = write!(
        out,
        r#"
/* after an event on value v, apply the rules for v until nothing changes */
inline settle(p, v) {{
{body}
}}

/* p hears t(v) from s, a sender it had not heard it from, and settles */
inline hear(p, t, v, s) {{
    add_sender(p, t, v, s);
    settle(p, v)
}}

"#
    );
}

fn events(out: &mut String, ir: &ProtocolIr, n: usize, faulty: &Faulty, layout: &Layout) {
    let running = faulty.running(n);
    let names = &layout.names;
    let broadcast = match (&ir.broadcast, faulty.broadcaster_correct) {
        (Some(b), true) => {
            let mut lines = vec![
                "        printf(\"p0 broadcasts 0\\n\");".to_string(),
                format!("        /* on broadcast({}) */", b.value),
            ];
            for e in &b.effects {
                let line = match *e {
                    Effect::Send { msg, to } => {
                        format!("send_to_{}(0, {}, 0)", to.keyword(), names[msg])
                    }
                    Effect::Deliver => "deliver(0, 0)".to_string(),
                };
                lines.push(format!("        {line};"));
            }
            lines.push("        settle(0, 0);".to_string());
            lines.join("\n")
        }
        (None, true) => "        printf(\"p0 broadcasts 0\\n\");\n        settle(0, 0);".into(),
        (_, false) => "        /* the broadcaster is Byzantine: nobody broadcasts */".into(),
    };
    let init_dlv: Vec<String> = (0..n)
        .map(|p| format!("        proc[{p}].dlv = NONE;"))
        .collect();
    let _ = write!(
        out,
        r#"/* The system is one process: the initial step, then any enabled step, one
 * d_step each, until none is enabled. */
init {{
    d_step {{
{init}
{broadcast}
        check()
    }};
"#,
        init = init_dlv.join("\n"),
    );
    let loop_start = out.len();
    out.push_str("end:\n    do\n");
    let step = |out: &mut String, guard: String, line: String, body: String| {
        let _ = writeln!(
            out,
            "    :: d_step {{ {guard} -> printf(\"{line}\\n\"); {body}; check() }}"
        );
    };
    let sent_types: Vec<usize> = (0..names.len()).filter(|&t| layout.sent[t]).collect();
    for &p in &running {
        let _ = writeln!(out, "    /* p{p} receives */");
        if layout.per_sender {
            for &s in running.iter().filter(|&&s| s != p) {
                for &t in &sent_types {
                    for v in 0..2 {
                        let (name, dsl) = (&names[t], &layout.dsl_names[t]);
                        step(
                            out,
                            format!("HAS(proc[{p}].inbox[TV({name}, {v})], {s})"),
                            format!("p{s} -> p{p}: {dsl}({v})"),
                            format!(
                                "proc[{p}].inbox[TV({name}, {v})] = proc[{p}].inbox[TV({name}, {v})] ^ (1 << {s}); hear({p}, {name}, {v}, {s})"
                            ),
                        );
                    }
                }
            }
        } else {
            for &t in &sent_types {
                for v in 0..2 {
                    let (name, dsl) = (&names[t], &layout.dsl_names[t]);
                    if layout.from0[t] && p != 0 && faulty.broadcaster_correct {
                        step(
                            out,
                            format!("HAS(proc[{p}].mail0, TV({name}, {v}))"),
                            format!("p0 -> p{p}: {dsl}({v})"),
                            format!(
                                "proc[{p}].mail0 = proc[{p}].mail0 ^ (1 << TV({name}, {v})); hear({p}, {name}, {v}, 0)"
                            ),
                        );
                    }
                    step(
                        out,
                        format!("proc[{p}].mail[TV({name}, {v})] > 0"),
                        format!("a correct process -> p{p}: {dsl}({v})"),
                        format!("proc[{p}].mail[TV({name}, {v})]--; hear({p}, {name}, {v}, N)"),
                    );
                }
            }
        }
        for (k, &b) in faulty.byzantine.iter().enumerate() {
            for (t, name) in names.iter().enumerate() {
                // An injection that no guard can read changes nothing.
                if !(layout.counted[t] || (b == 0 && layout.from0[t])) {
                    continue;
                }
                for v in 0..2 {
                    let dsl = &layout.dsl_names[t];
                    step(
                        out,
                        format!("!HAS(proc[{p}].lied[{k}], TV({name}, {v}))"),
                        format!("p{b} (Byzantine) -> p{p}: {dsl}({v})"),
                        format!(
                            "proc[{p}].lied[{k}] = proc[{p}].lied[{k}] | (1 << TV({name}, {v})); hear({p}, {name}, {v}, {b})"
                        ),
                    );
                }
            }
        }
    }
    if faulty.crashes {
        let _ = writeln!(out, "    /* crashes */");
        for p in 0..n {
            step(
                out,
                format!("CAN_CRASH({p})"),
                format!("p{p} crashes"),
                format!("crash({p})"),
            );
        }
    }
    if out[loop_start..].contains(":: d_step") {
        let _ = writeln!(out, "    od\n}}");
    } else {
        // Nobody ever sends, injects or crashes: the initial step is all.
        out.truncate(loop_start);
        let _ = writeln!(out, "    /* no other step is ever enabled */\n}}");
    }
}

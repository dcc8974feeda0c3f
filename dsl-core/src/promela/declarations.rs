//! The opening of the model: the header comment, the constants, the state.

use super::{byzantine, TypeUse};
use crate::checker::faults::Faulty;
use crate::checker::{Config, Scenario};
use crate::ir::ProtocolIr;
use crate::print;
use std::fmt::Write;

/// The comment that opens the model: the protocol, the scenario, how to run Spin.
pub(super) fn header(out: &mut String, ir: &ProtocolIr, config: Config, faulty: &Faulty) {
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
        Scenario::CorrectBroadcaster | Scenario::ByzantineBroadcaster | Scenario::Byzantine => {
            let ids: Vec<String> = byzantine(faulty).iter().map(|p| format!("p{p}")).collect();
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

/// The constants (N, F, the types, the fixed sets of processes and types),
/// then the state.
pub(super) fn declarations(out: &mut String, config: Config, faulty: &Faulty, types: &TypeUse) {
    let Config { n, f, .. } = config;
    let nt = types.names.len();
    let _ = writeln!(out, "#define N {n}");
    let _ = writeln!(out, "#define F {f}");
    let _ = writeln!(out, "#define NT {nt} /* message types */");
    let _ = writeln!(out, "#define NONE 2 /* dlv before delivery */\n");
    let _ = writeln!(out, "/* message types */");
    for (i, name) in types.names.iter().enumerate() {
        let _ = writeln!(out, "#define {name} {i}");
    }
    let _ = writeln!(
        out,
        "\n/* Sets of processes or of (type, value) pairs are bitsets. */"
    );
    let _ = writeln!(
        out,
        "#define BYZANTINE {} /* the Byzantine processes */",
        faulty.byzantine
    );
    let _ = writeln!(
        out,
        "#define COUNTED_TYPES {} /* types a `>=` guard reads */",
        TypeUse::mask(&types.counted)
    );
    let _ = writeln!(
        out,
        "#define FROM0_TYPES {} /* types a `from broadcaster` guard reads */\n",
        TypeUse::mask(&types.from0)
    );
    state(out, n, faulty, types);
}

/// The state: a `Process` per process, the crashed set, the scratch
/// variables of a step, and the macros that read them.
fn state(out: &mut String, n: usize, faulty: &Faulty, types: &TypeUse) {
    let nt = types.names.len();
    let pairs = int_type(2 * nt);
    let tv = types.pairs();
    let mail = if types.per_sender {
        format!(
            "    {} inbox[{tv}]; /* inbox[TV(t, v)]: the senders whose t(v) to it is in flight */",
            int_type(n)
        )
    } else {
        format!(
            "    byte mail[{tv}];  /* mail[TV(t, v)]: how many t(v) to it are in flight (p0's apart if FROM0) */\n    {pairs} mail0;     /* bit TV(t, v): p0's t(v) to it is in flight (FROM0 types) */"
        )
    };
    let lied = if faulty.byzantine == 0 {
        String::new()
    } else {
        format!(
            "\n    {pairs} lied[{}];   /* lied[k], bit TV(t, v): heard t(v) from the k-th Byzantine process */",
            faulty.byzantine.count_ones()
        )
    };
    let crashed = if faulty.crashes > 0 {
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

/// The smallest PROMELA integer type holding `bits` bits.
fn int_type(bits: usize) -> &'static str {
    if bits <= 8 {
        "byte"
    } else {
        "int"
    }
}

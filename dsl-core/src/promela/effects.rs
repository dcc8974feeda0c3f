//! What a process does: the effects of a rule (send, deliver) and a crash,
//! as PROMELA `inline`s.

use super::TypeUse;
use crate::checker::faults::Faulty;
use std::fmt::Write;

/// What a process does, as `inline`s: the effects of a rule for one value,
/// and a crash.
pub(super) fn effects(out: &mut String, faulty: &Faulty, types: &TypeUse) {
    let to_one = if types.per_sender {
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

"#
    );
    deliver_and_crash(out, faulty);
}

/// `deliver`, then, under crashes, `crash` and the `CRASHES` count.
fn deliver_and_crash(out: &mut String, faulty: &Faulty) {
    out.push_str(
        r#"/* a process delivers at most once, whatever the value */
inline deliver(p, v) {
    if
    :: proc[p].dlv == NONE -> proc[p].dlv = v; printf("p%d delivers %d\n", p, v)
    :: else -> skip
    fi
}
"#,
    );
    if faulty.crashes == 0 {
        out.push('\n');
        return;
    }
    out.push_str(
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

"#,
    );
    crash_count(out, faulty);
}

/// `#define CRASHES`: how many processes crashed, unrolled over N.
fn crash_count(out: &mut String, faulty: &Faulty) {
    let bits: Vec<String> = (0..faulty.n)
        .map(|p| format!("HAS(crashed, {p})"))
        .collect();
    let _ = writeln!(out, "#define CRASHES         ({})\n", bits.join(" + "));
}

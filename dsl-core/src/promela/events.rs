//! The steps of the model, each one `d_step`: the initial broadcast, then,
//! in a loop, receipts, Byzantine injections and crashes, by kind.

use super::{byzantine, running, TypeUse};
use crate::checker::faults::Faulty;
use crate::ir::{Effect, ProtocolIr};
use crate::semantics::ProcId;
use std::fmt::Write;

/// `init`: the initial step, then any enabled step until none is.
pub(super) fn events(out: &mut String, ir: &ProtocolIr, faulty: &Faulty, types: &TypeUse) {
    initial_step(out, ir, faulty, types);
    let loop_start = out.len();
    out.push_str("end:\n    do\n");
    for p in running(faulty) {
        let _ = writeln!(out, "    /* p{p} receives */");
        if types.per_sender {
            receipts_per_sender(out, p, faulty, types);
        } else {
            receipts_counted(out, p, faulty, types);
        }
        injections(out, p, faulty, types);
    }
    if faulty.crashes > 0 {
        crashes(out, faulty);
    }
    if out[loop_start..].contains(":: d_step") {
        let _ = writeln!(out, "    od\n}}");
    } else {
        // Nobody ever sends, injects or crashes: the initial step is all.
        out.truncate(loop_start);
        let _ = writeln!(out, "    /* no other step is ever enabled */\n}}");
    }
}

/// One step of the loop: when `guard` holds, print `line` and do `body`.
fn step(out: &mut String, guard: String, line: String, body: String) {
    let _ = writeln!(
        out,
        "    :: d_step {{ {guard} -> printf(\"{line}\\n\"); {body}; check() }}"
    );
}

/// The opening of `init` and its first step: a correct broadcaster
/// broadcasts 0.
fn initial_step(out: &mut String, ir: &ProtocolIr, faulty: &Faulty, types: &TypeUse) {
    let broadcast = match (&ir.broadcast, faulty.broadcaster_correct) {
        (Some(b), true) => {
            let mut lines = vec![
                "        printf(\"p0 broadcasts 0\\n\");".to_string(),
                format!("        /* on broadcast({}) */", b.value),
            ];
            for e in &b.effects {
                let line = match *e {
                    Effect::Send { msg, to } => {
                        format!("send_to_{}(0, {}, 0)", to.keyword(), types.names[msg])
                    }
                    Effect::Deliver | Effect::Decide | Effect::Handover(_) => {
                        "deliver(0, 0)".to_string()
                    }
                };
                lines.push(format!("        {line};"));
            }
            lines.push("        settle(0, 0);".to_string());
            lines.join("\n")
        }
        (None, true) => "        printf(\"p0 broadcasts 0\\n\");\n        settle(0, 0);".into(),
        (_, false) => "        /* the broadcaster is Byzantine: nobody broadcasts */".into(),
    };
    let init_dlv: Vec<String> = (0..faulty.n)
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
}

/// Under crashes: `p` receives a message in flight from one running sender.
fn receipts_per_sender(out: &mut String, p: ProcId, faulty: &Faulty, types: &TypeUse) {
    for s in running(faulty).into_iter().filter(|&s| s != p) {
        for t in sent_types(types) {
            for v in 0..2 {
                let (name, dsl) = (&types.names[t], &types.dsl_names[t]);
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
}

/// Without crashes: `p` receives a message in flight, counted per (type,
/// value), p0's apart where `from broadcaster` reads the type.
fn receipts_counted(out: &mut String, p: ProcId, faulty: &Faulty, types: &TypeUse) {
    for t in sent_types(types) {
        for v in 0..2 {
            let (name, dsl) = (&types.names[t], &types.dsl_names[t]);
            if types.from0[t] && p != 0 && faulty.broadcaster_correct {
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

/// Types some handler sends: the only ones ever in flight.
fn sent_types(types: &TypeUse) -> Vec<usize> {
    (0..types.names.len()).filter(|&t| types.sent[t]).collect()
}

/// Each Byzantine process makes `p` hear any (type, value) from it, once.
fn injections(out: &mut String, p: ProcId, faulty: &Faulty, types: &TypeUse) {
    for (k, b) in byzantine(faulty).into_iter().enumerate() {
        for (t, name) in types.names.iter().enumerate() {
            // An injection that no guard can read changes nothing.
            if !(types.counted[t] || (b == 0 && types.from0[t])) {
                continue;
            }
            for v in 0..2 {
                let dsl = &types.dsl_names[t];
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

/// Any process may crash while fewer than F have.
fn crashes(out: &mut String, faulty: &Faulty) {
    let _ = writeln!(out, "    /* crashes */");
    for p in 0..faulty.n {
        step(
            out,
            format!("CAN_CRASH({p})"),
            format!("p{p} crashes"),
            format!("crash({p})"),
        );
    }
}

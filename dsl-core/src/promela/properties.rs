//! The properties (docs/DESIGN.md section 2.4) as PROMELA macros and assertions.

use super::{running, TypeUse};
use crate::checker::faults::Faulty;
use std::fmt::Write;

/// The properties as macros over the state, and `check()`, which asserts
/// them after every step.
pub(super) fn properties(out: &mut String, faulty: &Faulty, types: &TypeUse) {
    let running = running(faulty);
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
    let tv = types.pairs();
    let no_mail = if types.per_sender {
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

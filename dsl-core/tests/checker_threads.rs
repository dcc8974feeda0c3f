//! The checker leaves no thread behind: the learner runs it thousands of
//! times in one process. (stateright's timeout is a sleeping thread that is
//! never joined; before the checker stopped asking for it on small runs, a
//! learner search died with "Failed to spawn a thread" after about 110 s,
//! a rerun held 12,704 of them 35 s in.) Its own test binary, so that no other
//! test's threads count.

use dsl_core::checker::{check, default_configs, Limits};
use dsl_core::ir::FaultModel;
use dsl_core::syntax::parse_str;

/// Threads of this process, from /proc (None where there is no /proc).
fn threads() -> Option<usize> {
    std::fs::read_dir("/proc/self/task").ok().map(|d| d.count())
}

#[test]
fn many_small_checks_leave_no_thread_behind() {
    let ir = parse_str(
        "pub Echo {
            faults: byzantine;
            requires: N > 3 * F;
            messages: Initial, Echo;
            on broadcast(m) { send Initial(m) to all; }
            when received Initial(m) from broadcaster and not sent Echo { send Echo(m) to all; }
            when received Echo(m) >= 2 * F + 1 { deliver(m); }
        }",
    )
    .expect("the protocol parses");
    let Some(before) = threads() else {
        eprintln!("no /proc/self/task: skipped");
        return;
    };
    let config = default_configs(&ir.requires, FaultModel::Byzantine)[0];
    for _ in 0..300 {
        check(&ir, config, Limits::default());
    }
    let after = threads().expect("/proc/self/task");
    assert!(
        after < before + 20,
        "{before} threads before 300 checks, {after} after"
    );
}

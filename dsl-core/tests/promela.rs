//! The PROMELA export: key parts of the text for Bracha, the errors, and
//! (when `spin` and `gcc` are installed) Spin's verdicts on small models.

use dsl_core::checker::{Config, Scenario};
use dsl_core::ir::{FaultModel, ProtocolIr};
use dsl_core::promela::{model, PromelaError};
use std::path::Path;
use std::process::Command;

fn example(file: &str) -> ProtocolIr {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples")
        .join(file);
    let src = std::fs::read_to_string(path).expect("example exists");
    dsl_core::source::protocols_in_source(&src).expect("example parses")[0].clone()
}

fn config(faults: FaultModel, n: usize, f: usize, scenario: Scenario) -> Config {
    Config {
        faults,
        n,
        f,
        scenario,
    }
}

/// The model of `examples/{file}` at N = 4, F = 1.
fn example_model(file: &str, faults: FaultModel, scenario: Scenario) -> String {
    model(&example(file), config(faults, 4, 1, scenario)).expect("exports at N = 4, F = 1")
}

fn bracha() -> String {
    example_model(
        "bracha.rs",
        FaultModel::Byzantine,
        Scenario::CorrectBroadcaster,
    )
}

#[test]
fn bracha_header_names_the_configuration_and_quotes_the_protocol() {
    let pml = bracha();
    assert!(pml.starts_with(
        "/* Bracha at N = 4, F = 1, fault model byzantine, scenario correct-broadcaster.\n"
    ));
    assert!(
        pml.contains(" *         when received Echo(m) >= (N + F) / 2 + 1 and not sent Ready {\n")
    );
    assert!(pml.contains(" * p0 broadcasts 0; Byzantine: p3.\n"));
    for line in [
        "#define N 4",
        "#define F 1",
        "#define NT 3 /* message types */",
        "#define Initial 0",
        "#define Echo 1",
        "#define Ready 2",
        "#define BYZANTINE 8 /* the Byzantine processes */",
        // Echo and Ready are counted; only `from broadcaster` reads Initial.
        "#define COUNTED_TYPES 6 /* types a `>=` guard reads */",
        "#define FROM0_TYPES 1 /* types a `from broadcaster` guard reads */",
        "#define crashed 0 /* nobody crashes */",
        "#define AGREEMENT       (AGREE(0, 1) && AGREE(0, 2) && AGREE(1, 2))",
    ] {
        assert!(pml.lines().any(|l| l == line), "missing line: {line}");
    }
}

#[test]
fn bracha_rules_are_inlines_named_in_dsl_form() {
    let pml = bracha();
    let rule_2 = "\
/* rule 2: when received Echo(m) >= (N + F) / 2 + 1 and not sent Ready */
/*     send Ready(m) to all; */
inline rule_2(p, v) {
    if
    :: ((proc[p].heard[TV(Echo, v)] >= 3) /* (N + F) / 2 + 1 */
        && (!SENT_ANY(p, Ready))
        && (!SENT(p, Ready, v))) ->
        send_to_all(p, Ready, v);
        changed = true
    :: else -> skip
    fi
}
";
    assert!(pml.contains(rule_2), "rule 2 as expected:\n{pml}");
    assert!(
        pml.contains("/* rule 1: when received Initial(m) from broadcaster and not sent Echo */\n")
    );
    assert!(pml.contains(":: (HAS(proc[p].heard0, TV(Initial, v))\n"));
    assert!(
        pml.contains("/* rule 4: when received Ready(m) >= 2 * F + 1 */\n/*     deliver(m); */\n")
    );
    assert!(pml.contains("(proc[p].heard[TV(Ready, v)] >= 3) /* 2 * F + 1 */"));
    // Settling applies the rules in source order until nothing changes.
    assert!(pml.contains(
        "        changed = false;\n        rule_1(p, v);\n        rule_2(p, v);\n        rule_3(p, v);\n        rule_4(p, v)\n"
    ));
}

#[test]
fn bracha_events_are_one_d_step_each() {
    let pml = bracha();
    let init = "\
    d_step {
        proc[0].dlv = NONE;
        proc[1].dlv = NONE;
        proc[2].dlv = NONE;
        proc[3].dlv = NONE;
        printf(\"p0 broadcasts 0\\n\");
        /* on broadcast(m) */
        send_to_all(0, Initial, 0);
        settle(0, 0);
        check()
    };
";
    assert!(pml.contains(init), "initial step as expected:\n{pml}");
    for line in [
        "    :: d_step { HAS(proc[1].mail0, TV(Initial, 0)) -> printf(\"p0 -> p1: Initial(0)\\n\"); proc[1].mail0 = proc[1].mail0 ^ (1 << TV(Initial, 0)); hear(1, Initial, 0, 0); check() }",
        "    :: d_step { proc[2].mail[TV(Echo, 1)] > 0 -> printf(\"a correct process -> p2: Echo(1)\\n\"); proc[2].mail[TV(Echo, 1)]--; hear(2, Echo, 1, N); check() }",
        "    :: d_step { !HAS(proc[0].lied[0], TV(Ready, 1)) -> printf(\"p3 (Byzantine) -> p0: Ready(1)\\n\"); proc[0].lied[0] = proc[0].lied[0] | (1 << TV(Ready, 1)); hear(0, Ready, 1, 3); check() }",
    ] {
        assert!(pml.lines().any(|l| l == line), "missing event: {line}");
    }
    // An Initial from p3 is not from the broadcaster and no `>=` counts it.
    assert!(!pml.contains("(Byzantine) -> p1: Initial"));
    // The Byzantine p3 receives nothing.
    assert!(!pml.contains("/* p3 receives */"));
    // Per correct process: 3 types x 2 values in flight, 2 x 2 injections
    // (Echo, Ready); p1 and p2 also get p0's Initial(0) or Initial(1) apart.
    assert_eq!(pml.matches(":: d_step {").count(), 3 * (6 + 4) + 2 * 2);
}

#[test]
fn crash_models_keep_senders_and_let_any_f_processes_crash() {
    let pml = example_model("eager_reliable.rs", FaultModel::Crash, Scenario::Crashes);
    assert!(pml.contains("byte crashed; /* the crashed processes */"));
    assert!(pml.contains("#define CAN_CRASH(p)    (!HAS(crashed, p) && CRASHES < F)"));
    for p in 0..4 {
        let line = format!(
            "    :: d_step {{ CAN_CRASH({p}) -> printf(\"p{p} crashes\\n\"); crash({p}); check() }}"
        );
        assert!(pml.contains(&line), "missing {line}");
    }
    assert!(pml.contains(
        "    :: d_step { HAS(proc[2].inbox[TV(Msg, 0)], 1) -> printf(\"p1 -> p2: Msg(0)\\n\");"
    ));
    assert!(pml.contains("#define NO_MAIL(p)      (!CORRECT(p) || ((proc[p].inbox[0] | proc[p].inbox[1]) & ~crashed) == 0)"));
}

#[test]
fn a_byzantine_broadcaster_broadcasts_nothing() {
    let scenario = Scenario::ByzantineBroadcaster;
    let pml = example_model("bracha.rs", FaultModel::Byzantine, scenario);
    assert!(pml.contains("/* the broadcaster is Byzantine: nobody broadcasts */"));
    assert!(pml.contains("#define HONEST_BROADCASTER false"));
    assert!(pml.contains("#define BYZANTINE 1 /* the Byzantine processes */"));
    // p0 can claim either value of Initial to anybody.
    assert!(pml.contains("printf(\"p0 (Byzantine) -> p3: Initial(1)\\n\")"));
}

#[test]
fn message_names_that_clash_with_promela_get_a_prefix() {
    let ir = dsl_core::syntax::parse_str(
        "pub Clash { faults: none; messages: proc, init, Msg;
           on broadcast(m) { send proc(m) to all; send init(m) to self; }
           when received proc(m) >= 1 and received init(m) >= 1 { deliver(m); } }",
    )
    .unwrap();
    let pml = model(&ir, config(FaultModel::None, 3, 0, Scenario::FailureFree)).unwrap();
    assert!(pml.contains("#define msg_proc 0\n#define msg_init 1\n#define Msg 2\n"));
    assert!(pml.contains("printf(\"a correct process -> p1: proc(0)\\n\")"));
}

#[test]
fn bad_configurations_are_errors() {
    let ir = example("bracha.rs");
    let err = model(
        &ir,
        config(FaultModel::Crash, 4, 1, Scenario::CorrectBroadcaster),
    )
    .unwrap_err();
    assert!(matches!(err, PromelaError::Scenario { .. }));
    assert_eq!(
        err.to_string(),
        "scenario `correct-broadcaster` does not belong to fault model `crash`; use `crashes`"
    );
    let err = model(
        &ir,
        config(FaultModel::Byzantine, 3, 1, Scenario::CorrectBroadcaster),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Bracha does not allow N = 3, F = 1 (requires: N > 3 * F); pick another --n/--f"
    );
    let err = model(&ir, config(FaultModel::None, 1, 0, Scenario::FailureFree)).unwrap_err();
    assert!(matches!(err, PromelaError::Size(1)));
}

/// Runs Spin exhaustively on `pml`; `None` if Spin or gcc is missing.
fn spin(name: &str, pml: &str) -> Option<String> {
    let tools = ["spin", "gcc"];
    if tools
        .iter()
        .any(|t| Command::new(t).arg("-V").output().is_err())
    {
        eprintln!("spin or gcc is not installed: skipping the Spin run of {name}");
        return None;
    }
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("promela-{name}"));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("model.pml"), pml).unwrap();
    let ok = |c: &mut Command| {
        let out = c.current_dir(&dir).output().unwrap();
        assert!(out.status.success(), "{:?} failed: {out:?}", c);
    };
    ok(Command::new("spin").args(["-a", "model.pml"]));
    ok(Command::new("gcc").args(["-O0", "-DSAFETY", "-DNOREDUCE", "-o", "pan", "pan.c"]));
    let out = Command::new("./pan")
        .args(["-m100000", "-w20"])
        .current_dir(&dir)
        .output()
        .unwrap();
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Spin's output on the model of `examples/{file}` at N = 4, F = 1; `None`
/// if Spin or gcc is missing.
fn spin_on_example(file: &str, faults: FaultModel, scenario: Scenario) -> Option<String> {
    spin(
        file.trim_end_matches(".rs"),
        &example_model(file, faults, scenario),
    )
}

#[test]
fn spin_verifies_eager_reliable_broadcast_under_crashes() {
    let out = spin_on_example("eager_reliable.rs", FaultModel::Crash, Scenario::Crashes);
    if let Some(out) = out {
        assert!(out.contains("errors: 0"), "{out}");
        assert!(!out.contains("Search not completed"), "{out}");
    }
}

#[test]
fn spin_finds_that_best_effort_broadcast_breaks_under_crashes() {
    if let Some(out) = spin_on_example("best_effort.rs", FaultModel::Crash, Scenario::Crashes) {
        assert!(out.contains("assertion violated totality"), "{out}");
    }
}

#[test]
fn spin_finds_that_the_papers_figure_3_breaks_agreement() {
    let scenario = Scenario::CorrectBroadcaster;
    if let Some(out) = spin_on_example("paper_fig3.rs", FaultModel::Byzantine, scenario) {
        assert!(out.contains("assertion violated agreement"), "{out}");
    }
}

#[test]
fn a_protocol_that_never_sends_has_only_the_initial_step() {
    let ir = dsl_core::syntax::parse_str(
        "pub Alone { faults: none; messages: M;
           on broadcast(m) { deliver(m); }
           when received M(m) >= 1 { deliver(m); } }",
    )
    .unwrap();
    let pml = model(&ir, config(FaultModel::None, 4, 0, Scenario::FailureFree)).unwrap();
    assert!(!pml.contains("end:"), "{pml}");
    assert!(pml.ends_with("        check()\n    };\n    /* no other step is ever enabled */\n}\n"));
    if let Some(out) = spin("alone", &pml) {
        // p1..p3 never deliver the correct broadcaster's value.
        assert!(out.contains("assertion violated validity"), "{out}");
    }
}

/// `excluding broadcaster` (examples/arx_5f_minus_1.rs): the type is counted
/// and p0 kept apart (FROM0), and the guard subtracts p0's bit.
#[test]
fn excluded_counts_subtract_the_broadcaster() {
    let pml = example_model(
        "arx_5f_minus_1.rs",
        FaultModel::Byzantine,
        Scenario::ByzantineBroadcaster,
    );
    for line in [
        // Propose is read by `from broadcaster`, Echo counted without p0.
        "#define COUNTED_TYPES 2 /* types a `>=` guard reads */",
        "#define FROM0_TYPES 3 /* types a `from broadcaster` guard reads */",
    ] {
        assert!(pml.lines().any(|l| l == line), "missing line: {line}");
    }
    assert!(
        pml.contains(
            "(proc[p].heard[TV(Echo, v)] - HAS(proc[p].heard0, TV(Echo, v)) >= 2) /* N - 2 * F excluding broadcaster */"
        ),
        "{pml}"
    );
}

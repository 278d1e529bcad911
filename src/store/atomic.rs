//! Writing a file so that a reader finds the old content or the new, never
//! a part, and so that a secret is never readable by anyone else on the way:
//! a fresh temp file beside the target, created exclusively (`O_EXCL`) with
//! its final permissions, written, flushed to disk, renamed over the target,
//! then the directory flushed so the rename itself survives a crash.
//!
//! The one implementation for the profile file, its backup, the secrets
//! file, the preferences and profile exports.

use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

/// Who may read the written file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// The owner only (mode 0600): secrets and exports that carry them.
    OwnerOnly,
    /// As the user's umask allows (mode 0666 less the umask): files without secrets.
    Shared,
}

impl Access {
    #[cfg(unix)]
    fn mode(self) -> u32 {
        match self {
            Self::OwnerOnly => 0o600,
            Self::Shared => 0o666,
        }
    }
}

/// A failed write: what was being done (a message id such as
/// `store-io-write`), to which path, and the OS error.
#[derive(Debug)]
pub struct WriteError {
    /// The message id of the action ("could not write" and the like).
    pub action: &'static str,
    /// The file or directory concerned.
    pub path: PathBuf,
    /// The OS error.
    pub source: io::Error,
}

impl WriteError {
    fn new(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> Self {
        let path = path.to_path_buf();
        move |source| Self {
            action,
            path,
            source,
        }
    }
}

/// How many fresh temp names are tried before giving up: a name is taken
/// only by a leftover of a killed writer that drew the same 128 random bits.
const TEMP_ATTEMPTS: u32 = 8;

/// Creates `dir` (and missing parents) readable by the owner only (mode
/// 0700), for the config directory. An existing directory is left as it is:
/// its permissions are the user's choice, and every secret in it is a
/// 0600 file of its own.
pub fn create_private_dir(dir: &Path) -> Result<(), WriteError> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt as _;
        builder.mode(0o700);
    }
    builder
        .create(dir)
        .map_err(WriteError::new("store-io-create", dir))
}

/// Replaces `path` with `bytes` atomically, the new file having `access`.
/// The directory must exist. On failure the target is untouched and the
/// temp file removed.
pub fn write_atomically(path: &Path, bytes: &[u8], access: Access) -> Result<(), WriteError> {
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let (temp, mut file) = create_temp_beside(path, dir, access)?;
    let written = file
        .write_all(bytes)
        .map_err(WriteError::new("store-io-write", &temp))
        .and_then(|()| {
            file.sync_all()
                .map_err(WriteError::new("store-io-flush", &temp))
        })
        .and_then(|()| {
            drop(file);
            fs::rename(&temp, path).map_err(WriteError::new("store-io-replace", path))
        });
    if written.is_err() {
        // Nothing half-written is left behind; the target was never touched.
        let _ = fs::remove_file(&temp);
    }
    written?;
    sync_dir(dir);
    Ok(())
}

/// A new, exclusively created temp file in `dir` named after `path`
/// (`profiles.json.tmp-<random>`), already with its final permissions, so a
/// secret never sits in a file someone else may open.
fn create_temp_beside(
    path: &Path,
    dir: &Path,
    access: Access,
) -> Result<(PathBuf, fs::File), WriteError> {
    let name = path
        .file_name()
        .map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(access.mode());
    }
    #[cfg(not(unix))]
    let _ = access;
    let mut last_error = None;
    for _ in 0..TEMP_ATTEMPTS {
        let temp = dir.join(format!("{name}.tmp-{}", uuid::Uuid::new_v4().simple()));
        match options.open(&temp) {
            Ok(file) => return Ok((temp, file)),
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {
                last_error = Some((temp, error));
            }
            Err(error) => return Err(WriteError::new("store-io-create", &temp)(error)),
        }
    }
    let (temp, error) =
        last_error.unwrap_or_else(|| (dir.to_path_buf(), io::ErrorKind::AlreadyExists.into()));
    Err(WriteError::new("store-io-create", &temp)(error))
}

/// Makes a rename durable (POSIX: fsync the directory). Best effort: some
/// file systems cannot open a directory for syncing, and the data itself is
/// already on disk.
fn sync_dir(dir: &Path) {
    if let Ok(handle) = fs::File::open(dir) {
        let _ = handle.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("tokenscope-atomic-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt as _;
        fs::metadata(path).expect("metadata").permissions().mode() & 0o777
    }

    #[test]
    fn a_new_directory_is_private_and_a_file_replaces_the_old_one_whole() {
        let dir = temp_dir("replace").join("nested");
        create_private_dir(&dir).expect("dir");
        #[cfg(unix)]
        assert_eq!(mode(&dir), 0o700);
        let path = dir.join("профили ✓.json");
        write_atomically(&path, "первый".as_bytes(), Access::Shared).expect("write");
        write_atomically(&path, "второй 🙂".as_bytes(), Access::OwnerOnly).expect("write");
        assert_eq!(fs::read_to_string(&path).expect("read"), "второй 🙂");
        #[cfg(unix)]
        assert_eq!(mode(&path), 0o600);
        let left: Vec<_> = fs::read_dir(&dir)
            .expect("list")
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(left.len(), 1, "no temp file is left: {left:?}");
        let _ = fs::remove_dir_all(dir.parent().expect("parent"));
    }

    /// An export with secrets over an existing world-readable file: the
    /// result is a new file, owner-only, never the old 0644 one rewritten.
    #[cfg(unix)]
    #[test]
    fn an_existing_0644_file_never_carries_the_secret() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = temp_dir("over-0644");
        create_private_dir(&dir).expect("dir");
        let path = dir.join("export.json");
        fs::write(&path, "old").expect("write");
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).expect("chmod");
        write_atomically(&path, b"secret", Access::OwnerOnly).expect("write");
        assert_eq!(mode(&path), 0o600);
        assert_eq!(fs::read(&path).expect("read"), b"secret");
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_missing_directory_is_an_error_not_a_panic() {
        let dir = temp_dir("missing");
        let error = write_atomically(&dir.join("x.json"), b"x", Access::OwnerOnly)
            .expect_err("no directory");
        assert_eq!(error.action, "store-io-create");
        assert_eq!(error.source.kind(), io::ErrorKind::NotFound);
    }
}

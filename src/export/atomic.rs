//! Every file blindstep writes for a person to carry away (exports, reviewer packs): a
//! [`tempfile::NamedTempFile`] in the destination's folder, owner-only (0600 whatever the
//! umask: exports hold identities after unblinding and every reviewer's verdicts), synced,
//! then renamed over the destination and the folder synced, so a reader never sees half a
//! file and a crash leaves either the old file or the new one.
//!
//! [`check_out`] is the guard every `--out` goes through first: it never lets a write land on
//! the study database, its `-wal`/`-shm`/`-journal` files or any SQLite database, and replaces
//! another existing file only when asked (`--force`).
//!
//! Must not: know what is written.

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Why an `--out` path is refused.
#[derive(Debug, thiserror::Error)]
pub enum OutError {
    #[error(
        "{path}: is the study database {db} or one of its files; a command never writes over a database (choose another --out)"
    )]
    StudyDatabase { path: PathBuf, db: PathBuf },
    #[error(
        "{path}: is an SQLite database; a command never writes over a database, not even with --force (choose another --out)"
    )]
    Database { path: PathBuf },
    #[error("{path}: already exists; pass --force to replace it")]
    Exists { path: PathBuf },
    #[error("{path}: is a directory, not a file path")]
    NotAFile { path: PathBuf },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";
const DB_SUFFIXES: [&str; 4] = ["", "-wal", "-shm", "-journal"];

/// `path` made absolute, with its folder resolved through links when it exists.
fn normal(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    match (abs.parent(), abs.file_name()) {
        (Some(dir), Some(name)) => std::fs::canonicalize(dir)
            .map(|d| d.join(name))
            .unwrap_or(abs.clone()),
        _ => abs,
    }
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_os_string();
    s.push(suffix);
    PathBuf::from(s)
}

#[cfg(unix)]
fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &Path, _: &Path) -> bool {
    false
}

/// Whether the file at `path` starts with the SQLite header.
pub fn is_sqlite_file(path: &Path) -> bool {
    let mut head = [0u8; 16];
    File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok()
        && &head == SQLITE_MAGIC
}

/// Refuse an `--out` that would replace the database at `db` (or its side files), any
/// SQLite database, a folder, or, without `force`, any existing file.
pub fn check_out(out: &Path, db: Option<&Path>, force: bool) -> Result<(), OutError> {
    let out_n = normal(out);
    if let Some(db) = db {
        let db_n = normal(db);
        for suffix in DB_SUFFIXES {
            let side = with_suffix(&db_n, suffix);
            if out_n == side || same_file(out, &side) {
                return Err(OutError::StudyDatabase {
                    path: out.to_path_buf(),
                    db: db.to_path_buf(),
                });
            }
        }
    }
    let meta = match std::fs::metadata(out) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(source) => {
            return Err(OutError::Io {
                path: out.to_path_buf(),
                source,
            });
        }
    };
    if meta.is_dir() {
        return Err(OutError::NotAFile {
            path: out.to_path_buf(),
        });
    }
    // The file itself, or a side file of a database beside it.
    let name = out_n.to_string_lossy().into_owned();
    let main_db = DB_SUFFIXES[1..]
        .iter()
        .find_map(|s| name.strip_suffix(s))
        .map(PathBuf::from);
    if is_sqlite_file(out) || main_db.is_some_and(|m| is_sqlite_file(&m)) {
        return Err(OutError::Database {
            path: out.to_path_buf(),
        });
    }
    if !force {
        return Err(OutError::Exists {
            path: out.to_path_buf(),
        });
    }
    Ok(())
}

/// A file that appears at its destination only when [`AtomicFile::commit`] succeeds; dropped
/// uncommitted, it leaves nothing behind.
pub struct AtomicFile {
    tmp: tempfile::NamedTempFile,
    dest: PathBuf,
    replace: bool,
}

impl AtomicFile {
    /// Create the owner-only temp file beside `dest`. With `replace`, commit replaces an
    /// existing `dest`; without, commit fails if one has appeared.
    pub fn create(dest: &Path, replace: bool) -> std::io::Result<Self> {
        let name = dest.file_name().ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file path")
        })?;
        let dir = match dest.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let prefix = format!(".{}.", name.to_string_lossy());
        let tmp = tempfile::Builder::new()
            .prefix(&prefix)
            .suffix(".tmp")
            .tempfile_in(&dir)?;
        #[cfg(unix)]
        {
            // fchmod: exact, whatever the umask was.
            use std::os::unix::fs::PermissionsExt;
            tmp.as_file()
                .set_permissions(std::fs::Permissions::from_mode(0o600))?;
        }
        Ok(Self {
            tmp,
            dest: dest.to_path_buf(),
            replace,
        })
    }

    /// Where the temp file is (to build an SQLite file in place).
    pub fn temp_path(&self) -> &Path {
        self.tmp.path()
    }

    pub fn dest(&self) -> &Path {
        &self.dest
    }

    /// Sync the file, rename it over the destination, then sync the folder.
    pub fn commit(self) -> std::io::Result<()> {
        self.tmp.as_file().sync_all()?;
        let dest = self.dest;
        if self.replace {
            self.tmp.persist(&dest).map_err(|e| e.error)?;
        } else {
            self.tmp.persist_noclobber(&dest).map_err(|e| e.error)?;
        }
        // Make the rename itself durable; not every platform can open a directory.
        if let Some(dir) = dest.parent().filter(|d| !d.as_os_str().is_empty())
            && let Ok(d) = File::open(dir)
        {
            let _ = d.sync_all();
        }
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.tmp.as_file_mut().write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.tmp.as_file_mut().flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_database_side_files_and_existing_files() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("s.db");
        std::fs::write(&db, b"SQLite format 3\0rest").unwrap();
        for p in ["s.db", "s.db-wal", "s.db-shm", "./s.db"] {
            let out = dir.path().join(p);
            assert!(
                matches!(
                    check_out(&out, Some(&db), true),
                    Err(OutError::StudyDatabase { .. })
                ),
                "{p}"
            );
        }
        let other = dir.path().join("other.sqlite");
        std::fs::write(&other, b"SQLite format 3\0xx").unwrap();
        assert!(matches!(
            check_out(&other, Some(&db), true),
            Err(OutError::Database { .. })
        ));
        let csv = dir.path().join("old.csv");
        std::fs::write(&csv, b"a,b\n").unwrap();
        assert!(matches!(
            check_out(&csv, Some(&db), false),
            Err(OutError::Exists { .. })
        ));
        assert!(check_out(&csv, Some(&db), true).is_ok());
        assert!(check_out(&dir.path().join("new.csv"), Some(&db), false).is_ok());
        assert!(matches!(
            check_out(dir.path(), None, true),
            Err(OutError::NotAFile { .. })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn committed_file_is_owner_only_and_noclobber_holds() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("x.csv");
        let mut f = AtomicFile::create(&dest, false).unwrap();
        f.write_all(b"hi").unwrap();
        assert!(!dest.exists());
        f.commit().unwrap();
        let mode = std::fs::metadata(&dest).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let f = AtomicFile::create(&dest, false).unwrap();
        assert!(f.commit().is_err(), "no silent replace without force");
        assert_eq!(std::fs::read(&dest).unwrap(), b"hi");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}

//! Opening a database file: refuse what is not ours without touching it,
//! create new files owner-only, set pragmas, migrate by `user_version`.

use super::{Store, StoreError};
use rusqlite::{Connection, OpenFlags};
use std::io::Read;
use std::path::Path;

/// `PRAGMA application_id` of blindstep databases ("blst").
pub const APPLICATION_ID: i64 = 0x626c_7374;

/// The numbered migrations, applied in order; index + 1 is the schema version.
pub const MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_initial",
        include_str!("../../migrations/0001_initial.sql"),
    ),
    (
        "0002_chain_outcomes",
        include_str!("../../migrations/0002_chain_outcomes.sql"),
    ),
    (
        "0003_review_integrity",
        include_str!("../../migrations/0003_review_integrity.sql"),
    ),
    (
        "0004_packs_lifecycle",
        include_str!("../../migrations/0004_packs_lifecycle.sql"),
    ),
    (
        "0005_plan_task",
        include_str!("../../migrations/0005_plan_task.sql"),
    ),
    (
        "0006_case_stage_aliases",
        include_str!("../../migrations/0006_case_stage_aliases.sql"),
    ),
    (
        "0007_adjudication_calibration",
        include_str!("../../migrations/0007_adjudication_calibration.sql"),
    ),
    (
        "0008_adjudication_acted_on",
        include_str!("../../migrations/0008_adjudication_acted_on.sql"),
    ),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

impl Store {
    /// Open (or create) a blindstep database at `path`.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let io = |error| StoreError::Io {
            path: path.to_path_buf(),
            error,
        };
        let existed = match std::fs::metadata(path) {
            Ok(m) => m.len() > 0,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
            Err(e) => return Err(io(e)),
        };
        if existed {
            check_header(path)?;
            check_writable(path)?;
        } else {
            create_private(path).map_err(|e| match cannot_write_io(path, &e) {
                Some(err) => err,
                None => io(e),
            })?;
        }
        let open_err = |error: rusqlite::Error| match cannot_write_sql(path, &error) {
            Some(e) => e,
            None => StoreError::Open {
                path: path.to_path_buf(),
                error,
            },
        };
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let conn = Connection::open_with_flags(path, flags).map_err(open_err)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(open_err)?;
        if existed {
            // Read-only checks first: nothing below may write to a file we
            // have not recognised as ours.
            check_identity(&conn, path)?;
        }
        set_pragmas(&conn).map_err(open_err)?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
        };
        store.migrate().map_err(|e| match e {
            StoreError::Sql(error) => open_err(error),
            other => other,
        })?;
        Ok(store)
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        let version: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version >= SCHEMA_VERSION {
            return Ok(());
        }
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // Re-read under the write lock: another process may have migrated meanwhile.
        let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        for (i, (name, sql)) in MIGRATIONS.iter().enumerate() {
            let target = i as i64 + 1;
            if target <= version {
                continue;
            }
            tx.execute_batch(sql)
                .map_err(|e| StoreError::Invalid(format!("migration {name}: {e}")))?;
            tx.pragma_update(None, "user_version", target)?;
        }
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        tx.commit()?;
        Ok(())
    }
}

/// A clear error for an I/O failure that means "this cannot be written".
fn cannot_write_io(path: &Path, e: &std::io::Error) -> Option<StoreError> {
    use std::io::ErrorKind as K;
    let reason = match e.kind() {
        K::PermissionDenied => "permission denied (a read-only file or folder)",
        K::ReadOnlyFilesystem => "the file system is mounted read-only",
        K::StorageFull => "the disk is full",
        K::QuotaExceeded => "the disk quota is exceeded",
        // EPERM: an immutable file
        _ if e.raw_os_error() == Some(1) => "the file is not writable (immutable)",
        _ => return None,
    };
    Some(StoreError::CannotWrite {
        path: path.to_path_buf(),
        reason: reason.into(),
    })
}

/// The same for an SQLite error while opening or migrating.
fn cannot_write_sql(path: &Path, e: &rusqlite::Error) -> Option<StoreError> {
    use rusqlite::ErrorCode as C;
    let reason = match e.sqlite_error_code()? {
        C::ReadOnly => "SQLite reports the database read-only (file, folder or mount)".into(),
        C::DiskFull => "the disk is full".into(),
        C::CannotOpen => "SQLite cannot create or open its files there".into(),
        // A write or the -shm mapping failed: most often, no space left.
        C::SystemIoFailure => match free_bytes(path) {
            Some(free) if free < 1 << 20 => {
                format!("the disk is full ({} KiB free)", free >> 10)
            }
            _ => return None,
        },
        _ => return None,
    };
    Some(StoreError::CannotWrite {
        path: path.to_path_buf(),
        reason,
    })
}

/// Space left for this user on the file system holding `path`.
fn free_bytes(path: &Path) -> Option<u64> {
    #[cfg(unix)]
    {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let s = rustix::fs::statvfs(dir).ok()?;
        Some(s.f_bavail.saturating_mul(s.f_frsize))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// An existing database must be writable, and so must its folder unless the `-wal` and
/// `-shm` files are already there: checked before SQLite touches the file, so a read-only
/// file is reported as such (not as "not a blindstep database").
fn check_writable(path: &Path) -> Result<(), StoreError> {
    let fail = |reason: String| StoreError::CannotWrite {
        path: path.to_path_buf(),
        reason,
    };
    if let Err(e) = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
    {
        return Err(cannot_write_io(path, &e).unwrap_or_else(|| fail(e.to_string())));
    }
    let side = |suffix: &str| {
        let mut s = path.as_os_str().to_os_string();
        s.push(suffix);
        std::path::PathBuf::from(s).exists()
    };
    #[cfg(unix)]
    if !(side("-wal") && side("-shm")) {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        if let Err(e) = rustix::fs::access(dir, rustix::fs::Access::WRITE_OK) {
            let why = match e {
                rustix::io::Errno::ROFS => "the file system is mounted read-only".to_string(),
                _ => format!("its folder {} is not writable ({e})", dir.display()),
            };
            return Err(fail(why));
        }
    }
    Ok(())
}

fn create_private(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path).map(drop)
}

fn check_header(path: &Path) -> Result<(), StoreError> {
    let mut head = [0u8; 16];
    let mut file = std::fs::File::open(path).map_err(|error| StoreError::Io {
        path: path.to_path_buf(),
        error,
    })?;
    let n = file.read(&mut head).map_err(|error| StoreError::Io {
        path: path.to_path_buf(),
        error,
    })?;
    if n < 16 || &head != SQLITE_MAGIC {
        return Err(StoreError::NotBlindstep {
            path: path.to_path_buf(),
            reason: "it is not an SQLite database".into(),
        });
    }
    Ok(())
}

fn check_identity(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    if let Some(why) = cut_short(path) {
        return Err(StoreError::Corrupt(format!("{}: {why}", path.display())));
    }
    let not_ours = |reason: String| StoreError::NotBlindstep {
        path: path.to_path_buf(),
        reason,
    };
    let app_id: i64 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(|e| not_ours(format!("unreadable header: {e}")))?;
    let tables: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))
        .map_err(|e| not_ours(format!("corrupt or unreadable schema: {e}")))?;
    if app_id != APPLICATION_ID && !(app_id == 0 && tables == 0) {
        return Err(not_ours(format!(
            "application id {app_id:#x}, {tables} schema objects"
        )));
    }
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| not_ours(format!("unreadable header: {e}")))?;
    if version > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            path: path.to_path_buf(),
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    // quick_check reads every page (about 3 s on a 175 MB study of a million verdicts, paid
    // by every command); it runs on files under 64 MB. On larger ones the header check above
    // catches a truncated file, and a corrupt page surfaces as an error naming the file on
    // first read.
    let small = std::fs::metadata(path)
        .map(|m| m.len() < 64 << 20)
        .unwrap_or(false);
    if app_id == APPLICATION_ID && small {
        let ok: String = conn
            .query_row("PRAGMA quick_check(1)", [], |r| r.get(0))
            .map_err(|e| not_ours(format!("corrupt: {e}")))?;
        if ok != "ok" {
            return Err(StoreError::Corrupt(format!(
                "{}: integrity check failed: {ok}",
                path.display()
            )));
        }
    }
    Ok(())
}

/// A file shorter than its own header says (page count × page size), when the header's page
/// count is valid (its "version-valid-for" equals the change counter) and no write-ahead log is
/// beside it (a checkpoint cut short by a crash may leave the file short, and the log then
/// restores it). Only for blindstep files (the application id at byte 68). Reads 100 bytes;
/// `None` when the file is whole or cannot be judged.
fn cut_short(path: &Path) -> Option<String> {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
        return None;
    }
    let mut head = [0u8; 100];
    let mut file = std::fs::File::open(path).ok()?;
    file.read_exact(&mut head).ok()?;
    let be32 = |at: usize| u32::from_be_bytes([head[at], head[at + 1], head[at + 2], head[at + 3]]);
    let page_size = match u16::from_be_bytes([head[16], head[17]]) {
        1 => 65_536,
        n => u64::from(n),
    };
    let pages = u64::from(be32(28));
    if i64::from(be32(68)) != APPLICATION_ID || be32(92) != be32(24) || pages == 0 {
        return None;
    }
    let len = file.metadata().ok()?.len();
    (len < pages * page_size).then(|| {
        format!(
            "truncated: its header says {pages} pages of {page_size} bytes ({} bytes), the file holds {len}",
            pages * page_size
        )
    })
}

fn set_pragmas(conn: &Connection) -> rusqlite::Result<()> {
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(rusqlite::Error::InvalidQuery);
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

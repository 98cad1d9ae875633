//! Store errors: each says what failed and where (file, case, line).

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: not a blindstep database ({reason}); the file was left unchanged")]
    NotBlindstep { path: PathBuf, reason: String },
    #[error(
        "{path}: database schema version {found} is newer than this blindstep understands ({supported}); upgrade blindstep; the file was left unchanged"
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error(
        "{path}: cannot be written: {reason}; blindstep writes the database file and, beside it, its -wal and -shm files; the file was left unchanged"
    )]
    CannotWrite { path: PathBuf, reason: String },
    #[error("{path}: {error}")]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("{path}: database error: {error}")]
    Open {
        path: PathBuf,
        error: rusqlite::Error,
    },
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("stored data is malformed: {0}")]
    Corrupt(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
    /// A save based on an event that is no longer the current one: the verdict changed in
    /// another session since this one loaded it. Nothing was written.
    #[error("{what} changed in another session since it was loaded; nothing was saved")]
    Stale {
        what: String,
        base: Option<crate::domain::EventId>,
        current: Option<crate::domain::EventId>,
    },
}

impl StoreError {
    pub(crate) fn corrupt(what: impl std::fmt::Display) -> Self {
        StoreError::Corrupt(what.to_string())
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::Corrupt(format!("stored JSON: {e}"))
    }
}

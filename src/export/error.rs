//! Why an export failed. Each variant says which file or which part of the store.

use super::atomic;
use crate::storage::StoreError;
use std::path::PathBuf;

/// Why an export failed; nothing was written at the destination.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("writing {path}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("writing {path}")]
    Csv {
        path: PathBuf,
        #[source]
        source: csv::Error,
    },
    #[error(transparent)]
    Out(#[from] atomic::OutError),
    #[error("{0}: not a file path")]
    BadPath(PathBuf),
    #[error("{0}")]
    Inconsistent(String),
}

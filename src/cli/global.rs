//! What every subcommand may read: the database to use (`--db`, `BLINDSTEP_DB`) and how
//! to open it, and the `--format` of listing commands.

use std::path::PathBuf;

/// Options every subcommand may read.
#[derive(Debug, Clone)]
pub struct Global {
    /// `--db`, if given.
    pub db: Option<PathBuf>,
    /// `BLINDSTEP_DB`, if set.
    pub env_db: Option<PathBuf>,
}

impl Global {
    /// The database path to use when the command has no default of its own.
    pub fn db_path(&self) -> PathBuf {
        self.db
            .clone()
            .or_else(|| self.env_db.clone())
            .unwrap_or_else(|| PathBuf::from("blindstep.db"))
    }

    /// Open the existing database at [`Global::db_path`]; a missing file is an
    /// error (a mistyped `--db` must not silently start an empty database).
    pub fn open_store(&self) -> anyhow::Result<crate::storage::Store> {
        let path = self.db_path();
        if !path.exists() {
            anyhow::bail!(
                "no blindstep database at {} (check --db or BLINDSTEP_DB; `blindstep cases import` or `models add` creates one)",
                path.display()
            );
        }
        // An empty file would become a new database on open: a read must not write into it.
        if std::fs::metadata(&path).is_ok_and(|m| m.is_file() && m.len() == 0) {
            anyhow::bail!(
                "{}: empty file (0 bytes), not a blindstep database; it was left untouched (`blindstep cases import` or `models add` starts a new database)",
                path.display()
            );
        }
        Ok(crate::storage::Store::open(&path)?)
    }

    /// Open the database at [`Global::db_path`], creating it if needed.
    pub fn create_store(&self) -> anyhow::Result<crate::storage::Store> {
        Ok(crate::storage::Store::open(&self.db_path())?)
    }
}

/// `--format` of listing commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Table,
    Json,
    Csv,
}

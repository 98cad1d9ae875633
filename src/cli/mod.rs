//! The command line: clap derive, one module per subcommand. Parsing and
//! dispatch only; the work happens in the library modules.

use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// Blind, step-by-step clinical audits of model reasoning.
#[derive(Debug, Parser)]
#[command(name = "blindstep", version, about)]
pub struct Cli {
    /// The study database (default: blindstep.db in the current directory).
    #[arg(long, global = true, env = "BLINDSTEP_DB")]
    pub db: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

/// Options every subcommand may read.
#[derive(Debug, Clone)]
pub struct Global {
    /// `--db` or `BLINDSTEP_DB`, if given.
    pub db: Option<PathBuf>,
}

impl Global {
    /// The database path to use when the command has no default of its own.
    pub fn db_path(&self) -> PathBuf {
        self.db
            .clone()
            .unwrap_or_else(|| PathBuf::from("blindstep.db"))
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
}

impl Cli {
    pub fn run(self) -> anyhow::Result<()> {
        let _global = Global { db: self.db };
        match self.command {}
    }
}

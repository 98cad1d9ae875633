//! The command line: clap derive, one module per subcommand. Parsing and
//! dispatch only; the work happens in the library modules.

pub mod adjudicate;
pub mod bench;
pub mod cases;
pub mod export;
pub mod generate;
pub mod lab;
pub mod leakage;
pub mod models;
pub mod models_check;
pub mod review;
pub mod runs;
pub mod runs_score;
pub mod sampling;
pub mod strip;
pub mod study;
pub mod study_packs;
pub mod table;
pub mod tally;
pub mod value_enums;

use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// Blind, step-by-step clinical audits of model reasoning.
#[derive(Debug, Parser)]
#[command(name = "blindstep", version, about)]
pub struct Cli {
    /// The study database [env: BLINDSTEP_DB] (default: blindstep.db in the current directory).
    #[arg(long, global = true)]
    pub db: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

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

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the demo study in the review TUI (built from shipped files on first run).
    Demo(review::DemoArgs),
    /// Review a study's items blind, step by step.
    Review(review::ReviewArgs),
    /// Check, import, list and show cases.
    Cases(cases::CasesArgs),
    /// Register and list models.
    Models(models::ModelsArgs),
    /// Import, list and show model runs.
    Runs(runs::RunsArgs),
    /// Create, show and unblind studies.
    Study(study::StudyArgs),
    /// Per-model tallies and statistics (progress and agreement only before unblinding).
    Tally(tally::TallyArgs),
    /// Export steps, cases, the tally or the audit trail as a tidy CSV.
    Export(export::ExportArgs),
    /// Settle items the reviewers disagree on, blind (never as one of the item's reviewers).
    Adjudicate(adjudicate::AdjudicateArgs),
    /// Generate runs with a local model (candle) or a served one (OpenAI-compatible).
    Generate(generate::GenerateArgs),
    /// Researcher screens: pick cases, run a model with streaming output, view runs raw vs stripped.
    Lab(lab::LabArgs),
    /// Strip and segment a raw model output, to check the stripper on any text.
    Strip(strip::StripArgs),
    /// Can a classifier tell two models apart, raw vs stripped?
    Leakage(leakage::LeakageArgs),
    /// Print performance figures beside their targets.
    Bench(bench::BenchArgs),
}

impl Cli {
    pub fn run(self) -> anyhow::Result<()> {
        let global = Global {
            db: self.db,
            env_db: std::env::var_os("BLINDSTEP_DB")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
        };
        match self.command {
            Command::Demo(a) => review::demo(a, &global),
            Command::Review(a) => review::review(a, &global),
            Command::Cases(a) => cases::run(a, &global),
            Command::Bench(a) => bench::run(a),
            Command::Generate(a) => generate::run(a, &global),
            Command::Models(a) => models::run(a, &global),
            Command::Runs(a) => runs::run(a, &global),
            Command::Study(a) => study::run(a, &global),
            Command::Leakage(a) => leakage::run(a, &global),
            Command::Tally(a) => tally::run(a, &global),
            Command::Export(a) => export::run(a, &global),
            Command::Adjudicate(a) => adjudicate::run(a, &global),
            Command::Lab(a) => lab::run(a, &global),
            Command::Strip(a) => strip::run(a),
        }
    }
}

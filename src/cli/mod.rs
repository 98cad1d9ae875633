//! The command line: clap derive, one module per subcommand. Parsing and
//! dispatch only; the work happens in the library modules.

pub mod adjudicate;
pub mod bench;
pub mod cases;
pub mod export;
pub mod generate;
pub mod global;
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
pub mod study_args;
pub mod study_packs;
pub mod table;
pub mod tally;
pub mod value_enums;

pub use global::{Global, OutputFormat};

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

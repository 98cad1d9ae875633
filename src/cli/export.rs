//! `blindstep export`: one tidy CSV (steps, cases, tally or the audit trail), written
//! atomically and recorded in the study's audit trail.

use super::Global;
use crate::export::{ExportRequest, Profile, What, export};
use crate::stats::SignificanceLevel;
use crate::tally::TallyConfig;
use crate::workflow::study::actor;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The study to export.
    #[arg(long)]
    pub study: String,
    /// Which table.
    #[arg(long, value_enum)]
    pub what: What,
    /// Where to write it (owner-only, written atomically; never a database).
    #[arg(long)]
    pub out: PathBuf,
    /// Replace an existing file at --out (a database is never replaced).
    #[arg(long)]
    pub force: bool,
    /// `excel`: BOM, CRLF, formula guard; `data`: plain, for R and pandas.
    #[arg(long, value_enum, default_value = "data")]
    pub profile: Profile,
    /// Steps and cases: every verdict event, not just the current verdicts.
    #[arg(long)]
    pub history: bool,
    /// Significance level of the paired tests (for `--what tally`).
    /// Override the study plan's α (default: the plan's, fixed at `study create`).
    #[arg(long)]
    pub alpha: Option<f64>,
}

pub fn run(args: ExportArgs, global: &Global) -> anyhow::Result<()> {
    let mut store = global.open_store()?;
    let who = actor();
    let report = export(
        &mut store,
        &ExportRequest {
            study: &args.study,
            what: args.what,
            out: &args.out,
            force: args.force,
            profile: args.profile,
            history: args.history,
            tally: TallyConfig {
                alpha: args.alpha.map(SignificanceLevel::new).transpose()?,
                ..TallyConfig::default()
            },
            actor: &who,
        },
    )?;
    println!(
        "wrote {} row(s) of {} to {} ({} profile){}",
        report.rows,
        args.what.as_str(),
        report.path.display(),
        args.profile.as_str(),
        if report.blinded {
            "; the study is blinded, so model columns are empty"
        } else {
            ""
        }
    );
    Ok(())
}

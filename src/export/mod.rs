//! Exports and the tally's data: CSV profiles and atomic files ([`csv_out`]), the store →
//! tally join ([`gather`]) and the four tidy tables ([`tables`], [`events`]). With
//! `stats`/`tally`, the only place that joins the sides reviewers saw to the models that
//! wrote them, and it names a model only once the study is unblinded.
//!
//! Must not: render to the terminal, write a file anywhere but through [`atomic::AtomicFile`],
//! or write to an `--out` that [`atomic::check_out`] refuses (a database, or an existing file
//! without `force`).

pub mod atomic;
pub mod csv_out;
mod error;
pub mod events;
pub mod gather;
pub mod tables;

pub use csv_out::{CsvOut, Profile, needs_formula_guard};
pub use error::ExportError;
pub use gather::{tally_input, tally_study};

use crate::storage::Store;
use crate::tally::TallyConfig;
use std::path::{Path, PathBuf};

/// Which table to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum What {
    /// One row per current step verdict (every event with `history`).
    Steps,
    /// One row per current case verdict and side.
    Cases,
    /// The tally, one number per row.
    Tally,
    /// The full audit trail: study, case-verdict and step-verdict events.
    Events,
}

impl What {
    pub fn as_str(self) -> &'static str {
        match self {
            What::Steps => "steps",
            What::Cases => "cases",
            What::Tally => "tally",
            What::Events => "events",
        }
    }
}

/// One export.
#[derive(Debug, Clone)]
pub struct ExportRequest<'a> {
    pub study: &'a str,
    pub what: What,
    pub out: &'a Path,
    /// Replace an existing file at `out` (never a database).
    pub force: bool,
    pub profile: Profile,
    /// Steps and cases: every event instead of the current verdicts.
    pub history: bool,
    /// For `tally`: level and bootstrap (subgroups are always all three).
    pub tally: TallyConfig,
    /// Who exports, for the audit trail.
    pub actor: &'a str,
}

/// What was written.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ExportReport {
    pub path: PathBuf,
    /// Data rows (the header not counted).
    pub rows: u64,
    /// Whether model identity was withheld (the study is still blinded).
    pub blinded: bool,
}

/// Write one table atomically and record an `exported` event in the study's audit trail.
pub fn export(store: &mut Store, req: &ExportRequest<'_>) -> Result<ExportReport, ExportError> {
    let study = store.study(req.study)?;
    atomic::check_out(req.out, Some(store.path()), req.force)?;
    let (out, f, p) = (req.out, req.force, req.profile);
    let rows = match req.what {
        What::Steps => tables::write_steps(store, &study, out, f, p, req.history)?,
        What::Cases => tables::write_cases(store, &study, out, f, p, req.history)?,
        What::Events => events::write_events(store, &study, out, f, p)?,
        What::Tally => {
            let config = TallyConfig {
                by: crate::tally::GroupBy::ALL.to_vec(),
                ..req.tally.clone()
            };
            let t = tally_study(store, req.study, &config)?;
            tables::write_tally(&t, out, f, p)?
        }
    };
    let blinded = study.unblinded_at.is_none();
    let detail = serde_json::json!({
        "what": req.what, "profile": req.profile, "path": req.out.display().to_string(),
        "rows": rows, "history": req.history, "blinded": blinded,
    });
    store.record_study_event(study.id, "exported", req.actor, &detail.to_string())?;
    Ok(ExportReport {
        path: req.out.to_path_buf(),
        rows,
        blinded,
    })
}

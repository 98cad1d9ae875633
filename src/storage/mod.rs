//! The SQLite store: the only module that knows SQL. `Store::open` checks the
//! file, sets the pragmas, then applies the numbered migrations in order.
//! Nothing here renders, prompts or prints.

mod analysis;
pub mod audit;
mod case_names;
mod cases;
pub mod collect;
mod error;
pub mod lifecycle;
mod models;
mod open;
mod pack_read;
pub mod packs;
mod report_steps;
mod reports;
mod review;
mod review_save;
mod runs;
mod sqlmap;
mod studies;
pub mod testing;

/// Report rows carry the model slot each side held; the type itself lives in `domain`.
pub use crate::domain::Slot;
pub use analysis::{AdjudicationRow, ChainFacts};
pub use cases::normalise_question;
pub use cases::{CaseImportReport, ImportMode};
pub use error::StoreError;
pub use models::NewModel;
pub use open::{APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION};
pub use report_steps::{LabelRow, StepRow, mode_bits};
pub use reports::{CaseRow, ReportAssignment, ReportItem, Rows, StudyEventRow};
pub use review_save::Base;
pub use runs::{NewRun, RunImportReport, RunSummary};
pub use studies::{ItemRow, NewStudy, ReviewerProgress, StudyOverview};

use rusqlite::Connection;

/// An open blindstep database.
pub struct Store {
    conn: Connection,
    path: std::path::PathBuf,
}

impl Store {
    /// The database file this store was opened from.
    pub fn path(&self) -> &std::path::Path {
        &self.path
    }
}

//! The lab's state ([`LabApp`]): which screen is up, the case picker, the settings form, the
//! batch in progress, the runs list and the raw-vs-stripped view. Changed only by
//! `LabApp::update`; views read it. Model names and timings live here on purpose (this is a
//! researcher screen); none of it may reach `crate::tui`.

use crate::domain::{Case, CaseId, Chain, Model, Run, RunId};
use crate::lab::picker::{PickerMatch, filter};
use crate::lab::settings::SettingsForm;
use crate::storage::RunSummary;

/// The lab's screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// The fuzzy case picker.
    Picker,
    /// The model and its sampling settings.
    Settings,
    /// The batch in progress, streaming.
    Running,
    /// The stored runs.
    Runs,
    /// One run raw beside its stripped chain.
    RawVsStripped,
}

/// What the status line says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StatusKind {
    #[default]
    Info,
    Done,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Status {
    pub text: String,
    pub kind: StatusKind,
}

/// The picker: the query, what it matches, the cursor, the picks.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Picker {
    pub query: String,
    pub matches: Vec<PickerMatch>,
    /// Index into `matches`.
    pub cursor: usize,
    /// Picked cases, in the order they were picked.
    pub picked: Vec<CaseId>,
}

/// Where a batch is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Waiting for the worker to load the model.
    Loading,
    Generating,
    /// Cancel was asked for; waiting for the worker to stop.
    Cancelling,
    /// The worker ran every case.
    Finished,
    /// The worker stopped after a cancel (the case in progress was not saved).
    Cancelled,
}

impl Phase {
    /// The worker is done with the batch (every case ran, or it was cancelled).
    pub fn is_over(self) -> bool {
        matches!(self, Phase::Finished | Phase::Cancelled)
    }
}

/// How one case of a batch ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Saved { run: RunId, tokens_per_second: f64 },
    Failed(String),
    Cancelled,
}

/// A batch of cases run through one model.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    pub model: String,
    /// The model as the worker describes it once loaded.
    pub identity: Option<String>,
    pub cases: Vec<CaseId>,
    pub phase: Phase,
    /// The case being generated and its text so far.
    pub current: Option<CaseId>,
    pub text: String,
    /// Live speed of the current case.
    pub tokens: u64,
    pub tokens_per_second: Option<f64>,
    pub outcomes: Vec<(CaseId, Outcome)>,
}

impl Batch {
    pub fn new(model: String, cases: Vec<CaseId>) -> Self {
        Self {
            model,
            identity: None,
            cases,
            phase: Phase::Loading,
            current: None,
            text: String::new(),
            tokens: 0,
            tokens_per_second: None,
            outcomes: Vec::new(),
        }
    }

    /// Cases with an outcome (saved, failed or cancelled).
    pub fn done(&self) -> usize {
        self.outcomes.len()
    }

    pub fn saved(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|(_, o)| matches!(o, Outcome::Saved { .. }))
            .count()
    }

    pub fn failed(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|(_, o)| matches!(o, Outcome::Failed(_)))
            .count()
    }

    /// Mean decode speed over the saved cases.
    pub fn mean_tokens_per_second(&self) -> Option<f64> {
        let v: Vec<f64> = self
            .outcomes
            .iter()
            .filter_map(|(_, o)| match o {
                Outcome::Saved {
                    tokens_per_second, ..
                } => Some(*tokens_per_second),
                _ => None,
            })
            .collect();
        (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
    }
}

/// A run with its latest chain (none when it was never stripped).
#[derive(Debug, Clone, PartialEq)]
pub struct RunView {
    pub run: Run,
    pub chain: Option<Chain>,
}

/// The raw-vs-stripped view: the run and the focused step.
#[derive(Debug, Clone, PartialEq)]
pub struct RawState {
    pub view: RunView,
    pub focus: usize,
}

impl RawState {
    pub fn steps(&self) -> usize {
        self.view.chain.as_ref().map_or(0, |c| c.steps.len())
    }
}

/// The runs list.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RunsList {
    pub rows: Vec<RunSummary>,
    pub cursor: usize,
    /// Set once the first `RunsLoaded` arrived.
    pub loaded: bool,
}

/// The whole lab state.
#[derive(Debug, Clone, PartialEq)]
pub struct LabApp {
    pub screen: Screen,
    pub size: (u16, u16),
    pub no_color: bool,
    pub cases: Vec<Case>,
    pub models: Vec<Model>,
    pub picker: Picker,
    pub settings: SettingsForm,
    pub batch: Option<Batch>,
    pub runs: RunsList,
    pub raw: Option<RawState>,
    pub status: Status,
}

impl LabApp {
    /// A lab over `cases` and `models`, starting on the picker.
    pub fn new(
        cases: Vec<Case>,
        models: Vec<Model>,
        settings: SettingsForm,
        size: (u16, u16),
    ) -> Self {
        let matches = filter(&cases, "");
        let mut app = Self {
            screen: Screen::Picker,
            size,
            no_color: false,
            cases,
            models,
            picker: Picker {
                matches,
                ..Picker::default()
            },
            settings,
            batch: None,
            runs: RunsList::default(),
            raw: None,
            status: Status::default(),
        };
        if app.cases.is_empty() {
            app.error("no cases in the database: add some with `blindstep cases import`");
        }
        app
    }

    /// Is a batch still running (or stopping)?
    pub fn busy(&self) -> bool {
        self.batch.as_ref().is_some_and(|b| !b.phase.is_over())
    }

    pub fn case(&self, id: &CaseId) -> Option<&Case> {
        self.cases.iter().find(|c| &c.id == id)
    }

    /// The case under the picker's cursor.
    pub fn cursor_case(&self) -> Option<&Case> {
        self.picker
            .matches
            .get(self.picker.cursor)
            .and_then(|m| self.cases.get(m.case))
    }

    pub fn chosen_model(&self) -> Option<&Model> {
        self.models.get(self.settings.model)
    }

    pub(crate) fn info(&mut self, text: impl Into<String>) {
        self.status = Status {
            text: text.into(),
            kind: StatusKind::Info,
        };
    }

    pub(crate) fn done(&mut self, text: impl Into<String>) {
        self.status = Status {
            text: text.into(),
            kind: StatusKind::Done,
        };
    }

    pub(crate) fn error(&mut self, text: impl Into<String>) {
        self.status = Status {
            text: text.into(),
            kind: StatusKind::Error,
        };
    }
}

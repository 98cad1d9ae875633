//! Plain domain types (SPEC §3): cases, models, runs, chains, studies, verdicts,
//! and the blinded views a reviewer's screen receives. No I/O lives here.

pub mod blind;
pub mod case;
pub mod chain;
pub mod enums;
pub mod ids;
pub mod model;
pub mod run;
pub mod study;
pub mod verdict;

pub use blind::{BlindChain, BlindItem, BlindStep, ItemStatus, QueueEntry, ReviewCursor};
pub use case::{Case, RedFlag, Task};
pub use chain::{AnswerOutcome, Chain, FinalAnswer, RawField, Span, Step};
pub use enums::{
    ErrorMode, Incidence, ParseEnumError, Preference, Role, Severity, Side, Specialty, StepLabel,
    TaskKind,
};
pub use ids::{CaseId, ChainId, EventId, ItemId, ModelId, ReviewerId, RunId, StudyId};
pub use model::{Model, ModelSource};
pub use run::{Provenance, Run, SamplingParams};
pub use study::{Assignment, Study};
pub use verdict::{CaseVerdict, CaseVerdictEvent, StepVerdict, StepVerdictEvent};

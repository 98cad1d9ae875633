//! Plain domain types (SPEC §3): cases, models, runs, chains, studies, verdicts,
//! the blinded views a reviewer's screen receives, model slots, and the study assignment
//! (which reviewer sees which item, on which side). No I/O lives here.

pub mod adjudication;
pub mod assign;
pub mod blind;
pub mod case;
pub mod chain;
pub mod enums;
pub mod ids;
pub mod matching;
pub mod model;
pub mod model_family;
pub mod plan;
pub mod run;
pub mod slot;
pub mod study;
pub mod verdict;

pub use blind::{
    BlindChain, BlindItem, BlindStep, ItemStatus, QueueEntry, ReviewCursor, VerdictEvents,
};
pub use case::{Case, RedFlag, Task};
pub use chain::{AnswerOutcome, Chain, FinalAnswer, RawField, Span, Step};
pub use enums::{
    ErrorMode, Incidence, ParseEnumError, PlanRating, Preference, Role, Severity, Side, Specialty,
    Stage, StepLabel, TaskKind,
};
pub use ids::{CaseId, ChainId, EventId, ItemId, ModelId, ReviewerId, RunId, StudyId};
pub use model::{Model, ModelSource};
pub use plan::{AnalysisPlan, PlanRecord, TieRule};
pub use run::{Provenance, Run, SamplingParams};
pub use slot::Slot;
pub use study::{Assignment, Study};
pub use verdict::{CaseVerdict, CaseVerdictEvent, StepVerdict, StepVerdictEvent, UndoneChange};

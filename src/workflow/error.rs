//! The workflow layer's error. A refusal carries the message the coordinator reads (what was
//! asked, why it cannot be done, what to do instead); a failure below wraps the layer's own
//! error unchanged, so the command line prints the same chain of causes as before. Must not
//! hide which file or item failed.

use crate::domain::assign::AssignError;
use crate::export::atomic::OutError;
use crate::ingest::{Problem, Problems};
use crate::select::SelectError;
use crate::storage::StoreError;
use crate::tui::BackendError;

#[derive(Debug, thiserror::Error)]
pub enum WorkflowError {
    /// The request cannot be done as asked; the message says what and why.
    #[error("{0}")]
    Refused(String),
    /// Stored data the request relies on is not there (a run's case, a chain's run).
    #[error("{0}")]
    Missing(String),
    /// A shipped demo case file does not load (a build defect, never the user's input).
    #[error("shipped demo case is invalid: {0}")]
    ShippedDemo(Problems),
    /// A file could not be read, written or copied; `what` names it.
    #[error("{what}")]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },
    /// `context` failed for the reason below.
    #[error("{context}")]
    Context {
        context: String,
        #[source]
        source: Box<WorkflowError>,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Backend(#[from] BackendError),
    #[error(transparent)]
    Select(#[from] SelectError),
    #[error(transparent)]
    Assign(#[from] AssignError),
    #[error(transparent)]
    Problem(#[from] Problem),
    #[error(transparent)]
    Problems(#[from] Problems),
    #[error(transparent)]
    Out(#[from] OutError),
}

/// What the workflow functions return.
pub type WorkflowResult<T> = Result<T, WorkflowError>;

impl WorkflowError {
    /// An I/O failure on the thing `what` names.
    pub fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> WorkflowError {
        let what = what.into();
        move |source| WorkflowError::Io { what, source }
    }

    /// This error as the cause of `context` failing.
    pub fn context(self, context: impl Into<String>) -> WorkflowError {
        WorkflowError::Context {
            context: context.into(),
            source: Box::new(self),
        }
    }
}

/// Return early with a [`WorkflowError::Refused`] built like `format!`.
macro_rules! refuse {
    ($($arg:tt)*) => {
        return Err($crate::workflow::error::WorkflowError::Refused(format!($($arg)*)).into())
    };
}
pub(crate) use refuse;

//! Newtype ids, so a case id can never be passed where a study id is expected.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! int_id {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

macro_rules! text_id {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            pub fn new(s: impl Into<String>) -> Self {
                Self(s.into())
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

text_id!(
    /// A case id as the case file or source gives it (`im-chest-pain-01`, `medqa:300`).
    CaseId
);
text_id!(
    /// A reviewer's chosen id (`r1`, `dr-osei`).
    ReviewerId
);
int_id!(
    /// Row id of a registered model.
    ModelId
);
int_id!(
    /// Row id of a run (one model's raw output on one case).
    RunId
);
int_id!(
    /// Row id of a chain (a run's stripped, segmented reasoning).
    ChainId
);
int_id!(
    /// Row id of a study.
    StudyId
);
int_id!(
    /// Row id of a study item (one case with its two chains).
    ItemId
);
int_id!(
    /// Row id of an appended verdict event.
    EventId
);

//! Domain enums and their one text form, used by the CLI, the files and SQL alike.
//! The schema's `CHECK` constraints list exactly these strings.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// An enum value that is not one of the allowed strings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} {value:?} (expected one of: {expected})")]
pub struct ParseEnumError {
    pub kind: &'static str,
    pub value: String,
    pub expected: String,
}

macro_rules! text_enum {
    ($(#[$m:meta])* $name:ident, $kind:literal { $($(#[$vm:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vm])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The one text form (files, CLI, SQL).
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = ParseEnumError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(ParseEnumError {
                        kind: $kind,
                        value: s.to_string(),
                        expected: [$($text),+].join(", "),
                    }),
                }
            }
        }
    };
}

text_enum!(
    /// Clinical specialty of a case (the five of Zhong et al. plus `other`).
    Specialty, "specialty" {
        InternalMedicine => "internal_medicine",
        Surgery => "surgery",
        Neurology => "neurology",
        Gynecology => "gynecology",
        Pediatrics => "pediatrics",
        Other => "other",
    }
);

text_enum!(
    /// How often the condition is met in practice.
    Incidence, "incidence" {
        Frequent => "frequent",
        LessFrequent => "less_frequent",
        Rare => "rare",
    }
);

text_enum!(
    /// How much of the work-up a case shows: the presentation only (history,
    /// examination, bedside tests) or the investigations too.
    Stage, "stage" {
        /// History, examination and bedside tests only.
        Presentation => "presentation",
        /// The investigations are given (the default).
        Investigated => "investigated",
    }
);

// The enum comes from `text_enum!`, whose derive list has no `Default`.
#[allow(clippy::derivable_impls)]
impl Default for Stage {
    fn default() -> Self {
        Stage::Investigated
    }
}

impl Stage {
    /// Serde helper: the default stage is not written out, so case bodies
    /// stored before stages existed keep their content hash.
    pub fn is_default(&self) -> bool {
        *self == Stage::Investigated
    }
}

text_enum!(
    /// What the case asks of a model.
    TaskKind, "task kind" {
        /// Multiple choice with a gold letter.
        Mcq => "mcq",
        /// Free differential, scored by top-5 inclusion of the gold diagnosis.
        Differential => "differential",
        /// Treatment plan, rated by the reviewer (adequate / partly / inadequate).
        Plan => "plan",
    }
);

text_enum!(
    /// A reviewer's rating of one side's treatment plan (task kind `plan`).
    PlanRating, "plan rating" {
        Adequate => "adequate",
        Partly => "partly",
        Inadequate => "inadequate",
    }
);

text_enum!(
    /// A reviewer's judgement of one step (PRM800K-style, with abstain).
    StepLabel, "step label" {
        /// Factually and clinically correct, and relevant.
        Sound => "sound",
        /// Correct but adds nothing.
        Neutral => "neutral",
        /// Factually wrong, clinically wrong, or a non-sequitur.
        Error => "error",
        /// The reviewer cannot judge this step.
        Abstain => "abstain",
    }
);

text_enum!(
    /// How bad an error step is.
    Severity, "severity" {
        Minor => "minor",
        Major => "major",
        /// Could lead to patient harm.
        Harmful => "harmful",
    }
);

text_enum!(
    /// Error-mode tags (SPEC §3).
    ErrorMode, "error mode" {
        /// Reasoning drift: departs from the case.
        Drift => "drift",
        /// Red-flag recognition failure.
        RedFlag => "red_flag",
        /// Diagnostic priority inversion.
        Priority => "priority",
        /// Anything else (with a note).
        Other => "other",
    }
);

text_enum!(
    /// A model's role in a comparison.
    Role, "role" {
        Student => "student",
        Teacher => "teacher",
        Base => "base",
        Other => "other",
    }
);

text_enum!(
    /// The side of the review screen a chain is shown on.
    Side, "side" {
        Left => "left",
        Right => "right",
    }
);

text_enum!(
    /// The reviewer's preferred side for an item.
    Preference, "preference" {
        Left => "left",
        Right => "right",
        Tie => "tie",
    }
);

impl Side {
    pub fn other(self) -> Side {
        match self {
            Side::Left => Side::Right,
            Side::Right => Side::Left,
        }
    }
    /// 0 for left, 1 for right: index into per-side arrays.
    pub fn index(self) -> usize {
        match self {
            Side::Left => 0,
            Side::Right => 1,
        }
    }
}

impl StepLabel {
    /// The single key that sets this label in the review screen.
    pub fn key(self) -> char {
        match self {
            StepLabel::Sound => '1',
            StepLabel::Neutral => '2',
            StepLabel::Error => '3',
            StepLabel::Abstain => '0',
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_round_trips() {
        for s in Specialty::ALL {
            assert_eq!(s.as_str().parse::<Specialty>().unwrap(), *s);
        }
        for s in ErrorMode::ALL {
            assert_eq!(s.as_str().parse::<ErrorMode>().unwrap(), *s);
        }
        let e = "cardiology".parse::<Specialty>().unwrap_err();
        assert!(e.to_string().contains("internal_medicine"), "{e}");
    }
}

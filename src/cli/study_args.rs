//! The arguments of `blindstep study` (clap derive), shared by [`super::study`] and
//! [`super::study_packs`], which run them.

use super::OutputFormat;
use crate::domain::TieRule;
use clap::{Args, Subcommand};

#[derive(Debug, Args)]
pub struct StudyArgs {
    #[command(subcommand)]
    pub command: StudyCommand,
}

#[derive(Debug, Subcommand)]
pub enum StudyCommand {
    /// Create a blind study of two models on the cases both have runs for.
    Create {
        name: String,
        /// The two models, `A,B`.
        #[arg(long, value_delimiter = ',', num_args = 1)]
        models: Vec<String>,
        /// Comma-separated exact case ids (an alias of a renamed case counts as its id).
        #[arg(long, conflicts_with = "all")]
        cases: Option<String>,
        /// Cases whose text has every word of TEXT (id, title, question, options, vignette).
        #[arg(long = "match", value_name = "TEXT", conflicts_with = "all")]
        matching: Option<String>,
        /// Every case both models have runs for.
        #[arg(long, required_unless_present_any = ["cases", "matching"])]
        all: bool,
        /// Reviewer ids, comma-separated.
        #[arg(long, value_delimiter = ',', required = true)]
        reviewers: Vec<String>,
        /// How many reviewers see each item.
        #[arg(long, default_value_t = 1)]
        overlap: u32,
        /// Seed for sides and order (default: derived from the name).
        #[arg(long)]
        seed: Option<u64>,
        /// Create the study even though some chain text names a model.
        #[arg(long)]
        allow_named_models: bool,
        /// Re-segment both chains of each item to a common step count (±1),
        /// so that the number of steps does not tell the sides apart.
        #[arg(long)]
        equal_steps: bool,
        /// How reviewer disagreement on a binary outcome is analysed until adjudicated.
        #[arg(long, value_enum, default_value = "majority-else-exclude")]
        ties: TieRule,
        /// Significance level of the paired tests, fixed now (changes later are audited).
        #[arg(long, default_value_t = 0.01)]
        alpha: f64,
        /// Primary outcomes (comma-separated), e.g. answer_correct,step_error_rate.
        #[arg(
            long,
            value_delimiter = ',',
            default_value = "answer_correct,step_error_rate"
        )]
        primary: Vec<String>,
    },
    /// Change the analysis plan (tie rule, α, primary outcomes): recorded in the audit
    /// trail; a change after unblinding is flagged in the tally and the methods paragraph.
    Plan {
        name: String,
        #[arg(long, value_enum)]
        ties: Option<TieRule>,
        #[arg(long)]
        alpha: Option<f64>,
        #[arg(long, value_delimiter = ',')]
        primary: Option<Vec<String>>,
        /// Why (required).
        #[arg(long)]
        reason: String,
    },
    /// List studies.
    List,
    /// Items, reviewers and progress (no model identity before unblinding).
    Show {
        name: String,
        #[arg(long, value_enum, default_value = "table")]
        format: OutputFormat,
    },
    /// Reveal which model is which: recorded in the audit trail, irreversible. Reviews
    /// stop (no new verdicts) unless the study is reopened.
    Unblind {
        name: String,
        /// Confirm without the prompt.
        #[arg(long)]
        yes: bool,
    },
    /// Write one reviewer's blinded work to a pack file of its own (their items, cases and
    /// chains, their own verdicts; no model identity), for review elsewhere.
    Pack {
        name: String,
        #[arg(long)]
        reviewer: String,
        /// The pack file to write (owner-only; never a database).
        #[arg(long)]
        out: std::path::PathBuf,
        /// Replace an existing file at --out (a database is never replaced).
        #[arg(long)]
        force: bool,
    },
    /// Merge the new verdicts of returned packs (each checked: this study, its reviewer,
    /// unaltered items and chains). Collecting a pack again adds nothing.
    Collect {
        name: String,
        #[arg(required = true)]
        files: Vec<std::path::PathBuf>,
    },
    /// Take verdicts again after unblinding (audited).
    Reopen {
        name: String,
        /// Why, for the audit trail.
        #[arg(long)]
        reason: Option<String>,
        /// Confirm without the prompt.
        #[arg(long)]
        yes: bool,
    },
    /// Add reviewers, and move a dropped reviewer's unstarted items to the others (balanced,
    /// audited).
    Assign {
        name: String,
        /// Reviewers to add, comma-separated.
        #[arg(long, value_delimiter = ',')]
        add: Vec<String>,
        /// A reviewer whose unstarted items move to others (started items stay theirs).
        #[arg(long)]
        drop: Option<String>,
        /// Only these reviewers receive the moved items (default: every other reviewer).
        #[arg(long, value_delimiter = ',', requires = "drop")]
        to: Vec<String>,
    },
}

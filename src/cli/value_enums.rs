//! Command-line spellings of the library's choice types. The types live in the library
//! without knowing clap; their `clap::ValueEnum` impls are here, at the edge, one line per
//! choice (the spelling, aliases, and the help text clap prints).

use crate::domain::TieRule;
use crate::export::{Profile, What};
use crate::ingest::CaseFormat;
use crate::ingest::run_formats::RunFormat;
use crate::tally::GroupBy;

/// `impl clap::ValueEnum` from `Type { Variant => "name" [alias "other"] [help "text"], … }`.
macro_rules! value_enum {
    ($ty:ident { $($variant:ident => $name:literal $(alias $alias:literal)? $(help $help:literal)?),+ $(,)? }) => {
        impl clap::ValueEnum for $ty {
            fn value_variants<'a>() -> &'a [Self] {
                &[$($ty::$variant),+]
            }

            fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
                Some(match self {
                    $($ty::$variant => clap::builder::PossibleValue::new($name)
                        $(.alias($alias))?
                        $(.help($help))?),+
                })
            }
        }
    };
}

value_enum!(Profile {
    Excel => "excel" help "BOM, CRLF, formula-injection guard: opens safely in spreadsheet programs",
    Data => "data" help "Plain UTF-8 with LF: for R, pandas and sqlite3 `.import`",
});

value_enum!(What {
    Steps => "steps" help "One row per current step verdict (every event with `history`)",
    Cases => "cases" help "One row per current case verdict and side",
    Tally => "tally" help "The tally, one number per row",
    Events => "events" help "The full audit trail: study, case-verdict and step-verdict events",
});

value_enum!(RunFormat {
    Auto => "auto",
    Jsonl => "jsonl" help "blindstep run JSONL",
    Medagents => "medagents" help "MedAgentsBench output arrays, including the chain-of-thought files",
    Medrbench => "medrbench" help "MedR-Bench outputs (`output.thinking_process`, `output.content`)",
    Openai => "openai" help "OpenAI chat-completion responses, bare or in a batch-output wrapper",
});

value_enum!(CaseFormat {
    Auto => "auto" help "Decide from the extension and the records' fields",
    Toml => "toml",
    Medqa => "medqa",
    Medmcqa => "medmcqa",
    Medagents => "medagents" help "The questions of MedAgentsBench output files",
    Jsonl => "jsonl" help "blindstep case JSONL",
    Agentclinic => "agentclinic" help "AgentClinic OSCE or NEJM Image Challenge JSONL",
});

value_enum!(TieRule {
    Exclude => "exclude" help "Only unanimous (or adjudicated) items count; every disagreement is left out",
    Any => "any" help "The outcome holds if any reviewer says it does",
    MajorityElseExclude => "majority-else-exclude" help "The strict majority decides; an exact tie is left out",
});

value_enum!(GroupBy {
    TaskKind => "task_kind" alias "task-kind" help "`mcq`, `differential` or `plan`",
    Source => "source" help "The case's source dataset",
    Specialty => "specialty",
    Incidence => "incidence",
    Reviewer => "reviewer",
    Stage => "stage" help "Presentation variants against investigated cases",
});

#[cfg(test)]
mod tests {
    use super::*;
    use clap::ValueEnum;

    #[test]
    fn every_choice_keeps_its_spelling() {
        let names = |v: Vec<Option<clap::builder::PossibleValue>>| -> Vec<String> {
            v.into_iter()
                .flatten()
                .map(|p| p.get_name().to_string())
                .collect()
        };
        assert_eq!(
            names(
                GroupBy::value_variants()
                    .iter()
                    .map(|g| g.to_possible_value())
                    .collect()
            ),
            [
                "task_kind",
                "source",
                "specialty",
                "incidence",
                "reviewer",
                "stage"
            ]
        );
        assert_eq!(GroupBy::from_str("task-kind", false), Ok(GroupBy::TaskKind));
        assert_eq!(
            CaseFormat::from_str("agentclinic", false),
            Ok(CaseFormat::Agentclinic)
        );
        assert_eq!(RunFormat::from_str("openai", false), Ok(RunFormat::Openai));
        assert_eq!(Profile::from_str("excel", false), Ok(Profile::Excel));
        assert_eq!(What::from_str("events", false), Ok(What::Events));
    }
}

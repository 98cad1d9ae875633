//! Writing a case back out as a case file (`cases show`, round-trip tests).

use super::case_fields as fields;
use crate::domain::{Case, RedFlag, Task};

/// Render a case as a TOML case file (for `cases export` and round-trip tests).
pub fn to_toml(case: &Case) -> Result<String, toml::ser::Error> {
    #[derive(serde::Serialize)]
    struct Out<'a> {
        id: &'a str,
        #[serde(skip_serializing_if = "<[String]>::is_empty")]
        aliases: &'a [String],
        title: &'a str,
        specialty: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        incidence: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        stage: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        variant_of: Option<&'a str>,
        vignette: &'a str,
        question: &'a str,
        must_not_miss: Vec<fields::MustNotMissOut<'a>>,
        priority: &'a [String],
        source: &'a str,
        licence: &'a str,
        task: &'a Task,
        red_flags: &'a [RedFlag],
    }
    toml::to_string(&Out {
        id: case.id.as_str(),
        aliases: &case.aliases,
        title: &case.title,
        specialty: case.specialty.as_str(),
        incidence: case.incidence.map(|i| i.as_str()),
        stage: (!case.stage.is_default()).then(|| case.stage.as_str()),
        variant_of: case.variant_of.as_ref().map(|v| v.as_str()),
        vignette: &case.vignette,
        question: &case.question,
        must_not_miss: fields::must_not_miss_out(case),
        priority: &case.priority,
        source: &case.source,
        licence: &case.licence,
        task: &case.task,
        red_flags: &case.red_flags,
    })
}

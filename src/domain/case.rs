//! A clinical case: vignette, question, task and the clinical checklist
//! (red flags, must-not-miss diagnoses, expected priority order).

use super::enums::{Incidence, Specialty, Stage, TaskKind};
use super::ids::CaseId;
use super::matching::names_any;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    pub id: CaseId,
    pub title: String,
    pub specialty: Specialty,
    /// `None` for imported questions that carry no incidence.
    pub incidence: Option<Incidence>,
    pub vignette: String,
    pub question: String,
    pub task: Task,
    pub red_flags: Vec<RedFlag>,
    pub must_not_miss: Vec<String>,
    /// Expected order of the differential, most important first.
    pub priority: Vec<String>,
    pub source: String,
    pub licence: String,
    /// Other names of a must-not-miss diagnosis, keyed by its entry in `must_not_miss`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub must_not_miss_synonyms: BTreeMap<String, Vec<String>>,
    /// Ids this case had before (a renamed case keeps joining its old runs).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Presentation only, or with investigations (the default).
    #[serde(default, skip_serializing_if = "Stage::is_default")]
    pub stage: Stage,
    /// For a presentation variant: the investigated case it was made from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant_of: Option<CaseId>,
}

impl Case {
    /// The names of one must-not-miss diagnosis: the entry and its synonyms.
    pub fn must_not_miss_names<'a>(&'a self, entry: &'a str) -> impl Iterator<Item = &'a str> {
        std::iter::once(entry).chain(
            self.must_not_miss_synonyms
                .get(entry)
                .into_iter()
                .flatten()
                .map(String::as_str),
        )
    }

    /// Does `candidate` name this must-not-miss entry (or a synonym)?
    pub fn names_must_not_miss(&self, entry: &str, candidate: &str) -> bool {
        names_any(candidate, self.must_not_miss_names(entry))
    }

    /// The must-not-miss entries that no entry of `priority` names.
    pub fn must_not_miss_outside_priority(&self) -> Vec<&str> {
        self.must_not_miss
            .iter()
            .filter(|m| !self.priority.iter().any(|p| self.names_must_not_miss(m, p)))
            .map(String::as_str)
            .collect()
    }

    /// The key shared by the stages of one case: the investigated case's id.
    /// Two cases with one key are never given to the same reviewer.
    pub fn stage_group(&self) -> &str {
        self.variant_of
            .as_ref()
            .map(CaseId::as_str)
            .unwrap_or(self.id.as_str())
    }

    /// Is `name` this case's id or one of its aliases?
    pub fn is_named(&self, name: &str) -> bool {
        self.id.as_str() == name || self.aliases.iter().any(|a| a == name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Task {
    /// Multiple choice: option letter → text, and the gold letter.
    Mcq {
        options: BTreeMap<String, String>,
        answer: String,
    },
    /// Free differential, scored by top-5 inclusion of `diagnosis` or a synonym.
    Differential {
        diagnosis: String,
        synonyms: Vec<String>,
    },
    /// Treatment planning: the gold plan, shown to the reviewer only after the
    /// steps are judged; the reviewer rates each side's plan (no automatic scoring).
    Plan { plan: String },
}

impl Task {
    pub fn kind(&self) -> TaskKind {
        match self {
            Task::Mcq { .. } => TaskKind::Mcq,
            Task::Differential { .. } => TaskKind::Differential,
            Task::Plan { .. } => TaskKind::Plan,
        }
    }

    /// The gold answer as shown to a reviewer: `"B: Aortic dissection"` or the diagnosis.
    pub fn gold_display(&self) -> String {
        match self {
            Task::Mcq { options, answer } => match options.get(answer) {
                Some(text) => format!("{answer}: {text}"),
                None => answer.clone(),
            },
            Task::Differential { diagnosis, .. } => diagnosis.clone(),
            Task::Plan { plan } => plan.clone(),
        }
    }

    /// Does `candidate` name the gold diagnosis? Tolerant matching, see
    /// [`super::matching`]: case, punctuation, British/American spelling,
    /// plurals and an "acute" prefix do not matter.
    /// Never for a plan: plans are rated by the reviewer.
    pub fn matches_diagnosis(&self, candidate: &str) -> bool {
        match self {
            Task::Plan { .. } => false,
            Task::Mcq { answer, .. } => candidate.trim().eq_ignore_ascii_case(answer),
            Task::Differential {
                diagnosis,
                synonyms,
            } => names_any(
                candidate,
                std::iter::once(diagnosis.as_str()).chain(synonyms.iter().map(String::as_str)),
            ),
        }
    }
}

/// An alarm feature in the case and what it demands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedFlag {
    pub finding: String,
    pub action: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differential_matching_uses_synonyms() {
        let t = Task::Differential {
            diagnosis: "Subarachnoid haemorrhage".into(),
            synonyms: vec!["SAH".into(), "subarachnoid hemorrhage".into()],
        };
        assert!(t.matches_diagnosis("Aneurysmal subarachnoid hemorrhage"));
        assert!(t.matches_diagnosis("sah"));
        assert!(!t.matches_diagnosis("migraine"));
        assert!(!t.matches_diagnosis(""));
        // whole words only: "sah" must not match inside another word
        assert!(!t.matches_diagnosis("Hypersahara syndrome"));
    }

    #[test]
    fn differential_matching_is_tolerant() {
        let t = Task::Differential {
            diagnosis: "Acute mesenteric ischaemia".into(),
            synonyms: vec!["Bowel ischaemia".into()],
        };
        assert!(t.matches_diagnosis("Mesenteric ischemia"));
        assert!(t.matches_diagnosis("acute bowel ischemia"));
        assert!(t.matches_diagnosis("Mesenteric ischaemia (arterial embolism)"));
        assert!(!t.matches_diagnosis("Chronic mesenteric ischaemia"));
        assert!(!t.matches_diagnosis("Ischaemic colitis"));
    }
}

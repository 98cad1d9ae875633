//! A clinical case: vignette, question, task and the clinical checklist
//! (red flags, must-not-miss diagnoses, expected priority order).

use super::enums::{Incidence, Specialty, TaskKind};
use super::ids::CaseId;
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
    /// Other ids this case answers to (an old id after a rename): selecting an
    /// alias selects the case.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
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

    /// Does `candidate` name the gold diagnosis (case- and punctuation-insensitive)?
    /// Never for a plan: plans are rated by the reviewer.
    pub fn matches_diagnosis(&self, candidate: &str) -> bool {
        match self {
            Task::Plan { .. } => false,
            Task::Mcq { answer, .. } => candidate.trim().eq_ignore_ascii_case(answer),
            Task::Differential {
                diagnosis,
                synonyms,
            } => {
                let c = normalise(candidate);
                if c.is_empty() {
                    return false;
                }
                std::iter::once(diagnosis)
                    .chain(synonyms.iter())
                    .map(|d| normalise(d))
                    .any(|d| !d.is_empty() && format!(" {c} ").contains(&format!(" {d} ")))
            }
        }
    }
}

fn normalise(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                ' '
            }
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
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
}

//! Fictional case and item builders for the TUI's unit tests.

use crate::domain::{
    BlindChain, BlindItem, BlindStep, Case, CaseId, CaseVerdict, ItemId, RedFlag, Specialty,
    StepVerdict, Task,
};
use std::collections::BTreeMap;

pub(crate) fn case() -> Case {
    let mut options = BTreeMap::new();
    for (l, t) in [
        ("A", "Migraine"),
        ("B", "Tension headache"),
        ("C", "Subarachnoid haemorrhage"),
        ("D", "Cluster headache"),
    ] {
        options.insert(l.to_string(), t.to_string());
    }
    Case {
        id: CaseId::new("neuro-test-01"),
        title: "Sudden headache at the gym".into(),
        specialty: Specialty::Neurology,
        incidence: None,
        vignette: "A 47-year-old woman has a sudden severe headache while lifting weights.".into(),
        question: "What is the most likely diagnosis?".into(),
        task: Task::Mcq {
            options,
            answer: "C".into(),
        },
        red_flags: vec![
            RedFlag {
                finding: "Thunderclap onset".into(),
                action: "Urgent CT head".into(),
            },
            RedFlag {
                finding: "Neck stiffness".into(),
                action: "Treat as SAH until excluded".into(),
            },
        ],
        must_not_miss: vec!["Subarachnoid haemorrhage".into()],
        priority: vec!["Subarachnoid haemorrhage".into(), "Migraine".into()],
        source: "test".into(),
        licence: "CC0".into(),
        must_not_miss_synonyms: Default::default(),
        aliases: Vec::new(),
        stage: Default::default(),
        variant_of: None,
    }
}

pub(crate) fn item(id: i64, left: usize, right: usize) -> BlindItem {
    let chain = |n: usize, side: &str, answer: &str| BlindChain {
        steps: (0..n)
            .map(|i| BlindStep {
                text: format!("{side} step {} text", i + 1),
            })
            .collect(),
        answer: Some(answer.into()),
        differential: vec![],
        cut_off: false,
    };
    BlindItem {
        item: ItemId(id),
        position: 0,
        case: case(),
        chains: [chain(left, "left", "C"), chain(right, "right", "A")],
        verdicts: [
            vec![StepVerdict::default(); left],
            vec![StepVerdict::default(); right],
        ],
        case_verdict: CaseVerdict::default(),
        events: Default::default(),
    }
}

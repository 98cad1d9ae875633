//! The demo: a study built from shipped files alone (ten demo cases, two
//! fictional models' outputs, an answer key), and the training feedback
//! shown when the demo reviewer finishes an item. Feedback speaks of sides,
//! never of models, so even the demo stays blind.

use super::error::{WorkflowError, WorkflowResult};
use super::import_runs::{ImportOptions, import_runs_text};
use super::study::{StudySpec, create_study};
use crate::domain::{ModelSource, Role};
use crate::ingest::run_formats::RunFormat;
use crate::ingest::{CaseFormat, load_text};
use crate::storage::{ImportMode, NewModel, Store};
use std::path::Path;

pub const STUDY: &str = "demo";
pub const REVIEWER: &str = "you";
const SEED: u64 = 2026;
pub const STUDENT: &str = "aster-8b-distill";
pub const TEACHER: &str = "cobalt-70b";

const CASES: &[(&str, &str)] = &[
    (
        "demo-gyn-pelvic-pain-collapse.toml",
        include_str!("../../cases/demo-gyn-pelvic-pain-collapse.toml"),
    ),
    (
        "demo-gyn-sudden-pain-vomiting.toml",
        include_str!("../../cases/demo-gyn-sudden-pain-vomiting.toml"),
    ),
    (
        "demo-im-breathless-traveller.toml",
        include_str!("../../cases/demo-im-breathless-traveller.toml"),
    ),
    (
        "demo-im-vomiting-hypotension.toml",
        include_str!("../../cases/demo-im-vomiting-hypotension.toml"),
    ),
    (
        "demo-neuro-postpartum-headache.toml",
        include_str!("../../cases/demo-neuro-postpartum-headache.toml"),
    ),
    (
        "demo-neuro-sudden-word-finding.toml",
        include_str!("../../cases/demo-neuro-sudden-word-finding.toml"),
    ),
    (
        "demo-peds-febrile-neonate.toml",
        include_str!("../../cases/demo-peds-febrile-neonate.toml"),
    ),
    (
        "demo-peds-prolonged-fever-rash.toml",
        include_str!("../../cases/demo-peds-prolonged-fever-rash.toml"),
    ),
    (
        "demo-surg-elderly-abdominal-pain.toml",
        include_str!("../../cases/demo-surg-elderly-abdominal-pain.toml"),
    ),
    (
        "demo-surg-right-iliac-pain.toml",
        include_str!("../../cases/demo-surg-right-iliac-pain.toml"),
    ),
];
const RUNS_STUDENT: &str = include_str!("../../assets/demo/runs-aster.jsonl");
const RUNS_TEACHER: &str = include_str!("../../assets/demo/runs-cobalt.jsonl");

/// Build the demo study in `store` unless it exists. Returns true when built now.
pub fn ensure_demo(store: &mut Store) -> WorkflowResult<bool> {
    if store.studies()?.iter().any(|s| s.name == STUDY) {
        return Ok(false);
    }
    let mut cases = Vec::new();
    for (name, text) in CASES {
        let file = Path::new("cases").join(name);
        let mut loaded = load_text(&file, text, CaseFormat::Toml, None)
            .map_err(|p| WorkflowError::ShippedDemo(crate::ingest::Problems(p)))?;
        cases.append(&mut loaded);
    }
    store.import_cases(&cases, ImportMode::Refuse)?;
    for (name, role, runs, file) in [
        (
            STUDENT,
            Role::Student,
            RUNS_STUDENT,
            "assets/demo/runs-aster.jsonl",
        ),
        (
            TEACHER,
            Role::Teacher,
            RUNS_TEACHER,
            "assets/demo/runs-cobalt.jsonl",
        ),
    ] {
        let model = match store.find_model(name)? {
            Some(m) => m,
            None => {
                store.add_model(&NewModel {
                    name: name.into(),
                    role,
                    source: ModelSource::OutputsOnly,
                    tokenizer: None,
                    chat_template: None,
                    label: Some("fictional demo model".into()),
                })?;
                store.model(name)?
            }
        };
        import_runs_text(
            store,
            Path::new(file),
            runs,
            &model,
            &ImportOptions {
                format: RunFormat::Jsonl,
                only_model: None,
                skip_unmatched: false,
                mapping: None,
                chains: Default::default(),
            },
        )
        .map_err(|e| e.context(format!("importing the shipped demo runs {file}")))?;
    }
    let ids: Vec<String> = CASES
        .iter()
        .map(|(n, _)| n.trim_end_matches(".toml").to_string())
        .collect();
    let query = None::<&str>;
    let created = create_study(
        store,
        &StudySpec {
            name: STUDY,
            model_a: STUDENT,
            model_b: TEACHER,
            cases: query,
            matching: None,
            reviewers: vec![REVIEWER.into()],
            overlap: 1,
            seed: Some(SEED),
            actor: "blindstep demo",
            allow_named_models: false,
        },
    )?;
    debug_assert_eq!(created.items, ids.len());
    Ok(true)
}

pub use super::demo_feedback::DemoKey;

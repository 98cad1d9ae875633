//! The demo: a study built from shipped files alone (ten demo cases, two
//! fictional models' outputs, an answer key), and the training feedback
//! shown when the demo reviewer finishes an item. Feedback speaks of sides,
//! never of models, so even the demo stays blind.

use super::import_runs::{ImportOptions, import_runs_text};
use super::review_backend::FeedbackSource;
use super::study::{StudySpec, create_study};
use crate::domain::{
    BlindItem, ErrorMode, ModelSource, RawField, ReviewerId, Role, Severity, Side, StepLabel,
    StudyId,
};
use crate::ingest::run_formats::RunFormat;
use crate::ingest::{CaseFormat, load_text};
use crate::storage::{ImportMode, NewModel, Store};
use anyhow::Context;
use serde::Deserialize;
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
const KEY: &str = include_str!("../../assets/demo/key.toml");

/// Build the demo study in `store` unless it exists. Returns true when built now.
pub fn ensure_demo(store: &mut Store) -> anyhow::Result<bool> {
    if store.studies()?.iter().any(|s| s.name == STUDY) {
        return Ok(false);
    }
    let mut cases = Vec::new();
    for (name, text) in CASES {
        let file = Path::new("cases").join(name);
        let mut loaded = load_text(&file, text, CaseFormat::Toml, None).map_err(|p| {
            anyhow::anyhow!(
                "shipped demo case is invalid: {}",
                crate::ingest::Problems(p)
            )
        })?;
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
                chains: Default::default(),
            },
        )
        .with_context(|| format!("importing the shipped demo runs {file}"))?;
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

#[derive(Debug, Deserialize)]
struct KeyFile {
    #[serde(default)]
    step: Vec<KeyStep>,
    #[serde(default)]
    case: Vec<KeyCase>,
}

#[derive(Debug, Deserialize)]
struct KeyStep {
    case: String,
    model: String,
    contains: String,
    label: StepLabel,
    severity: Option<Severity>,
    #[serde(default)]
    tags: Vec<ErrorMode>,
    why: String,
}

#[derive(Debug, Deserialize)]
struct KeyCase {
    case: String,
    model: String,
    answer_correct: bool,
    #[serde(default)]
    red_flags_recognised: Vec<bool>,
}

/// The shipped answer key, compared with a finished demo item.
pub struct DemoKey {
    key: KeyFile,
}

impl DemoKey {
    pub fn shipped() -> anyhow::Result<Self> {
        Ok(Self {
            key: toml::from_str(KEY).context("assets/demo/key.toml")?,
        })
    }
}

fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric() || c.is_whitespace())
        .collect::<String>()
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn label_text(label: Option<StepLabel>, severity: Option<Severity>, tags: &[ErrorMode]) -> String {
    let mut s = label
        .map(|l| l.to_string())
        .unwrap_or_else(|| "unmarked".into());
    if let Some(sev) = severity {
        s.push_str(&format!(" ({sev})"));
    }
    if !tags.is_empty() {
        s.push_str(&format!(
            " [{}]",
            tags.iter()
                .map(|t| t.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    s
}

impl FeedbackSource for DemoKey {
    fn feedback(
        &mut self,
        store: &Store,
        study: StudyId,
        reviewer: &ReviewerId,
        item: &BlindItem,
    ) -> anyhow::Result<Option<Vec<String>>> {
        let s = store.study_by_id(study)?;
        let a = store.model_by_id(s.model_a)?;
        let b = store.model_by_id(s.model_b)?;
        let a_side = store
            .study_assignments(study)?
            .into_iter()
            .find(|(i, r, _, _)| *i == item.item && r == reviewer.as_str())
            .map(|(_, _, _, side)| side)
            .context("assignment of the finished item")?;
        let items = store.study_items(study)?;
        let row = items
            .iter()
            .find(|r| r.item == item.item)
            .context("finished item")?;
        let case = item.case.id.as_str();
        let mut lines = vec![format!("Answer key for {case}:")];
        let (mut agree, mut keyed) = (0usize, 0usize);
        for side in [Side::Left, Side::Right] {
            let (model, chain_id) = if side == a_side {
                (&a.name, row.chain_a)
            } else {
                (&b.name, row.chain_b)
            };
            let chain = store.chain(chain_id)?;
            let side_name = if side == Side::Left { "Left" } else { "Right" };
            let run_output = runs_output(store, chain_id)?;
            for k in self
                .key
                .step
                .iter()
                .filter(|k| k.case == case && &k.model == model)
            {
                // Find the step: by raw span first (robust to stripping), then by text.
                let by_span = run_output
                    .as_deref()
                    .and_then(|out| out.find(&k.contains))
                    .and_then(|off| {
                        chain.steps.iter().position(|st| {
                            st.spans.iter().any(|sp| {
                                sp.field == RawField::Output && sp.start <= off && off < sp.end
                            })
                        })
                    });
                let needle = norm(&k.contains);
                let idx = by_span.or_else(|| {
                    chain
                        .steps
                        .iter()
                        .position(|st| norm(&st.text).contains(&needle))
                });
                let Some(idx) = idx else { continue };
                keyed += 1;
                let mine = item.verdicts[side.index()]
                    .get(idx)
                    .cloned()
                    .unwrap_or_default();
                let my_tags: Vec<ErrorMode> = mine.tags.iter().copied().collect();
                let same = mine.label == Some(k.label);
                if same {
                    agree += 1;
                }
                lines.push(format!(
                    "{} {side_name} step {}: you {} · key {}",
                    if same { "✓" } else { "✗" },
                    idx + 1,
                    label_text(mine.label, mine.severity, &my_tags),
                    label_text(Some(k.label), k.severity, &k.tags)
                ));
                lines.push(format!("    {}", k.why));
            }
            if let Some(kc) = self
                .key
                .case
                .iter()
                .find(|c| c.case == case && &c.model == model)
            {
                let mine = item.case_verdict.answer_correct[side.index()];
                lines.push(format!(
                    "{} {side_name} answer: you said {} · key {}",
                    if mine == Some(kc.answer_correct) {
                        "✓"
                    } else {
                        "✗"
                    },
                    mine.map(|m| if m { "correct" } else { "wrong" })
                        .unwrap_or("-"),
                    if kc.answer_correct {
                        "correct"
                    } else {
                        "wrong"
                    }
                ));
                let flags = &item.case_verdict.red_flags[side.index()];
                let hits = flags
                    .iter()
                    .zip(&kc.red_flags_recognised)
                    .filter(|(a, b)| a == b)
                    .count();
                lines.push(format!(
                    "  {side_name} red flags: you agree with the key on {hits}/{}",
                    kc.red_flags_recognised.len()
                ));
            }
        }
        lines.insert(
            1,
            format!("Your step labels match the key on {agree} of {keyed} keyed steps."),
        );
        Ok(Some(lines))
    }
}

fn runs_output(store: &Store, chain: crate::domain::ChainId) -> anyhow::Result<Option<String>> {
    Ok(match store.run_of_chain(chain)? {
        Some(r) => Some(store.run(r)?.output),
        None => None,
    })
}

//! Review latency on a generated study of N items in a real database file:
//! keypress → verdict committed → frame drawn, and frame render time for an
//! item with 2 × 300 steps.

use crate::domain::{
    BlindChain, BlindItem, BlindStep, Case, CaseId, CaseVerdict, Chain, Incidence, ModelSource,
    Provenance, RawField, Role, Span, Specialty, Step, StepVerdict, Task,
};
use crate::ingest::LoadedCase;
use crate::storage::{ImportMode, NewModel, NewRun, Store};
use crate::tui::executor::drive;
use crate::tui::{Action, App, map_key, parse_key_name, render_app};
use crate::workflow::review_backend::StoreBackend;
use crate::workflow::study::{StudySpec, create_study};
use anyhow::Context;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::time::Instant;

const WORDS: &[&str] = &[
    "lactate",
    "raised",
    "troponin",
    "the",
    "patient",
    "with",
    "fever",
    "and",
    "tachycardia",
    "suggests",
    "sepsis",
    "ischaemia",
    "not",
    "without",
    "denies",
    "pain",
    "120/80",
    "mmHg",
    "2.5",
    "mg",
    "CT",
    "scan",
    "shows",
];

fn sentence(seed: usize, words: usize) -> String {
    let mut s = String::new();
    for i in 0..words {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(WORDS[(seed.wrapping_mul(31) + i * 7 + i * i) % WORDS.len()]);
    }
    s.push('.');
    s
}

fn chain(seed: usize, steps: usize) -> Chain {
    Chain {
        steps: (0..steps)
            .map(|i| Step {
                index: i,
                text: sentence(seed + i, 14 + (seed + i) % 20),
                spans: vec![Span {
                    field: RawField::Output,
                    start: 0,
                    end: 1,
                }],
                duplicates: vec![],
            })
            .collect(),
        answer: None,
        truncated: false,
        stripper_version: "bench".into(),
        outcome: Default::default(),
        conflict: false,
        sentences: 0,
    }
}

/// Build a study of `items` items (one reviewer) in `path`.
pub fn build_study(path: &std::path::Path, items: usize, steps: usize) -> anyhow::Result<Store> {
    let mut store = Store::open(path)?;
    let cases: Vec<LoadedCase> = (0..items)
        .map(|i| LoadedCase {
            case: Case {
                id: CaseId(format!("bench-{i:05}")),
                title: format!("Bench case {i}"),
                specialty: Specialty::ALL[i % 5],
                incidence: Some(Incidence::ALL[i % 3]),
                vignette: sentence(i, 80),
                question: "What is the most likely diagnosis?".into(),
                task: Task::Differential {
                    diagnosis: "Sepsis".into(),
                    synonyms: vec![],
                },
                red_flags: vec![],
                must_not_miss: vec!["Sepsis".into()],
                priority: vec!["Sepsis".into(), "Viral illness".into()],
                source: "bench".into(),
                licence: "CC0".into(),
                must_not_miss_synonyms: Default::default(),
                aliases: Vec::new(),
                stage: Default::default(),
                variant_of: None,
            },
            file: "bench".into(),
            line: i + 1,
        })
        .collect();
    store.import_cases(&cases, ImportMode::Refuse)?;
    for (name, role) in [("bench-a", Role::Student), ("bench-b", Role::Teacher)] {
        store.add_model(&NewModel {
            name: name.into(),
            role,
            source: ModelSource::OutputsOnly,
            tokenizer: None,
            chat_template: None,
            label: None,
        })?;
        let model = store.model(name)?;
        let runs: Vec<(NewRun, Chain)> = (0..items)
            .map(|i| {
                (
                    NewRun {
                        case_id: CaseId(format!("bench-{i:05}")),
                        model_id: model.id,
                        output: format!("{name} output {i}"),
                        reasoning: None,
                        provenance: Provenance {
                            origin: "bench".into(),
                            ..Provenance::default()
                        },
                        settings_key: None,
                    },
                    chain(i + name.len(), steps),
                )
            })
            .collect();
        store.import_runs(&runs)?;
    }
    create_study(
        &mut store,
        &StudySpec {
            name: "bench",
            model_a: "bench-a",
            model_b: "bench-b",
            cases: None,
            matching: None,
            reviewers: vec!["r1".into()],
            overlap: 1,
            seed: Some(1),
            actor: "bench",
            allow_named_models: false,
        },
    )?;
    Ok(store)
}

pub struct ReviewFigures {
    pub items: usize,
    pub keypresses: usize,
    pub key_p50: f64,
    pub key_p99: f64,
    pub key_max: f64,
    pub render_p50: f64,
    pub render_p99: f64,
    pub render_small_p99: f64,
}

pub fn run(items: usize, keypresses: usize) -> anyhow::Result<ReviewFigures> {
    let dir = tempfile::tempdir().context("temp dir")?;
    let path = dir.path().join("bench.db");
    let t = Instant::now();
    let store = build_study(&path, items, 8)?;
    eprintln!(
        "built a {items}-item study in {:.1} s ({})",
        t.elapsed().as_secs_f64(),
        path.display()
    );
    let mut backend = StoreBackend::open(store, "bench", "r1")?;
    let mut app = App::new((160, 48));
    let mut term = Terminal::new(TestBackend::new(160, 48))?;
    let mut observe = |_: &App, _: &Action| {};
    drive(&mut app, &mut backend, Action::Start, &mut observe);
    let open = map_key(&app, parse_key_name("Enter")?).context("Enter opens an item")?;
    drive(&mut app, &mut backend, open, &mut observe);
    term.draw(|f| render_app(f, &app))?;
    let keys = ["1", "3", "d", "k", "2", "j", "0", "k", "s"];
    let mut samples = Vec::with_capacity(keypresses);
    for i in 0..keypresses {
        let key = parse_key_name(keys[i % keys.len()])?;
        let t = Instant::now();
        if let Some(action) = map_key(&app, key) {
            drive(&mut app, &mut backend, action, &mut observe);
        }
        term.draw(|f| render_app(f, &app))?;
        samples.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let (key_p50, key_p99, key_max) = super::summary(samples);

    // Frame render of one item with 2 × 300 steps.
    let big = big_item(300);
    let render = |w: u16, h: u16| -> anyhow::Result<(f64, f64)> {
        let app = App::with_item(big.clone(), (w, h));
        let mut term = Terminal::new(TestBackend::new(w, h))?;
        let mut s = Vec::new();
        for _ in 0..500 {
            let t = Instant::now();
            term.draw(|f| render_app(f, &app))?;
            s.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        let (p50, p99, _) = super::summary(s);
        Ok((p50, p99))
    };
    let (render_p50, render_p99) = render(160, 48)?;
    let (_, render_small_p99) = render(80, 24)?;
    Ok(ReviewFigures {
        items,
        keypresses,
        key_p50,
        key_p99,
        key_max,
        render_p50,
        render_p99,
        render_small_p99,
    })
}

fn big_item(steps: usize) -> BlindItem {
    let side = |seed: usize| BlindChain {
        steps: (0..steps)
            .map(|i| BlindStep {
                text: sentence(seed + i, 10 + (i * 13) % 50),
            })
            .collect(),
        answer: Some("B".into()),
        differential: vec![],
        cut_off: false,
    };
    BlindItem {
        item: crate::domain::ItemId(1),
        position: 0,
        case: Case {
            id: CaseId("bench-big".into()),
            title: "Big".into(),
            specialty: Specialty::Other,
            incidence: None,
            vignette: sentence(1, 120),
            question: "Which?".into(),
            task: Task::Mcq {
                options: [
                    ("A".to_string(), "x".to_string()),
                    ("B".to_string(), "y".to_string()),
                ]
                .into_iter()
                .collect(),
                answer: "B".into(),
            },
            red_flags: vec![],
            must_not_miss: vec![],
            priority: vec![],
            source: "bench".into(),
            licence: "CC0".into(),
            must_not_miss_synonyms: Default::default(),
            aliases: Vec::new(),
            stage: Default::default(),
            variant_of: None,
        },
        chains: [side(3), side(7)],
        verdicts: [
            vec![StepVerdict::default(); steps],
            vec![StepVerdict::default(); steps],
        ],
        case_verdict: CaseVerdict::default(),
        events: Default::default(),
    }
}

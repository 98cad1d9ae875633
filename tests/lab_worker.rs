//! The lab's inference worker with a fake `Generator` (fixed tokens), storing runs into a
//! temp-file database through the real store and the real strip/chain path; cancelling mid
//! case stores nothing for that case. Also the whole loop: keys → update → executor →
//! worker → actions → update, against the same database.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod lab_support;

use blindstep::domain::{Case, Model, ModelSource, Role};
use blindstep::inference::{
    ChatMessage, DEFAULT_PROMPT_TEMPLATE, Generation, GenerationConfig, Generator, InferenceError,
    ModelFormat, ModelIdentity, StopReason,
};
use blindstep::ingest::LoadedCase;
use blindstep::lab::app::{Outcome, Phase};
use blindstep::lab::{Action, BatchRequest, LabApp, Poll, RunSettings, Screen, Worker, drive};
use blindstep::storage::{ImportMode, NewModel, Store};
use blindstep::workflow::generation::OpenError;
use lab_support::{cases, press, settings, typed};
use std::ops::ControlFlow;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const TOKENS: &[&str] = &[
    "<think>\n",
    "Sudden severe headache with neck stiffness ",
    "suggests subarachnoid haemorrhage. ",
    "A non-contrast CT of the head is the first test.\n",
    "</think>\n",
    "Final answer: B",
];

/// Emits [`TOKENS`]; from call number `endless_from` on (1-based), keeps emitting until the
/// callback says stop.
struct Fake {
    identity: ModelIdentity,
    calls: usize,
    endless_from: usize,
}

impl Fake {
    fn new(endless_from: usize) -> Self {
        Fake {
            identity: ModelIdentity {
                format: ModelFormat::Gguf,
                architecture: "fake".into(),
                parameters: Some(1),
                quantization: Some("F32".into()),
                context_length: Some(512),
                sha256: Some("ab".repeat(32)),
                location: "/models/fake.gguf".into(),
                device: "cpu".into(),
                threads: Some(1),
                chat_template_source: "test".into(),
                vocab_size: Some(10),
            },
            calls: 0,
            endless_from,
        }
    }
}

impl Generator for Fake {
    fn identity(&self) -> &ModelIdentity {
        &self.identity
    }

    fn generate(
        &mut self,
        messages: &[ChatMessage],
        _cfg: &GenerationConfig,
        on_token: &mut dyn FnMut(&str) -> ControlFlow<()>,
    ) -> Result<Generation, InferenceError> {
        assert!(messages.iter().any(|m| m.content.contains("47-year-old")));
        self.calls += 1;
        let mut text = String::new();
        let mut stopped = StopReason::EndOfSequence;
        let endless = self.calls >= self.endless_from;
        let mut n = 0usize;
        loop {
            let piece = if endless { "more " } else { TOKENS[n] };
            text.push_str(piece);
            n += 1;
            if on_token(piece).is_break() {
                stopped = StopReason::Cancelled;
                break;
            }
            if !endless && n == TOKENS.len() {
                break;
            }
            if endless {
                assert!(n < 1_000_000, "the cancel never came");
                std::thread::sleep(Duration::from_millis(1));
            }
        }
        Ok(Generation {
            text,
            reasoning: None,
            prompt_tokens: 30,
            completion_tokens: n as u64,
            ttft_ms: 5.0,
            tokens_per_second: 123.0,
            prefill_tokens_per_second: 1000.0,
            elapsed_ms: 10.0,
            rendered_prompt: messages[0].content.clone(),
            stopped,
        })
    }
}

struct Db {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
    store: Store,
    model: Model,
}

fn db() -> Db {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lab.db");
    let mut store = Store::open(&path).unwrap();
    let loaded: Vec<LoadedCase> = cases()
        .into_iter()
        .enumerate()
        .map(|(i, case)| LoadedCase {
            case,
            file: "cases.toml".into(),
            line: i + 1,
        })
        .collect();
    store.import_cases(&loaded, ImportMode::Refuse).unwrap();
    store
        .add_model(&NewModel {
            name: "fake-student".into(),
            role: Role::Student,
            source: ModelSource::Local("/models/fake.gguf".into()),
            tokenizer: None,
            chat_template: None,
            label: None,
        })
        .unwrap();
    let model = store.model("fake-student").unwrap();
    Db {
        _dir: dir,
        path,
        store,
        model,
    }
}

fn worker(db: &Db, endless_from: usize, loads: Arc<AtomicUsize>) -> Worker {
    Worker::spawn(
        db.path.clone(),
        DEFAULT_PROMPT_TEMPLATE.to_string(),
        Box::new(move |_model, _settings| {
            loads.fetch_add(1, Ordering::SeqCst);
            Ok(Box::new(Fake::new(endless_from)) as Box<dyn Generator>)
        }),
    )
    .unwrap()
}

fn request(db: &Db, ids: &[&str]) -> BatchRequest {
    let all = cases();
    BatchRequest {
        model: db.model.clone(),
        cases: ids
            .iter()
            .map(|id| all.iter().find(|c| c.id.as_str() == *id).unwrap().clone())
            .collect::<Vec<Case>>(),
        settings: RunSettings {
            cfg: GenerationConfig::default(),
            threads: 1,
            device: Default::default(),
            dtype: Default::default(),
        },
    }
}

/// Every action of one batch, up to and including `BatchFinished`. `on` sees each first.
fn collect(w: &Worker, mut on: impl FnMut(&Action)) -> Vec<Action> {
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut out = Vec::new();
    while Instant::now() < deadline {
        match w.wait(Duration::from_millis(100)) {
            Poll::Action(a) => {
                on(&a);
                let end = a == Action::BatchFinished;
                out.push(a);
                if end {
                    return out;
                }
            }
            Poll::Empty => {}
            Poll::Stopped => panic!("worker stopped: {out:?}"),
        }
    }
    panic!("no BatchFinished within 30 s: {out:?}");
}

#[test]
fn a_batch_streams_tokens_and_stores_each_run_with_its_chain() {
    let db = db();
    let loads = Arc::new(AtomicUsize::new(0));
    let w = worker(&db, usize::MAX, loads.clone());
    w.submit(request(&db, &["neu-002", "im-001"])).unwrap();
    let actions = collect(&w, |_| {});
    assert!(
        matches!(actions[0], Action::ModelLoading { .. }),
        "{actions:?}"
    );
    assert!(
        matches!(&actions[1], Action::ModelLoaded { identity } if identity.starts_with("fake · F32 · cpu · 1 thread(s)")),
        "{actions:?}"
    );
    let streamed: String = actions
        .iter()
        .filter_map(|a| match a {
            Action::Token { case, text } if case.as_str() == "neu-002" => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(streamed, TOKENS.concat());
    let finished: Vec<_> = actions
        .iter()
        .filter_map(|a| match a {
            Action::RunFinished {
                case,
                run_id,
                tokens_per_second,
            } => Some((case.as_str().to_string(), *run_id, *tokens_per_second)),
            _ => None,
        })
        .collect();
    assert_eq!(finished.len(), 2, "{actions:?}");
    assert_eq!(finished[0].0, "neu-002");
    assert_eq!(finished[0].2, 123.0);

    // Stored through the real store and chain path.
    let run = db.store.run(finished[0].1).unwrap();
    assert_eq!(run.output, TOKENS.concat());
    assert_eq!(run.model_name, "fake-student");
    assert_eq!(run.provenance.origin, "candle");
    assert_eq!(run.provenance.tokens_per_second, Some(123.0));
    assert_eq!(run.provenance.threads, Some(1));
    assert!(run.provenance.rendered_prompt.is_some());
    let chain_id = db.store.latest_chain_of_run(run.id).unwrap().unwrap();
    let chain = db.store.chain(chain_id).unwrap();
    assert!(!chain.steps.is_empty(), "{chain:?}");
    assert_eq!(chain.answer.as_ref().map(|a| a.display()), Some("B".into()));
    let span = chain.steps[0].spans[0];
    assert!(run.output[span.start..span.end].contains("headache"));
    assert_eq!(db.store.list_runs(None, None).unwrap().len(), 2);

    // Same model and settings: the generator is reused, not reloaded.
    w.submit(request(&db, &["ped-003"])).unwrap();
    let again = collect(&w, |_| {});
    assert!(
        !again
            .iter()
            .any(|a| matches!(a, Action::ModelLoading { .. }))
    );
    assert_eq!(loads.load(Ordering::SeqCst), 1);
    assert_eq!(db.store.list_runs(None, None).unwrap().len(), 3);
}

#[test]
fn cancelling_mid_case_stores_nothing_for_it_and_runs_no_more() {
    let db = db();
    let w = worker(&db, 2, Arc::new(AtomicUsize::new(0)));
    w.submit(request(&db, &["im-001", "neu-002", "ped-003"]))
        .unwrap();
    let mut seen = 0;
    let actions = collect(&w, |a| {
        if let Action::Token { case, .. } = a
            && case.as_str() == "neu-002"
        {
            seen += 1;
            if seen == 5 {
                w.cancel();
            }
        }
    });
    assert!(seen >= 5);
    let tail: Vec<&Action> = actions
        .iter()
        .filter(|a| !matches!(a, Action::Token { .. } | Action::Progress { .. }))
        .collect();
    assert!(
        matches!(
            tail[..],
            [
                Action::ModelLoading { .. },
                Action::ModelLoaded { .. },
                Action::CaseStarted { .. },
                Action::RunFinished { .. },
                Action::CaseStarted { .. },
                Action::Cancelled { case: Some(_) },
                Action::BatchFinished,
            ]
        ),
        "{tail:?}"
    );
    let runs = db.store.list_runs(None, None).unwrap();
    let cases: Vec<&str> = runs.iter().map(|r| r.case_id.as_str()).collect();
    assert_eq!(
        cases,
        ["im-001"],
        "the cancelled case and the next are not stored"
    );

    // A cancel does not leak into the next batch.
    let w2 = worker(&db, usize::MAX, Arc::new(AtomicUsize::new(0)));
    w2.cancel();
    w2.submit(request(&db, &["sur-004"])).unwrap();
    let next = collect(&w2, |_| {});
    assert!(
        next.iter().any(|a| matches!(a, Action::RunFinished { .. })),
        "{next:?}"
    );
}

#[test]
fn a_model_that_fails_to_load_fails_every_case_and_stores_nothing() {
    let db = db();
    let w = Worker::spawn(
        db.path.clone(),
        DEFAULT_PROMPT_TEMPLATE.to_string(),
        Box::new(|_, _| {
            Err(OpenError::Load {
                name: "x".into(),
                error: InferenceError::Model {
                    path: "/models/x.gguf".into(),
                    detail: "not a GGUF file".into(),
                },
            })
        }),
    )
    .unwrap();
    w.submit(request(&db, &["im-001", "neu-002"])).unwrap();
    let actions = collect(&w, |_| {});
    let failed: Vec<&str> = actions
        .iter()
        .filter_map(|a| match a {
            Action::RunFailed { error, .. } => Some(error.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(failed.len(), 2, "{actions:?}");
    assert!(failed[0].contains("not a GGUF file"));
    assert!(db.store.list_runs(None, None).unwrap().is_empty());
}

/// Keys → update → executor → worker → actions → update, then the runs list and the
/// raw-vs-stripped view read back through the runtime's own store connection.
#[test]
fn the_whole_loop_runs_cases_and_opens_the_stored_run() {
    let db = db();
    let w = worker(&db, usize::MAX, Arc::new(AtomicUsize::new(0)));
    let mut app = LabApp::new(
        db.store.all_cases().unwrap(),
        db.store.models().unwrap(),
        settings(),
        (100, 30),
    );
    typed(&mut app, "thunder");
    for fx in press(&mut app, &["Enter", "Enter"]) {
        assert!(blindstep::lab::executor::perform(&db.store, &w, fx).is_none());
    }
    assert_eq!(app.screen, Screen::Running);
    let deadline = Instant::now() + Duration::from_secs(30);
    while app.busy() && Instant::now() < deadline {
        if let Poll::Action(a) = w.wait(Duration::from_millis(100)) {
            drive(&mut app, &db.store, &w, a);
        }
    }
    let b = app.batch.as_ref().unwrap();
    assert_eq!(b.phase, Phase::Finished);
    assert!(
        matches!(b.outcomes[0].1, Outcome::Saved { .. }),
        "{:?}",
        b.outcomes
    );
    assert_eq!(
        b.text,
        TOKENS.concat(),
        "the pane shows the whole streamed output"
    );

    for key in ["r", "Enter"] {
        let k = blindstep::tui::parse_key_name(key).unwrap();
        let action = blindstep::lab::map_key(&app, k).unwrap();
        drive(&mut app, &db.store, &w, action);
    }
    assert_eq!(app.screen, Screen::RawVsStripped, "{:?}", app.status);
    let raw = app.raw.as_ref().unwrap();
    assert_eq!(raw.view.run.case_id.as_str(), "neu-002");
    assert!(raw.steps() > 0);
}

/// A generator stuck where no flag is checked (a long prefill).
struct Stuck(ModelIdentity);

impl Generator for Stuck {
    fn identity(&self) -> &ModelIdentity {
        &self.0
    }
    fn generate(
        &mut self,
        _messages: &[ChatMessage],
        _cfg: &GenerationConfig,
        _on_token: &mut dyn FnMut(&str) -> ControlFlow<()>,
    ) -> Result<Generation, InferenceError> {
        std::thread::sleep(Duration::from_secs(5));
        Err(InferenceError::Generation("stuck".into()))
    }
}

#[test]
fn shutdown_does_not_hang_on_a_stuck_prefill_but_joins_an_idle_worker() {
    let db = db();
    let w = Worker::spawn(
        db.path.clone(),
        DEFAULT_PROMPT_TEMPLATE.to_string(),
        Box::new(|_, _| Ok(Box::new(Stuck(Fake::new(1).identity)) as Box<dyn Generator>)),
    )
    .unwrap();
    w.submit(request(&db, &["im-001"])).unwrap();
    // Wait until the case is under way.
    loop {
        if let Poll::Action(Action::CaseStarted { .. }) = w.wait(Duration::from_secs(10)) {
            break;
        }
    }
    let t = Instant::now();
    assert!(!w.shutdown(Duration::from_millis(200)));
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());

    let idle = worker(&db, usize::MAX, Arc::new(AtomicUsize::new(0)));
    assert!(idle.shutdown(Duration::from_secs(5)));
    assert!(db.store.list_runs(None, None).unwrap().is_empty());
}

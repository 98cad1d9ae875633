//! State tests of the lab: keys and worker results drive `LabApp::update`; assert the state
//! and the effects (no terminal, no model, no database).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod lab_support;

use blindstep::domain::{CaseId, Chain, ModelId, Provenance, RawField, Run, RunId, Span, Step};
use blindstep::lab::app::{Outcome, Phase, RunView, StatusKind};
use blindstep::lab::settings::Field;
use blindstep::lab::{Action, Effect, LabApp, Screen};
use blindstep::storage::RunSummary;
use lab_support::{app, cases, press, settings, typed};

fn id(s: &str) -> CaseId {
    CaseId::new(s)
}

fn started(picks: &[&str]) -> (LabApp, Vec<Effect>) {
    let mut a = app(100, 30);
    for p in picks {
        typed(&mut a, p);
        press(&mut a, &["Tab", "Ctrl-u"]);
    }
    press(&mut a, &["Enter"]);
    assert_eq!(a.screen, Screen::Settings);
    let fx = press(&mut a, &["Enter"]);
    (a, fx)
}

#[test]
fn typing_filters_and_esc_clears_then_quits() {
    let mut a = app(100, 30);
    assert_eq!(a.picker.matches.len(), 5);
    press(&mut a, &["Down", "Down"]);
    assert_eq!(a.picker.cursor, 2);
    press(&mut a, &["h", "e", "a", "d"]);
    assert_eq!(a.picker.query, "head");
    assert_eq!(
        a.picker.cursor, 0,
        "a new query puts the cursor on the best match"
    );
    let ids: Vec<&str> = a
        .picker
        .matches
        .iter()
        .map(|m| a.cases[m.case].id.as_str())
        .collect();
    let mut best = ids[..2].to_vec();
    best.sort_unstable();
    assert_eq!(
        best,
        ["neu-002", "neu-005"],
        "the headaches rank first: {ids:?}"
    );
    press(&mut a, &["Backspace"]);
    assert_eq!(a.picker.query, "hea");
    assert!(press(&mut a, &["Esc"]).is_empty());
    assert_eq!(a.picker.query, "");
    assert_eq!(a.picker.matches.len(), 5);
    assert_eq!(press(&mut a, &["Esc"]), vec![Effect::Quit]);
}

#[test]
fn tab_picks_and_enter_without_picks_takes_the_cursor_case() {
    let mut a = app(100, 30);
    press(&mut a, &["Tab", "Tab", "Up", "Tab"]);
    assert_eq!(
        a.picker.picked,
        vec![id("im-001")],
        "second Tab on neu-002 unpicked it"
    );
    press(&mut a, &["Ctrl-x"]);
    assert!(a.picker.picked.is_empty());
    typed(&mut a, "febrile");
    press(&mut a, &["Enter"]);
    assert_eq!(a.picker.picked, vec![id("ped-003")]);
    assert_eq!(a.screen, Screen::Settings);
    press(&mut a, &["Esc"]);
    assert_eq!(a.screen, Screen::Picker);
    press(&mut a, &["Ctrl-u", "Ctrl-a"]);
    assert_eq!(a.picker.picked.len(), 5, "Ctrl-a adds every match once");
}

#[test]
fn no_match_and_no_model_are_said_not_crashed() {
    let mut a = LabApp::new(cases(), vec![], settings(), (100, 30));
    typed(&mut a, "zzzzq");
    press(&mut a, &["Enter"]);
    assert_eq!(a.screen, Screen::Picker);
    assert_eq!(a.status.kind, StatusKind::Error);
    assert!(
        a.status.text.contains("no case to run"),
        "{}",
        a.status.text
    );
    press(&mut a, &["Ctrl-u", "Enter"]);
    assert_eq!(a.screen, Screen::Picker);
    assert!(
        a.status.text.contains("no model registered"),
        "{}",
        a.status.text
    );
}

#[test]
fn settings_cycle_models_and_reject_bad_fields_without_starting() {
    let mut a = app(100, 30);
    press(&mut a, &["Enter"]);
    press(&mut a, &["Right"]);
    assert_eq!(a.chosen_model().unwrap().name, "teacher-api");
    press(&mut a, &["Left", "Left"]);
    assert_eq!(
        a.chosen_model().unwrap().name,
        "imported-only",
        "wraps around"
    );
    assert!(press(&mut a, &["Enter"]).is_empty());
    assert!(
        a.status.text.contains("can only be imported"),
        "{}",
        a.status.text
    );
    assert_eq!(a.screen, Screen::Settings);

    press(&mut a, &["Right"]); // back to the local model
    press(&mut a, &["j", "j", "j"]); // top-p
    assert_eq!(a.settings.focused(), Field::TopP);
    press(&mut a, &["2"]);
    press(&mut a, &["j", "j", "j", "j"]);
    assert!(press(&mut a, &["Enter"]).is_empty());
    assert_eq!(
        a.settings.focused(),
        Field::TopP,
        "the focus jumps to the bad field"
    );
    assert_eq!(a.status.kind, StatusKind::Error);
    assert!(a.status.text.starts_with("top-p:"), "{}", a.status.text);
    press(&mut a, &["Backspace"]);
    assert!(a.settings.error.is_none());
}

#[test]
fn start_sends_the_picked_cases_in_pick_order_with_parsed_settings() {
    let (a, fx) = started(&["sur", "im-0"]);
    assert_eq!(a.screen, Screen::Running);
    let [Effect::StartBatch(req)] = fx.as_slice() else {
        panic!("{fx:?}");
    };
    let ids: Vec<&str> = req.cases.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["sur-004", "im-001"]);
    assert_eq!(req.model.name, "smollm2-135m");
    assert_eq!(req.settings.cfg.max_tokens, 256);
    assert_eq!(req.settings.threads, 4);
    let b = a.batch.as_ref().unwrap();
    assert_eq!(b.phase, Phase::Loading);
    assert!(a.busy());
}

#[test]
fn worker_results_stream_into_the_batch() {
    let (mut a, _) = started(&["sur", "im-0"]);
    a.update(Action::ModelLoading {
        model: "smollm2-135m".into(),
    });
    assert!(a.status.text.contains("loading model"), "{}", a.status.text);
    a.update(Action::ModelLoaded {
        identity: "llama · Q4_1 · cpu".into(),
    });
    a.update(Action::CaseStarted {
        case: id("sur-004"),
    });
    a.update(Action::Token {
        case: id("sur-004"),
        text: "The pain ".into(),
    });
    a.update(Action::Token {
        case: id("im-001"),
        text: "stale".into(),
    });
    a.update(Action::Token {
        case: id("sur-004"),
        text: "migrated.".into(),
    });
    a.update(Action::Progress {
        case: id("sur-004"),
        tokens: 2,
        tokens_per_second: 31.5,
    });
    let b = a.batch.as_ref().unwrap();
    assert_eq!(b.phase, Phase::Generating);
    assert_eq!(
        b.text, "The pain migrated.",
        "tokens of another case are ignored"
    );
    assert_eq!(b.tokens_per_second, Some(31.5));
    a.update(Action::RunFinished {
        case: id("sur-004"),
        run_id: RunId(7),
        tokens_per_second: 30.0,
    });
    a.update(Action::CaseStarted { case: id("im-001") });
    assert_eq!(
        a.batch.as_ref().unwrap().text,
        "",
        "a new case starts a fresh pane"
    );
    a.update(Action::RunFailed {
        case: id("im-001"),
        error: "prompt too long".into(),
    });
    assert_eq!(a.status.kind, StatusKind::Error);
    a.update(Action::BatchFinished);
    let b = a.batch.as_ref().unwrap();
    assert_eq!(b.phase, Phase::Finished);
    assert_eq!((b.saved(), b.failed(), b.done()), (1, 1, 2));
    assert!(!a.busy());
    assert!(
        a.status
            .text
            .starts_with("done: 1 saved, 1 failed, 0 not run · mean 30.0 tok/s"),
        "{}",
        a.status.text
    );
}

#[test]
fn cancel_asks_once_and_the_cancelled_case_is_marked() {
    let (mut a, _) = started(&["sur", "im-0", "ped"]);
    a.update(Action::ModelLoaded {
        identity: "x".into(),
    });
    a.update(Action::CaseStarted {
        case: id("sur-004"),
    });
    a.update(Action::RunFinished {
        case: id("sur-004"),
        run_id: RunId(1),
        tokens_per_second: 10.0,
    });
    a.update(Action::CaseStarted { case: id("im-001") });
    assert_eq!(press(&mut a, &["c"]), vec![Effect::CancelBatch]);
    assert_eq!(a.batch.as_ref().unwrap().phase, Phase::Cancelling);
    assert!(
        press(&mut a, &["c"]).is_empty(),
        "a second c asks nothing more"
    );
    assert!(press(&mut a, &["Esc"]).is_empty());
    assert_eq!(
        a.screen,
        Screen::Running,
        "Esc does not leave a running batch"
    );
    a.update(Action::Cancelled {
        case: Some(id("im-001")),
    });
    a.update(Action::BatchFinished);
    let b = a.batch.as_ref().unwrap();
    assert_eq!(
        b.phase,
        Phase::Cancelled,
        "a cancelled batch is not shown as finished"
    );
    assert!(!a.busy());
    assert_eq!(b.outcomes[1], (id("im-001"), Outcome::Cancelled));
    assert!(
        a.status
            .text
            .starts_with("cancelled: 1 saved, 0 failed, 1 not run"),
        "{}",
        a.status.text
    );
    press(&mut a, &["Esc"]);
    assert_eq!(a.screen, Screen::Picker);
}

#[test]
fn quitting_while_busy_cancels_first() {
    let (mut a, _) = started(&["sur"]);
    assert_eq!(
        press(&mut a, &["Ctrl-c"]),
        vec![Effect::CancelBatch, Effect::Quit]
    );
}

fn summary(id: i64, case: &str) -> RunSummary {
    RunSummary {
        id: RunId(id),
        case_id: CaseId::new(case),
        model: "smollm2-135m".into(),
        chain: None,
        steps: 2,
        truncated: false,
        answer: Some("B".into()),
        outcome: blindstep::domain::AnswerOutcome::Given,
        conflict: false,
        origin: "candle".into(),
        created_at: "2026-01-01 10:00:00".into(),
    }
}

fn view() -> RunView {
    let output = "Sudden headache. Neck stiffness suggests blood. Final answer: B".to_string();
    let step = |i: usize, s: usize, e: usize| Step {
        index: i,
        text: output[s..e].to_string(),
        spans: vec![Span {
            field: RawField::Output,
            start: s,
            end: e,
        }],
        duplicates: vec![],
    };
    RunView {
        run: Run {
            id: RunId(9),
            case_id: CaseId::new("neu-002"),
            model_id: ModelId(1),
            model_name: "smollm2-135m".into(),
            output: output.clone(),
            reasoning: None,
            provenance: Provenance::default(),
            created_at: "now".into(),
        },
        chain: Some(Chain {
            steps: vec![step(0, 0, 16), step(1, 17, 47)],
            answer: None,
            truncated: false,
            stripper_version: "t".into(),
            outcome: Default::default(),
            conflict: false,
            sentences: 0,
        }),
    }
}

#[test]
fn runs_list_opens_a_run_and_walks_its_steps() {
    let (mut a, _) = started(&["sur"]);
    assert!(press(&mut a, &["r"]).is_empty(), "no runs list while busy");
    assert!(a.status.text.contains("c cancels"), "{}", a.status.text);
    a.update(Action::RunFinished {
        case: id("sur-004"),
        run_id: RunId(9),
        tokens_per_second: 10.0,
    });
    a.update(Action::BatchFinished);
    assert_eq!(press(&mut a, &["r"]), vec![Effect::LoadRuns]);
    assert_eq!(a.screen, Screen::Runs);
    a.update(Action::RunsLoaded(vec![
        summary(3, "im-001"),
        summary(9, "sur-004"),
        summary(12, "ped-003"),
    ]));
    assert_eq!(a.runs.cursor, 1, "the cursor lands on the run just made");
    assert_eq!(press(&mut a, &["Enter"]), vec![Effect::OpenRun(RunId(9))]);
    a.update(Action::RunOpened(Box::new(view())));
    assert_eq!(a.screen, Screen::RawVsStripped);
    press(&mut a, &["j", "j", "j"]);
    assert_eq!(
        a.raw.as_ref().unwrap().focus,
        1,
        "focus stops at the last step"
    );
    press(&mut a, &["g"]);
    assert_eq!(a.raw.as_ref().unwrap().focus, 0);
    press(&mut a, &["Esc"]);
    assert_eq!(a.screen, Screen::Runs);
    a.update(Action::Failed("opening run 3: gone".into()));
    assert_eq!(a.status.kind, StatusKind::Error);
}

//! Adjudication and the analysis plan end to end, through the binary and a real SQLite file:
//! `study create --ties/--alpha/--primary`, reviewers who disagree, the blind adjudication
//! queue (reviewers numbered, never named; no model identity), decisions recorded as events,
//! an item's own reviewer refused (by the store and by the schema), the tally counting the
//! adjudicated outcome, and a plan change after unblinding shown in the tally and methods.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use blindstep::domain::{CaseVerdict, ReviewerId};
use blindstep::storage::Slot;
use blindstep::storage::Store;
use blindstep::storage::testing::RawConnection;
use blindstep::tui::adjudicate::{AdjudicateScreen, Reply};
use blindstep::workflow::adjudicate::{adjudication_queue, adjudicator_a_side, decide_shown};
use blindstep::workflow::demo::{self, STUDENT, TEACHER};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use std::path::Path;
use std::process::{Command, Output};

fn run(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_blindstep"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("BLINDSTEP_USER", "coordinator")
        .output()
        .unwrap()
}

fn ok(db: &Path, args: &[&str]) -> String {
    let o = run(db, args);
    let t = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(o.status.success(), "{args:?}: {t}");
    t
}

const REVIEWERS: [&str; 3] = ["zq-alice", "zq-bob", "zq-carol"];

fn render(screen: &AdjudicateScreen) -> String {
    render_at(screen, 100, 60)
}

fn render_at(screen: &AdjudicateScreen, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| screen.render(f)).unwrap();
    let buf = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..h {
        let line: String = (0..w).map(|x| buf[(x, y)].symbol()).collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[test]
fn disagreements_are_adjudicated_blind_and_plan_changes_are_audited() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    {
        let mut store = Store::open(&db).unwrap();
        demo::ensure_demo(&mut store).unwrap();
    }
    let models = format!("{STUDENT},{TEACHER}");
    let created = ok(
        &db,
        &[
            "study",
            "create",
            "adj",
            "--models",
            &models,
            "--all",
            "--reviewers",
            &REVIEWERS.join(","),
            "--overlap",
            "2",
            "--seed",
            "5",
            "--ties",
            "exclude",
            "--alpha",
            "0.05",
            "--primary",
            "answer_correct,mrr",
        ],
    );
    assert!(
        created.contains("analysis plan: ties exclude, α 0.05, primary answer_correct, mrr"),
        "{created}"
    );
    // Every item: the first of its two reviewers calls A's answer right, the second wrong;
    // both call B's right.
    let mut store = Store::open(&db).unwrap();
    let study = store.study("adj").unwrap();
    let assignments = store.report_assignments(study.id).unwrap();
    let items = store.report_items(study.id).unwrap();
    let mut seen = std::collections::HashMap::new();
    for a in &assignments {
        let first = seen.insert(a.item, ()).is_none();
        let mut cv = CaseVerdict::default();
        cv.answer_correct[a.a_side.index()] = Some(first);
        cv.answer_correct[a.a_side.other().index()] = Some(true);
        store
            .append_case_verdict(study.id, a.item, &ReviewerId(a.reviewer.clone()), &cv, 5)
            .unwrap();
    }

    // The coordinator reviewed nothing: every item is in their queue, blind.
    let queue = adjudication_queue(&store, "adj", "zq-chief").unwrap();
    assert_eq!(queue.len(), items.len());
    assert!(
        queue
            .iter()
            .all(|i| i.disputes.len() == 1 && i.reviewers == 2)
    );
    let screen = render(&AdjudicateScreen::new(queue.clone()));
    assert!(
        screen.contains("reviewer 1: yes / reviewer 2: no"),
        "{screen}"
    );
    for secret in REVIEWERS
        .iter()
        .copied()
        .chain([STUDENT, TEACHER, "student", "teacher"])
    {
        assert!(
            !screen.contains(secret),
            "{secret} reached the adjudication screen"
        );
    }
    let listed = ok(
        &db,
        &[
            "adjudicate",
            "--study",
            "adj",
            "--reviewer",
            "zq-chief",
            "--list",
        ],
    );
    assert!(
        listed.contains("reviewer 1: yes / reviewer 2: no  [open]"),
        "{listed}"
    );
    for secret in REVIEWERS.iter().copied().chain([STUDENT, TEACHER]) {
        assert!(
            !listed.contains(secret),
            "{secret} reached the adjudication list"
        );
    }

    // A reviewer's queue leaves out the items they reviewed, and the store refuses them.
    let alice = adjudication_queue(&store, "adj", "zq-alice").unwrap();
    let alice_items: Vec<_> = assignments
        .iter()
        .filter(|a| a.reviewer == "zq-alice")
        .map(|a| a.item)
        .collect();
    assert!(alice.iter().all(|i| !alice_items.contains(&i.item)));
    assert_eq!(alice.len(), items.len() - alice_items.len());
    let own = items.iter().find(|r| r.item == alice_items[0]).unwrap();
    assert!(
        store
            .append_adjudication(
                own.item,
                own.chains[0],
                "zq-alice",
                "answer_correct",
                true,
                None
            )
            .is_err()
    );
    let raw = store.connection().execute(
        "INSERT INTO adjudication_events (item_id, chain_id, adjudicator, outcome, value)
         VALUES (?1, ?2, 'zq-alice', 'answer_correct', 1)",
        rusqlite::params![own.item.0, own.chains[0].0],
    );
    assert!(
        raw.unwrap_err()
            .to_string()
            .contains("may not be one of the item's reviewers")
    );
    drop(store);

    // The coordinator settles item 1 as right.
    let side = queue[0].disputes[0].side.as_str();
    let decision = format!("1:{side}:answer_correct:yes");
    ok(
        &db,
        &[
            "adjudicate",
            "--study",
            "adj",
            "--reviewer",
            "zq-chief",
            "--decide",
            &decision,
        ],
    );
    let listed = ok(
        &db,
        &[
            "adjudicate",
            "--study",
            "adj",
            "--reviewer",
            "zq-chief",
            "--list",
        ],
    );
    assert_eq!(listed.matches("[adjudicated yes]").count(), 1, "{listed}");

    ok(&db, &["study", "unblind", "adj", "--yes"]);
    let t = ok(&db, &["tally", "--study", "adj", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&t).unwrap();
    let g = &v["groups"][0];
    // Exclude: only the adjudicated item counts for A's answer.
    assert_eq!(g["models"][0]["answer_correct"]["n"], 1);
    assert_eq!(g["models"][0]["answer_correct"]["k"], 1);
    let row = g["resolution"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["outcome"] == "answer_correct" && r["slot"] == "A")
        .unwrap();
    assert_eq!(row["adjudicated"], 1);
    assert_eq!(row["unresolved"], items.len() - 1);
    assert_eq!(v["alpha"], 0.05);

    // Changing the rule after unblinding is recorded and shown.
    let changed = ok(
        &db,
        &[
            "study",
            "plan",
            "adj",
            "--ties",
            "any",
            "--reason",
            "reviewer request",
        ],
    );
    assert!(changed.contains("AFTER UNBLINDING"), "{changed}");
    let table = ok(&db, &["tally", "--study", "adj"]);
    assert!(table.contains("AFTER UNBLINDING: changed"), "{table}");
    assert!(table.contains("tie rule any"), "{table}");
    let methods = ok(&db, &["tally", "--study", "adj", "--methods"]);
    assert!(
        methods.contains("The analysis plan was changed after unblinding"),
        "{methods}"
    );
    assert!(methods.contains("α = 0.05 (study plan)"), "{methods}");
    assert!(methods.contains("reason: reviewer request"), "{methods}");
    let overridden = ok(
        &db,
        &["tally", "--study", "adj", "--methods", "--alpha", "0.01"],
    );
    assert!(
        overridden.contains("--alpha override (the study plan fixed 0.05)"),
        "{overridden}"
    );
}

/// The 95 % Wilson score interval, written out (Wilson 1927; statsmodels
/// `proportion_confint(k, n, method="wilson")`).
fn wilson(k: u64, n: u64) -> (f64, f64) {
    let (k, n) = (k as f64, n as f64);
    let z = 1.959_963_984_540_054_f64;
    let p = k / n;
    let d = 1.0 + z * z / n;
    let centre = (p + z * z / (2.0 * n)) / d;
    let half = z / d * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
    (centre - half, centre + half)
}

fn close(v: &serde_json::Value, x: f64) -> bool {
    v.as_f64().is_some_and(|y| (y - x).abs() < 1e-12)
}

#[test]
fn acted_on_ties_follow_the_rule_until_an_adjudication_settles_them() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    {
        let mut store = Store::open(&db).unwrap();
        demo::ensure_demo(&mut store).unwrap();
    }
    let models = format!("{STUDENT},{TEACHER}");
    ok(
        &db,
        &[
            "study",
            "create",
            "act",
            "--models",
            &models,
            "--all",
            "--reviewers",
            &REVIEWERS.join(","),
            "--overlap",
            "2",
            "--seed",
            "9",
            "--ties",
            "exclude",
        ],
    );
    // Both reviewers of an item agree on everything but, on every other item, red flag 1
    // "acted on" in A's chain: the first says yes to every flag, the second no to flag 1
    // there. B acted on none.
    let mut store = Store::open(&db).unwrap();
    let study = store.study("act").unwrap();
    let assignments = store.report_assignments(study.id).unwrap();
    let items = store.report_items(study.id).unwrap();
    let flags: Vec<u64> = items
        .iter()
        .map(|r| r.case.red_flags.len() as u64)
        .collect();
    let tied: Vec<bool> = flags
        .iter()
        .enumerate()
        .map(|(j, f)| j % 2 == 0 && *f > 0)
        .collect();
    let position = |item| items.iter().position(|r| r.item == item).unwrap();
    let mut seen = std::collections::HashMap::new();
    for a in &assignments {
        let first = seen.insert(a.item, ()).is_none();
        let j = position(a.item);
        let n = flags[j] as usize;
        let (sa, sb) = (a.a_side.index(), a.a_side.other().index());
        let mut cv = CaseVerdict {
            answer_correct: [Some(true), Some(true)],
            red_flags: [vec![true; n], vec![true; n]],
            ..CaseVerdict::default()
        };
        cv.acted_on[sa] = (0..n).map(|k| first || k > 0 || !tied[j]).collect();
        cv.acted_on[sb] = vec![false; n];
        store
            .append_case_verdict(study.id, a.item, &ReviewerId(a.reviewer.clone()), &cv, 5)
            .unwrap();
    }
    // Hand counts: F flags per item, each rated by two reviewers; one "no" per tied item.
    let total: u64 = flags.iter().sum();
    let disputed = tied.iter().filter(|t| **t).count() as u64;
    assert!(
        disputed >= 2 && total > disputed,
        "the demo needs cases with red flags"
    );
    let clusters: Vec<(u64, u64)> = flags
        .iter()
        .zip(&tied)
        .map(|(&f, &t)| (2 * f - u64::from(t), 2 * f))
        .collect();
    let (k_a, n_a) = (2 * total - disputed, 2 * total);

    // The queue shows each tied item's one dispute, acted on, with the expected action.
    let queue = adjudication_queue(&store, "act", "zq-chief").unwrap();
    assert_eq!(queue.len() as u64, disputed);
    for i in &queue {
        assert_eq!(i.disputes.len(), 1, "{:?}", i.disputes);
        assert_eq!(i.disputes[0].outcome, "acted_on:0");
        assert!(i.disputes[0].question.contains("acted on (expected: "));
    }
    let screen = render_at(&AdjudicateScreen::new(queue.clone()), 400, 60);
    assert!(screen.contains("acted on (expected: "), "{screen}");
    assert!(
        screen.contains("reviewer 1: yes / reviewer 2: no"),
        "{screen}"
    );
    let listed = ok(
        &db,
        &[
            "adjudicate",
            "--study",
            "act",
            "--reviewer",
            "zq-chief",
            "--list",
        ],
    );
    assert_eq!(
        listed.matches("acted_on:0").count() as u64,
        disputed,
        "{listed}"
    );
    drop(store);

    // The coordinator settles item 1: not acted on.
    let side = queue[0].disputes[0].side.as_str();
    let wrong = format!("1:{side}:red_flag:0:no");
    let refused = run(
        &db,
        &[
            "adjudicate",
            "--study",
            "act",
            "--reviewer",
            "zq-chief",
            "--decide",
            &wrong,
        ],
    );
    assert!(!refused.status.success(), "recognition is not disputed");
    let decision = format!("1:{side}:acted_on:0:no");
    ok(
        &db,
        &[
            "adjudicate",
            "--study",
            "act",
            "--reviewer",
            "zq-chief",
            "--decide",
            &decision,
        ],
    );
    let listed = ok(
        &db,
        &[
            "adjudicate",
            "--study",
            "act",
            "--reviewer",
            "zq-chief",
            "--list",
        ],
    );
    assert_eq!(listed.matches("[adjudicated no]").count(), 1, "{listed}");

    ok(&db, &["study", "unblind", "act", "--yes"]);
    let t = ok(&db, &["tally", "--study", "act", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&t).unwrap();
    let g = &v["groups"][0];
    let [a, b] = [&g["models"][0], &g["models"][1]];

    // Reviewer level: every reviewer's ticks pooled, Wilson and the cluster bootstrap over items.
    let act = &a["red_flag_action"];
    assert_eq!(
        (act["k"].as_u64(), act["n"].as_u64()),
        (Some(k_a), Some(n_a))
    );
    let (lo, hi) = wilson(k_a, n_a);
    assert!(close(&act["estimate"], k_a as f64 / n_a as f64), "{act}");
    assert!(
        close(&act["lo"], lo) && close(&act["hi"], hi),
        "{act} vs {lo} {hi}"
    );
    let boot = blindstep::stats::cluster_ratio_bootstrap(
        &clusters,
        &blindstep::stats::BootstrapConfig::default(),
    )
    .unwrap()
    .interval
    .unwrap();
    assert!(
        close(&act["cluster"]["lo"], boot.lo) && close(&act["cluster"]["hi"], boot.hi),
        "{act} vs {boot:?}"
    );
    assert!(
        boot.lo < boot.hi,
        "the items differ, so the cluster interval has width"
    );
    assert_eq!(
        (
            b["red_flag_action"]["k"].as_u64(),
            b["red_flag_action"]["n"].as_u64()
        ),
        (Some(0), Some(n_a))
    );
    // Recognition is untouched: every flag recognised on both sides.
    assert_eq!(a["red_flag_recognition"]["k"].as_u64(), Some(2 * total));

    // Item level under `exclude`: flag 1 of every tied item is left out, except the
    // adjudicated one, which counts as not acted on.
    let cons = &a["red_flag_action_consensus"];
    assert_eq!(
        (cons["k"].as_u64(), cons["n"].as_u64()),
        (Some(total - disputed), Some(total - disputed + 1))
    );
    let row = |outcome: &str| {
        g["resolution"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["outcome"] == outcome && r["slot"] == "A")
            .unwrap()
            .clone()
    };
    let acted = row("acted_on");
    assert_eq!(acted["multi_rated"].as_u64(), Some(total));
    assert_eq!(acted["unresolved"].as_u64(), Some(disputed - 1));
    assert_eq!(acted["adjudicated"].as_u64(), Some(1));
    assert_eq!(acted["excluded"].as_u64(), Some(disputed - 1));
    assert_eq!(row("red_flag")["unresolved"].as_u64(), Some(0));

    // The text table and the tidy rows carry both intervals.
    let text = ok(&db, &["tally", "--study", "act"]);
    let pct = |x: f64| format!("{:.1}", 100.0 * x);
    let labelled = format!(
        "{}% Wilson [{}, {}] cluster [{}, {}] ({k_a}/{n_a})",
        pct(k_a as f64 / n_a as f64),
        pct(lo),
        pct(hi),
        pct(boot.lo),
        pct(boot.hi)
    );
    let line = text
        .lines()
        .find(|l| l.contains("red flags acted on (reviewer level)"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(line.contains(&labelled), "{line} lacks {labelled}");
    assert!(
        text.contains("red flags acted on (item level, tie rule)"),
        "{text}"
    );
    let csv = ok(&db, &["tally", "--study", "act", "--format", "csv"]);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader
        .records()
        .map(|r| r.unwrap())
        .filter(|r| {
            r[col("by")] == *"all"
                && r[col("slot")] == *"A"
                && r[col("metric")] == *"red_flag_action"
        })
        .collect();
    let methods: Vec<&str> = rows.iter().map(|r| &r[col("method")]).collect();
    assert_eq!(methods, ["wilson", "cluster_bootstrap_items"]);
    let num = |r: &csv::StringRecord, c: &str| r[col(c)].parse::<f64>().unwrap();
    assert!((num(&rows[0], "lo") - lo).abs() < 1e-12);
    assert!((num(&rows[1], "hi") - boot.hi).abs() < 1e-12);
    let methods_text = ok(&db, &["tally", "--study", "act", "--methods"]);
    assert!(
        methods_text.contains("red-flag recognition and action"),
        "{methods_text}"
    );

    // Another rule, after unblinding (audited): `any` counts a tie as acted on; the
    // adjudication still wins.
    ok(
        &db,
        &[
            "study",
            "plan",
            "act",
            "--ties",
            "any",
            "--reason",
            "sensitivity",
        ],
    );
    let t = ok(&db, &["tally", "--study", "act", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&t).unwrap();
    let cons = &v["groups"][0]["models"][0]["red_flag_action_consensus"];
    assert_eq!(
        (cons["k"].as_u64(), cons["n"].as_u64()),
        (Some(total - 1), Some(total))
    );
}

/// The line the cursor (▶) is on, drawn wide enough not to wrap.
fn cursor_line(screen: &AdjudicateScreen) -> String {
    let drawn = render_at(screen, 400, 80);
    drawn
        .lines()
        .find(|l| l.contains('▶'))
        .unwrap_or_else(|| panic!("no cursor line:\n{drawn}"))
        .to_string()
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

#[test]
fn adjudication_keys_decide_the_dispute_the_screen_shows() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let mut store = Store::open(&db).unwrap();
    demo::ensure_demo(&mut store).unwrap();
    let created = blindstep::workflow::study::create_study(
        &mut store,
        &blindstep::workflow::study::StudySpec {
            name: "keys",
            model_a: STUDENT,
            model_b: TEACHER,
            cases: None,
            matching: None,
            reviewers: REVIEWERS.iter().map(|r| r.to_string()).collect(),
            overlap: 2,
            seed: Some(3),
            actor: "test",
            allow_named_models: false,
        },
    )
    .unwrap();
    let study = store.study("keys").unwrap();
    assert_eq!(study.id, created.id);
    let assignments = store.report_assignments(study.id).unwrap();
    let items = store.report_items(study.id).unwrap();
    // Per item the two reviewers disagree on both answers and on B's red flags acted on.
    let mut seen = std::collections::HashMap::new();
    for a in &assignments {
        let first = seen.insert(a.item, ()).is_none();
        let n = items
            .iter()
            .find(|r| r.item == a.item)
            .unwrap()
            .case
            .red_flags
            .len();
        let (sa, sb) = (a.a_side.index(), a.a_side.other().index());
        let mut cv = CaseVerdict::default();
        cv.answer_correct[sa] = Some(first);
        cv.answer_correct[sb] = Some(!first);
        cv.red_flags = [vec![true; n], vec![true; n]];
        cv.acted_on[sa] = vec![true; n];
        cv.acted_on[sb] = vec![first; n];
        store
            .append_case_verdict(study.id, a.item, &ReviewerId(a.reviewer.clone()), &cv, 5)
            .unwrap();
    }
    let who = "zq-chief";
    let queue = adjudication_queue(&store, "keys", who).unwrap();
    assert!(queue.len() >= 3 && queue.iter().all(|i| i.disputes.len() >= 2));
    let mut screen = AdjudicateScreen::new(queue);

    // A released key does nothing; ] moves to item 2, ↓ and Tab walk its disputes, ↑ and
    // BackTab back, [ wraps round to the last item and ] again to the first.
    let mut release = key(KeyCode::Char(']'));
    release.kind = KeyEventKind::Release;
    assert_eq!(screen.handle(release), Reply::None);
    assert_eq!((screen.item, screen.dispute), (0, 0));
    assert_eq!(screen.handle(key(KeyCode::Char(']'))), Reply::None);
    assert_eq!(screen.handle(key(KeyCode::Down)), Reply::None);
    assert_eq!((screen.item, screen.dispute), (1, 1));
    let n1 = screen.queue[1].disputes.len();
    screen.handle(key(KeyCode::Tab));
    assert_eq!(screen.dispute, 2 % n1);
    screen.handle(key(KeyCode::BackTab));
    screen.handle(key(KeyCode::Up));
    screen.handle(key(KeyCode::Up));
    assert_eq!(screen.dispute, n1 - 1, "↑ from the first wraps to the last");
    screen.handle(key(KeyCode::Down));
    screen.handle(key(KeyCode::Down));
    assert_eq!(screen.dispute, 1);
    screen.handle(key(KeyCode::Char('j')));
    assert_eq!(screen.scroll, 3);
    screen.handle(key(KeyCode::Char('k')));
    assert_eq!(screen.scroll, 0);
    assert!(render(&screen).contains(&format!("item 2/{}", screen.queue.len())));

    // `n` decides the dispute under the cursor, as shown.
    let shown = cursor_line(&screen);
    let Reply::Decide(d) = screen.handle(key(KeyCode::Char('n'))) else {
        panic!("n did not decide");
    };
    assert_eq!((d.item, d.dispute, d.value), (1, 1, false));
    let (item, dispute) = (
        &screen.queue[d.item],
        &screen.queue[d.item].disputes[d.dispute],
    );
    let side = dispute.side.as_str();
    assert!(
        shown.contains(&format!("▶ {side} chain · {} · ", dispute.question)),
        "{shown}"
    );
    decide_shown(&mut store, "keys", who, item, dispute, d.value).unwrap();
    let (item_id, outcome) = (item.item, dispute.outcome.clone());
    let chain_on = |item_id, side| {
        let r = items.iter().find(|r| r.item == item_id).unwrap();
        let a_side = adjudicator_a_side(&study, item_id, who);
        r.chains[Slot::on_side(side, a_side).index()]
    };
    let expect_chain = chain_on(item_id, dispute.side);
    screen.recorded(d);
    let rows = store.current_adjudications(study.id).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (
            rows[0].item,
            rows[0].chain,
            rows[0].outcome.as_str(),
            rows[0].value
        ),
        (item_id, expect_chain, outcome.as_str(), false)
    );
    assert_eq!(rows[0].adjudicator, who);
    assert!(screen.status.contains(&format!("recorded: {outcome} = no")));
    // The cursor moved to the next open dispute; the decided one shows as adjudicated.
    assert_ne!(screen.dispute, 1);
    assert!(render(&screen).contains("[adjudicated no]"));

    // [ back to item 1, `y` on its first dispute.
    screen.handle(key(KeyCode::Left));
    assert_eq!((screen.item, screen.dispute), (0, 0));
    let shown = cursor_line(&screen);
    let Reply::Decide(d) = screen.handle(key(KeyCode::Char('y'))) else {
        panic!("y did not decide");
    };
    assert_eq!((d.item, d.dispute, d.value), (0, 0, true));
    let (item, dispute) = (&screen.queue[0], &screen.queue[0].disputes[0]);
    assert!(shown.contains(&format!(
        "▶ {} chain · {} · ",
        dispute.side.as_str(),
        dispute.question
    )));
    decide_shown(&mut store, "keys", who, item, dispute, true).unwrap();
    let rows = store.current_adjudications(study.id).unwrap();
    let row = rows.iter().find(|r| r.item == item.item).unwrap();
    assert_eq!(
        (row.chain, row.outcome.as_str(), row.value),
        (
            chain_on(item.item, dispute.side),
            dispute.outcome.as_str(),
            true
        )
    );
    // What the screen decided is what the tally reads back.
    let queue = adjudication_queue(&store, "keys", who).unwrap();
    assert_eq!(queue[0].disputes[0].decided, Some(true));
    assert_eq!(queue[1].disputes[1].decided, Some(false));

    // [ from the first item wraps to the last; q, Esc and Ctrl-C quit.
    screen.handle(key(KeyCode::Char('[')));
    assert_eq!(screen.item, screen.queue.len() - 1);
    assert_eq!(screen.handle(key(KeyCode::Char('q'))), Reply::Quit);
    assert_eq!(screen.handle(key(KeyCode::Esc)), Reply::Quit);
    assert_eq!(
        screen.handle(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
        Reply::Quit
    );
    // Nothing to decide on an empty queue.
    let mut empty = AdjudicateScreen::new(Vec::new());
    assert_eq!(empty.handle(key(KeyCode::Char('y'))), Reply::None);
    assert_eq!(empty.handle(key(KeyCode::Char(']'))), Reply::None);
}

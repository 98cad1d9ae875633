//! Exports on a real study: round trip (export → parse → the same values as the database),
//! nasty text survives both profiles, the excel guard is applied, no model identity before
//! unblinding, row counts match the database, and sqlite3 `.import` reads the files.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod report_support;

use blindstep::domain::{
    CaseVerdict, ErrorMode, Preference, ReviewerId, Severity, Side, StepLabel, StepVerdict,
};
use blindstep::export::{ExportRequest, Profile, What, export};
use blindstep::storage::Slot;
use blindstep::storage::testing::RawConnection;
use blindstep::tally::TallyConfig;
use blindstep::workflow::demo::{STUDENT, TEACHER};
use report_support::{Demo, demo, judge, layout};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

const NASTY: &[&str] = &[
    "=HYPERLINK(\"http://x\",\"y\")",
    "-2+3, said \"no\"",
    "+cmd|' /C calc'!A0",
    "@SUM(1;2)",
    "\tleading tab",
    "line one\nline two\r\nline three",
    "commas, \"quotes\", and ünïcødé ✓",
    "-0.5",
];

/// Judge the first steps of every item, with nasty notes, a revision, and case verdicts.
fn judged() -> Demo {
    let mut d = demo();
    for (n, (item, reviewer, a_side, steps)) in layout(&d.store, d.study).into_iter().enumerate() {
        for slot in Slot::BOTH {
            for i in 0..steps[slot.index()].min(4) {
                let mut v = StepVerdict {
                    label: Some(
                        [
                            StepLabel::Sound,
                            StepLabel::Error,
                            StepLabel::Neutral,
                            StepLabel::Abstain,
                        ][i],
                    ),
                    note: Some(NASTY[(n + i) % NASTY.len()].to_string()),
                    bad_split: i == 2,
                    ..StepVerdict::default()
                };
                if i == 1 {
                    v.severity = Some(Severity::Harmful);
                    v.tags.insert(ErrorMode::RedFlag);
                    v.tags.insert(ErrorMode::Drift);
                    // a first opinion, then the revision that stays current
                    judge(
                        &mut d.store,
                        d.study,
                        item,
                        &reviewer,
                        a_side,
                        slot,
                        i,
                        &StepVerdict {
                            label: Some(StepLabel::Sound),
                            ..StepVerdict::default()
                        },
                    );
                }
                judge(&mut d.store, d.study, item, &reviewer, a_side, slot, i, &v);
            }
        }
        let cv = CaseVerdict {
            answer_correct: [Some(true), Some(n % 2 == 0)],
            red_flags: [vec![true], vec![false]],
            preferred: Some(Preference::Left),
            student_guess: Some(Side::Right),
            confidence: Some(2),
            plan: [None, None],
            acted_on: [vec![true], vec![false]],
        };
        d.store
            .append_case_verdict(d.study, item, &ReviewerId(reviewer), &cv, 3)
            .unwrap();
    }
    d
}

fn run(d: &mut Demo, what: What, profile: Profile, name: &str) -> (PathBuf, u64) {
    let out = d.dir.path().join(name);
    let r = export(
        &mut d.store,
        &ExportRequest {
            study: "demo",
            what,
            out: &out,
            force: true,
            profile,
            history: false,
            tally: TallyConfig::default(),
            actor: "test",
        },
    )
    .unwrap();
    (out, r.rows)
}

fn read(path: &Path) -> (Vec<String>, Vec<HashMap<String, String>>) {
    let bytes = std::fs::read(path).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut r = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|rec| {
            header
                .iter()
                .cloned()
                .zip(rec.unwrap().iter().map(String::from))
                .collect()
        })
        .collect();
    (header, rows)
}

fn count(d: &Demo, sql: &str) -> u64 {
    d.store
        .connection()
        .query_row(sql, [], |r| r.get::<_, i64>(0))
        .unwrap() as u64
}

#[test]
fn blinded_exports_carry_no_model_identity() {
    let mut d = judged();
    for (what, name) in [
        (What::Steps, "s.csv"),
        (What::Cases, "c.csv"),
        (What::Tally, "t.csv"),
    ] {
        let (path, rows) = run(&mut d, what, Profile::Data, name);
        assert!(rows > 0);
        let text = std::fs::read_to_string(&path).unwrap();
        let body = text.split_once('\n').unwrap().1;
        for secret in [STUDENT, TEACHER, "student", "teacher"] {
            assert!(
                !body.contains(secret),
                "{name}: {secret} leaked before unblinding"
            );
        }
        let (header, parsed) = read(&path);
        for col in ["model_slot", "model", "model_role", "chain_id", "slot"] {
            if header.iter().any(|h| h == col) {
                assert!(
                    parsed.iter().all(|r| r[col].is_empty()),
                    "{name}: column {col} filled while blinded"
                );
            }
        }
    }
}

#[test]
fn steps_round_trip_with_nasty_text_in_both_profiles() {
    let mut d = judged();
    d.store.unblind(d.study, "test").unwrap();
    let current = count(&d, "SELECT count(*) FROM current_step_verdicts");
    type Stored = (
        Option<String>,
        Option<String>,
        String,
        Option<String>,
        bool,
        i64,
    );
    let db: HashMap<i64, Stored> = {
        let mut stmt = d
            .store
            .connection()
            .prepare("SELECT id, label, severity, tags, note, bad_split, step_idx FROM current_step_verdicts")
            .unwrap();
        stmt.query_map([], |r| {
            Ok((
                r.get(0)?,
                (
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ),
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
    };
    let chains: HashMap<i64, (i64, i64)> = d
        .store
        .study_items(d.study)
        .unwrap()
        .into_iter()
        .map(|i| (i.item.0, (i.chain_a.0, i.chain_b.0)))
        .collect();
    let texts: HashMap<(i64, i64), String> = {
        let mut stmt = d
            .store
            .connection()
            .prepare("SELECT chain_id, idx, text FROM steps")
            .unwrap();
        stmt.query_map([], |r| Ok(((r.get(0)?, r.get(1)?), r.get(2)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };

    let (data, n) = run(&mut d, What::Steps, Profile::Data, "steps.csv");
    let (excel, n_excel) = run(&mut d, What::Steps, Profile::Excel, "steps-excel.csv");
    assert_eq!((n, n_excel), (current, current));
    let (_, rows) = read(&data);
    let (_, xrows) = read(&excel);
    assert_eq!(rows.len() as u64, current);
    let mut nasty_seen = 0;
    for (r, x) in rows.iter().zip(&xrows) {
        let id: i64 = r["event_id"].parse().unwrap();
        let (label, severity, tags, note, bad_split, idx) = &db[&id];
        assert_eq!(r["label"], label.clone().unwrap_or_default());
        assert_eq!(r["severity"], severity.clone().unwrap_or_default());
        assert_eq!(&r["tags"], tags);
        assert_eq!(r["note"], note.clone().unwrap_or_default());
        assert_eq!(r["bad_split"], bad_split.to_string());
        assert_eq!(r["step_index"], idx.to_string());
        let item: i64 = r["item_id"].parse().unwrap();
        let chain: i64 = r["chain_id"].parse().unwrap();
        let (a, b) = chains[&item];
        let expected_model = if chain == a {
            STUDENT
        } else {
            assert_eq!(chain, b);
            TEACHER
        };
        assert_eq!(r["model"], expected_model);
        assert_eq!(r["step_text"], texts[&(chain, *idx)]);
        // excel: the same value, with a `'` before anything a spreadsheet would evaluate
        let note = note.clone().unwrap_or_default();
        if blindstep::export::needs_formula_guard(&note) {
            assert_eq!(x["note"], format!("'{note}"));
            nasty_seen += 1;
        } else {
            assert_eq!(x["note"], note);
        }
        if NASTY.contains(&note.as_str()) && note.contains('\n') {
            nasty_seen += 1;
        }
    }
    assert!(
        nasty_seen >= 5,
        "the nasty notes were exported ({nasty_seen})"
    );
    let raw = std::fs::read(&excel).unwrap();
    assert!(raw.starts_with(b"\xEF\xBB\xBFstudy,"), "BOM");
    assert!(
        raw.windows(2).filter(|w| w == b"\r\n").count() as u64 > current,
        "CRLF rows"
    );
    let data_raw = std::fs::read(&data).unwrap();
    assert!(!data_raw.starts_with(b"\xEF\xBB\xBF") && !data_raw.windows(3).any(|w| w == b"'=H"));
    assert!(
        std::fs::read_to_string(&excel)
            .unwrap()
            .contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"")
    );
}

#[test]
fn row_counts_match_the_database_and_sqlite_imports_them() {
    let mut d = judged();
    d.store.unblind(d.study, "test").unwrap();
    let step_events = count(&d, "SELECT count(*) FROM step_verdict_events");
    let case_events = count(&d, "SELECT count(*) FROM case_verdict_events");
    let current_cases = count(&d, "SELECT count(*) FROM current_case_verdicts");
    let study_events = count(&d, "SELECT count(*) FROM study_events");
    let (events, n_events) = run(&mut d, What::Events, Profile::Data, "events.csv");
    assert_eq!(n_events, step_events + case_events + study_events);
    let (cases, n_cases) = run(&mut d, What::Cases, Profile::Data, "cases.csv");
    assert_eq!(
        n_cases,
        2 * current_cases,
        "one row per case verdict and side"
    );
    let (tally, n_tally) = run(&mut d, What::Tally, Profile::Data, "tally.csv");
    let (steps, n_steps) = run(&mut d, What::Steps, Profile::Data, "steps.csv");
    assert_eq!(
        count(
            &d,
            "SELECT count(*) FROM study_events WHERE kind = 'exported'"
        ),
        4,
        "each export is audited"
    );

    let (_, ev) = read(&events);
    let revised: Vec<_> = ev
        .iter()
        .filter(|r| r["event_type"] == "step_verdict" && !r["previous_event_id"].is_empty())
        .collect();
    assert_eq!(
        revised.len() as u64,
        step_events - count(&d, "SELECT count(*) FROM current_step_verdicts")
    );
    assert!(
        ev.iter()
            .any(|r| r["event_type"] == "study" && r["kind"] == "unblinded")
    );
    let (_, cs) = read(&cases);
    // The reviewer guessed "right" everywhere: the right-side row says guessed_student = true.
    assert!(
        cs.iter()
            .all(|r| (r["side"] == "right") == (r["guessed_student"] == "true"))
    );
    let (_, ts) = read(&tally);
    let err = ts
        .iter()
        .find(|r| {
            r["by"] == "all"
                && r["metric"] == "step_error_rate"
                && r["slot"] == "A"
                && r["method"] == "wilson"
        })
        .unwrap();
    assert!(err["estimate"].parse::<f64>().unwrap() > 0.0);

    let Ok(out) = std::process::Command::new("sqlite3")
        .arg("-version")
        .output()
    else {
        eprintln!("note: sqlite3 not installed; skipping the .import check");
        return;
    };
    assert!(out.status.success());
    let check = d.dir.path().join("check.db");
    let script = format!(
        ".mode csv\n.import {} steps\n.import {} events\n.import {} cases\n.import {} tally\nSELECT count(*) FROM steps; SELECT count(*) FROM events; SELECT count(*) FROM cases; SELECT count(*) FROM tally; SELECT count(*) FROM steps WHERE note LIKE '%line two%';\n",
        steps.display(),
        events.display(),
        cases.display(),
        tally.display()
    );
    let out = std::process::Command::new("sqlite3")
        .arg(&check)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(script.as_bytes())?;
            c.wait_with_output()
        })
        .unwrap();
    let counts: Vec<u64> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| l.trim().parse().unwrap())
        .collect();
    assert_eq!(counts[..4], [n_steps, n_events, n_cases, n_tally]);
    assert!(counts[4] > 0, "multi-line notes survive .import");
}

//! Tally and export over a generated study of 1,000,000 current step verdicts (SPEC §11:
//! tally ≤ 1 s, CSV export of 1,000,000 rows ≤ 5 s). Figures are printed, not asserted.
//!
//! The study (5,000 cases, two models with 50-step chains, two reviewers with overlap 2) is
//! built through the store's import and study-creation API; only the verdict events are
//! bulk-inserted with one prepared statement in one transaction. The tally and the exports
//! then run through the real code path. `cargo bench --bench tally [-- ITEMS STEPS]`;
//! `BLINDSTEP_BENCH_KEEP=PATH` keeps a copy of the study database there.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use blindstep::domain::{
    Case, CaseId, Chain, Incidence, ModelSource, Provenance, RawField, Role, Span, Specialty, Step,
    Task,
};
use blindstep::export::{ExportRequest, Profile, What, export, tally_study};
use blindstep::ingest::LoadedCase;
use blindstep::storage::testing::RawConnection;
use blindstep::storage::{ImportMode, NewModel, NewRun, Store};
use blindstep::tally::{GroupBy, TallyConfig};
use blindstep::workflow::study::{StudySpec, create_study};
use std::time::Instant;

fn chain(seed: usize, steps: usize) -> Chain {
    Chain {
        steps: (0..steps)
            .map(|i| Step {
                index: i,
                text: format!("Step {i} of case {seed}: lactate 4.{} mmol/L, \"no\" rash, BP 90/60, so sepsis, not viral.", (seed + i) % 10),
                spans: vec![Span { field: RawField::Output, start: 0, end: 1 }],
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

fn build(path: &std::path::Path, items: usize, steps: usize) -> Store {
    let mut store = Store::open(path).unwrap();
    let cases: Vec<LoadedCase> = (0..items)
        .map(|i| LoadedCase {
            case: Case {
                id: CaseId(format!("bench-{i:05}")),
                title: format!("Bench case {i}"),
                specialty: Specialty::ALL[i % 5],
                incidence: Some(Incidence::ALL[i % 3]),
                vignette: "A febrile patient.".into(),
                question: "What is the most likely diagnosis?".into(),
                task: Task::Differential {
                    diagnosis: "Sepsis".into(),
                    synonyms: vec![],
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
            file: "bench".into(),
            line: i + 1,
        })
        .collect();
    store.import_cases(&cases, ImportMode::Refuse).unwrap();
    for (name, role) in [("bench-a", Role::Student), ("bench-b", Role::Teacher)] {
        store
            .add_model(&NewModel {
                name: name.into(),
                role,
                source: ModelSource::OutputsOnly,
                tokenizer: None,
                chat_template: None,
                label: None,
            })
            .unwrap();
        let model = store.model(name).unwrap();
        let runs: Vec<(NewRun, Chain)> = (0..items)
            .map(|i| {
                let run = NewRun {
                    case_id: CaseId(format!("bench-{i:05}")),
                    model_id: model.id,
                    output: format!("{name} output {i}"),
                    reasoning: None,
                    provenance: Provenance {
                        origin: "bench".into(),
                        ..Provenance::default()
                    },
                    settings_key: None,
                };
                (run, chain(i + name.len(), steps))
            })
            .collect();
        store.import_runs(&runs).unwrap();
    }
    let spec = StudySpec {
        name: "bench",
        model_a: "bench-a",
        model_b: "bench-b",
        cases: None,
        matching: None,
        reviewers: vec!["r1".into(), "r2".into()],
        overlap: 2,
        seed: Some(1),
        actor: "bench",
        allow_named_models: false,
    };
    let created = create_study(&mut store, &spec).unwrap();
    let conn = store.connection();
    conn.execute_batch("BEGIN IMMEDIATE").unwrap();
    {
        let assignments: Vec<(i64, String, String, i64, i64)> = conn
            .prepare("SELECT a.item_id, a.reviewer, a.a_side, i.chain_a, i.chain_b FROM assignments a JOIN items i ON i.id = a.item_id WHERE i.study_id = ?1")
            .unwrap()
            .query_map([created.id.0], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let mut step = conn
            .prepare(
                "INSERT INTO step_verdict_events (item_id, reviewer, side, chain_id, step_idx, label, severity, tags, note, previous_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )
            .unwrap();
        let mut case = conn
            .prepare("INSERT INTO case_verdict_events (item_id, reviewer, answer_correct_left, answer_correct_right, preferred, student_guess, confidence) VALUES (?1, ?2, ?3, ?4, 'tie', ?5, 3)")
            .unwrap();
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut rand = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for (item, reviewer, a_side, chain_a, chain_b) in &assignments {
            for (side, chain) in [
                ("left", if a_side == "left" { chain_a } else { chain_b }),
                ("right", if a_side == "left" { chain_b } else { chain_a }),
            ] {
                let is_a = (side == a_side) as u64;
                for i in 0..steps {
                    let r = rand() % 100;
                    // A (the student) errs on ~35 % of steps, B on ~20 %.
                    let (label, severity, tags) = match r {
                        _ if r < 20 + 15 * is_a => (
                            "error",
                            Some("minor"),
                            ["drift", "red_flag", "priority", "other"][(r % 4) as usize],
                        ),
                        _ if r < 90 => ("sound", None, ""),
                        _ if r < 97 => ("neutral", None, ""),
                        _ => ("abstain", None, ""),
                    };
                    let note = (r % 50 == 0).then_some("=cmd, \"quoted\"\nsecond line");
                    let mut previous: Option<i64> = None;
                    if r % 100 == 1 {
                        step.execute(rusqlite::params![
                            item,
                            reviewer,
                            side,
                            chain,
                            i as i64,
                            "sound",
                            None::<&str>,
                            "",
                            None::<&str>,
                            None::<i64>
                        ])
                        .unwrap();
                        previous = Some(conn.last_insert_rowid());
                    }
                    step.execute(rusqlite::params![
                        item, reviewer, side, chain, i as i64, label, severity, tags, note,
                        previous
                    ])
                    .unwrap();
                }
            }
            let guess = if rand() % 3 == 0 {
                a_side.as_str()
            } else if a_side == "left" {
                "right"
            } else {
                "left"
            };
            case.execute(rusqlite::params![
                item,
                reviewer,
                rand() % 10 < 8,
                rand() % 10 < 7,
                guess
            ])
            .unwrap();
        }
    }
    conn.execute_batch("COMMIT").unwrap();
    store
}

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut best = f64::INFINITY;
    let mut out = None;
    for _ in 0..runs {
        let t = Instant::now();
        let v = f();
        best = best.min(t.elapsed().as_secs_f64());
        out = Some(v);
    }
    (best, out.unwrap())
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let items = args.first().copied().unwrap_or(5_000);
    let steps = args.get(1).copied().unwrap_or(50);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bench.db");
    let t = Instant::now();
    let mut store = build(&path, items, steps);
    unblind(&mut store);
    if let Some(keep) = std::env::var_os("BLINDSTEP_BENCH_KEEP") {
        // A copy of the study for comparing `blindstep tally` outputs across builds.
        let keep = std::path::PathBuf::from(keep);
        store
            .connection()
            .execute("VACUUM INTO ?1", [keep.to_string_lossy()])
            .unwrap();
        println!("kept a copy of the study database at {}", keep.display());
    }
    let current: i64 = store
        .connection()
        .query_row("SELECT count(*) FROM current_step_verdicts", [], |r| {
            r.get(0)
        })
        .unwrap();
    let events: i64 = store
        .connection()
        .query_row("SELECT count(*) FROM step_verdict_events", [], |r| r.get(0))
        .unwrap();
    println!(
        "built {items} items x 2 reviewers x 2 x {steps} steps: {current} current step verdicts, {events} events, in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let overall = TallyConfig::default();
    let study = store.study("bench").unwrap();
    let (read, input) = best_of(3, || {
        blindstep::export::tally_input(&store, &study).unwrap()
    });
    let (compute, _) = best_of(3, || blindstep::tally::tally(&input, &overall));
    println!("  of which: read from the store {read:.3} s, compute {compute:.3} s");
    let (secs, tally) = best_of(3, || tally_study(&store, "bench", &overall).unwrap());
    let g = tally.overall().unwrap();
    println!(
        "tally (overall, 1000 bootstrap replicates): {secs:.3} s   [target ≤ 1 s]   step error A {} B {}; Krippendorff α {:?}",
        g.models[0].step_error.full(),
        g.models[1].step_error.full(),
        tally.agreement.krippendorff
    );
    let by_all = TallyConfig {
        by: GroupBy::ALL.to_vec(),
        ..TallyConfig::default()
    };
    let (secs, tally) = best_of(3, || tally_study(&store, "bench", &by_all).unwrap());
    println!(
        "tally (overall + specialty + incidence + reviewer, {} groups): {secs:.3} s",
        tally.groups.len()
    );

    for (what, profile, history) in [
        (What::Steps, Profile::Data, false),
        (What::Steps, Profile::Excel, false),
        (What::Events, Profile::Data, false),
        (What::Cases, Profile::Data, false),
        (What::Tally, Profile::Data, false),
    ] {
        let out = dir
            .path()
            .join(format!("{}-{}.csv", what.as_str(), profile.as_str()));
        let (secs, report) = best_of(2, || {
            export(
                &mut store,
                &ExportRequest {
                    study: "bench",
                    what,
                    out: &out,
                    force: true,
                    profile,
                    history,
                    tally: TallyConfig::default(),
                    actor: "bench",
                },
            )
            .unwrap()
        });
        let mb = std::fs::metadata(&out)
            .map(|m| m.len() as f64 / 1e6)
            .unwrap_or(0.0);
        println!(
            "export {:<6} {:<5}: {:>8} rows, {mb:7.1} MB in {secs:.3} s{}",
            what.as_str(),
            profile.as_str(),
            report.rows,
            if what == What::Steps || what == What::Events {
                "   [target ≤ 5 s for 1,000,000 rows]"
            } else {
                ""
            }
        );
    }
}

fn unblind(store: &mut Store) {
    let id = store.study("bench").unwrap().id;
    store.unblind(id, "bench").unwrap();
}

//! The tally's store reads against plain SQL: the current step verdicts (the latest event of
//! every reviewer × side × step, in that order) and the words per step, on the demo study
//! judged out of order with several revisions per step.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod report_support;

use blindstep::domain::{ErrorMode, Severity, Side, StepLabel, StepVerdict};
use blindstep::storage::testing::RawConnection;
use blindstep::storage::{LabelRow, Slot, mode_bits};
use report_support::{demo, judge, layout};

/// Every reviewer judges steps in a scrambled order, some steps two or three times, so that
/// event ids follow neither the step nor the side order.
fn judged() -> report_support::Demo {
    let mut d = demo();
    let cells = layout(&d.store, d.study);
    let labels = [
        StepLabel::Sound,
        StepLabel::Error,
        StepLabel::Neutral,
        StepLabel::Abstain,
    ];
    for round in 0..3usize {
        // Reviewers interleave: cells in reverse order on odd rounds.
        let order: Vec<usize> = if round % 2 == 0 {
            (0..cells.len()).collect()
        } else {
            (0..cells.len()).rev().collect()
        };
        for (n, &c) in order.iter().enumerate() {
            let (item, reviewer, a_side, steps) = &cells[c];
            for slot in [Slot::B, Slot::A] {
                let len = steps[slot.index()];
                for j in 0..len {
                    // Steps backwards on round 1; later rounds revise only some steps.
                    let i = if round == 1 { len - 1 - j } else { j };
                    if round > 0 && (i + n + round) % 3 != 0 {
                        continue;
                    }
                    let label = labels[(i + n + round) % 4];
                    let mut v = StepVerdict {
                        label: Some(label),
                        bad_split: (i + round) % 5 == 0,
                        ..StepVerdict::default()
                    };
                    if label == StepLabel::Error {
                        v.severity =
                            [None, Some(Severity::Minor), Some(Severity::Harmful)][(i + round) % 3];
                        if i % 2 == 0 {
                            v.tags.insert(ErrorMode::Drift);
                        }
                        if (i + round) % 3 == 0 {
                            v.tags.insert(ErrorMode::Priority);
                        }
                    }
                    judge(&mut d.store, d.study, *item, reviewer, *a_side, slot, i, &v);
                }
            }
        }
    }
    d
}

#[test]
fn current_labels_are_the_latest_event_of_each_step_in_order() {
    let d = judged();
    let mut reviewers = d.store.study_reviewers(d.study).unwrap();
    reviewers.sort();
    let mut got: Vec<LabelRow> = Vec::new();
    d.store
        .visit_current_labels(d.study, &reviewers, |r| {
            got.push(r);
            Ok::<(), blindstep::storage::StoreError>(())
        })
        .unwrap();
    let a_sides: Vec<(i64, String, Side)> = d
        .store
        .report_assignments(d.study)
        .unwrap()
        .into_iter()
        .map(|a| (a.item.0, a.reviewer, a.a_side))
        .collect();
    let conn = d.store.connection();
    let mut stmt = conn
        .prepare(
            "SELECT e.item_id, e.reviewer, e.side, e.step_idx, e.label, e.severity, e.tags,
                e.bad_split
             FROM current_step_verdicts e JOIN items i ON i.id = e.item_id
             WHERE i.study_id = ?1 ORDER BY e.item_id, e.reviewer, e.side, e.step_idx",
        )
        .unwrap();
    let want: Vec<LabelRow> = stmt
        .query_map([d.study.0], |r| {
            let item: i64 = r.get(0)?;
            let name: String = r.get(1)?;
            let side: Side = r.get::<_, String>(2)?.parse().unwrap();
            let tags: String = r.get(6)?;
            let a_side = a_sides
                .iter()
                .find(|(i, n, _)| *i == item && *n == name)
                .unwrap()
                .2;
            Ok(LabelRow {
                item: blindstep::domain::ItemId(item),
                reviewer: reviewers.iter().position(|x| *x == name).unwrap(),
                slot: Slot::on_side(side, a_side),
                step_index: r.get::<_, i64>(3)? as usize,
                label: r.get::<_, Option<String>>(4)?.map(|l| l.parse().unwrap()),
                severity: r.get::<_, Option<String>>(5)?.map(|s| s.parse().unwrap()),
                tags: mode_bits(&tags).unwrap(),
                bad_split: r.get(7)?,
            })
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let events: i64 = conn
        .query_row("SELECT count(*) FROM step_verdict_events", [], |r| r.get(0))
        .unwrap();
    assert!(events as usize > want.len(), "revisions were recorded");
    assert!(want.iter().any(|r| r.tags != 0 && r.severity.is_some()));
    assert_eq!(got, want);
}

#[test]
fn step_words_match_the_sql_count() {
    let d = demo();
    let facts = d.store.study_chain_facts(d.study).unwrap();
    let conn = d.store.connection();
    let mut stmt = conn
        .prepare(
            "SELECT CASE WHEN length(trim(text)) = 0 THEN 0
                ELSE length(trim(text)) - length(replace(trim(text), ' ', '')) + 1 END
             FROM steps WHERE chain_id = ?1 ORDER BY idx",
        )
        .unwrap();
    assert!(!facts.is_empty());
    for f in &facts {
        let want: Vec<u32> = stmt
            .query_map([f.chain.0], |r| r.get::<_, i64>(0))
            .unwrap()
            .map(|w| w.unwrap() as u32)
            .collect();
        assert!(!want.is_empty());
        assert_eq!(f.step_words, want, "chain {}", f.chain.0);
    }
}

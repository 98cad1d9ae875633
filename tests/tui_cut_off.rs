//! A cut-off chain ends on the review screen with a neutral line saying so,
//! in the same words on either side and nothing about the model. Checked on
//! every cut-off QwQ-32B Medbullets output (stripped for real), with a
//! snapshot of one. Skips the fixture part with a note when the fixtures are
//! absent.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod tui_support;

use blindstep::domain::{BlindStep, ItemId, StepVerdict};
use blindstep::strip::{self, AnswerHint};
use blindstep::tui::chain_layout::CUT_OFF;
use std::collections::BTreeMap;
use tui_support::{MemBackend, press, screen, started};

const QWQ: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/fixtures/medagents_traces_QwQ-32B-medbullets-test_hard-zero_shot_first30.json"
);

/// Item 12 with `left` as its left chain (cut off when `cut`), the usual right one.
fn review_with(left: &blindstep::domain::Chain, cut: bool) -> (blindstep::tui::App, MemBackend) {
    let mut b = MemBackend::study();
    let it = b.item_mut(ItemId(12)).unwrap();
    it.chains[0].steps = left
        .steps
        .iter()
        .map(|s| BlindStep {
            text: s.text.clone(),
        })
        .collect();
    it.chains[0].answer = None;
    it.chains[0].cut_off = cut;
    it.verdicts[0] = vec![StepVerdict::default(); left.steps.len()];
    let mut app = started(&mut b, 160, 48);
    press(&mut app, &mut b, &["Enter", "G"]);
    (app, b)
}

fn cut_off_outputs() -> Option<Vec<(u64, blindstep::domain::Chain)>> {
    let Ok(text) = std::fs::read_to_string(QWQ) else {
        eprintln!("note: fixtures not found at {QWQ}; skipping");
        return None;
    };
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut out = Vec::new();
    for r in v.as_array().unwrap() {
        let completion = r["completion"].as_str().unwrap();
        if completion.contains("</think>") {
            continue;
        }
        let options: BTreeMap<String, String> = r["options"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
            .collect();
        let chain = strip::strip_run(completion, None, AnswerHint::Options(&options));
        out.push((r["realidx"].as_u64().unwrap(), chain));
    }
    Some(out)
}

#[test]
fn every_cut_off_qwq_chain_ends_with_the_cut_off_line() {
    let Some(outputs) = cut_off_outputs() else {
        return;
    };
    assert_eq!(outputs.len(), 23);
    for (id, chain) in &outputs {
        assert!(chain.truncated, "QwQ/{id}");
        let (app, _) = review_with(chain, chain.truncated);
        let s = screen(&app, 160, 48);
        assert_eq!(s.matches(CUT_OFF).count(), 1, "QwQ/{id}:\n{s}");
        assert!(!s.contains("QwQ") && !s.contains("512"), "QwQ/{id}:\n{s}");
    }
}

#[test]
fn the_cut_off_line_reads_the_same_on_either_side_and_only_when_cut() {
    let mut b = MemBackend::study();
    let it = b.item_mut(ItemId(12)).unwrap();
    it.chains[0].cut_off = true;
    it.chains[1].cut_off = true;
    let mut app = started(&mut b, 160, 48);
    press(&mut app, &mut b, &["Enter", "G"]);
    let s = screen(&app, 160, 48);
    assert_eq!(s.matches(CUT_OFF).count(), 2, "{s}");
    let mut b = MemBackend::study();
    let mut app = started(&mut b, 160, 48);
    press(&mut app, &mut b, &["Enter", "G"]);
    assert!(!screen(&app, 160, 48).contains(CUT_OFF));
}

#[test]
fn review_160x48_cut_off_qwq_chain() {
    let Some(outputs) = cut_off_outputs() else {
        return;
    };
    // The first cut-off output (realidx 0), at its end.
    let (_, chain) = &outputs[0];
    let (app, _) = review_with(chain, true);
    insta::assert_snapshot!(screen(&app, 160, 48));
}

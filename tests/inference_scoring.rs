//! The calibration scoring pass on a tiny llama GGUF written by the test: option-letter
//! probabilities after the output and "Final answer:" sum to one, are deterministic, depend
//! on the output, and renormalise consistently; stored probabilities reach the tally's
//! calibration through the real store.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod inference_common;
mod report_support;

use blindstep::domain::Task;
use blindstep::export::tally_study;
use blindstep::inference::{ChatMessage, LoadOptions, load_candle};
use blindstep::tally::TallyConfig;
use inference_common::*;
use std::collections::BTreeMap;

fn letters(l: &[&str]) -> Vec<String> {
    l.iter().map(|s| s.to_string()).collect()
}

#[test]
fn option_probabilities_from_a_scoring_pass() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tiny.gguf");
    write_tiny_gguf(&path, &GgufSpec::default());
    let mut model = load_candle(&path, &LoadOptions::default()).unwrap();
    let messages = vec![
        ChatMessage::system("You are a physician."),
        ChatMessage::user("the chest pain is at rest. A, B, C or D?"),
    ];
    let abcd = letters(&["A", "B", "C", "D"]);
    let s = model
        .option_probabilities(&messages, "the pain is in the chest", &abcd)
        .unwrap();
    let total: f64 = s.probabilities.values().sum();
    assert!((total - 1.0).abs() < 1e-12, "{s:?}");
    assert!(s.mass > 0.0 && s.mass <= 1.0);
    assert_eq!(s.probabilities.len(), 4);
    // Deterministic, and the output is part of the context.
    let again = model
        .option_probabilities(&messages, "the pain is in the chest", &abcd)
        .unwrap();
    assert_eq!(s, again);
    let other = model
        .option_probabilities(&messages, "at rest", &abcd)
        .unwrap();
    assert_ne!(s.probabilities, other.probabilities);
    // One letter alone carries exactly its share of the four letters' mass.
    let a = model
        .option_probabilities(&messages, "the pain is in the chest", &letters(&["A"]))
        .unwrap();
    assert!((a.probabilities["A"] - 1.0).abs() < 1e-12);
    assert!((a.mass - s.mass * s.probabilities["A"]).abs() < 1e-9 * s.mass);
    // A letter that is no single token is an error naming it.
    let e = model
        .option_probabilities(&messages, "x", &letters(&["AB"]))
        .unwrap_err();
    assert!(e.to_string().contains("\"AB\""), "{e}");
}

#[test]
fn stored_option_probabilities_reach_the_tally() {
    let mut d = report_support::demo();
    let items = d.store.report_items(d.study).unwrap();
    let mut mcq = 0;
    for it in &items {
        let Task::Mcq { options, answer } = &it.case.task else {
            continue;
        };
        mcq += 1;
        for (slot, chain) in it.chains.iter().enumerate() {
            let run = d.store.run_of_chain(*chain).unwrap().unwrap();
            // A puts 0.9 on gold, B spreads evenly.
            let mut p = BTreeMap::new();
            for l in options.keys() {
                let v = if slot == 0 {
                    if l == answer {
                        0.9
                    } else {
                        0.1 / (options.len() - 1) as f64
                    }
                } else {
                    1.0 / options.len() as f64
                };
                p.insert(l.clone(), v);
            }
            d.store
                .record_option_probabilities(run, "candle_scoring_pass", &p, 0.5)
                .unwrap();
        }
    }
    assert!(mcq > 0, "the demo needs MCQ items");
    d.store.unblind(d.study, "test").unwrap();
    let t = tally_study(&d.store, "demo", &TallyConfig::default()).unwrap();
    let g = t.overall().unwrap();
    let a = g.models[0].calibration.as_ref().unwrap();
    assert_eq!(a.items, mcq);
    // Always 0.9 confident and always right: ECE 0.1, Brier 0.01.
    assert!((a.ece.unwrap() - 0.1).abs() < 1e-12, "{a:?}");
    assert!((a.brier.unwrap() - 0.01).abs() < 1e-12);
    assert!(g.models[1].calibration.is_some());
}

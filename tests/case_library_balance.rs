//! The shipped case library, second edition: enough non-demo cases in every
//! specialty x incidence cell, and the cues a model could read off the MCQs kept low.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use blindstep::domain::Task;
use blindstep::ingest::case_toml::parse_case_toml;
use std::collections::BTreeMap;
use std::path::PathBuf;

fn library() -> Vec<(String, String, blindstep::domain::Case)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("cases");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|x| x != "toml") {
            continue;
        }
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let case = parse_case_toml(&path, &text).unwrap();
        out.push((name, text, case));
    }
    out
}

/// Demo cases and pre-investigation variants do not count towards the balance.
fn counted(name: &str, text: &str) -> bool {
    !name.starts_with("demo-")
        && !text
            .lines()
            .any(|l| l.trim().replace(' ', "") == "stage=\"presentation\"")
}

#[test]
fn every_specialty_incidence_cell_holds_at_least_six_cases() {
    let mut cells = BTreeMap::new();
    let mut total = 0;
    for (name, text, case) in library() {
        if !counted(&name, &text) {
            continue;
        }
        total += 1;
        let incidence = case.incidence.expect("shipped cases carry an incidence");
        *cells.entry((case.specialty, incidence)).or_insert(0) += 1;
    }
    assert_eq!(cells.len(), 15, "{cells:?}");
    for (cell, n) in &cells {
        assert!(*n >= 6, "cell {cell:?} has only {n} cases");
    }
    assert!(total >= 100, "only {total} non-demo cases");
}

#[test]
fn new_cases_keep_every_must_not_miss_in_the_priority_order() {
    for (name, _, case) in library() {
        if !name.starts_with("bs-01") {
            continue;
        }
        for m in &case.must_not_miss {
            assert!(
                case.priority.iter().any(|p| p.eq_ignore_ascii_case(m)),
                "{name}: must-not-miss {m:?} is not in priority"
            );
        }
    }
}

#[test]
fn new_mcqs_do_not_give_the_answer_away_by_length_or_letter() {
    let mut mcqs = 0;
    let mut gold_longest = 0;
    let mut letters = BTreeMap::new();
    for (name, _, case) in library() {
        if !name.starts_with("bs-01") {
            continue;
        }
        let Task::Mcq { options, answer } = &case.task else {
            continue;
        };
        mcqs += 1;
        assert_eq!(options.len(), 5, "{name}: five options A-E");
        let gold = &options[answer];
        let longest = options.values().map(|o| o.chars().count()).max().unwrap();
        if gold.chars().count() == longest {
            gold_longest += 1;
        }
        let gold_paren = gold.contains('(');
        let others_paren = options.iter().any(|(k, o)| k != answer && o.contains('('));
        assert!(
            !gold_paren || others_paren,
            "{name}: only the gold option has a parenthetical"
        );
        *letters.entry(answer.clone()).or_insert(0) += 1;
    }
    assert!(mcqs >= 20, "{mcqs} MCQs");
    assert!(
        gold_longest * 5 <= mcqs,
        "gold is the longest option in {gold_longest} of {mcqs} MCQs"
    );
    // no answer letter carries more than a third of the MCQs
    for (letter, n) in &letters {
        assert!(n * 3 <= mcqs, "{letter} is the answer in {n} of {mcqs}");
    }
}

//! The shipped demo is blind too: its stripped chains show none of the tells
//! that told its two fictional models apart (heading fragments and labels,
//! first or second person, "This is a"), every answer-key entry finds exactly
//! one step of its chain (and no step carries two entries), the student's
//! keyed error share is realistic (at most 30 %), and the three labels the
//! review-integrity issue disputed say what they should.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use blindstep::strip::{self, AnswerHint};
use std::collections::{BTreeMap, HashSet};

const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/demo");

#[derive(serde::Deserialize)]
struct Key {
    step: Vec<KeyStep>,
}

#[derive(serde::Deserialize)]
struct KeyStep {
    case: String,
    model: String,
    contains: String,
    label: String,
    severity: Option<String>,
    tags: Vec<String>,
}

fn runs() -> BTreeMap<(String, String), String> {
    let mut out = BTreeMap::new();
    for file in ["runs-aster.jsonl", "runs-cobalt.jsonl"] {
        let text = std::fs::read_to_string(format!("{DEMO}/{file}")).unwrap_or_default();
        for line in text.lines() {
            let r: serde_json::Value = serde_json::from_str(line).unwrap_or_default();
            out.insert(
                (
                    r["case_id"].as_str().unwrap_or_default().to_string(),
                    r["model"].as_str().unwrap_or_default().to_string(),
                ),
                r["output"].as_str().unwrap_or_default().to_string(),
            );
        }
    }
    assert_eq!(out.len(), 20);
    out
}

fn key() -> Key {
    let text = std::fs::read_to_string(format!("{DEMO}/key.toml")).unwrap_or_default();
    toml::from_str(&text).unwrap_or_else(|e| panic!("key.toml: {e}"))
}

fn chain(output: &str) -> blindstep::domain::Chain {
    let letters: Vec<String> = ["A", "B", "C", "D", "E"].map(String::from).to_vec();
    let hint = if output.contains("differential") {
        AnswerHint::Differential
    } else {
        AnswerHint::Letters(&letters)
    };
    strip::strip_run(output, None, hint)
}

#[test]
fn every_key_entry_finds_one_step_and_no_step_has_two() {
    let runs = runs();
    let key = key();
    let mut seen: HashSet<(String, String, usize)> = HashSet::new();
    for k in &key.step {
        let out = &runs[&(k.case.clone(), k.model.clone())];
        assert_eq!(
            out.matches(&k.contains).count(),
            1,
            "{} {}: {:?}",
            k.case,
            k.model,
            k.contains
        );
        let at = out.find(&k.contains).unwrap_or_default();
        let c = chain(out);
        let step = c
            .steps
            .iter()
            .position(|s| s.spans.iter().any(|sp| sp.start <= at && at < sp.end))
            .unwrap_or_else(|| panic!("{} {}: {:?} in no step", k.case, k.model, k.contains));
        assert!(
            seen.insert((k.case.clone(), k.model.clone(), step)),
            "{} {}: two key entries on step {}",
            k.case,
            k.model,
            step + 1
        );
    }
}

#[test]
fn the_students_keyed_error_share_is_realistic() {
    let key = key();
    let student: Vec<&KeyStep> = key
        .step
        .iter()
        .filter(|k| k.model == "aster-8b-distill")
        .collect();
    let errors = student.iter().filter(|k| k.label == "error").count();
    let share = errors as f64 / student.len() as f64;
    println!(
        "student: {errors} errors of {} keyed steps ({:.0} %)",
        student.len(),
        share * 100.0
    );
    assert!(share <= 0.30, "{share}");
    // Every severity still occurs in the student's errors.
    for sev in ["minor", "major", "harmful"] {
        assert!(
            student.iter().any(|k| k.severity.as_deref() == Some(sev)),
            "{sev}"
        );
    }
}

#[test]
fn the_three_disputed_labels_are_fixed() {
    let key = key();
    let find = |needle: &str| {
        key.step
            .iter()
            .find(|k| k.model == "aster-8b-distill" && k.contains.contains(needle))
            .unwrap_or_else(|| panic!("{needle}"))
    };
    let mtx = find("methotrexate");
    assert_eq!(
        (mtx.label.as_str(), mtx.tags.contains(&"red_flag".into())),
        ("error", true)
    );
    let abx = find("oral antibiotics at home");
    assert_eq!(abx.severity.as_deref(), Some("harmful"));
    let ich = find("excluded on clinical grounds");
    assert!(ich.tags.contains(&"red_flag".into()) && ich.tags.contains(&"priority".into()));
}

#[test]
fn no_stripped_demo_step_carries_a_tell() {
    let person = [
        "I", "I'm", "we", "We", "us", "let's", "Let us", "you", "You", "our",
    ];
    for ((case, model), out) in runs() {
        for s in chain(&out).steps {
            let t = &s.text;
            let words: Vec<&str> = t
                .split(|c: char| !(c.is_alphanumeric() || c == '\''))
                .filter(|w| !w.is_empty())
                .collect();
            assert!(!t.starts_with("This is a"), "{case} {model}: {t:?}");
            assert!(
                !words.iter().any(|w| person.contains(w)),
                "{case} {model}: person in {t:?}"
            );
            // A heading fragment or a "Label: …" lead-in.
            assert!(words.len() > 3, "{case} {model}: fragment {t:?}");
            let label = t
                .find(": ")
                .is_some_and(|i| i < 40 && !t[..i].contains([',', '(', '.']));
            assert!(!label, "{case} {model}: label {t:?}");
            for bad in ["Think about", "Let me", "Okay", "Hmm", "Wait"] {
                assert!(!t.contains(bad), "{case} {model}: {t:?}");
            }
        }
    }
}

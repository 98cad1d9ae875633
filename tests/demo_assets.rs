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

/// The shipped key says, per red flag and side, whether the chain acted on it, with the
/// trainer's reason; and the demo's feedback compares it with the reviewer's form.
#[test]
fn the_key_has_acted_on_for_every_red_flag_and_the_feedback_compares_it() {
    use blindstep::domain::{ReviewerId, Side};
    use blindstep::storage::Store;
    use blindstep::workflow::demo::{self, DemoKey};
    use blindstep::workflow::review_backend::FeedbackSource;

    #[derive(serde::Deserialize)]
    struct CaseKey {
        case: String,
        model: String,
        red_flags_recognised: Vec<bool>,
        red_flags_acted_on: Vec<bool>,
        acted_on_why: Vec<String>,
    }
    #[derive(serde::Deserialize)]
    struct Cases {
        case: Vec<CaseKey>,
    }
    let text = std::fs::read_to_string(format!("{DEMO}/key.toml")).unwrap();
    let cases: Cases = toml::from_str(&text).unwrap();
    assert_eq!(cases.case.len(), 20, "one entry per case and model");
    let mut acted = [0usize; 2];
    for c in &cases.case {
        let file = format!("{}/cases/{}.toml", env!("CARGO_MANIFEST_DIR"), c.case);
        let flags = std::fs::read_to_string(&file)
            .unwrap()
            .matches("[[red_flags]]")
            .count();
        assert!(flags > 0, "{file}");
        assert_eq!(
            c.red_flags_recognised.len(),
            flags,
            "{} {}",
            c.case,
            c.model
        );
        assert_eq!(c.red_flags_acted_on.len(), flags, "{} {}", c.case, c.model);
        assert_eq!(c.acted_on_why.len(), flags, "{} {}", c.case, c.model);
        for why in &c.acted_on_why {
            for name in [
                demo::STUDENT,
                demo::TEACHER,
                "aster",
                "cobalt",
                "student",
                "teacher",
            ] {
                assert!(!why.to_lowercase().contains(name), "{why}: sides only");
            }
        }
        let i = usize::from(c.model == demo::TEACHER);
        acted[i] += c.red_flags_acted_on.iter().filter(|a| **a).count();
    }
    // The demo's point: the student recognises flags it then fails to act on, the teacher
    // mostly acts (20 flags per side).
    assert!(acted[0] < acted[1], "{acted:?}");
    // Recognised without acted on occurs (the failure the audit exists to catch).
    assert!(cases.case.iter().any(|c| {
        c.red_flags_recognised
            .iter()
            .zip(&c.red_flags_acted_on)
            .any(|(r, a)| *r && !*a)
    }));

    // Through the shipped key: the feedback's case form compares "acted on".
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.db");
    let mut s = Store::open(&db).unwrap();
    demo::ensure_demo(&mut s).unwrap();
    let study = s.study(demo::STUDY).unwrap();
    let me = ReviewerId(demo::REVIEWER.into());
    let mut key = DemoKey::shipped().unwrap();
    let mut compared = 0;
    for entry in s.reviewer_queue(study.id, &me).unwrap() {
        let mut item = s.load_blind_item(study.id, entry.item, &me).unwrap();
        let a_side = s
            .study_assignments(study.id)
            .unwrap()
            .into_iter()
            .find(|(i, _, _, _)| *i == item.item)
            .unwrap()
            .3;
        let flags = item.case.red_flags.len();
        // The reviewer says every flag was recognised and acted on, on both sides.
        for side in [Side::Left, Side::Right] {
            item.case_verdict.red_flags[side.index()] = vec![true; flags];
            item.case_verdict.acted_on[side.index()] = vec![true; flags];
        }
        let text = key
            .feedback(&s, study.id, &me, &item)
            .unwrap()
            .unwrap()
            .join("\n");
        for side in [Side::Left, Side::Right] {
            let model = if side == a_side {
                demo::STUDENT
            } else {
                demo::TEACHER
            };
            let k = cases
                .case
                .iter()
                .find(|c| c.case == item.case.id.as_str() && c.model == model)
                .unwrap();
            for (f, (rec, act)) in k
                .red_flags_recognised
                .iter()
                .zip(&k.red_flags_acted_on)
                .enumerate()
            {
                let yn = |b: bool| if b { "yes" } else { "no" };
                let mark = if *rec && *act { "✓" } else { "✗" };
                let want = format!("{mark} {side} red flag {} (", f + 1);
                let at = text.find(&want).unwrap_or_else(|| panic!("{want}\n{text}"));
                let line = text[at..].lines().next().unwrap();
                assert!(
                    line.ends_with(&format!(
                        "you said recognised yes, acted on yes · key recognised {}, acted on {}",
                        yn(*rec),
                        yn(*act)
                    )),
                    "{line}"
                );
                assert!(
                    text.contains(&format!("  — {}", k.acted_on_why[f])),
                    "{text}"
                );
                compared += 1;
            }
        }
        for name in [demo::STUDENT, demo::TEACHER] {
            assert!(!text.contains(name), "feedback speaks of sides: {text}");
        }
    }
    assert_eq!(compared, 40, "every red flag of every side compared");
}

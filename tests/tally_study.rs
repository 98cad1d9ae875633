//! The tally over a real study on a temp-file database: sides map to the right models,
//! nothing per model exists before unblinding, paired tests and Holm match hand values,
//! and agreement is computed per chain step even when reviewers saw it on different sides.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod report_support;

use blindstep::domain::{
    CaseVerdict, ErrorMode, Preference, ReviewerId, Severity, StepLabel, StepVerdict,
};
use blindstep::export::tally_study;
use blindstep::stats::cohen_kappa;
use blindstep::storage::Slot;
use blindstep::tally::{GroupBy, TallyConfig};
use blindstep::workflow::demo::{STUDENT, TEACHER};
use blindstep::workflow::study::{StudySpec, create_study};
use report_support::{demo, judge, layout};
use std::collections::BTreeMap;

fn verdict(label: StepLabel) -> StepVerdict {
    StepVerdict {
        label: Some(label),
        ..StepVerdict::default()
    }
}

#[test]
fn sides_map_to_models_and_nothing_per_model_exists_before_unblinding() {
    let mut d = demo();
    let mut error = verdict(StepLabel::Error);
    error.severity = Some(Severity::Major);
    let mut drift = error.clone();
    drift.tags.insert(ErrorMode::Drift);
    let (mut a_steps, mut b_steps, mut flags) = (0u64, 0u64, 0u64);
    for (item, reviewer, a_side, steps) in layout(&d.store, d.study) {
        for i in 0..steps[0] {
            judge(
                &mut d.store,
                d.study,
                item,
                &reviewer,
                a_side,
                Slot::A,
                i,
                if i == 0 { &drift } else { &error },
            );
        }
        // B's first step is first called an error, then revised: only the current verdict counts.
        judge(
            &mut d.store,
            d.study,
            item,
            &reviewer,
            a_side,
            Slot::B,
            0,
            &error,
        );
        for i in 0..steps[1] {
            judge(
                &mut d.store,
                d.study,
                item,
                &reviewer,
                a_side,
                Slot::B,
                i,
                &verdict(StepLabel::Sound),
            );
        }
        a_steps += steps[0] as u64;
        b_steps += steps[1] as u64;
        let n_flags = d
            .store
            .report_items(d.study)
            .unwrap()
            .into_iter()
            .find(|r| r.item == item)
            .unwrap()
            .case
            .red_flags
            .len();
        flags += n_flags as u64;
        let mut cv = CaseVerdict::default();
        cv.answer_correct[a_side.index()] = Some(true);
        cv.answer_correct[a_side.other().index()] = Some(false);
        cv.red_flags[a_side.index()] = vec![true; n_flags];
        cv.red_flags[a_side.other().index()] = vec![false; n_flags];
        cv.acted_on[a_side.index()] = vec![true; n_flags];
        cv.acted_on[a_side.other().index()] = vec![false; n_flags];
        cv.student_guess = Some(a_side);
        cv.confidence = Some(4);
        cv.preferred = Some(Preference::Tie);
        d.store
            .append_case_verdict(d.study, item, &ReviewerId(reviewer.clone()), &cv, 10)
            .unwrap();
    }

    let config = TallyConfig {
        by: GroupBy::ALL.to_vec(),
        ..TallyConfig::default()
    };
    let blinded = tally_study(&d.store, "demo", &config).unwrap();
    assert!(!blinded.unblinded && blinded.models.is_none());
    assert!(blinded.groups.is_empty() && blinded.blinding.is_empty() && blinded.contrast.is_none());
    assert_eq!(blinded.progress[0].steps_judged, a_steps + b_steps);
    assert_eq!(blinded.progress[0].items_done, 10);
    let json = serde_json::to_string(&blinded).unwrap();
    let text = blindstep::tally::render_table(&blinded);
    for secret in [STUDENT, TEACHER, "student", "teacher"] {
        assert!(
            !json.contains(secret) && !text.contains(secret),
            "{secret} leaked before unblinding"
        );
    }

    d.store.unblind(d.study, "test").unwrap();
    let t = tally_study(&d.store, "demo", &config).unwrap();
    let g = t.overall().unwrap();
    let [a, b] = &g.models;
    assert_eq!((a.step_error.k, a.step_error.n), (a_steps, a_steps));
    assert_eq!((b.step_error.k, b.step_error.n), (0, b_steps));
    assert_eq!(a.severity.major, a_steps);
    assert_eq!((a.answer_correct.k, a.answer_correct.n), (10, 10));
    assert_eq!((b.answer_correct.k, b.answer_correct.n), (0, 10));
    assert_eq!(
        (
            a.right_answer_wrong_reasoning.k,
            a.right_answer_wrong_reasoning.n
        ),
        (10, 10)
    );
    assert_eq!(
        b.right_answer_wrong_reasoning.estimate, None,
        "no correct answers: n/a, not NaN"
    );
    assert_eq!(
        (a.red_flag_recognition.k, a.red_flag_recognition.n),
        (flags, flags)
    );
    assert_eq!(b.red_flag_recognition.k, 0);
    let drift_a = &a.modes[0];
    assert_eq!(
        (
            drift_a.mode,
            drift_a.steps.k,
            drift_a.chains.k,
            drift_a.chains.n
        ),
        (ErrorMode::Drift, 10, 10, 10)
    );
    // A bootstrap over items where every A step is an error can only give [1, 1].
    let ci = a.step_error_cluster.unwrap();
    assert_eq!((ci.lo, ci.hi), (1.0, 1.0));

    // McNemar: 10 discordant pairs all one way: p = 2 * 0.5^10 (scipy.stats.binomtest(10, 10)).
    let acc = &g.paired[0];
    assert_eq!(
        (acc.metric.as_str(), acc.a_only, acc.b_only),
        ("answer_correct", 10, 0)
    );
    assert!((acc.p_value - 0.001_953_125).abs() < 1e-12);
    assert!(acc.significant);
    // Holm over the four modes: drift p = 0.00195 (three others p = 1) → 4 × p = 0.0078125 < 0.01.
    let drift = g.paired.iter().find(|p| p.metric == "drift").unwrap();
    assert!((drift.p_holm.unwrap() - 0.007_812_5).abs() < 1e-12 && drift.significant);
    assert!(
        g.paired
            .iter()
            .filter(|p| ["red_flag", "priority", "other"].contains(&p.metric.as_str()))
            .all(|p| p.p_holm == Some(1.0))
    );

    // The reviewer always picked model A's side as the student's; A is the student.
    let you = &t.blinding[0];
    assert_eq!((you.correct.k, you.correct.n), (10, 10));
    assert!((you.p_value.unwrap() - 0.001_953_125).abs() < 1e-12);
    assert_eq!(
        t.contrast.as_ref().unwrap().hidden_by_answers.as_deref(),
        Some("aster-8b-distill (student)")
    );
    assert!(
        t.groups
            .iter()
            .any(|g| g.by == "specialty" && g.group == "neurology" && g.items == 2)
    );
    assert!(
        t.groups
            .iter()
            .any(|g| g.by == "reviewer" && g.group == "you")
    );
    let text = blindstep::tally::render_table(&t);
    assert!(text.contains("100.0% [72.2, 100.0] (10/10)"), "{text}");
}

#[test]
fn agreement_is_per_chain_step_whatever_side_each_reviewer_saw() {
    let mut d = demo();
    let created = create_study(
        &mut d.store,
        &StudySpec {
            name: "pair",
            model_a: STUDENT,
            model_b: TEACHER,
            cases: None,
            matching: None,
            reviewers: vec!["r1".into(), "r2".into()],
            overlap: 2,
            seed: Some(7),
            actor: "test",
            allow_named_models: false,
        },
    )
    .unwrap();
    let rows = layout(&d.store, created.id);
    let mut sides: BTreeMap<_, Vec<_>> = BTreeMap::new();
    for (item, _, a_side, _) in &rows {
        sides.entry(*item).or_default().push(*a_side);
    }
    assert!(
        sides.values().any(|s| s[0] != s[1]),
        "the test needs items that r1 and r2 saw on different sides"
    );

    let label = |reviewer: &str, slot: Slot, i: usize| -> Option<StepLabel> {
        let base = [StepLabel::Sound, StepLabel::Neutral, StepLabel::Error][(i + slot.index()) % 3];
        match reviewer {
            "r2" if i == 1 => Some(StepLabel::Abstain),
            "r2" if i.is_multiple_of(4) => Some(StepLabel::Error),
            _ => Some(base),
        }
    };
    let code = |l: StepLabel| match l {
        StepLabel::Sound => 0,
        StepLabel::Neutral => 1,
        _ => 2,
    };
    let mut pairs = Vec::new();
    for (item, reviewer, a_side, steps) in &rows {
        for slot in Slot::BOTH {
            for i in 0..steps[slot.index()] {
                let l = label(reviewer, slot, i).unwrap();
                judge(
                    &mut d.store,
                    created.id,
                    *item,
                    reviewer,
                    *a_side,
                    slot,
                    i,
                    &verdict(l),
                );
                if reviewer == "r1" && i != 1 {
                    pairs.push((code(l), code(label("r2", slot, i).unwrap())));
                }
            }
        }
    }
    let expected = cohen_kappa(&pairs).unwrap();
    let agree = pairs.iter().filter(|(a, b)| a == b).count() as f64 / pairs.len() as f64;
    let t = tally_study(&d.store, "pair", &TallyConfig::default()).unwrap();
    let a = &t.agreement;
    assert_eq!(a.pairable_units, pairs.len());
    assert!((a.percent.unwrap() - agree).abs() < 1e-12);
    let cohen = a.cohen.unwrap();
    assert!(
        (cohen.value - expected.value).abs() < 1e-12,
        "{} vs {}",
        cohen.value,
        expected.value
    );
    assert!(cohen.value < 0.99, "the labels were made to disagree");
    let fleiss = a.fleiss.unwrap();
    assert_eq!(fleiss.units, pairs.len());
    let ci = a.krippendorff_ci.unwrap();
    assert!(ci.lo <= a.krippendorff.unwrap() && a.krippendorff.unwrap() <= ci.hi);
    assert!(t.groups.is_empty(), "still blinded");
}

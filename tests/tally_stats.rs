//! The issue-16 statistics through the real tally: tie rules and adjudication, the pairwise κ
//! matrix and Fleiss' note (against scikit-learn), rank-aware scores (hand-computed),
//! calibration (against scikit-learn), the item-clustered blinding test (against scipy),
//! claims only when significant, McNemar without discordant pairs, and the methods paragraph.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use blindstep::domain::{
    AnalysisPlan, ItemId, PlanRecord, Role, Specialty, StepLabel, TaskKind, TieRule,
};
use blindstep::stats::expected_calibration_error;
use blindstep::storage::Slot;
use blindstep::tally::{
    AdjudicationObs, CaseObs, ItemDetail, ItemInfo, ModelInfo, Outcome, RankObs, StepObs,
    TallyConfig, TallyInput, render_methods, render_table, tally,
};

fn item(i: i64, task: TaskKind, detail: ItemDetail) -> ItemInfo {
    ItemInfo {
        item: ItemId(i + 1),
        case_id: format!("case-{i}"),
        specialty: Specialty::Neurology,
        incidence: None,
        stage: Default::default(),
        source: "test".into(),
        outcomes: Default::default(),
        conflicts: [false; 2],
        task,
        red_flags: 0,
        steps: [1, 1],
        auto_correct: [None, None],
        detail,
    }
}

fn models() -> Option<[ModelInfo; 2]> {
    Some([
        ModelInfo {
            name: "student-x".into(),
            role: Role::Student,
        },
        ModelInfo {
            name: "teacher-y".into(),
            role: Role::Teacher,
        },
    ])
}

fn case(item: u32, reviewer: u32, a: Option<bool>, b: Option<bool>) -> CaseObs {
    CaseObs {
        item,
        reviewer,
        answer_correct: [a, b],
        red_flags: [Vec::new(), Vec::new()],
        acted_on: [Vec::new(), Vec::new()],
        student_guess: None,
        confidence: None,
        complete: false,
        preferred: None,
        preferred_tie: false,
    }
}

fn step(item: u32, reviewer: u32, slot: Slot, label: StepLabel) -> StepObs {
    StepObs {
        item,
        reviewer,
        slot,
        step: 0,
        label: Some(label),
        severity: None,
        tags: 0,
        bad_split: false,
    }
}

fn config() -> TallyConfig {
    TallyConfig {
        bootstrap: blindstep::stats::BootstrapConfig {
            replicates: 200,
            ..Default::default()
        },
        ..TallyConfig::default()
    }
}

/// Four items, two reviewers: A's answer disputed on items 0 and 1, agreed on 2 and 3.
fn disputed(rule: TieRule, adjudicate_item0: Option<bool>) -> TallyInput {
    let votes = [
        (Some(true), Some(false)),
        (Some(false), Some(true)),
        (Some(true), Some(true)),
        (Some(false), Some(false)),
    ];
    let mut cases = Vec::new();
    for (i, (r0, r1)) in votes.iter().enumerate() {
        cases.push(case(i as u32, 0, *r0, Some(true)));
        cases.push(case(i as u32, 1, *r1, Some(true)));
    }
    TallyInput {
        study: "ties".into(),
        models: models(),
        reviewers: vec!["r0".into(), "r1".into()],
        items: (0..4)
            .map(|i| item(i, TaskKind::Mcq, ItemDetail::default()))
            .collect(),
        assignments: (0..4).flat_map(|i| [(i, 0), (i, 1)]).collect(),
        cases,
        plan: AnalysisPlan {
            ties: rule,
            ..AnalysisPlan::default()
        },
        adjudications: adjudicate_item0
            .map(|v| AdjudicationObs {
                item: 0,
                slot: Slot::A,
                outcome: Outcome::AnswerCorrect,
                value: v,
            })
            .into_iter()
            .collect(),
        ..TallyInput::default()
    }
}

#[test]
fn tie_rules_and_adjudication_decide_disputed_outcomes() {
    let answer = |input: &TallyInput| {
        let t = tally(input, &config());
        let g = t.overall().unwrap().clone();
        let m = g.models[0].answer_correct;
        let row = g
            .resolution
            .iter()
            .find(|r| r.outcome == "answer_correct" && r.slot == "A")
            .unwrap()
            .clone();
        ((m.k, m.n), (row.unresolved, row.adjudicated, row.excluded))
    };
    // exclude and majority-else-exclude drop both 1–1 splits; `any` counts them as correct.
    assert_eq!(
        answer(&disputed(TieRule::Exclude, None)),
        ((1, 2), (2, 0, 2))
    );
    assert_eq!(
        answer(&disputed(TieRule::MajorityElseExclude, None)),
        ((1, 2), (2, 0, 2))
    );
    assert_eq!(answer(&disputed(TieRule::Any, None)), ((3, 4), (2, 0, 0)));
    // The adjudicator settles item 0 as wrong: it counts, whatever the rule.
    assert_eq!(
        answer(&disputed(TieRule::Exclude, Some(false))),
        ((1, 3), (1, 1, 1))
    );
    let text = render_table(&tally(&disputed(TieRule::Exclude, None), &config()));
    assert!(
        text.contains("disputed item outcomes (tie rule: exclude)"),
        "{text}"
    );
    // Both sides right on every item: McNemar has no discordant pair and says so.
    let mut same = disputed(TieRule::Any, None);
    for c in &mut same.cases {
        c.answer_correct = [Some(true), Some(true)];
    }
    let text = render_table(&tally(&same, &config()));
    let line = text
        .lines()
        .find(|l| l.starts_with("answer_correct"))
        .unwrap();
    assert!(line.contains("n/a (no discordant pairs)"), "{line}");
}

/// sklearn 1.9.1 `cohen_kappa_score` on the pairwise-complete ratings of three raters:
/// ```python
/// R = [[0,1,2,0,1,2,2,0,1,0],
///      [0,1,2,1,1,2,0,0,1,None],
///      [0,2,2,0,1,1,2,None,1,0]]
/// # (0,1): n=9, 0.6666666666666667; (0,2): n=9, 0.6666666666666667; (1,2): n=8, 0.23809523809523814
/// ```
#[test]
fn pairwise_kappa_matrix_matches_sklearn_and_fleiss_says_which_units() {
    let r: [[Option<u32>; 10]; 3] = [
        [0, 1, 2, 0, 1, 2, 2, 0, 1, 0].map(Some),
        [
            Some(0),
            Some(1),
            Some(2),
            Some(1),
            Some(1),
            Some(2),
            Some(0),
            Some(0),
            Some(1),
            None,
        ],
        [
            Some(0),
            Some(2),
            Some(2),
            Some(0),
            Some(1),
            Some(1),
            Some(2),
            None,
            Some(1),
            Some(0),
        ],
    ];
    let label = |c: u32| [StepLabel::Sound, StepLabel::Neutral, StepLabel::Error][c as usize];
    let mut steps = Vec::new();
    for (rev, row) in r.iter().enumerate() {
        for (u, c) in row.iter().enumerate() {
            if let Some(c) = c {
                steps.push(step(u as u32, rev as u32, Slot::A, label(*c)));
            }
        }
    }
    let input = TallyInput {
        study: "kappa".into(),
        reviewers: vec!["ann".into(), "bob".into(), "cy".into()],
        items: (0..10)
            .map(|i| item(i, TaskKind::Mcq, ItemDetail::default()))
            .collect(),
        assignments: (0..10).flat_map(|i| [(i, 0), (i, 1), (i, 2)]).collect(),
        steps,
        ..TallyInput::default()
    };
    let t = tally(&input, &config());
    let a = &t.agreement;
    let want = [
        ("ann", "bob", 9, 0.6666666666666667),
        ("ann", "cy", 9, 0.6666666666666667),
        ("bob", "cy", 8, 0.23809523809523814),
    ];
    assert_eq!(a.pairwise.len(), 3);
    for (p, (x, y, n, k)) in a.pairwise.iter().zip(want) {
        assert_eq!((p.a.as_str(), p.b.as_str(), p.units), (x, y, n));
        assert!((p.kappa.unwrap() - k).abs() < 1e-12, "{p:?}");
    }
    assert!(a.cohen.is_none());
    assert!(a.why_na["cohen"].contains("pairwise"), "{:?}", a.why_na);
    assert_eq!(
        a.fleiss_note,
        "Fleiss' κ uses the 8 of 10 pairable steps rated by exactly 3 reviewers"
    );
    assert!(a.fleiss.is_some());
    // Severity: no step is an error, so it says why it is n/a.
    let sev = a.severity.as_ref().unwrap();
    assert_eq!(
        sev.why_na.as_deref(),
        Some("no unit rated by two reviewers")
    );
    let text = render_table(&t);
    assert!(text.contains("bob       cy        8  0.238"), "{text}");
}

#[test]
fn one_reviewer_agreement_says_why_it_is_na() {
    let input = TallyInput {
        study: "solo".into(),
        reviewers: vec!["ann".into()],
        items: vec![item(0, TaskKind::Mcq, ItemDetail::default())],
        assignments: vec![(0, 0)],
        steps: vec![step(0, 0, Slot::A, StepLabel::Error)],
        ..TallyInput::default()
    };
    let text = render_table(&tally(&input, &config()));
    assert!(
        text.contains("Krippendorff's α n/a (one reviewer: agreement needs two)"),
        "{text}"
    );
}

fn ranks(gold: Option<u32>, mnm: u32, covered: u32, inversions: u32) -> Option<RankObs> {
    Some(RankObs {
        gold_rank: gold,
        must_not_miss: mnm,
        covered,
        inversions,
    })
}

#[test]
fn rank_metrics_equal_hand_computed_values() {
    // item 0: A gold 1st, B 3rd; item 1: A misses gold, B 2nd; item 2: A 2nd, B 1st.
    let details = [
        [ranks(Some(1), 2, 2, 0), ranks(Some(3), 2, 1, 1)],
        [ranks(None, 1, 0, 1), ranks(Some(2), 1, 1, 0)],
        [ranks(Some(2), 2, 1, 2), ranks(Some(1), 2, 2, 0)],
    ];
    let items = details
        .iter()
        .enumerate()
        .map(|(i, r)| {
            item(
                i as i64,
                TaskKind::Differential,
                ItemDetail {
                    rank: *r,
                    ..ItemDetail::default()
                },
            )
        })
        .collect();
    let input = TallyInput {
        study: "rank".into(),
        models: models(),
        reviewers: vec!["ann".into()],
        items,
        assignments: (0..3).map(|i| (i, 0)).collect(),
        cases: (0..3).map(|i| case(i, 0, Some(true), Some(true))).collect(),
        ..TallyInput::default()
    };
    let t = tally(&input, &config());
    let g = t.overall().unwrap();
    let [a, b] = [&g.models[0].rank, &g.models[1].rank];
    let close = |x: Option<f64>, y: f64| (x.unwrap() - y).abs() < 1e-12;
    // MRR: A (1 + 0 + 1/2)/3 = 0.5; B (1/3 + 1/2 + 1)/3 = 11/18.
    assert!(close(a.mrr.value, 0.5) && close(b.mrr.value, 11.0 / 18.0));
    assert_eq!((a.top1.k, a.top1.n, b.top1.k, b.top1.n), (1, 3, 1, 3));
    // Must-not-miss: A 3 of 5, B 4 of 5; inversions per item: A 1, B 1/3.
    assert!(close(a.must_not_miss.value, 0.6) && close(b.must_not_miss.value, 0.8));
    assert!(close(a.inversions.value, 1.0) && close(b.inversions.value, 1.0 / 3.0));
    assert!(a.mrr.ci.is_some());
    // Paired: reciprocal-rank differences (2/3, −1/2, −1/2): every sign pattern is as extreme,
    // exact p = 1; top-1 McNemar 1 vs 1 discordant, p = 1.
    let rr = g
        .paired_measures
        .iter()
        .find(|p| p.metric == "reciprocal_rank")
        .unwrap();
    assert_eq!((rr.pairs, rr.nonzero, rr.exact), (3, 3, true));
    assert!((rr.p_value - 1.0).abs() < 1e-12 && !rr.significant);
    let top1 = g.paired.iter().find(|p| p.metric == "top1").unwrap();
    assert_eq!((top1.a_only, top1.b_only), (1, 1));
    let inv = g
        .paired_measures
        .iter()
        .find(|p| p.metric == "priority_inversions")
        .unwrap();
    // differences (−1, 1, 2), observed sum 2; the 8 sign patterns give ±1 ±1 ±2 =
    // {4, 2, 2, 0, 0, −2, −2, −4}: 6 of 8 reach |2|, p = 0.75.
    assert!((inv.mean_difference - 2.0 / 3.0).abs() < 1e-12);
    assert!((inv.p_value - 0.75).abs() < 1e-12, "{}", inv.p_value);
}

/// Calibration through the tally, on the 20 predictions of the sklearn reference in
/// `stats::calibration` (`brier_score_loss` = 0.16881000000000002).
#[test]
fn calibration_reports_ece_brier_and_the_reliability_table() {
    let conf = [
        0.95, 0.81, 0.62, 0.33, 0.44, 0.97, 0.71, 0.58, 0.26, 0.88, 0.91, 0.52, 0.67, 0.39, 0.77,
        0.99, 0.83, 0.47, 0.61, 0.73,
    ];
    let ok: Vec<bool> = [1, 1, 0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1]
        .iter()
        .map(|&v| v == 1)
        .collect();
    let items = (0..20)
        .map(|i| {
            item(
                i,
                TaskKind::Mcq,
                ItemDetail {
                    calibration: [Some((conf[i as usize], ok[i as usize])), None],
                    ..ItemDetail::default()
                },
            )
        })
        .collect();
    let input = TallyInput {
        study: "calib".into(),
        models: models(),
        reviewers: vec!["ann".into()],
        items,
        assignments: (0..20).map(|i| (i, 0)).collect(),
        ..TallyInput::default()
    };
    let t = tally(&input, &config());
    let g = t.overall().unwrap();
    let c = g.models[0].calibration.as_ref().unwrap();
    assert_eq!(c.items, 20);
    assert!((c.brier.unwrap() - 0.16881000000000002).abs() < 1e-12);
    let ece = expected_calibration_error(&conf, &ok, 10).unwrap().unwrap();
    assert!((c.ece.unwrap() - ece).abs() < 1e-15);
    assert_eq!(c.bins.len(), 10);
    assert_eq!(c.bins.iter().map(|b| b.count).sum::<usize>(), 20);
    assert!(g.models[1].calibration.is_none());
    let text = render_table(&t);
    assert!(text.contains("A: 20 items, ECE"), "{text}");
    assert!(text.contains("B: n/a (no run of this model carries option probabilities"));
}

/// Per item (right, guesses) from two reviewers; scipy 1.17.1:
/// `permutation_test((2k − n per item,), sum, permutation_type='samples')` p = 0.09765625 and
/// `binomtest(16, 22, 0.5)` p = 0.052478790283203125.
#[test]
fn blinding_has_an_item_clustered_test() {
    let g = [
        (2, 2),
        (1, 2),
        (2, 2),
        (0, 2),
        (2, 2),
        (1, 2),
        (2, 2),
        (2, 2),
        (1, 2),
        (2, 2),
        (0, 1),
        (1, 1),
    ];
    let mut cases = Vec::new();
    let mut assignments = Vec::new();
    for (i, (k, n)) in g.iter().enumerate() {
        for r in 0..*n {
            let mut c = case(i as u32, r, None, None);
            c.student_guess = Some(if r < *k { Slot::A } else { Slot::B });
            cases.push(c);
            assignments.push((i as u32, r));
        }
    }
    let input = TallyInput {
        study: "blind".into(),
        models: models(),
        reviewers: vec!["ann".into(), "bob".into()],
        items: (0..12)
            .map(|i| item(i, TaskKind::Mcq, ItemDetail::default()))
            .collect(),
        assignments,
        cases,
        ..TallyInput::default()
    };
    let t = tally(&input, &config());
    let all = t.blinding.iter().find(|b| b.reviewer == "all").unwrap();
    assert_eq!((all.correct.k, all.correct.n), (16, 22));
    assert!((all.p_value.unwrap() - 0.052478790283203125).abs() < 1e-12);
    assert!((all.p_cluster.unwrap() - 0.09765625).abs() < 1e-12);
    assert!(all.correct.cluster.is_some());
    let text = render_table(&t);
    assert!(text.contains("0.09766"), "{text}");
}

/// Twelve items: A right and erring on every one, B wrong and sound: both paired tests give
/// exact p = 2/4096 < 0.01, so the tally states the contrast; with six items it must not.
fn contrast_input(n: u32) -> TallyInput {
    let mut steps = Vec::new();
    for i in 0..n {
        steps.push(step(i, 0, Slot::A, StepLabel::Error));
        steps.push(step(i, 0, Slot::B, StepLabel::Sound));
    }
    TallyInput {
        study: "contrast".into(),
        models: models(),
        reviewers: vec!["ann".into()],
        items: (0..n as i64)
            .map(|i| item(i, TaskKind::Mcq, ItemDetail::default()))
            .collect(),
        assignments: (0..n).map(|i| (i, 0)).collect(),
        steps,
        cases: (0..n)
            .map(|i| case(i, 0, Some(true), Some(false)))
            .collect(),
        ..TallyInput::default()
    }
}

#[test]
fn the_contrast_is_claimed_only_when_both_tests_are_significant() {
    let t = tally(&contrast_input(12), &config());
    let c = t.contrast.as_ref().unwrap();
    assert!(c.supported);
    assert!((c.answer_p.unwrap() - 2.0 / 4096.0).abs() < 1e-15);
    let text = render_table(&t);
    assert!(
        text.contains("student-x (student) has the better answers AND the worse steps"),
        "{text}"
    );
    let small = tally(&contrast_input(6), &config());
    assert!(!small.contrast.as_ref().unwrap().supported);
    let text = render_table(&small);
    assert!(
        text.contains("but the differences are not significant at α = 0.01"),
        "{text}"
    );
    assert!(!text.contains("AND the worse steps"));
}

#[test]
fn an_alpha_override_is_shown_as_such() {
    let mut cfg = config();
    cfg.alpha = Some(blindstep::stats::SignificanceLevel::new(0.05).unwrap());
    let t = tally(&contrast_input(6), &cfg);
    assert_eq!(t.alpha, 0.05);
    assert!(t.alpha_source.contains("override"), "{}", t.alpha_source);
}

#[test]
fn methods_paragraph_snapshot() {
    let mut input = contrast_input(6);
    input.stripper_versions = vec!["strip-3".into()];
    let record = |plan: AnalysisPlan, after: bool, reason: Option<&str>, at: &str| PlanRecord {
        plan,
        actor: "coordinator".into(),
        reason: reason.map(String::from),
        after_unblinding: after,
        created_at: at.into(),
    };
    let changed = AnalysisPlan {
        ties: TieRule::Any,
        ..AnalysisPlan::default()
    };
    input.plan = changed.clone();
    input.plan_history = vec![
        record(
            AnalysisPlan::default(),
            false,
            None,
            "2026-01-01T09:00:00.000Z",
        ),
        record(
            changed,
            true,
            Some("reviewer request"),
            "2026-02-01T09:00:00.000Z",
        ),
    ];
    let t = tally(&input, &TallyConfig::default());
    insta::assert_snapshot!(render_methods(&t));
    // A study created before plans existed says the defaults apply.
    let t = tally(&contrast_input(6), &TallyConfig::default());
    let text = render_methods(&t);
    assert!(text.contains("No analysis plan was recorded"), "{text}");
    assert!(t.alpha_source.contains("none was recorded"));
}

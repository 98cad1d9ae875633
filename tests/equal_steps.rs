//! `study create --equal-steps` on a real store: both chains of every item
//! re-segmented to one step count (±1) between the two natural counts, the
//! natural chains left as they are and still the ones new studies without the
//! flag use, the setting recorded in the study; and chain outcomes, conflict
//! flags and sentence counts survive the store.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use blindstep::domain::AnswerOutcome;
use blindstep::storage::Store;
use blindstep::workflow::demo::ensure_demo;
use blindstep::workflow::study::{StudyOptions, StudySpec, create_study_with};

fn spec<'a>(name: &'a str) -> StudySpec<'a> {
    StudySpec {
        name,
        model_a: "aster-8b-distill",
        model_b: "cobalt-70b",
        cases: None,
        matching: None,
        reviewers: vec!["r1".into()],
        overlap: 1,
        seed: Some(7),
        actor: "test",
        allow_named_models: false,
    }
}

#[test]
fn equal_steps_gives_both_sides_one_step_count() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let mut store = Store::open(&dir.path().join("db.sqlite"))?;
    ensure_demo(&mut store)?;
    let plain = create_study_with(&mut store, &spec("plain"), &StudyOptions::default())?;
    let equal = create_study_with(
        &mut store,
        &spec("equal"),
        &StudyOptions { equal_steps: true },
    )?;
    assert_eq!(plain.items, equal.items);
    let mut differed = 0;
    for ((case, pa, pb), (case2, ea, eb)) in plain.chains.iter().zip(&equal.chains) {
        assert_eq!(case, case2);
        let (na, nb) = (store.chain(*pa)?.steps.len(), store.chain(*pb)?.steps.len());
        let (ca, cb) = (store.chain(*ea)?, store.chain(*eb)?);
        let (xa, xb) = (ca.steps.len(), cb.steps.len());
        assert!(xa.abs_diff(xb) <= 1, "{case}: {xa} vs {xb}");
        assert!(
            xa >= na.min(nb) && xa <= na.max(nb),
            "{case}: {xa} not in {na}..{nb}"
        );
        if na != nb {
            differed += 1;
            assert!(
                ca.stripper_version.contains("/eq"),
                "{}",
                ca.stripper_version
            );
            // Same words, regrouped.
            let words = |c: &blindstep::domain::Chain| {
                c.steps
                    .iter()
                    .flat_map(|s| s.text.split_whitespace().map(str::to_string))
                    .collect::<Vec<_>>()
            };
            let natural_a = store.chain(*pa)?;
            assert_eq!(words(&natural_a), words(&ca), "{case}");
            assert_eq!(natural_a.answer, ca.answer);
        } else {
            assert_eq!((pa, pb), (ea, eb));
        }
    }
    assert!(
        differed > 3,
        "only {differed} items had different step counts"
    );
    // The natural chains stay the newest for new studies without the flag.
    let again = create_study_with(&mut store, &spec("again"), &StudyOptions::default())?;
    assert_eq!(again.chains, plain.chains);
    Ok(())
}

#[test]
fn outcomes_conflicts_and_sentence_counts_are_stored() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let mut store = Store::open(&dir.path().join("db.sqlite"))?;
    ensure_demo(&mut store)?;
    let runs = store.list_runs(None, None)?;
    assert_eq!(runs.len(), 20);
    for r in &runs {
        let chain = store.chain(r.chain.ok_or_else(|| anyhow::anyhow!("no chain"))?)?;
        assert_eq!(r.outcome, chain.outcome);
        assert_eq!(chain.outcome, AnswerOutcome::Given, "{}", r.case_id);
        assert!(chain.sentences >= chain.steps.len() && chain.sentences > 0);
        assert!(!chain.truncated && !chain.conflict);
    }
    Ok(())
}

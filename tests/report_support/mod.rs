//! Shared setup for the tally and export tests: the demo study on a temp-file database,
//! driven through the real store API.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use blindstep::domain::{ItemId, ReviewerId, Side, StepVerdict, StudyId};
use blindstep::storage::{Slot, Store};
use blindstep::workflow::demo;

pub struct Demo {
    pub dir: tempfile::TempDir,
    pub store: Store,
    pub study: StudyId,
}

/// The demo study, built on a fresh temp-file database.
pub fn demo() -> Demo {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("t.db")).unwrap();
    demo::ensure_demo(&mut store).unwrap();
    let study = store.study(demo::STUDY).unwrap().id;
    Demo { dir, store, study }
}

/// Items of a study with, per reviewer, the side model A is on and each chain's step count.
pub fn layout(store: &Store, study: StudyId) -> Vec<(ItemId, String, Side, [usize; 2])> {
    let items = store.report_items(study).unwrap();
    store
        .report_assignments(study)
        .unwrap()
        .into_iter()
        .map(|a| {
            let it = items.iter().find(|i| i.item == a.item).unwrap();
            (a.item, a.reviewer, a.a_side, it.steps)
        })
        .collect()
}

/// Save one step verdict on the chain of `slot`.
#[allow(clippy::too_many_arguments)]
pub fn judge(
    store: &mut Store,
    study: StudyId,
    item: ItemId,
    reviewer: &str,
    a_side: Side,
    slot: Slot,
    step: usize,
    v: &StepVerdict,
) {
    store
        .append_step_verdict(
            study,
            item,
            &ReviewerId(reviewer.into()),
            slot.side(a_side),
            step,
            v,
            5,
        )
        .unwrap();
}

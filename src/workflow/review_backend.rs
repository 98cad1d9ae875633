//! The review screens' backend over the SQLite store, with one study and one
//! reviewer bound in. Hands the TUI only blinded types.

use crate::domain::{
    BlindItem, CaseVerdict, EventId, ItemId, QueueEntry, ReviewCursor, ReviewerId, Side,
    StepVerdict, StudyId, UndoneChange,
};
use crate::storage::{Base, Store, StoreError};
use crate::tui::{BackendError, BackendResult, ReviewBackend};

/// A refused stale save as the screens understand it; any other store error as it is.
fn saved(r: Result<EventId, StoreError>) -> BackendResult<EventId> {
    match r {
        Ok(id) => Ok(id),
        Err(StoreError::Stale { what, .. }) => Err(BackendError::Stale { what }),
        Err(e) => Err(e.into()),
    }
}

/// Produces training feedback for a finished item (the demo's answer key).
pub trait FeedbackSource {
    fn feedback(
        &mut self,
        store: &Store,
        study: StudyId,
        reviewer: &ReviewerId,
        item: &BlindItem,
    ) -> BackendResult<Option<Vec<String>>>;
}

pub struct StoreBackend {
    pub store: Store,
    pub study: StudyId,
    pub reviewer: ReviewerId,
    pub feedback: Option<Box<dyn FeedbackSource>>,
}

impl StoreBackend {
    /// Bind a study (by name) and a reviewer who must be one of its reviewers.
    pub fn open(store: Store, study: &str, reviewer: &str) -> BackendResult<Self> {
        let s = store.study(study)?;
        let reviewers = store.study_reviewers(s.id)?;
        if !reviewers.iter().any(|r| r == reviewer) {
            return Err(BackendError::Refused(format!(
                "{reviewer:?} is not a reviewer of study {study:?} (reviewers: {})",
                reviewers.join(", ")
            )));
        }
        closed_check(&store, s.id, study)?;
        Ok(Self {
            store,
            study: s.id,
            reviewer: ReviewerId(reviewer.to_string()),
            feedback: None,
        })
    }
}

/// After `unblind`, no verdicts unless the study was reopened (audited).
fn closed_check(store: &Store, study: StudyId, name: &str) -> BackendResult<()> {
    if let Some(at) = store.verdicts_closed(study)? {
        return Err(BackendError::Refused(format!(
            "study {name:?} was unblinded at {at} and takes no more verdicts; the coordinator can reopen it with `blindstep study reopen {name}` (audited)"
        )));
    }
    Ok(())
}

impl StoreBackend {
    fn ensure_open(&self) -> BackendResult<()> {
        if self.store.verdicts_closed(self.study)?.is_none() {
            return Ok(());
        }
        let s = self.store.study_by_id(self.study)?;
        closed_check(&self.store, self.study, &s.name)
    }
}

impl ReviewBackend for StoreBackend {
    fn queue(&mut self) -> BackendResult<Vec<QueueEntry>> {
        Ok(self.store.reviewer_queue(self.study, &self.reviewer)?)
    }

    fn load_item(&mut self, item: ItemId) -> BackendResult<BlindItem> {
        Ok(self
            .store
            .load_blind_item(self.study, item, &self.reviewer)?)
    }

    fn save_step_verdict(
        &mut self,
        item: ItemId,
        side: Side,
        step_index: usize,
        verdict: &StepVerdict,
        base: Option<EventId>,
        ms_spent: u64,
    ) -> BackendResult<EventId> {
        self.ensure_open()?;
        saved(self.store.save_step_verdict(
            self.study,
            item,
            &self.reviewer,
            side,
            step_index,
            verdict,
            ms_spent,
            Base::Event(base),
        ))
    }

    fn save_case_verdict(
        &mut self,
        item: ItemId,
        verdict: &CaseVerdict,
        base: Option<EventId>,
        ms_spent: u64,
    ) -> BackendResult<EventId> {
        self.ensure_open()?;
        saved(self.store.save_case_verdict(
            self.study,
            item,
            &self.reviewer,
            verdict,
            ms_spent,
            Base::Event(base),
        ))
    }

    fn undo_last(&mut self, item: ItemId) -> BackendResult<Option<UndoneChange>> {
        self.ensure_open()?;
        Ok(self
            .store
            .undo_last_change(self.study, item, &self.reviewer)?)
    }

    fn load_cursor(&mut self) -> BackendResult<Option<ReviewCursor>> {
        Ok(self.store.load_cursor(self.study, &self.reviewer)?)
    }

    fn save_cursor(&mut self, cursor: &ReviewCursor) -> BackendResult<()> {
        Ok(self.store.save_cursor(self.study, &self.reviewer, cursor)?)
    }

    fn feedback(&mut self, item: &BlindItem) -> BackendResult<Option<Vec<String>>> {
        match self.feedback.as_mut() {
            Some(f) => f.feedback(&self.store, self.study, &self.reviewer, item),
            None => Ok(None),
        }
    }
}

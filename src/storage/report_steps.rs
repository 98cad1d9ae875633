//! Step-verdict reads for the tally and the exports: every step verdict (current, or the
//! whole history) with the model slot its side held for that reviewer, and the lean current
//! labels the tally counts. Rows stream through a callback, so a million verdicts never sit
//! in memory at once.
//!
//! Must not: write, or decide what may be shown before unblinding. Rows carry the model
//! *slot* (A/B) because agreement needs it even while blinded; the caller (`export`) decides
//! what reaches a file or a screen.

use super::reports::{Rows, non_negative};
use super::review::parse_tags;
use super::{Store, StoreError};
use crate::domain::{
    ChainId, ErrorMode, EventId, ItemId, Severity, Side, Slot, StepLabel, StepVerdict, StudyId,
};
use std::collections::HashMap;

/// One step-verdict event (or the current one) with its place in the study.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepRow {
    pub event: EventId,
    /// The event this one superseded (old → new).
    pub previous: Option<EventId>,
    pub item: ItemId,
    pub reviewer: String,
    pub side: Side,
    pub slot: Slot,
    pub chain: ChainId,
    pub step_index: usize,
    /// The step's display text, when asked for.
    pub text: Option<String>,
    pub verdict: StepVerdict,
    pub ms_spent: u64,
    pub created_at: String,
    /// When this reviewer first judged this step (the time of its first event).
    pub first_at: String,
    /// 1 for the first event on this step by this reviewer, 2 for the next, ...
    pub revision: u32,
    /// Whether this is the reviewer's current verdict on the step.
    pub current: bool,
}

/// A current step verdict reduced to what a tally counts: no text, note or timestamps, the
/// reviewer as an index into the list the caller gave, the tags as bits (see [`mode_bits`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LabelRow {
    pub item: ItemId,
    pub reviewer: usize,
    pub slot: Slot,
    pub step_index: usize,
    pub label: Option<StepLabel>,
    pub severity: Option<Severity>,
    pub tags: u8,
    pub bad_split: bool,
}

/// Stored tags (`drift;red_flag`) as bits: bit i is `ErrorMode::ALL[i]`.
pub fn mode_bits(text: &str) -> Result<u8, StoreError> {
    let mut bits = 0u8;
    for t in text.split(';').filter(|t| !t.is_empty()) {
        let mode: ErrorMode = t.parse().map_err(StoreError::corrupt)?;
        let i = ErrorMode::ALL.iter().position(|m| *m == mode).unwrap_or(0);
        bits |= 1 << i;
    }
    Ok(bits)
}

impl Store {
    /// Stream the study's step verdicts to `f`, ordered by item, reviewer, side, step and
    /// event. Reads item by item along the `step_events_by_step` index, so the current verdict
    /// is simply the last event of each run and no grouping query is needed.
    pub fn visit_step_verdicts<E: From<StoreError>>(
        &self,
        study: StudyId,
        which: Rows,
        with_text: bool,
        mut f: impl FnMut(StepRow) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut a_sides: HashMap<(i64, String), Side> = HashMap::new();
        for a in self.report_assignments(study)? {
            a_sides.insert((a.item.0, a.reviewer), a.a_side);
        }
        let items: Vec<(i64, i64, i64)> = {
            let mut stmt = self
                .conn
                .prepare("SELECT id, chain_a, chain_b FROM items WHERE study_id = ?1 ORDER BY id")
                .map_err(StoreError::from)?;
            let rows = stmt
                .query_map([study.0], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .map_err(StoreError::from)?;
            rows.collect::<Result<_, _>>().map_err(StoreError::from)?
        };
        let mut texts: HashMap<i64, Vec<String>> = HashMap::new();
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, reviewer, side, chain_id, step_idx, label, severity, tags, note, bad_split,
                    ms_spent, previous_id, created_at
                 FROM step_verdict_events WHERE item_id = ?1
                 ORDER BY reviewer, side, step_idx, id",
            )
            .map_err(StoreError::from)?;
        for (item, chain_a, chain_b) in items {
            if with_text {
                texts.clear();
                for chain in [chain_a, chain_b] {
                    texts.insert(chain, self.step_texts(chain)?);
                }
            }
            let mut rows = stmt.query([item]).map_err(StoreError::from)?;
            let mut pending: Option<StepRow> = None;
            while let Some(r) = rows.next().map_err(StoreError::from)? {
                let row = step_row(r, item, &a_sides, with_text.then_some(&texts))?;
                let same_step = pending.as_ref().is_some_and(|p| {
                    p.reviewer == row.reviewer
                        && p.side == row.side
                        && p.step_index == row.step_index
                });
                let row = match pending.take() {
                    Some(p) if same_step => {
                        let next = StepRow {
                            first_at: p.first_at.clone(),
                            revision: p.revision + 1,
                            ..row
                        };
                        if which == Rows::History {
                            f(StepRow {
                                current: false,
                                ..p
                            })?;
                        }
                        next
                    }
                    Some(p) => {
                        f(p)?;
                        row
                    }
                    None => row,
                };
                pending = Some(row);
            }
            if let Some(p) = pending {
                f(p)?;
            }
        }
        Ok(())
    }

    /// Stream the current step verdicts of the study in their lean form, for the tally.
    /// `reviewers` names the reviewers [`LabelRow::reviewer`] indexes; a verdict by anyone
    /// else is an error. One ordered scan per item along `step_events_by_step` (reviewer,
    /// side, step, event): the current verdict is the last event of each run of one step, so
    /// rows come out in (reviewer, side, step) order, one per step, without a grouping query.
    pub fn visit_current_labels<E: From<StoreError>>(
        &self,
        study: StudyId,
        reviewers: &[String],
        mut f: impl FnMut(LabelRow) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut by_item: HashMap<i64, Vec<(usize, Side)>> = HashMap::new();
        for a in self.report_assignments(study)? {
            let r = reviewers
                .iter()
                .position(|x| *x == a.reviewer)
                .ok_or_else(|| {
                    StoreError::corrupt(format!(
                        "item {}: reviewer {:?} is not listed",
                        a.item, a.reviewer
                    ))
                })?;
            by_item.entry(a.item.0).or_default().push((r, a.a_side));
        }
        let mut items: Vec<i64> = by_item.keys().copied().collect();
        items.sort_unstable();
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT reviewer, side, step_idx, label, severity, tags, bad_split
                 FROM step_verdict_events WHERE item_id = ?1
                 ORDER BY reviewer, side, step_idx, id",
            )
            .map_err(StoreError::from)?;
        for item in items {
            let assigned = by_item.get(&item).map(Vec::as_slice).unwrap_or_default();
            let mut rows = stmt.query([item]).map_err(StoreError::from)?;
            // The step being read (reviewer name, side, index) and its latest event so far;
            // the reviewer's index and side of model A, looked up when the name changes.
            let (mut name_of, mut side_of) = (String::new(), Side::Left);
            let mut reviewer_of: Option<(usize, Side)> = None;
            let mut latest: Option<LabelRow> = None;
            while let Some(r) = rows.next().map_err(StoreError::from)? {
                let (name, side, step) = label_key(r)?;
                let same_reviewer = reviewer_of.is_some() && name_of == name;
                let same_step = same_reviewer
                    && latest.is_some_and(|p| p.step_index == step && side_of == side);
                if !same_step {
                    if let Some(p) = latest.take() {
                        f(p)?;
                    }
                    if !same_reviewer {
                        reviewer_of = Some(assignment(item, reviewers, assigned, name)?);
                        name_of.clear();
                        name_of.push_str(name);
                    }
                    side_of = side;
                }
                if let Some((reviewer, a_side)) = reviewer_of {
                    latest = Some(label_row(r, item, reviewer, a_side, side, step)?);
                }
            }
            if let Some(p) = latest {
                f(p)?;
            }
        }
        Ok(())
    }

    fn step_texts(&self, chain: i64) -> Result<Vec<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT text FROM steps WHERE chain_id = ?1 ORDER BY idx")?;
        let rows = stmt.query_map([chain], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// The reviewer, side and step index of a row of [`Store::visit_current_labels`]' scan.
fn label_key<'r>(r: &'r rusqlite::Row<'_>) -> Result<(&'r str, Side, usize), StoreError> {
    let name = r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
    let side: Side = r.get(1)?;
    let step = non_negative(r.get(2)?, "step index")? as usize;
    Ok((name, side, step))
}

/// The index of reviewer `name` and the side model A is on for them, from `assigned`.
fn assignment(
    item: i64,
    reviewers: &[String],
    assigned: &[(usize, Side)],
    name: &str,
) -> Result<(usize, Side), StoreError> {
    assigned
        .iter()
        .find(|(i, _)| reviewers.get(*i).is_some_and(|x| x == name))
        .copied()
        .ok_or_else(|| {
            StoreError::corrupt(format!(
                "item {item}: verdicts by {name:?}, who has no assignment"
            ))
        })
}

fn label_row(
    r: &rusqlite::Row<'_>,
    item: i64,
    reviewer: usize,
    a_side: Side,
    side: Side,
    step_index: usize,
) -> Result<LabelRow, StoreError> {
    Ok(LabelRow {
        item: ItemId(item),
        reviewer,
        slot: Slot::on_side(side, a_side),
        step_index,
        label: r.get(3)?,
        severity: r.get(4)?,
        tags: mode_bits(r.get_ref(5)?.as_str().map_err(rusqlite::Error::from)?)?,
        bad_split: r.get(6)?,
    })
}

fn step_row(
    r: &rusqlite::Row<'_>,
    item: i64,
    a_sides: &HashMap<(i64, String), Side>,
    texts: Option<&HashMap<i64, Vec<String>>>,
) -> Result<StepRow, StoreError> {
    let reviewer: String = r.get(1)?;
    let side: Side = r.get(2)?;
    let chain: i64 = r.get(3)?;
    let step_index = non_negative(r.get(4)?, "step index")? as usize;
    let a_side = *a_sides.get(&(item, reviewer.clone())).ok_or_else(|| {
        StoreError::corrupt(format!(
            "item {item}: verdicts by {reviewer:?}, who has no assignment"
        ))
    })?;
    let text = match texts {
        Some(t) => Some(
            t.get(&chain)
                .and_then(|steps| steps.get(step_index))
                .cloned()
                .ok_or_else(|| {
                    StoreError::corrupt(format!(
                        "item {item}: chain {chain} has no step {step_index}"
                    ))
                })?,
        ),
        None => None,
    };
    let created_at: String = r.get(12)?;
    Ok(StepRow {
        event: EventId(r.get(0)?),
        previous: r.get::<_, Option<i64>>(11)?.map(EventId),
        item: ItemId(item),
        slot: Slot::on_side(side, a_side),
        side,
        reviewer,
        chain: ChainId(chain),
        step_index,
        text,
        verdict: StepVerdict {
            label: r.get(5)?,
            severity: r.get(6)?,
            tags: parse_tags(r.get_ref(7)?.as_str().map_err(rusqlite::Error::from)?)?,
            note: r.get(8)?,
            bad_split: r.get(9)?,
        },
        ms_spent: non_negative(r.get(10)?, "ms_spent")?,
        first_at: created_at.clone(),
        created_at,
        revision: 1,
        current: true,
    })
}

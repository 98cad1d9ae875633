//! One cell per assignment (item × reviewer): each reviewer's verdicts on each chain,
//! summed once, so every later figure is a fold over cells.
//!
//! Must not: look at model names; slots only.

use super::input::{CaseObs, TallyInput};
use super::result::SeverityMix;
use crate::domain::{Severity, StepLabel};

/// Where each (item, reviewer) key sits in the sorted, deduplicated key list: the keys of
/// item i are `keys[start[i]..start[i + 1]]`, a handful of reviewers to look through.
struct CellIndex<'k> {
    keys: &'k [(u32, u32)],
    start: Vec<usize>,
}

impl<'k> CellIndex<'k> {
    fn new(keys: &'k [(u32, u32)]) -> Self {
        let items = keys.last().map_or(0, |k| k.0 as usize + 1);
        let mut start = vec![0usize; items + 1];
        for &(item, _) in keys {
            start[item as usize + 1] += 1;
        }
        for i in 0..items {
            start[i + 1] += start[i];
        }
        Self { keys, start }
    }

    fn get(&self, item: u32, reviewer: u32) -> Option<usize> {
        let i = item as usize;
        let (&from, &to) = (self.start.get(i)?, self.start.get(i + 1)?);
        let at = self
            .keys
            .get(from..to)?
            .iter()
            .position(|k| k.1 == reviewer)?;
        Some(from + at)
    }
}

/// One reviewer's verdicts on one chain, summed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct ChainAcc {
    pub sound: u64,
    pub neutral: u64,
    pub error: u64,
    pub abstain: u64,
    pub mode_steps: [u64; 4],
    pub severity: SeverityMix,
    pub bad_split: u64,
}

impl ChainAcc {
    pub fn judged(&self) -> u64 {
        self.sound + self.neutral + self.error
    }

    pub fn labelled(&self) -> u64 {
        self.judged() + self.abstain
    }

    pub(crate) fn add(&mut self, o: &ChainAcc) {
        self.sound += o.sound;
        self.neutral += o.neutral;
        self.error += o.error;
        self.abstain += o.abstain;
        for (a, b) in self.mode_steps.iter_mut().zip(o.mode_steps) {
            *a += b;
        }
        self.severity.minor += o.severity.minor;
        self.severity.major += o.severity.major;
        self.severity.harmful += o.severity.harmful;
        self.severity.unspecified += o.severity.unspecified;
        self.bad_split += o.bad_split;
    }
}

/// One assignment (item × reviewer) with its verdicts.
#[derive(Debug, Clone)]
pub(crate) struct Cell<'a> {
    pub item: u32,
    pub reviewer: u32,
    /// `[A, B]`.
    pub chains: [ChainAcc; 2],
    pub case: Option<&'a CaseObs>,
}

/// Accumulate the input into one cell per assignment, in (item, reviewer) order.
pub(crate) fn cells(input: &TallyInput) -> Vec<Cell<'_>> {
    let mut keys: Vec<(u32, u32)> = input.assignments.clone();
    keys.sort_unstable();
    keys.dedup();
    let index = CellIndex::new(&keys);
    let mut cells: Vec<Cell<'_>> = keys
        .iter()
        .map(|&(item, reviewer)| Cell {
            item,
            reviewer,
            chains: [ChainAcc::default(); 2],
            case: None,
        })
        .collect();
    for s in &input.steps {
        let Some(i) = index.get(s.item, s.reviewer) else {
            continue;
        };
        let acc = &mut cells[i].chains[s.slot.index()];
        match s.label {
            Some(StepLabel::Sound) => acc.sound += 1,
            Some(StepLabel::Neutral) => acc.neutral += 1,
            Some(StepLabel::Error) => {
                acc.error += 1;
                match s.severity {
                    Some(Severity::Minor) => acc.severity.minor += 1,
                    Some(Severity::Major) => acc.severity.major += 1,
                    Some(Severity::Harmful) => acc.severity.harmful += 1,
                    None => acc.severity.unspecified += 1,
                }
            }
            Some(StepLabel::Abstain) => acc.abstain += 1,
            None => {}
        }
        if matches!(
            s.label,
            Some(StepLabel::Sound | StepLabel::Neutral | StepLabel::Error)
        ) {
            for (m, count) in acc.mode_steps.iter_mut().enumerate() {
                *count += u64::from(s.tags & (1 << m) != 0);
            }
        }
        if s.label.is_some() && s.bad_split {
            acc.bad_split += 1;
        }
    }
    for c in &input.cases {
        if let Some(i) = index.get(c.item, c.reviewer) {
            cells[i].case = Some(c);
        }
    }
    cells
}

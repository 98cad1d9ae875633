//! Item outcomes from several reviewers: the votes on each binary outcome (answer correct,
//! chain has an error, each error mode, each red flag recognised and acted on), the study's
//! tie rule, and adjudications, which always win. Also the dispute list the adjudication
//! queue shows.
//!
//! Must not: name a reviewer or a model; reviewers are indices, slots are A/B.

use super::cells::Cell;
use super::input::TallyInput;
use crate::domain::Slot;
use crate::domain::{ErrorMode, TieRule};
use std::collections::{BTreeMap, HashMap};

pub use super::outcome::Outcome;

impl Outcome {
    /// Plain words for a reviewer-facing screen.
    pub fn question(&self) -> String {
        match self {
            Outcome::AnswerCorrect => "Is the final answer correct?".into(),
            Outcome::ChainError => "Does the chain contain at least one error step?".into(),
            Outcome::Mode(m) => format!(
                "Does the chain contain a {} error?",
                ErrorMode::ALL
                    .get(*m as usize)
                    .map_or("?".to_string(), |x| x.to_string())
            ),
            Outcome::RedFlag(i) => format!("Is red flag {} recognised?", i + 1),
            Outcome::ActedOn(i) => format!("Is red flag {} acted on?", i + 1),
        }
    }

    /// Where the outcome sorts on a reviewer-facing list: by key, except that a red flag's
    /// "acted on" follows its "recognised".
    pub fn list_key(&self) -> (String, u8) {
        match self {
            Outcome::ActedOn(i) => (Outcome::RedFlag(*i).to_string(), 1),
            o => (o.to_string(), 0),
        }
    }
}

/// An outcome's value after the tie rule and any adjudication.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Resolved {
    pub value: Option<bool>,
    /// At least two votes.
    pub multi: bool,
    /// Votes disagree and nobody adjudicated.
    pub unresolved: bool,
    pub adjudicated: bool,
    /// Disputed and left out by the rule.
    pub excluded: bool,
}

/// Resolve `votes` under `rule`; an adjudicated value always wins.
pub(crate) fn resolve(votes: &[bool], rule: TieRule, adjudicated: Option<bool>) -> Resolved {
    let yes = votes.iter().filter(|v| **v).count();
    let no = votes.len() - yes;
    let multi = votes.len() >= 2;
    if let Some(v) = adjudicated {
        return Resolved {
            value: Some(v),
            multi,
            adjudicated: true,
            ..Resolved::default()
        };
    }
    if votes.is_empty() {
        return Resolved::default();
    }
    if yes == 0 || no == 0 {
        return Resolved {
            value: Some(yes > 0),
            multi,
            ..Resolved::default()
        };
    }
    let value = match rule {
        TieRule::Exclude => None,
        TieRule::Any => Some(true),
        TieRule::MajorityElseExclude => match yes.cmp(&no) {
            std::cmp::Ordering::Greater => Some(true),
            std::cmp::Ordering::Less => Some(false),
            std::cmp::Ordering::Equal => None,
        },
    };
    Resolved {
        value,
        multi,
        unresolved: true,
        adjudicated: false,
        excluded: value.is_none(),
    }
}

/// Every reviewer's vote on every outcome of one item's slot: `(outcome, [(reviewer, vote)])`.
pub(crate) fn votes(cells: &[&Cell<'_>], slot: usize) -> BTreeMap<Outcome, Vec<(u32, bool)>> {
    let mut out: BTreeMap<Outcome, Vec<(u32, bool)>> = BTreeMap::new();
    for c in cells {
        let acc = &c.chains[slot];
        if acc.judged() > 0 {
            out.entry(Outcome::ChainError)
                .or_default()
                .push((c.reviewer, acc.error > 0));
            for m in 0..ErrorMode::ALL.len() {
                out.entry(Outcome::Mode(m as u8))
                    .or_default()
                    .push((c.reviewer, acc.mode_steps[m] > 0));
            }
        }
        if let Some(case) = c.case {
            if let Some(v) = case.answer_correct[slot] {
                out.entry(Outcome::AnswerCorrect)
                    .or_default()
                    .push((c.reviewer, v));
            }
            for (i, f) in case.red_flags[slot].iter().enumerate() {
                out.entry(Outcome::RedFlag(i as u16))
                    .or_default()
                    .push((c.reviewer, *f));
            }
            for (i, f) in case.acted_on[slot].iter().enumerate() {
                out.entry(Outcome::ActedOn(i as u16))
                    .or_default()
                    .push((c.reviewer, *f));
            }
        }
    }
    out
}

/// Adjudications by (item, slot, outcome).
pub(crate) type Decisions = HashMap<(u32, Slot, Outcome), bool>;

pub(crate) fn decisions(input: &TallyInput) -> Decisions {
    input
        .adjudications
        .iter()
        .map(|a| ((a.item, a.slot, a.outcome), a.value))
        .collect()
}

/// One item outcome on which the reviewers disagree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dispute {
    /// Index into [`TallyInput::items`].
    pub item: u32,
    pub slot: Slot,
    pub outcome: Outcome,
    /// `(reviewer index, vote)`, in reviewer order.
    pub votes: Vec<(u32, bool)>,
    /// The current adjudication, if any.
    pub adjudicated: Option<bool>,
}

/// Every disputed item outcome of the study (adjudicated ones included, marked), in item,
/// slot and outcome order. Works while blinded: nothing here names a model.
pub fn disputes(input: &TallyInput) -> Vec<Dispute> {
    let cells = super::cells::cells(input);
    let decided = decisions(input);
    let mut by_item: BTreeMap<u32, Vec<&Cell<'_>>> = BTreeMap::new();
    for c in &cells {
        by_item.entry(c.item).or_default().push(c);
    }
    let mut out = Vec::new();
    for (item, cs) in by_item {
        for slot in Slot::BOTH {
            for (outcome, v) in votes(&cs, slot.index()) {
                let yes = v.iter().filter(|x| x.1).count();
                if yes > 0 && yes < v.len() {
                    out.push(Dispute {
                        item,
                        slot,
                        outcome,
                        votes: v,
                        adjudicated: decided.get(&(item, slot, outcome)).copied(),
                    });
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_resolve_disagreement_and_adjudication_wins() {
        let rule = TieRule::MajorityElseExclude;
        assert_eq!(
            resolve(&[true, false, false], rule, None).value,
            Some(false)
        );
        let tie = resolve(&[true, false], rule, None);
        assert_eq!(
            (tie.value, tie.unresolved, tie.excluded),
            (None, true, true)
        );
        assert_eq!(
            resolve(&[true, false], TieRule::Any, None).value,
            Some(true)
        );
        assert_eq!(
            resolve(&[true, true, false], TieRule::Exclude, None).value,
            None
        );
        assert_eq!(
            resolve(&[true, true], TieRule::Exclude, None).value,
            Some(true)
        );
        let adj = resolve(&[true, false], TieRule::Exclude, Some(false));
        assert_eq!(
            (adj.value, adj.adjudicated, adj.unresolved),
            (Some(false), true, false)
        );
        assert_eq!(resolve(&[], rule, None).value, None);
    }

    #[test]
    fn outcome_keys_round_trip() {
        for o in [
            Outcome::AnswerCorrect,
            Outcome::ChainError,
            Outcome::Mode(2),
            Outcome::RedFlag(3),
            Outcome::ActedOn(0),
            Outcome::ActedOn(12),
        ] {
            assert_eq!(o.to_string().parse::<Outcome>(), Ok(o));
        }
        assert!("mode:nonsense".parse::<Outcome>().is_err());
        assert!("acted_on:x".parse::<Outcome>().is_err());
        assert_eq!("acted_on:1".parse::<Outcome>(), Ok(Outcome::ActedOn(1)));
    }

    #[test]
    fn acted_on_lists_after_its_red_flag() {
        let mut v = [
            Outcome::ActedOn(0),
            Outcome::RedFlag(1),
            Outcome::AnswerCorrect,
            Outcome::RedFlag(0),
            Outcome::ActedOn(1),
        ];
        v.sort_by_key(|o| o.list_key());
        assert_eq!(
            v.map(|o| o.to_string()),
            [
                "answer_correct",
                "red_flag:0",
                "acted_on:0",
                "red_flag:1",
                "acted_on:1"
            ]
        );
        assert_eq!(Outcome::ActedOn(0).question(), "Is red flag 1 acted on?");
    }
}

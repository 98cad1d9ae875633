//! `study assign`: add reviewers, and move a dropped reviewer's unstarted items to others,
//! balanced: each item goes to the eligible reviewer with the fewest items (ties by a stable
//! hash of the study seed, case and reviewer), on the side that evens out how often that
//! reviewer sees model A on the left, at the end of their queue. Started items stay.

use super::error::{WorkflowResult, refuse};
use crate::domain::assign::stable_hash;
use crate::domain::{ItemId, Side};
use crate::storage::Store;
use crate::storage::lifecycle::AssignmentMove;
use std::collections::{BTreeMap, BTreeSet};

/// One reviewer's current load.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Load {
    pub items: BTreeSet<ItemId>,
    /// Items with model A on the left / right.
    pub a_left: u32,
    pub a_right: u32,
    pub next_position: u32,
}

/// Plan the moves of `moving` (item, case id, in the dropped reviewer's order) to the
/// reviewers in `loads`. Returns the moves and the items no one could take (every candidate
/// already has them, or holds another stage of the same case). `groups` maps an item to its
/// case's stage group (see [`crate::domain::Case::stage_group`]); items not in it form a
/// group of their own.
pub fn plan_moves(
    moving: &[(ItemId, String)],
    from: &str,
    loads: &mut BTreeMap<String, Load>,
    seed: u64,
    groups: &BTreeMap<ItemId, String>,
) -> (Vec<AssignmentMove>, Vec<ItemId>) {
    let mut moves = Vec::new();
    let mut stuck = Vec::new();
    for (item, case) in moving {
        let group = groups.get(item);
        let same_group =
            |l: &Load| group.is_some() && l.items.iter().any(|i| groups.get(i) == group);
        let pick = loads
            .iter()
            .filter(|(_, l)| !l.items.contains(item) && !same_group(l))
            .min_by_key(|(r, l)| (l.items.len(), stable_hash(seed, &[case, r])))
            .map(|(r, _)| r.clone());
        let Some(to) = pick else {
            stuck.push(*item);
            continue;
        };
        let Some(load) = loads.get_mut(&to) else {
            continue;
        };
        let a_side = match load.a_left.cmp(&load.a_right) {
            std::cmp::Ordering::Less => Side::Left,
            std::cmp::Ordering::Greater => Side::Right,
            std::cmp::Ordering::Equal => {
                if stable_hash(seed, &[case, &to, "side"]) & 1 == 0 {
                    Side::Left
                } else {
                    Side::Right
                }
            }
        };
        match a_side {
            Side::Left => load.a_left += 1,
            Side::Right => load.a_right += 1,
        }
        load.items.insert(*item);
        moves.push(AssignmentMove {
            item: *item,
            from: from.to_string(),
            to: to.clone(),
            position: load.next_position,
            a_side,
        });
        load.next_position += 1;
    }
    (moves, stuck)
}

/// What `study assign` did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reassigned {
    pub added: Vec<String>,
    /// (case id, new reviewer)
    pub moved: Vec<(String, String)>,
    /// Items of the dropped reviewer kept because they were started.
    pub kept_started: usize,
    /// Items no other reviewer could take (each already has them).
    pub stuck: usize,
}

/// Add `add` as reviewers of `study`; then, with `drop`, move that reviewer's unstarted
/// items to `to` (or to every other reviewer).
pub fn reassign(
    store: &mut Store,
    study: &str,
    add: &[String],
    drop: Option<&str>,
    to: &[String],
    actor: &str,
) -> WorkflowResult<Reassigned> {
    let s = store.study(study)?;
    if let Some(at) = store.verdicts_closed(s.id)? {
        refuse!(
            "study {study:?} was unblinded at {at} and takes no more verdicts; reopen it first"
        );
    }
    let existing = store.study_reviewers(s.id)?;
    for r in add {
        if r.trim().is_empty() {
            refuse!("a reviewer id cannot be empty");
        }
        if existing.contains(r) {
            refuse!("{r:?} is already a reviewer of study {study:?}");
        }
    }
    if add.is_empty() && drop.is_none() {
        refuse!("give --add REVIEWER(S), --drop REVIEWER, or both");
    }
    let mut all: Vec<String> = existing.clone();
    all.extend(add.iter().cloned());
    let mut moves = Vec::new();
    let mut out = Reassigned {
        added: add.to_vec(),
        ..Reassigned::default()
    };
    if let Some(from) = drop {
        if !existing.iter().any(|r| r == from) {
            refuse!("{from:?} is not a reviewer of study {study:?}");
        }
        let recipients: Vec<String> = if to.is_empty() {
            all.iter().filter(|r| *r != from).cloned().collect()
        } else {
            for r in to {
                if !all.contains(r) || r == from {
                    refuse!(
                        "--to {r:?}: not another reviewer of study {study:?} (add one with --add)"
                    );
                }
            }
            to.to_vec()
        };
        if recipients.is_empty() {
            refuse!("no other reviewer to move {from:?}'s items to (add one with --add)");
        }
        let mut loads: BTreeMap<String, Load> = recipients
            .iter()
            .map(|r| (r.clone(), Load::default()))
            .collect();
        let case_of: BTreeMap<ItemId, String> = store
            .study_items(s.id)?
            .into_iter()
            .map(|i| (i.item, i.case_id.to_string()))
            .collect();
        let started = store.started_items(s.id, from)?;
        let mut moving = Vec::new();
        for (item, reviewer, position, a_side) in store.study_assignments(s.id)? {
            if reviewer == from {
                if started.contains(&item) {
                    out.kept_started += 1;
                } else {
                    moving.push((item, case_of.get(&item).cloned().unwrap_or_default()));
                }
            } else if let Some(l) = loads.get_mut(&reviewer) {
                l.items.insert(item);
                match a_side {
                    Side::Left => l.a_left += 1,
                    Side::Right => l.a_right += 1,
                }
                l.next_position = l.next_position.max(position + 1);
            }
        }
        // Two stages of one case never go to one reviewer.
        let mut groups = BTreeMap::new();
        for (item, case) in &case_of {
            let case = store.case(&crate::domain::CaseId::new(case.as_str()))?;
            groups.insert(*item, case.stage_group().to_string());
        }
        let (planned, stuck) = plan_moves(&moving, from, &mut loads, s.seed, &groups);
        out.stuck = stuck.len();
        out.moved = planned
            .iter()
            .map(|m| {
                (
                    case_of.get(&m.item).cloned().unwrap_or_default(),
                    m.to.clone(),
                )
            })
            .collect();
        moves = planned;
    }
    let detail = serde_json::json!({
        "added": out.added, "dropped": drop, "moved": out.moved.iter()
            .map(|(c, r)| serde_json::json!({"case": c, "to": r})).collect::<Vec<_>>(),
        "kept_started": out.kept_started, "stuck": out.stuck,
    });
    store.reassign(s.id, add, &moves, actor, &detail)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_balance_load_and_sides() {
        let mut loads: BTreeMap<String, Load> = BTreeMap::new();
        loads.insert(
            "ana".into(),
            Load {
                items: (1..=3).map(ItemId).collect(),
                a_left: 2,
                a_right: 1,
                next_position: 3,
            },
        );
        loads.insert("dan".into(), Load::default());
        let moving: Vec<(ItemId, String)> =
            (10..16).map(|i| (ItemId(i), format!("case-{i}"))).collect();
        let (moves, stuck) = plan_moves(&moving, "ben", &mut loads, 7, &BTreeMap::new());
        assert!(stuck.is_empty());
        assert_eq!(moves.len(), 6);
        let to_dan = moves.iter().filter(|m| m.to == "dan").count();
        // dan starts empty: he takes items until level with ana, then they alternate
        assert!(to_dan >= 4, "{moves:?}");
        let (ana, dan) = (&loads["ana"], &loads["dan"]);
        assert!(ana.items.len().abs_diff(dan.items.len()) <= 1);
        assert!(dan.a_left.abs_diff(dan.a_right) <= 1);
        assert!(ana.a_left.abs_diff(ana.a_right) <= 1);
        let positions: Vec<u32> = moves
            .iter()
            .filter(|m| m.to == "ana")
            .map(|m| m.position)
            .collect();
        assert!(
            positions.iter().all(|p| *p >= 3),
            "appended after ana's queue"
        );
    }

    #[test]
    fn two_stages_of_one_case_never_go_to_one_reviewer() {
        let mut loads: BTreeMap<String, Load> = ["ana", "chi"]
            .iter()
            .map(|r| (r.to_string(), Load::default()))
            .collect();
        // ana holds the investigated stage (item 1) and has the smaller load.
        if let Some(ana) = loads.get_mut("ana") {
            ana.items.insert(ItemId(1));
        }
        if let Some(chi) = loads.get_mut("chi") {
            chi.items.extend([ItemId(3), ItemId(4)]);
        }
        let groups: BTreeMap<ItemId, String> = [(1, "bs-0038"), (2, "bs-0038"), (3, "x"), (4, "y")]
            .into_iter()
            .map(|(i, g)| (ItemId(i), g.to_string()))
            .collect();
        let (moves, stuck) = plan_moves(
            &[(ItemId(2), "bs-0201".into())],
            "ben",
            &mut loads,
            3,
            &groups,
        );
        assert!(stuck.is_empty());
        assert_eq!(moves.len(), 1);
        assert_eq!(
            moves[0].to, "chi",
            "the presentation stage went to the reviewer of its case"
        );
    }

    #[test]
    fn an_item_is_never_given_twice_to_one_reviewer() {
        let mut loads: BTreeMap<String, Load> = BTreeMap::new();
        loads.insert(
            "ana".into(),
            Load {
                items: [ItemId(1)].into(),
                ..Load::default()
            },
        );
        let (moves, stuck) = plan_moves(
            &[(ItemId(1), "c".into())],
            "ben",
            &mut loads,
            1,
            &BTreeMap::new(),
        );
        assert!(moves.is_empty());
        assert_eq!(stuck, vec![ItemId(1)]);
    }
}

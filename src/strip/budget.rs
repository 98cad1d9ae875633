//! Step granularity: sentence-steps grouped into claim-sized steps a
//! clinician can carry. Back-tracking ("Wait, … no, …") stays in one step
//! with the claim it revises, so the reviewer sees the revision; a chain over
//! its budget is brought down by merging adjacent steps (the pair with the
//! fewest words first, neighbours of one paragraph before others), never by
//! dropping content. Pure.

use super::markers::MarkerId;
use super::parts::{DetailedStep, Removed};
use super::segment::word_count;
use crate::domain::Step;

/// Extra cost, in words, of merging two steps from different paragraphs or
/// list items: a paragraph is usually one clinical point.
const ACROSS_UNITS: usize = 25;

/// Removed markers that mean a sentence revises the one before it.
const REVISION_MARKERS: &[MarkerId] = &[
    MarkerId::filler_wait,
    MarkerId::filler_but_wait,
    MarkerId::filler_no,
];

fn merge_into(a: &mut DetailedStep, b: DetailedStep) {
    a.step.text = if a.step.text.is_empty() {
        b.step.text
    } else if b.step.text.is_empty() {
        std::mem::take(&mut a.step.text)
    } else {
        format!("{} {}", a.step.text, b.step.text)
    };
    a.step.spans.extend(b.step.spans);
    a.step.duplicates.extend(b.step.duplicates);
    a.removed.extend(b.removed);
}

/// Is `a b` still a fixpoint of the stripper? Every step is; two fixpoints
/// joined are one unless a fragment reads differently beside its neighbour
/// ("1." before "A…" reads as list numbering), so only short sides are checked.
fn joins_cleanly(a: &str, b: &str) -> bool {
    if word_count(a) >= 4 && word_count(b) >= 4 {
        return true;
    }
    // Only the boundary can read differently: a's last sentence beside b's first.
    let last = super::segment::sentences(a)
        .last()
        .map_or(a, |&(x, y)| &a[x..y]);
    let first = super::segment::sentences(b)
        .first()
        .map_or(b, |&(x, y)| &b[x..y]);
    let joined = format!("{last} {first}");
    super::text::strip_text(&joined) == joined
}

fn reindex(steps: &mut [DetailedStep]) {
    for (i, s) in steps.iter_mut().enumerate() {
        s.step.index = i;
    }
}

/// Does this step revise the one before it ("Wait, …", "Actually, …")?
fn revises(s: &DetailedStep) -> bool {
    s.removed
        .iter()
        .any(|r| matches!(r, Removed::Marker(id) if REVISION_MARKERS.contains(id)))
}

/// Keep each revision with the claim it revises.
pub fn group(steps: Vec<DetailedStep>) -> Vec<DetailedStep> {
    let mut out: Vec<DetailedStep> = Vec::with_capacity(steps.len());
    for s in steps {
        match out.last_mut() {
            Some(last) if revises(&s) && joins_cleanly(&last.step.text, &s.step.text) => {
                merge_into(last, s)
            }
            _ => out.push(s),
        }
    }
    reindex(&mut out);
    out
}

/// Merge adjacent steps until at most `max` are left.
pub fn cap(steps: Vec<DetailedStep>, max: usize) -> Vec<DetailedStep> {
    let max = max.max(1);
    if steps.len() <= max {
        return steps;
    }
    let mut steps = steps;
    let mut words: Vec<usize> = steps.iter().map(|s| word_count(&s.step.text)).collect();
    // Whether pair (i, i + 1) joins cleanly, kept up to date as pairs merge.
    let joins =
        |st: &[DetailedStep], i: usize| joins_cleanly(&st[i].step.text, &st[i + 1].step.text);
    let mut clean: Vec<bool> = (0..steps.len() - 1).map(|i| joins(&steps, i)).collect();
    while steps.len() > max {
        let cost = |i: usize| {
            let across = if steps[i].unit == steps[i + 1].unit {
                0
            } else {
                ACROSS_UNITS
            };
            (words[i] + words[i + 1] + across, i)
        };
        // Pairs that join cleanly first; any pair when none does.
        let best = (0..steps.len() - 1)
            .filter(|&i| clean[i])
            .min_by_key(|&i| cost(i))
            .or_else(|| (0..steps.len() - 1).min_by_key(|&i| cost(i)));
        let Some(i) = best else { break };
        let b = steps.remove(i + 1);
        let w = words.remove(i + 1);
        merge_into(&mut steps[i], b);
        words[i] += w;
        clean.remove(i);
        if i > 0 {
            clean[i - 1] = joins(&steps, i - 1);
        }
        if i + 1 < steps.len() {
            clean[i] = joins(&steps, i);
        }
    }
    reindex(&mut steps);
    steps
}

/// Exactly `n` steps when there are at least `n` (merging as [`cap`]);
/// fewer sentences than `n` stay as they are.
pub fn to_count(steps: Vec<DetailedStep>, n: usize) -> Vec<DetailedStep> {
    cap(steps, n)
}

/// A cut-off chain: its last sentence keeps its text but gets no invented
/// full stop when the raw text it came from ends mid-sentence.
pub fn no_invented_stop<'a>(
    steps: &mut [DetailedStep],
    raw_of: &dyn Fn(crate::domain::RawField) -> &'a str,
) {
    let Some(last) = steps.last_mut() else { return };
    let Some(span) = last.step.spans.iter().max_by_key(|s| (s.field, s.end)) else {
        return;
    };
    let raw = raw_of(span.field)
        .get(span.start..span.end)
        .unwrap_or_default()
        .trim_end();
    let ended = raw.ends_with(['.', '?', '!', '…', ':', ';', ')', '"', '*', ']', '\'']);
    if !ended && last.step.text.ends_with('.') && !last.step.text.ends_with("..") {
        last.step.text.pop();
    }
}

/// The share of steps over `words` words (for the "readable step" report).
pub fn share_over(steps: &[Step], words: usize) -> f64 {
    if steps.is_empty() {
        return 0.0;
    }
    let over = steps.iter().filter(|s| word_count(&s.text) > words).count();
    over as f64 / steps.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{RawField, Span};

    fn st(i: usize, text: &str, unit: usize, removed: &[MarkerId]) -> DetailedStep {
        DetailedStep {
            step: Step {
                index: i,
                text: text.into(),
                spans: vec![Span {
                    field: RawField::Output,
                    start: i * 10,
                    end: i * 10 + 5,
                }],
                duplicates: vec![],
            },
            removed: removed.iter().map(|&id| Removed::Marker(id)).collect(),
            unit,
        }
    }

    #[test]
    fn revisions_stay_with_the_claim_they_revise() {
        let g = group(vec![
            st(0, "The pain is pleuritic.", 0, &[]),
            st(1, "It is acute pericarditis.", 1, &[]),
            st(
                2,
                "Pericarditis pain eases sitting forward.",
                2,
                &[MarkerId::filler_wait],
            ),
        ]);
        assert_eq!(g.len(), 2);
        assert_eq!(
            g[1].step.text,
            "It is acute pericarditis. Pericarditis pain eases sitting forward."
        );
        assert_eq!(g[1].step.spans.len(), 2);
    }

    #[test]
    fn the_budget_merges_and_keeps_every_word_and_span() {
        let steps: Vec<DetailedStep> = (0..10)
            .map(|i| st(i, &format!("Finding {i} is present."), i / 2, &[]))
            .collect();
        let all: Vec<String> = steps.iter().map(|s| s.step.text.clone()).collect();
        let c = cap(steps, 5);
        assert_eq!(c.len(), 5);
        assert_eq!(
            c.iter()
                .map(|s| s.step.text.clone())
                .collect::<Vec<_>>()
                .join(" "),
            all.join(" ")
        );
        assert_eq!(c.iter().map(|s| s.step.spans.len()).sum::<usize>(), 10);
        // Neighbours of one paragraph go together first.
        assert_eq!(
            c[0].step.text,
            "Finding 0 is present. Finding 1 is present."
        );
        assert!(c.iter().enumerate().all(|(i, s)| s.step.index == i));
    }

    #[test]
    fn a_cut_off_sentence_gets_no_full_stop() {
        let raw = "The next step is B, Labetal";
        let mut s = vec![DetailedStep {
            step: Step {
                index: 0,
                text: "The next step is B, Labetal.".into(),
                spans: vec![Span {
                    field: RawField::Output,
                    start: 0,
                    end: raw.len(),
                }],
                duplicates: vec![],
            },
            removed: vec![],
            unit: 0,
        }];
        no_invented_stop(&mut s, &|_| raw);
        assert_eq!(s[0].step.text, "The next step is B, Labetal");
    }
}

//! From reasoning regions to judgeable steps: lines → units (paragraphs and
//! list items) → sentences (abbreviation-aware, run-ons split) → style-
//! stripped pieces ([`super::pieces`]); titles without clinical content
//! dropped; pieces with nothing to judge dropped; openers and fragments too
//! short to judge merged within their unit ([`super::merge`]); near-duplicate
//! repeats collapsed into the first (their spans kept as provenance). Pure.

use super::content;
use super::lexicon::Fnv;
use super::markup;
use super::merge::{attach_openers, merge_short};
use super::parts::{DetailedStep, Piece, Region, Removed};
use super::pieces::{self, snippet};
use super::segment;
use crate::domain::{RawField, Span, Step};
use std::collections::HashMap;
use std::hash::BuildHasherDefault;

/// Jaccard similarity of content keys at or above which a step repeats an earlier one.
pub const DUPLICATE_JACCARD: f64 = 0.8;

/// Adjacent spans separated only by whitespace become one.
fn coalesce<'a>(raw_of: &dyn Fn(RawField) -> &'a str, spans: Vec<Span>) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for s in spans {
        if let Some(last) = out.last_mut()
            && last.field == s.field
            && last.end <= s.start
            && raw_of(s.field)[last.end..s.start].trim().is_empty()
        {
            last.end = s.end;
            continue;
        }
        out.push(s);
    }
    out
}

fn jaccard(a: &[String], b: &[String]) -> f64 {
    let (mut i, mut j, mut both) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                both += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let union = a.len() + b.len() - both;
    if union == 0 {
        1.0
    } else {
        both as f64 / union as f64
    }
}

/// Prefix length for the Jaccard prefix filter.
fn prefix_len(n: usize) -> usize {
    let need = (DUPLICATE_JACCARD * n as f64).ceil() as usize;
    (n + 1).saturating_sub(need).min(n)
}

fn is_subset(small: &[String], big: &[String]) -> bool {
    small.iter().all(|x| big.binary_search(x).is_ok())
}

/// Build the steps of a chain from its regions. `output`/`reasoning` are the
/// raw fields the regions point into.
pub fn build(output: &str, reasoning: Option<&str>, regions: &[Region]) -> Vec<DetailedStep> {
    let raw_of = |f: RawField| match f {
        RawField::Output => output,
        RawField::Reasoning => reasoning.unwrap_or_default(),
    };
    let (all, trailing_notes) = pieces::of_regions(&raw_of, regions);
    let mut kept: Vec<Piece> = Vec::new();
    let mut notes: Vec<Removed> = Vec::new();
    if !all.iter().any(|p| p.keep) && all.iter().any(|p| !p.text.is_empty()) {
        // Nothing judgeable left but some text: keep what there is, rather
        // than show an empty chain for non-empty reasoning.
        kept = all.into_iter().filter(|p| !p.text.is_empty()).collect();
    } else {
        for mut p in all {
            if p.keep {
                let mut removed = std::mem::take(&mut notes);
                removed.append(&mut p.removed);
                p.removed = removed;
                kept.push(p);
            } else {
                notes.append(&mut p.removed);
            }
        }
    }
    notes.extend(trailing_notes);
    let merged = merge_short(attach_openers(kept));

    let mut steps: Vec<DetailedStep> = Vec::new();
    let mut keys: Vec<(Vec<String>, Vec<String>)> = Vec::new();
    let mut index: HashMap<String, Vec<usize>, BuildHasherDefault<Fnv>> = HashMap::default();
    for p in merged {
        // One sentence that re-segments as one is already a fixpoint.
        let single = p.spans.len() == 1
            && segment::sentences(&p.text).len() == 1
            && markup::peel(&p.text).0 == 0;
        let (text, known) = if single {
            (p.text, p.key)
        } else {
            (super::text::strip_text(&p.text), None)
        };
        if text.is_empty() {
            continue;
        }
        let (key, clinical) = known.unwrap_or_else(|| content::key_and_clinical(&text));
        // Prefix filter (a set-similarity join): two keys with Jaccard ≥ t
        // share a token among the first |k| - ceil(t·|k|) + 1 of each, in
        // any fixed order (here: sorted). Only those tokens are indexed.
        let prefix = &key[..prefix_len(key.len())];
        let mut cands: Vec<usize> = prefix
            .iter()
            .flat_map(|k| index.get(k).map(Vec::as_slice).unwrap_or_default())
            .copied()
            .collect();
        cands.sort_unstable();
        cands.dedup();
        let n = key.len() as f64;
        let dup = cands.into_iter().find(|&s| {
            let (k, c) = &keys[s];
            let m = k.len() as f64;
            m >= n * DUPLICATE_JACCARD
                && n >= m * DUPLICATE_JACCARD
                && jaccard(k, &key) >= DUPLICATE_JACCARD
                && is_subset(&clinical, c)
        });
        let dup = dup.or_else(|| {
            // Steps with empty keys repeat only an identical text.
            key.is_empty()
                .then(|| steps.iter().position(|s| s.step.text == text))
                .flatten()
        });
        if let Some(s) = dup {
            let st = &mut steps[s];
            st.step.duplicates.extend(p.spans);
            st.removed.push(Removed::Duplicate(snippet(&text)));
            st.removed.extend(p.removed);
            continue;
        }
        for k in &key[..prefix_len(key.len())] {
            index.entry(k.clone()).or_default().push(steps.len());
        }
        keys.push((key, clinical));
        let i = steps.len();
        steps.push(DetailedStep {
            step: Step {
                index: i,
                text,
                spans: coalesce(&raw_of, p.spans),
                duplicates: Vec::new(),
            },
            removed: p.removed,
            unit: p.unit,
        });
    }
    if let Some(last) = steps.last_mut() {
        last.removed.extend(notes);
    }
    for s in &mut steps {
        s.step.duplicates = coalesce(&raw_of, std::mem::take(&mut s.step.duplicates));
        let mut seen = std::collections::HashSet::new();
        s.removed.retain(|r| seen.insert(r.clone()));
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;

    fn steps_of(raw: &str) -> Vec<String> {
        let r = Region {
            field: RawField::Output,
            start: 0,
            end: raw.len(),
        };
        build(raw, None, &[r])
            .into_iter()
            .map(|s| s.step.text)
            .collect()
    }

    #[test]
    fn drops_meta_merges_short_and_collapses_repeats() {
        let raw = "Okay, let's tackle this question. Hb is 7.2 g/dL. Low.\n\n\
                   Let me go through the options again.\n\n\
                   So the anemia is severe, given Hb 7.2 g/dL.\n\n\
                   Wait, the anemia is severe given Hb 7.2 g/dL.";
        assert_eq!(
            steps_of(raw),
            vec![
                "Hb is 7.2 g/dL. Low.",
                "The anemia is severe, given Hb 7.2 g/dL."
            ]
        );
    }

    #[test]
    fn titles_without_clinical_tokens_go_and_labels_stay_as_subjects() {
        let raw = "<step 1> **Patient Overview**\nThe patient is 36 and takes 100 mg thyroxine daily.\n\
                   <step 2> **Hypokalemia**: needs IV KCl now.\n\
                   <step 3> Assess the defect: The graft must cover the shaft.";
        assert_eq!(
            steps_of(raw),
            vec![
                "The patient is 36 and takes 100 mg thyroxine daily.",
                "Hypokalemia: needs IV KCl now.",
                "Assess the defect: the graft must cover the shaft.",
            ]
        );
    }

    #[test]
    fn spans_point_at_raw_sentences() {
        let raw = "Hmm.\nThe troponin is 2.3 ng/mL. It rose from 0.1 ng/mL.";
        let r = Region {
            field: RawField::Output,
            start: 0,
            end: raw.len(),
        };
        let steps = build(raw, None, &[r]);
        assert_eq!(steps.len(), 2);
        let s = steps[1].step.spans[0];
        assert_eq!(&raw[s.start..s.end], "It rose from 0.1 ng/mL.");
        assert!(
            steps[0]
                .removed
                .iter()
                .any(|r| r.to_string() == "dropped: Hmm.")
        );
    }
}

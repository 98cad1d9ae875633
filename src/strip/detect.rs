//! The detector of style markers in a text: the "removed markers per 1,000
//! words" metric and the leakage check read it. It runs no rewriter of its
//! own: the markers are the ones the stripping pass reports removing
//! ([`super::text::strip_text`]'s rewriters return their hits with their text),
//! and tag, link or `\boxed` syntax the cleaner could not parse, found in
//! that pass's output. Pure.

use super::markers::MarkerId;

/// Ids of the style markers in `text`, one entry per occurrence; empty for
/// stripped text (the stripper's output is its own fixpoint).
pub fn find_markers(text: &str) -> Vec<MarkerId> {
    let mut hits = Vec::new();
    let stripped = super::text::strip_text_reporting(text, &mut hits);
    leftover_syntax(&stripped, &mut hits);
    hits
}

/// Markup the cleaner leaves because it is malformed (`<think` without its
/// `>`, a link with a bracket inside, `\boxed` without a brace).
fn leftover_syntax(text: &str, hits: &mut Vec<MarkerId>) {
    for (pat, id) in [
        ("<think", MarkerId::html_tag),
        ("</think", MarkerId::html_tag),
        ("<step", MarkerId::html_tag),
        ("\\boxed", MarkerId::md_latex_boxed),
        ("](http", MarkerId::md_link),
    ] {
        hits.extend(text.matches(pat).map(|_| id));
    }
}

#[cfg(test)]
mod tests {
    use super::super::markers::{MARKERS, Rule, StyleMarker};
    use super::super::parts::{Region, Removed};
    use super::super::{steps, style_markers};
    use super::*;
    use crate::domain::RawField;

    /// A text holding the markup markers (the word markers are built from
    /// their patterns).
    const MARKUP: &[(MarkerId, &str)] = &[
        (MarkerId::md_bold, "**Hb** is low."),
        (MarkerId::md_bold_underscore, "__Hb__ is low."),
        (MarkerId::md_emphasis, "The *Hb* is low."),
        (MarkerId::md_code, "The `Hb` is low."),
        (MarkerId::md_header, "# Hb is low"),
        (MarkerId::md_blockquote, "> Hb is low."),
        (MarkerId::md_link, "See [Hb](https://x.org/1) here."),
        (MarkerId::md_rule, "Hb is low.\n---\nK+ is low."),
        (MarkerId::md_table, "| Hb | K+ |\n|---|---|"),
        (MarkerId::md_latex_boxed, "The answer is \\boxed{B}."),
        (MarkerId::html_tag, "<think>Hb is low.</think>"),
        (MarkerId::list_bullet, "- Hb is low."),
        (MarkerId::list_number, "1. Hb is low."),
        (MarkerId::title, "**Overview**\nThe Hb is 7.2 g/dL today."),
        (MarkerId::emoji, "Hb is low 😊."),
        (MarkerId::punct_exclamation, "Hb is low!"),
        (MarkerId::punct_ellipsis, "Hb is low... and K+ too."),
        (MarkerId::punct_em_dash, "Hb is low — give iron."),
        (MarkerId::quote_curly, "The “Hb” is low."),
        (MarkerId::quote_short, "The \"Hb\" is low."),
        (MarkerId::contraction, "Hb isn't high."),
        (MarkerId::ws_repeated, "Hb\tis low."),
        (MarkerId::ws_special, "Hb\u{00A0}is low."),
        (MarkerId::abbr_eg, "Give salts, e.g. KCl."),
        (MarkerId::abbr_ie, "Give salts, i.e. KCl."),
        (MarkerId::punct_slash, "Assess urethral/erectile function."),
    ];

    fn capitalised(s: &str) -> String {
        let mut c = s.chars();
        c.next()
            .map(|f| f.to_uppercase().chain(c).collect())
            .unwrap_or_default()
    }

    /// A sentence the marker's rule removes it from.
    fn example(m: &StyleMarker) -> String {
        let p = m.pattern;
        match m.rule {
            Rule::Lead | Rule::LeadComma | Rule::LeadUnless(_) => {
                format!("{}, the Hb is low.", capitalised(p))
            }
            Rule::LeadBeforeGerund => format!("{} checking the Hb.", capitalised(p)),
            Rule::LeadReplace(_) => format!("{} the Hb is low.", capitalised(p)),
            Rule::LeadReplaceClause(_) | Rule::LeadClause => {
                format!("{} the labs, the Hb is low.", capitalised(p))
            }
            Rule::Word | Rule::Replace(_) => format!("The Hb is {p} low."),
            Rule::Sentence => format!("{}.", capitalised(p)),
            Rule::Markup => MARKUP
                .iter()
                .find(|(id, _)| *id == m.id)
                .map(|(_, s)| s.to_string())
                .unwrap_or_default(),
        }
    }

    /// Every id the stripper reports for `text`: the detector's, and what
    /// the step builder records (titles included).
    fn emitted(text: &str) -> Vec<MarkerId> {
        let mut ids = find_markers(text);
        let region = Region {
            field: RawField::Output,
            start: 0,
            end: text.len(),
        };
        for s in steps::build(text, None, &[region]) {
            ids.extend(s.removed.iter().filter_map(Removed::marker));
        }
        ids
    }

    #[test]
    fn every_table_marker_is_emitted_and_every_emitted_id_is_in_the_table() {
        let documented: Vec<&str> = style_markers().iter().map(|m| m.id.as_str()).collect();
        let mut missing = Vec::new();
        for m in MARKERS {
            let text = example(m);
            let ids = emitted(&text);
            if !ids.contains(&m.id) {
                missing.push(format!("{} in {text:?} gave {ids:?}", m.id));
            }
            for id in &ids {
                assert!(
                    documented.contains(&id.as_str()),
                    "{id} is not in the table"
                );
            }
        }
        assert!(missing.is_empty(), "not emitted:\n{}", missing.join("\n"));
        // The public, stringly output: every entry is a table id or a note.
        let raw = "**Overview**\nOkay, so the Hb is 7.2 g/dL!\n\nHmm.\n\nThe Hb is 7.2 g/dL.";
        let d = super::super::strip_run_detailed(raw, None, super::super::AnswerHint::Any);
        let entries: Vec<&String> = d.removed.iter().flatten().collect();
        assert!(entries.len() >= 5, "{entries:?}");
        for r in entries {
            let note = ["dropped: ", "title: ", "duplicate: "]
                .iter()
                .any(|p| r.starts_with(p));
            assert!(note || documented.contains(&r.as_str()), "{r:?}");
        }
    }

    #[test]
    fn stripped_text_has_none_and_malformed_markup_is_found() {
        let raw = "Okay, **so** the answer's B! Hope this helps 😊";
        assert!(find_markers(raw).len() >= 5, "{:?}", find_markers(raw));
        assert_eq!(find_markers(&super::super::strip_text(raw)), vec![]);
        assert_eq!(
            find_markers("Fever <thinking hard> [a [b]](http://x.org)."),
            vec![MarkerId::html_tag, MarkerId::md_link]
        );
    }
}

//! Style removal for one sentence: markup and characters (via `markup`),
//! contractions, the in-sentence ([`super::words`]) and leading
//! ([`super::lead`]) word markers of `markers`, short quotes, then
//! punctuation, spacing and capitalisation; and the phrase matching they
//! share. Pure; never drops a clinical token (no marker is a clinical word,
//! and removals skip words after a negation).

use super::contraction::expand_contractions;
use super::lead::{lead_marker, trim_lead};
use super::markers::MarkerId;
use super::markup;
use super::phrase::match_case;
pub use super::phrase::match_phrase;
use super::tidy::{short_quotes, tidy, tidy_spaces};
use super::words::word_markers;
use std::borrow::Cow;

/// Replace `t` by what `f` makes of it, when it makes something.
fn apply(t: &mut String, f: impl FnOnce(&str) -> Option<String>) {
    if let Some(u) = f(t) {
        *t = u;
    }
}

/// One pass of style removal over one sentence.
fn strip_once(s: &str, removed: &mut Vec<MarkerId>) -> String {
    let (start, marks) = markup::peel(s);
    if marks.header {
        removed.push(MarkerId::md_header);
    }
    // Any item marker inside a sentence is recorded as numbering (as
    // strip-4 records it; the detector tells bullets apart).
    if marks.item() {
        removed.push(MarkerId::list_number);
    }
    let mut t = super::clean::clean_chars(&s[start..], removed);
    apply(&mut t, tidy_spaces);
    apply(&mut t, |x| expand_contractions(x, removed));
    apply(&mut t, |x| super::idiom::rewrite(x, removed));
    // Bounded: every marker shortens the text or is replaced once.
    for _ in 0..16 {
        let before = removed.len();
        match word_markers(&t, removed) {
            Some(Cow::Owned(w)) => t = w,
            Some(Cow::Borrowed(_)) => {}
            None => return String::new(),
        }
        apply(&mut t, tidy_spaces);
        for _ in 0..16 {
            let lead = trim_lead(&t);
            let Some((n, rep, id)) = lead_marker(lead) else {
                let off = t.len() - lead.len();
                t.drain(..off);
                break;
            };
            removed.push(id);
            t = format!("{}{}", match_case(rep, &lead[..n]), &lead[n..]);
        }
        if removed.len() == before {
            break;
        }
    }
    apply(&mut t, |x| short_quotes(x, removed));
    tidy(t)
}

/// Style-strip one sentence to a fixpoint; returns the text and the markers
/// removed, one per occurrence.
pub fn strip_sentence(s: &str) -> (String, Vec<MarkerId>) {
    let mut removed = Vec::new();
    let t = strip_once(s, &mut removed);
    // Nothing removed: only spacing and punctuation were tidied, which
    // creates no marker, so one pass is the fixpoint (property-tested).
    // The same holds when only contractions, curly quotes or spacing
    // changed: those are rewritten before any marker is matched.
    let local = |id: &MarkerId| {
        matches!(
            id,
            MarkerId::contraction
                | MarkerId::quote_curly
                | MarkerId::ws_repeated
                | MarkerId::ws_special
        )
    };
    if removed.iter().all(local) {
        return (t, removed);
    }
    let t = super::markers::to_fixpoint(t, &mut removed, strip_once);
    (t, removed)
}

#[cfg(test)]
mod tests {
    use super::super::find_markers;
    use super::*;

    fn strip(s: &str) -> String {
        strip_sentence(s).0
    }

    #[test]
    fn connective_synonyms_take_one_form() {
        assert_eq!(
            strip("But, the CI excludes 1."),
            "However, the CI excludes 1."
        );
        assert_eq!(
            strip("Considering the age, surgery is risky."),
            "Given the age, surgery is risky."
        );
        assert_eq!(
            strip("Based on the CT, it is an abscess."),
            "Given the CT, it is an abscess."
        );
        // No comma closes the clause: "considering" is the subject, kept.
        assert_eq!(
            strip("Considering surgery is reasonable."),
            "Considering surgery is reasonable."
        );
        assert_eq!(
            strip("The question specifically asks about fever, especially in children."),
            "The question asks about fever, particularly in children."
        );
        assert_eq!(
            strip("Local flaps (e.g. scrotal) or grafts/flaps."),
            "Local flaps (such as scrotal) or grafts or flaps."
        );
    }

    #[test]
    fn fillers_and_self_talk_go() {
        assert_eq!(
            strip("Okay, let's tackle this question."),
            "Tackle this question."
        );
        assert_eq!(
            strip("Hmm... wait, but the CI excludes 1!"),
            "However, the CI excludes 1."
        );
        assert_eq!(
            strip("So, I think the answer is C (maybe)."),
            "The answer is C (maybe)."
        );
        assert_eq!(
            strip("Therefore, the correct answer should be \"no\" because it isn't enough."),
            "The answer is no because it is not enough."
        );
        assert_eq!(
            strip("First, I need to recall what the Barthel Index measures."),
            "Recall what the Barthel Index measures."
        );
        assert_eq!(
            strip("I’m piecing together the patient’s history."),
            "Piecing together the patient's history."
        );
        assert_eq!(
            strip("The user is asking whether perforation is a risk factor."),
            "The question is whether perforation is a risk factor."
        );
    }

    #[test]
    fn content_words_that_look_like_markers_stay() {
        assert_eq!(strip("So far, no fever."), "So far, no fever.");
        assert_eq!(strip("Then the fever rose."), "Then the fever rose.");
        assert_eq!(
            strip("The margins were not clearly defined."),
            "The margins were not clearly defined."
        );
        assert_eq!(
            strip("It is clearly a so-called super-refractory case."),
            "It is a so-called super-refractory case."
        );
        assert_eq!(
            strip("Well-differentiated carcinoma."),
            "Well-differentiated carcinoma."
        );
        assert_eq!(
            strip("pH 7.1 and 2.5 mg b.i.d."),
            "pH 7.1 and 2.5 mg b.i.d."
        );
    }

    #[test]
    fn markup_quotes_and_signoffs() {
        assert_eq!(
            strip("**Hypertension** requires *strict* control"),
            "Hypertension requires strict control."
        );
        assert_eq!(
            strip("- 1. **Give** IV KCl — monitor ECG"),
            "Give IV KCl, monitor ECG."
        );
        assert_eq!(strip("Hope this helps! 😊"), "");
        assert_eq!(strip("Hmm."), "");
        assert_eq!(
            strip("The study says “Review of the literature yielded estimates”."),
            "The study says \"Review of the literature yielded estimates\"."
        );
    }

    #[test]
    fn stripped_text_has_no_markers() {
        for s in [
            "Okay, so the answer is definitely B!",
            "Wait, I think it's **HbA1c** — really.",
            "Let me check… the options again",
        ] {
            let t = strip(s);
            assert_eq!(find_markers(&t), Vec::new(), "{s:?} → {t:?}");
            assert_eq!(strip(&t), t);
        }
        assert!(!find_markers("Okay, it's **B**!").is_empty());
    }
}

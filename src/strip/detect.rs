//! The detector of style markers left in a text: the "removed markers per
//! 1,000 words" metric and the leakage check read it. Pure.

use super::contraction::expand_contractions;
use super::markup;
use super::style::{lead_marker, word_markers};
use super::tidy::short_quotes;

/// Ids of the style markers present in an already stripped `text` (one entry
/// per occurrence). Used for the "markers per 1,000 words" metric.
pub fn find_markers(text: &str) -> Vec<&'static str> {
    let mut hits = Vec::new();
    for line in text.lines() {
        for (a, b) in super::segment::sentences(line) {
            let s = &line[a..b];
            if lead_marker(s).is_some() {
                hits.push("lead");
            }
            if markup::peel(s).0 > 0 {
                hits.push("list_or_header");
            }
            let mut quotes = Vec::new();
            let _ = short_quotes(s, &mut quotes);
            hits.extend(quotes);
            let mut idioms = Vec::new();
            let _ = super::idiom::rewrite(s, &mut idioms);
            hits.extend(idioms);
        }
        let mut scratch = Vec::new();
        if word_markers(line, &mut scratch).is_none() {
            hits.push("signoff");
        }
        hits.extend(scratch.into_iter().filter(|id| *id != "contraction"));
        for pat in [
            "**", "__", "`", "!", "…", "...", "—", "\t", "  ", "<think", "</think", "<step",
            "\\boxed", "](http",
        ] {
            hits.extend(line.matches(pat).map(|_| "markup"));
        }
        for c in line.chars() {
            if matches!(
                c,
                '\u{201C}' | '\u{201D}' | '\u{2018}' | '\u{2019}' | '\u{00A0}' | '\u{200B}'
            ) {
                hits.push("char");
            }
            if markup::is_emoji(c) || markup::is_zero_width(c) {
                hits.push("emoji_or_invisible");
            }
        }
        let mut contractions = Vec::new();
        let _ = expand_contractions(line, &mut contractions);
        hits.extend(contractions);
    }
    hits
}

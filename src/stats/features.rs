//! Features that might tell two models' chains apart: lexical (hashed word uni/bigrams,
//! character 3–5-grams, discourse-marker words), layout (markdown and punctuation habits per
//! line), and length (steps, words per step, words).
//!
//! Must not: depend on anything but the text (no ids, no model names), or on hash-map order:
//! the hash is a fixed FNV-1a, and sparse vectors are sorted, so features are reproducible.

use crate::primitives::hash::{FNV_OFFSET, fnv1a as fnv};
use crate::primitives::splitmix;
use std::fmt;
use std::str::FromStr;

/// Which feature family a leakage classifier sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FeatureSet {
    /// Hashed word unigrams and bigrams, character 3–5-grams, and marker words.
    Lexical,
    /// Per-line rates of markdown and punctuation habits; independent of length.
    Layout,
    /// Step count, words per step, total words (log scale).
    Length,
    /// All three, combined by stacking.
    All,
}

impl FeatureSet {
    /// Every set, in report order.
    pub const EVERY: [FeatureSet; 4] = [Self::Lexical, Self::Layout, Self::Length, Self::All];

    /// The lowercase name used on the command line and in exports.
    pub fn name(self) -> &'static str {
        match self {
            Self::Lexical => "lexical",
            Self::Layout => "layout",
            Self::Length => "length",
            Self::All => "all",
        }
    }
}

impl fmt::Display for FeatureSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for FeatureSet {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::EVERY
            .into_iter()
            .find(|set| set.name() == s)
            .ok_or_else(|| {
                format!("unknown feature set {s:?} (expected lexical, layout, length or all)")
            })
    }
}

/// Hashed lexical space: 2^18 buckets keeps collisions rare for chains of a few thousand words.
pub(crate) const LEXICAL_DIM: usize = 1 << 18;
pub(crate) const LAYOUT_DIM: usize = 18;
pub(crate) const LENGTH_DIM: usize = 3;

/// Discourse markers and self-talk that betray a model's voice (SPEC §4, step 2). Matched on
/// lowercased words; two-word markers on bigrams.
const MARKERS: [&str; 32] = [
    "okay",
    "ok",
    "hmm",
    "wait",
    "alternatively",
    "actually",
    "so",
    "therefore",
    "thus",
    "hence",
    "but",
    "maybe",
    "perhaps",
    "probably",
    "definitely",
    "basically",
    "first",
    "next",
    "finally",
    "also",
    "however",
    "yeah",
    "right",
    "well",
    "oh",
    "now",
    "answer",
    "let me",
    "i think",
    "i recall",
    "i need",
    "let's",
];

/// One document's features.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Document {
    /// Sorted (bucket, ln(1 + count)) pairs.
    pub lexical: Vec<(u32, f64)>,
    pub layout: [f64; LAYOUT_DIM],
    pub length: [f64; LENGTH_DIM],
}

/// SplitMix64's finaliser, so nearby FNV states spread over the buckets.
fn bucket(h: u64) -> u32 {
    (splitmix::finalize(h) as usize & (LEXICAL_DIM - 1)) as u32
}

/// Namespaces keep a word, a bigram and a character n-gram with equal bytes apart.
const NS_WORD: u64 = 0x01;
const NS_BIGRAM: u64 = 0x02;
const NS_CHAR: u64 = 0x03;
const NS_MARKER: u64 = 0x04;

impl Document {
    pub(crate) fn new(text: &str) -> Self {
        let words = words(text);
        Self {
            lexical: lexical(text, &words),
            layout: layout(text),
            length: length(text, words.len()),
        }
    }
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .map(str::to_lowercase)
        .collect()
}

fn lexical(text: &str, words: &[String]) -> Vec<(u32, f64)> {
    let mut hashes: Vec<u32> = Vec::with_capacity(words.len() * 3 + text.len() * 3);
    let mut prev: Option<(&str, u64)> = None;
    for w in words {
        let h = fnv(w.as_bytes(), FNV_OFFSET);
        hashes.push(bucket(h ^ NS_WORD));
        if MARKERS.contains(&w.as_str()) {
            hashes.push(bucket(fnv(w.as_bytes(), FNV_OFFSET ^ NS_MARKER)));
        }
        if let Some((p, ph)) = prev {
            hashes.push(bucket(ph.rotate_left(21) ^ h ^ NS_BIGRAM));
            let pair = format!("{p} {w}");
            if MARKERS.contains(&pair.as_str()) {
                hashes.push(bucket(fnv(pair.as_bytes(), FNV_OFFSET ^ NS_MARKER)));
            }
        }
        prev = Some((w, h));
    }
    // Character n-grams over the raw text (case, punctuation and spacing are style too).
    let starts: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect();
    for i in 0..starts.len().saturating_sub(1) {
        for n in 3..=5 {
            let Some(&end) = starts.get(i + n) else { break };
            hashes.push(bucket(fnv(
                &text.as_bytes()[starts[i]..end],
                FNV_OFFSET ^ NS_CHAR,
            )));
        }
    }
    hashes.sort_unstable();
    let mut out: Vec<(u32, f64)> = Vec::new();
    let mut run = 0u32;
    for (i, &h) in hashes.iter().enumerate() {
        run += 1;
        if hashes.get(i + 1) != Some(&h) {
            // Sublinear term frequency (Rennie et al. 2003): bursts of one token count less.
            out.push((h, f64::from(run).ln_1p()));
            run = 0;
        }
    }
    out
}

use crate::primitives::chars::is_emoji;

/// Per non-blank line rates, so a longer chain in the same style scores the same.
fn layout(text: &str) -> [f64; LAYOUT_DIM] {
    let all_lines = text.split('\n').count().max(1) as f64;
    let lines: Vec<&str> = text.split('\n').filter(|l| !l.trim().is_empty()).collect();
    let n = lines.len().max(1) as f64;
    let count_lines = |f: &dyn Fn(&str) -> bool| lines.iter().filter(|l| f(l)).count() as f64 / n;
    let count_str = |s: &str| text.matches(s).count() as f64 / n;
    let count_char = |f: &dyn Fn(char) -> bool| text.chars().filter(|&c| f(c)).count() as f64 / n;
    let blank = (all_lines - lines.len() as f64) / all_lines;
    let bullet = count_lines(&|l| {
        let t = l.trim_start();
        ["- ", "* ", "+ ", "• "].iter().any(|m| t.starts_with(m))
    });
    let numbered = count_lines(&|l| {
        let t = l.trim_start();
        let digits = t.chars().take_while(char::is_ascii_digit).count();
        digits > 0 && matches!(t[digits..].chars().next(), Some('.' | ')'))
    });
    let header = count_lines(&|l| l.trim_start().starts_with('#'));
    let table = count_lines(&|l| l.trim_start().starts_with('|'));
    let quote = count_lines(&|l| l.trim_start().starts_with('>'));
    let rule = count_lines(&|l| {
        let t = l.trim();
        t.len() >= 3
            && (t.chars().all(|c| c == '-')
                || t.chars().all(|c| c == '*')
                || t.chars().all(|c| c == '_'))
    });
    let colon_end = count_lines(&|l| l.trim_end().ends_with(':'));
    let indented = count_lines(&|l| l.starts_with([' ', '\t']));
    let letters = text.chars().filter(|c| c.is_alphabetic()).count().max(1) as f64;
    let caps = text.chars().filter(|c| c.is_uppercase()).count() as f64 / letters;
    [
        blank,
        bullet,
        numbered,
        header,
        count_str("**") / 2.0 + count_str("__") / 2.0,
        count_char(&|c| c == '`'),
        table,
        quote,
        rule,
        count_str("</") + count_str("<t"),
        count_char(&|c| c == '$') + count_str("\\(") + count_str("\\[") + count_str("\\boxed"),
        count_char(&is_emoji),
        colon_end,
        count_char(&|c| c == '!'),
        count_char(&|c| c == '?'),
        indented,
        count_char(&|c| matches!(c, '\u{2018}' | '\u{2019}' | '\u{201C}' | '\u{201D}')),
        caps,
    ]
}

/// Log step count (non-blank lines), log words per step, log words.
fn length(text: &str, words: usize) -> [f64; LENGTH_DIM] {
    let steps = text.split('\n').filter(|l| !l.trim().is_empty()).count();
    let per_step = if steps == 0 {
        0.0
    } else {
        words as f64 / steps as f64
    };
    [
        (steps as f64).ln_1p(),
        per_step.ln_1p(),
        (words as f64).ln_1p(),
    ]
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn feature_set_names_round_trip() {
        for set in FeatureSet::EVERY {
            assert_eq!(set.name().parse::<FeatureSet>(), Ok(set));
        }
        assert!("words".parse::<FeatureSet>().is_err());
    }

    #[test]
    fn length_counts_steps_and_words() {
        let d = Document::new("Fever for three days.\n\nNo rash.\nCheck CRP");
        assert_eq!(
            d.length,
            [3f64.ln_1p(), (8.0f64 / 3.0).ln_1p(), 8f64.ln_1p()]
        );
    }

    #[test]
    fn layout_is_per_line_and_sees_markdown() {
        let plain = Document::new("a b\nc d");
        let md = Document::new("## Plan\n- **start** aspirin\n1. check ECG");
        assert_eq!(plain.layout[1..5], [0.0; 4]);
        assert!((md.layout[1] - 1.0 / 3.0).abs() < 1e-12); // bullet
        assert!((md.layout[2] - 1.0 / 3.0).abs() < 1e-12); // numbered
        assert!((md.layout[3] - 1.0 / 3.0).abs() < 1e-12); // header
        assert!((md.layout[4] - 1.0 / 3.0).abs() < 1e-12); // one bold span
        // Doubling the text (same style, twice the length) leaves the per-line rates alone.
        let doubled = Document::new(
            "## Plan\n- **start** aspirin\n1. check ECG\n## Plan\n- **start** aspirin\n1. check ECG",
        );
        assert_eq!(md.layout, doubled.layout);
    }

    #[test]
    fn lexical_is_sorted_deterministic_and_sublinear() {
        let d = Document::new("wait wait wait");
        let e = Document::new("wait wait wait");
        assert_eq!(d, e);
        assert!(d.lexical.windows(2).all(|w| w[0].0 < w[1].0));
        // "wait" as a word occurs 3 times: ln(1 + 3) is among the weights.
        assert!(
            d.lexical
                .iter()
                .any(|&(_, v)| (v - 4f64.ln()).abs() < 1e-12)
        );
        assert!(Document::new("").lexical.is_empty());
        // Multi-byte text does not split characters.
        assert!(!Document::new("é😀ü — naïve").lexical.is_empty());
    }
}

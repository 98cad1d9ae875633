//! Final-answer extraction from the answer part of an output: an option
//! letter (also from "the answer is B", "(B)", "\boxed{B}", or the option's
//! text such as "no"), yes/no/maybe, a ranked differential, or free text.
//! Pure; works on strings only.

use super::markup;
use crate::domain::{FinalAnswer, Task};
use aho_corasick::AhoCorasick;
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// What kind of answer to extract.
#[derive(Debug, Clone, Copy)]
pub enum AnswerHint<'a> {
    /// Option letters, e.g. `["A", "B", "C", "D"]`.
    Letters(&'a [String]),
    /// Option letters with their texts (letter → text); an answer stated as
    /// the text ("no") maps to its letter.
    Options(&'a BTreeMap<String, String>),
    /// A ranked differential list, most likely first.
    Differential,
    /// Unknown: a letter A–J, yes/no/maybe, or free text.
    Any,
}

impl<'a> AnswerHint<'a> {
    /// The hint for a case's task.
    pub fn for_task(task: &'a Task) -> Self {
        match task {
            Task::Mcq { options, .. } => AnswerHint::Options(options),
            Task::Differential { .. } => AnswerHint::Differential,
            // A plan is free text, rated by the reviewer.
            Task::Plan { .. } => AnswerHint::Any,
        }
    }

    fn is_letter(&self, l: &str) -> bool {
        match self {
            AnswerHint::Letters(ls) => ls.iter().any(|x| x.eq_ignore_ascii_case(l)),
            AnswerHint::Options(map) => map.keys().any(|x| x.eq_ignore_ascii_case(l)),
            AnswerHint::Differential => false,
            AnswerHint::Any => l.len() == 1 && l.bytes().all(|b| (b'A'..=b'J').contains(&b)),
        }
    }

    fn letter_for_text(&self, text: &str) -> Option<String> {
        let AnswerHint::Options(map) = self else {
            return None;
        };
        let t = norm(text);
        map.iter()
            .find(|(_, v)| !norm(v).is_empty() && norm(v) == t)
            .map(|(k, _)| k.clone())
    }
}

fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric() || c.is_whitespace())
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Markup removed, spaces collapsed.
fn plain(s: &str) -> String {
    let cleaned = super::clean::clean_chars(s, &mut Vec::new());
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

const YNM: &[&str] = &["yes", "no", "maybe"];

/// A letter (or option text) right at the start of `s`: "B", "(B)", "B) no",
/// "option B", "\"no\"".
fn letter_at(s: &str, hint: &AnswerHint<'_>) -> Option<FinalAnswer> {
    let t = s.trim_start_matches([' ', '(', '[', '"', '\'', ':']);
    let lower = t.to_ascii_lowercase();
    let t = ["option ", "choice "]
        .iter()
        .find_map(|p| lower.starts_with(p).then(|| &t[p.len()..]))
        .unwrap_or(t);
    let word: &str = t
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or_default();
    if !word.is_empty() && hint.is_letter(word) && word.len() <= 2 {
        let after = &t[word.len()..];
        // "A" but not "A 45-year-old…": the letter must stand alone.
        let alone = after.is_empty()
            || after.starts_with([')', '.', ':', ',', ']', '"', '\''])
            || after.trim().is_empty()
            || after.trim_start().starts_with(['(', '-']);
        if alone {
            return Some(FinalAnswer::Letter(word.to_ascii_uppercase()));
        }
    }
    let phrase: String = t
        .split(['.', ',', ';', '(', '\n'])
        .next()
        .unwrap_or_default()
        .trim_matches(['"', '\'', ' '])
        .to_string();
    if let Some(l) = hint.letter_for_text(&phrase) {
        return Some(FinalAnswer::Letter(l));
    }
    let first = norm(word);
    if matches!(hint, AnswerHint::Any) && YNM.contains(&first.as_str()) {
        return Some(FinalAnswer::YesNoMaybe(first));
    }
    None
}

const STATEMENTS: &[&str] = &[
    "answer is",
    "correct option is",
    "correct choice is",
    "best option is",
    "best choice is",
    "answer:",
    "answer would be",
    "answer should be",
    "answer must be",
    "answer will be",
    "answer is option",
    "go with",
    "i choose",
    "so answer",
];

/// An explicit answer statement ("the answer is B"), the last one in `text`.
/// The last statement wins; of statements starting at one place, the later in
/// [`STATEMENTS`] ("answer is option" over "answer is"). One pass over the text finds every
/// statement (an Aho-Corasick automaton over the list), then the candidates are tried from
/// the last.
pub fn from_statement(text: &str, hint: &AnswerHint<'_>) -> Option<FinalAnswer> {
    static FINDER: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(STATEMENTS)
            .ok()
    });
    let p = plain(text);
    let mut found: Vec<(usize, usize)> = match FINDER.as_ref() {
        Some(ac) => ac
            .find_overlapping_iter(&p)
            .map(|m| (m.start(), m.pattern().as_usize()))
            .collect(),
        // The automaton is built from a short fixed list and cannot fail; should it, the
        // same search one statement at a time.
        None => {
            let lower = p.to_ascii_lowercase();
            let mut all = Vec::new();
            for (k, s) in STATEMENTS.iter().enumerate() {
                all.extend(lower.match_indices(s).map(|(i, _)| (i, k)));
            }
            all
        }
    };
    found.sort_unstable_by(|a, b| b.cmp(a));
    found
        .into_iter()
        .find_map(|(i, k)| letter_at(&p[i + STATEMENTS[k].len()..], hint))
}

/// Lines of `text` that hold something: (start, end) of the line body.
fn line_ranges(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        if !body.trim().is_empty() {
            let lead = body.len() - body.trim_start().len();
            out.push((pos + lead, pos + body.trim_end().len()));
        }
        pos += line.len();
    }
    out
}

/// The option letter an option line opens with ("(A) Acetazolamide",
/// "**(D) wrist extension**", "B) text", "C. text"), and what follows it.
fn option_line<'t>(p: &'t str, hint: &AnswerHint<'_>) -> Option<(String, &'t str)> {
    let t = p.trim_start_matches([' ', '-', '*', '>']);
    let (paren, t) = match t.strip_prefix('(') {
        Some(r) => (true, r),
        None => (false, t),
    };
    let t = t
        .strip_prefix("Option ")
        .or_else(|| t.strip_prefix("option "))
        .unwrap_or(t);
    let mut cs = t.char_indices();
    let (_, c) = cs.next()?;
    let l = c.to_ascii_uppercase().to_string();
    if !c.is_ascii_uppercase() || !hint.is_letter(&l) {
        return None;
    }
    let rest = &t[c.len_utf8()..];
    let rest = if paren {
        rest.strip_prefix(')')?
    } else if let Some(r) = rest.strip_prefix([')', '.', ':']) {
        r
    } else if rest.trim().is_empty() {
        rest
    } else {
        return None;
    };
    Some((
        l,
        rest.trim_start_matches([':', ' ', '*'])
            .trim_end_matches(['*', ' ']),
    ))
}

/// Does `p` read as the answer itself rather than an item of a restated
/// option list: only the option (its letter, its text, or both), or the
/// option with a verb saying it is the choice ("(A) is the most appropriate
/// next step")?
fn option_is_the_answer(letter: &str, after: &str, hint: &AnswerHint<'_>) -> bool {
    let a = after.trim().trim_end_matches(['.', '*']).trim();
    if a.is_empty() {
        return true;
    }
    let lower = a.to_ascii_lowercase();
    if [
        "is the ",
        "is correct",
        "is most",
        "is best",
        "would be",
        "is our",
        "is right",
    ]
    .iter()
    .any(|v| lower.starts_with(v))
    {
        return true;
    }
    // The option's own text, nothing more.
    match hint {
        AnswerHint::Options(map) => map.get(letter).is_some_and(|t| {
            norm(t) == norm(a) || norm(a).starts_with(&norm(t)) && a.len() <= t.len() + 2
        }),
        _ => super::segment::word_count(a) <= 8 && !a.contains(": ") && !a.contains(" - "),
    }
}

/// The answer as stated near the end of `text`, with the byte range of the
/// line it was read from. Reads "the answer is X" (also with X on the next
/// line after a colon), a lone option line ("(A) Acetazolamide" in bold or
/// not) when it is not one item of a restated list of options, and
/// "(A) is the most appropriate next step". The last such line wins.
pub fn from_ending(text: &str, hint: &AnswerHint<'_>) -> Option<(FinalAnswer, usize, usize)> {
    if matches!(hint, AnswerHint::Differential) {
        return None;
    }
    let lines = line_ranges(text);
    let floor = text.len().saturating_sub(4000);
    // Only the lines the scan below can reach (those ending at or after `floor`, and the one
    // before the first of them) are made plain; the others stay empty and are never read.
    let first = lines
        .iter()
        .position(|&(_, b)| b >= floor)
        .unwrap_or(lines.len())
        .saturating_sub(1);
    let plains: Vec<String> = lines
        .iter()
        .enumerate()
        .map(|(j, &(a, b))| {
            if j >= first {
                plain(&text[a..b])
            } else {
                String::new()
            }
        })
        .collect();
    let is_opt = |j: usize| option_line(&plains[j], hint).map(|(l, _)| l);
    for i in (0..lines.len()).rev() {
        let (a, b) = lines[i];
        if b < floor {
            break;
        }
        let p = &plains[i];
        if let Some(ans) = from_statement(p, hint) {
            return Some((ans, a, b));
        }
        let cue = |q: &str| {
            let q = q.trim_end_matches(['*', ' ']);
            q.ends_with(':')
        };
        if let Some((l, after)) = option_line(p, hint) {
            let prev = i.checked_sub(1).and_then(is_opt);
            let next = (i + 1 < lines.len()).then(|| is_opt(i + 1)).flatten();
            let in_list = prev.is_some_and(|x| x != l) || next.is_some_and(|x| x != l);
            let after_cue = i > 0 && cue(&plains[i - 1]);
            if !in_list && (after_cue || option_is_the_answer(&l, after, hint)) {
                return Some((FinalAnswer::Letter(l), a, b));
            }
            continue;
        }
        // An option given by its text alone, right after "… is:".
        if i > 0
            && cue(&plains[i - 1])
            && let Some(l) = hint.letter_for_text(p.trim_end_matches('.'))
        {
            return Some((FinalAnswer::Letter(l), a, b));
        }
    }
    None
}

/// The letter the reasoning itself concludes with: the last explicit answer
/// statement ("so the answer is B") in the thinking before the answer span.
/// `None` when the thinking states none.
pub fn conclusion<'a>(
    chain: &[super::parts::Region],
    raw_of: &dyn Fn(crate::domain::RawField) -> &'a str,
    hint: &AnswerHint<'_>,
    answer: Option<crate::domain::Span>,
) -> Option<String> {
    let thinking = chain
        .iter()
        .rfind(|r| answer.is_none_or(|s| r.field != s.field || r.end <= s.start))?;
    let text = &raw_of(thinking.field)[thinking.start..thinking.end];
    let mut start = text.len().saturating_sub(1500);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    match from_statement(&text[start..], hint)? {
        FinalAnswer::Letter(l) => Some(l),
        _ => None,
    }
}

/// Does a short paragraph state an answer (so it is not reasoning)?
pub fn looks_like_answer(text: &str, hint: &AnswerHint<'_>) -> bool {
    if matches!(hint, AnswerHint::Differential) {
        return false;
    }
    let p = plain(text);
    let whole = letter_at(&p, hint).is_some() && super::segment::word_count(&p) <= 4;
    whole || from_statement(&p, hint).is_some()
}

/// The final answer from an answer region's text.
pub fn extract(text: &str, hint: &AnswerHint<'_>) -> Option<FinalAnswer> {
    if matches!(hint, AnswerHint::Differential) {
        let list = differential(text);
        return (!list.is_empty()).then_some(FinalAnswer::Differential(list));
    }
    let p = plain(text);
    if p.is_empty() {
        return None;
    }
    if let Some(a) = from_statement(&p, hint) {
        return Some(a);
    }
    if let Some(a) = letter_at(&p, hint) {
        return Some(a);
    }
    Some(FinalAnswer::Text(free_text(text)))
}

/// A free-text answer on one line: list markers and markup gone, items
/// joined by "; " (a line ending in ":" runs on into the next).
fn free_text(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let l = markup::classify_line(line);
        if matches!(l.kind, markup::LineKind::Blank | markup::LineKind::Rule) {
            continue;
        }
        let item = plain(&line[l.start..l.end]);
        if item.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push_str(if out.ends_with(':') { " " } else { "; " });
        }
        out.push_str(&item);
    }
    out
}

/// One differential item: the diagnosis name without its justification.
fn diagnosis_name(item: &str) -> String {
    let mut s = item.trim();
    if let Some(t) = markup::bold_title(s) {
        let (a, b, rest) = match t {
            markup::Title::Whole(a, b) => (a, b, s.len()),
            markup::Title::Label(a, b, r) => (a, b, r),
        };
        let label = s[a..b].to_ascii_lowercase();
        if label.contains("likely") || label.contains("diagnos") || label.contains("differential") {
            s = &s[rest..];
        } else {
            s = &s[a..b];
        }
    }
    let cut = [
        " - ",
        " – ",
        " — ",
        ": ",
        "; ",
        " because ",
        " due to ",
        " given ",
        " as ",
    ]
    .iter()
    .filter_map(|c| s.find(c))
    .min()
    .unwrap_or(s.len());
    let name = plain(&s[..cut]);
    // A sentence, not a name ("Septic shock is less likely given…"): keep
    // the words before its verb or clause.
    let name = if super::segment::word_count(&name) > 8 {
        let stop = [
            ". ", " is ", " are ", " was ", " which ", " that ", " could ", " would ",
        ]
        .iter()
        .filter_map(|c| name.find(c))
        .min()
        .unwrap_or(name.len());
        name[..stop].to_string()
    } else {
        name
    };
    name.trim_end_matches(['.', ',', ';', ':'])
        .trim()
        .to_string()
}

/// A ranked differential from list lines, or from one line split on `;`/`,`.
pub fn differential(text: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut listed = false;
    for line in text.lines() {
        let l = markup::classify_line(line);
        match l.kind {
            markup::LineKind::Item => {
                listed = true;
                items.push(diagnosis_name(&line[l.start..l.end]));
            }
            markup::LineKind::Text if !listed => items.push(line[l.start..l.end].to_string()),
            _ => {}
        }
    }
    if !listed {
        let joined = items.join(" ");
        let sep = if joined.contains(';') { ';' } else { ',' };
        items = joined.split(sep).map(diagnosis_name).collect();
    }
    items.retain(|s| !s.is_empty());
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_in_many_shapes() {
        let letters: Vec<String> = ["A", "B", "C", "D"].map(String::from).to_vec();
        let h = AnswerHint::Letters(&letters);
        for s in [
            "B",
            "**B**",
            "(B)",
            "B) no",
            "Answer: B",
            "The correct answer is option B.",
            "\\boxed{B}",
        ] {
            assert_eq!(extract(s, &h), Some(FinalAnswer::Letter("B".into())), "{s}");
        }
        assert_eq!(extract("E", &h), Some(FinalAnswer::Text("E".into())));
    }

    #[test]
    fn option_texts_and_yes_no_maybe() {
        let opts: BTreeMap<String, String> = [("A", "yes"), ("B", "no"), ("C", "maybe")]
            .map(|(a, b)| (a.into(), b.into()))
            .into();
        let h = AnswerHint::Options(&opts);
        assert_eq!(
            extract("So the answer is \"maybe\".", &h),
            Some(FinalAnswer::Letter("C".into()))
        );
        assert_eq!(extract("No", &h), Some(FinalAnswer::Letter("B".into())));
        assert_eq!(
            extract("maybe", &AnswerHint::Any),
            Some(FinalAnswer::YesNoMaybe("maybe".into()))
        );
        assert!(looks_like_answer("The answer is A) yes.", &h));
        assert!(!looks_like_answer(
            "A 45-year-old man with fever.",
            &AnswerHint::Any
        ));
    }

    #[test]
    fn differentials() {
        let d = "1. **Acute appendicitis** – RLQ pain\n2. Ectopic pregnancy: must exclude\n- Ovarian torsion";
        assert_eq!(
            differential(d),
            vec!["Acute appendicitis", "Ectopic pregnancy", "Ovarian torsion"]
        );
        assert_eq!(
            differential("Pneumonia; pulmonary embolism"),
            vec!["Pneumonia", "pulmonary embolism"]
        );
        // Entries are names, not sentences; the sentences stay in the chain.
        assert_eq!(
            differential(
                "1. Septic shock from a urinary source is possible but the lactate is normal and the urine is clear\n2. Addisonian crisis"
            ),
            vec!["Septic shock from a urinary source", "Addisonian crisis"]
        );
    }
}

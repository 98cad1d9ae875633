//! Contractions expanded ("isn't" → "is not", "she's had" → "she has had",
//! "it's" → "it is"), which some models use and others avoid. Pure.

use super::markers::MarkerId;
use super::phrase::match_case;

const PRONOUNS_S: &[&str] = &[
    "he", "here", "how", "it", "she", "that", "there", "what", "where", "who",
];
const PRONOUNS_D: &[&str] = &[
    "he", "i", "it", "she", "that", "there", "they", "we", "who", "you",
];

/// Past participles after which "'s" is "has" ("she's had", "he's lost"),
/// never "is". For "it"/"that"/"there" only the few that cannot be passive.
const PERFECT_ALWAYS: &[&str] = &["been", "got", "gotten", "had", "become", "come", "gone"];
const PERFECT_PERSON: &[&str] = &[
    "begun",
    "brought",
    "done",
    "drunk",
    "eaten",
    "fallen",
    "felt",
    "given",
    "grown",
    "kept",
    "known",
    "left",
    "lost",
    "made",
    "noticed",
    "run",
    "seen",
    "shown",
    "taken",
    "thrown",
    "tried",
    "undergone",
    "woken",
];
/// -ed words that are states after "he's"/"she's" ("she's tired").
const STATE_ADJECTIVES: &[&str] = &[
    "admitted",
    "alert",
    "ashamed",
    "concerned",
    "confused",
    "depressed",
    "distressed",
    "embarrassed",
    "engaged",
    "exhausted",
    "intubated",
    "married",
    "scared",
    "sedated",
    "stressed",
    "supposed",
    "tired",
    "unmarried",
    "used",
    "ventilated",
    "worried",
];

fn is_perfect_participle(next: &str, person: bool) -> bool {
    let w = next.trim_matches(|c: char| !c.is_alphabetic());
    if PERFECT_ALWAYS.contains(&w) {
        return true;
    }
    person
        && (PERFECT_PERSON.contains(&w)
            || w.len() > 4 && w.ends_with("ed") && !STATE_ADJECTIVES.contains(&w))
}

/// Expand contractions ("isn't" → "is not", "it's" → "it is", "let's" → "let
/// us"); `None` when there is none.
pub(super) fn expand_contractions(s: &str, removed: &mut Vec<MarkerId>) -> Option<String> {
    if !s.contains('\'') {
        return None;
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut last = 0;
    for (start, end) in super::lexicon::words(s) {
        let w = &s[start..end];
        let Some(apos) = w.rfind('\'') else { continue };
        let (base, suffix) = (&w[..apos], w[apos + 1..].to_ascii_lowercase());
        let lower_base = base.to_ascii_lowercase();
        let next_word = s[end..]
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        let expanded: Option<String> = if suffix == "t" && lower_base.ends_with('n') {
            let stem = &base[..base.len() - 1];
            Some(match lower_base.as_str() {
                "can" => format!("{base}not"),
                "won" => format!("{}ill not", &base[..1]),
                "shan" => format!("{}all not", &base[..2]),
                "ain" => match_case("is not", base),
                _ => format!("{stem} not"),
            })
        } else if suffix == "s" && lower_base == "let" {
            Some(format!("{base} us"))
        } else if suffix == "s" && PRONOUNS_S.contains(&lower_base.as_str()) {
            let person = matches!(lower_base.as_str(), "he" | "she" | "who");
            let verb = if is_perfect_participle(&next_word, person) {
                "has"
            } else {
                "is"
            };
            Some(format!("{base} {verb}"))
        } else if suffix == "d" && PRONOUNS_D.contains(&lower_base.as_str()) {
            let verb = if is_perfect_participle(&next_word, true) {
                "had"
            } else {
                "would"
            };
            Some(format!("{base} {verb}"))
        } else {
            let full = match suffix.as_str() {
                "m" if lower_base == "i" => Some("am"),
                "re" => Some("are"),
                "ve" => Some("have"),
                "ll" => Some("will"),
                _ => None,
            };
            full.filter(|_| base.chars().all(char::is_alphabetic))
                .map(|f| format!("{base} {f}"))
        };
        if let Some(e) = expanded {
            removed.push(MarkerId::contraction);
            out.push_str(&s[last..start]);
            out.push_str(&e);
            last = end;
        }
    }
    if last == 0 {
        return None;
    }
    out.push_str(&s[last..]);
    Some(out)
}

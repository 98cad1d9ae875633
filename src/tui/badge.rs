//! The verdict badge shown beside each step, e.g. `[✗ error·major d r ✎]` (pure). Symbols and
//! words carry the meaning, so it reads the same without colour.

use crate::domain::{ErrorMode, StepLabel, StepVerdict};

/// The symbol and word for a label, or the unmarked dot.
pub fn label_text(label: Option<StepLabel>) -> &'static str {
    match label {
        Some(StepLabel::Sound) => "✓ sound",
        Some(StepLabel::Neutral) => "= neutral",
        Some(StepLabel::Error) => "✗ error",
        Some(StepLabel::Abstain) => "? abstain",
        None => " · ",
    }
}

/// The one-letter key (and mark) of an error-mode tag.
pub fn tag_letter(tag: ErrorMode) -> char {
    match tag {
        ErrorMode::Drift => 'd',
        ErrorMode::RedFlag => 'r',
        ErrorMode::Priority => 'p',
        ErrorMode::Other => 'o',
    }
}

/// The whole badge: label, severity, tags, note mark (✎) and bad-split mark (✂).
pub fn badge(v: &StepVerdict) -> String {
    let mut s = String::from("[");
    s.push_str(label_text(v.label));
    if let Some(sev) = v.severity {
        s.push('·');
        s.push_str(sev.as_str());
    }
    for t in &v.tags {
        s.push(' ');
        s.push(tag_letter(*t));
    }
    if v.note.as_deref().is_some_and(|n| !n.is_empty()) {
        s.push_str(" ✎");
    }
    if v.bad_split {
        s.push_str(" ✂");
    }
    s.push(']');
    s
}

/// A one-line description of a step verdict, for the status line and replay output:
/// `error severity=major tags=drift;red_flag note="…" bad_split`.
pub fn describe(v: &StepVerdict) -> String {
    let mut s = v.label.map_or("unmarked", |l| l.as_str()).to_string();
    if let Some(sev) = v.severity {
        s.push_str(" severity=");
        s.push_str(sev.as_str());
    }
    if !v.tags.is_empty() {
        s.push_str(" tags=");
        s.push_str(&v.tags_text());
    }
    if let Some(n) = v.note.as_deref().filter(|n| !n.is_empty()) {
        s.push_str(&format!(" note={n:?}"));
    }
    if v.bad_split {
        s.push_str(" bad_split");
    }
    s
}

/// The words the help screen uses for a tag: `drift`, `red flag`, `priority`, `other`.
pub fn tag_words(tag: ErrorMode) -> &'static str {
    match tag {
        ErrorMode::Drift => "drift",
        ErrorMode::RedFlag => "red flag",
        ErrorMode::Priority => "priority",
        ErrorMode::Other => "other",
    }
}

/// A step verdict in the help screen's words, for the status line:
/// `error · major · tags drift, red flag · note "…" · bad split`.
pub fn describe_words(v: &StepVerdict) -> String {
    let mut parts = vec![v.label.map_or("unmarked", |l| l.as_str()).to_string()];
    if let Some(sev) = v.severity {
        parts.push(sev.as_str().to_string());
    }
    if !v.tags.is_empty() {
        let tags: Vec<&str> = v.tags.iter().map(|t| tag_words(*t)).collect();
        parts.push(format!("tags {}", tags.join(", ")));
    }
    if let Some(n) = v.note.as_deref().filter(|n| !n.is_empty()) {
        parts.push(format!("note {n:?}"));
    }
    if v.bad_split {
        parts.push("bad split".to_string());
    }
    parts.join(" · ")
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::domain::Severity;

    #[test]
    fn badges_read_without_colour() {
        let mut v = StepVerdict::default();
        assert_eq!(badge(&v), "[ · ]");
        v.label = Some(StepLabel::Error);
        v.severity = Some(Severity::Major);
        v.tags.insert(ErrorMode::RedFlag);
        v.tags.insert(ErrorMode::Drift);
        assert_eq!(badge(&v), "[✗ error·major d r]");
        v.note = Some("x".into());
        v.bad_split = true;
        assert_eq!(badge(&v), "[✗ error·major d r ✎ ✂]");
        assert_eq!(
            describe(&v),
            "error severity=major tags=drift;red_flag note=\"x\" bad_split"
        );
        assert_eq!(
            describe_words(&v),
            "error · major · tags drift, red flag · note \"x\" · bad split"
        );
    }
}

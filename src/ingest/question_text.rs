//! The question text of an imported record: the vignette split from the question asked, and
//! a short title. Pure.

/// Split "vignette … question?" at its last sentence or line when that is a question.
pub fn split_question(text: &str) -> (String, String) {
    let t = text.trim();
    if let Some(pos) = t.rfind('\n') {
        let (a, b) = t.split_at(pos);
        if b.trim().ends_with('?') && !a.trim().is_empty() {
            return (a.trim().to_string(), b.trim().to_string());
        }
    }
    if let Some(pos) = t.strip_suffix('?').and_then(|body| body.rfind(". ")) {
        let (a, b) = t.split_at(pos + 1);
        if !a.trim().is_empty() && b.trim().len() > 8 {
            return (a.trim().to_string(), b.trim().to_string());
        }
    }
    (String::new(), t.to_string())
}

/// A title from the question's first 48 characters.
pub fn title_of(question: &str) -> String {
    let q: String = question.split_whitespace().collect::<Vec<_>>().join(" ");
    let short: String = q.chars().take(48).collect();
    let ell = if q.chars().count() > 48 { "…" } else { "" };
    format!("{short}{ell}")
}

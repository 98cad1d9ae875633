//! Where the reasoning and the answer are in a raw output: think tags (closed,
//! unclosed = truncated, or only a closing tag), a separate reasoning field,
//! o3-style "> Reasoning … Reasoned for N seconds" summaries, "Chain of
//! Thought" / "Answer" sections, `<step n>` chains, and a trailing answer line.
//! Returns byte ranges only; never rewrites text.
//!
//! The rule for which text becomes the chain (see `strip` module docs for why):
//! 1. **Structured**: the visible output has a chain section or `<step n>`
//!    items → the chain is the visible output minus the answer; hidden
//!    thinking (think block, reasoning field, summary) is not used.
//! 2. **Thinking**: otherwise, hidden thinking exists → the chain is the
//!    thinking, then any visible explanation beside the answer.
//! 3. **Plain**: otherwise the visible output minus the answer.

use super::answer;
use super::markup;
use super::parts::Region;
use super::segment;
use crate::domain::RawField;

/// Which rule chose the chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Structured,
    Thinking,
    Plain,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extraction {
    /// The reasoning to segment, in chain order.
    pub chain: Vec<Region>,
    /// Where the final answer is stated, if anywhere.
    pub answer: Option<Region>,
    /// Generation was cut off (an unclosed `<think>`).
    pub truncated: bool,
    pub source: Source,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Summary,
    /// An explicit chain-of-thought section (makes the output structured).
    CoT,
    Chain,
    Answer,
    Other,
}

#[derive(Debug, Clone, Copy)]
struct Section {
    kind: Kind,
    start: usize,
    end: usize,
}

/// The first tag of `needles` (lowercase, each opening with `<`) in `text`
/// from `from` on, in any ASCII case: (position, length), the shortest
/// needle first at one position.
fn find_ci(text: &str, needles: &[&str], from: usize) -> Option<(usize, usize)> {
    let mut at = from;
    while let Some(p) = text.get(at..)?.find('<') {
        let pos = at + p;
        let rest = &text.as_bytes()[pos..];
        let hit = needles
            .iter()
            .filter(|n| {
                rest.get(..n.len())
                    .is_some_and(|r| r.eq_ignore_ascii_case(n.as_bytes()))
            })
            .map(|n| n.len())
            .min();
        if let Some(len) = hit {
            return Some((pos, len));
        }
        at = pos + 1;
    }
    None
}

/// Lines of `s[start..end]` as absolute (line_start, line_end) without the newline.
fn lines(s: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut pos = start;
    for line in s[start..end].split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        out.push((pos, pos + body.len()));
        pos += line.len();
    }
    out
}

const CHAIN_LABELS: &[&str] = &[
    "analysis",
    "approach",
    "discussion",
    "explanation",
    "justification",
    "rationale",
    "reasoning",
    "step by step reasoning",
    "step-by-step analysis",
    "step-by-step reasoning",
    "thinking",
    "thought process",
];

/// Is this line a section header? Returns its kind and where its content
/// starts (after the label, for "Answer: B").
fn header(line: &str, differential: bool) -> Option<(Kind, usize)> {
    let t = line.trim_start();
    let lead = line.len() - t.len();
    let hashes = t.bytes().take_while(|&b| b == b'#').count();
    let after_hash = t[hashes..].trim_start();
    let (bold, body) = match after_hash
        .strip_prefix("**")
        .or_else(|| after_hash.strip_prefix("__"))
    {
        Some(b) => (true, b),
        None => (false, after_hash),
    };
    let label_len = body.find([':', '*', '_']).unwrap_or(body.len());
    let label = body[..label_len].trim();
    let rest = &body[label_len..];
    let rest_trim = rest.trim_start_matches([':', '*', '_', ' ']);
    let has_colon = rest.trim_start_matches(['*', '_']).starts_with(':') || rest.starts_with(':');
    if hashes == 0 && !has_colon && !(bold && rest_trim.trim().is_empty()) {
        return None;
    }
    if label.is_empty() || super::segment::word_count(label) > 6 {
        return None;
    }
    let mut l = label.to_ascii_lowercase();
    for prefix in [
        "the ",
        "my ",
        "final ",
        "correct ",
        "selected ",
        "most likely ",
    ] {
        if let Some(x) = l.strip_prefix(prefix) {
            l = x.to_string();
        }
    }
    let kind = if l.contains("differential") {
        if differential {
            Kind::Answer
        } else {
            Kind::Chain
        }
    } else if l == "answer"
        || l.starts_with("answer ")
        || l == "diagnosis" && (hashes > 0 || !label.eq_ignore_ascii_case("diagnosis"))
    {
        Kind::Answer
    } else if l.starts_with("chain") {
        Kind::CoT
    } else if CHAIN_LABELS.contains(&l.as_str()) {
        Kind::Chain
    } else {
        return None;
    };
    let content = lead + (t.len() - rest_trim.len());
    Some((kind, content.min(line.len())))
}

fn is_step_line(line: &str) -> bool {
    let t = line.trim_start().trim_start_matches(['*', '-', ' ']);
    let lower = t.get(..5).map(str::to_ascii_lowercase);
    matches!(lower.as_deref(), Some("<step" | "step ")) && markup::list_marker_len(t).is_some()
}

fn sections(out: &str, start: usize, end: usize, differential: bool) -> Vec<Section> {
    let mut secs = Vec::new();
    let mut cur = Section {
        kind: Kind::Other,
        start,
        end,
    };
    let mut in_summary = false;
    for (ls, le) in lines(out, start, end) {
        let line = &out[ls..le];
        let t = line.trim();
        let next = (le + 1).min(end);
        if in_summary {
            let lower = t.to_ascii_lowercase();
            if lower.starts_with("reasoned for") || lower.starts_with("thought for") {
                cur.end = ls;
                secs.push(cur);
                cur = Section {
                    kind: Kind::Other,
                    start: next,
                    end,
                };
                in_summary = false;
                continue;
            }
            if !(t.starts_with('#') || is_step_line(line)) {
                continue;
            }
            in_summary = false;
        }
        let lower = t.to_ascii_lowercase();
        let lower = lower
            .trim_start_matches(['>', ' '])
            .trim_matches(['*', ':']);
        if t.starts_with('>') && lower == "reasoning" {
            cur.end = ls;
            secs.push(cur);
            cur = Section {
                kind: Kind::Summary,
                start: next,
                end,
            };
            in_summary = true;
            continue;
        }
        if let Some((kind, content)) = header(line, differential) {
            cur.end = ls;
            secs.push(cur);
            cur = Section {
                kind,
                start: ls + content,
                end,
            };
        }
    }
    cur.end = end;
    secs.push(cur);
    secs.retain(|s| s.start < s.end && !out[s.start..s.end].trim().is_empty());
    secs
}

/// Trim a range to its non-whitespace content.
fn trimmed(s: &str, start: usize, end: usize) -> (usize, usize) {
    let piece = &s[start..end];
    let a = start + piece.len() - piece.trim_start().len();
    let b = start + piece.trim_end().len();
    (a, b.max(a))
}

/// The last paragraph of `s[start..end]` (absolute range).
fn last_paragraph(s: &str, start: usize, end: usize) -> (usize, usize) {
    let (a, b) = trimmed(s, start, end);
    let p = s[a..b].rfind("\n\n").map_or(a, |p| a + p + 2);
    trimmed(s, p, b)
}

/// Locate reasoning and answer in one run's raw output.
pub fn extract(output: &str, reasoning: Option<&str>, hint: &answer::AnswerHint<'_>) -> Extraction {
    let differential = matches!(hint, answer::AnswerHint::Differential);
    let mut hidden: Vec<Region> = Vec::new();
    if let Some(r) = reasoning
        && !r.trim().is_empty()
    {
        let (a, b) = trimmed(r, 0, r.len());
        hidden.push(Region {
            field: RawField::Reasoning,
            start: a,
            end: b,
        });
    }
    let out_region = |a: usize, b: usize| {
        let (a, b) = trimmed(output, a, b);
        Region {
            field: RawField::Output,
            start: a,
            end: b,
        }
    };
    let mut truncated = false;
    let open = find_ci(output, &["<think>", "<thinking>"], 0);
    let close = find_ci(
        output,
        &["</think>", "</thinking>"],
        open.map_or(0, |(p, n)| p + n),
    );
    let (vis_start, vis_end) = match (open, close) {
        (Some((o, on)), Some((c, cn))) => {
            hidden.push(out_region(o + on, c));
            (c + cn, output.len())
        }
        (Some((o, on)), None) => {
            truncated = true;
            hidden.push(out_region(o + on, output.len()));
            (0, o)
        }
        (None, Some((c, cn))) => {
            hidden.push(out_region(0, c));
            (c + cn, output.len())
        }
        (None, None) => (0, output.len()),
    };
    hidden.retain(|r| r.start < r.end);
    let secs = sections(output, vis_start, vis_end, differential);
    let structured = secs.iter().any(|s| s.kind == Kind::CoT)
        || secs.iter().any(|s| {
            matches!(s.kind, Kind::Other | Kind::Chain)
                && lines(output, s.start, s.end)
                    .iter()
                    .any(|&(a, b)| is_step_line(&output[a..b]))
        });
    let summaries: Vec<Region> = secs
        .iter()
        .filter(|s| s.kind == Kind::Summary)
        .map(|s| out_region(s.start, s.end))
        .collect();
    let mut answer_region = secs
        .iter()
        .rev()
        .find(|s| s.kind == Kind::Answer)
        .map(|s| out_region(s.start, s.end));
    let mut visible: Vec<Region> = secs
        .iter()
        .filter(|s| matches!(s.kind, Kind::CoT | Kind::Chain | Kind::Other))
        .map(|s| out_region(s.start, s.end))
        .collect();
    // After a closed think block, a short first paragraph that states an
    // answer is the answer, whatever explanation follows it (R1: "B\n\nThe
    // patient…").
    if answer_region.is_none()
        && close.is_some()
        && let Some(first) = visible.first_mut()
        && first.start >= vis_start
    {
        let (a, _) = trimmed(output, first.start, first.end);
        let end = output[a..first.end]
            .find("\n\n")
            .map_or(first.end, |p| a + p);
        let para = &output[a..end];
        if end < first.end
            && super::segment::word_count(para) <= 6
            && answer::looks_like_answer(para, hint)
        {
            answer_region = Some(out_region(a, end));
            *first = out_region(end, first.end);
        }
    }
    // No answer section: a short last paragraph that states an answer is the answer.
    if answer_region.is_none()
        && let Some(last) = visible.last_mut()
    {
        let (a, b) = last_paragraph(output, last.start, last.end);
        // The last sentence of the last paragraph, or the whole paragraph
        // when it is only an answer ("B", "Answer: B").
        let line_start = output[a..b].rfind('\n').map_or(a, |p| a + p + 1);
        let sentence_start = segment::sentences(&output[line_start..b])
            .last()
            .map_or(line_start, |&(s, _)| line_start + s);
        for (start, max_words) in [(a, 6), (sentence_start, 30)] {
            let para = &output[start..b];
            if super::segment::word_count(para) <= max_words
                && answer::looks_like_answer(para, hint)
            {
                answer_region = Some(out_region(start, b));
                *last = out_region(last.start, start);
                break;
            }
        }
    }
    visible.retain(|r| r.start < r.end);
    let (chain, source) = if structured {
        (visible, Source::Structured)
    } else if !hidden.is_empty() || !summaries.is_empty() {
        let mut c = hidden;
        c.extend(summaries);
        c.extend(visible);
        // Raw order within each field (text before an unclosed <think> first).
        c.sort_by_key(|r| (r.field != RawField::Reasoning, r.start));
        (c, Source::Thinking)
    } else {
        (visible, Source::Plain)
    };
    Extraction {
        chain,
        answer: answer_region,
        truncated,
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use answer::AnswerHint;

    #[test]
    fn tags_are_found_in_any_case_first_and_shortest() {
        let tags = ["<think>", "<thinking>"];
        let lowered = |t: &str, from: usize| {
            let lower = t.to_ascii_lowercase();
            tags.iter()
                .filter_map(|n| lower[from..].find(n).map(|p| (from + p, n.len())))
                .min()
        };
        for t in [
            "a <b> <THINKING>x</Thinking> <think>",
            "<<think>",
            "é<Think>",
            "<thin",
            "",
            "<thinking><think>",
        ] {
            for from in (0..=t.len()).filter(|&i| t.is_char_boundary(i)) {
                assert_eq!(find_ci(t, &tags, from), lowered(t, from), "{t:?} {from}");
            }
        }
    }

    fn texts<'a>(out: &'a str, reasoning: &'a str, regions: &[Region]) -> Vec<&'a str> {
        regions
            .iter()
            .map(|r| match r.field {
                RawField::Output => &out[r.start..r.end],
                RawField::Reasoning => &reasoning[r.start..r.end],
            })
            .collect()
    }

    #[test]
    fn think_then_letter() {
        let out = "<think>\nOkay, K is 2.9.\n</think>\n\nB";
        let e = extract(out, None, &AnswerHint::Any);
        assert_eq!(texts(out, "", &e.chain), vec!["Okay, K is 2.9."]);
        assert_eq!(e.answer.map(|r| &out[r.start..r.end]), Some("B"));
        assert_eq!((e.truncated, e.source), (false, Source::Thinking));
    }

    #[test]
    fn unclosed_think_is_truncated() {
        let out = "<think>\nThe troponin is high and";
        let e = extract(out, None, &AnswerHint::Any);
        assert!(e.truncated);
        assert_eq!(texts(out, "", &e.chain), vec!["The troponin is high and"]);
        assert_eq!(e.answer, None);
    }

    #[test]
    fn structured_content_wins_over_thinking() {
        let out = "> Reasoning\n**Piecing**\nI'm thinking.\nReasoned for 9 seconds\n\n### Chain of Thought:\n<step 1> Give KCl.\n\n### Answer:\nIV KCl.";
        let e = extract(out, Some("Okay, raw thinking."), &AnswerHint::Any);
        assert_eq!(e.source, Source::Structured);
        assert_eq!(texts(out, "", &e.chain), vec!["<step 1> Give KCl."]);
        assert_eq!(e.answer.map(|r| &out[r.start..r.end]), Some("IV KCl."));
    }

    #[test]
    fn reasoning_field_and_plain_answer_line() {
        let out = "Hypokalaemia explains the ECG.\n\nAnswer: C";
        let e = extract(out, Some("Let me think."), &AnswerHint::Any);
        assert_eq!(e.source, Source::Thinking);
        assert_eq!(
            texts(out, "Let me think.", &e.chain),
            vec!["Let me think.", "Hypokalaemia explains the ECG."]
        );
        assert_eq!(e.answer.map(|r| &out[r.start..r.end]), Some("C"));
        let plain = "1. Fever and neck stiffness.\n2. So meningitis.\n\nThe answer is B.";
        let e = extract(plain, None, &AnswerHint::Any);
        assert_eq!(e.source, Source::Plain);
        assert_eq!(
            e.answer.map(|r| &plain[r.start..r.end]),
            Some("The answer is B.")
        );
    }
}

//! Style stripping and segmentation (SPEC §4): separate reasoning from the
//! final answer, remove style that identifies a model or sways a judge while
//! keeping every clinical claim, segment into judgeable steps, and keep the
//! raw byte spans of every step. Pure: values in, values out; no I/O, no
//! clock, no randomness, so the same input and [`VERSION`] give the same chain.
//!
//! # Which text becomes the chain
//!
//! When the visible output holds an explicit chain (a "Chain of Thought"
//! section or `<step n>` items, as MedR-Bench prompts ask for), that chain is
//! used and hidden thinking (a `<think>` block, a `reasoning_content` /
//! `thinking_process` field, an o3-style "> Reasoning" summary) is not. Why:
//! the two models of a pair must give comparable chains, and only some models
//! expose raw thinking (o3-mini's summary is written by another model and
//! says nothing clinical); the explicit chain is what each model presents as
//! its reasoning. Otherwise the hidden thinking is the chain, followed by any
//! visible explanation beside the answer (R1/QwQ `<think>…</think>B`); with
//! neither, the visible text minus the answer (GPT-style lists, markdown).
//! An unclosed `<think>` marks the chain truncated and gives no answer.
//!
//! # Steps
//!
//! One step per sentence (abbreviation- and number-aware), never across a
//! paragraph or list item; run-ons split at `;` or a clause break; fragments
//! under [`parts::MIN_WORDS`] words merged within their item; sentences with
//! no content word and no clinical token dropped; near-duplicates (content
//! Jaccard ≥ 0.8 with no new clinical token) collapsed into the first, their
//! spans kept in [`Step::duplicates`].

pub mod answer;
pub mod budget;
pub mod clean;
pub mod content;
pub mod contraction;
pub mod detect;
pub mod extract;
pub mod idiom;
pub mod lead;
pub mod lexicon;
pub mod markers;
pub mod markup;
pub mod merge;
pub mod parts;
pub mod phrase;
pub mod pieces;
pub mod segment;
pub mod steps;
pub mod style;
pub mod text;
pub mod tidy;
pub mod words;

pub use answer::AnswerHint;
pub use extract::Source;
pub use markers::{Category, MarkerId, StyleMarker, style_markers};
pub use text::strip_text;

use crate::domain::{AnswerOutcome, Chain, FinalAnswer, RawField, Span, Step};

/// The stripper/segmenter version; bump when output changes.
pub const VERSION: &str = "strip-4";

/// The default step budget of a chain (`--max-steps`).
pub const DEFAULT_MAX_STEPS: usize = 30;

/// How to strip one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// At most this many steps: adjacent steps are merged to meet it (never
    /// dropped). 0 means no budget.
    pub max_steps: usize,
    /// Generation is known to have been cut off (provenance says it stopped at
    /// the token limit or a full context), whatever the text shows.
    pub cut_off: bool,
    /// Re-segment to exactly this many steps when the sentences allow (a
    /// study's `--equal-steps`); overrides `max_steps`.
    pub exact_steps: Option<usize>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_steps: DEFAULT_MAX_STEPS,
            cut_off: false,
            exact_steps: None,
        }
    }
}

/// A chain with what was removed from each step, for researchers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detailed {
    pub chain: Chain,
    /// Per step: marker ids removed, and `dropped: …`, `title: …`,
    /// `duplicate: …` notes.
    pub removed: Vec<Vec<String>>,
    /// Which rule chose the chain.
    pub source: Source,
    /// Where the answer was read, if anywhere.
    pub answer_span: Option<Span>,
}

/// Strip and segment one run's raw output. `reasoning` is a separate
/// reasoning field (reasoning_content / thinking_process) when the source had
/// one; spans point into `output` (RawField::Output) or `reasoning`
/// (RawField::Reasoning).
pub fn strip_run(output: &str, reasoning: Option<&str>, hint: AnswerHint<'_>) -> Chain {
    strip_run_detailed(output, reasoning, hint).chain
}

/// [`strip_run`] with options (step budget, known truncation).
pub fn strip_run_with(
    output: &str,
    reasoning: Option<&str>,
    hint: AnswerHint<'_>,
    opts: &Options,
) -> Chain {
    strip(output, reasoning, hint, opts).chain
}

/// [`strip_run`] with the removed markers per step and the extraction source.
pub fn strip_run_detailed(output: &str, reasoning: Option<&str>, hint: AnswerHint<'_>) -> Detailed {
    strip_run_detailed_with(output, reasoning, hint, &Options::default())
}

/// [`strip_run_detailed`] with options.
pub fn strip_run_detailed_with(
    output: &str,
    reasoning: Option<&str>,
    hint: AnswerHint<'_>,
    opts: &Options,
) -> Detailed {
    let s = strip(output, reasoning, hint, opts);
    Detailed {
        chain: s.chain,
        removed: s
            .removed
            .iter()
            .map(|r| r.iter().map(ToString::to_string).collect())
            .collect(),
        source: s.source,
        answer_span: s.answer_span,
    }
}

/// [`Detailed`] with the removals typed.
struct Stripped {
    chain: Chain,
    removed: Vec<Vec<parts::Removed>>,
    source: Source,
    answer_span: Option<Span>,
}

fn strip(output: &str, reasoning: Option<&str>, hint: AnswerHint<'_>, opts: &Options) -> Stripped {
    let ex = extract::extract(output, reasoning, &hint);
    let truncated = ex.truncated || opts.cut_off;
    let sentence_steps = steps::build(output, reasoning, &ex.chain);
    let sentences = sentence_steps.len();
    let mut detailed = budget::group(sentence_steps);
    match opts.exact_steps {
        Some(n) => detailed = budget::to_count(detailed, n),
        None if opts.max_steps > 0 => detailed = budget::cap(detailed, opts.max_steps),
        None => {}
    }
    let raw_of = |f: RawField| match f {
        RawField::Output => output,
        RawField::Reasoning => reasoning.unwrap_or_default(),
    };
    if truncated {
        budget::no_invented_stop(&mut detailed, &raw_of);
    }
    let mut answer_span = ex.answer.map(|r| Span {
        field: r.field,
        start: r.start,
        end: r.end,
    });
    let answer = match ex.answer {
        Some(r) => answer::extract(&raw_of(r.field)[r.start..r.end], &hint),
        None if ex.truncated => None,
        None => match fallback_answer(&ex.chain, &raw_of, &hint) {
            Some((a, span)) => {
                answer_span = Some(span);
                Some(a)
            }
            None => None,
        },
    };
    let conflict = match &answer {
        Some(FinalAnswer::Letter(final_letter)) if ex.source == Source::Thinking => {
            answer::conclusion(&ex.chain, &raw_of, &hint, answer_span)
                .is_some_and(|l| &l != final_letter)
        }
        _ => false,
    };
    let (steps, removed): (Vec<Step>, Vec<Vec<parts::Removed>>) =
        detailed.into_iter().map(|d| (d.step, d.removed)).unzip();
    Stripped {
        chain: Chain {
            steps,
            outcome: AnswerOutcome::of(answer.as_ref(), truncated),
            answer,
            truncated,
            stripper_version: VERSION.to_string(),
            conflict,
            sentences,
        },
        removed,
        source: ex.source,
        answer_span,
    }
}

/// No answer part: the answer stated near the end of the chain ("the
/// answer is X", an option line after "… is:", "(A) is the most appropriate
/// next step"), never a letter of a restated option list.
fn fallback_answer<'a>(
    chain: &[parts::Region],
    raw_of: &dyn Fn(RawField) -> &'a str,
    hint: &AnswerHint<'_>,
) -> Option<(FinalAnswer, Span)> {
    if matches!(hint, AnswerHint::Differential) {
        return None;
    }
    let last = chain.last()?;
    let text = &raw_of(last.field)[last.start..last.end];
    let (a, start, end) = answer::from_ending(text, hint)?;
    Some((
        a,
        Span {
            field: last.field,
            start: last.start + start,
            end: last.start + end,
        },
    ))
}

/// Style markers in `text` (one id per occurrence): what stripping it
/// removes. None after stripping.
pub fn find_markers(text: &str) -> Vec<MarkerId> {
    detect::find_markers(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r1_think_then_letter() {
        let out = "<think>\nOkay, let's tackle this question. The K+ is 2.9 mmol/L, so hypokalemia is likely.\n\nLet me check the options again.\n</think>\n\nB";
        let c = strip_run(out, None, AnswerHint::Any);
        assert_eq!(c.answer, Some(FinalAnswer::Letter("B".into())));
        assert_eq!(
            c.steps.iter().map(|s| s.text.as_str()).collect::<Vec<_>>(),
            vec!["The K+ is 2.9 mmol/L, so hypokalemia is likely."]
        );
        assert!(!c.truncated);
        assert_eq!(c.stripper_version, VERSION);
    }

    #[test]
    fn a_final_letter_against_the_reasoning_is_kept_and_flagged() {
        let out = "<think>\nFever and neck stiffness suggest meningitis. So the answer is B.\n</think>\n\nC";
        let c = strip_run(out, None, AnswerHint::Any);
        assert_eq!(c.answer, Some(FinalAnswer::Letter("C".into())));
        assert!(c.conflict);
        assert_eq!(c.outcome, AnswerOutcome::Given);
        let agree =
            "<think>\nFever and neck stiffness suggest meningitis. So answer C.\n</think>\n\nC";
        assert!(!strip_run(agree, None, AnswerHint::Any).conflict);
        let none = strip_run(
            "Fever and neck stiffness suggest meningitis.",
            None,
            AnswerHint::Any,
        );
        assert_eq!((none.answer, none.outcome), (None, AnswerOutcome::None));
    }

    #[test]
    fn truncated_think() {
        let c = strip_run(
            "<think>Fever and rash. The answer is B",
            None,
            AnswerHint::Any,
        );
        assert!(c.truncated);
        assert_eq!(c.answer, None);
        assert_eq!(c.steps.len(), 1);
    }

    #[test]
    fn fallback_statement_in_thinking() {
        let c = strip_run(
            "Fever, so sepsis is likely. The answer is C.",
            None,
            AnswerHint::Any,
        );
        assert_eq!(c.answer, Some(FinalAnswer::Letter("C".into())));
        assert_eq!(c.steps[0].text, "Fever, so sepsis is likely.");
    }

    #[test]
    fn strip_text_is_idempotent_on_examples() {
        for s in [
            "Okay, **so** the answer's B!",
            "- 1. Hb 7.2 g/dL.\n- 2. Give 2.5 mg b.i.d.",
            "😊",
        ] {
            let t = strip_text(s);
            assert_eq!(strip_text(&t), t, "{s:?}");
        }
    }
}

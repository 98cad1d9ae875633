//! `blindstep strip`: show how the stripper segments any text, for
//! researchers checking it. Reads a file or stdin, prints steps as text or
//! JSON. Never used in blind mode (it shows raw spans on request).

use crate::domain::{RawField, Span};
use crate::strip::{self, AnswerHint, Detailed};
use anyhow::Context;
use std::io::Read;
use std::path::PathBuf;

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct StripArgs {
    /// FILE with the raw model output, or - for stdin (default).
    pub input: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Show each step's raw spans and the removed markers beside it.
    #[arg(long)]
    pub show_raw: bool,
    /// A FILE with a separate reasoning field (reasoning_content / thinking_process).
    #[arg(long)]
    pub reasoning: Option<PathBuf>,
    /// Option letters to read the answer as, e.g. ABCDE.
    #[arg(long, conflicts_with = "differential")]
    pub letters: Option<String>,
    /// Read the answer as a ranked differential list.
    #[arg(long)]
    pub differential: bool,
    /// At most this many steps (adjacent steps are merged, nothing dropped); 0: no budget.
    #[arg(long, default_value_t = strip::DEFAULT_MAX_STEPS)]
    pub max_steps: usize,
}

fn read_input(path: Option<&PathBuf>) -> anyhow::Result<String> {
    match path {
        Some(p) if p.as_os_str() != "-" => {
            std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))
        }
        _ => {
            let mut s = String::new();
            std::io::stdin()
                .read_to_string(&mut s)
                .context("reading standard input")?;
            Ok(s)
        }
    }
}

pub fn run(args: StripArgs) -> anyhow::Result<()> {
    let output = read_input(args.input.as_ref())?;
    let reasoning = match &args.reasoning {
        Some(p) => {
            Some(std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?)
        }
        None => None,
    };
    print!("{}", render(&output, reasoning.as_deref(), &args)?);
    Ok(())
}

fn raw_text<'a>(output: &'a str, reasoning: Option<&'a str>, s: &Span) -> &'a str {
    let field = match s.field {
        RawField::Output => output,
        RawField::Reasoning => reasoning.unwrap_or_default(),
    };
    field.get(s.start..s.end).unwrap_or_default()
}

fn span_label(s: &Span) -> String {
    let f = match s.field {
        RawField::Output => "output",
        RawField::Reasoning => "reasoning",
    };
    format!("{f}[{}..{}]", s.start, s.end)
}

/// The printed result for one input (pure, so it can be tested).
pub fn render(output: &str, reasoning: Option<&str>, args: &StripArgs) -> anyhow::Result<String> {
    let letters: Vec<String> = args
        .letters
        .as_deref()
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_alphabetic)
        .map(|c| c.to_ascii_uppercase().to_string())
        .collect();
    let hint = if args.differential {
        AnswerHint::Differential
    } else if !letters.is_empty() {
        AnswerHint::Letters(&letters)
    } else {
        AnswerHint::Any
    };
    let opts = strip::Options {
        max_steps: args.max_steps,
        ..strip::Options::default()
    };
    let d = strip::strip_run_detailed_with(output, reasoning, hint, &opts);
    match args.format {
        Format::Json => Ok(json(&d, output, reasoning, args.show_raw)? + "\n"),
        Format::Text => Ok(text(&d, output, reasoning, args.show_raw)),
    }
}

fn json(
    d: &Detailed,
    output: &str,
    reasoning: Option<&str>,
    show_raw: bool,
) -> anyhow::Result<String> {
    let steps: Vec<serde_json::Value> = d
        .chain
        .steps
        .iter()
        .zip(&d.removed)
        .map(|(s, removed)| {
            let mut v = serde_json::json!({
                "index": s.index,
                "text": s.text,
                "spans": s.spans,
                "duplicates": s.duplicates,
                "removed": removed,
            });
            if show_raw && let Some(obj) = v.as_object_mut() {
                let raw: Vec<&str> = s
                    .spans
                    .iter()
                    .map(|sp| raw_text(output, reasoning, sp))
                    .collect();
                obj.insert("raw".into(), serde_json::json!(raw));
            }
            v
        })
        .collect();
    let v = serde_json::json!({
        "stripper_version": d.chain.stripper_version,
        "source": d.source,
        "truncated": d.chain.truncated,
        "outcome": d.chain.outcome,
        "conflict": d.chain.conflict,
        "sentences": d.chain.sentences,
        "answer": d.chain.answer,
        "answer_span": d.answer_span,
        "steps": steps,
    });
    serde_json::to_string_pretty(&v).context("writing json")
}

fn text(d: &Detailed, output: &str, reasoning: Option<&str>, show_raw: bool) -> String {
    let mut out = String::new();
    let source = serde_json::to_value(d.source)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    out.push_str(&format!(
        "{}  source: {source}  truncated: {}  steps: {} from {} sentences\n",
        d.chain.stripper_version,
        if d.chain.truncated { "yes" } else { "no" },
        d.chain.steps.len(),
        d.chain.sentences
    ));
    let answer = d
        .chain
        .answer
        .as_ref()
        .map_or("(none)".to_string(), |a| a.display());
    let conflict = if d.chain.conflict {
        ", conflicts with the reasoning's conclusion"
    } else {
        ""
    };
    out.push_str(&format!(
        "answer: {answer} ({}{conflict})\n\n",
        d.chain.outcome.as_str()
    ));
    for (s, removed) in d.chain.steps.iter().zip(&d.removed) {
        out.push_str(&format!("{:>3}. {}\n", s.index + 1, s.text));
        if show_raw {
            for sp in &s.spans {
                let raw = raw_text(output, reasoning, sp)
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ");
                out.push_str(&format!("     raw {}: {raw}\n", span_label(sp)));
            }
            for sp in &s.duplicates {
                out.push_str(&format!("     duplicate {}\n", span_label(sp)));
            }
            if !removed.is_empty() {
                out.push_str(&format!("     removed: {}\n", removed.join(" | ")));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(format: Format, show_raw: bool) -> StripArgs {
        StripArgs {
            input: None,
            format,
            show_raw,
            reasoning: None,
            letters: Some("ABC".into()),
            differential: false,
            max_steps: strip::DEFAULT_MAX_STEPS,
        }
    }

    const RAW: &str = "<think>\nOkay, so K+ is 2.9 mmol/L! Hypokalemia.\n</think>\n\nB";

    #[test]
    fn text_lists_steps_and_raw() {
        let t = render(RAW, None, &args(Format::Text, true)).unwrap_or_default();
        assert!(t.contains("answer: B (given)\n"), "{t}");
        assert!(t.contains("  1. K+ is 2.9 mmol/L. Hypokalemia.\n"), "{t}");
        assert!(
            t.contains("raw output[8..47]: Okay, so K+ is 2.9 mmol/L! Hypokalemia."),
            "{t}"
        );
        assert!(t.contains("filler_okay"), "{t}");
    }

    #[test]
    fn json_has_text_spans_and_removed() {
        let j = render(RAW, None, &args(Format::Json, false)).unwrap_or_default();
        let v: serde_json::Value = serde_json::from_str(&j).unwrap_or_default();
        assert_eq!(v["answer"]["value"], "B");
        assert_eq!(v["steps"][0]["text"], "K+ is 2.9 mmol/L. Hypokalemia.");
        assert_eq!(v["steps"][0]["spans"][0]["start"], 8);
        assert!(
            v["steps"][0]["removed"]
                .as_array()
                .is_some_and(|a| !a.is_empty())
        );
    }
}

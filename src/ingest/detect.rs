//! `--format auto`: which known format a file's records are in, and when none fits, what
//! each format missed ("medqa: no `question`; agentclinic: no `OSCE_Examination`"), so the
//! user knows which format to fix towards or that a mapping is needed. Pure.

use super::agentclinic::{self, Kind};
use super::formats::{QuestionFormat, RunFormat};
use super::problem::Problem;
use super::records::Record;
use serde_json::Value;
use std::path::Path;

fn has(v: &Value, key: &str) -> bool {
    v.get(key).is_some_and(|x| !x.is_null())
}

/// The first of `keys` the record lacks, as "no `key`".
fn lacks(v: &Value, keys: &[&str]) -> Option<String> {
    keys.iter()
        .find(|k| !has(v, k))
        .map(|k| format!("no `{k}`"))
}

/// What a record lacks to be each case format, in the order they are tried.
pub fn case_checks(v: &Value) -> Vec<(&'static str, QuestionFormat, Option<String>)> {
    let medagents = if !has(v, "realidx") {
        Some("no `realidx`".to_string())
    } else if !has(v, "completion") && !has(v, "raw_response") {
        Some("no `completion` or `raw_response`".to_string())
    } else {
        None
    };
    vec![
        (
            "jsonl",
            QuestionFormat::Blindstep,
            (!has(v, "task") && !has(v, "vignette")).then(|| "no `task` or `vignette`".into()),
        ),
        (
            "agentclinic (OSCE)",
            QuestionFormat::AgentClinicOsce,
            agentclinic::missing(Kind::Osce, v),
        ),
        (
            "agentclinic (NEJM)",
            QuestionFormat::AgentClinicNejm,
            agentclinic::missing(Kind::Nejm, v).or_else(|| {
                // MedQA-style records have `question` too: the NEJM files have `answers`.
                lacks(v, &["answers"])
            }),
        ),
        ("medmcqa", QuestionFormat::MedMcqa, lacks(v, &["opa"])),
        ("medagents", QuestionFormat::MedAgents, medagents),
        (
            "medqa",
            QuestionFormat::MedQa,
            lacks(v, &["question", "options", "answer_idx"]),
        ),
    ]
}

/// The case format of a file, from its first record (and its name: a MedMCQA copy in the
/// MedQA layout is still MedMCQA).
pub fn case_format(file: &Path, records: &[Record]) -> Result<QuestionFormat, Vec<Problem>> {
    let Some(first) = records.first() else {
        return Err(vec![Problem {
            file: file.to_path_buf(),
            line: 1,
            field: String::new(),
            message: "no records".into(),
        }]);
    };
    if !first.value.is_object() {
        return Err(vec![Problem {
            file: file.to_path_buf(),
            line: first.line,
            field: String::new(),
            message: "expected a JSON object per record".into(),
        }]);
    }
    let checks = case_checks(&first.value);
    match checks.iter().find(|(_, _, miss)| miss.is_none()) {
        Some((_, QuestionFormat::MedQa, _))
            if file
                .to_string_lossy()
                .to_ascii_lowercase()
                .contains("medmcqa") =>
        {
            Ok(QuestionFormat::MedMcqa)
        }
        Some((_, f, _)) => Ok(*f),
        None => Err(vec![no_format(file, first.line, "case", &checks)]),
    }
}

fn no_format<F>(
    file: &Path,
    line: usize,
    what: &str,
    checks: &[(&'static str, F, Option<String>)],
) -> Problem {
    let tried: Vec<String> = checks
        .iter()
        .filter_map(|(name, _, miss)| miss.as_ref().map(|m| format!("{name}: {m}")))
        .collect();
    Problem {
        file: file.to_path_buf(),
        line,
        field: String::new(),
        message: format!(
            "the first record fits no known {what} format (tried {}); pick one with --format, or describe the file with --mapping MAP.toml",
            tried.join("; ")
        ),
    }
}

/// What a record lacks to be each run format, in the order they are tried.
pub fn run_checks(v: &Value) -> Vec<(&'static str, RunFormat, Option<String>)> {
    let medagents = if !has(v, "realidx") {
        Some("no `realidx`".to_string())
    } else if !has(v, "completion") && !has(v, "raw_response") {
        Some("no `completion` or `raw_response`".to_string())
    } else {
        None
    };
    let medrbench = if !v.get("output").is_some_and(Value::is_object) {
        Some("no `output` object".to_string())
    } else {
        lacks(v, &["id"])
    };
    let openai = (!has(v, "choices") && v.pointer("/response/body/choices").is_none())
        .then(|| "no `choices`".to_string());
    let jsonl = if !has(v, "case_id") {
        Some("no `case_id`".to_string())
    } else if !["output", "response", "completion", "content"]
        .iter()
        .any(|k| has(v, k))
    {
        Some("no `output`, `response`, `completion` or `content`".to_string())
    } else {
        None
    };
    vec![
        ("medagents", RunFormat::Medagents, medagents),
        ("medrbench", RunFormat::Medrbench, medrbench),
        ("openai", RunFormat::Openai, openai),
        ("jsonl", RunFormat::Jsonl, jsonl),
    ]
}

/// The run format of a file, from its first record.
pub fn run_format(file: &Path, records: &[Record]) -> Result<RunFormat, Problem> {
    let Some(first) = records.first() else {
        return Ok(RunFormat::Jsonl);
    };
    let checks = run_checks(&first.value);
    checks
        .iter()
        .find(|(_, _, miss)| miss.is_none())
        .map(|(_, f, _)| *f)
        .ok_or_else(|| no_format(file, first.line, "model-output", &checks))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::ingest::records::read_records;

    #[test]
    fn a_file_of_no_format_says_what_each_missed() {
        let recs = read_records(Path::new("x.jsonl"), "{\"prompt\": \"hi\"}\n").unwrap();
        let e = case_format(Path::new("x.jsonl"), &recs).unwrap_err();
        let m = e[0].to_string();
        assert!(m.contains("medqa: no `question`"), "{m}");
        assert!(
            m.contains("agentclinic (OSCE): no `OSCE_Examination`"),
            "{m}"
        );
        assert!(m.contains("--mapping"), "{m}");
        let e = run_format(Path::new("x.jsonl"), &recs).unwrap_err();
        assert!(e.to_string().contains("jsonl: no `case_id`"), "{e}");
    }

    #[test]
    fn cot_outputs_are_medagents() {
        let recs = read_records(
            Path::new("x.json"),
            r#"[{"realidx": "0", "question": "Q?", "raw_response": "1. x", "thinking": "t"}]"#,
        )
        .unwrap();
        assert_eq!(
            run_format(Path::new("x.json"), &recs).unwrap(),
            RunFormat::Medagents
        );
    }
}

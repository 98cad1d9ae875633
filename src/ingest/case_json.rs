//! Question-bank importers: MedQA JSONL, MedMCQA JSON/JSONL (native `opa`..`opd`
//! with `cop`, or the MedAgentsBench `options` and `answer_idx` copy),
//! MedAgentsBench output files (their questions), and the documented blindstep
//! case JSONL. Pure: records in, cases or a problem naming file and line out.

pub use super::formats::QuestionFormat;
use super::problem::Problem;
pub use super::question_text::{split_question, title_of};
use super::records::{Record, text_field};
use crate::domain::{Case, CaseId, Specialty, Task};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// Convert records to cases. `prefix` (e.g. `medqa`) is prepended as
/// `medqa:<id>` when the source id has no prefix of its own.
pub fn cases_from_records(
    file: &Path,
    records: &[Record],
    format: QuestionFormat,
    prefix: &str,
) -> Result<Vec<Case>, Vec<Problem>> {
    let mut cases = Vec::with_capacity(records.len());
    let mut problems = Vec::new();
    for result in records.iter().enumerate().map(|(i, r)| {
        let p = |field: &str, message: String| Problem {
            file: file.to_path_buf(),
            line: r.line,
            field: field.to_string(),
            message,
        };
        if !r.value.is_object() {
            return Err(p("", "expected a JSON object".into()));
        }
        match format {
            QuestionFormat::Blindstep => {
                let case: Case = serde_json::from_value(r.value.clone())
                    .map_err(|e| p("", format!("not a blindstep case: {e}")))?;
                validate_imported(&case).map_err(|(f, m)| p(f, m))?;
                Ok(case)
            }
            QuestionFormat::MedQa | QuestionFormat::MedMcqa | QuestionFormat::MedAgents => {
                question_case(&r.value, i, format, prefix).map_err(|(f, m)| p(f, m))
            }
            QuestionFormat::AgentClinicOsce | QuestionFormat::AgentClinicNejm => {
                let kind = if format == QuestionFormat::AgentClinicOsce {
                    super::agentclinic::Kind::Osce
                } else {
                    super::agentclinic::Kind::Nejm
                };
                super::agentclinic::case(kind, r, i + 1, prefix).map_err(|(f, m)| p(&f, m))
            }
        }
    }) {
        match result {
            Ok(c) => cases.push(c),
            Err(p) => problems.push(p),
        }
    }
    if problems.is_empty() {
        Ok(cases)
    } else {
        Err(problems)
    }
}

type FieldError = (&'static str, String);

fn validate_imported(case: &Case) -> Result<(), FieldError> {
    if !super::case_toml::valid_id(case.id.as_str()) {
        return Err(("id", format!("invalid id {:?}", case.id.as_str())));
    }
    if case.question.trim().is_empty() {
        return Err(("question", "must not be empty".into()));
    }
    if let Task::Mcq { options, answer } = &case.task
        && !options.contains_key(answer)
    {
        return Err((
            "task.answer",
            format!("{answer:?} is not one of the options"),
        ));
    }
    Ok(())
}

fn question_case(
    v: &Value,
    index: usize,
    format: QuestionFormat,
    prefix: &str,
) -> Result<Case, FieldError> {
    let question = v
        .get("question")
        .and_then(Value::as_str)
        .filter(|q| !q.trim().is_empty())
        .ok_or(("question", "missing or not a non-empty string".to_string()))?;

    let (options, answer) = if v.get("opa").is_some() {
        native_medmcqa(v)?
    } else {
        // MedAgentsBench's chain-of-thought files write the options as a Python dict in a string.
        let decoded = v.get("options").map(super::pyrepr::decode);
        let opts = decoded.as_ref().and_then(Value::as_object).ok_or((
            "options",
            "missing or not an object of letter: text".to_string(),
        ))?;
        let mut options = BTreeMap::new();
        for (k, t) in opts {
            let letter = k.trim().to_ascii_uppercase();
            if letter.len() != 1 || !letter.chars().all(|c| c.is_ascii_uppercase()) {
                return Err(("options", format!("option key {k:?} is not a letter")));
            }
            let text = match t {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                _ => return Err(("options", format!("option {k} is not text"))),
            };
            options.insert(letter, text);
        }
        let answer = text_field(v, "answer_idx")
            .ok_or(("answer_idx", "missing or not a letter".to_string()))?
            .trim()
            .to_ascii_uppercase();
        (options, answer)
    };
    if options.len() < 2 {
        return Err(("options", "needs at least 2 options".into()));
    }
    if !options.contains_key(&answer) {
        return Err((
            "answer_idx",
            format!(
                "{answer:?} is not one of the options ({})",
                options.keys().cloned().collect::<Vec<_>>().join(", ")
            ),
        ));
    }

    let raw_id = text_field(v, "realidx")
        .or_else(|| text_field(v, "id"))
        // Not the file name: trace files are often named after their model.
        .unwrap_or_else(|| format!("{}", index + 1));
    let raw_id = raw_id.trim().to_string();
    if raw_id.is_empty() {
        return Err(("realidx", "empty id".into()));
    }
    let id = if raw_id.contains(':') {
        raw_id
    } else {
        format!("{prefix}:{raw_id}")
    };
    if !super::case_toml::valid_id(&id) {
        return Err((
            "realidx",
            format!("id {id:?} has characters outside a-z, 0-9, '.', '_', ':', '-'"),
        ));
    }
    let (vignette, q) = split_question(question);
    // The source names the dataset, never the file: a trace file's name often
    // carries the model's name, and the case reaches the blinded review screen.
    let dataset = match prefix {
        "pubmedqa" => "PubMedQA",
        "medbullets" => "MedBullets",
        "medmcqa" => "MedMCQA",
        "medqa" => "MedQA",
        other => other,
    };
    let mut source = match format {
        QuestionFormat::MedAgents => {
            format!("{dataset} (questions of a MedAgentsBench output file)")
        }
        _ => dataset.to_string(),
    };
    for key in ["meta_info", "subject_name"] {
        if let Some(m) = v.get(key).and_then(Value::as_str) {
            source.push_str(&format!("; {key}={m}"));
        }
    }
    Ok(Case {
        title: title_of(&q),
        id: CaseId(id),
        specialty: Specialty::Other,
        incidence: None,
        vignette,
        question: q,
        task: Task::Mcq { options, answer },
        red_flags: Vec::new(),
        must_not_miss: Vec::new(),
        priority: Vec::new(),
        source,
        licence: "see source dataset".into(),
        must_not_miss_synonyms: Default::default(),
        aliases: Vec::new(),
        stage: Default::default(),
        variant_of: None,
    })
}

fn native_medmcqa(v: &Value) -> Result<(BTreeMap<String, String>, String), FieldError> {
    let mut options = BTreeMap::new();
    for (key, letter) in [("opa", "A"), ("opb", "B"), ("opc", "C"), ("opd", "D")] {
        let text = text_field(v, key).ok_or(("opa", format!("missing option {key}")))?;
        options.insert(letter.to_string(), text);
    }
    let cop = v
        .get("cop")
        .and_then(|c| {
            c.as_u64()
                .or_else(|| c.as_str().and_then(|s| s.trim().parse().ok()))
        })
        .ok_or(("cop", "missing or not a number 1-4".to_string()))?;
    let letter = match cop {
        1 => "A",
        2 => "B",
        3 => "C",
        4 => "D",
        other => {
            return Err((
                "cop",
                format!("{other} is not 1-4 (1-based correct option)"),
            ));
        }
    };
    Ok((options, letter.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::records::read_records;

    #[test]
    fn medqa_line_gets_a_prefixed_id_and_split_question() {
        let line = r#"{"realidx": 300, "question": "A boy has a limp. Which nerve is injured?", "options": {"A": "x", "B": "y"}, "answer_idx": "B", "meta_info": "step1"}"#;
        let recs = read_records(Path::new("q.jsonl"), line).unwrap();
        let cases = cases_from_records(Path::new("q.jsonl"), &recs, QuestionFormat::MedQa, "medqa")
            .unwrap();
        assert_eq!(cases[0].id.as_str(), "medqa:300");
        assert_eq!(cases[0].question, "Which nerve is injured?");
        assert_eq!(cases[0].vignette, "A boy has a limp.");
    }

    #[test]
    fn native_medmcqa_uses_one_based_cop() {
        let line = r#"{"id": "abc-1", "question": "Q?", "opa": "a", "opb": "b", "opc": "c", "opd": "d", "cop": 3, "subject_name": "Anatomy"}"#;
        let recs = read_records(Path::new("m.jsonl"), line).unwrap();
        let cases = cases_from_records(
            Path::new("m.jsonl"),
            &recs,
            QuestionFormat::MedMcqa,
            "medmcqa",
        )
        .unwrap();
        assert_eq!(
            cases[0].task,
            Task::Mcq {
                options: [("A", "a"), ("B", "b"), ("C", "c"), ("D", "d")]
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
                answer: "C".into()
            }
        );
        assert_eq!(cases[0].id.as_str(), "medmcqa:abc-1");
    }

    #[test]
    fn bad_answer_names_line_and_field() {
        let text = "{\"question\":\"Q?\",\"options\":{\"A\":\"a\",\"B\":\"b\"},\"answer_idx\":\"A\",\"realidx\":1}\n{\"question\":\"Q?\",\"options\":{\"A\":\"a\"},\"answer_idx\":\"E\",\"realidx\":2}\n";
        let recs = read_records(Path::new("q.jsonl"), text).unwrap();
        let e = cases_from_records(Path::new("q.jsonl"), &recs, QuestionFormat::MedQa, "medqa")
            .unwrap_err();
        assert_eq!(e[0].line, 2);
    }
}

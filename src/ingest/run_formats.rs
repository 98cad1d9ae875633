//! Model-output files: blindstep run JSONL, MedAgentsBench output arrays,
//! MedR-Bench outputs and OpenAI chat-completion objects. Pure: records in,
//! raw runs (not yet joined to cases) out.

pub use super::formats::RunFormat;
use super::problem::Problem;
use super::records::{Record, text_field};
use crate::domain::{Provenance, SamplingParams};
use serde_json::Value;
use std::path::Path;

/// One record of a model-output file, before it is joined to a case.
#[derive(Debug, Clone, PartialEq)]
pub struct RawRun {
    pub line: usize,
    /// The id the record names its case by, if any.
    pub case_key: Option<String>,
    /// The question text, for joining by identical text.
    pub question: Option<String>,
    /// The model name the record itself carries, if any.
    pub source_model: Option<String>,
    pub output: String,
    pub reasoning: Option<String>,
    pub provenance: Provenance,
}

/// Every record's run, or every problem (one per failing record).
pub fn parse_runs(
    file: &Path,
    records: &[Record],
    format: RunFormat,
) -> Result<Vec<RawRun>, super::Problems> {
    let format = match format {
        RunFormat::Auto => {
            super::detect::run_format(file, records).map_err(|p| super::Problems(vec![p]))?
        }
        f => f,
    };
    let mut runs = Vec::with_capacity(records.len());
    let mut problems = Vec::new();
    for result in records.iter().map(|r| {
        let p = |field: &str, message: String| Problem {
            file: file.to_path_buf(),
            line: r.line,
            field: field.to_string(),
            message,
        };
        if !r.value.is_object() {
            return Err(p("", "expected a JSON object".into()));
        }
        let mut run = match format {
            RunFormat::Jsonl | RunFormat::Auto => jsonl(&r.value),
            RunFormat::Medagents => medagents(&r.value),
            RunFormat::Medrbench => medrbench(&r.value),
            RunFormat::Openai => openai(&r.value),
        }
        .map_err(|(f, m)| p(f, m))?;
        run.line = r.line;
        run.provenance.origin = format!("import:{}", name(format));
        run.provenance.source_file = Some(file.display().to_string());
        Ok(run)
    }) {
        match result {
            Ok(r) => runs.push(r),
            Err(p) => problems.push(p),
        }
    }
    if problems.is_empty() {
        Ok(runs)
    } else {
        Err(super::Problems(problems))
    }
}

fn name(f: RunFormat) -> &'static str {
    match f {
        RunFormat::Auto | RunFormat::Jsonl => "jsonl",
        RunFormat::Medagents => "medagents",
        RunFormat::Medrbench => "medrbench",
        RunFormat::Openai => "openai",
    }
}

type FieldError = (&'static str, String);

fn non_empty(s: Option<String>) -> Option<String> {
    s.filter(|t| !t.trim().is_empty())
}

fn jsonl(v: &Value) -> Result<RawRun, FieldError> {
    let case_key = text_field(v, "case_id").ok_or(("case_id", "missing".to_string()))?;
    let output = ["output", "response", "completion", "content"]
        .iter()
        .find_map(|k| v.get(*k).and_then(Value::as_str).map(str::to_string))
        .ok_or((
            "output",
            "missing: the text must be under output, response, completion or content".to_string(),
        ))?;
    let reasoning = non_empty(
        ["reasoning", "reasoning_content"]
            .iter()
            .find_map(|k| v.get(*k).and_then(Value::as_str).map(str::to_string)),
    );
    let mut provenance = Provenance::default();
    if let Some(params) = v.get("params") {
        if !params.is_object() {
            return Err(("params", "expected an object".into()));
        }
        provenance.sampling = sampling(params);
    }
    let mut extra = serde_json::Map::new();
    for k in ["answer", "differential", "params", "usage"] {
        if let Some(x) = v.get(k) {
            extra.insert(k.to_string(), x.clone());
        }
    }
    provenance.extra = Value::Object(extra);
    if let Some(u) = v.get("usage") {
        usage(u, &mut provenance);
    }
    Ok(RawRun {
        line: 0,
        case_key: Some(case_key),
        question: v
            .get("question")
            .and_then(Value::as_str)
            .map(str::to_string),
        source_model: text_field(v, "model"),
        output,
        reasoning,
        provenance,
    })
}

fn sampling(params: &Value) -> SamplingParams {
    let f = |k: &str| params.get(k).and_then(Value::as_f64);
    let u = |k: &str| params.get(k).and_then(Value::as_u64);
    SamplingParams {
        temperature: f("temperature"),
        top_p: f("top_p"),
        top_k: u("top_k"),
        repeat_penalty: f("repeat_penalty"),
        max_tokens: u("max_tokens"),
        seed: u("seed"),
    }
}

fn usage(u: &Value, p: &mut Provenance) {
    p.prompt_tokens = u.get("prompt_tokens").and_then(Value::as_u64);
    p.completion_tokens = u.get("completion_tokens").and_then(Value::as_u64);
}

fn medagents(v: &Value) -> Result<RawRun, FieldError> {
    let case_key = text_field(v, "realidx").ok_or(("realidx", "missing".to_string()))?;
    // Zero-shot files put the whole output under `completion`; the chain-of-thought files put
    // the chain under `raw_response` and a short summary of it under `thinking`. The chain is
    // the output; the summary is not reasoning the model wrote on the way (it is written
    // after, about the chain), so it is kept in the provenance only, never stripped or shown.
    let output = match (v.get("completion"), v.get("raw_response")) {
        (Some(Value::String(s)), _) => s.clone(),
        (_, Some(Value::String(s))) => s.clone(),
        (None, None) => {
            return Err((
                "completion",
                "missing (neither `completion` nor `raw_response`)".to_string(),
            ));
        }
        _ => return Err(("completion", "not text".to_string())),
    };
    let mut provenance = Provenance::default();
    if let Some(u) = v.get("token_usage") {
        // The chain-of-thought files write it as a Python dict in a string.
        usage(&super::pyrepr::decode(u), &mut provenance);
    }
    provenance.elapsed_ms = v
        .get("time_elapsed")
        .and_then(|t| {
            t.as_f64()
                .or_else(|| t.as_str().and_then(|s| s.trim().parse::<f64>().ok()))
        })
        .map(|s| s * 1000.0);
    let mut extra = serde_json::Map::new();
    for k in [
        "predicted_answer",
        "token_usage",
        "time_elapsed",
        "thinking",
    ] {
        if let Some(x) = v.get(k) {
            extra.insert(k.to_string(), super::pyrepr::decode(x));
        }
    }
    provenance.extra = Value::Object(extra);
    Ok(RawRun {
        line: 0,
        case_key: Some(case_key),
        question: v
            .get("question")
            .and_then(Value::as_str)
            .map(str::to_string),
        source_model: None,
        output,
        reasoning: None,
        provenance,
    })
}

fn medrbench(v: &Value) -> Result<RawRun, FieldError> {
    let case_key = text_field(v, "id").ok_or(("id", "missing".to_string()))?;
    let out = v.get("output").ok_or(("output", "missing".to_string()))?;
    let (output, reasoning) = match out {
        Value::String(s) => (s.clone(), None),
        Value::Object(_) => (
            out.get("content")
                .and_then(Value::as_str)
                .ok_or(("output.content", "missing or not text".to_string()))?
                .to_string(),
            non_empty(
                out.get("thinking_process")
                    .and_then(Value::as_str)
                    .map(str::to_string),
            ),
        ),
        _ => return Err(("output", "expected text or an object".into())),
    };
    Ok(RawRun {
        line: 0,
        case_key: Some(case_key),
        question: None,
        source_model: text_field(v, "model"),
        output,
        reasoning,
        provenance: Provenance::default(),
    })
}

fn openai(v: &Value) -> Result<RawRun, FieldError> {
    let body = v.pointer("/response/body").unwrap_or(v);
    let message = body
        .pointer("/choices/0/message")
        .ok_or(("choices", "missing choices[0].message".to_string()))?;
    let output = message
        .get("content")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let reasoning = non_empty(
        message
            .get("reasoning_content")
            .or_else(|| message.get("reasoning"))
            .and_then(Value::as_str)
            .map(str::to_string),
    );
    if output.trim().is_empty() && reasoning.is_none() {
        return Err(("choices[0].message.content", "empty".into()));
    }
    let case_key = text_field(v, "case_id").or_else(|| text_field(v, "custom_id"));
    let mut provenance = Provenance::default();
    if let Some(u) = body.get("usage") {
        usage(u, &mut provenance);
    }
    provenance.extra = serde_json::json!({ "id": body.get("id"), "model": body.get("model") });
    Ok(RawRun {
        line: 0,
        case_key,
        question: None,
        source_model: text_field(body, "model"),
        output,
        reasoning,
        provenance,
    })
}

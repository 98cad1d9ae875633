//! Case import speed: a MedQA-sized file (1,273 questions) in the MedQA JSONL
//! schema, parsed and imported into a fresh database file in one transaction.

use crate::ingest::{CaseFormat, load_cases};
use crate::storage::{ImportMode, Store};
use anyhow::Context;
use std::time::Instant;

pub struct ImportFigures {
    pub questions: usize,
    pub bytes: usize,
    pub parse_s: f64,
    pub import_s: f64,
}

/// Build `n` MedQA records from `template` lines (or a synthetic one) and import them.
pub fn run(n: usize, template: Option<&str>) -> anyhow::Result<ImportFigures> {
    let lines: Vec<serde_json::Value> = match template {
        Some(t) => t
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(serde_json::from_str)
            .collect::<Result<_, _>>()?,
        None => vec![serde_json::json!({
            "question": "A 45-year-old man has sudden chest pain radiating to the back with a blood pressure difference between arms. Which of the following is the most likely diagnosis?",
            "options": {"A": "Aortic dissection", "B": "Myocardial infarction", "C": "Pericarditis", "D": "Pneumothorax", "E": "Oesophageal spasm"},
            "answer_idx": "A", "answer": "Aortic dissection", "meta_info": "step2&3"
        })],
    };
    anyhow::ensure!(!lines.is_empty(), "no template records");
    let mut text = String::new();
    for i in 0..n {
        let mut v = lines[i % lines.len()].clone();
        if let Some(o) = v.as_object_mut() {
            o.insert("realidx".into(), serde_json::json!(100_000 + i));
            if let Some(q) = o
                .get("question")
                .and_then(|q| q.as_str())
                .map(|q| format!("{q} (variant {i})"))
            {
                o.insert("question".into(), serde_json::json!(q));
            }
        }
        text.push_str(&serde_json::to_string(&v)?);
        text.push('\n');
    }
    let dir = tempfile::tempdir().context("temp dir")?;
    let file = dir.path().join("medqa_test_1273.jsonl");
    std::fs::write(&file, &text)?;
    let t = Instant::now();
    let cases = load_cases(std::slice::from_ref(&file), CaseFormat::Medqa, None)
        .map_err(|p| anyhow::anyhow!("{}", crate::ingest::Problems(p)))?;
    let parse_s = t.elapsed().as_secs_f64();
    let mut store = Store::open(&dir.path().join("import.db"))?;
    let t = Instant::now();
    store.import_cases(&cases, ImportMode::Refuse)?;
    let import_s = t.elapsed().as_secs_f64();
    Ok(ImportFigures {
        questions: cases.len(),
        bytes: text.len(),
        parse_s,
        import_s,
    })
}

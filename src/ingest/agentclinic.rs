//! AgentClinic cases (SamuelSchmidgall/AgentClinic, MIT): the OSCE-style JSONL files
//! (`agentclinic_medqa.jsonl`, `agentclinic_mimiciv.jsonl`: one `OSCE_Examination` object per
//! line with the patient actor, examination findings, test results and the correct
//! diagnosis) and the NEJM Image Challenge files (`agentclinic_nejm.jsonl`: `question`,
//! `answers` with one `correct`, `image_url`). Pure: records in, cases out.
//!
//! OSCE cases become differential tasks whose vignette lists every finding as an indented
//! outline (never JSON); NEJM cases become MCQs whose vignette says plainly that the image is
//! not shown.

use super::records::Record;
use crate::domain::{Case, CaseId, Specialty, Task};
use serde_json::Value;
use std::collections::BTreeMap;

type FieldError = (String, String);

/// Which AgentClinic file a record is from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Osce,
    Nejm,
}

/// What a record lacks to be this kind (`None`: it fits).
pub fn missing(kind: Kind, v: &Value) -> Option<String> {
    match kind {
        Kind::Osce => match v.get("OSCE_Examination") {
            Some(o) if o.is_object() => None,
            Some(_) => Some("`OSCE_Examination` is not an object".into()),
            None => Some("no `OSCE_Examination`".into()),
        },
        Kind::Nejm => {
            if v.get("question").is_none() {
                Some("no `question`".into())
            } else if !v.get("answers").is_some_and(Value::is_array) {
                Some("no `answers` list".into())
            } else {
                None
            }
        }
    }
}

/// One record as a case. `prefix` names the file's dataset (`agentclinic-medqa`); the
/// record's position (1-based) makes the id, as the files carry none.
pub fn case(kind: Kind, r: &Record, position: usize, prefix: &str) -> Result<Case, FieldError> {
    let id = format!("{prefix}:{position}");
    match kind {
        Kind::Osce => osce(&r.value, id, prefix),
        Kind::Nejm => nejm(&r.value, id),
    }
}

fn osce(v: &Value, id: String, prefix: &str) -> Result<Case, FieldError> {
    let o = v
        .get("OSCE_Examination")
        .and_then(Value::as_object)
        .ok_or(("OSCE_Examination".to_string(), "missing".to_string()))?;
    let diagnosis = o
        .get("Correct_Diagnosis")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .ok_or((
            "OSCE_Examination.Correct_Diagnosis".to_string(),
            "missing or empty".to_string(),
        ))?
        .to_string();
    let mut sections = Vec::new();
    let mut demographics = String::new();
    let mut complaint = String::new();
    for (key, value) in in_clinical_order(o) {
        if key == "Correct_Diagnosis" || key == "Objective_for_Doctor" {
            continue;
        }
        if key == "Patient_Actor"
            && let Some(p) = value.as_object()
        {
            demographics = p
                .get("Demographics")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .trim()
                .to_string();
            complaint = p
                .get("Symptoms")
                .and_then(|s| s.get("Primary_Symptom"))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .trim()
                .to_string();
            // The patient's own account first, without a heading of its own.
            let mut text = String::new();
            for (k, val) in in_clinical_order(p) {
                let label = if k == "Demographics" {
                    "Patient".to_string()
                } else {
                    label(k)
                };
                outline_entry(&mut text, &label, val, 0);
            }
            sections.push(text);
            continue;
        }
        let mut text = String::new();
        outline_entry(&mut text, &label(key), value, 0);
        sections.push(text);
    }
    let vignette = sections
        .iter()
        .map(|s| s.trim_end())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n");
    if vignette.is_empty() {
        return Err((
            "OSCE_Examination".into(),
            "no findings besides the diagnosis".into(),
        ));
    }
    let title = match (demographics.is_empty(), complaint.is_empty()) {
        (false, false) => format!("{demographics}: {}", lower_first(&complaint)),
        (false, true) => demographics.clone(),
        (true, false) => complaint.clone(),
        (true, true) => id.clone(),
    };
    let dataset = match prefix.strip_prefix("agentclinic-") {
        Some("mimiciv") => "MIMIC-IV",
        Some("medqa") => "MedQA",
        _ => "OSCE",
    };
    Ok(Case {
        id: CaseId(id),
        title: clip(&title, 60),
        specialty: Specialty::Other,
        incidence: None,
        vignette,
        question: "What is the most likely diagnosis?".into(),
        task: Task::Differential {
            diagnosis,
            synonyms: Vec::new(),
        },
        red_flags: Vec::new(),
        must_not_miss: Vec::new(),
        priority: Vec::new(),
        source: format!("AgentClinic ({dataset} OSCE case)"),
        licence: "MIT (AgentClinic); see the source dataset".into(),
        aliases: Vec::new(),
        must_not_miss_synonyms: Default::default(),
        stage: Default::default(),
        variant_of: None,
    })
}

/// The NEJM Image Challenge's note in every such case: the image is not shown.
pub const IMAGE_NOT_SHOWN: &str = "[Image not shown. This NEJM Image Challenge case comes with an image that blindstep does not display; the text below is all the model and the reviewer see.]";

fn nejm(v: &Value, id: String) -> Result<Case, FieldError> {
    let question = v
        .get("question")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .ok_or(("question".to_string(), "missing or empty".to_string()))?;
    let answers = v
        .get("answers")
        .and_then(Value::as_array)
        .ok_or(("answers".to_string(), "missing or not a list".to_string()))?;
    if answers.len() < 2 {
        return Err(("answers".into(), "needs at least 2 answers".into()));
    }
    if answers.len() > 26 {
        return Err(("answers".into(), "more than 26 answers".into()));
    }
    let mut options = BTreeMap::new();
    let mut gold = Vec::new();
    for (i, a) in answers.iter().enumerate() {
        let letter = char::from(b'A' + i as u8).to_string();
        let text = a
            .get("text")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or((format!("answers[{i}].text"), "missing or empty".to_string()))?;
        if a.get("correct").and_then(Value::as_bool) == Some(true) {
            gold.push(letter.clone());
        }
        options.insert(letter, text.to_string());
    }
    let answer = match gold.as_slice() {
        [one] => one.clone(),
        [] => return Err(("answers".into(), "no answer has \"correct\": true".into())),
        _ => {
            return Err((
                "answers".into(),
                format!("{} answers are marked correct; expected one", gold.len()),
            ));
        }
    };
    let (body, ask) = super::question_text::split_question(question);
    let vignette = if body.is_empty() {
        IMAGE_NOT_SHOWN.to_string()
    } else {
        format!("{IMAGE_NOT_SHOWN}\n\n{body}")
    };
    let mut source = "AgentClinic (NEJM Image Challenge; image not shown)".to_string();
    if let Some(url) = v.get("image_url").and_then(Value::as_str) {
        source.push_str(&format!("; image: {url}"));
    }
    Ok(Case {
        title: clip(&first_sentence(&body).unwrap_or_else(|| ask.clone()), 60),
        id: CaseId(id),
        specialty: Specialty::Other,
        incidence: None,
        vignette,
        question: ask,
        task: Task::Mcq { options, answer },
        red_flags: Vec::new(),
        must_not_miss: Vec::new(),
        priority: Vec::new(),
        source,
        licence: "MIT (AgentClinic); see NEJM for the case text".into(),
        aliases: Vec::new(),
        must_not_miss_synonyms: Default::default(),
        stage: Default::default(),
        variant_of: None,
    })
}

/// The order findings are listed in: the usual order of a clinical presentation for the keys
/// AgentClinic uses, then the rest alphabetically (JSON objects are read without their order).
const CLINICAL_ORDER: &[&str] = &[
    "Demographics",
    "History",
    "Symptoms",
    "Primary_Symptom",
    "Secondary_Symptoms",
    "Past_Medical_History",
    "Social_History",
    "Review_of_Systems",
    "Patient_Actor",
    "Physical_Examination_Findings",
    "Test_Results",
    "Vital_Signs",
    "Temperature",
    "Blood_Pressure",
    "Heart_Rate",
    "Respiratory_Rate",
    "Oxygen_Saturation",
    "Findings",
];

/// A map's entries in [`CLINICAL_ORDER`].
pub fn in_clinical_order(map: &serde_json::Map<String, Value>) -> Vec<(&String, &Value)> {
    let rank = |k: &str| {
        CLINICAL_ORDER
            .iter()
            .position(|o| *o == k)
            .unwrap_or(CLINICAL_ORDER.len())
    };
    let mut entries: Vec<(&String, &Value)> = map.iter().collect();
    entries.sort_by(|a, b| rank(a.0).cmp(&rank(b.0)).then(a.0.cmp(b.0)));
    entries
}

/// Render `value` under `label` as an indented outline: `Label: text` for a scalar,
/// `Label:` then one deeper level per object entry, `- item` per list item.
pub fn outline_entry(out: &mut String, label: &str, value: &Value, depth: usize) {
    let pad = "  ".repeat(depth);
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push_str(&format!("{pad}{label}:\n"));
            for (k, v) in in_clinical_order(map) {
                outline_entry(out, &self::label(k), v, depth + 1);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            if items.iter().all(is_scalar) {
                out.push_str(&format!("{pad}{label}:\n"));
                for it in items {
                    out.push_str(&format!("{pad}  - {}\n", scalar(it)));
                }
            } else {
                out.push_str(&format!("{pad}{label}:\n"));
                for (i, it) in items.iter().enumerate() {
                    outline_entry(out, &format!("{}", i + 1), it, depth + 1);
                }
            }
        }
        Value::Object(_) | Value::Array(_) | Value::Null => {}
        other => {
            let text = scalar(other);
            if !text.trim().is_empty() {
                out.push_str(&format!("{pad}{label}: {}\n", text.trim()));
            }
        }
    }
}

/// A whole JSON value as an outline (for mapping templates: `{{ record.x | outline }}`).
pub fn outline(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(map) => {
            for (k, v) in in_clinical_order(map) {
                outline_entry(&mut out, &label(k), v, 0);
            }
        }
        Value::Array(items) => {
            for (i, it) in items.iter().enumerate() {
                outline_entry(&mut out, &format!("{}", i + 1), it, 0);
            }
        }
        other => out.push_str(&scalar(other)),
    }
    out.trim_end().to_string()
}

fn is_scalar(v: &Value) -> bool {
    !(v.is_object() || v.is_array())
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// `Past_Medical_History` → `Past medical history`; `Chest_CT` → `Chest CT`.
pub fn label(key: &str) -> String {
    let words: Vec<String> = key
        .split(['_', ' '])
        .filter(|w| !w.is_empty())
        .enumerate()
        .map(|(i, w)| {
            let acronym = w.chars().filter(|c| c.is_alphabetic()).count() > 1
                && w.chars().all(|c| !c.is_lowercase());
            // `pH`, `HbA1c`: a capital after the first letter is meant; keep the word.
            let mixed =
                w.chars().skip(1).any(char::is_uppercase) && w.chars().any(char::is_lowercase);
            if acronym || mixed {
                w.to_string()
            } else if i == 0 {
                let lower = w.to_lowercase();
                let mut c = lower.chars();
                c.next()
                    .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                    .unwrap_or_default()
            } else {
                w.to_lowercase()
            }
        })
        .collect();
    words.join(" ")
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match (c.next(), c.clone().next()) {
        // Keep "CT findings" or "HIV" as they are.
        (Some(f), Some(n)) if f.is_uppercase() && !n.is_uppercase() => {
            f.to_lowercase().collect::<String>() + c.as_str()
        }
        _ => s.to_string(),
    }
}

fn first_sentence(text: &str) -> Option<String> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    let end = t.find(". ").map(|i| i + 1).unwrap_or(t.len());
    Some(t[..end].to_string())
}

fn clip(s: &str, n: usize) -> String {
    let s: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() <= n {
        s
    } else {
        let mut out: String = s.chars().take(n - 1).collect();
        out.push('…');
        out
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn labels_read_like_headings() {
        assert_eq!(label("Past_Medical_History"), "Past medical history");
        assert_eq!(label("Chest_CT"), "Chest CT");
        assert_eq!(label("X-Ray_Knee"), "X-Ray knee");
        assert_eq!(label("pH_Urine"), "pH urine");
        assert_eq!(label("BMI_(kg/m2)"), "BMI (kg/m2)");
        assert_eq!(label("r/o_beta_strep_group_a"), "R/o beta strep group a");
        assert_eq!(label("TORCH_Screen"), "TORCH screen");
    }

    #[test]
    fn outline_indents_nested_objects_and_lists() {
        let v = json!({"Vital_Signs": {"Heart_Rate": "72 bpm"}, "Signs": ["a", "b"], "Empty": ""});
        assert_eq!(
            outline(&v),
            "Vital signs:\n  Heart rate: 72 bpm\nSigns:\n  - a\n  - b"
        );
    }
}

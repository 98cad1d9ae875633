//! How a mapping reads each field of a record: pointers and templates to values, values to
//! text, lists, options, and the case or run they make.

use super::{CaseMap, Mapping, RunMap, Spec, spec};
use crate::domain::{Case, CaseId, Incidence, Provenance, Specialty, Task};
use crate::ingest::records::Record;
use crate::ingest::run_formats::RawRun;
use serde_json::Value;
use std::collections::BTreeMap;

impl Mapping {
    /// The value of one field: `Ok(None)` when the spec is absent, the pointer finds
    /// nothing (or null), or the template renders blank.
    fn value(
        &self,
        section: &str,
        field: &str,
        text: Option<&str>,
        r: &Record,
    ) -> Result<Option<Value>, String> {
        let Some(text) = text else {
            return Ok(None);
        };
        match spec(section, field, text) {
            Spec::Pointer(p) => Ok(r.value.pointer(p).filter(|v| !v.is_null()).cloned()),
            Spec::Template(name) => {
                let t = self
                    .env
                    .get_template(&name)
                    .map_err(|e| format!("template: {e}"))?;
                let rec = minijinja::Value::from(minijinja::value::Serde(&r.value));
                let rendered = t
                    .render(minijinja::context! { record => rec.clone(), ..rec })
                    .map_err(|e| format!("template {text:?}: {e}"))?;
                let rendered = rendered.trim();
                Ok((!rendered.is_empty()).then(|| Value::String(rendered.to_string())))
            }
        }
    }

    fn text(
        &self,
        section: &str,
        field: &str,
        spec_text: Option<&str>,
        r: &Record,
    ) -> Result<Option<String>, (String, String)> {
        let at = format!("{section}.{field}");
        match self
            .value(section, field, spec_text, r)
            .map_err(|m| (at.clone(), m))?
        {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.trim().to_string()).filter(|s| !s.is_empty())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(Value::Bool(b)) => Ok(Some(b.to_string())),
            Some(other) => Err((
                at,
                format!(
                    "{} is {}, not text; use a template such as \"{{{{ x | outline }}}}\"",
                    spec_text.unwrap_or_default(),
                    if other.is_array() {
                        "a list"
                    } else {
                        "an object"
                    }
                ),
            )),
        }
    }

    fn required(
        &self,
        section: &str,
        field: &str,
        spec_text: &str,
        r: &Record,
    ) -> Result<String, (String, String)> {
        self.text(section, field, Some(spec_text), r)?
            .ok_or_else(|| {
                (
                    format!("{section}.{field}"),
                    format!("{spec_text:?} gives nothing for this record"),
                )
            })
    }

    fn list(
        &self,
        field: &str,
        spec_text: Option<&str>,
        r: &Record,
    ) -> Result<Vec<String>, (String, String)> {
        let at = format!("case.{field}");
        let v = self
            .value("case", field, spec_text, r)
            .map_err(|m| (at.clone(), m))?;
        match v.map(|v| crate::ingest::pyrepr::decode(&v)) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .filter_map(|(i, it)| match it {
                    Value::String(s) if s.trim().is_empty() => None,
                    Value::String(s) => Some(Ok(s.trim().to_string())),
                    Value::Number(n) => Some(Ok(n.to_string())),
                    _ => Some(Err((format!("{at}[{i}]"), "expected text".to_string()))),
                })
                .collect(),
            Some(Value::String(s)) => Ok(s
                .split(['\n', ';'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()),
            Some(_) => Err((at, "expected a list of texts".into())),
        }
    }

    pub(super) fn case(&self, m: &CaseMap, r: &Record) -> Result<Case, (String, String)> {
        let id = self.required("case", "id", &m.id, r)?;
        if !crate::ingest::case_toml::valid_id(&id) {
            return Err((
                "case.id".into(),
                format!("{id:?} has characters outside a-z, 0-9, '.', '_', ':', '-'"),
            ));
        }
        let question = self.required("case", "question", &m.question, r)?;
        let vignette = self
            .text("case", "vignette", m.vignette.as_deref(), r)?
            .unwrap_or_default();
        let specialty = match self.text("case", "specialty", m.specialty.as_deref(), r)? {
            None => Specialty::Other,
            Some(s) => s
                .parse::<Specialty>()
                .map_err(|e| ("case.specialty".to_string(), e.to_string()))?,
        };
        let incidence = match self.text("case", "incidence", m.incidence.as_deref(), r)? {
            None => None,
            Some(s) => Some(
                s.parse::<Incidence>()
                    .map_err(|e| ("case.incidence".to_string(), e.to_string()))?,
            ),
        };
        let kind = self.required("case", "task", &m.task, r)?;
        let need = |field: &str, spec_text: &Option<String>| -> Result<String, (String, String)> {
            let s = spec_text.as_deref().ok_or((
                format!("case.{field}"),
                format!("the mapping needs `{field}` for task = {kind:?}"),
            ))?;
            self.required("case", field, s, r)
        };
        let task = match kind.as_str() {
            "mcq" => {
                let options = self.options(m, r)?;
                let answer = need("answer", &m.answer)?;
                let letter = if options.contains_key(&answer.to_ascii_uppercase()) {
                    answer.to_ascii_uppercase()
                } else if let Some((l, _)) = options
                    .iter()
                    .find(|(_, t)| t.trim().eq_ignore_ascii_case(answer.trim()))
                {
                    l.clone()
                } else {
                    return Err((
                        "case.answer".into(),
                        format!(
                            "{answer:?} is not one of the options ({})",
                            options.keys().cloned().collect::<Vec<_>>().join(", ")
                        ),
                    ));
                };
                Task::Mcq {
                    options,
                    answer: letter,
                }
            }
            "differential" => Task::Differential {
                diagnosis: need("diagnosis", &m.diagnosis)?,
                synonyms: self.list("synonyms", m.synonyms.as_deref(), r)?,
            },
            "plan" => Task::Plan {
                plan: need("plan", &m.plan)?,
            },
            other => {
                return Err((
                    "case.task".into(),
                    format!("{other:?} is not mcq, differential or plan"),
                ));
            }
        };
        let title = match self.text("case", "title", m.title.as_deref(), r)? {
            Some(t) => clip_title(&t),
            None => crate::ingest::case_json::title_of(&question),
        };
        Ok(Case {
            id: CaseId(id),
            title,
            specialty,
            incidence,
            vignette,
            question,
            task,
            red_flags: Vec::new(),
            must_not_miss: self.list("must_not_miss", m.must_not_miss.as_deref(), r)?,
            priority: self.list("priority", m.priority.as_deref(), r)?,
            source: self
                .text("case", "source", m.source.as_deref(), r)?
                .unwrap_or_else(|| "imported with a mapping".into()),
            licence: self
                .text("case", "licence", m.licence.as_deref(), r)?
                .unwrap_or_else(|| "see source dataset".into()),
            aliases: self.list("aliases", m.aliases.as_deref(), r)?,
            must_not_miss_synonyms: Default::default(),
            stage: Default::default(),
            variant_of: None,
        })
    }

    fn options(
        &self,
        m: &CaseMap,
        r: &Record,
    ) -> Result<BTreeMap<String, String>, (String, String)> {
        let at = "case.options".to_string();
        let spec_text = m.options.as_deref().ok_or((
            at.clone(),
            "the mapping needs `options` for task = \"mcq\"".to_string(),
        ))?;
        let v = self
            .value("case", "options", Some(spec_text), r)
            .map_err(|e| (at.clone(), e))?
            .ok_or((
                at.clone(),
                format!("{spec_text:?} gives nothing for this record"),
            ))?;
        let mut out = BTreeMap::new();
        let text = |v: &Value| match v {
            Value::String(s) => Some(s.trim().to_string()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        };
        match crate::ingest::pyrepr::decode(&v) {
            Value::Object(map) => {
                for (k, v) in &map {
                    let letter = k.trim().to_ascii_uppercase();
                    let t = text(v).ok_or((at.clone(), format!("option {k} is not text")))?;
                    out.insert(letter, t);
                }
            }
            Value::Array(items) if items.len() <= 26 => {
                for (i, v) in items.iter().enumerate() {
                    let t = text(v)
                        .or_else(|| v.get("text").and_then(text))
                        .ok_or((format!("{at}[{i}]"), "not text".to_string()))?;
                    out.insert(char::from(b'A' + i as u8).to_string(), t);
                }
            }
            _ => {
                return Err((
                    at,
                    "expected an object of letter: text, or a list of texts".into(),
                ));
            }
        }
        if out.len() < 2 {
            return Err((at, "needs at least 2 options".into()));
        }
        Ok(out)
    }

    pub(super) fn run(&self, m: &RunMap, r: &Record) -> Result<RawRun, (String, String)> {
        let case_key = self.text("run", "case_id", m.case_id.as_deref(), r)?;
        let question = self.text("run", "question", m.question.as_deref(), r)?;
        if case_key.is_none() && question.is_none() {
            return Err((
                "run.case_id".into(),
                "the record names no case (map case_id, or question to join by text)".into(),
            ));
        }
        let output = self.required("run", "output", &m.output, r)?;
        let reasoning = self.text("run", "reasoning", m.reasoning.as_deref(), r)?;
        let provenance = Provenance {
            origin: "import:mapping".into(),
            ..Provenance::default()
        };
        Ok(RawRun {
            line: r.line,
            case_key,
            question,
            source_model: self.text("run", "model", m.model.as_deref(), r)?,
            output,
            reasoning,
            provenance,
        })
    }
}

/// One line of at most 80 characters.
fn clip_title(t: &str) -> String {
    let t: String = t.split_whitespace().collect::<Vec<_>>().join(" ");
    if t.chars().count() <= 80 {
        return t;
    }
    let mut out: String = t.chars().take(79).collect();
    out.push('…');
    out
}

//! Any JSON source through a mapping file (`cases import FILE --mapping MAP.toml`,
//! `runs import FILE --mapping MAP.toml`). A mapping is a small TOML file naming, for each
//! blindstep field, where its value comes from in a record:
//!
//! - a **JSON pointer** (`"/generate_case/case_summary"`): the value at that path;
//! - otherwise a **minijinja template** over the record (`"medrbench:{{ id }}"`): the
//!   record's keys are variables, `record` is the whole record, and `outline` renders nested
//!   objects as an indented outline (`{{ record.findings | outline }}`). A text without
//!   `{{` is a template that renders to itself: a constant.
//!
//! Problems name the file, the record (its line in JSONL, its index in a JSON array, its key
//! in a keyed object) and the field. Pure: text in, cases or runs out.

use super::problem::Problem;
use super::records::Record;
use super::run_formats::RawRun;
use crate::domain::{Case, CaseId, Incidence, Provenance, Specialty, Task};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A mapping file as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MappingFile {
    /// What the mapping is for (shown nowhere; for the reader).
    #[serde(default)]
    pub description: Option<String>,
    /// `records` (JSONL or a JSON array of objects, the default) or `keyed` (one JSON object
    /// whose values are the records; each record's key is `_key`).
    #[serde(default)]
    pub layout: Option<String>,
    #[serde(default)]
    pub case: Option<CaseMap>,
    #[serde(default)]
    pub run: Option<RunMap>,
}

/// Where each case field comes from.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseMap {
    pub id: String,
    pub title: Option<String>,
    pub specialty: Option<String>,
    pub incidence: Option<String>,
    pub vignette: Option<String>,
    pub question: String,
    /// `mcq`, `differential` or `plan` (a constant, or taken from the record).
    pub task: String,
    /// MCQ: an object of letter → text, or a list of texts (lettered A, B, …).
    pub options: Option<String>,
    /// MCQ: the gold letter (or the gold option's text).
    pub answer: Option<String>,
    /// Differential: the gold diagnosis.
    pub diagnosis: Option<String>,
    pub synonyms: Option<String>,
    /// Plan: the gold treatment plan.
    pub plan: Option<String>,
    pub source: Option<String>,
    pub licence: Option<String>,
    pub aliases: Option<String>,
    pub must_not_miss: Option<String>,
    pub priority: Option<String>,
}

/// Where each run field comes from.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunMap {
    /// The case the record answers (an id or alias, with or without the importer's prefix).
    pub case_id: Option<String>,
    /// The question text, to join by identical text when there is no id.
    pub question: Option<String>,
    /// The model name the record carries (for files with several models: `--only-model`).
    pub model: Option<String>,
    pub output: String,
    pub reasoning: Option<String>,
}

/// A loaded mapping, its templates compiled.
pub struct Mapping {
    pub path: PathBuf,
    pub file: MappingFile,
    env: minijinja::Environment<'static>,
}

impl std::fmt::Debug for Mapping {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mapping").field("path", &self.path).finish()
    }
}

/// How a field's spec reads the record.
enum Spec<'a> {
    Pointer(&'a str),
    Template(String),
}

fn spec<'a>(section: &str, field: &str, text: &'a str) -> Spec<'a> {
    if text.starts_with('/') {
        Spec::Pointer(text)
    } else {
        Spec::Template(format!("{section}.{field}"))
    }
}

impl Mapping {
    /// Read and compile a mapping file; problems name its line and field.
    pub fn load(path: &Path) -> Result<Mapping, Problem> {
        let text = std::fs::read_to_string(path).map_err(|e| Problem {
            file: path.to_path_buf(),
            line: 1,
            field: String::new(),
            message: format!("cannot read the mapping: {e}"),
        })?;
        Mapping::parse(path, &text)
    }

    pub fn parse(path: &Path, text: &str) -> Result<Mapping, Problem> {
        let problem = |line: usize, field: &str, message: String| Problem {
            file: path.to_path_buf(),
            line,
            field: field.to_string(),
            message,
        };
        let file: MappingFile = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| super::problem::line_of(text, s.start))
                .unwrap_or(1);
            problem(line, "", format!("not a mapping: {}", e.message().trim()))
        })?;
        match file.layout.as_deref() {
            None | Some("records") | Some("keyed") => {}
            Some(other) => {
                return Err(problem(
                    1,
                    "layout",
                    format!("{other:?} is not records or keyed"),
                ));
            }
        }
        if file.case.is_none() && file.run.is_none() {
            return Err(problem(
                1,
                "",
                "the mapping has neither a [case] nor a [run] table".into(),
            ));
        }
        let mut env = minijinja::Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Chainable);
        env.set_unknown_method_callback(minijinja_contrib::pycompat::unknown_method_callback);
        env.add_filter("outline", |v: minijinja::Value| {
            serde_json::to_value(&v)
                .map(|j| super::agentclinic::outline(&j))
                .map_err(|e| {
                    minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, e.to_string())
                })
        });
        for (section, fields) in [("case", case_fields(&file)), ("run", run_fields(&file))] {
            for (name, spec_text) in fields {
                if spec_text.starts_with('/') {
                    continue;
                }
                let line = line_of_key(text, section, name);
                env.add_template_owned(format!("{section}.{name}"), spec_text.to_string())
                    .map_err(|e| {
                        problem(line, &format!("{section}.{name}"), format!("template: {e}"))
                    })?;
            }
        }
        Ok(Mapping {
            path: path.to_path_buf(),
            file,
            env,
        })
    }

    /// Read `text` as this mapping's records (JSONL / array, or keyed).
    pub fn records(&self, file: &Path, text: &str) -> Result<Vec<Record>, Problem> {
        if self.file.layout.as_deref() == Some("keyed") {
            keyed_records(file, text)
        } else {
            super::records::read_records(file, text)
        }
    }

    /// Cases from `records`; every problem, one per record and field.
    pub fn cases(&self, file: &Path, records: &[Record]) -> Result<Vec<Case>, Vec<Problem>> {
        let Some(map) = &self.file.case else {
            return Err(vec![Problem {
                file: self.path.clone(),
                line: 1,
                field: "case".into(),
                message: "this mapping has no [case] table".into(),
            }]);
        };
        let mut out = Vec::new();
        let mut problems = Vec::new();
        for r in records {
            match self.case(map, r) {
                Ok(c) => out.push(c),
                Err((field, message)) => problems.push(record_problem(file, r, &field, message)),
            }
        }
        if problems.is_empty() {
            Ok(out)
        } else {
            Err(problems)
        }
    }

    /// Runs from `records`; every problem, one per record and field.
    pub fn runs(&self, file: &Path, records: &[Record]) -> Result<Vec<RawRun>, Vec<Problem>> {
        let Some(map) = &self.file.run else {
            return Err(vec![Problem {
                file: self.path.clone(),
                line: 1,
                field: "run".into(),
                message: "this mapping has no [run] table".into(),
            }]);
        };
        let mut out = Vec::new();
        let mut problems = Vec::new();
        for r in records {
            match self.run(map, r) {
                Ok(mut run) => {
                    run.line = r.line;
                    run.provenance.source_file = Some(file.display().to_string());
                    out.push(run);
                }
                Err((field, message)) => problems.push(record_problem(file, r, &field, message)),
            }
        }
        if problems.is_empty() {
            Ok(out)
        } else {
            Err(problems)
        }
    }

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
        match v.map(|v| super::pyrepr::decode(&v)) {
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

    fn case(&self, m: &CaseMap, r: &Record) -> Result<Case, (String, String)> {
        let id = self.required("case", "id", &m.id, r)?;
        if !super::case_toml::valid_id(&id) {
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
            None => super::case_json::title_of(&question),
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
        match super::pyrepr::decode(&v) {
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

    fn run(&self, m: &RunMap, r: &Record) -> Result<RawRun, (String, String)> {
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

fn case_fields(f: &MappingFile) -> Vec<(&'static str, &str)> {
    let Some(c) = &f.case else {
        return Vec::new();
    };
    let mut out = vec![
        ("id", c.id.as_str()),
        ("question", c.question.as_str()),
        ("task", c.task.as_str()),
    ];
    for (name, v) in [
        ("title", &c.title),
        ("specialty", &c.specialty),
        ("incidence", &c.incidence),
        ("vignette", &c.vignette),
        ("options", &c.options),
        ("answer", &c.answer),
        ("diagnosis", &c.diagnosis),
        ("synonyms", &c.synonyms),
        ("plan", &c.plan),
        ("source", &c.source),
        ("licence", &c.licence),
        ("aliases", &c.aliases),
        ("must_not_miss", &c.must_not_miss),
        ("priority", &c.priority),
    ] {
        if let Some(v) = v {
            out.push((name, v.as_str()));
        }
    }
    out
}

fn run_fields(f: &MappingFile) -> Vec<(&'static str, &str)> {
    let Some(r) = &f.run else {
        return Vec::new();
    };
    let mut out = vec![("output", r.output.as_str())];
    for (name, v) in [
        ("case_id", &r.case_id),
        ("question", &r.question),
        ("model", &r.model),
        ("reasoning", &r.reasoning),
    ] {
        if let Some(v) = v {
            out.push((name, v.as_str()));
        }
    }
    out
}

/// The line of `name = …` in the mapping's `[section]` table.
fn line_of_key(text: &str, section: &str, name: &str) -> usize {
    let mut current = String::new();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if let Some(h) = t.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
            current = h.trim().to_string();
        } else if current == section
            && let Some(rest) = t.strip_prefix(name)
            && rest.trim_start().starts_with('=')
        {
            return i + 1;
        }
    }
    1
}

/// A problem in one record: its line, and its index (JSON array) or key (keyed object).
fn record_problem(file: &Path, r: &Record, field: &str, message: String) -> Problem {
    let message = match (&r.key, r.index) {
        (Some(k), _) => format!("record {k:?}: {message}"),
        (None, Some(i)) => format!("record [{i}]: {message}"),
        (None, None) => message,
    };
    Problem {
        file: file.to_path_buf(),
        line: r.line,
        field: field.to_string(),
        message,
    }
}

/// A JSON object whose values are the records (MedR-Bench's files are keyed by PMC id);
/// each record gets its key as `_key`, and the line where its key is written.
pub fn keyed_records(file: &Path, text: &str) -> Result<Vec<Record>, Problem> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let value: Value = serde_json::from_str(text).map_err(|e| Problem {
        file: file.to_path_buf(),
        line: e.line(),
        field: String::new(),
        message: format!("invalid JSON: {e}"),
    })?;
    let Value::Object(map) = value else {
        return Err(Problem {
            file: file.to_path_buf(),
            line: 1,
            field: String::new(),
            message: "layout = \"keyed\" expects one JSON object whose values are the records"
                .into(),
        });
    };
    let mut out = Vec::with_capacity(map.len());
    for (i, (key, mut v)) in map.into_iter().enumerate() {
        let quoted = serde_json::to_string(&key).unwrap_or_default();
        let line = text
            .find(&format!("{quoted}:"))
            .or_else(|| text.find(&quoted))
            .map(|o| super::problem::line_of(text, o))
            .unwrap_or(1);
        if let Value::Object(m) = &mut v {
            m.insert("_key".into(), Value::String(key.clone()));
        }
        out.push(Record {
            line,
            index: Some(i),
            key: Some(key),
            value: v,
        });
    }
    Ok(out)
}

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

mod fields;

use crate::domain::Case;
use crate::ingest::problem::Problem;
use crate::ingest::records::Record;
use crate::ingest::run_formats::RawRun;
use serde::Deserialize;
use serde_json::Value;
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
                .map(|s| crate::ingest::problem::line_of(text, s.start))
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
                .map(|j| crate::ingest::agentclinic::outline(&j))
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
            crate::ingest::records::read_records(file, text)
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
            .map(|o| crate::ingest::problem::line_of(text, o))
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

//! Reading input files into domain values: case files, question banks and
//! model-output files. Pure parsing and validation; the store saves the result.
//! Errors name the file, line and field.

pub mod case_json;
pub mod case_toml;
pub mod problem;
pub mod pyrepr;
pub mod records;
pub mod run_formats;

pub use case_json::QuestionFormat;
pub use problem::{Problem, Problems};

use crate::domain::Case;
use std::path::{Path, PathBuf};

/// `--format` of `cases import`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CaseFormat {
    /// Decide from the extension and the records' fields.
    Auto,
    Toml,
    Medqa,
    Medmcqa,
    /// The questions of MedAgentsBench output files.
    Medagents,
    /// blindstep case JSONL.
    Jsonl,
}

/// A case and the file it came from.
#[derive(Debug, Clone)]
pub struct LoadedCase {
    pub case: Case,
    pub file: PathBuf,
    pub line: usize,
}

/// Expand folders to their `*.toml`, `*.json` and `*.jsonl` files, sorted.
pub fn expand_paths(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Problem> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let entries = std::fs::read_dir(p).map_err(|e| io_problem(p, &e))?;
            let mut files: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| {
                    f.is_file()
                        && f.extension()
                            .and_then(|x| x.to_str())
                            .is_some_and(|x| matches!(x, "toml" | "json" | "jsonl"))
                })
                .collect();
            files.sort();
            out.extend(files);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

fn io_problem(p: &Path, e: &std::io::Error) -> Problem {
    Problem {
        file: p.to_path_buf(),
        line: 1,
        field: String::new(),
        message: format!("cannot read: {e}"),
    }
}

/// Load every case from `paths`. All problems are collected; any problem
/// means nothing should be imported.
pub fn load_cases(
    paths: &[PathBuf],
    format: CaseFormat,
    prefix: Option<&str>,
) -> Result<Vec<LoadedCase>, Vec<Problem>> {
    let files = expand_paths(paths).map_err(|p| vec![p])?;
    if files.is_empty() {
        return Err(vec![Problem {
            file: paths.first().cloned().unwrap_or_default(),
            line: 1,
            field: String::new(),
            message: "no case files found (expected .toml, .json or .jsonl)".into(),
        }]);
    }
    let mut cases = Vec::new();
    let mut problems = Vec::new();
    for file in &files {
        let text = match std::fs::read(file) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(t) => t,
                Err(e) => {
                    let line = problem::line_of(
                        &String::from_utf8_lossy(e.as_bytes()),
                        e.utf8_error().valid_up_to(),
                    );
                    problems.push(Problem {
                        file: file.clone(),
                        line,
                        field: String::new(),
                        message: "not valid UTF-8".into(),
                    });
                    continue;
                }
            },
            Err(e) => {
                problems.push(io_problem(file, &e));
                continue;
            }
        };
        match load_text(file, &text, format, prefix) {
            Ok(mut c) => cases.append(&mut c),
            Err(mut p) => problems.append(&mut p),
        }
    }
    let mut seen = std::collections::HashMap::new();
    for c in &cases {
        if let Some((f, l)) = seen.insert(c.case.id.clone(), (c.file.clone(), c.line)) {
            problems.push(Problem {
                file: c.file.clone(),
                line: c.line,
                field: "id".into(),
                message: format!(
                    "duplicate case id {:?} (also at {}:{l})",
                    c.case.id.as_str(),
                    f.display()
                ),
            });
        }
    }
    if problems.is_empty() {
        Ok(cases)
    } else {
        Err(problems)
    }
}

/// Parse one file's text.
pub fn load_text(
    file: &Path,
    text: &str,
    format: CaseFormat,
    prefix: Option<&str>,
) -> Result<Vec<LoadedCase>, Vec<Problem>> {
    let ext = file.extension().and_then(|x| x.to_str()).unwrap_or("");
    let format = match format {
        CaseFormat::Auto if ext == "toml" => CaseFormat::Toml,
        other => other,
    };
    if format == CaseFormat::Toml {
        return case_toml::parse_case_toml(file, text).map(|case| {
            vec![LoadedCase {
                case,
                file: file.to_path_buf(),
                line: 1,
            }]
        });
    }
    let records = records::read_records(file, text).map_err(|p| vec![p])?;
    let qformat = match format {
        CaseFormat::Medqa => QuestionFormat::MedQa,
        CaseFormat::Medmcqa => QuestionFormat::MedMcqa,
        CaseFormat::Medagents => QuestionFormat::MedAgents,
        CaseFormat::Jsonl => QuestionFormat::Blindstep,
        CaseFormat::Auto | CaseFormat::Toml => detect(file, records.first().map(|r| &r.value)),
    };
    let prefix = prefix
        .map(str::to_string)
        .unwrap_or_else(|| default_prefix(file, qformat));
    case_json::cases_from_records(file, &records, qformat, &prefix)
        .map(|cases| {
            cases
                .into_iter()
                .zip(records.iter())
                .map(|(case, r)| LoadedCase {
                    case,
                    file: file.to_path_buf(),
                    line: r.line,
                })
                .collect()
        })
        .map_err(|p| vec![p])
}

fn detect(file: &Path, first: Option<&serde_json::Value>) -> QuestionFormat {
    let name = file.to_string_lossy().to_ascii_lowercase();
    match first {
        Some(v) if v.get("task").is_some() || v.get("vignette").is_some() => {
            QuestionFormat::Blindstep
        }
        Some(v) if v.get("opa").is_some() => QuestionFormat::MedMcqa,
        Some(v) if v.get("completion").is_some() => QuestionFormat::MedAgents,
        _ if name.contains("medmcqa") => QuestionFormat::MedMcqa,
        _ => QuestionFormat::MedQa,
    }
}

/// The id prefix for a file without ids of its own: the dataset's name.
fn default_prefix(file: &Path, format: QuestionFormat) -> String {
    let name = file.to_string_lossy().to_ascii_lowercase();
    if name.contains("pubmedqa") {
        "pubmedqa".into()
    } else if name.contains("medmcqa") || format == QuestionFormat::MedMcqa {
        "medmcqa".into()
    } else if name.contains("medqa") || format == QuestionFormat::MedQa {
        "medqa".into()
    } else {
        "imported".into()
    }
}

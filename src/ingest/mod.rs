//! Reading input files into domain values: case files, question banks and
//! model-output files. Pure parsing and validation; the store saves the result.
//! Errors name the file, line and field.

pub mod agentclinic;
mod case_ctx;
pub mod case_fields;
pub mod case_json;
pub mod case_toml;
mod case_toml_out;
pub mod detect;
pub mod formats;
pub mod library;
mod loaded;
pub mod mapping;
pub mod problem;
pub mod pyrepr;
pub mod question_text;
pub mod records;
pub mod run_formats;

pub use formats::QuestionFormat;
pub use loaded::LoadedCase;
pub use problem::{Problem, Problems};

use crate::domain::{Incidence, Specialty};
use std::path::{Path, PathBuf};

/// `--format` of `cases import`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CaseFormat {
    /// Decide from the extension and the records' fields.
    #[default]
    Auto,
    Toml,
    Medqa,
    Medmcqa,
    /// The questions of MedAgentsBench output files.
    Medagents,
    /// blindstep case JSONL.
    Jsonl,
    /// AgentClinic OSCE (`OSCE_Examination`) or NEJM Image Challenge (`answers`) JSONL.
    Agentclinic,
}

/// How to read case files besides their paths.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions<'a> {
    pub format: CaseFormat,
    /// Id prefix for records without one (default: the dataset's name).
    pub prefix: Option<&'a str>,
    /// Read every JSON file through this mapping instead of a known format.
    pub mapping: Option<&'a mapping::Mapping>,
    /// For imported questions that carry none (specialty `other`): this specialty.
    pub specialty: Option<Specialty>,
    /// For imported questions that carry none: this incidence.
    pub incidence: Option<Incidence>,
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
    load_cases_with(
        paths,
        &LoadOptions {
            format,
            prefix,
            ..LoadOptions::default()
        },
    )
}

/// [`load_cases`] with every option.
pub fn load_cases_with(
    paths: &[PathBuf],
    opts: &LoadOptions<'_>,
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
        match load_text_with(file, &text, opts) {
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
    problems.extend(library::name_problems(&cases));
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
    load_text_with(
        file,
        text,
        &LoadOptions {
            format,
            prefix,
            ..LoadOptions::default()
        },
    )
}

/// [`load_text`] with every option.
pub fn load_text_with(
    file: &Path,
    text: &str,
    opts: &LoadOptions<'_>,
) -> Result<Vec<LoadedCase>, Vec<Problem>> {
    let ext = file.extension().and_then(|x| x.to_str()).unwrap_or("");
    let format = match opts.format {
        CaseFormat::Auto if ext == "toml" && opts.mapping.is_none() => CaseFormat::Toml,
        other => other,
    };
    if format == CaseFormat::Toml && opts.mapping.is_none() {
        return case_toml::parse_case_toml(file, text).map(|case| {
            vec![LoadedCase {
                case,
                file: file.to_path_buf(),
                line: 1,
            }]
        });
    }
    let (records, cases) = if let Some(m) = opts.mapping {
        let records = m.records(file, text).map_err(|p| vec![p])?;
        let cases = m.cases(file, &records)?;
        (records, cases)
    } else {
        let records = records::read_records(file, text).map_err(|p| vec![p])?;
        let qformat = match format {
            CaseFormat::Medqa => QuestionFormat::MedQa,
            CaseFormat::Medmcqa => QuestionFormat::MedMcqa,
            CaseFormat::Medagents => QuestionFormat::MedAgents,
            CaseFormat::Jsonl => QuestionFormat::Blindstep,
            CaseFormat::Agentclinic => match records.first() {
                Some(r) if agentclinic::missing(agentclinic::Kind::Osce, &r.value).is_none() => {
                    QuestionFormat::AgentClinicOsce
                }
                _ => QuestionFormat::AgentClinicNejm,
            },
            CaseFormat::Auto | CaseFormat::Toml => detect::case_format(file, &records)?,
        };
        let prefix = opts
            .prefix
            .map(str::to_string)
            .unwrap_or_else(|| default_prefix(file, qformat));
        let cases = case_json::cases_from_records(file, &records, qformat, &prefix)?;
        (records, cases)
    };
    Ok(cases
        .into_iter()
        .zip(records.iter())
        .map(|(mut case, r)| {
            if case.specialty == Specialty::Other
                && let Some(s) = opts.specialty
            {
                case.specialty = s;
            }
            if case.incidence.is_none() {
                case.incidence = opts.incidence;
            }
            LoadedCase {
                case,
                file: file.to_path_buf(),
                line: r.line,
            }
        })
        .collect())
}

/// The id prefix for a file without ids of its own: the dataset's name.
fn default_prefix(file: &Path, format: QuestionFormat) -> String {
    let name = file.to_string_lossy().to_ascii_lowercase();
    if matches!(
        format,
        QuestionFormat::AgentClinicOsce | QuestionFormat::AgentClinicNejm
    ) {
        return if name.contains("nejm") || format == QuestionFormat::AgentClinicNejm {
            "agentclinic-nejm".into()
        } else if name.contains("mimic") {
            "agentclinic-mimiciv".into()
        } else if name.contains("medqa") {
            "agentclinic-medqa".into()
        } else {
            "agentclinic".into()
        };
    }
    if name.contains("pubmedqa") {
        "pubmedqa".into()
    } else if name.contains("medbullets") {
        "medbullets".into()
    } else if name.contains("medmcqa") || format == QuestionFormat::MedMcqa {
        "medmcqa".into()
    } else if name.contains("medqa") || format == QuestionFormat::MedQa {
        "medqa".into()
    } else {
        "imported".into()
    }
}

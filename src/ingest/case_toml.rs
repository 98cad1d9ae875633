//! Case files (`cases/*.toml`): parse and validate, reporting every problem
//! with its line and field, not just the first. Pure: text in, case or problems out.

use super::case_ctx::Ctx;
pub use super::case_ctx::valid_id;
use super::case_fields as fields;
pub use super::case_toml_out::to_toml;
use super::problem::Problem;
use crate::domain::{Case, CaseId, Incidence, RedFlag, Specialty, Task};
use std::collections::BTreeMap;
use std::path::Path;
use toml::de::DeTable;

const TOP_KEYS: &[&str] = &[
    "id",
    "title",
    "specialty",
    "incidence",
    "vignette",
    "question",
    "task",
    "red_flags",
    "must_not_miss",
    "priority",
    "source",
    "licence",
    "aliases",
    "stage",
    "variant_of",
];

/// Parse and validate one case file's text. `file` is used in problem reports.
pub fn parse_case_toml(file: &Path, text: &str) -> Result<Case, Vec<Problem>> {
    let mut cx = Ctx {
        file,
        text,
        problems: Vec::new(),
    };
    let (table, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        for e in errors {
            let off = e.span().map(|s| s.start).unwrap_or(0);
            cx.push(off, "", format!("TOML syntax: {}", e.message().trim()));
        }
        return Err(cx.problems);
    }
    let table = table.get_ref();
    for (k, v) in table.iter() {
        if !TOP_KEYS.contains(&k.get_ref().as_ref()) {
            cx.push(
                v.span().start,
                k.get_ref(),
                format!("unknown field (expected one of: {})", TOP_KEYS.join(", ")),
            );
        }
    }
    let id = cx.string(table, "id", "id", 0);
    if let Some((id, off)) = &id {
        if !valid_id(id) {
            cx.push(
                *off,
                "id",
                "must start with a letter or digit and use only a-z, 0-9, '.', '_', ':', '-'",
            );
        }
        if let Some(stem) = file.file_stem().and_then(|s| s.to_str())
            && file.extension().is_some_and(|e| e == "toml")
            && stem != id
        {
            cx.push(
                *off,
                "id",
                format!("{id:?} differs from the file name {stem:?}"),
            );
        }
    }
    let title = cx.string(table, "title", "title", 0);
    let specialty = cx
        .string(table, "specialty", "specialty", 0)
        .and_then(|(s, off)| {
            s.parse::<Specialty>()
                .map_err(|e| cx.push(off, "specialty", e.to_string()))
                .ok()
        });
    let incidence = match table.get("incidence") {
        None => None,
        Some(_) => cx
            .string(table, "incidence", "incidence", 0)
            .and_then(|(s, off)| {
                s.parse::<Incidence>()
                    .map_err(|e| cx.push(off, "incidence", e.to_string()))
                    .ok()
            }),
    };
    let vignette = cx.string(table, "vignette", "vignette", 0);
    let question = cx.string(table, "question", "question", 0);
    let source = cx.string(table, "source", "source", 0);
    let licence = cx.string(table, "licence", "licence", 0);
    let (must_not_miss, must_not_miss_synonyms) = fields::must_not_miss(&mut cx, table);
    let priority = cx.string_list(table, "priority", 0, 2);
    let aliases = fields::aliases(&mut cx, table, id.as_ref().map(|i| i.0.as_str()));
    let (stage, variant_of) = fields::stage(&mut cx, table, id.as_ref().map(|i| i.0.as_str()));
    let red_flags = red_flags(&mut cx, table);
    let task = task(&mut cx, table);

    if let (Some(task), Some(first)) = (&task, priority.first()) {
        let gold = match task {
            Task::Mcq { options, answer } => options.get(answer).cloned(),
            Task::Differential { diagnosis, .. } => Some(diagnosis.clone()),
            Task::Plan { .. } => None,
        };
        if let Some(gold) = gold
            && !task.matches_diagnosis(first)
            && !first.eq_ignore_ascii_case(&gold)
        {
            let off = table.get("priority").map(|v| v.span().start).unwrap_or(0);
            cx.push(
                off,
                "priority",
                format!("first entry {first:?} should be the gold answer {gold:?}"),
            );
        }
    }

    fields::must_not_miss_in_priority(
        &mut cx,
        table,
        &must_not_miss,
        &must_not_miss_synonyms,
        &priority,
    );

    if !cx.problems.is_empty() {
        return Err(cx.problems);
    }
    match (
        id, title, specialty, vignette, question, task, source, licence,
    ) {
        (
            Some(id),
            Some(title),
            Some(specialty),
            Some(vignette),
            Some(question),
            Some(task),
            Some(source),
            Some(licence),
        ) => Ok(Case {
            id: CaseId(id.0),
            title: title.0,
            specialty,
            incidence,
            vignette: vignette.0,
            question: question.0,
            task,
            red_flags,
            must_not_miss,
            priority,
            source: source.0,
            licence: licence.0,
            must_not_miss_synonyms,
            aliases,
            stage,
            variant_of,
        }),
        _ => Err(cx.problems),
    }
}

fn red_flags(cx: &mut Ctx<'_>, table: &DeTable<'_>) -> Vec<RedFlag> {
    let Some(v) = table.get("red_flags") else {
        cx.push(
            0,
            "red_flags",
            "missing (required): add at least one [[red_flags]] with finding and action",
        );
        return Vec::new();
    };
    let Some(arr) = v.get_ref().as_array() else {
        cx.push(
            v.span().start,
            "red_flags",
            "expected an array of tables ([[red_flags]])",
        );
        return Vec::new();
    };
    if arr.is_empty() {
        cx.push(v.span().start, "red_flags", "needs at least 1 entry");
    }
    let mut out = Vec::new();
    for (i, e) in arr.iter().enumerate() {
        let off = e.span().start;
        let Some(t) = e.get_ref().as_table() else {
            cx.push(
                off,
                &format!("red_flags[{i}]"),
                "expected a table with finding and action",
            );
            continue;
        };
        for (k, v) in t.iter() {
            if !["finding", "action"].contains(&k.get_ref().as_ref()) {
                cx.push(
                    v.span().start,
                    &format!("red_flags[{i}].{}", k.get_ref()),
                    "unknown field (expected finding, action)",
                );
            }
        }
        let finding = cx.string(t, "finding", &format!("red_flags[{i}].finding"), off);
        let action = cx.string(t, "action", &format!("red_flags[{i}].action"), off);
        if let (Some(f), Some(a)) = (finding, action) {
            out.push(RedFlag {
                finding: f.0,
                action: a.0,
            });
        }
    }
    out
}

fn task(cx: &mut Ctx<'_>, table: &DeTable<'_>) -> Option<Task> {
    let Some(v) = table.get("task") else {
        cx.push(
            0,
            "task",
            "missing (required): add a [task] table with kind = \"mcq\" or \"differential\"",
        );
        return None;
    };
    let off = v.span().start;
    let Some(t) = v.get_ref().as_table() else {
        cx.push(off, "task", "expected a table ([task])");
        return None;
    };
    let (kind, koff) = cx.string(t, "kind", "task.kind", off)?;
    let allowed: &[&str] = match kind.as_str() {
        "mcq" => &["kind", "options", "answer"],
        "differential" => &["kind", "diagnosis", "synonyms"],
        "plan" => &["kind", "plan"],
        other => {
            cx.push(
                koff,
                "task.kind",
                format!("unknown task kind {other:?} (expected one of: mcq, differential, plan)"),
            );
            return None;
        }
    };
    for (k, v) in t.iter() {
        if !allowed.contains(&k.get_ref().as_ref()) {
            cx.push(
                v.span().start,
                &format!("task.{}", k.get_ref()),
                format!(
                    "not allowed for kind = {kind:?} (expected: {})",
                    allowed.join(", ")
                ),
            );
        }
    }
    if kind == "mcq" {
        let options = mcq_options(cx, t, off);
        let answer = cx.string(t, "answer", "task.answer", off);
        let (answer, aoff) = answer?;
        let answer = answer.to_ascii_uppercase();
        if !options.is_empty() && !options.contains_key(&answer) {
            cx.push(
                aoff,
                "task.answer",
                format!(
                    "{answer:?} is not one of the options ({})",
                    options.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            );
            return None;
        }
        Some(Task::Mcq { options, answer })
    } else if kind == "plan" {
        let plan = cx.string(t, "plan", "task.plan", off);
        Some(Task::Plan { plan: plan?.0 })
    } else {
        let diagnosis = cx.string(t, "diagnosis", "task.diagnosis", off);
        let synonyms = if t.get("synonyms").is_some() {
            cx.string_list(t, "synonyms", off, 0)
        } else {
            Vec::new()
        };
        Some(Task::Differential {
            diagnosis: diagnosis?.0,
            synonyms,
        })
    }
}

fn mcq_options(cx: &mut Ctx<'_>, t: &DeTable<'_>, at: usize) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let Some(v) = t.get("options") else {
        cx.push(at, "task.options", "missing (required for kind = \"mcq\")");
        return out;
    };
    let Some(opts) = v.get_ref().as_table() else {
        cx.push(
            v.span().start,
            "task.options",
            "expected a table of letter = text",
        );
        return out;
    };
    for (k, v) in opts.iter() {
        let letter = k.get_ref().to_string();
        let field = format!("task.options.{letter}");
        if !(letter.len() == 1 && letter.chars().all(|c| c.is_ascii_uppercase())) {
            cx.push(
                v.span().start,
                &field,
                "option keys must be single capital letters",
            );
            continue;
        }
        match v.get_ref().as_str() {
            Some(s) if !s.trim().is_empty() => {
                out.insert(letter, s.trim().to_string());
            }
            _ => cx.push(v.span().start, &field, "expected non-empty text"),
        }
    }
    if out.len() < 2 {
        cx.push(v.span().start, "task.options", "needs at least 2 options");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"id = "x-1"
title = "Headache"
specialty = "neurology"
incidence = "rare"
vignette = "A 40-year-old with sudden headache."
question = "Diagnosis?"
must_not_miss = ["Subarachnoid haemorrhage"]
priority = ["Subarachnoid haemorrhage", "Migraine"]
source = "test"
licence = "CC-BY-4.0"

[task]
kind = "differential"
diagnosis = "Subarachnoid haemorrhage"
synonyms = ["SAH"]

[[red_flags]]
finding = "Thunderclap onset"
action = "CT head"
"#;

    #[test]
    fn parses_a_good_case() {
        let c = parse_case_toml(Path::new("x-1.toml"), GOOD).unwrap();
        assert_eq!(c.id.as_str(), "x-1");
        assert_eq!(c.incidence, Some(Incidence::Rare));
        assert_eq!(c.red_flags.len(), 1);
    }

    #[test]
    fn reports_every_problem_with_line_and_field() {
        let bad = GOOD
            .replace("\"neurology\"", "\"cardiology\"")
            .replace("action = \"CT head\"\n", "")
            .replace("\"rare\"", "\"sometimes\"");
        let problems = parse_case_toml(Path::new("x-1.toml"), &bad).unwrap_err();
        let text: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert!(
            text.iter()
                .any(|t| t.starts_with("x-1.toml:3: specialty: unknown specialty \"cardiology\"")),
            "{text:?}"
        );
        assert!(
            text.iter().any(|t| t.starts_with("x-1.toml:4: incidence:")),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|t| t.contains("red_flags[0].action: missing")),
            "{text:?}"
        );
        assert_eq!(problems.len(), 3, "{text:?}");
    }

    #[test]
    fn syntax_errors_name_the_line() {
        let problems = parse_case_toml(Path::new("a.toml"), "id = \"a\"\ntitle = \n").unwrap_err();
        assert_eq!(problems[0].line, 2, "{:?}", problems);
    }

    #[test]
    fn round_trips_through_toml() {
        let c = parse_case_toml(Path::new("x-1.toml"), GOOD).unwrap();
        let text = to_toml(&c).unwrap();
        let back = parse_case_toml(Path::new("x-1.toml"), &text).unwrap();
        assert_eq!(c, back);
    }
}

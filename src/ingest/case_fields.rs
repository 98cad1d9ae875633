//! The case-file fields of the second library edition: `aliases`, `stage`,
//! `variant_of`, and `must_not_miss` entries that carry synonyms. Backward
//! compatible: a `must_not_miss` entry is a string, or a table
//! `{ name = "...", synonyms = ["..."] }`, mixed freely in one array.

use super::case_ctx::{Ctx, valid_id};
use crate::domain::{Case, CaseId, Stage};
use std::collections::BTreeMap;
use toml::de::DeTable;

/// `must_not_miss`: the names, and the synonyms of those that have any.
pub(super) fn must_not_miss(
    cx: &mut Ctx<'_>,
    table: &DeTable<'_>,
) -> (Vec<String>, BTreeMap<String, Vec<String>>) {
    let mut names = Vec::new();
    let mut synonyms = BTreeMap::new();
    let Some(v) = table.get("must_not_miss") else {
        cx.push(0, "must_not_miss", "missing (required)");
        return (names, synonyms);
    };
    let off = v.span().start;
    let Some(arr) = v.get_ref().as_array() else {
        cx.push(
            off,
            "must_not_miss",
            format!(
                "expected an array of names or {{ name, synonyms }} tables, found {}",
                v.get_ref().type_str()
            ),
        );
        return (names, synonyms);
    };
    for (i, e) in arr.iter().enumerate() {
        let field = format!("must_not_miss[{i}]");
        let eoff = e.span().start;
        if let Some(s) = e.get_ref().as_str() {
            if s.trim().is_empty() {
                cx.push(eoff, &field, "must not be empty");
            } else {
                names.push(s.trim().to_string());
            }
            continue;
        }
        let Some(t) = e.get_ref().as_table() else {
            cx.push(
                eoff,
                &field,
                "expected a name or a table { name = \"...\", synonyms = [\"...\"] }",
            );
            continue;
        };
        for (k, v) in t.iter() {
            if !["name", "synonyms"].contains(&k.get_ref().as_ref()) {
                cx.push(
                    v.span().start,
                    &format!("{field}.{}", k.get_ref()),
                    "unknown field (expected name, synonyms)",
                );
            }
        }
        let name = cx.string(t, "name", &format!("{field}.name"), eoff);
        let syns = if t.get("synonyms").is_some() {
            cx.string_list(t, "synonyms", eoff, 0)
        } else {
            Vec::new()
        };
        if let Some((name, _)) = name {
            if !syns.is_empty() {
                synonyms.insert(name.clone(), syns);
            }
            names.push(name);
        }
    }
    if arr.is_empty() {
        cx.push(off, "must_not_miss", "needs at least 1 entry");
    }
    let mut seen = std::collections::HashSet::new();
    for n in &names {
        if !seen.insert(n.to_lowercase()) {
            cx.push(off, "must_not_miss", format!("{n:?} is listed twice"));
        }
    }
    (names, synonyms)
}

/// Every must-not-miss diagnosis (or a synonym) must be named in `priority`.
pub(super) fn must_not_miss_in_priority(
    cx: &mut Ctx<'_>,
    table: &DeTable<'_>,
    must_not_miss: &[String],
    synonyms: &BTreeMap<String, Vec<String>>,
    priority: &[String],
) {
    if priority.is_empty() {
        return;
    }
    let off = table.get("priority").map(|v| v.span().start).unwrap_or(0);
    for m in must_not_miss {
        let names: Vec<&str> = std::iter::once(m.as_str())
            .chain(synonyms.get(m).into_iter().flatten().map(String::as_str))
            .collect();
        if !priority
            .iter()
            .any(|p| crate::domain::matching::names_any(p, names.iter().copied()))
        {
            cx.push(
                off,
                "priority",
                format!(
                    "must-not-miss diagnosis {m:?} is not in the priority order (add it, or give it a synonym that an entry uses)"
                ),
            );
        }
    }
}

/// `aliases`: the ids this case had before.
pub(super) fn aliases(cx: &mut Ctx<'_>, table: &DeTable<'_>, id: Option<&str>) -> Vec<String> {
    if table.get("aliases").is_none() {
        return Vec::new();
    }
    let list = cx.string_list(table, "aliases", 0, 0);
    let off = table.get("aliases").map(|v| v.span().start).unwrap_or(0);
    for (i, a) in list.iter().enumerate() {
        if !valid_id(a) {
            cx.push(
                off,
                &format!("aliases[{i}]"),
                "must start with a letter or digit and use only a-z, 0-9, '.', '_', ':', '-'",
            );
        }
        if Some(a.as_str()) == id {
            cx.push(off, &format!("aliases[{i}]"), "is the case's own id");
        }
        if list[..i].contains(a) {
            cx.push(
                off,
                &format!("aliases[{i}]"),
                format!("{a:?} is listed twice"),
            );
        }
    }
    list
}

/// `stage` (default investigated) and `variant_of` (presentation variants only).
pub(super) fn stage(
    cx: &mut Ctx<'_>,
    table: &DeTable<'_>,
    id: Option<&str>,
) -> (Stage, Option<CaseId>) {
    let stage = match table.get("stage") {
        None => Stage::default(),
        Some(_) => cx
            .string(table, "stage", "stage", 0)
            .and_then(|(s, off)| {
                s.parse::<Stage>()
                    .map_err(|e| cx.push(off, "stage", e.to_string()))
                    .ok()
            })
            .unwrap_or_default(),
    };
    let variant_of = match table.get("variant_of") {
        None => None,
        Some(_) => cx
            .string(table, "variant_of", "variant_of", 0)
            .and_then(|(v, off)| {
                if !valid_id(&v) {
                    cx.push(off, "variant_of", "is not a valid case id");
                    None
                } else if Some(v.as_str()) == id {
                    cx.push(off, "variant_of", "names the case itself");
                    None
                } else if stage != Stage::Presentation {
                    cx.push(
                        off,
                        "variant_of",
                        "only a presentation variant (stage = \"presentation\") names the case it was made from",
                    );
                    None
                } else {
                    Some(CaseId(v))
                }
            }),
    };
    (stage, variant_of)
}

/// A `must_not_miss` entry as written back out: a name, or a table with synonyms.
#[derive(serde::Serialize)]
#[serde(untagged)]
pub(super) enum MustNotMissOut<'a> {
    Name(&'a str),
    WithSynonyms {
        name: &'a str,
        synonyms: &'a [String],
    },
}

pub(super) fn must_not_miss_out(case: &Case) -> Vec<MustNotMissOut<'_>> {
    case.must_not_miss
        .iter()
        .map(|m| match case.must_not_miss_synonyms.get(m) {
            Some(s) if !s.is_empty() => MustNotMissOut::WithSynonyms {
                name: m,
                synonyms: s,
            },
            _ => MustNotMissOut::Name(m),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::case_toml::{parse_case_toml, to_toml};
    use crate::domain::Stage;
    use std::path::Path;

    const CASE: &str = r#"id = "bs-0201"
aliases = ["neuro-sah-02"]
title = "Headache"
specialty = "neurology"
incidence = "less_frequent"
stage = "presentation"
variant_of = "bs-0038"
vignette = "A 40-year-old with sudden headache."
question = "Diagnosis?"
must_not_miss = ["Bacterial meningitis", { name = "Subarachnoid haemorrhage", synonyms = ["SAH"] }]
priority = ["SAH", "Meningitis, bacterial", "Bacterial meningitis", "Migraine"]
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
    fn parses_aliases_stage_variant_and_must_not_miss_synonyms() {
        let c = parse_case_toml(Path::new("bs-0201.toml"), CASE).unwrap();
        assert_eq!(c.aliases, vec!["neuro-sah-02".to_string()]);
        assert_eq!(c.stage, Stage::Presentation);
        assert_eq!(c.variant_of.as_ref().map(|v| v.as_str()), Some("bs-0038"));
        assert_eq!(
            c.must_not_miss,
            vec!["Bacterial meningitis", "Subarachnoid haemorrhage"]
        );
        assert_eq!(
            c.must_not_miss_synonyms["Subarachnoid haemorrhage"],
            ["SAH"]
        );
        assert!(c.must_not_miss_outside_priority().is_empty());
        assert_eq!(c.stage_group(), "bs-0038");
        // the file form round-trips, tables and all
        let back = parse_case_toml(Path::new("bs-0201.toml"), &to_toml(&c).unwrap()).unwrap();
        assert_eq!(c, back);
    }

    #[test]
    fn old_case_bodies_read_with_defaults_and_keep_their_json() {
        let c = parse_case_toml(
            Path::new("x.toml"),
            &CASE
                .replace("aliases = [\"neuro-sah-02\"]\n", "")
                .replace("stage = \"presentation\"\nvariant_of = \"bs-0038\"\n", "")
                .replace(
                    "{ name = \"Subarachnoid haemorrhage\", synonyms = [\"SAH\"] }",
                    "\"Subarachnoid haemorrhage\"",
                )
                .replace("id = \"bs-0201\"", "id = \"x\"")
                .replace(
                    "[\"SAH\", \"Meningitis",
                    "[\"Subarachnoid haemorrhage\", \"Meningitis",
                ),
        )
        .unwrap();
        assert_eq!(c.stage, Stage::Investigated);
        let json = serde_json::to_string(&c).unwrap();
        for field in ["aliases", "stage", "variant_of", "must_not_miss_synonyms"] {
            assert!(
                !json.contains(field),
                "{field} written for a default: {json}"
            );
        }
    }

    #[test]
    fn a_must_not_miss_outside_the_priority_order_is_a_problem() {
        let bad = CASE.replace(
            "priority = [\"SAH\", \"Meningitis, bacterial\", \"Bacterial meningitis\", \"Migraine\"]",
            "priority = [\"SAH\", \"Migraine\"]",
        );
        let problems = parse_case_toml(Path::new("bs-0201.toml"), &bad).unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].field, "priority");
        assert!(problems[0].message.contains("\"Bacterial meningitis\""));
    }

    #[test]
    fn bad_new_fields_name_the_field() {
        let bad = CASE
            .replace("stage = \"presentation\"", "stage = \"triage\"")
            .replace(
                "aliases = [\"neuro-sah-02\"]",
                "aliases = [\"bs-0201\", \"Bad Id\"]",
            )
            .replace(
                "{ name = \"Subarachnoid haemorrhage\", synonyms = [\"SAH\"] }",
                "{ nom = \"Subarachnoid haemorrhage\" }",
            );
        let problems = parse_case_toml(Path::new("bs-0201.toml"), &bad).unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        for f in [
            "stage",
            "aliases[0]",
            "aliases[1]",
            "must_not_miss[1].nom",
            "must_not_miss[1].name",
            "variant_of",
        ] {
            assert!(fields.contains(&f), "{f} not in {fields:?}");
        }
    }
}

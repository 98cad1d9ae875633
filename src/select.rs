//! Choosing the cases of a long job (`generate`, `study create`, `runs list`). Selection
//! means what it says: `--cases a,b` takes exactly those ids (an alias of a renamed case
//! counts as its id) and fails on any it does not know; searching needs an explicit
//! `--match TEXT`, which uses the one case search ([`crate::search`]). Pure.

use crate::domain::{Case, CaseId};
use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SelectError {
    #[error(
        "no such case id(s): {0} (--cases takes exact ids or aliases; search with --match TEXT, see `blindstep cases list --query`)"
    )]
    Unknown(String),
    #[error("{name:?} is an alias of several cases ({ids}); give the id")]
    Ambiguous { name: String, ids: String },
    #[error("no case matches {0:?} (every word must be found; see `blindstep cases list --query`)")]
    NoMatch(String),
    #[error("--cases is empty")]
    Empty,
}

/// Resolve a comma-separated list of exact ids or aliases against `keys` (each case's id and
/// aliases) to case ids, in the order given, each once. An id wins over another case's alias.
pub fn resolve_ids(keys: &[(&str, &[String])], list: &str) -> Result<Vec<CaseId>, SelectError> {
    let ids: HashSet<&str> = keys.iter().map(|(id, _)| *id).collect();
    let mut aliases: HashMap<&str, Vec<&str>> = HashMap::new();
    for (id, als) in keys {
        for a in *als {
            aliases.entry(a.as_str()).or_default().push(id);
        }
    }
    let wanted: Vec<&str> = list
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if wanted.is_empty() {
        return Err(SelectError::Empty);
    }
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut unknown = Vec::new();
    for w in wanted {
        let id = if ids.contains(w) {
            w
        } else {
            match aliases.get(w).map(Vec::as_slice) {
                Some([one]) => one,
                Some(many) if many.len() > 1 => {
                    return Err(SelectError::Ambiguous {
                        name: w.to_string(),
                        ids: many.join(", "),
                    });
                }
                _ => {
                    unknown.push(w);
                    continue;
                }
            }
        };
        if seen.insert(id) {
            out.push(CaseId(id.to_string()));
        }
    }
    if !unknown.is_empty() {
        return Err(SelectError::Unknown(unknown.join(", ")));
    }
    Ok(out)
}

/// The (id, aliases) keys of `cases`, for [`resolve_ids`].
pub fn keys(cases: &[Case]) -> Vec<(&str, &[String])> {
    cases
        .iter()
        .map(|c| (c.id.as_str(), c.aliases.as_slice()))
        .collect()
}

/// Cases matching `text` with the case search (every word, any field), in the cases' order.
pub fn by_match(cases: &[Case], text: &str) -> Result<Vec<CaseId>, SelectError> {
    let mut hits: Vec<usize> = crate::search::rank_cases(cases, text)
        .into_iter()
        .filter(|(_, m)| m.is_some())
        .map(|(i, _)| i)
        .collect();
    if hits.is_empty() {
        return Err(SelectError::NoMatch(text.to_string()));
    }
    hits.sort_unstable();
    Ok(hits.into_iter().map(|i| cases[i].id.clone()).collect())
}

/// `--cases` (exact ids), else `--match` (search), else every case. Given both, the cases
/// listed and those matching, each once.
pub fn select(
    cases: &[Case],
    ids: Option<&str>,
    matching: Option<&str>,
) -> Result<Vec<CaseId>, SelectError> {
    let mut out = match ids {
        Some(list) => resolve_ids(&keys(cases), list)?,
        None if matching.is_none() => return Ok(cases.iter().map(|c| c.id.clone()).collect()),
        None => Vec::new(),
    };
    if let Some(text) = matching {
        for id in by_match(cases, text)? {
            if !out.contains(&id) {
                out.push(id);
            }
        }
    }
    Ok(out)
}

/// `N case(s): a, b, c` with at most 20 ids shown.
pub fn describe(ids: &[CaseId]) -> String {
    let shown: Vec<&str> = ids.iter().take(20).map(CaseId::as_str).collect();
    let more = if ids.len() > 20 {
        format!(", … ({} more)", ids.len() - 20)
    } else {
        String::new()
    };
    format!("{} case(s): {}{more}", ids.len(), shown.join(", "))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn k<'a>(v: &'a [(&'a str, Vec<String>)]) -> Vec<(&'a str, &'a [String])> {
        v.iter().map(|(i, a)| (*i, a.as_slice())).collect()
    }

    #[test]
    fn exact_ids_select_only_themselves() {
        let v = vec![
            ("im-pe-01", vec![]),
            ("im-pe-010", vec![]),
            ("im-pe-01b", vec![]),
        ];
        let got = resolve_ids(&k(&v), "im-pe-01").unwrap();
        assert_eq!(got, vec![CaseId("im-pe-01".into())]);
    }

    #[test]
    fn aliases_count_as_ids_and_unknown_ids_fail() {
        let v = vec![
            ("bs-0001", vec!["im-pe-01".to_string()]),
            ("bs-0002", vec![]),
        ];
        let got = resolve_ids(&k(&v), "im-pe-01, bs-0002,bs-0001").unwrap();
        assert_eq!(
            got,
            vec![CaseId("bs-0001".into()), CaseId("bs-0002".into())]
        );
        let e = resolve_ids(&k(&v), "bs-0002,pe").unwrap_err();
        assert_eq!(e, SelectError::Unknown("pe".into()));
        assert!(e.to_string().contains("--match"), "{e}");
    }

    #[test]
    fn an_alias_of_two_cases_is_refused() {
        let v = vec![("a", vec!["x".to_string()]), ("b", vec!["x".to_string()])];
        assert!(matches!(
            resolve_ids(&k(&v), "x"),
            Err(SelectError::Ambiguous { .. })
        ));
    }

    #[test]
    fn describe_caps_the_list() {
        let ids: Vec<CaseId> = (0..25).map(|i| CaseId(format!("c{i}"))).collect();
        let d = describe(&ids);
        assert!(d.starts_with("25 case(s): c0, c1"), "{d}");
        assert!(d.ends_with("… (5 more)"), "{d}");
    }
}

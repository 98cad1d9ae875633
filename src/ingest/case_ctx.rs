//! Reading a case file's TOML table while collecting problems: the context every field
//! reader shares (file, text, the problems so far, each with its line) and the case-id rule.
//! Pure.

use super::problem::{Problem, line_of};
use std::path::Path;
use toml::de::DeTable;

pub(super) struct Ctx<'a> {
    pub(super) file: &'a Path,
    pub(super) text: &'a str,
    pub(super) problems: Vec<Problem>,
}

impl Ctx<'_> {
    pub(super) fn push(&mut self, offset: usize, field: &str, message: impl Into<String>) {
        self.problems.push(Problem {
            file: self.file.to_path_buf(),
            line: line_of(self.text, offset),
            field: field.to_string(),
            message: message.into(),
        });
    }

    pub(super) fn string(
        &mut self,
        table: &DeTable<'_>,
        key: &str,
        field: &str,
        at: usize,
    ) -> Option<(String, usize)> {
        match table.get(key) {
            None => {
                self.push(at, field, "missing (required)");
                None
            }
            Some(v) => {
                let off = v.span().start;
                match v.get_ref().as_str() {
                    Some(s) if s.trim().is_empty() => {
                        self.push(off, field, "must not be empty");
                        None
                    }
                    Some(s) => Some((s.trim().to_string(), off)),
                    None => {
                        self.push(
                            off,
                            field,
                            format!("expected a string, found {}", v.get_ref().type_str()),
                        );
                        None
                    }
                }
            }
        }
    }

    pub(super) fn string_list(
        &mut self,
        table: &DeTable<'_>,
        key: &str,
        at: usize,
        min: usize,
    ) -> Vec<String> {
        let Some(v) = table.get(key) else {
            self.push(at, key, "missing (required)");
            return Vec::new();
        };
        let off = v.span().start;
        let Some(arr) = v.get_ref().as_array() else {
            self.push(
                off,
                key,
                format!(
                    "expected an array of strings, found {}",
                    v.get_ref().type_str()
                ),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, e) in arr.iter().enumerate() {
            match e.get_ref().as_str() {
                Some(s) if !s.trim().is_empty() => out.push(s.trim().to_string()),
                Some(_) => self.push(e.span().start, &format!("{key}[{i}]"), "must not be empty"),
                None => self.push(e.span().start, &format!("{key}[{i}]"), "expected a string"),
            }
        }
        if out.len() < min {
            self.push(
                off,
                key,
                format!(
                    "needs at least {min} entr{}",
                    if min == 1 { "y" } else { "ies" }
                ),
            );
        }
        out
    }
}

/// Case ids: `[a-z0-9][a-z0-9._:-]*` (imported ids may also carry upper case).
pub fn valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | ':' | '-'))
}

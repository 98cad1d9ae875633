//! Reading record files: JSONL (one object per line) or a JSON array, each
//! record with the 1-based line it starts on, so errors can name it.

use super::problem::{Problem, line_of};
use serde_json::Value;
use std::path::Path;

/// One JSON record and where it starts.
#[derive(Debug, Clone)]
pub struct Record {
    pub line: usize,
    /// The position in a JSON array (or keyed object); `None` in JSONL, where the line names it.
    pub index: Option<usize>,
    /// The key of a record of a keyed object (`layout = "keyed"` mappings).
    pub key: Option<String>,
    pub value: Value,
}

/// Parse `text` as a JSON array of objects or as JSONL. Blank lines are skipped.
pub fn read_records(file: &Path, text: &str) -> Result<Vec<Record>, Problem> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let trimmed = text.trim_start();
    if let Some(inner) = trimmed.strip_prefix('[') {
        let base = text.len() - trimmed.len();
        let value: Value = serde_json::from_str(text).map_err(|e| Problem {
            file: file.to_path_buf(),
            line: e.line(),
            field: String::new(),
            message: format!("invalid JSON: {e}"),
        })?;
        let Value::Array(items) = value else {
            return Err(problem(file, 1, "expected a JSON array"));
        };
        let starts = array_element_starts(inner);
        Ok(items
            .into_iter()
            .enumerate()
            .map(|(i, value)| Record {
                line: starts
                    .get(i)
                    .map(|&o| line_of(text, base + 1 + o))
                    .unwrap_or(1),
                index: Some(i),
                key: None,
                value,
            })
            .collect())
    } else {
        let mut out = Vec::new();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let value: Value = serde_json::from_str(line).map_err(|e| {
                problem(
                    file,
                    i + 1,
                    &format!("invalid JSON at column {}: {e}", e.column()),
                )
            })?;
            out.push(Record {
                line: i + 1,
                index: None,
                key: None,
                value,
            });
        }
        Ok(out)
    }
}

fn problem(file: &Path, line: usize, message: &str) -> Problem {
    Problem {
        file: file.to_path_buf(),
        line,
        field: String::new(),
        message: message.to_string(),
    }
}

/// Byte offsets (into `inner`, the text after the opening `[`) where each
/// top-level element begins. Only called on text serde_json already accepted.
fn array_element_starts(inner: &str) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut depth = 0usize;
    let mut in_str = false;
    let mut escaped = false;
    let mut expect_elem = true;
    for (i, b) in inner.bytes().enumerate() {
        if in_str {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_str = false;
            }
            continue;
        }
        match b {
            b' ' | b'\n' | b'\r' | b'\t' => continue,
            _ => {}
        }
        if depth == 0 && expect_elem && b != b']' {
            starts.push(i);
            expect_elem = false;
        }
        match b {
            b'"' => in_str = true,
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth = depth.saturating_sub(1),
            b',' if depth == 0 => expect_elem = true,
            _ => {}
        }
    }
    starts
}

/// A string field, or a number rendered as text (ids are either).
pub fn text_field(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn array_records_know_their_lines() {
        let text = "[\n  {\"a\": \"x,}\"},\n  {\"a\": [1,2]}\n,\n{\"b\":1}]";
        let recs = read_records(Path::new("f.json"), text).unwrap();
        let lines: Vec<usize> = recs.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![2, 3, 5]);
    }

    #[test]
    fn jsonl_errors_name_the_line() {
        let e = read_records(Path::new("f.jsonl"), "{\"a\":1}\n\n{oops}\n").unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.to_string().starts_with("f.jsonl:3: invalid JSON"), "{e}");
    }
}

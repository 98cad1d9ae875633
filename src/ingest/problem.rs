//! A problem found in an input file, reported as `file:line: field: message`.

use std::fmt;
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.render())]
pub struct Problem {
    pub file: PathBuf,
    /// 1-based line number.
    pub line: usize,
    /// The field (`specialty`, `task.answer`, `red_flags[1].action`), or empty.
    pub field: String,
    pub message: String,
}

impl Problem {
    fn render(&self) -> String {
        if self.field.is_empty() {
            format!("{}:{}: {}", self.file.display(), self.line, self.message)
        } else {
            format!(
                "{}:{}: {}: {}",
                self.file.display(),
                self.line,
                self.field,
                self.message
            )
        }
    }
}

/// Several problems, reported one per line: the first [`Problems::SHOWN`], then how many more.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    /// How many problems a report lists before counting the rest.
    pub const SHOWN: usize = 20;
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().take(Self::SHOWN).enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        if self.0.len() > Self::SHOWN {
            write!(
                f,
                "\n… and {} more problem(s) ({} in all)",
                self.0.len() - Self::SHOWN,
                self.0.len()
            )?;
        }
        Ok(())
    }
}

/// 1-based line of a byte offset.
pub fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

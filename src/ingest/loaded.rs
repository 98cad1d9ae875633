//! A case as loaded from the library: the case and the file and line it came from, so every
//! later check can say where to fix it.

use crate::domain::Case;
use std::path::PathBuf;

/// A case and the file it came from.
#[derive(Debug, Clone)]
pub struct LoadedCase {
    pub case: Case,
    pub file: PathBuf,
    pub line: usize,
}

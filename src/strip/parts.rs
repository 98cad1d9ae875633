//! The parts a chain is built from, shared by the stages that build it: raw
//! regions (found by `extract`), pieces (made by `pieces`, merged by `merge`)
//! and steps with what was removed to make them (built by `steps`). Types
//! only, no stage logic: every stage imports them without importing another
//! stage.

use super::markers::MarkerId;
use crate::domain::{RawField, Span, Step};

/// A byte range of one raw field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    pub field: RawField,
    pub start: usize,
    pub end: usize,
}

/// Pieces with fewer words than this are merged into a neighbour in their unit.
pub const MIN_WORDS: usize = 4;

/// What was removed to make a step: a style marker, or raw text set aside.
/// Shown as the marker id, or as `dropped: …`, `title: …`, `duplicate: …`
/// with a snippet of the text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Removed {
    /// A style marker removed from one of its sentences.
    Marker(MarkerId),
    /// A sentence with nothing to judge, dropped just before it.
    Dropped(String),
    /// A title or label without clinical content (the `title` marker).
    Title(String),
    /// A near-duplicate collapsed into it.
    Duplicate(String),
}

impl Removed {
    /// The style marker this removal is, if it is one.
    pub fn marker(&self) -> Option<MarkerId> {
        match self {
            Removed::Marker(id) => Some(*id),
            Removed::Title(_) => Some(MarkerId::title),
            Removed::Dropped(_) | Removed::Duplicate(_) => None,
        }
    }
}

impl std::fmt::Display for Removed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Removed::Marker(id) => f.write_str(id.as_str()),
            Removed::Dropped(s) => write!(f, "dropped: {s}"),
            Removed::Title(s) => write!(f, "title: {s}"),
            Removed::Duplicate(s) => write!(f, "duplicate: {s}"),
        }
    }
}

/// A step with what was removed to make it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetailedStep {
    pub step: Step,
    /// Markers removed from its sentences, and notes for raw text dropped
    /// just before it.
    pub removed: Vec<Removed>,
    /// The paragraph or list item it came from (merging prefers neighbours
    /// of one unit).
    pub unit: usize,
}

#[derive(Debug, Clone)]
pub(super) struct Piece {
    pub(super) unit: usize,
    pub(super) spans: Vec<Span>,
    pub(super) text: String,
    pub(super) removed: Vec<Removed>,
    pub(super) keep: bool,
    /// `content::key_and_clinical(&text)` when known (cleared when the text
    /// changes).
    pub(super) key: Option<Key>,
    /// A heading, a label or a line ending in a colon: it opens the piece
    /// after it and is merged into it ("Ferritin: normal or increased.").
    pub(super) opens: bool,
}

/// A near-duplicate key and the clinical set (see `content::key_and_clinical`).
pub(super) type Key = (Vec<String>, Vec<String>);

//! The TUI's whole state. Changed only by [`App::update`] (in `update/`); read by the views.
//! Holds blinded data only ([`BlindItem`], [`QueueEntry`]) and no terminal or storage handle.

use super::action::FormKey;
use super::chain_layout::ChainLines;
use super::form::{FormField, FormRow, rows_for};
pub use super::geometry::ChainLayout;
use crate::domain::{
    BlindItem, EventId, ItemId, ItemStatus, QueueEntry, ReviewCursor, Side, StepVerdict,
};
use crate::ui::text::wrap_plain;
use ratatui::layout::Rect;

/// The screen under any overlay (help, popup).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Queue,
    Review,
    CaseForm,
}

/// The focused step: a side and a 0-based step index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Focus {
    pub side: Side,
    pub step: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusKind {
    Info,
    /// A save the backend confirmed.
    Saved,
    Error,
}

/// The status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub kind: StatusKind,
    pub text: String,
}

impl Status {
    pub fn info(text: impl Into<String>) -> Status {
        Status {
            kind: StatusKind::Info,
            text: text.into(),
        }
    }
}

/// What the save in flight was for, so its confirmation does the right follow-up.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PendingSave {
    /// Move to the next unmarked step once saved (a label was set).
    pub advance: bool,
    /// The form cell the save sets, for the confirmation.
    pub field: Option<FormField>,
}

/// A change to an answered (or pre-filled) form cell waiting for its second key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Confirm {
    pub field: FormField,
    pub key: FormKey,
}

/// The open item and everything about how it is being looked at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemView {
    pub item: BlindItem,
    pub focus: Focus,
    /// When the focus arrived on the current step (ms, runtime clock).
    pub focus_since_ms: u64,
    /// The form's cursor: a row of [`ItemView::form_rows`] and a column (0 left, 1 right,
    /// 2 tie), remembered across rows with fewer cells.
    pub form_row: usize,
    pub form_col: usize,
    pub form_opened_ms: u64,
    /// Wrapped chains at the current width.
    pub lines: ChainLines,
    /// Wrapped case text at the current width.
    pub case_lines: Vec<String>,
    pub case_width: usize,
    /// First visible line: `[aligned or left, right]` (side by side uses index 0).
    pub chain_scroll: [usize; 2],
    /// Whether the item was done when last checked (completion is announced once).
    pub done: bool,
}

impl ItemView {
    pub fn form_rows(&self) -> Vec<FormRow> {
        rows_for(&self.item.case.task, self.item.case.red_flags.len())
    }

    pub fn current_field(&self) -> Option<FormField> {
        self.form_rows()
            .get(self.form_row)
            .map(|r| r.cell(self.form_col))
    }

    /// The event the step's verdict on screen was read from (the base of its next save).
    pub fn step_event(&self, side: Side, step: usize) -> Option<EventId> {
        self.item.events.step(side, step)
    }

    pub fn verdict(&self, side: Side, step: usize) -> StepVerdict {
        self.item.verdicts[side.index()]
            .get(step)
            .cloned()
            .unwrap_or_default()
    }

    pub fn steps_len(&self, side: Side) -> usize {
        self.item.chains[side.index()].steps.len()
    }

    /// Steps with a label, per side.
    pub fn judged(&self, side: Side) -> usize {
        let n = self.steps_len(side);
        self.item.verdicts[side.index()]
            .iter()
            .take(n)
            .filter(|v| v.label.is_some())
            .count()
    }

    pub fn all_steps_judged(&self) -> bool {
        [Side::Left, Side::Right]
            .iter()
            .all(|s| self.judged(*s) == self.steps_len(*s))
    }

    /// Every step has a label and the case-verdict form is complete.
    pub fn is_done(&self) -> bool {
        self.all_steps_judged()
            && self
                .item
                .case_verdict
                .is_complete(self.item.case.red_flags.len())
    }
}

/// The queue's filter: words (each matched on its own) and a status.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Filter {
    pub query: String,
    /// The filter line has the keyboard.
    pub editing: bool,
    /// Only items of this status (`s` on the queue); `status:…` in the query also filters.
    pub status: Option<ItemStatus>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct App {
    pub screen: Screen,
    /// Terminal size (columns, rows), from `Resize`.
    pub size: (u16, u16),
    pub no_color: bool,
    pub queue: Vec<QueueEntry>,
    /// Indices into `queue` shown under the current filter, best match first.
    pub visible: Vec<usize>,
    /// Index into `visible`.
    pub selected: usize,
    /// First visible row of the queue list.
    pub queue_scroll: usize,
    pub filter: Filter,
    pub open: Option<ItemView>,
    /// The help screen is shown, scrolled by this many lines.
    pub help: Option<usize>,
    /// The note being typed for the focused step.
    pub note: Option<String>,
    /// Demo feedback popup lines.
    pub feedback: Option<Vec<String>>,
    /// First visible line of the feedback popup.
    pub feedback_scroll: usize,
    pub status: Status,
    /// The reviewer's choice of layout (`w`); `None` follows the width.
    pub layout_override: Option<ChainLayout>,
    pub case_collapsed: bool,
    pub case_scroll: usize,
    pub pending: Option<PendingSave>,
    /// The severity chooser is open (modal: its digits never label a step).
    pub severity_menu: bool,
    /// A form change waiting for its confirming second key.
    pub confirm: Option<Confirm>,
    /// The item just left was done: the queue moves on to the next unfinished item.
    pub left_done: Option<ItemId>,
    /// Where to resume, until the queue and the item are loaded.
    pub resume: Option<ReviewCursor>,
    pub now_ms: u64,
    pub quitting: bool,
}

impl App {
    /// A fresh app of this terminal size, on the (not yet loaded) queue.
    /// Send [`crate::tui::Action::Start`] to load the cursor and the queue.
    pub fn new(size: (u16, u16)) -> App {
        App {
            screen: Screen::Queue,
            size,
            no_color: false,
            queue: Vec::new(),
            visible: Vec::new(),
            selected: 0,
            queue_scroll: 0,
            filter: Filter::default(),
            open: None,
            help: None,
            note: None,
            feedback: None,
            feedback_scroll: 0,
            status: Status::info("loading…"),
            layout_override: None,
            case_collapsed: false,
            case_scroll: 0,
            pending: None,
            severity_menu: false,
            confirm: None,
            left_done: None,
            resume: None,
            now_ms: 0,
            quitting: false,
        }
    }

    /// An app showing `item` in review at this size, with no queue and no backend
    /// (benchmarks and screen tests).
    pub fn with_item(item: BlindItem, size: (u16, u16)) -> App {
        let mut app = App::new(size);
        let _ = app.update(super::Action::ItemLoaded(Box::new(item)));
        app
    }

    pub fn area(&self) -> Rect {
        Rect::new(0, 0, self.size.0, self.size.1)
    }

    /// The chain layout in effect.
    pub fn chain_layout(&self) -> ChainLayout {
        self.layout_override
            .unwrap_or_else(|| ChainLayout::auto(self.size.0))
    }

    pub fn selected_entry(&self) -> Option<&QueueEntry> {
        self.visible
            .get(self.selected)
            .and_then(|i| self.queue.get(*i))
    }

    /// Where the reviewer is, for saving.
    pub fn cursor(&self) -> ReviewCursor {
        match &self.open {
            Some(v) => ReviewCursor {
                item: Some(v.item.item),
                side: v.focus.side,
                step: v.focus.step,
            },
            None => ReviewCursor {
                item: None,
                side: Side::Left,
                step: 0,
            },
        }
    }

    /// Wrap the case text for the case panel at `width`.
    pub(crate) fn case_text_lines(item: &BlindItem, width: usize) -> Vec<String> {
        let case = &item.case;
        let mut text = String::new();
        text.push_str(case.vignette.trim());
        text.push_str("\n\n");
        text.push_str(case.question.trim());
        if let crate::domain::Task::Mcq { options, .. } = &case.task {
            for (letter, option) in options {
                text.push_str(&format!("\n{letter}. {option}"));
            }
        }
        let mut lines = Vec::new();
        for para in text.split('\n') {
            if para.trim().is_empty() {
                lines.push(String::new());
            } else {
                lines.extend(wrap_plain(para, width));
            }
        }
        lines
    }
}

//! The queue screen and its filter: selection, filtering (by status, and by words each
//! matched on its own against the title and specialty, never the case id), opening an item,
//! quitting.

use crate::domain::{ItemStatus, QueueEntry};
use crate::tui::action::Action;
use crate::tui::app::{App, Screen, Status};
use crate::tui::effect::Effect;
use crate::tui::geometry::queue_areas;

impl App {
    pub(super) fn on_queue(&mut self, action: Action) -> Vec<Effect> {
        let page = usize::from(queue_areas(self.area()).list.height.max(1));
        match action {
            Action::MoveDown => self.select(self.selected as isize + 1),
            Action::MoveUp => self.select(self.selected as isize - 1),
            Action::PageDown => self.select((self.selected + page) as isize),
            Action::PageUp => self.select(self.selected as isize - page as isize),
            Action::MoveFirst => self.select(0),
            Action::MoveLast => self.select(isize::MAX / 2),
            Action::ScrollLines(n) => self.select(self.selected as isize + n.signum() as isize),
            Action::OpenItem | Action::TextSubmit => return self.open_selected(),
            Action::StartFilter => {
                self.filter.editing = true;
                self.status = Status::info(
                    "type words to filter (status:not-started, status:in-progress, status:done) · Enter open · Esc clear",
                );
            }
            Action::CycleStatusFilter => {
                self.filter.status = match self.filter.status {
                    None => Some(ItemStatus::NotStarted),
                    Some(ItemStatus::NotStarted) => Some(ItemStatus::InProgress),
                    Some(ItemStatus::InProgress) => Some(ItemStatus::Done),
                    Some(ItemStatus::Done) => None,
                };
                self.refilter();
                self.status = Status::info(match self.filter.status {
                    None => "showing every item (s: only not started)".to_string(),
                    Some(st) => format!(
                        "showing only {} items · {} shown (s: next status)",
                        status_words(st),
                        self.visible.len()
                    ),
                });
            }
            Action::Cancel if !self.filter.query.is_empty() || self.filter.status.is_some() => {
                self.filter.query.clear();
                self.filter.status = None;
                self.refilter();
                self.status = Status::info("filter cleared");
            }
            Action::Back => return self.update(Action::Quit),
            _ => {}
        }
        vec![]
    }

    pub(super) fn on_filter(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::TextInput(c) => {
                self.filter.query.push(c);
                self.selected = 0;
                self.refilter();
            }
            Action::TextBackspace => {
                self.filter.query.pop();
                self.refilter();
            }
            Action::Paste(text) => {
                self.filter.query.push_str(&super::one_line(&text));
                self.selected = 0;
                self.refilter();
            }
            Action::Cancel => {
                self.filter.editing = false;
                self.filter.query.clear();
                self.refilter();
                self.status = Status::info("");
            }
            Action::TextSubmit | Action::OpenItem => {
                self.filter.editing = false;
                return self.open_selected();
            }
            Action::MoveDown | Action::MoveUp | Action::PageDown | Action::PageUp => {
                return self.on_queue(action);
            }
            _ => {}
        }
        vec![]
    }

    fn select(&mut self, to: isize) {
        let last = self.visible.len().saturating_sub(1) as isize;
        self.selected = to.clamp(0, last.max(0)) as usize;
        self.keep_selection_visible();
    }

    fn open_selected(&mut self) -> Vec<Effect> {
        match self.selected_entry() {
            Some(e) => {
                let id = e.item;
                self.status = Status::info("opening…");
                vec![Effect::LoadItem(id)]
            }
            None => {
                self.status = Status::info("no item selected");
                vec![]
            }
        }
    }

    /// Recompute the visible rows from the filter: the status (key or `status:` word) and
    /// every other word matched on its own; best match first, queue order on ties.
    pub(crate) fn refilter(&mut self) {
        let keep = self.selected_entry().map(|e| e.item);
        let (status, words) = parse_filter(&self.filter.query);
        let status = status.or(self.filter.status);
        let candidates: Vec<usize> = (0..self.queue.len())
            .filter(|&i| status.is_none_or(|s| self.queue[i].status() == s))
            .collect();
        let query = words.join(" ");
        self.visible = if query.trim().is_empty() {
            candidates
        } else {
            // The one case search: every word must match (title, specialty, question,
            // options or vignette), whole words first. Never the case id: an id can say
            // more than the reviewer should see.
            let shown: Vec<&QueueEntry> = candidates.iter().map(|&i| &self.queue[i]).collect();
            crate::search::rank(&shown, &query, |e| {
                vec![
                    crate::search::Field::new(
                        format!("{}  {}", e.title, e.specialty.replace('_', " ")),
                        6,
                        true,
                    ),
                    crate::search::Field::new(e.search_text.clone(), 1, false),
                ]
            })
            .into_iter()
            .map(|(k, _)| candidates[k])
            .collect()
        };
        if let Some(pos) =
            keep.and_then(|id| self.visible.iter().position(|i| self.queue[*i].item == id))
            && !self.filter.editing
        {
            self.selected = pos;
        }
        self.keep_selection_visible();
    }

    /// Take a freshly loaded queue: keep the selection, or resume the saved item.
    pub(super) fn set_queue(&mut self, mut queue: Vec<QueueEntry>) -> Vec<Effect> {
        queue.sort_by_key(|e| e.position);
        let keep = self.selected_entry().map(|e| e.item);
        self.queue = queue;
        self.visible = (0..self.queue.len()).collect();
        // Just left a finished item: on to the next unfinished one after it.
        let keep = match self.left_done.take() {
            Some(done) => {
                let at = self.queue.iter().position(|e| e.item == done).unwrap_or(0);
                let n = self.queue.len();
                (1..=n)
                    .map(|k| &self.queue[(at + k) % n])
                    .find(|e| e.status() != ItemStatus::Done)
                    .map(|e| e.item)
                    .or(keep)
            }
            None => keep,
        };
        let target = keep.or_else(|| {
            self.queue
                .iter()
                .find(|e| e.status() != ItemStatus::Done)
                .map(|e| e.item)
        });
        self.selected = target
            .and_then(|id| self.queue.iter().position(|e| e.item == id))
            .unwrap_or(0);
        self.refilter();
        if self.status.text == "loading…" {
            self.status = Status::info("");
        }
        if let Some(c) = self.resume {
            match c.item.filter(|id| self.queue.iter().any(|e| e.item == *id)) {
                Some(id) if self.screen == Screen::Queue => {
                    self.status = Status::info("resuming where you stopped…");
                    return vec![Effect::LoadItem(id)];
                }
                _ => self.resume = None,
            }
        }
        vec![]
    }
}

/// A status in the words of the queue and the help screen.
pub(crate) fn status_words(s: ItemStatus) -> &'static str {
    match s {
        ItemStatus::NotStarted => "not started",
        ItemStatus::InProgress => "in progress",
        ItemStatus::Done => "done",
    }
}

/// The filter's words, less a `status:…` word (`status:not-started`, `status:in-progress`,
/// `status:done`, or any prefix of them such as `status:not`), which becomes the status.
pub(crate) fn parse_filter(query: &str) -> (Option<ItemStatus>, Vec<String>) {
    let mut status = None;
    let mut words = Vec::new();
    for w in query.split_whitespace() {
        match w.to_lowercase().strip_prefix("status:") {
            Some(s) => {
                let s = s.replace(['-', '_'], " ");
                status = [
                    ItemStatus::NotStarted,
                    ItemStatus::InProgress,
                    ItemStatus::Done,
                ]
                .into_iter()
                .find(|st| !s.is_empty() && status_words(*st).starts_with(s.as_str()))
                .or(status);
            }
            None => words.push(w.to_string()),
        }
    }
    (status, words)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use crate::domain::{CaseId, ItemId, QueueEntry, ReviewCursor, Side};
    use crate::tui::{Action, App, Effect};

    fn entry(id: i64, pos: u32, title: &str, judged: usize) -> QueueEntry {
        QueueEntry {
            item: ItemId(id),
            position: pos,
            case_id: CaseId::new(format!("c{id}")),
            title: title.into(),
            specialty: "neurology".into(),
            steps_total: 4,
            steps_judged: judged,
            case_verdict_complete: judged == 4,
            search_text: format!("What next?\nA 30-year-old with {title}, worse today."),
        }
    }

    fn queue() -> Vec<QueueEntry> {
        vec![
            entry(7, 1, "Chest pain on exertion", 0),
            entry(3, 0, "Sudden headache", 4),
            entry(9, 2, "Fever in a neonate", 1),
        ]
    }

    #[test]
    fn queue_is_in_shuffled_order_and_selects_first_unfinished() {
        let mut app = App::new((80, 24));
        assert_eq!(app.update(Action::Start), vec![Effect::LoadCursor]);
        assert_eq!(
            app.update(Action::CursorLoaded(None)),
            vec![Effect::LoadQueue]
        );
        assert!(app.update(Action::QueueLoaded(queue())).is_empty());
        let ids: Vec<_> = app.queue.iter().map(|e| e.item.0).collect();
        assert_eq!(ids, vec![3, 7, 9]);
        assert_eq!(app.selected_entry().map(|e| e.item), Some(ItemId(7)));
        assert_eq!(
            app.update(Action::OpenItem),
            vec![Effect::LoadItem(ItemId(7))]
        );
    }

    #[test]
    fn fuzzy_filter_narrows_and_enter_opens_the_best_match() {
        let mut app = App::new((80, 24));
        app.update(Action::QueueLoaded(queue()));
        app.update(Action::StartFilter);
        for c in "neonate".chars() {
            app.update(Action::TextInput(c));
        }
        assert_eq!(app.visible.len(), 1);
        assert_eq!(
            app.update(Action::TextSubmit),
            vec![Effect::LoadItem(ItemId(9))]
        );
        app.update(Action::StartFilter);
        app.update(Action::Cancel);
        assert_eq!(app.visible.len(), 3);
    }

    #[test]
    fn the_filter_never_searches_case_ids() {
        let mut app = App::new((80, 24));
        let mut q = queue();
        q[0].case_id = CaseId::new("qz-case-01");
        app.update(Action::QueueLoaded(q));
        app.update(Action::StartFilter);
        for c in "qz".chars() {
            app.update(Action::TextInput(c));
        }
        assert_eq!(app.visible.len(), 0, "the id must not be searchable");
    }

    #[test]
    fn filter_words_match_apart_and_in_the_case_text() {
        let mut app = App::new((80, 24));
        let mut q = queue();
        q[1].search_text = "Thunderclap onset at the gym; no trauma.".into();
        app.update(Action::QueueLoaded(q));
        app.update(Action::StartFilter);
        for c in "headache thunderclap".chars() {
            app.update(Action::TextInput(c));
        }
        let shown: Vec<_> = app.visible.iter().map(|&i| app.queue[i].item.0).collect();
        assert_eq!(shown, vec![3]);
    }

    #[test]
    fn resumes_the_saved_item() {
        let mut app = App::new((80, 24));
        let cursor = ReviewCursor {
            item: Some(ItemId(9)),
            side: Side::Right,
            step: 2,
        };
        app.update(Action::CursorLoaded(Some(cursor)));
        assert_eq!(
            app.update(Action::QueueLoaded(queue())),
            vec![Effect::LoadItem(ItemId(9))]
        );
    }

    #[test]
    fn q_on_the_queue_saves_the_cursor_and_quits() {
        let mut app = App::new((80, 24));
        app.update(Action::QueueLoaded(queue()));
        let fx = app.update(Action::Back);
        assert!(matches!(fx.as_slice(), [Effect::SaveCursor(c), Effect::Quit] if c.item.is_none()));
    }
}

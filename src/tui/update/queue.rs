//! The queue screen and its fuzzy filter: selection, filtering, opening an item, quitting.

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
                self.status = Status::info("type to filter · Enter open · Esc clear");
            }
            Action::Cancel if !self.filter.query.is_empty() => {
                self.filter.query.clear();
                self.refilter();
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

    /// Recompute the visible rows from the filter, best match first, queue order on ties.
    pub(crate) fn refilter(&mut self) {
        let keep = self.selected_entry().map(|e| e.item);
        let q = self.filter.query.trim();
        if q.is_empty() {
            self.visible = (0..self.queue.len()).collect();
        } else {
            // The one case search: every word must match (title, specialty, question, options
            // or vignette), whole words first. Never the case id: ids may name a diagnosis.
            self.visible = crate::search::rank(&self.queue, q, |e| {
                vec![
                    crate::search::Field::new(format!("{}  {}", e.title, e.specialty), 6, true),
                    crate::search::Field::new(e.search_text.clone(), 1, false),
                ]
            })
            .into_iter()
            .map(|(i, _)| i)
            .collect();
        }
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

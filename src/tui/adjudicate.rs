//! The adjudication screen: one disputed item at a time, the case and both chains by side,
//! the disputed outcomes with each reviewer's verdict as "reviewer 1 / reviewer 2", and keys
//! to settle them. A mode beside the review screen, in its own file: it shares the review
//! screen's blinding contract (it sees only [`AdjudicationItem`], which has no model, run,
//! timing or reviewer-name field) but none of its state.
//!
//! `handle` is the one place state changes and returns the [`Decision`] to record; `render`
//! only draws. The caller (the CLI) writes decisions and reloads the queue.

use crate::domain::Side;
use crate::domain::adjudication::AdjudicationItem;
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

/// A decision to record: `queue[item].disputes[dispute]` is `value`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub item: usize,
    pub dispute: usize,
    pub value: bool,
}

/// What a key asks of the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reply {
    None,
    Decide(Decision),
    Quit,
}

/// The adjudication screen's state.
#[derive(Debug, Clone, PartialEq)]
pub struct AdjudicateScreen {
    pub queue: Vec<AdjudicationItem>,
    pub item: usize,
    pub dispute: usize,
    pub scroll: u16,
    pub status: String,
}

fn side_name(s: Side) -> &'static str {
    match s {
        Side::Left => "left",
        Side::Right => "right",
    }
}

fn yes_no(v: bool) -> &'static str {
    if v { "yes" } else { "no" }
}

impl AdjudicateScreen {
    pub fn new(queue: Vec<AdjudicationItem>) -> Self {
        Self {
            queue,
            item: 0,
            dispute: 0,
            scroll: 0,
            status: String::new(),
        }
    }

    fn current(&self) -> Option<&AdjudicationItem> {
        self.queue.get(self.item)
    }

    /// Apply a key.
    pub fn handle(&mut self, key: KeyEvent) -> Reply {
        if key.kind == KeyEventKind::Release {
            return Reply::None;
        }
        let n_items = self.queue.len();
        let n_disputes = self.current().map_or(0, |i| i.disputes.len());
        match key.code {
            KeyCode::Char('q') | KeyCode::Esc => return Reply::Quit,
            KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                return Reply::Quit;
            }
            KeyCode::Down | KeyCode::Tab if n_disputes > 0 => {
                self.dispute = (self.dispute + 1) % n_disputes;
            }
            KeyCode::Up | KeyCode::BackTab if n_disputes > 0 => {
                self.dispute = (self.dispute + n_disputes - 1) % n_disputes;
            }
            KeyCode::Char(']') | KeyCode::Right if n_items > 0 => {
                self.item = (self.item + 1) % n_items;
                self.dispute = 0;
                self.scroll = 0;
            }
            KeyCode::Char('[') | KeyCode::Left if n_items > 0 => {
                self.item = (self.item + n_items - 1) % n_items;
                self.dispute = 0;
                self.scroll = 0;
            }
            KeyCode::Char('j') | KeyCode::PageDown => self.scroll = self.scroll.saturating_add(3),
            KeyCode::Char('k') | KeyCode::PageUp => self.scroll = self.scroll.saturating_sub(3),
            KeyCode::Char(c @ ('y' | 'n')) if n_disputes > 0 => {
                return Reply::Decide(Decision {
                    item: self.item,
                    dispute: self.dispute,
                    value: c == 'y',
                });
            }
            _ => {}
        }
        Reply::None
    }

    /// After the caller recorded `d`: mark it and move to the next open dispute.
    pub fn recorded(&mut self, d: Decision) {
        if let Some(x) = self
            .queue
            .get_mut(d.item)
            .and_then(|i| i.disputes.get_mut(d.dispute))
        {
            x.decided = Some(d.value);
            self.status = format!("recorded: {} = {}", x.outcome, yes_no(d.value));
        }
        let n = self.current().map_or(0, |i| i.disputes.len());
        if let Some(next) = (1..=n).map(|k| (self.dispute + k) % n.max(1)).find(|&k| {
            self.current()
                .and_then(|i| i.disputes.get(k))
                .is_some_and(|x| x.decided.is_none())
        }) {
            self.dispute = next;
        }
    }

    fn lines(&self, item: &AdjudicationItem) -> Vec<Line<'static>> {
        let bold = Style::default().add_modifier(Modifier::BOLD);
        let mut lines = vec![
            Line::styled(item.title.clone(), bold),
            Line::raw(item.vignette.clone()),
            Line::raw(format!("Q: {}", item.question)),
            Line::raw(format!("Gold: {}", item.gold)),
            Line::raw(""),
            Line::styled(
                format!("Disputed outcomes ({} reviewers)", item.reviewers),
                bold,
            ),
        ];
        for (i, d) in item.disputes.iter().enumerate() {
            let votes: Vec<String> = d
                .votes
                .iter()
                .map(|(r, v)| format!("reviewer {r}: {}", yes_no(*v)))
                .collect();
            let marker = if i == self.dispute { "▶" } else { " " };
            let decided = d
                .decided
                .map_or("open".to_string(), |v| format!("adjudicated {}", yes_no(v)));
            let style = if i == self.dispute {
                Style::default().add_modifier(Modifier::REVERSED)
            } else {
                Style::default()
            };
            lines.push(Line::styled(
                format!(
                    "{marker} {} chain · {} · {} · [{decided}]",
                    side_name(d.side),
                    d.question,
                    votes.join(" / ")
                ),
                style,
            ));
        }
        if !item.steps.is_empty() {
            lines.push(Line::raw(""));
            lines.push(Line::styled(
                "Steps the reviewers labelled differently",
                bold,
            ));
            for s in &item.steps {
                let labels: Vec<String> = s
                    .labels
                    .iter()
                    .map(|(r, l)| format!("reviewer {r}: {l}"))
                    .collect();
                lines.push(Line::raw(format!(
                    "{} step {}: {}",
                    side_name(s.side),
                    s.step + 1,
                    labels.join(" / ")
                )));
            }
        }
        for side in [Side::Left, Side::Right] {
            lines.push(Line::raw(""));
            lines.push(Line::styled(format!("{} chain", side_name(side)), bold));
            for (i, t) in item.chains[side.index()].iter().enumerate() {
                lines.push(Line::raw(format!("{:>3}. {t}", i + 1)));
            }
        }
        lines
    }

    /// Draw the screen. Never mutates.
    pub fn render(&self, frame: &mut Frame<'_>) {
        let [head, body, foot] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(1),
            Constraint::Length(1),
        ])
        .areas(frame.area());
        let open: usize = self
            .queue
            .iter()
            .map(|i| i.disputes.iter().filter(|d| d.decided.is_none()).count())
            .sum();
        let title = match self.current() {
            Some(_) => format!(
                "Adjudication · item {}/{} · {open} open dispute(s) · blind",
                self.item + 1,
                self.queue.len()
            ),
            None => "Adjudication · nothing to adjudicate".into(),
        };
        frame.render_widget(
            Paragraph::new(Line::styled(
                title,
                Style::default().add_modifier(Modifier::BOLD),
            )),
            head,
        );
        let lines = match self.current() {
            Some(item) => self.lines(item),
            None => vec![Line::raw(
                "No disputed item you did not review. Ties stay analysed by the study's rule.",
            )],
        };
        frame.render_widget(
            Paragraph::new(lines)
                .block(Block::default().borders(Borders::TOP))
                .wrap(Wrap { trim: false })
                .scroll((self.scroll, 0)),
            body,
        );
        let keys = if self.status.is_empty() {
            "↑/↓ outcome · y/n decide · [/] item · j/k scroll · q quit".to_string()
        } else {
            format!("{} · y/n decide · [/] item · q quit", self.status)
        };
        frame.render_widget(
            Paragraph::new(Line::styled(
                keys,
                Style::default().add_modifier(Modifier::DIM),
            )),
            foot,
        );
    }
}

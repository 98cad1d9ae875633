//! The coordinator's tally screen (SPEC §10), a screen like the others: state
//! ([`TallyScreen`]), intents ([`TallyAction`]), one `update`, a keymap, a view
//! ([`view`]) and the terminal loop ([`run`]). The figures come from the pure
//! [`crate::tally`] computation; this module only shows them. ←/→ (or Tab) walk the
//! subgroups, j/k scroll, q quits.

pub mod view;

use crate::tally::Tally;
use crate::ui::event_loop::{self, Program};
use crate::ui::terminal::{self, ScreenError, TerminalOptions};
use ratatui::crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

pub use view::{MIN_SIZE, bar};

/// The tally screen's state.
#[derive(Debug, Clone, PartialEq)]
pub struct TallyScreen {
    pub tally: Tally,
    /// Index into `tally.groups`.
    pub group: usize,
    pub scroll: u16,
    pub no_color: bool,
}

/// What a key asks of the tally screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TallyAction {
    /// The next subgroup (wraps).
    NextGroup,
    /// The previous subgroup (wraps).
    PreviousGroup,
    /// Scroll by this many lines (negative: up).
    Scroll(i32),
    /// Back to the top.
    Top,
    /// Close the screen.
    Quit,
}

/// The only effect the tally screen has: closing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TallyEffect {
    Quit,
}

impl TallyScreen {
    pub fn new(tally: Tally, no_color: bool) -> Self {
        Self {
            tally,
            group: 0,
            scroll: 0,
            no_color,
        }
    }

    /// The one place the screen's state changes.
    pub fn update(&mut self, action: TallyAction) -> Vec<TallyEffect> {
        let groups = self.tally.groups.len().max(1);
        match action {
            TallyAction::Quit => return vec![TallyEffect::Quit],
            TallyAction::NextGroup => {
                self.group = (self.group + 1) % groups;
                self.scroll = 0;
            }
            TallyAction::PreviousGroup => {
                self.group = (self.group + groups - 1) % groups;
                self.scroll = 0;
            }
            TallyAction::Scroll(n) if n < 0 => {
                self.scroll = self
                    .scroll
                    .saturating_sub(u16::try_from(-n).unwrap_or(u16::MAX));
            }
            TallyAction::Scroll(n) => {
                self.scroll = self
                    .scroll
                    .saturating_add(u16::try_from(n).unwrap_or(u16::MAX));
            }
            TallyAction::Top => self.scroll = 0,
        }
        Vec::new()
    }

    /// Apply a key; returns true when the screen should close.
    pub fn handle(&mut self, key: KeyEvent) -> bool {
        map_key(key).is_some_and(|a| self.update(a).contains(&TallyEffect::Quit))
    }
}

impl Program for TallyScreen {
    type Action = TallyAction;
    type Effect = TallyEffect;

    fn update(&mut self, action: TallyAction) -> Vec<TallyEffect> {
        TallyScreen::update(self, action)
    }

    fn is_quit(effect: &TallyEffect) -> bool {
        *effect == TallyEffect::Quit
    }
}

/// The action a key means on the tally screen, if any.
pub fn map_key(key: KeyEvent) -> Option<TallyAction> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    Some(match key.code {
        KeyCode::Char('q') | KeyCode::Esc => TallyAction::Quit,
        KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => TallyAction::Quit,
        KeyCode::Right | KeyCode::Tab | KeyCode::Char('l') => TallyAction::NextGroup,
        KeyCode::Left | KeyCode::BackTab | KeyCode::Char('h') => TallyAction::PreviousGroup,
        KeyCode::Down | KeyCode::Char('j') => TallyAction::Scroll(1),
        KeyCode::Up | KeyCode::Char('k') => TallyAction::Scroll(-1),
        KeyCode::PageDown | KeyCode::Char(' ') => TallyAction::Scroll(10),
        KeyCode::PageUp => TallyAction::Scroll(-10),
        KeyCode::Home | KeyCode::Char('g') => TallyAction::Top,
        _ => return None,
    })
}

/// Show the tally in the terminal until `q`. The terminal is restored on return, on error
/// and on panic.
pub fn run(tally: Tally, no_color: bool) -> Result<(), ScreenError> {
    let mut terminal = terminal::enter(TerminalOptions::default())?;
    let mut screen = TallyScreen::new(tally, no_color);
    loop {
        terminal
            .draw(|f| screen.render(f))
            .map_err(ScreenError::io("drawing the tally"))?;
        if let Event::Key(key) = event::read().map_err(ScreenError::io("reading a key"))?
            && let Some(action) = map_key(key)
            && event_loop::drive(&mut screen, action, &mut |_, _| None)
        {
            return Ok(());
        }
    }
}

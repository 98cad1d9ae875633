//! Keys to lab [`Action`]s, by screen. On the picker printable keys type into the query, so
//! navigation there uses arrows and Ctrl keys; elsewhere vim keys work too. Knows nothing
//! about what an action does.

use crate::lab::action::Action;
use crate::lab::app::{LabApp, Screen};
use crate::lab::settings::Field;
use crate::lab::update::PAGE;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// The action a key means on the current screen, if any.
pub fn map_key(app: &LabApp, key: KeyEvent) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && key.code == KeyCode::Char('c') {
        return Some(Action::Quit);
    }
    if key.code == KeyCode::Esc {
        return Some(Action::Back);
    }
    match (key.code, ctrl) {
        (KeyCode::Up, _) => return Some(Action::MoveCursor(-1)),
        (KeyCode::Down, _) => return Some(Action::MoveCursor(1)),
        (KeyCode::PageUp, _) => return Some(Action::MoveCursor(-PAGE)),
        (KeyCode::PageDown, _) => return Some(Action::MoveCursor(PAGE)),
        (KeyCode::Home, _) => return Some(Action::MoveCursor(i32::MIN)),
        (KeyCode::End, _) => return Some(Action::MoveCursor(i32::MAX)),
        _ => {}
    }
    match app.screen {
        Screen::Picker => picker(key.code, ctrl),
        Screen::Settings => settings(app, key.code),
        Screen::Running => match key.code {
            KeyCode::Char('c') | KeyCode::Char('x') => Some(Action::CancelRun),
            KeyCode::Char('r') => Some(Action::ShowRuns),
            KeyCode::Char('q') => Some(Action::Back),
            _ => None,
        },
        Screen::Runs => match key.code {
            KeyCode::Char('j') => Some(Action::MoveCursor(1)),
            KeyCode::Char('k') => Some(Action::MoveCursor(-1)),
            KeyCode::Char('g') => Some(Action::MoveCursor(i32::MIN)),
            KeyCode::Char('G') => Some(Action::MoveCursor(i32::MAX)),
            KeyCode::Enter | KeyCode::Char('l') => Some(Action::OpenRun),
            KeyCode::Char('r') => Some(Action::ShowRuns),
            KeyCode::Char('q') | KeyCode::Char('h') => Some(Action::Back),
            _ => None,
        },
        Screen::RawVsStripped => match key.code {
            KeyCode::Char('j') | KeyCode::Tab => Some(Action::MoveCursor(1)),
            KeyCode::Char('k') | KeyCode::BackTab => Some(Action::MoveCursor(-1)),
            KeyCode::Char('g') => Some(Action::MoveCursor(i32::MIN)),
            KeyCode::Char('G') => Some(Action::MoveCursor(i32::MAX)),
            KeyCode::Char('q') | KeyCode::Char('h') => Some(Action::Back),
            _ => None,
        },
    }
}

fn picker(code: KeyCode, ctrl: bool) -> Option<Action> {
    match (code, ctrl) {
        (KeyCode::Char('p') | KeyCode::Char('k'), true) => Some(Action::MoveCursor(-1)),
        (KeyCode::Char('n') | KeyCode::Char('j'), true) => Some(Action::MoveCursor(1)),
        (KeyCode::Char('a'), true) => Some(Action::PickAllMatches),
        (KeyCode::Char('x'), true) => Some(Action::ClearPicks),
        (KeyCode::Char('r'), true) => Some(Action::ShowRuns),
        (KeyCode::Char('u'), true) => Some(Action::Back),
        (KeyCode::Char(c), false) => Some(Action::TypeQuery(c)),
        (KeyCode::Backspace, _) => Some(Action::EraseQuery),
        (KeyCode::Tab, _) => Some(Action::TogglePick),
        (KeyCode::Enter, _) => Some(Action::OpenSettings),
        _ => None,
    }
}

fn settings(app: &LabApp, code: KeyCode) -> Option<Action> {
    let on_model = app.settings.focused() == Field::Model;
    match code {
        KeyCode::Char('j') | KeyCode::Tab => Some(Action::MoveCursor(1)),
        KeyCode::Char('k') | KeyCode::BackTab => Some(Action::MoveCursor(-1)),
        KeyCode::Left | KeyCode::Char('h') if on_model => Some(Action::CycleModel(-1)),
        KeyCode::Right | KeyCode::Char('l') | KeyCode::Char(' ') if on_model => {
            Some(Action::CycleModel(1))
        }
        KeyCode::Char(c) if c.is_ascii_digit() || c == '.' => Some(Action::TypeField(c)),
        KeyCode::Backspace => Some(Action::EraseField),
        KeyCode::Enter => Some(Action::StartRun),
        KeyCode::Char('q') => Some(Action::Back),
        _ => None,
    }
}

/// The actions a bracketed paste means: its text typed into the picker's query (line breaks
/// and tabs as spaces) or, on the settings, the digits and points a number field takes.
/// Never a key that starts, cancels or leaves anything: a pasted Enter is not a run.
pub fn map_paste(app: &LabApp, text: &str) -> Vec<Action> {
    match app.screen {
        Screen::Picker => text
            .chars()
            .map(|c| if c.is_whitespace() { ' ' } else { c })
            .filter(|c| !c.is_control())
            .map(Action::TypeQuery)
            .collect(),
        Screen::Settings if app.settings.focused() != Field::Model => text
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == '.')
            .map(Action::TypeField)
            .collect(),
        _ => Vec::new(),
    }
}

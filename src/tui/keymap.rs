//! Keys and mouse events to [`Action`]s, by mode; and key names (for replay files) to key
//! events. Knows nothing about what an action does.

use super::action::{Action, FormKey};
use super::app::{App, Screen};
use crate::domain::{ErrorMode, Severity, StepLabel};
use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEvent, MouseEventKind,
};

/// A replay key name that is not a key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown key name {0:?} (expected a character, or Enter, Esc, Tab, BackTab, Space, Backspace, Up, Down, Left, Right, PgUp, PgDn, Home, End, Delete, Ctrl-<char>, Alt-<char>)"
)]
pub struct KeyNameError(pub String);

/// Parse a key name as written in replay files: `j`, `3`, `G`, `/`, `Enter`, `Esc`, `Tab`,
/// `Space`, `Backspace`, `Up`, `PgDn`, `Ctrl-c`, `Alt-x`. Names are case-insensitive;
/// single characters are taken as they are.
pub fn parse_key_name(name: &str) -> Result<KeyEvent, KeyNameError> {
    let err = || KeyNameError(name.to_string());
    let mut chars = name.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return Ok(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    }
    let lower = name.to_ascii_lowercase();
    for (prefix, m) in [
        ("ctrl-", KeyModifiers::CONTROL),
        ("alt-", KeyModifiers::ALT),
    ] {
        if let Some(rest) = lower.strip_prefix(prefix) {
            let mut cs = rest.chars();
            return match (cs.next(), cs.next()) {
                (Some(c), None) => Ok(KeyEvent::new(KeyCode::Char(c), m)),
                _ => Err(err()),
            };
        }
    }
    let code = match lower.as_str() {
        "enter" | "return" => KeyCode::Enter,
        "esc" | "escape" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "backtab" | "shift-tab" => KeyCode::BackTab,
        "space" => KeyCode::Char(' '),
        "backspace" => KeyCode::Backspace,
        "delete" | "del" => KeyCode::Delete,
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "pgup" | "pageup" => KeyCode::PageUp,
        "pgdn" | "pagedown" => KeyCode::PageDown,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        _ => return Err(err()),
    };
    Ok(KeyEvent::new(code, KeyModifiers::NONE))
}

/// Movement keys shared by every list-like mode.
fn movement(code: KeyCode) -> Option<Action> {
    Some(match code {
        KeyCode::Char('j') | KeyCode::Down => Action::MoveDown,
        KeyCode::Char('k') | KeyCode::Up => Action::MoveUp,
        KeyCode::Char('g') | KeyCode::Home => Action::MoveFirst,
        KeyCode::Char('G') | KeyCode::End => Action::MoveLast,
        KeyCode::PageDown => Action::PageDown,
        KeyCode::PageUp => Action::PageUp,
        _ => return None,
    })
}

/// Whether typed text goes into an input (a step note or the queue filter) rather than
/// acting as keys.
pub fn editing_text(app: &App) -> bool {
    app.help.is_none() && app.feedback.is_none() && (app.note.is_some() || app.filter.editing)
}

/// The action for text pasted into the terminal (bracketed paste): typed into the open note
/// or filter, and ignored anywhere else, so that pasted text can never judge a step.
pub fn map_paste(app: &App, text: &str) -> Option<Action> {
    (editing_text(app) && !super::geometry::too_small(app.area()))
        .then(|| Action::Paste(text.to_string()))
}

/// Like [`map_key`], for a key read while more input was already queued behind it. Keys that
/// arrive together are pasted text (a terminal without bracketed paste, `tmux send-keys`),
/// not a person typing: while a note or the filter is open, an Enter or Tab inside such a
/// burst becomes a space instead of submitting and letting the rest act as review keys.
pub fn map_key_queued(app: &App, key: KeyEvent, more_queued: bool) -> Option<Action> {
    let line_break = matches!(key.code, KeyCode::Enter | KeyCode::Tab)
        && key.modifiers.difference(KeyModifiers::SHIFT).is_empty();
    if more_queued && line_break && key.kind != KeyEventKind::Release && editing_text(app) {
        return map_paste(app, " ");
    }
    map_key(app, key)
}

/// The action a key stands for in the app's current mode, if any.
pub fn map_key(app: &App, key: KeyEvent) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    if key.modifiers.contains(KeyModifiers::ALT) {
        // Esc followed quickly by a key arrives as Alt+key: acting on the key would surprise
        // (Esc then w toggling the layout), and no command uses Alt.
        return None;
    }
    let code = key.code;
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        return match code {
            KeyCode::Char('c') | KeyCode::Char('q') => Some(Action::Quit),
            _ => None,
        };
    }
    if super::geometry::too_small(app.area()) {
        // Nothing is visible to act on: only leaving works.
        return (code == KeyCode::Char('q')).then_some(Action::Quit);
    }
    if app.feedback.is_some() {
        return match code {
            KeyCode::Enter | KeyCode::Esc | KeyCode::Char('q') => Some(Action::Cancel),
            KeyCode::Char(' ') => Some(Action::PageDown),
            _ => movement(code),
        };
    }
    if app.severity_menu {
        // Modal: only its own keys; a digit here never labels a step.
        return match code {
            KeyCode::Char('1') => Some(Action::ChooseSeverity(Some(Severity::Minor))),
            KeyCode::Char('2') => Some(Action::ChooseSeverity(Some(Severity::Major))),
            KeyCode::Char('3') => Some(Action::ChooseSeverity(Some(Severity::Harmful))),
            KeyCode::Char('0') => Some(Action::ChooseSeverity(None)),
            KeyCode::Esc | KeyCode::Char('s') | KeyCode::Char('q') => Some(Action::Cancel),
            _ => None,
        };
    }
    if app.help.is_some() {
        return match code {
            KeyCode::Esc | KeyCode::Char('?') | KeyCode::Char('q') => Some(Action::ToggleHelp),
            KeyCode::Char(' ') => Some(Action::PageDown),
            _ => movement(code),
        };
    }
    let editing = app.note.is_some() || app.filter.editing;
    if editing {
        return match code {
            KeyCode::Enter => Some(Action::TextSubmit),
            KeyCode::Esc => Some(Action::Cancel),
            KeyCode::Backspace => Some(Action::TextBackspace),
            KeyCode::Up if app.filter.editing => Some(Action::MoveUp),
            KeyCode::Down if app.filter.editing => Some(Action::MoveDown),
            KeyCode::Char(c) => Some(Action::TextInput(c)),
            _ => None,
        };
    }
    if code == KeyCode::Char('?') {
        return Some(Action::ToggleHelp);
    }
    match app.screen {
        Screen::Queue => match code {
            KeyCode::Enter | KeyCode::Char('l') | KeyCode::Right => Some(Action::OpenItem),
            KeyCode::Char('/') => Some(Action::StartFilter),
            KeyCode::Char('s') => Some(Action::CycleStatusFilter),
            KeyCode::Esc => Some(Action::Cancel),
            KeyCode::Char('q') => Some(Action::Back),
            _ => movement(code),
        },
        Screen::Review => review_key(code),
        Screen::CaseForm => form_key(code),
    }
}

fn item_common(code: KeyCode) -> Option<Action> {
    Some(match code {
        KeyCode::Char('q') => Action::Back,
        KeyCode::Char('u') => Action::Undo,
        KeyCode::Char('w') => Action::ToggleLayout,
        KeyCode::Char('v') => Action::ToggleCasePanel,
        KeyCode::Char(']') | KeyCode::PageDown => Action::PageDown,
        KeyCode::Char('[') | KeyCode::PageUp => Action::PageUp,
        KeyCode::Tab | KeyCode::BackTab => Action::ToggleCaseForm,
        _ => return None,
    })
}

fn review_key(code: KeyCode) -> Option<Action> {
    if let Some(a) = item_common(code) {
        return Some(a);
    }
    Some(match code {
        KeyCode::Char('1') => Action::JudgeStep(StepLabel::Sound),
        KeyCode::Char('2') => Action::JudgeStep(StepLabel::Neutral),
        KeyCode::Char('3') => Action::JudgeStep(StepLabel::Error),
        KeyCode::Char('0') => Action::JudgeStep(StepLabel::Abstain),
        KeyCode::Char('d') => Action::ToggleTag(ErrorMode::Drift),
        KeyCode::Char('r') => Action::ToggleTag(ErrorMode::RedFlag),
        KeyCode::Char('p') => Action::ToggleTag(ErrorMode::Priority),
        KeyCode::Char('o') => Action::ToggleTag(ErrorMode::Other),
        KeyCode::Char('s') => Action::OpenSeverity,
        KeyCode::Char('c') => Action::StartNote,
        KeyCode::Char('b') => Action::ToggleBadSplit,
        KeyCode::Char('f') => Action::ToggleCaseForm,
        KeyCode::Char('h') | KeyCode::Left => Action::MoveLeft,
        KeyCode::Char('l') | KeyCode::Right => Action::MoveRight,
        KeyCode::Esc => Action::Cancel,
        _ => return movement(code),
    })
}

fn form_key(code: KeyCode) -> Option<Action> {
    if let Some(a) = item_common(code) {
        return Some(a);
    }
    Some(match code {
        KeyCode::Char('y') => Action::FormInput(FormKey::Yes),
        KeyCode::Char('n') => Action::FormInput(FormKey::No),
        KeyCode::Char(' ') => Action::FormInput(FormKey::Toggle),
        KeyCode::Char('t') => Action::FormInput(FormKey::Tie),
        KeyCode::Char(c @ '1'..='5') => Action::FormInput(FormKey::Level(c as u8 - b'0')),
        KeyCode::Char('h') | KeyCode::Left => Action::MoveLeft,
        KeyCode::Char('l') | KeyCode::Right => Action::MoveRight,
        KeyCode::Enter => Action::TextSubmit,
        KeyCode::Esc | KeyCode::Char('f') => Action::Cancel,
        _ => return movement(code),
    })
}

/// The action a mouse event stands for: the wheel scrolls.
pub fn map_mouse(app: &App, ev: MouseEvent) -> Option<Action> {
    let n = match ev.kind {
        MouseEventKind::ScrollDown => 3,
        MouseEventKind::ScrollUp => -3,
        _ => return None,
    };
    if app.feedback.is_some() {
        return Some(Action::ScrollLines(n));
    }
    if app.severity_menu {
        return None;
    }
    let form = app.help.is_none() && app.screen == Screen::CaseForm;
    Some(match (form, n > 0) {
        (true, true) => Action::MoveDown,
        (true, false) => Action::MoveUp,
        (false, _) => Action::ScrollLines(n),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn key_names_parse() {
        let k = |n: &str| parse_key_name(n).unwrap();
        assert_eq!(k("j").code, KeyCode::Char('j'));
        assert_eq!(k("G").code, KeyCode::Char('G'));
        assert_eq!(k("Enter").code, KeyCode::Enter);
        assert_eq!(k("esc").code, KeyCode::Esc);
        assert_eq!(k("Space").code, KeyCode::Char(' '));
        let c = k("Ctrl-c");
        assert_eq!(
            (c.code, c.modifiers),
            (KeyCode::Char('c'), KeyModifiers::CONTROL)
        );
        assert!(parse_key_name("Hyper-x").is_err());
        assert!(parse_key_name("Enterr").is_err());
    }

    #[test]
    fn alt_keys_do_nothing_and_pastes_only_reach_open_inputs() {
        let mut app = App::new((80, 24));
        app.screen = Screen::Review;
        let alt_w = KeyEvent::new(KeyCode::Char('w'), KeyModifiers::ALT);
        assert_eq!(map_key(&app, alt_w), None);
        assert_eq!(map_paste(&app, "3"), None);
        let enter = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
        assert_eq!(
            map_key_queued(&app, enter, true),
            None,
            "Enter is not a review key"
        );
        app.note = Some(String::new());
        assert_eq!(map_paste(&app, "a\nb"), Some(Action::Paste("a\nb".into())));
        assert_eq!(
            map_key_queued(&app, enter, true),
            Some(Action::Paste(" ".into()))
        );
        assert_eq!(map_key_queued(&app, enter, false), Some(Action::TextSubmit));
        assert_eq!(map_key(&app, alt_w), None);
    }

    #[test]
    fn same_key_means_different_things_by_mode() {
        let mut app = App::new((80, 24));
        let l = KeyEvent::new(KeyCode::Char('l'), KeyModifiers::NONE);
        assert_eq!(map_key(&app, l), Some(Action::OpenItem));
        app.screen = Screen::Review;
        assert_eq!(map_key(&app, l), Some(Action::MoveRight));
        app.screen = Screen::CaseForm;
        assert_eq!(
            map_key(&app, l),
            Some(Action::MoveRight),
            "l moves a column"
        );
        app.note = Some(String::new());
        assert_eq!(map_key(&app, l), Some(Action::TextInput('l')));
        let cc = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(map_key(&app, cc), Some(Action::Quit));
    }
}

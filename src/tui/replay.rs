//! Headless replay: drives the same `App::update` and the same effect executor as the
//! terminal runtime, from a file of key names, without a terminal. Prints one line per saved
//! change (and per failure), and reports every key that had no effect with its line number.
//! Tests, benchmarks and crash-safety checks use it.

use super::action::Action;
use super::app::App;
use super::backend::ReviewBackend;
use super::badge::describe;
use super::executor::drive;
use super::form::describe_case;
use super::keymap::{KeyNameError, map_key, parse_key_name};
use crate::domain::UndoneChange;
use ratatui::crossterm::event::KeyEvent;
use std::io::Write;

/// The terminal size replay pretends to have.
pub const REPLAY_SIZE: (u16, u16) = (120, 40);

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReplaySummary {
    /// Keys read from the file (comments and blank lines excluded).
    pub keys: usize,
    /// Keys applied before a quit (or all of them).
    pub applied: usize,
    /// Saves the backend confirmed.
    pub saves: usize,
    /// Saves or loads that failed (refused stale saves included).
    pub failures: usize,
    /// Keys that changed nothing: `(line in the file, key name, what the status line said)`.
    pub no_effect: Vec<(usize, String, String)>,
    /// A key quit the session (Ctrl-c, or `q` on the queue).
    pub quit: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    #[error("replay keys: line {line}: {source}")]
    Key {
        line: usize,
        #[source]
        source: KeyNameError,
    },
    #[error("writing replay output")]
    Write(#[source] std::io::Error),
}

/// One output line for a result action, if it is a save or a failure.
fn describe_result(app: &App, action: &Action) -> Option<(String, bool)> {
    match action {
        Action::StepVerdictSaved {
            item,
            side,
            step_index,
            verdict,
            ..
        } => Some((
            format!(
                "saved item {item} {side} step {}: {}",
                step_index + 1,
                describe(verdict)
            ),
            true,
        )),
        Action::CaseVerdictSaved { item, verdict, .. } => {
            let n = app
                .open
                .as_ref()
                .map_or(verdict.red_flags[0].len(), |v| v.item.case.red_flags.len());
            Some((
                format!("saved item {item} case: {}", describe_case(verdict, n)),
                true,
            ))
        }
        Action::Undone {
            item,
            change:
                Some(UndoneChange::Step {
                    side,
                    step_index,
                    verdict,
                    ..
                }),
        } => Some((
            format!(
                "saved item {item} {side} step {} (undo): {}",
                step_index + 1,
                describe(verdict)
            ),
            true,
        )),
        Action::Undone {
            item,
            change: Some(UndoneChange::Case { verdict, .. }),
        } => {
            let n = app
                .open
                .as_ref()
                .map_or(verdict.red_flags[0].len(), |v| v.item.case.red_flags.len());
            Some((
                format!(
                    "saved item {item} case (undo): {}",
                    describe_case(verdict, n)
                ),
                true,
            ))
        }
        Action::SaveFailed { what, error } => Some((format!("failed {what}: {error}"), false)),
        Action::SaveStale { item, what } => Some((
            format!("failed item {item} {what}: changed in another session (reloaded)"),
            false,
        )),
        Action::Failed(e) => Some((format!("failed: {e}"), false)),
        _ => None,
    }
}

/// One key of a key file: its line number (from 1), its name as written, the key.
pub type KeyLine = (usize, String, KeyEvent);

/// Parse the key file: one key name per line; blank lines and lines starting with `# `
/// are skipped. A bad name fails the whole replay before anything is applied.
pub fn parse_keys(keys: &str) -> Result<Vec<KeyLine>, ReplayError> {
    let mut out = Vec::new();
    for (i, raw) in keys.lines().enumerate() {
        let name = raw.trim();
        if name.is_empty() || name.starts_with("# ") {
            continue;
        }
        let key = parse_key_name(name).map_err(|source| ReplayError::Key {
            line: i + 1,
            source,
        })?;
        out.push((i + 1, name.to_string(), key));
    }
    Ok(out)
}

/// The app with its status line and clock set aside: what a key must change to count.
fn state_without_status(app: &App) -> App {
    let mut a = app.clone();
    a.status = super::app::Status::info("");
    a.now_ms = 0;
    a
}

/// Replay `keys` (the file's contents) against `backend`, writing one line per saved change:
/// `saved item 3 left step 2: error severity=major tags=drift` (steps numbered as on screen,
/// from 1) or `saved item 3 case: answer_correct=yes,no …`. The end of the file acts like
/// Ctrl-c: the position is saved.
pub fn run_replay(
    backend: &mut dyn ReviewBackend,
    keys: &str,
    out: &mut dyn Write,
) -> Result<ReplaySummary, ReplayError> {
    let keys = parse_keys(keys)?;
    let mut summary = ReplaySummary {
        keys: keys.len(),
        ..ReplaySummary::default()
    };
    let mut app = App::new(REPLAY_SIZE);
    app.no_color = true;
    let mut write_err: Option<std::io::Error> = None;
    let mut observe = |app: &App, a: &Action| {
        if let Some((line, ok)) = describe_result(app, a) {
            if ok {
                summary.saves += 1;
            } else {
                summary.failures += 1;
            }
            if write_err.is_none()
                && let Err(e) = writeln!(out, "{line}").and_then(|()| out.flush())
            {
                write_err = Some(e);
            }
        }
    };
    let mut quit = drive(&mut app, backend, Action::Start, &mut observe);
    let mut no_effect = Vec::new();
    for (line, name, key) in keys {
        if quit {
            break;
        }
        let before = state_without_status(&app);
        if let Some(action) = map_key(&app, key) {
            quit = drive(&mut app, backend, action, &mut observe);
        }
        if !quit && state_without_status(&app) == before {
            no_effect.push((line, name, app.status.text.clone()));
        }
        summary.applied += 1;
    }
    summary.no_effect = no_effect;
    if !quit {
        drive(&mut app, backend, Action::Quit, &mut observe);
    }
    summary.quit = quit;
    if let Some(e) = write_err {
        return Err(ReplayError::Write(e));
    }
    Ok(summary)
}

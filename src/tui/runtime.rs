//! The interactive runtime of the review screens: the terminal (from [`crate::ui`]), the
//! event loop, and the clock. Keys become actions through the keymap; effects are performed
//! by the shared executor. The only review module that touches the terminal.

use super::action::Action;
use super::app::App;
use super::backend::{ReviewBackend, TuiOptions};
use super::executor::drive;
use super::keymap::{editing_text, map_key_queued, map_mouse, map_paste};
use super::views::render_app;
use crate::ui::terminal::{self, ScreenError, TerminalOptions};
use ratatui::crossterm::event::{self, Event, KeyCode};
use std::time::{Duration, Instant};

/// Run the review TUI until the reviewer quits. The terminal is restored on return, on
/// error and on panic.
pub fn run_tui(backend: &mut dyn ReviewBackend, opts: TuiOptions) -> Result<(), ScreenError> {
    let mut terminal = terminal::enter(TerminalOptions { mouse: opts.mouse })?;
    let size = terminal
        .size()
        .map_err(ScreenError::io("reading the terminal size"))?;
    let mut app = App::new((size.width, size.height));
    app.no_color = opts.no_color;
    let start = Instant::now();
    let mut quit = drive(&mut app, backend, Action::Start, &mut |_, _| {});
    while !quit {
        terminal
            .draw(|frame| render_app(frame, &app))
            .map_err(ScreenError::io("drawing the screen"))?;
        let action = match event::read().map_err(ScreenError::io("reading a key"))? {
            Event::Key(key) => {
                // Only an Enter or Tab into open text needs to know whether keys are queued
                // behind it (a paste without bracketed paste); polling costs nothing then.
                let queued = editing_text(&app)
                    && matches!(key.code, KeyCode::Enter | KeyCode::Tab)
                    && event::poll(Duration::ZERO).map_err(ScreenError::io("reading a key"))?;
                map_key_queued(&app, key, queued)
            }
            Event::Paste(text) => map_paste(&app, &text),
            Event::Mouse(m) => map_mouse(&app, m),
            Event::Resize(w, h) => Some(Action::Resize(w, h)),
            _ => None,
        };
        if let Some(action) = action {
            let now = u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX);
            let _ = app.update(Action::Tick(now));
            quit = drive(&mut app, backend, action, &mut |_, _| {});
        }
    }
    Ok(())
}

//! The interactive runtime: terminal setup and restore (on exit, on error and on panic), the
//! event loop, and the clock. Keys become actions through the keymap; effects are performed
//! by the shared executor. The only TUI module that touches the terminal.

use super::action::Action;
use super::app::App;
use super::backend::{ReviewBackend, TuiOptions};
use super::executor::drive;
use super::keymap::{editing_text, map_key_queued, map_mouse, map_paste};
use super::views::render_app;
use anyhow::Context;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    Event, KeyCode,
};
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::crossterm::{cursor, execute};
use std::io::{Stdout, stdout};
use std::sync::Once;
use std::time::{Duration, Instant};

static PANIC_HOOK: Once = Once::new();

/// Put the terminal back: raw mode off, mouse and bracketed paste released, main screen,
/// cursor shown. Errors are ignored: this runs on the way out, when nothing better can be done.
fn restore_terminal() {
    let _ = disable_raw_mode();
    let _ = execute!(
        stdout(),
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        cursor::Show
    );
}

/// Restore the terminal before the default panic message is printed.
fn install_panic_hook() {
    PANIC_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore_terminal();
            previous(info);
        }));
    });
}

/// Restores the terminal when dropped, so an early `?` return cannot leave it raw.
struct TerminalGuard;

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore_terminal();
    }
}

fn setup(opts: TuiOptions) -> anyhow::Result<Terminal<CrosstermBackend<Stdout>>> {
    enable_raw_mode().context("switching the terminal to raw mode")?;
    execute!(stdout(), EnterAlternateScreen).context("entering the alternate screen")?;
    // Pasted text then arrives as one `Event::Paste`, never as keys that could judge steps.
    execute!(stdout(), EnableBracketedPaste).context("enabling bracketed paste")?;
    if opts.mouse {
        execute!(stdout(), EnableMouseCapture).context("capturing the mouse")?;
    }
    Terminal::new(CrosstermBackend::new(stdout())).context("opening the terminal")
}

/// Run the review TUI until the reviewer quits. The terminal is restored on return, on
/// error and on panic.
pub fn run_tui(backend: &mut dyn ReviewBackend, opts: TuiOptions) -> anyhow::Result<()> {
    install_panic_hook();
    let _guard = TerminalGuard;
    let mut terminal = setup(opts)?;
    let size = terminal.size().context("reading the terminal size")?;
    let mut app = App::new((size.width, size.height));
    app.no_color = opts.no_color;
    let start = Instant::now();
    let mut quit = drive(&mut app, backend, Action::Start, &mut |_, _| {});
    while !quit {
        terminal
            .draw(|frame| render_app(frame, &app))
            .context("drawing the screen")?;
        let action = match event::read().context("reading a key")? {
            Event::Key(key) => {
                // Only an Enter or Tab into open text needs to know whether keys are queued
                // behind it (a paste without bracketed paste); polling costs nothing then.
                let queued = editing_text(&app)
                    && matches!(key.code, KeyCode::Enter | KeyCode::Tab)
                    && event::poll(Duration::ZERO).context("reading a key")?;
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

//! The terminal, set up and restored the same way for every screen: raw mode, the alternate
//! screen, bracketed paste (pasted text arrives as one event, never as keys that could judge
//! a step or start a run), optionally the mouse. It is restored when the [`Session`] drops
//! (return, `?`, error) and by the panic hook, installed before the terminal is touched,
//! unless the panic is one that [`crate::primitives::panic::catch_quietly`] is catching
//! (the program goes on drawing then, so the terminal must stay as it is).

use crate::primitives::panic::caught_here;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::crossterm::{cursor, execute};
use std::io::{Stdout, stdout};
use std::ops::{Deref, DerefMut};
use std::sync::Once;
use std::sync::atomic::{AtomicUsize, Ordering};

static PANIC_HOOK: Once = Once::new();
static RESTORES: AtomicUsize = AtomicUsize::new(0);

/// How many times the terminal was restored in this process (a diagnostic for tests).
pub fn restore_count() -> usize {
    RESTORES.load(Ordering::SeqCst)
}

/// Put the terminal back: raw mode off, mouse and bracketed paste released, main screen,
/// cursor shown. Errors are ignored: this runs on the way out, when nothing better can be
/// done.
pub fn restore() {
    RESTORES.fetch_add(1, Ordering::SeqCst);
    let _ = disable_raw_mode();
    let _ = execute!(
        stdout(),
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        cursor::Show
    );
}

/// Install, once per process, the hook that restores the terminal before the default panic
/// message is printed. A panic being caught on purpose passes straight through: the
/// terminal is left as it is and nothing is printed over the screen.
pub fn install_panic_hook() {
    PANIC_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if caught_here() {
                return;
            }
            restore();
            previous(info);
        }));
    });
}

/// What a screen needs from the terminal besides the keys.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TerminalOptions {
    /// Capture the mouse (wheel scrolling, clicks).
    pub mouse: bool,
}

/// The ratatui terminal every screen draws on.
pub type Tui = Terminal<CrosstermBackend<Stdout>>;

/// A terminal in raw mode on the alternate screen; restored when dropped.
pub struct Session {
    terminal: Tui,
}

impl Drop for Session {
    fn drop(&mut self) {
        restore();
    }
}

impl Deref for Session {
    type Target = Tui;
    fn deref(&self) -> &Tui {
        &self.terminal
    }
}

impl DerefMut for Session {
    fn deref_mut(&mut self) -> &mut Tui {
        &mut self.terminal
    }
}

/// Why the terminal could not be set up.
#[derive(Debug, thiserror::Error)]
#[error("{what}: {source}")]
pub struct TerminalError {
    what: &'static str,
    #[source]
    source: std::io::Error,
}

/// Why a screen's loop stopped: the terminal could not be set up, or drawing or reading a
/// key failed (`what` says which).
#[derive(Debug, thiserror::Error)]
pub enum ScreenError {
    #[error(transparent)]
    Setup(#[from] TerminalError),
    #[error("{what}")]
    Io {
        what: &'static str,
        #[source]
        source: std::io::Error,
    },
}

impl ScreenError {
    /// An I/O failure while doing `what` ("drawing the screen", "reading a key").
    pub fn io(what: &'static str) -> impl FnOnce(std::io::Error) -> ScreenError {
        move |source| ScreenError::Io { what, source }
    }
}

/// Install the panic hook, then take over the terminal. On any failure the terminal is
/// restored before the error returns.
pub fn enter(opts: TerminalOptions) -> Result<Session, TerminalError> {
    install_panic_hook();
    let err = |what| move |source| TerminalError { what, source };
    enable_raw_mode().map_err(err("switching the terminal to raw mode"))?;
    // From here a failure restores through the guard's drop.
    struct Partial;
    impl Drop for Partial {
        fn drop(&mut self) {
            restore();
        }
    }
    let partial = Partial;
    execute!(stdout(), EnterAlternateScreen).map_err(err("entering the alternate screen"))?;
    execute!(stdout(), EnableBracketedPaste).map_err(err("enabling bracketed paste"))?;
    if opts.mouse {
        execute!(stdout(), EnableMouseCapture).map_err(err("capturing the mouse"))?;
    }
    let terminal =
        Terminal::new(CrosstermBackend::new(stdout())).map_err(err("opening the terminal"))?;
    std::mem::forget(partial);
    Ok(Session { terminal })
}

//! The lab's terminal loop: the shared terminal (from [`crate::ui`], bracketed paste on),
//! then poll keys with a short timeout, drain the worker's channel, update, and draw only
//! when something changed. The only lab module that touches the terminal; it never waits on
//! inference.

use crate::lab::action::Action;
use crate::lab::app::LabApp;
use crate::lab::effect::Effect;
use crate::lab::executor::perform;
use crate::lab::keymap::{map_key, map_paste};
use crate::lab::views::render;
use crate::lab::worker::{Poll, Worker};
use crate::storage::Store;
use crate::ui::event_loop::{self, Program};
use crate::ui::terminal::{self, ScreenError, TerminalOptions};
use ratatui::crossterm::event::{self, Event};
use std::time::Duration;

/// How long to wait for a key before looking at the worker again.
const TICK: Duration = Duration::from_millis(30);
/// Most worker actions applied between two frames, so a fast model cannot starve the keys.
const DRAIN_MAX: usize = 4096;

impl Program for LabApp {
    type Action = Action;
    type Effect = Effect;

    fn update(&mut self, action: Action) -> Vec<Effect> {
        LabApp::update(self, action)
    }

    fn is_quit(effect: &Effect) -> bool {
        *effect == Effect::Quit
    }
}

/// Apply `action` and every effect it leads to, in order. Returns true on `Quit`.
pub fn drive(app: &mut LabApp, store: &Store, worker: &Worker, action: Action) -> bool {
    event_loop::drive(app, action, &mut |_, effect| perform(store, worker, effect))
}

/// Why the lab stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum LabError {
    #[error(transparent)]
    Screen(#[from] ScreenError),
    #[error("the inference worker stopped unexpectedly; finished cases are saved")]
    WorkerStopped,
}

/// How long quitting waits for a cancelled case to stop before leaving it to the process exit.
const QUIT_GRACE: Duration = Duration::from_secs(2);

/// Run the lab until the researcher quits. Quitting cancels the batch and gives the worker a
/// moment to stop; finished cases are already saved and a run is written in one transaction,
/// so nothing is left half-written either way.
pub fn run_lab(mut app: LabApp, store: &Store, worker: Worker) -> Result<(), LabError> {
    let mut terminal =
        terminal::enter(TerminalOptions { mouse: false }).map_err(ScreenError::from)?;
    let size = terminal
        .size()
        .map_err(ScreenError::io("reading the terminal size"))?;
    app.update(Action::Resize(size.width, size.height));
    let mut dirty = true;
    'run: loop {
        if dirty {
            terminal
                .draw(|frame| render(frame, &app))
                .map_err(ScreenError::io("drawing the screen"))?;
            dirty = false;
        }
        if event::poll(TICK).map_err(ScreenError::io("waiting for a key"))? {
            let actions = match event::read().map_err(ScreenError::io("reading a key"))? {
                Event::Key(key) => map_key(&app, key).into_iter().collect(),
                Event::Paste(text) => map_paste(&app, &text),
                Event::Resize(w, h) => vec![Action::Resize(w, h)],
                _ => Vec::new(),
            };
            for a in actions {
                dirty = true;
                if drive(&mut app, store, &worker, a) {
                    break 'run;
                }
            }
        }
        for _ in 0..DRAIN_MAX {
            match worker.poll() {
                Poll::Action(a) => {
                    dirty = true;
                    drive(&mut app, store, &worker, a);
                }
                Poll::Empty => break,
                Poll::Stopped if app.busy() => return Err(LabError::WorkerStopped),
                Poll::Stopped => break,
            }
        }
    }
    drop(terminal);
    worker.shutdown(QUIT_GRACE);
    Ok(())
}

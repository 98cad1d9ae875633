//! The lab's terminal loop: set the terminal up (ratatui's `try_init`, whose panic hook
//! restores it), then poll keys with a short timeout, drain the worker's channel, update,
//! and draw only when something changed. The only lab module that touches the terminal;
//! it never waits on inference.

use crate::lab::action::Action;
use crate::lab::app::LabApp;
use crate::lab::effect::Effect;
use crate::lab::executor::perform;
use crate::lab::keymap::map_key;
use crate::lab::views::render;
use crate::lab::worker::{Poll, Worker};
use crate::storage::Store;
use anyhow::{Context, bail};
use ratatui::crossterm::event::{self, Event};
use std::collections::VecDeque;
use std::time::Duration;

/// How long to wait for a key before looking at the worker again.
const TICK: Duration = Duration::from_millis(30);
/// Most worker actions applied between two frames, so a fast model cannot starve the keys.
const DRAIN_MAX: usize = 4096;

/// Restores the terminal when dropped, so an early `?` return cannot leave it raw.
struct TerminalGuard;

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        ratatui::restore();
    }
}

/// Apply `action` and every effect it leads to, in order. Returns true on `Quit`.
pub fn drive(app: &mut LabApp, store: &Store, worker: &Worker, action: Action) -> bool {
    let mut quit = false;
    let mut queue = VecDeque::from([action]);
    while let Some(a) = queue.pop_front() {
        for effect in app.update(a) {
            if effect == Effect::Quit {
                quit = true;
                continue;
            }
            if let Some(result) = perform(store, worker, effect) {
                queue.push_back(result);
            }
        }
    }
    quit
}

/// How long quitting waits for a cancelled case to stop before leaving it to the process exit.
const QUIT_GRACE: Duration = Duration::from_secs(2);

/// Run the lab until the researcher quits. Quitting cancels the batch and gives the worker a
/// moment to stop; finished cases are already saved and a run is written in one transaction,
/// so nothing is left half-written either way.
pub fn run_lab(mut app: LabApp, store: &Store, worker: Worker) -> anyhow::Result<()> {
    let mut terminal = ratatui::try_init().context("opening the terminal")?;
    let _guard = TerminalGuard;
    let size = terminal.size().context("reading the terminal size")?;
    app.update(Action::Resize(size.width, size.height));
    let mut dirty = true;
    loop {
        if dirty {
            terminal
                .draw(|frame| render(frame, &app))
                .context("drawing the screen")?;
            dirty = false;
        }
        if event::poll(TICK).context("waiting for a key")? {
            let action = match event::read().context("reading a key")? {
                Event::Key(key) => map_key(&app, key),
                Event::Resize(w, h) => Some(Action::Resize(w, h)),
                _ => None,
            };
            if let Some(a) = action {
                dirty = true;
                if drive(&mut app, store, &worker, a) {
                    break;
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
                Poll::Stopped if app.busy() => {
                    bail!("the inference worker stopped unexpectedly; finished cases are saved")
                }
                Poll::Stopped => break,
            }
        }
    }
    worker.shutdown(QUIT_GRACE);
    Ok(())
}

//! `LabApp::update`: the one place lab state changes (pure). Takes an action, returns the
//! effects for the runtime to perform. Must not block, read the clock or touch I/O.

use crate::domain::ModelSource;
use crate::lab::action::Action;
use crate::lab::app::{Batch, LabApp, Outcome, Phase, RawState, Screen};
use crate::lab::effect::{BatchRequest, Effect};
use crate::lab::picker::filter;
use crate::lab::settings::Field;

/// Rows a PgUp/PgDn moves.
pub const PAGE: i32 = 10;

fn step(cursor: usize, delta: i32, len: usize) -> usize {
    if len == 0 {
        return 0;
    }
    let max = len - 1;
    if delta < 0 {
        cursor.saturating_sub(delta.unsigned_abs() as usize)
    } else {
        cursor.saturating_add(delta as usize).min(max)
    }
    .min(max)
}

impl LabApp {
    /// Apply `action`; the effects the runtime must perform, in order.
    pub fn update(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Resize(w, h) => {
                self.size = (w, h);
                vec![]
            }
            Action::Quit => self.quit(),
            Action::Back => self.back(),
            Action::TypeQuery(c) => {
                self.picker.query.push(c);
                self.refilter();
                vec![]
            }
            Action::EraseQuery => {
                self.picker.query.pop();
                self.refilter();
                vec![]
            }
            Action::MoveCursor(d) => {
                self.move_cursor(d);
                vec![]
            }
            Action::TogglePick => {
                self.toggle_pick();
                vec![]
            }
            Action::PickAllMatches => {
                let ids: Vec<_> = self
                    .picker
                    .matches
                    .iter()
                    .filter_map(|m| self.cases.get(m.case).map(|c| c.id.clone()))
                    .collect();
                for id in ids {
                    if !self.picker.picked.contains(&id) {
                        self.picker.picked.push(id);
                    }
                }
                self.info(format!("{} case(s) picked", self.picker.picked.len()));
                vec![]
            }
            Action::ClearPicks => {
                self.picker.picked.clear();
                self.info("no case picked");
                vec![]
            }
            Action::OpenSettings => self.open_settings(),
            Action::CycleModel(d) => {
                let n = self.models.len();
                if n > 0 && self.screen == Screen::Settings {
                    let cur = self.settings.model as i64;
                    self.settings.model = (cur + i64::from(d)).rem_euclid(n as i64) as usize;
                    self.settings.error = None;
                }
                vec![]
            }
            Action::TypeField(c) => {
                self.settings.type_char(c);
                vec![]
            }
            Action::EraseField => {
                self.settings.erase();
                vec![]
            }
            Action::StartRun => self.start_run(),
            Action::CancelRun => self.cancel(),
            Action::ShowRuns => {
                if self.busy() {
                    self.error("a batch is running: c cancels it");
                    return vec![];
                }
                self.screen = Screen::Runs;
                vec![Effect::LoadRuns]
            }
            Action::OpenRun => match self.runs.rows.get(self.runs.cursor) {
                Some(r) => vec![Effect::OpenRun(r.id)],
                None => {
                    self.error("no run to open");
                    vec![]
                }
            },
            other => {
                self.apply_result(other);
                vec![]
            }
        }
    }

    fn quit(&mut self) -> Vec<Effect> {
        if self.busy() {
            vec![Effect::CancelBatch, Effect::Quit]
        } else {
            vec![Effect::Quit]
        }
    }

    fn back(&mut self) -> Vec<Effect> {
        match self.screen {
            Screen::Picker if !self.picker.query.is_empty() => {
                self.picker.query.clear();
                self.refilter();
            }
            Screen::Picker => return self.quit(),
            Screen::Settings | Screen::Runs => self.screen = Screen::Picker,
            Screen::Running if self.busy() => self.error("a batch is running: c cancels it"),
            Screen::Running => self.screen = Screen::Picker,
            Screen::RawVsStripped => self.screen = Screen::Runs,
        }
        vec![]
    }

    fn refilter(&mut self) {
        self.picker.matches = filter(&self.cases, &self.picker.query);
        self.picker.cursor = 0;
    }

    fn move_cursor(&mut self, d: i32) {
        match self.screen {
            Screen::Picker => {
                self.picker.cursor = step(self.picker.cursor, d, self.picker.matches.len());
            }
            Screen::Settings => {
                self.settings.focus = step(self.settings.focus, d, Field::ALL.len());
            }
            Screen::Runs => self.runs.cursor = step(self.runs.cursor, d, self.runs.rows.len()),
            Screen::RawVsStripped => {
                if let Some(r) = &mut self.raw {
                    r.focus = step(r.focus, d, r.steps());
                }
            }
            Screen::Running => {}
        }
    }

    fn toggle_pick(&mut self) {
        let Some(id) = self.cursor_case().map(|c| c.id.clone()) else {
            return;
        };
        if let Some(i) = self.picker.picked.iter().position(|p| *p == id) {
            self.picker.picked.remove(i);
        } else {
            self.picker.picked.push(id);
        }
        self.picker.cursor = step(self.picker.cursor, 1, self.picker.matches.len());
    }

    fn open_settings(&mut self) -> Vec<Effect> {
        if self.busy() {
            self.screen = Screen::Running;
            return vec![];
        }
        if self.picker.picked.is_empty()
            && let Some(id) = self.cursor_case().map(|c| c.id.clone())
        {
            self.picker.picked.push(id);
        }
        if self.picker.picked.is_empty() {
            self.error("no case to run: type to find one, Tab picks it");
            return vec![];
        }
        if self.models.is_empty() {
            self.error("no model registered: add one with `blindstep models add`");
            return vec![];
        }
        self.screen = Screen::Settings;
        self.info(format!(
            "{} case(s) picked · Enter runs",
            self.picker.picked.len()
        ));
        vec![]
    }

    fn start_run(&mut self) -> Vec<Effect> {
        if self.busy() {
            self.error("a batch is already running");
            return vec![];
        }
        let settings = match self.settings.parse() {
            Ok(s) => s,
            Err(e) => {
                self.settings.focus = Field::ALL.iter().position(|f| *f == e.field).unwrap_or(0);
                self.error(e.to_string());
                self.settings.error = Some(e);
                return vec![];
            }
        };
        let Some(model) = self.chosen_model().cloned() else {
            self.error("no model chosen");
            return vec![];
        };
        if model.source == ModelSource::OutputsOnly {
            self.error(format!(
                "model {:?} has no local path or endpoint: it can only be imported",
                model.name
            ));
            return vec![];
        }
        let cases: Vec<_> = self
            .picker
            .picked
            .iter()
            .filter_map(|id| self.case(id).cloned())
            .collect();
        if cases.is_empty() {
            self.error("no case picked");
            return vec![];
        }
        self.batch = Some(Batch::new(
            model.name.clone(),
            cases.iter().map(|c| c.id.clone()).collect(),
        ));
        self.screen = Screen::Running;
        self.info(format!("loading model {}…", model.name));
        vec![Effect::StartBatch(Box::new(BatchRequest {
            model,
            cases,
            settings,
        }))]
    }

    fn cancel(&mut self) -> Vec<Effect> {
        match &mut self.batch {
            Some(b) if !b.phase.is_over() && b.phase != Phase::Cancelling => {
                b.phase = Phase::Cancelling;
                self.info("cancelling… (the case in progress will not be saved)");
                vec![Effect::CancelBatch]
            }
            _ => vec![],
        }
    }

    /// Results from the worker and the runtime.
    fn apply_result(&mut self, action: Action) {
        match action {
            Action::RunsLoaded(rows) => {
                let last_saved = self.batch.as_ref().and_then(|b| {
                    b.outcomes.iter().rev().find_map(|(_, o)| match o {
                        Outcome::Saved { run, .. } => Some(*run),
                        _ => None,
                    })
                });
                self.runs.cursor = last_saved
                    .and_then(|id| rows.iter().position(|r| r.id == id))
                    .unwrap_or(self.runs.cursor)
                    .min(rows.len().saturating_sub(1));
                self.runs.rows = rows;
                self.runs.loaded = true;
                self.info(format!("{} run(s) stored", self.runs.rows.len()));
            }
            Action::RunOpened(view) => {
                self.raw = Some(RawState {
                    view: *view,
                    focus: 0,
                });
                self.screen = Screen::RawVsStripped;
                self.info("j/k walk the steps; the raw text they came from is highlighted");
            }
            Action::Failed(msg) => self.error(msg),
            other => self.apply_worker(other),
        }
    }

    fn apply_worker(&mut self, action: Action) {
        let Some(b) = &mut self.batch else {
            return;
        };
        let status = match action {
            Action::ModelLoading { model } => Some((false, format!("loading model {model}…"))),
            Action::ModelLoaded { identity } => {
                b.identity = Some(identity);
                if b.phase == Phase::Loading {
                    b.phase = Phase::Generating;
                }
                Some((false, "model loaded".to_string()))
            }
            Action::CaseStarted { case } => {
                let msg = format!("generating {case}…");
                b.current = Some(case);
                b.text.clear();
                b.tokens = 0;
                b.tokens_per_second = None;
                Some((false, msg))
            }
            Action::Token { case, text } => {
                if b.current.as_ref() == Some(&case) {
                    b.text.push_str(&text);
                }
                None
            }
            Action::Progress {
                case,
                tokens,
                tokens_per_second,
            } => {
                if b.current.as_ref() == Some(&case) {
                    b.tokens = tokens;
                    b.tokens_per_second = Some(tokens_per_second);
                }
                None
            }
            Action::RunFinished {
                case,
                run_id,
                tokens_per_second,
            } => {
                let msg = format!("{case} saved as run {run_id} · {tokens_per_second:.1} tok/s");
                b.tokens_per_second = Some(tokens_per_second);
                b.outcomes.push((
                    case,
                    Outcome::Saved {
                        run: run_id,
                        tokens_per_second,
                    },
                ));
                Some((false, msg))
            }
            Action::RunFailed { case, error } => {
                let msg = format!("{case} failed: {error}");
                b.outcomes.push((case, Outcome::Failed(error)));
                Some((true, msg))
            }
            Action::Cancelled { case } => {
                b.phase = Phase::Cancelling;
                let msg = match case {
                    Some(c) => {
                        let m = format!("cancelled: {c} was not saved");
                        b.outcomes.push((c, Outcome::Cancelled));
                        m
                    }
                    None => "cancelled".to_string(),
                };
                Some((false, msg))
            }
            Action::BatchFinished => {
                let cancelled = b.phase == Phase::Cancelling;
                b.phase = if cancelled {
                    Phase::Cancelled
                } else {
                    Phase::Finished
                };
                let not_run = b.cases.len().saturating_sub(b.done());
                let mean = b
                    .mean_tokens_per_second()
                    .map(|t| format!(" · mean {t:.1} tok/s"))
                    .unwrap_or_default();
                let head = if cancelled { "cancelled" } else { "done" };
                Some((
                    b.failed() > 0,
                    format!(
                        "{head}: {} saved, {} failed, {not_run} not run{mean} · r runs · Esc picker",
                        b.saved(),
                        b.failed()
                    ),
                ))
            }
            _ => None,
        };
        match status {
            Some((true, m)) => self.error(m),
            Some((false, m)) if self.batch.as_ref().is_some_and(|b| b.phase.is_over()) => {
                self.done(m)
            }
            Some((false, m)) => self.info(m),
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_clamps_both_ways() {
        assert_eq!(step(0, -1, 5), 0);
        assert_eq!(step(3, 10, 5), 4);
        assert_eq!(step(3, -2, 5), 1);
        assert_eq!(step(0, 1, 0), 0);
    }
}

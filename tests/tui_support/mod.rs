//! Shared setup for the TUI tests: a fictional two-model study held in memory behind
//! `ReviewBackend`. The model names, run ids and timings live only here, in the backend's
//! private bookkeeping; they never enter a `BlindItem`, which is what the screens receive.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use blindstep::domain::{
    BlindChain, BlindItem, BlindStep, Case, CaseId, CaseVerdict, EventId, ItemId, QueueEntry,
    RedFlag, ReviewCursor, Side, Specialty, StepVerdict, Task, UndoneChange,
};
use blindstep::tui::backend::{BackendError, BackendResult};
use blindstep::tui::{App, ReviewBackend, render_app};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::collections::BTreeMap;

/// Strings that must never reach a review screen.
pub const SECRETS: &[&str] = &[
    "secret-model-x",
    "secret-model-y",
    "run-7781",
    "run-9902",
    "31.7 tok/s",
    "1834 ms",
    "teacher",
];

/// What the backend recorded, one entry per save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Saved {
    Step {
        item: ItemId,
        side: Side,
        step: usize,
        verdict: StepVerdict,
        ms: u64,
    },
    Case {
        item: ItemId,
        verdict: CaseVerdict,
    },
}

pub struct MemBackend {
    pub items: Vec<BlindItem>,
    /// Which model wrote each side, with its provenance: test bookkeeping only.
    pub provenance: BTreeMap<ItemId, [(&'static str, &'static str, &'static str); 2]>,
    pub events: Vec<Saved>,
    pub cursor: Option<ReviewCursor>,
    pub cursor_saves: usize,
    /// Fail this many upcoming saves.
    pub fail_saves: usize,
    pub feedback: Option<Vec<String>>,
    /// Every change with the verdict before it, and whether it was undone (the store's log).
    pub changes: Vec<(Change, bool)>,
}

/// One change in the backend's log: what it replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Step {
        item: ItemId,
        side: Side,
        step: usize,
        before: StepVerdict,
    },
    Case {
        item: ItemId,
        before: CaseVerdict,
    },
}

fn case(n: usize) -> Case {
    let mut options = BTreeMap::new();
    for (l, t) in [
        ("A", "Migraine without aura"),
        ("B", "Tension-type headache"),
        ("C", "Subarachnoid haemorrhage"),
        ("D", "Cluster headache"),
        ("E", "Idiopathic intracranial hypertension"),
    ] {
        options.insert(l.to_string(), t.to_string());
    }
    let titles = [
        "Sudden severe headache at the gym",
        "Breathless after a long flight",
        "Fever and rash in a toddler",
        "Right iliac fossa pain in a teenager",
    ];
    Case {
        id: CaseId::new(format!("test-case-{n:02}")),
        title: titles[n % titles.len()].to_string(),
        specialty: [
            Specialty::Neurology,
            Specialty::InternalMedicine,
            Specialty::Pediatrics,
            Specialty::Surgery,
        ][n % 4],
        incidence: None,
        vignette: "A 47-year-old woman develops a sudden, severe occipital headache while lifting \
                   weights, reaching maximal intensity within a minute. She vomits twice. On \
                   examination she is drowsy but orientated, BP 168/94 mmHg, pulse 58/min, with \
                   neck stiffness and no focal neurological deficit. She has no history of \
                   headaches and takes no regular medication."
            .to_string(),
        question: "What is the most likely diagnosis?".to_string(),
        task: Task::Mcq {
            options,
            answer: "C".to_string(),
        },
        red_flags: vec![
            RedFlag {
                finding: "Thunderclap onset, worst headache of life".into(),
                action: "Urgent non-contrast CT head".into(),
            },
            RedFlag {
                finding: "Neck stiffness".into(),
                action: "Treat as SAH or meningitis until excluded".into(),
            },
        ],
        must_not_miss: vec!["Subarachnoid haemorrhage".into()],
        priority: vec![
            "Subarachnoid haemorrhage".into(),
            "Migraine without aura".into(),
        ],
        source: "blindstep tests (fictional)".into(),
        licence: "CC0".into(),
        must_not_miss_synonyms: Default::default(),
        aliases: Vec::new(),
        stage: Default::default(),
        variant_of: None,
    }
}

const LEFT_STEPS: &[&str] = &[
    "Sudden severe headache peaking within a minute is a thunderclap headache.",
    "Thunderclap headache with vomiting and neck stiffness points to subarachnoid haemorrhage until proven otherwise.",
    "Raised blood pressure with a relative bradycardia can reflect raised intracranial pressure.",
    "The absence of a focal deficit does not exclude subarachnoid haemorrhage.",
    "Migraine is unlikely as a first presentation at 47 with maximal onset in a minute.",
    "The answer is C, subarachnoid haemorrhage; urgent non-contrast CT head is needed.",
];

const RIGHT_STEPS: &[&str] = &[
    "Headache during exertion is common and usually benign.",
    "Vomiting often accompanies migraine attacks.",
    "Neck stiffness can be due to muscle tension after weightlifting.",
    "The blood pressure is raised because of pain.",
    "The most likely diagnosis is migraine without aura, option A.",
];

fn chain(steps: &[&str], n: usize, answer: &str) -> BlindChain {
    BlindChain {
        steps: (0..n)
            .map(|i| BlindStep {
                text: steps[i % steps.len()].to_string(),
            })
            .collect(),
        answer: Some(answer.to_string()),
        differential: vec![],
        cut_off: false,
    }
}

/// An item with `left` and `right` steps.
pub fn blind_item(id: i64, position: u32, left: usize, right: usize) -> BlindItem {
    BlindItem {
        item: ItemId(id),
        position,
        case: case(position as usize),
        chains: [chain(LEFT_STEPS, left, "C"), chain(RIGHT_STEPS, right, "A")],
        verdicts: [
            vec![StepVerdict::default(); left],
            vec![StepVerdict::default(); right],
        ],
        case_verdict: CaseVerdict::default(),
        events: Default::default(),
    }
}

impl MemBackend {
    /// Four items in shuffled order (positions 0..4 for ids 12, 5, 33, 8).
    pub fn study() -> MemBackend {
        let items = vec![
            blind_item(12, 0, 6, 5),
            blind_item(5, 1, 6, 5),
            blind_item(33, 2, 3, 2),
            blind_item(8, 3, 4, 4),
        ];
        let mut provenance = BTreeMap::new();
        for (k, it) in items.iter().enumerate() {
            let a = ("secret-model-x", "run-7781", "31.7 tok/s");
            let b = ("secret-model-y", "run-9902", "1834 ms");
            provenance.insert(it.item, if k % 2 == 0 { [a, b] } else { [b, a] });
        }
        MemBackend {
            items,
            provenance,
            events: Vec::new(),
            cursor: None,
            cursor_saves: 0,
            fail_saves: 0,
            feedback: None,
            changes: Vec::new(),
        }
    }

    /// Another session of the same reviewer saves this step verdict (not through `App`).
    pub fn external_step(&mut self, item: ItemId, side: Side, step: usize, verdict: StepVerdict) {
        let n = self.events.len() as i64 + 1;
        let it = self.item_mut(item).unwrap();
        let before = std::mem::replace(&mut it.verdicts[side.index()][step], verdict.clone());
        it.events.set_step(side, step, EventId(1000 + n));
        self.changes.push((
            Change::Step {
                item,
                side,
                step,
                before,
            },
            false,
        ));
        self.events.push(Saved::Step {
            item,
            side,
            step,
            verdict,
            ms: 0,
        });
    }

    pub fn item_mut(&mut self, id: ItemId) -> Option<&mut BlindItem> {
        self.items.iter_mut().find(|i| i.item == id)
    }

    fn fail(&mut self) -> BackendResult<()> {
        if self.fail_saves > 0 {
            self.fail_saves -= 1;
            return Err(BackendError::Refused("database is locked".into()));
        }
        Ok(())
    }
}

impl ReviewBackend for MemBackend {
    fn queue(&mut self) -> BackendResult<Vec<QueueEntry>> {
        Ok(self
            .items
            .iter()
            .map(|it| QueueEntry {
                item: it.item,
                position: it.position,
                case_id: it.case.id.clone(),
                title: it.case.title.clone(),
                specialty: it.case.specialty.to_string(),
                steps_total: it.chains[0].steps.len() + it.chains[1].steps.len(),
                steps_judged: it
                    .verdicts
                    .iter()
                    .flatten()
                    .filter(|v| v.label.is_some())
                    .count(),
                case_verdict_complete: it.case_verdict.is_complete(it.case.red_flags.len()),
                search_text: format!("{}\n{}", it.case.question, it.case.vignette),
            })
            .collect())
    }

    fn load_item(&mut self, item: ItemId) -> BackendResult<BlindItem> {
        self.items
            .iter()
            .find(|i| i.item == item)
            .cloned()
            .ok_or_else(|| BackendError::Missing(format!("no item {item}")))
    }

    fn save_step_verdict(
        &mut self,
        item: ItemId,
        side: Side,
        step_index: usize,
        verdict: &StepVerdict,
        base: Option<EventId>,
        ms_spent: u64,
    ) -> BackendResult<EventId> {
        self.fail()?;
        let id = EventId(self.events.len() as i64 + 1);
        let it = self
            .item_mut(item)
            .ok_or_else(|| BackendError::Missing(format!("no item {item}")))?;
        if it.events.step(side, step_index) != base {
            return Err(BackendError::Stale {
                what: format!("{side} step {}", step_index + 1),
            });
        }
        let slot = it.verdicts[side.index()]
            .get_mut(step_index)
            .ok_or_else(|| BackendError::Missing(format!("no step {step_index}")))?;
        let before = std::mem::replace(slot, verdict.clone());
        it.events.set_step(side, step_index, id);
        self.changes.push((
            Change::Step {
                item,
                side,
                step: step_index,
                before,
            },
            false,
        ));
        self.events.push(Saved::Step {
            item,
            side,
            step: step_index,
            verdict: verdict.clone(),
            ms: ms_spent,
        });
        Ok(id)
    }

    fn save_case_verdict(
        &mut self,
        item: ItemId,
        verdict: &CaseVerdict,
        base: Option<EventId>,
        _ms_spent: u64,
    ) -> BackendResult<EventId> {
        self.fail()?;
        let id = EventId(self.events.len() as i64 + 1);
        let it = self
            .item_mut(item)
            .ok_or_else(|| BackendError::Missing(format!("no item {item}")))?;
        if it.events.case != base {
            return Err(BackendError::Stale {
                what: "the case verdict".into(),
            });
        }
        let before = std::mem::replace(&mut it.case_verdict, verdict.clone());
        it.events.case = Some(id);
        self.changes.push((Change::Case { item, before }, false));
        self.events.push(Saved::Case {
            item,
            verdict: verdict.clone(),
        });
        Ok(id)
    }

    fn undo_last(&mut self, item: ItemId) -> BackendResult<Option<UndoneChange>> {
        self.fail()?;
        let id = EventId(self.events.len() as i64 + 1);
        let Some(pos) = self.changes.iter().rposition(|(c, undone)| {
            !undone
                && match c {
                    Change::Step { item: i, .. } | Change::Case { item: i, .. } => *i == item,
                }
        }) else {
            return Ok(None);
        };
        self.changes[pos].1 = true;
        let change = self.changes[pos].0.clone();
        let it = self.item_mut(item).unwrap();
        Ok(Some(match change {
            Change::Step {
                side, step, before, ..
            } => {
                it.verdicts[side.index()][step] = before.clone();
                it.events.set_step(side, step, id);
                self.events.push(Saved::Step {
                    item,
                    side,
                    step,
                    verdict: before.clone(),
                    ms: 0,
                });
                UndoneChange::Step {
                    side,
                    step_index: step,
                    verdict: before,
                    event: id,
                }
            }
            Change::Case { before, .. } => {
                it.case_verdict = before.clone();
                it.events.case = Some(id);
                self.events.push(Saved::Case {
                    item,
                    verdict: before.clone(),
                });
                UndoneChange::Case {
                    verdict: before,
                    event: id,
                }
            }
        }))
    }

    fn load_cursor(&mut self) -> BackendResult<Option<ReviewCursor>> {
        Ok(self.cursor)
    }

    fn save_cursor(&mut self, cursor: &ReviewCursor) -> BackendResult<()> {
        self.cursor = Some(*cursor);
        self.cursor_saves += 1;
        Ok(())
    }

    fn feedback(&mut self, _item: &BlindItem) -> BackendResult<Option<Vec<String>>> {
        Ok(self.feedback.clone())
    }
}

/// Render `app` at `w`×`h` and return the screen as text, one line per row, right-trimmed.
pub fn screen(app: &App, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| render_app(f, app)).unwrap();
    buffer_text(terminal.backend().buffer())
}

pub fn buffer_text(buf: &ratatui::buffer::Buffer) -> String {
    let area = buf.area;
    let mut out = String::new();
    for y in 0..area.height {
        let mut line = String::new();
        for x in 0..area.width {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Press keys (replay key names) on `app`, performing effects against `backend`.
pub fn press(app: &mut App, backend: &mut MemBackend, keys: &[&str]) {
    for k in keys {
        let key = blindstep::tui::parse_key_name(k).unwrap();
        if let Some(action) = blindstep::tui::map_key(app, key) {
            blindstep::tui::executor::drive(app, backend, action, &mut |_, _| {});
        }
    }
}

/// A started app on the queue of `backend`.
pub fn started(backend: &mut MemBackend, w: u16, h: u16) -> App {
    let mut app = App::new((w, h));
    blindstep::tui::executor::drive(
        &mut app,
        backend,
        blindstep::tui::Action::Start,
        &mut |_, _| {},
    );
    app
}

//! Shared pieces of the lab tests: a few cases and models, an app over them, key presses
//! through the real keymap, and the screen rendered into a `TestBackend` as text plus a
//! mask of the highlighted cells.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use blindstep::domain::{Case, CaseId, Model, ModelId, ModelSource, Role, Specialty, Task};
use blindstep::inference::{DeviceChoice, GenerationConfig};
use blindstep::lab::{Action, Effect, LabApp, SettingsForm, map_key, render};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Modifier;
use std::collections::BTreeMap;

pub fn mcq(id: &str, title: &str, specialty: Specialty) -> Case {
    let mut options = BTreeMap::new();
    options.insert("A".to_string(), "Migraine".to_string());
    options.insert("B".to_string(), "Subarachnoid haemorrhage".to_string());
    options.insert("C".to_string(), "Tension headache".to_string());
    Case {
        id: CaseId::new(id),
        title: title.into(),
        specialty,
        incidence: None,
        vignette: "A 47-year-old woman has a sudden, severe headache during exercise, \
                   with neck stiffness and vomiting. BP 168/94 mmHg."
            .into(),
        question: "What is the most likely diagnosis?".into(),
        task: Task::Mcq {
            options,
            answer: "B".into(),
        },
        red_flags: vec![],
        must_not_miss: vec![],
        priority: vec![],
        source: "test".into(),
        licence: "CC0".into(),
        must_not_miss_synonyms: Default::default(),
        aliases: Vec::new(),
        stage: Default::default(),
        variant_of: None,
    }
}

pub fn cases() -> Vec<Case> {
    vec![
        mcq("im-001", "Chest pain at rest", Specialty::InternalMedicine),
        mcq("neu-002", "Thunderclap headache", Specialty::Neurology),
        mcq(
            "ped-003",
            "Febrile infant with a rash",
            Specialty::Pediatrics,
        ),
        mcq("sur-004", "Right lower quadrant pain", Specialty::Surgery),
        mcq("neu-005", "Headache and fever", Specialty::Neurology),
    ]
}

pub fn model(id: i64, name: &str, source: ModelSource) -> Model {
    Model {
        id: ModelId(id),
        name: name.into(),
        role: Role::Student,
        source,
        tokenizer: None,
        label: None,
        chat_template: None,
    }
}

pub fn models() -> Vec<Model> {
    vec![
        model(
            1,
            "smollm2-135m",
            ModelSource::Local("/models/smol.gguf".into()),
        ),
        model(
            2,
            "teacher-api",
            ModelSource::endpoint("http://localhost:8000/v1", "teacher-api"),
        ),
        model(3, "imported-only", ModelSource::OutputsOnly),
    ]
}

pub fn settings() -> SettingsForm {
    let cfg = GenerationConfig {
        max_tokens: 256,
        ..GenerationConfig::default()
    };
    SettingsForm::new(&cfg, 4, DeviceChoice::Cpu)
}

pub fn app(w: u16, h: u16) -> LabApp {
    let mut a = LabApp::new(cases(), models(), settings(), (w, h));
    a.no_color = true;
    a
}

/// Press keys (replay key names: `a`, `Enter`, `Tab`, `Ctrl-a`, …) through the real keymap;
/// the effects they return, in order.
pub fn press(app: &mut LabApp, keys: &[&str]) -> Vec<Effect> {
    let mut effects = Vec::new();
    for k in keys {
        let key = blindstep::tui::parse_key_name(k).unwrap();
        if let Some(action) = map_key(app, key) {
            effects.extend(app.update(action));
        }
    }
    effects
}

pub fn typed(app: &mut LabApp, text: &str) {
    for c in text.chars() {
        app.update(Action::TypeQuery(c));
    }
}

pub fn draw(app: &LabApp, w: u16, h: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| render(f, app)).unwrap();
    terminal.backend().buffer().clone()
}

pub fn text(buf: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        for x in 0..buf.area.width {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// One char per cell from `class` (rows that are all blank are left empty).
pub fn mask(buf: &Buffer, class: impl Fn(Modifier) -> char) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let line: String = (0..buf.area.width)
            .map(|x| class(buf[(x, y)].modifier))
            .collect();
        out.push_str(&format!("{y:>2}|{}\n", line.trim_end()));
    }
    out
}

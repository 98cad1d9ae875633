//! The settings form: the picked cases, the model (cycled with ←/→) with where it runs, and
//! the sampling fields with their meaning; a field that does not parse says why beside it.

use super::draw::{clip, fill_row, put_pieces};
use super::style::LabStyle;
use crate::domain::ModelSource;
use crate::inference::DeviceChoice;
use crate::lab::app::LabApp;
use crate::lab::settings::Field;
use crate::ui::text::put;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};

pub const KEYS: &[(&str, &str)] = &[
    ("↑↓/jk", "field"),
    ("←→", "model"),
    ("0-9 .", "type"),
    ("⌫", "erase"),
    ("Enter", "run"),
    ("Esc", "back"),
];

const LABEL_W: u16 = 17;
const VALUE_W: u16 = 30;

fn source(source: &ModelSource) -> String {
    match source {
        ModelSource::OutputsOnly => "outputs only (cannot run)".into(),
        ModelSource::Local(p) => format!("local {}", p.display()),
        ModelSource::Endpoint { base, served } => format!("endpoint {base} · {served}"),
    }
}

fn device_name(d: DeviceChoice) -> &'static str {
    match d {
        DeviceChoice::Cpu => "cpu",
        DeviceChoice::Cuda => "cuda",
        DeviceChoice::Metal => "metal",
    }
}

pub fn render(frame: &mut Frame, app: &LabApp, area: Rect, s: &LabStyle) {
    let buf = frame.buffer_mut();
    let f = &app.settings;
    let ids: Vec<&str> = app.picker.picked.iter().map(|c| c.as_str()).collect();
    let head = format!("run {} case(s): {}", ids.len(), ids.join(", "));
    put(
        buf,
        area.x + 1,
        area.y,
        &clip(&head, usize::from(area.width.saturating_sub(2))),
        area.width,
        s.title(),
    );
    let mut cursor = None;
    for (i, field) in Field::ALL.iter().enumerate() {
        let y = area.y + 2 + i as u16;
        if y >= area.bottom() {
            break;
        }
        let focused = i == f.focus;
        let base = if focused {
            s.focus()
        } else {
            Default::default()
        };
        if focused {
            fill_row(buf, area, y, base);
        }
        let value = match field {
            Field::Model => match app.chosen_model() {
                Some(m) => format!("‹ {} ›", m.name),
                None => "(no model registered)".into(),
            },
            other => f.value(*other).to_string(),
        };
        put_pieces(
            buf,
            area.x,
            y,
            area.right(),
            [
                (if focused { "▸ " } else { "  " }, base.patch(s.marker())),
                (field.label(), base),
            ],
        );
        let vx = area.x + LABEL_W + 2;
        let end = put(buf, vx, y, &value, VALUE_W, base.patch(s.title()));
        if focused && *field != Field::Model {
            cursor = Some(Position::new(end, y));
        }
        let hx = vx + VALUE_W + 1;
        let (hint, style) = match (&f.error, field) {
            (Some(e), fl) if e.field == *fl => (format!("✗ {}", e.message), s.error()),
            (_, Field::Model) => match app.chosen_model() {
                Some(m) => (format!("{} · {}", m.role, source(&m.source)), s.dim()),
                None => (field.hint().to_string(), s.dim()),
            },
            _ => (field.hint().to_string(), s.dim()),
        };
        put(
            buf,
            hx,
            y,
            &clip(&hint, usize::from(area.right().saturating_sub(hx))),
            area.right().saturating_sub(hx),
            base.patch(style),
        );
    }
    let y = area.y + 3 + Field::ALL.len() as u16;
    if y < area.bottom() {
        let note = format!(
            "{} model(s) registered · device {} · Enter starts; output streams in, c cancels",
            app.models.len(),
            device_name(f.device)
        );
        put(
            buf,
            area.x + 2,
            y,
            &note,
            area.width.saturating_sub(2),
            s.dim(),
        );
    }
    if let Some(p) = cursor {
        frame.set_cursor_position(p);
    }
}

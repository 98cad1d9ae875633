//! The terminal layer every screen shares (review, lab, tally): terminal setup and restore
//! with one panic hook, the event loop, the theme, text by display width, and the smallest
//! size a screen draws in. Screens own their state, update and views; this module owns
//! nothing of theirs.

pub mod event_loop;
pub mod terminal;
pub mod text;
pub mod theme;

use ratatui::layout::Rect;

/// Below this the screens say "terminal too small" instead of drawing.
pub const MIN_WIDTH: u16 = 60;
/// Below this the screens say "terminal too small" instead of drawing.
pub const MIN_HEIGHT: u16 = 16;

/// Whether `area` is below the smallest size the screens draw in.
pub fn too_small(area: Rect) -> bool {
    area.width < MIN_WIDTH || area.height < MIN_HEIGHT
}

/// The message shown instead of a screen that does not fit.
pub fn too_small_message() -> String {
    format!("terminal too small: need at least {MIN_WIDTH}×{MIN_HEIGHT}")
}

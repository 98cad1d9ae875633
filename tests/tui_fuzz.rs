//! Any key sequence at any terminal size: no panic, and the screen never shows a verdict the
//! store does not hold.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod tui_support;

use blindstep::tui::Action;
use proptest::prelude::*;
use tui_support::{MemBackend, press, screen, started};

const KEYS: &[&str] = &[
    "j",
    "k",
    "h",
    "l",
    "g",
    "G",
    "1",
    "2",
    "3",
    "0",
    "d",
    "r",
    "p",
    "o",
    "s",
    "b",
    "u",
    "c",
    "x",
    "Enter",
    "Esc",
    "Tab",
    "f",
    "q",
    "?",
    "/",
    "w",
    "v",
    "[",
    "]",
    "y",
    "n",
    "t",
    "5",
    "Space",
    "Backspace",
    "PgDn",
    "PgUp",
    "Up",
    "Down",
    "Left",
    "Right",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn random_keys_and_sizes_never_panic(
        keys in proptest::collection::vec(0..KEYS.len(), 0..120),
        sizes in proptest::collection::vec((20u16..200, 5u16..60), 1..4),
    ) {
        let mut b = MemBackend::study();
        let mut app = started(&mut b, 80, 24);
        for (n, chunk) in keys.chunks(30).enumerate() {
            let (w, h) = sizes[n % sizes.len()];
            app.update(Action::Resize(w, h));
            let names: Vec<&str> = chunk.iter().map(|i| KEYS[*i]).collect();
            press(&mut app, &mut b, &names);
            let _ = screen(&app, w, h);
            if app.quitting {
                break;
            }
        }
        // What the open item shows is what the store holds.
        if let Some(v) = &app.open {
            let stored = b.items.iter().find(|i| i.item == v.item.item).unwrap();
            prop_assert_eq!(&v.item.verdicts, &stored.verdicts);
            prop_assert_eq!(&v.item.case_verdict, &stored.case_verdict);
        }
    }
}

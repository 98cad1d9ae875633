//! The shared terminal panic hook restores the terminal for a panic that ends the program,
//! and stays out of one that is caught on purpose (a candle loader panicking on a malformed
//! model file inside the lab): the lab must keep drawing on a raw terminal.

use blindstep::inference::model::guard_panics;
use blindstep::ui::terminal::{install_panic_hook, restore_count};

#[test]
#[allow(clippy::panic)]
fn a_caught_loader_panic_leaves_the_terminal_alone_and_an_uncaught_one_restores_it() {
    install_panic_hook();
    let before = restore_count();
    let caught: Result<u8, String> = guard_panics(|| panic!("malformed tensor shape"));
    assert_eq!(caught, Err("malformed tensor shape".to_string()));
    assert_eq!(
        restore_count(),
        before,
        "the hook restored the terminal for a panic that was caught"
    );

    let uncaught = std::thread::spawn(|| -> u8 { panic!("a real crash") }).join();
    assert!(uncaught.is_err());
    assert_eq!(
        restore_count(),
        before + 1,
        "the hook did not restore the terminal for an uncaught panic"
    );
}

//! The loop every screen runs between a key and the next frame, one copy for the review
//! screens, the lab and the tally: apply an action, perform each effect it asks for, feed the
//! results back as actions, until nothing is left or the program asks to quit. The
//! performer is the only part that differs (a store, a worker, nothing).

use std::collections::VecDeque;

/// A screen in The Elm Architecture: `update` is the one place its state changes, and it
/// asks for I/O by returning effects.
pub trait Program {
    /// An intent (a key, a result of I/O).
    type Action;
    /// A request for I/O.
    type Effect;

    /// Apply `action`; the effects to perform, in order.
    fn update(&mut self, action: Self::Action) -> Vec<Self::Effect>;

    /// Whether `effect` ends the program.
    fn is_quit(effect: &Self::Effect) -> bool;
}

/// Performs one effect of `P`, seeing the program as it is; the action reporting the result.
pub type Perform<'a, P> =
    dyn FnMut(&P, <P as Program>::Effect) -> Option<<P as Program>::Action> + 'a;

/// Apply `action`, perform every effect it leads to with `perform`, and apply their results,
/// in order. `perform` sees the program as it is when the effect runs. Returns true when an
/// effect asked to quit (the remaining effects still run).
pub fn drive<P: Program>(app: &mut P, action: P::Action, perform: &mut Perform<'_, P>) -> bool {
    let mut quit = false;
    let mut queue = VecDeque::from([action]);
    while let Some(a) = queue.pop_front() {
        for effect in app.update(a) {
            if P::is_quit(&effect) {
                quit = true;
                continue;
            }
            if let Some(result) = perform(app, effect) {
                queue.push_back(result);
            }
        }
    }
    quit
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counts to a target through effects; quits at the end.
    struct Counter {
        n: u32,
        log: Vec<u32>,
    }

    #[derive(Debug, PartialEq)]
    enum Fx {
        Next(u32),
        Quit,
    }

    impl Program for Counter {
        type Action = u32;
        type Effect = Fx;
        fn update(&mut self, a: u32) -> Vec<Fx> {
            self.log.push(a);
            if a >= self.n {
                vec![Fx::Quit]
            } else {
                vec![Fx::Next(a + 1)]
            }
        }
        fn is_quit(e: &Fx) -> bool {
            *e == Fx::Quit
        }
    }

    #[test]
    fn effects_feed_back_in_order_until_quit() {
        let mut app = Counter { n: 3, log: vec![] };
        let quit = drive(&mut app, 0, &mut |_, e| match e {
            Fx::Next(k) => Some(k),
            Fx::Quit => None,
        });
        assert!(quit);
        assert_eq!(app.log, vec![0, 1, 2, 3]);
    }
}

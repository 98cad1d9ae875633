//! The study's two models as slots, A and B (`A` is `studies.model_a`), and how a slot maps
//! to the side a reviewer sees it on. Pure; the tally, the exports and the store share it.

use super::Side;
use serde::Serialize;

/// Which of the study's two models: `A` is `studies.model_a`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Slot {
    A,
    B,
}

impl Slot {
    pub const BOTH: [Slot; 2] = [Slot::A, Slot::B];

    /// 0 for A, 1 for B: index into per-slot arrays.
    pub fn index(self) -> usize {
        match self {
            Slot::A => 0,
            Slot::B => 1,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Slot::A => "A",
            Slot::B => "B",
        }
    }

    /// The slot shown on `side` for a reviewer who sees model A on `a_side`.
    pub fn on_side(side: Side, a_side: Side) -> Slot {
        if side == a_side { Slot::A } else { Slot::B }
    }

    /// The side this slot is shown on for a reviewer who sees model A on `a_side`.
    pub fn side(self, a_side: Side) -> Side {
        match self {
            Slot::A => a_side,
            Slot::B => a_side.other(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_map_to_sides_both_ways() {
        for a_side in [Side::Left, Side::Right] {
            for slot in Slot::BOTH {
                assert_eq!(Slot::on_side(slot.side(a_side), a_side), slot);
            }
        }
        assert_eq!(Slot::on_side(Side::Right, Side::Left), Slot::B);
    }
}

//! SplitMix64 (Steele, Lea & Flood 2014; Vigna's reference `splitmix64.c`): the one mixer
//! behind side assignment, the bootstraps' random stream and the leakage feature buckets.

/// The golden-ratio increment SplitMix64 adds to its state at each step.
pub const GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;

/// SplitMix64's output function (the finaliser): a bijection that spreads nearby inputs.
pub fn finalize(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// One SplitMix64 step from `state`: advance by [`GAMMA`], then [`finalize`].
pub fn mix(state: u64) -> u64 {
    finalize(state.wrapping_add(GAMMA))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_output_matches_the_reference() {
        // splitmix64.c seeded with 0: the first output is 0xe220a8397b1dcdaf.
        assert_eq!(mix(0), 0xe220_a839_7b1d_cdaf);
    }
}

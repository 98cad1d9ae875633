//! FNV-1a (Fowler–Noll–Vo, 64-bit): stable across platforms, builds and runs, unlike std's
//! randomly seeded hasher. Used where a value must be reproducible (side assignment, the
//! leakage classifier's feature buckets) and where a fast hasher for short keys pays
//! (the stripper's word sets). Not for anything adversarial.

use std::hash::{BuildHasherDefault, Hasher};

/// The 64-bit FNV offset basis.
pub const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
/// The 64-bit FNV prime.
pub const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a of `bytes`, continuing from `state` (start with [`FNV_OFFSET`]).
pub fn fnv1a(bytes: &[u8], state: u64) -> u64 {
    bytes
        .iter()
        .fold(state, |h, &b| (h ^ u64::from(b)).wrapping_mul(FNV_PRIME))
}

/// FNV-1a of the ASCII-lowercased bytes of `bytes`, from [`FNV_OFFSET`].
pub fn fnv1a_lower(bytes: &[u8]) -> u64 {
    bytes.iter().fold(FNV_OFFSET, |h, &b| {
        (h ^ u64::from(b.to_ascii_lowercase())).wrapping_mul(FNV_PRIME)
    })
}

/// A [`Hasher`] running FNV-1a, for hash maps and sets of short keys.
#[derive(Clone, Copy)]
pub struct FnvHasher(u64);

impl Default for FnvHasher {
    fn default() -> Self {
        FnvHasher(FNV_OFFSET)
    }
}

impl Hasher for FnvHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0 = fnv1a(bytes, self.0);
    }
}

/// Build-hasher for `HashMap`/`HashSet` with [`FnvHasher`].
pub type FnvBuildHasher = BuildHasherDefault<FnvHasher>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_published_test_vectors() {
        // Landon Curt Noll's FNV test suite (fnv1a64): "" and "a" and "foobar".
        assert_eq!(fnv1a(b"", FNV_OFFSET), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a", FNV_OFFSET), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar", FNV_OFFSET), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn hasher_and_function_agree() {
        let mut h = FnvHasher::default();
        h.write(b"foo");
        h.write(b"bar");
        assert_eq!(h.finish(), fnv1a(b"foobar", FNV_OFFSET));
        assert_eq!(fnv1a_lower(b"FooBar"), fnv1a(b"foobar", FNV_OFFSET));
    }
}

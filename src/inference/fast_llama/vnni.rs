//! The AVX-512 VNNI kernels for [`super::tiles`]: the second of blindstep's two audited
//! `unsafe` exceptions (the first maps safetensors files, `src/inference/mmap.rs`).
//!
//! The kernels themselves are safe Rust: `#[target_feature]` functions whose intrinsics
//! take and return vectors, loading weights from 64-byte-aligned arrays by value
//! (`bytemuck::cast`) rather than through pointers. The one `unsafe` is the call into them
//! from code compiled without those features, in [`run`]:
//!
//! # Safety
//!
//! Calling a `#[target_feature(enable = "avx512f,avx512bw,avx512vnni")]` function is sound
//! exactly when the CPU has those features. [`available`] checks them at run time with
//! `is_x86_feature_detected!`, and [`run`] calls the kernel only after that check returned
//! true (it returns `false` otherwise, and the caller takes candle's kernels instead).
//! Nothing else in the kernels depends on the caller: slices are indexed with bounds
//! checks and every input length is checked before the call.

#![allow(unsafe_code)]

use super::tiles::{Input, Kind, ROWS, Tiles};

/// Does this CPU run the tile kernels?
pub(super) fn available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::is_x86_feature_detected!("avx512f")
            && std::is_x86_feature_detected!("avx512bw")
            && std::is_x86_feature_detected!("avx512vnni")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Tiles `tiles` of `w` times every token of `input`, into `out` (`tokens × (tiles.len() ·
/// 16)`, token-major). `false` (and `out` untouched) when the CPU lacks the features or the
/// shapes do not agree.
pub(super) fn run(
    w: &Tiles,
    input: &Input,
    tiles: std::ops::Range<usize>,
    out: &mut [f32],
) -> bool {
    let width = tiles.len() * ROWS;
    if !available()
        || tiles.end > w.tiles
        || input.blocks != w.blocks
        || out.len() != input.tokens * width
        || input.d.len() != input.tokens * w.blocks
    {
        return false;
    }
    #[cfg(target_arch = "x86_64")]
    {
        // SAFETY: `available()` returned true just above: the CPU has AVX-512F, BW and VNNI,
        // the features the kernel is compiled for (see the module documentation).
        unsafe { x86::run(w, input, tiles, out) };
        true
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::super::tiles::Vec64;
    use super::{Input, Kind, ROWS, Tiles};
    use std::arch::x86_64::*;

    #[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
    pub(super) fn run(w: &Tiles, input: &Input, tiles: std::ops::Range<usize>, out: &mut [f32]) {
        let width = tiles.len() * ROWS;
        let nv = w.kind.vectors();
        let per_tile = w.blocks * nv;
        for (i, t) in tiles.enumerate() {
            let tile = Tile {
                q: &w.quants[t * per_tile..(t + 1) * per_tile],
                d: &w.d[t * w.blocks..(t + 1) * w.blocks],
                m: if w.kind.has_min() {
                    &w.m[t * w.blocks..(t + 1) * w.blocks]
                } else {
                    &[][..]
                },
            };
            // Tokens in pairs (fours for the one-sum kernels): each weight vector is
            // loaded and unpacked once for all of them.
            let mut tok = 0;
            while tok < input.tokens {
                let left = input.tokens - tok;
                let mut put = |k: usize, v: __m512| {
                    let lanes: [f32; ROWS] = bytemuck::cast(v);
                    let at = (tok + k) * width + i * ROWS;
                    out[at..at + ROWS].copy_from_slice(&lanes);
                };
                let step = match (w.kind, left) {
                    (Kind::Q8_0, 2..) => emit(lanes::<false, 2>(&tile, input, tok), &mut put),
                    (Kind::Q8_0, _) => emit(lanes::<false, 1>(&tile, input, tok), &mut put),
                    (Kind::Q4_0, 2..) => emit(lanes::<true, 2>(&tile, input, tok), &mut put),
                    (Kind::Q4_0, _) => emit(lanes::<true, 1>(&tile, input, tok), &mut put),
                    (Kind::Q4_1, 4..) => emit(single::<true, true, 4>(&tile, input, tok), &mut put),
                    (Kind::Q4_1, _) => emit(single::<true, true, 1>(&tile, input, tok), &mut put),
                    (Kind::Q5_0, 4..) => {
                        emit(single::<false, false, 4>(&tile, input, tok), &mut put)
                    }
                    (Kind::Q5_0, _) => emit(single::<false, false, 1>(&tile, input, tok), &mut put),
                    (Kind::Q5_1, 4..) => {
                        emit(single::<false, true, 4>(&tile, input, tok), &mut put)
                    }
                    (Kind::Q5_1, _) => emit(single::<false, true, 1>(&tile, input, tok), &mut put),
                };
                tok += step;
            }
        }
    }

    /// One tile's weights: `blocks × V` vectors, `blocks` scales (and minimums).
    struct Tile<'a> {
        q: &'a [Vec64],
        d: &'a [[u8; 32]],
        m: &'a [[u8; 32]],
    }

    fn emit<const T: usize>(v: [__m512; T], put: &mut impl FnMut(usize, __m512)) -> usize {
        for (k, v) in v.into_iter().enumerate() {
            put(k, v);
        }
        T
    }

    /// The `j`-th 4-value group of 16 rows (`j` < 8) of one tile block, as unsigned bytes.
    #[target_feature(enable = "avx512f,avx512bw")]
    #[inline]
    fn group<const NIB: bool>(q: &[Vec64], j: usize) -> __m512i {
        if NIB {
            let v: __m512i = bytemuck::cast(q[j % 4].0);
            let v = if j < 4 { v } else { _mm512_srli_epi16::<4>(v) };
            _mm512_and_si512(v, _mm512_set1_epi8(0x0F))
        } else {
            bytemuck::cast(q[j].0)
        }
    }

    #[target_feature(enable = "avx512f")]
    #[inline]
    fn halves(s: &[u8; 32]) -> __m512 {
        _mm512_cvtph_ps(bytemuck::cast::<[u8; 32], __m256i>(*s))
    }

    /// candle's AVX2 Q8_0/Q4_0 kernel for tokens `tok..tok + T`, one row per lane: eight
    /// partial sums `acc_j = fma(d_w·d_x, Σ_j, acc_j)` over the blocks, then
    /// `hsum_float_8`'s order.
    // `j` and `t` index several arrays in step (groups, tokens); iterators would hide that.
    #[allow(clippy::needless_range_loop)]
    #[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
    fn lanes<const NIB: bool, const T: usize>(w: &Tile, input: &Input, tok: usize) -> [__m512; T] {
        let nv = if NIB { 4 } else { 8 };
        let nb = input.blocks;
        let mut acc = [[_mm512_setzero_ps(); 8]; T];
        for (b, (qb, ds)) in w.q.chunks_exact(nv).zip(w.d).enumerate() {
            let dw = halves(ds);
            let ib: [usize; T] = std::array::from_fn(|t| (tok + t) * nb + b);
            let dd: [__m512; T] =
                std::array::from_fn(|t| _mm512_mul_ps(dw, _mm512_set1_ps(input.d[ib[t]])));
            for j in 0..8 {
                let g = group::<NIB>(qb, j);
                for t in 0..T {
                    let p = _mm512_dpbusd_epi32(
                        _mm512_set1_epi32(input.corr[ib[t]][j]),
                        g,
                        _mm512_set1_epi32(input.x4[ib[t]][j]),
                    );
                    acc[t][j] = _mm512_fmadd_ps(dd[t], _mm512_cvtepi32_ps(p), acc[t][j]);
                }
            }
        }
        acc.map(|a| {
            let r0 = _mm512_add_ps(a[0], a[4]);
            let r1 = _mm512_add_ps(a[1], a[5]);
            let r2 = _mm512_add_ps(a[2], a[6]);
            let r3 = _mm512_add_ps(a[3], a[7]);
            _mm512_add_ps(_mm512_add_ps(r0, r2), _mm512_add_ps(r1, r3))
        })
    }

    /// candle's scalar Q4_1/Q5_0/Q5_1 kernel for tokens `tok..tok + T`, one row per lane:
    /// `sumf += Σ · d_w · d_x (+ m · s)`.
    #[allow(clippy::needless_range_loop)]
    #[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
    fn single<const NIB: bool, const MIN: bool, const T: usize>(
        w: &Tile,
        input: &Input,
        tok: usize,
    ) -> [__m512; T] {
        let nv = if NIB { 4 } else { 8 };
        let nb = input.blocks;
        let mut sumf = [_mm512_setzero_ps(); T];
        for (b, (qb, ds)) in w.q.chunks_exact(nv).zip(w.d).enumerate() {
            let ib: [usize; T] = std::array::from_fn(|t| (tok + t) * nb + b);
            let mut sumi: [__m512i; T] =
                std::array::from_fn(|t| _mm512_set1_epi32(input.corr[ib[t]][0]));
            for j in 0..8 {
                let g = group::<NIB>(qb, j);
                for t in 0..T {
                    sumi[t] =
                        _mm512_dpbusd_epi32(sumi[t], g, _mm512_set1_epi32(input.x4[ib[t]][j]));
                }
            }
            let dw = halves(ds);
            let mw = if MIN {
                halves(&w.m[b])
            } else {
                _mm512_setzero_ps()
            };
            for t in 0..T {
                let v = _mm512_mul_ps(
                    _mm512_mul_ps(_mm512_cvtepi32_ps(sumi[t]), dw),
                    _mm512_set1_ps(input.d[ib[t]]),
                );
                let v = if MIN {
                    _mm512_add_ps(v, _mm512_mul_ps(mw, _mm512_set1_ps(input.s[ib[t]])))
                } else {
                    v
                };
                sumf[t] = _mm512_add_ps(sumf[t], v);
            }
        }
        sumf
    }
}

#[cfg(test)]
mod tests {
    use super::super::tiles::tests::{KINDS, quantized, sample};
    use super::*;
    use candle_core::quantized::QMatMul;
    use candle_core::{Device, Module, Tensor};

    #[test]
    fn the_kernels_are_candle_bit_for_bit() {
        if !available() {
            eprintln!("skipped: this CPU has no AVX-512 VNNI");
            return;
        }
        for dtype in KINDS {
            for (rows, cols, tokens) in [
                // Even block counts: candle asserts them (debug builds) for Q4_1/Q5_x.
                (16, 64, 1),
                (21, 128, 3),
                (37, 576, 1),
                (48, 576, 5),
                (32, 1536, 2),
                (16, 64, 7),
            ] {
                if dtype == candle_core::quantized::GgmlDType::Q8_0 && cols % 256 == 0 {
                    continue;
                }
                let q = quantized(dtype, rows, cols);
                let kind = Kind::of(dtype).unwrap();
                let w = Tiles::pack(kind, &q.data().unwrap(), rows, cols).unwrap();
                let x = sample(tokens, cols, 5);
                let xt = Tensor::from_vec(x.clone(), (tokens, cols), &Device::Cpu).unwrap();
                let want = QMatMul::from_qtensor(q)
                    .unwrap()
                    .forward(&xt)
                    .unwrap()
                    .flatten_all()
                    .unwrap()
                    .to_vec1::<f32>()
                    .unwrap();
                let input = Input::new(&x, cols, kind);
                let width = w.tiles * ROWS;
                let mut out = vec![0f32; tokens * width];
                assert!(run(&w, &input, 0..w.tiles, &mut out));
                for tok in 0..tokens {
                    for row in 0..rows {
                        let (g, e) = (out[tok * width + row], want[tok * rows + row]);
                        assert_eq!(
                            g.to_bits(),
                            e.to_bits(),
                            "{dtype:?} {rows}x{cols} {tok} {row}: {g} vs {e}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn shapes_that_do_not_agree_are_refused() {
        let q = quantized(candle_core::quantized::GgmlDType::Q4_0, 16, 64);
        let w = Tiles::pack(Kind::Q4_0, &q.data().unwrap(), 16, 64).unwrap();
        let input = Input::new(&sample(1, 32, 1), 32, Kind::Q4_0);
        let mut out = vec![0f32; 16];
        assert!(!run(&w, &input, 0..1, &mut out));
        let input = Input::new(&sample(1, 64, 1), 64, Kind::Q4_0);
        assert!(!run(&w, &input, 0..2, &mut out));
        let mut short = vec![0f32; 8];
        assert!(!run(&w, &input, 0..1, &mut short));
    }
}

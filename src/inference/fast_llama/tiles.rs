//! Quantised weights in tiles of 16 rows, for the AVX-512 VNNI kernels of [`super::vnni`].
//!
//! candle 0.11 multiplies Q8_0, Q4_0, Q4_1, Q5_0 and Q5_1 matrices one row at a time (a
//! scalar loop for the last three); its 16-row VNNI tiles take only widths that are
//! multiples of 256, which SmolLM2's 576-wide rows are not. Here a matrix of one of those
//! formats is repacked at load (in memory only; the file is never changed) so that one
//! 64-byte vector holds 4 consecutive values of 16 rows: one `vpdpbusd` then forms 16 rows'
//! 4-value dot products at once, with no horizontal sums.
//!
//! **Nothing changes numerically.** Every weight keeps its value, and each row's sum is
//! formed with candle's own arithmetic in candle's order, one row per vector lane: the same
//! 8-bit input blocks (candle's Q8_0/Q8_1 quantisation), the same exact integer block sums,
//! the same f32 products and additions (eight partial sums fused-multiply-added and then
//! reduced in `hsum_float_8`'s order for Q8_0 and Q4_0, whose candle kernels are AVX2; one
//! running sum for Q4_1, Q5_0 and Q5_1, whose kernels are scalar). The output is bit for bit
//! candle's (`tests::the_reference_is_candle_bit_for_bit` and the kernel tests in
//! [`super::vnni`]), so greedy output with and without the repack is the same.
//!
//! Layout, per tile of 16 rows and block of 32 values: `V` vectors of 64 bytes, vector `j`
//! holding bytes `4r..4r+4` = row `r`'s values `4j..4j+4` as unsigned bytes (Q8_0 offset by
//! +128, Q5 values 0…31 as bytes); for Q4_0 and Q4_1 the file's own nibble bytes, low
//! nibbles values `4j..`, high nibbles values `16+4j..` (`V` = 4). Then the 16 rows' `d` (and
//! `m`) as f16. Rows past the end of the matrix are zero.

use candle_core::quantized::GgmlDType;
use half::f16;

/// Rows per tile (one 512-bit vector of i32 or f32 lanes).
pub(super) const ROWS: usize = 16;
pub(super) const BLOCK: usize = 32;

/// The formats repacked into tiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Q8_0,
    Q4_0,
    Q4_1,
    Q5_0,
    Q5_1,
}

impl Kind {
    pub(super) fn of(dtype: GgmlDType) -> Option<Kind> {
        Some(match dtype {
            GgmlDType::Q8_0 => Kind::Q8_0,
            GgmlDType::Q4_0 => Kind::Q4_0,
            GgmlDType::Q4_1 => Kind::Q4_1,
            GgmlDType::Q5_0 => Kind::Q5_0,
            GgmlDType::Q5_1 => Kind::Q5_1,
            _ => return None,
        })
    }

    /// Bytes of one block in the file.
    fn file_bytes(self) -> usize {
        match self {
            Kind::Q8_0 => 34,
            Kind::Q4_0 => 18,
            Kind::Q4_1 => 20,
            Kind::Q5_0 => 22,
            Kind::Q5_1 => 24,
        }
    }

    /// Values kept as nibbles (4 vectors per tile block) rather than bytes (8).
    pub(super) fn nibbles(self) -> bool {
        matches!(self, Kind::Q4_0 | Kind::Q4_1)
    }

    pub(super) fn vectors(self) -> usize {
        if self.nibbles() { 4 } else { 8 }
    }

    /// `d·q + m` formats, whose input is candle's Q8_1 (with the block sums `s`).
    pub(super) fn has_min(self) -> bool {
        matches!(self, Kind::Q4_1 | Kind::Q5_1)
    }

    /// candle's kernel keeps eight partial sums per row (its AVX2 Q8_0 and Q4_0 kernels)
    /// rather than one (its scalar kernels).
    pub(super) fn lanes(self) -> bool {
        matches!(self, Kind::Q8_0 | Kind::Q4_0)
    }

    /// What a stored byte exceeds the value candle multiplies by.
    pub(super) fn offset(self) -> i32 {
        match self {
            Kind::Q8_0 => 128,
            Kind::Q4_0 => 8,
            Kind::Q5_0 => 16,
            Kind::Q4_1 | Kind::Q5_1 => 0,
        }
    }
}

/// 64 bytes, aligned for one 512-bit load.
#[repr(C, align(64))]
#[derive(Debug, Clone, Copy)]
pub(super) struct Vec64(pub(super) [u8; 64]);

/// A matrix (rows × cols) of one [`Kind`], in tiles.
pub(super) struct Tiles {
    pub(super) kind: Kind,
    pub(super) rows: usize,
    pub(super) cols: usize,
    pub(super) blocks: usize,
    pub(super) tiles: usize,
    /// `tiles × blocks × kind.vectors()`.
    pub(super) quants: Vec<Vec64>,
    /// `tiles × blocks`: the 16 rows' `d`, f16 little-endian.
    pub(super) d: Vec<[u8; 32]>,
    /// `tiles × blocks`: the 16 rows' `m` (empty unless [`Kind::has_min`]).
    pub(super) m: Vec<[u8; 32]>,
}

/// The 32 values (as stored: unsigned, see the module docs) and the `d`, `m` of one block.
fn block_values(kind: Kind, b: &[u8]) -> ([u8; 32], [u8; 2], [u8; 2]) {
    let mut v = [0u8; 32];
    let d = [b[0], b[1]];
    let mut m = [0, 0];
    let five = |v: &mut [u8; 32], qh: u32, qs: &[u8]| {
        for j in 0..16 {
            v[j] = (qs[j] & 0x0F) | ((((qh >> j) << 4) & 0x10) as u8);
            v[j + 16] = (qs[j] >> 4) | (((qh >> (j + 12)) & 0x10) as u8);
        }
    };
    match kind {
        Kind::Q8_0 => {
            for (v, q) in v.iter_mut().zip(&b[2..34]) {
                *v = q ^ 0x80;
            }
        }
        Kind::Q4_0 => v[..16].copy_from_slice(&b[2..18]),
        Kind::Q4_1 => {
            m = [b[2], b[3]];
            v[..16].copy_from_slice(&b[4..20]);
        }
        Kind::Q5_0 => five(
            &mut v,
            u32::from_le_bytes([b[2], b[3], b[4], b[5]]),
            &b[6..22],
        ),
        Kind::Q5_1 => {
            m = [b[2], b[3]];
            five(
                &mut v,
                u32::from_le_bytes([b[4], b[5], b[6], b[7]]),
                &b[8..24],
            );
        }
    }
    (v, d, m)
}

impl Tiles {
    /// Repacks `rows × cols` blocks of `kind` as the file stores them (row-major).
    /// `None` when the width is not whole blocks or the bytes are not the matrix.
    pub(super) fn pack(kind: Kind, bytes: &[u8], rows: usize, cols: usize) -> Option<Tiles> {
        if cols == 0 || !cols.is_multiple_of(BLOCK) {
            return None;
        }
        let blocks = cols / BLOCK;
        let fb = kind.file_bytes();
        if bytes.len() != rows * blocks * fb {
            return None;
        }
        let tiles = rows.div_ceil(ROWS);
        let nv = kind.vectors();
        let mut quants = vec![Vec64([0; 64]); tiles * blocks * nv];
        let mut d = vec![[0u8; 32]; tiles * blocks];
        let mut m = if kind.has_min() {
            vec![[0u8; 32]; tiles * blocks]
        } else {
            Vec::new()
        };
        if kind == Kind::Q8_0 {
            // Padding rows hold the value 0 (stored +128).
            for q in &mut quants {
                q.0 = [0x80; 64];
            }
        }
        for row in 0..rows {
            let (t, r) = (row / ROWS, row % ROWS);
            for b in 0..blocks {
                let at = (row * blocks + b) * fb;
                let (v, db, mb) = block_values(kind, &bytes[at..at + fb]);
                let tb = t * blocks + b;
                d[tb][2 * r..2 * r + 2].copy_from_slice(&db);
                if kind.has_min() {
                    m[tb][2 * r..2 * r + 2].copy_from_slice(&mb);
                }
                for j in 0..nv {
                    quants[tb * nv + j].0[4 * r..4 * r + 4].copy_from_slice(&v[4 * j..4 * j + 4]);
                }
            }
        }
        Some(Tiles {
            kind,
            rows,
            cols,
            blocks,
            tiles,
            quants,
            d,
            m,
        })
    }

    #[cfg(test)]
    fn f16_at(s: &[u8; 32], r: usize) -> f32 {
        f16::from_le_bytes([s[2 * r], s[2 * r + 1]]).to_f32()
    }

    #[cfg(test)]
    /// The stored value (before the offset) of row `r` of tile `t`, value `k` of block `b`.
    fn stored(&self, t: usize, b: usize, r: usize, k: usize) -> u8 {
        let nv = self.kind.vectors();
        let base = (t * self.blocks + b) * nv;
        if self.kind.nibbles() {
            let byte = self.quants[base + (k % 16) / 4].0[4 * r + k % 4];
            if k < 16 { byte & 0x0F } else { byte >> 4 }
        } else {
            self.quants[base + k / 4].0[4 * r + k % 4]
        }
    }

    #[cfg(test)]
    /// The matrix's values, as candle's `dequantize` forms them from the file's blocks.
    pub(super) fn dequantize(&self) -> Vec<f32> {
        let mut out = Vec::with_capacity(self.rows * self.cols);
        for row in 0..self.rows {
            let (t, r) = (row / ROWS, row % ROWS);
            for b in 0..self.blocks {
                let tb = t * self.blocks + b;
                let d = Self::f16_at(&self.d[tb], r);
                for k in 0..BLOCK {
                    let q = self.stored(t, b, r, k) as i32 - self.kind.offset();
                    out.push(if self.kind.has_min() {
                        (q as f32) * d + Self::f16_at(&self.m[tb], r)
                    } else {
                        (q as f32) * d
                    });
                }
            }
        }
        out
    }

    #[cfg(test)]
    /// Row `row` times one token of `input`, with the scalar arithmetic of candle's kernel
    /// for the format (its AVX2 kernel for Q8_0 and Q4_0). The reference the vector kernels
    /// are tested against.
    pub(super) fn reference_dot(&self, row: usize, input: &Input, token: usize) -> f32 {
        let (t, r) = (row / ROWS, row % ROWS);
        let mut lanes = [0f32; 8];
        let mut sumf = 0f32;
        for b in 0..self.blocks {
            let tb = t * self.blocks + b;
            let ib = token * self.blocks + b;
            let dw = Self::f16_at(&self.d[tb], r);
            let x = input.values(ib);
            let mut p = [0i32; 8];
            for (k, &xk) in x.iter().enumerate() {
                let q = self.stored(t, b, r, k) as i32 - self.kind.offset();
                p[k / 4] += q * xk as i32;
            }
            if self.kind.lanes() {
                let dd = dw * input.d[ib];
                for (l, p) in lanes.iter_mut().zip(p) {
                    *l = dd.mul_add(p as f32, *l);
                }
            } else {
                let sumi: i32 = p.iter().sum();
                let mut v = sumi as f32 * dw * input.d[ib];
                if self.kind.has_min() {
                    v += Self::f16_at(&self.m[tb], r) * input.s[ib];
                }
                sumf += v;
            }
        }
        if self.kind.lanes() {
            hsum8(&lanes)
        } else {
            sumf
        }
    }
}

#[cfg(test)]
/// candle's `hsum_float_8`: `((a0+a4) + (a2+a6)) + ((a1+a5) + (a3+a7))`.
pub(super) fn hsum8(a: &[f32; 8]) -> f32 {
    ((a[0] + a[4]) + (a[2] + a[6])) + ((a[1] + a[5]) + (a[3] + a[7]))
}

/// The input of a matmul, quantised as candle quantises it for these formats: per block of
/// 32, `d = max|x| / 127` (kept as f16), values `round(x / d)` as i8, and Q8_1's
/// `s = f16(Σq) · f16(d)`.
pub(super) struct Input {
    pub(super) tokens: usize,
    pub(super) blocks: usize,
    /// Per token and block.
    pub(super) d: Vec<f32>,
    pub(super) s: Vec<f32>,
    /// Per token and block: the 32 values as 8 little-endian words of 4.
    pub(super) x4: Vec<[i32; 8]>,
    /// Per token and block: `−offset · Σ` of each word's 4 values (lanes kinds), or of the
    /// block in word 0 (the others zero).
    pub(super) corr: Vec<[i32; 8]>,
}

impl Input {
    /// `x` is `tokens × cols`.
    pub(super) fn new(x: &[f32], cols: usize, kind: Kind) -> Input {
        let blocks = cols / BLOCK;
        let tokens = x.len() / cols.max(1);
        let n = tokens * blocks;
        let mut input = Input {
            tokens,
            blocks,
            d: Vec::with_capacity(n),
            s: Vec::with_capacity(n),
            x4: Vec::with_capacity(n),
            corr: Vec::with_capacity(n),
        };
        let off = kind.offset();
        // In AVX2/AVX-512 code where the CPU has it (`pulp` dispatches); the same numbers.
        pulp::Arch::new().dispatch(|| {
            for xs in x.chunks_exact(BLOCK) {
                input.push_block(xs, kind, off);
            }
        });
        input
    }

    #[inline(always)]
    fn push_block(&mut self, xs: &[f32], kind: Kind, off: i32) {
        let amax = xs.iter().fold(0f32, |m, &x| m.max(x.abs()));
        let d = amax / 127.0;
        let id = if d != 0f32 { 1. / d } else { 0. };
        let d16 = f16::from_f32(d);
        let mut q = [0u8; 32];
        let mut sum = 0i32;
        for (q, &x) in q.iter_mut().zip(xs) {
            let v = f32::round(x * id) as i8;
            sum += v as i32;
            *q = v.to_le_bytes()[0];
        }
        let mut x4 = [0i32; 8];
        let mut corr = [0i32; 8];
        for j in 0..8 {
            let w = [q[4 * j], q[4 * j + 1], q[4 * j + 2], q[4 * j + 3]];
            x4[j] = i32::from_le_bytes(w);
            if kind.lanes() {
                corr[j] = -off * w.iter().map(|&b| b as i8 as i32).sum::<i32>();
            }
        }
        if !kind.lanes() {
            corr[0] = -off * sum;
        }
        self.d.push(d16.to_f32());
        self.s.push((f16::from_f32(sum as f32) * d16).to_f32());
        self.x4.push(x4);
        self.corr.push(corr);
    }

    /// The 32 values of token-block `ib`.
    #[cfg(test)]
    fn values(&self, ib: usize) -> [i8; 32] {
        let mut v = [0i8; 32];
        for (j, w) in self.x4[ib].iter().enumerate() {
            for (i, b) in w.to_le_bytes().iter().enumerate() {
                v[4 * j + i] = *b as i8;
            }
        }
        v
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use candle_core::quantized::{QMatMul, QTensor};
    use candle_core::{Device, Module, Tensor};

    pub(in super::super) const KINDS: [GgmlDType; 5] = [
        GgmlDType::Q8_0,
        GgmlDType::Q4_0,
        GgmlDType::Q4_1,
        GgmlDType::Q5_0,
        GgmlDType::Q5_1,
    ];

    pub(in super::super) fn sample(rows: usize, cols: usize, seed: u32) -> Vec<f32> {
        (0..rows * cols)
            .map(|i| {
                let x = (i as f32 * 0.618 + seed as f32 * 1.7).sin() * 43758.547;
                (x - x.floor() - 0.5) * 2.0 + if i % 7 == 0 { 0.3 } else { 0.0 }
            })
            .collect()
    }

    pub(in super::super) fn quantized(dtype: GgmlDType, rows: usize, cols: usize) -> QTensor {
        let w = Tensor::from_vec(sample(rows, cols, 3), (rows, cols), &Device::Cpu).unwrap();
        QTensor::quantize(&w, dtype).unwrap()
    }

    #[test]
    fn tiles_dequantise_to_the_values_of_the_original_blocks() {
        for dtype in KINDS {
            for (rows, cols) in [(16, 32), (37, 64), (48, 576)] {
                let q = quantized(dtype, rows, cols);
                let want = q
                    .dequantize(&Device::Cpu)
                    .unwrap()
                    .flatten_all()
                    .unwrap()
                    .to_vec1::<f32>()
                    .unwrap();
                let kind = Kind::of(dtype).unwrap();
                let tiles = Tiles::pack(kind, &q.data().unwrap(), rows, cols).unwrap();
                let got = tiles.dequantize();
                assert_eq!(got.len(), want.len());
                for (i, (g, w)) in got.iter().zip(&want).enumerate() {
                    assert_eq!(g.to_bits(), w.to_bits(), "{dtype:?} {rows}x{cols} at {i}");
                }
            }
        }
    }

    #[test]
    fn the_reference_is_candle_bit_for_bit() {
        for dtype in KINDS {
            for (rows, cols, tokens) in [(16, 64, 1), (21, 576, 3), (32, 1536, 2)] {
                // candle's own 256-wide Q8_0 tiles take over there; not this path.
                if dtype == GgmlDType::Q8_0 && cols % 256 == 0 {
                    continue;
                }
                let q = quantized(dtype, rows, cols);
                let kind = Kind::of(dtype).unwrap();
                let tiles = Tiles::pack(kind, &q.data().unwrap(), rows, cols).unwrap();
                let x = sample(tokens, cols, 11);
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
                for tok in 0..tokens {
                    for row in 0..rows {
                        let got = tiles.reference_dot(row, &input, tok);
                        let w = want[tok * rows + row];
                        assert_eq!(
                            got.to_bits(),
                            w.to_bits(),
                            "{dtype:?} {rows}x{cols} {tok} {row}: {got} vs {w}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn a_block_of_the_wrong_size_is_refused() {
        let q = quantized(GgmlDType::Q4_1, 4, 64);
        let bytes = q.data().unwrap();
        assert!(Tiles::pack(Kind::Q4_1, &bytes, 4, 64).is_some());
        assert!(Tiles::pack(Kind::Q4_1, &bytes[1..], 4, 64).is_none());
        assert!(Tiles::pack(Kind::Q4_1, &bytes, 4, 60).is_none());
    }
}

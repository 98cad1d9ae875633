//! Dense weights (BF16, F16 or F32, as a safetensors checkpoint stores them) for the lean
//! llama, kept in their own dtype: a BF16 model takes half the memory of an F32 copy.
//!
//! candle's CPU matmul has no BF16 kernel (it widens both sides to f32 on every call), so
//! decode (one input row) runs on a matrix-vector kernel here: each weight row is read as
//! stored and widened to f32 in registers (a BF16 value is the top half of an f32; F16 goes
//! through the `half` crate's converter), multiplied with the f32 input, rows spread over
//! rayon's threads, compiled for AVX2/FMA where the CPU has it through `pulp`'s runtime
//! dispatch (safe Rust). Prefill (many input rows) widens one matrix at a time to f32 and
//! takes candle's f32 GEMM: a transient copy of one matrix, never of the model.

use candle_core::{DType, Device, Module, Result, Tensor};
use half::slice::HalfFloatSliceExt;
use half::{bf16, f16};
use rayon::prelude::*;

/// Rows per rayon task in the matrix-vector kernel.
const ROWS_PER_TASK: usize = 32;
/// Accumulator lanes of the dot product (two AVX2 registers, one AVX-512 register).
const LANES: usize = 16;
/// Elements widened at a time for F16 rows.
const F16_CHUNK: usize = 256;

/// A row-major `(rows, cols)` matrix in its stored dtype.
pub(super) enum Dense {
    Bf16(Vec<bf16>),
    F16(Vec<f16>),
    /// F32 weights take candle's GEMM for every shape.
    F32(Tensor),
}

pub(super) struct DenseMatrix {
    data: Dense,
    rows: usize,
    cols: usize,
}

impl DenseMatrix {
    /// The matrix of a 2-D CPU tensor, in `dtype` (BF16, F16 or F32).
    pub(super) fn new(t: &Tensor, dtype: DType) -> Result<DenseMatrix> {
        let (rows, cols) = t.dims2()?;
        let t = t.to_dtype(dtype)?;
        let data = match dtype {
            DType::BF16 => Dense::Bf16(t.flatten_all()?.to_vec1::<bf16>()?),
            DType::F16 => Dense::F16(t.flatten_all()?.to_vec1::<f16>()?),
            DType::F32 => Dense::F32(t.contiguous()?),
            other => candle_core::bail!("dense weights run in BF16, F16 or F32, not {other:?}"),
        };
        Ok(DenseMatrix { data, rows, cols })
    }

    /// Matrices with the same width and dtype stacked by rows (one fused projection).
    pub(super) fn stack(parts: &[DenseMatrix]) -> Result<DenseMatrix> {
        let Some(first) = parts.first() else {
            candle_core::bail!("no matrices to stack")
        };
        let cols = first.cols;
        let rows = parts.iter().map(|p| p.rows).sum();
        let data = match &first.data {
            Dense::Bf16(_) => {
                let mut v = Vec::with_capacity(rows * cols);
                for p in parts {
                    match &p.data {
                        Dense::Bf16(d) => v.extend_from_slice(d),
                        _ => candle_core::bail!("stacked matrices differ in dtype"),
                    }
                }
                Dense::Bf16(v)
            }
            Dense::F16(_) => {
                let mut v = Vec::with_capacity(rows * cols);
                for p in parts {
                    match &p.data {
                        Dense::F16(d) => v.extend_from_slice(d),
                        _ => candle_core::bail!("stacked matrices differ in dtype"),
                    }
                }
                Dense::F16(v)
            }
            Dense::F32(_) => {
                let ts = parts
                    .iter()
                    .map(|p| match &p.data {
                        Dense::F32(t) => Ok(t.clone()),
                        _ => candle_core::bail!("stacked matrices differ in dtype"),
                    })
                    .collect::<Result<Vec<_>>>()?;
                Dense::F32(Tensor::cat(&ts, 0)?)
            }
        };
        Ok(DenseMatrix { data, rows, cols })
    }

    pub(super) fn rows(&self) -> usize {
        self.rows
    }

    pub(super) fn cols(&self) -> usize {
        self.cols
    }

    pub(super) fn dtype(&self) -> DType {
        match &self.data {
            Dense::Bf16(_) => DType::BF16,
            Dense::F16(_) => DType::F16,
            Dense::F32(_) => DType::F32,
        }
    }

    /// The whole matrix as an f32 tensor (a transient copy for half-precision weights).
    fn widened(&self) -> Result<Tensor> {
        let shape = (self.rows, self.cols);
        match &self.data {
            Dense::Bf16(v) => Tensor::from_vec(v.to_f32_vec(), shape, &Device::Cpu),
            Dense::F16(v) => Tensor::from_vec(v.to_f32_vec(), shape, &Device::Cpu),
            Dense::F32(t) => Ok(t.clone()),
        }
    }

    /// Rows `ids` as f32, `(ids.len(), cols)`: an embedding lookup.
    pub(super) fn gather(&self, ids: &[u32]) -> Result<Tensor> {
        let cols = self.cols;
        let mut out = vec![0f32; ids.len() * cols];
        for (o, &id) in out.chunks_exact_mut(cols).zip(ids) {
            let r = id as usize;
            if r >= self.rows {
                candle_core::bail!(
                    "token id {id} is outside the embedding ({} rows)",
                    self.rows
                )
            }
            match &self.data {
                Dense::Bf16(v) => v[r * cols..(r + 1) * cols].convert_to_f32_slice(o),
                Dense::F16(v) => v[r * cols..(r + 1) * cols].convert_to_f32_slice(o),
                Dense::F32(t) => o.copy_from_slice(&t.get(r)?.to_vec1::<f32>()?),
            }
        }
        Tensor::from_vec(out, (ids.len(), cols), &Device::Cpu)
    }

    /// `x · Wᵀ` for f32 `x` of any leading shape and last dimension `cols`.
    pub(super) fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let mut shape = x.dims().to_vec();
        let inputs = x.elem_count() / self.cols.max(1);
        let mut out = vec![0f32; self.rows];
        match (&self.data, inputs) {
            (Dense::Bf16(w), 1) => {
                let xv = x.flatten_all()?.to_vec1::<f32>()?;
                matvec(&xv, w, self.cols, &mut out, dot_bf16);
            }
            (Dense::F16(w), 1) => {
                let xv = x.flatten_all()?.to_vec1::<f32>()?;
                matvec(&xv, w, self.cols, &mut out, dot_f16);
            }
            _ => return x.broadcast_matmul(&self.widened()?.t()?),
        }
        if let Some(last) = shape.last_mut() {
            *last = self.rows;
        }
        Tensor::from_vec(out, shape, &Device::Cpu)
    }
}

impl Module for DenseMatrix {
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        DenseMatrix::forward(self, x)
    }
}

/// `out[r] = x · w[r]` for every row `r` of the row-major `w` (`cols` wide).
/// `dot` is a function item, inlined into the AVX2 code `pulp` dispatches to.
fn matvec<T: Sync, F: Fn(&[f32], &[T]) -> f32 + Sync>(
    x: &[f32],
    w: &[T],
    cols: usize,
    out: &mut [f32],
    dot: F,
) {
    out.par_chunks_mut(ROWS_PER_TASK)
        .enumerate()
        .for_each(|(task, ys)| {
            let first = task * ROWS_PER_TASK;
            pulp::Arch::new().dispatch(|| {
                for (j, y) in ys.iter_mut().enumerate() {
                    let r = first + j;
                    *y = dot(x, &w[r * cols..(r + 1) * cols]);
                }
            });
        });
}

/// The dot product of an f32 row and a BF16 row, in `LANES` partial sums.
#[inline(always)]
fn dot_bf16(x: &[f32], w: &[bf16]) -> f32 {
    let mut acc = [0f32; LANES];
    let mut xs = x.chunks_exact(LANES);
    let mut ws = w.chunks_exact(LANES);
    for (xc, wc) in (&mut xs).zip(&mut ws) {
        for l in 0..LANES {
            acc[l] += f32::from_bits(u32::from(wc[l].to_bits()) << 16) * xc[l];
        }
    }
    let tail: f32 = xs
        .remainder()
        .iter()
        .zip(ws.remainder())
        .map(|(a, b)| a * b.to_f32())
        .sum();
    acc.iter().sum::<f32>() + tail
}

/// The dot product of an f32 row and an F16 row, widened `F16_CHUNK` values at a time.
#[inline(always)]
fn dot_f16(x: &[f32], w: &[f16]) -> f32 {
    let mut buf = [0f32; F16_CHUNK];
    let mut acc = [0f32; LANES];
    let mut tail = 0f32;
    for (xc, wc) in x.chunks(F16_CHUNK).zip(w.chunks(F16_CHUNK)) {
        let b = &mut buf[..wc.len()];
        wc.convert_to_f32_slice(b);
        let mut xs = xc.chunks_exact(LANES);
        let mut bs = b.chunks_exact(LANES);
        for (xl, bl) in (&mut xs).zip(&mut bs) {
            for l in 0..LANES {
                acc[l] += bl[l] * xl[l];
            }
        }
        tail += xs
            .remainder()
            .iter()
            .zip(bs.remainder())
            .map(|(a, b)| a * b)
            .sum::<f32>();
    }
    acc.iter().sum::<f32>() + tail
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(rows: usize, cols: usize) -> Tensor {
        let v: Vec<f32> = (0..rows * cols)
            .map(|i| ((i as f32) * 0.377).sin() * 0.5)
            .collect();
        Tensor::from_vec(v, (rows, cols), &Device::Cpu).unwrap()
    }

    fn max_diff(a: &Tensor, b: &Tensor) -> f32 {
        (a - b)
            .unwrap()
            .abs()
            .unwrap()
            .flatten_all()
            .unwrap()
            .max(0)
            .unwrap()
            .to_scalar::<f32>()
            .unwrap()
    }

    #[test]
    fn the_kernel_matches_the_widened_matmul_in_every_dtype_and_shape() {
        // 70 columns: four full lanes of 16 and a tail; 75 rows: tasks of 32 and a tail.
        let w = sample(75, 70);
        for dtype in [DType::BF16, DType::F16, DType::F32] {
            let m = DenseMatrix::new(&w, dtype).unwrap();
            let want_w = w.to_dtype(dtype).unwrap().to_dtype(DType::F32).unwrap();
            for inputs in [1, 3] {
                let x = sample(inputs, 70).reshape((1, inputs, 70)).unwrap();
                let want = x.broadcast_matmul(&want_w.t().unwrap()).unwrap();
                let got = m.forward(&x).unwrap();
                assert_eq!(got.dims(), &[1, inputs, 75]);
                let d = max_diff(&got, &want);
                assert!(d < 1e-4, "{dtype:?} with {inputs} inputs: {d}");
            }
        }
    }

    #[test]
    fn stacked_matrices_are_one_matrix_by_rows() {
        let (a, b) = (sample(5, 40), sample(7, 40));
        let parts = [
            DenseMatrix::new(&a, DType::BF16).unwrap(),
            DenseMatrix::new(&b, DType::BF16).unwrap(),
        ];
        let s = DenseMatrix::stack(&parts).unwrap();
        assert_eq!((s.rows(), s.cols(), s.dtype()), (12, 40, DType::BF16));
        let x = sample(1, 40);
        let y = s.forward(&x).unwrap();
        let ya = parts[0].forward(&x).unwrap();
        assert!(max_diff(&y.narrow(1, 0, 5).unwrap(), &ya) == 0.0);
        let mixed = [
            DenseMatrix::new(&a, DType::BF16).unwrap(),
            DenseMatrix::new(&b, DType::F16).unwrap(),
        ];
        assert!(DenseMatrix::stack(&mixed).is_err());
    }

    #[test]
    fn gather_reads_embedding_rows_and_refuses_unknown_ids() {
        let w = sample(6, 16);
        let m = DenseMatrix::new(&w, DType::BF16).unwrap();
        let got = m.gather(&[4, 1]).unwrap();
        let want = w
            .to_dtype(DType::BF16)
            .unwrap()
            .to_dtype(DType::F32)
            .unwrap()
            .index_select(&Tensor::new(&[4u32, 1], &Device::Cpu).unwrap(), 0)
            .unwrap();
        assert_eq!(max_diff(&got, &want), 0.0);
        assert!(
            m.gather(&[6])
                .unwrap_err()
                .to_string()
                .contains("token id 6")
        );
    }
}

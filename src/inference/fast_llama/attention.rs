//! The key/value cache of one layer and attention over it. Decode (one query position)
//! attends straight over the cached rows — scores, softmax and the weighted sum of values
//! for each head in one loop, no tensors built — which is most of a decode step's
//! attention time saved on small models. Prefill builds tensors from the cache and takes
//! the masked tensor path.

use candle_core::{Device, Result, Tensor};
use std::sync::Mutex;

/// Positions the cache makes room for at a time.
const STEP: usize = 512;

/// Keys and values of the positions seen so far, `[kv head][position][head dim]`.
pub(super) struct Cache {
    k: Vec<f32>,
    v: Vec<f32>,
    len: usize,
    cap: usize,
    n_kv: usize,
    head_dim: usize,
}

impl Cache {
    pub(super) fn new(n_kv: usize, head_dim: usize) -> Cache {
        Cache {
            k: Vec::new(),
            v: Vec::new(),
            len: 0,
            cap: 0,
            n_kv,
            head_dim,
        }
    }

    pub(super) fn reset(&mut self) {
        self.len = 0;
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.len
    }

    fn grow(&mut self, need: usize) {
        let cap = (self.cap * 2).max(need).max(STEP);
        let (hd, old) = (self.head_dim, self.cap);
        let regrow = |src: &[f32]| {
            let mut dst = vec![0f32; self.n_kv * cap * hd];
            for h in 0..self.n_kv {
                let n = self.len * hd;
                dst[h * cap * hd..h * cap * hd + n]
                    .copy_from_slice(&src[h * old * hd..h * old * hd + n]);
            }
            dst
        };
        self.k = regrow(&self.k);
        self.v = regrow(&self.v);
        self.cap = cap;
    }

    /// Appends `seq` positions of keys and values, each `(1, n_kv, seq, head_dim)`.
    pub(super) fn append(&mut self, k: &Tensor, v: &Tensor) -> Result<()> {
        let seq = k.dim(2)?;
        if self.len + seq > self.cap {
            self.grow(self.len + seq);
        }
        let hd = self.head_dim;
        let (kv, vv) = (
            k.flatten_all()?.to_vec1::<f32>()?,
            v.flatten_all()?.to_vec1::<f32>()?,
        );
        for h in 0..self.n_kv {
            let at = (h * self.cap + self.len) * hd;
            let from = h * seq * hd;
            self.k[at..at + seq * hd].copy_from_slice(&kv[from..from + seq * hd]);
            self.v[at..at + seq * hd].copy_from_slice(&vv[from..from + seq * hd]);
        }
        self.len += seq;
        Ok(())
    }

    /// The cached keys and values as `(1, n_kv, len, head_dim)` tensors (a copy).
    pub(super) fn tensors(&self) -> Result<(Tensor, Tensor)> {
        let hd = self.head_dim;
        let take = |src: &[f32]| {
            let mut out = Vec::with_capacity(self.n_kv * self.len * hd);
            for h in 0..self.n_kv {
                let at = h * self.cap * hd;
                out.extend_from_slice(&src[at..at + self.len * hd]);
            }
            Tensor::from_vec(out, (1, self.n_kv, self.len, hd), &Device::Cpu)
        };
        Ok((take(&self.k)?, take(&self.v)?))
    }

    /// Attention of one query position, `q` laid out `[head][head dim]` with heads grouped
    /// by key/value head (`rep` query heads each): `[head][head dim]` out.
    pub(super) fn attend_one(&self, q: &[f32], rep: usize, scale: f32) -> Vec<f32> {
        let hd = self.head_dim;
        let n_head = self.n_kv * rep;
        let mut out = vec![0f32; n_head * hd];
        // Heads on candle's CPU pool, each in AVX2/AVX-512 code where the CPU has it (`pulp`
        // dispatches; the arithmetic is the same at every width: `dot`'s 8 partial sums).
        let heads: Vec<Mutex<&mut [f32]>> = out.chunks_mut(hd).map(Mutex::new).collect();
        candle_core::utils::barrier_pool().execute_chunked(n_head, |range| {
            let mut scores = vec![0f32; self.len];
            for h in range {
                let Some(Ok(mut o)) = heads.get(h).map(|m| m.lock()) else {
                    continue;
                };
                pulp::Arch::new().dispatch(|| {
                    self.attend_head(
                        &q[h * hd..(h + 1) * hd],
                        h / rep,
                        scale,
                        &mut scores,
                        &mut o,
                    )
                });
            }
        });
        drop(heads);
        out
    }

    /// One query head `qh` over key/value head `kv`, into `o`.
    #[inline(always)]
    fn attend_head(&self, qh: &[f32], kv: usize, scale: f32, scores: &mut [f32], o: &mut [f32]) {
        let hd = self.head_dim;
        let base = kv * self.cap * hd;
        let keys = &self.k[base..base + self.len * hd];
        let mut max = f32::NEG_INFINITY;
        for (s, key) in scores.iter_mut().zip(keys.chunks_exact(hd)) {
            *s = dot(qh, key) * scale;
            max = max.max(*s);
        }
        let mut sum = 0f32;
        for s in scores.iter_mut() {
            *s = (*s - max).exp();
            sum += *s;
        }
        let values = &self.v[base..base + self.len * hd];
        for (s, val) in scores.iter().zip(values.chunks_exact(hd)) {
            let p = s / sum;
            for (oi, vi) in o.iter_mut().zip(val) {
                *oi += p * vi;
            }
        }
    }
}

#[inline(always)]
fn dot(a: &[f32], b: &[f32]) -> f32 {
    const L: usize = 8;
    let mut acc = [0f32; L];
    let (mut ac, mut bc) = (a.chunks_exact(L), b.chunks_exact(L));
    for (x, y) in (&mut ac).zip(&mut bc) {
        for l in 0..L {
            acc[l] += x[l] * y[l];
        }
    }
    let tail: f32 = ac
        .remainder()
        .iter()
        .zip(bc.remainder())
        .map(|(x, y)| x * y)
        .sum();
    acc.iter().sum::<f32>() + tail
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(n_kv: usize, seq: usize, hd: usize, salt: f32) -> Tensor {
        let v: Vec<f32> = (0..n_kv * seq * hd)
            .map(|i| ((i as f32) * 0.731 + salt).sin())
            .collect();
        Tensor::from_vec(v, (1, n_kv, seq, hd), &Device::Cpu).unwrap()
    }

    #[test]
    fn one_query_attention_matches_the_tensor_path_across_growth() {
        let (n_kv, rep, hd) = (2, 3, 12);
        let mut c = Cache::new(n_kv, hd);
        // 300 + 300 positions: the buffer grows past its first 512 rows.
        c.append(&t(n_kv, 300, hd, 0.1), &t(n_kv, 300, hd, 0.2))
            .unwrap();
        c.append(&t(n_kv, 300, hd, 0.3), &t(n_kv, 300, hd, 0.4))
            .unwrap();
        assert_eq!(c.len(), 600);
        let q = t(n_kv * rep, 1, hd, 0.5);
        let scale = 1.0 / (hd as f32).sqrt();
        let got = c.attend_one(&q.flatten_all().unwrap().to_vec1().unwrap(), rep, scale);
        let (k, v) = c.tensors().unwrap();
        let qg = q.reshape((1, n_kv, rep, hd)).unwrap();
        let att = (qg.matmul(&k.t().unwrap()).unwrap() * scale as f64).unwrap();
        let att = candle_nn::ops::softmax_last_dim(&att).unwrap();
        let want = att
            .matmul(&v)
            .unwrap()
            .flatten_all()
            .unwrap()
            .to_vec1::<f32>()
            .unwrap();
        let d = got
            .iter()
            .zip(&want)
            .fold(0f32, |m, (a, b)| m.max((a - b).abs()));
        assert!(d < 1e-5, "{d}");
        c.reset();
        assert_eq!(c.len(), 0);
    }
}

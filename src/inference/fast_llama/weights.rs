//! A weight matrix of the lean llama, quantised (GGUF) or dense (safetensors), and the
//! projections that share an input (q, k, v; gate, up), fused into one matrix when they
//! share a format.

use super::dense::DenseMatrix;
use super::quant::{QuantLinear, fusable};
use candle_core::quantized::QTensor;
use candle_core::{D, Result, Tensor};

/// `x · Wᵀ`.
pub(super) enum Linear {
    Quant(QuantLinear),
    Dense(DenseMatrix),
}

impl Linear {
    pub(super) fn quant(q: QTensor, repack: bool) -> Result<Linear> {
        Ok(Linear::Quant(QuantLinear::new(&[q], repack)?))
    }

    pub(super) fn forward(&self, x: &Tensor) -> Result<Tensor> {
        match self {
            Linear::Quant(l) => l.forward(x),
            Linear::Dense(l) => l.forward(x),
        }
    }
}

/// Projections that share an input: one fused matrix split by widths, or one each.
pub(super) enum Stack {
    Fused(Linear, Vec<usize>),
    Split(Vec<Linear>),
}

impl Stack {
    pub(super) fn quant(parts: Vec<QTensor>, repack: bool) -> Result<Stack> {
        let refs: Vec<&QTensor> = parts.iter().collect();
        if fusable(&refs, repack) {
            let widths = parts
                .iter()
                .map(|p| p.shape().dims2().map(|d| d.0))
                .collect::<Result<Vec<_>>>()?;
            Ok(Stack::Fused(
                Linear::Quant(QuantLinear::new(&parts, repack)?),
                widths,
            ))
        } else {
            Ok(Stack::Split(
                parts
                    .into_iter()
                    .map(|p| Linear::quant(p, repack))
                    .collect::<Result<Vec<_>>>()?,
            ))
        }
    }

    pub(super) fn dense(parts: Vec<DenseMatrix>) -> Result<Stack> {
        let same = parts
            .windows(2)
            .all(|w| (w[0].dtype(), w[0].cols()) == (w[1].dtype(), w[1].cols()));
        if same {
            let widths = parts.iter().map(DenseMatrix::rows).collect();
            Ok(Stack::Fused(
                Linear::Dense(DenseMatrix::stack(&parts)?),
                widths,
            ))
        } else {
            Ok(Stack::Split(parts.into_iter().map(Linear::Dense).collect()))
        }
    }

    pub(super) fn forward(&self, x: &Tensor) -> Result<Vec<Tensor>> {
        match self {
            Stack::Fused(l, widths) => {
                let y = l.forward(x)?;
                let mut out = Vec::with_capacity(widths.len());
                let mut at = 0;
                for &w in widths {
                    out.push(y.narrow(D::Minus1, at, w)?);
                    at += w;
                }
                Ok(out)
            }
            Stack::Split(ls) => ls.iter().map(|l| l.forward(x)).collect(),
        }
    }
}

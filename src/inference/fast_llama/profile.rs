//! Where a decode step's time goes: wall time per operation of the lean llama, summed over
//! the steps profiled (`blindstep bench profile MODEL`). Off unless asked for; when on,
//! each operation is timed as it runs (candle's CPU ops are synchronous).

use std::time::{Duration, Instant};

/// The operations of one forward pass, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Embed,
    Norm,
    QkvMatmul,
    Rope,
    Attention,
    OutMatmul,
    GateUpMatmul,
    Activation,
    DownMatmul,
    Residual,
    OutputMatmul,
    /// Outside the model: logits to host memory and the greedy pick.
    LogitsAndSampling,
}

impl Op {
    pub const ALL: [Op; 12] = [
        Op::Embed,
        Op::Norm,
        Op::QkvMatmul,
        Op::Rope,
        Op::Attention,
        Op::OutMatmul,
        Op::GateUpMatmul,
        Op::Activation,
        Op::DownMatmul,
        Op::Residual,
        Op::OutputMatmul,
        Op::LogitsAndSampling,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Op::Embed => "embedding lookup",
            Op::Norm => "rms norms",
            Op::QkvMatmul => "matmul q/k/v (fused)",
            Op::Rope => "rope",
            Op::Attention => "attention (cache, scores, softmax, values)",
            Op::OutMatmul => "matmul attention output",
            Op::GateUpMatmul => "matmul gate/up (fused)",
            Op::Activation => "silu × up",
            Op::DownMatmul => "matmul down",
            Op::Residual => "residual adds",
            Op::OutputMatmul => "matmul logits (vocabulary)",
            Op::LogitsAndSampling => "logits copy + greedy pick",
        }
    }
}

/// Time per operation, summed over `steps` forward passes.
#[derive(Debug, Clone, Default)]
pub struct OpTimes {
    times: [Duration; 12],
    pub steps: usize,
}

impl OpTimes {
    pub fn add(&mut self, op: Op, d: Duration) {
        self.times[op as usize] += d;
    }

    pub fn get(&self, op: Op) -> Duration {
        self.times[op as usize]
    }

    pub fn total(&self) -> Duration {
        self.times.iter().sum()
    }
}

/// Laps of a forward pass into an optional profile.
pub(super) struct Laps<'a> {
    into: Option<&'a mut OpTimes>,
    last: Instant,
}

impl<'a> Laps<'a> {
    pub(super) fn new(into: Option<&'a mut OpTimes>) -> Laps<'a> {
        Laps {
            into,
            last: Instant::now(),
        }
    }

    /// Charges the time since the last lap to `op`.
    pub(super) fn lap(&mut self, op: Op) {
        if let Some(p) = self.into.as_deref_mut() {
            let now = Instant::now();
            p.add(op, now - self.last);
            self.last = now;
        }
    }

    pub(super) fn finish(self) {
        if let Some(p) = self.into {
            p.steps += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn laps_charge_each_op_and_count_steps_only_when_on() {
        let mut p = OpTimes::default();
        let mut l = Laps::new(Some(&mut p));
        std::thread::sleep(Duration::from_millis(2));
        l.lap(Op::Norm);
        l.lap(Op::Rope);
        l.finish();
        assert_eq!(p.steps, 1);
        assert!(p.get(Op::Norm) >= Duration::from_millis(2));
        assert!(p.get(Op::Rope) < p.get(Op::Norm));
        assert_eq!(p.total(), p.get(Op::Norm) + p.get(Op::Rope));
        let mut off = Laps::new(None);
        off.lap(Op::Norm);
        off.finish();
    }
}

//! The binary item outcomes reviewers can disagree on (answer correct, chain error, each
//! error mode, each red flag recognised and acted on), by name: the vocabulary of tie rules
//! and adjudication.

use crate::domain::ErrorMode;
use std::fmt;
use std::str::FromStr;

/// A binary item outcome reviewers can disagree on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Outcome {
    AnswerCorrect,
    /// The chain has at least one error step.
    ChainError,
    /// The chain has a step tagged with `ErrorMode::ALL[i]`.
    Mode(u8),
    /// Red flag `i` of the case recognised.
    RedFlag(u16),
    /// Red flag `i` of the case acted on (the chain took or proposed the expected action).
    ActedOn(u16),
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::AnswerCorrect => f.write_str("answer_correct"),
            Outcome::ChainError => f.write_str("chain_error"),
            Outcome::Mode(m) => match ErrorMode::ALL.get(*m as usize) {
                Some(mode) => write!(f, "mode:{mode}"),
                None => write!(f, "mode:{m}"),
            },
            Outcome::RedFlag(i) => write!(f, "red_flag:{i}"),
            Outcome::ActedOn(i) => write!(f, "acted_on:{i}"),
        }
    }
}

impl FromStr for Outcome {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || {
            format!(
                "unknown outcome {s:?} (answer_correct, chain_error, mode:<drift|red_flag|priority|other>, red_flag:<n>, acted_on:<n>)"
            )
        };
        match s {
            "answer_correct" => Ok(Outcome::AnswerCorrect),
            "chain_error" => Ok(Outcome::ChainError),
            _ => {
                if let Some(m) = s.strip_prefix("mode:") {
                    let mode: ErrorMode = m.parse().map_err(|_| bad())?;
                    let i = ErrorMode::ALL
                        .iter()
                        .position(|x| *x == mode)
                        .ok_or_else(bad)?;
                    Ok(Outcome::Mode(i as u8))
                } else if let Some(i) = s.strip_prefix("red_flag:") {
                    Ok(Outcome::RedFlag(i.parse().map_err(|_| bad())?))
                } else if let Some(i) = s.strip_prefix("acted_on:") {
                    Ok(Outcome::ActedOn(i.parse().map_err(|_| bad())?))
                } else {
                    Err(bad())
                }
            }
        }
    }
}

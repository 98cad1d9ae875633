//! Stop-string matching over streamed text. Text that might be the start of a
//! stop string is held back until it is known not to be one, so the caller
//! never streams (or stores) a stop string. Pure; knows nothing of tokens.

#[derive(Debug, Clone, Default)]
pub struct StopMatcher {
    stops: Vec<String>,
    pending: String,
}

/// What one piece of text yields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// Text that is safe to emit now.
    pub emit: String,
    /// A stop string was found; nothing after it is emitted.
    pub stopped: bool,
}

impl StopMatcher {
    pub fn new(stops: &[String]) -> Self {
        Self {
            stops: stops.iter().filter(|s| !s.is_empty()).cloned().collect(),
            pending: String::new(),
        }
    }

    pub fn push(&mut self, piece: &str) -> Step {
        if self.stops.is_empty() {
            return Step {
                emit: piece.to_string(),
                stopped: false,
            };
        }
        self.pending.push_str(piece);
        let first_hit = self
            .stops
            .iter()
            .filter_map(|s| self.pending.find(s.as_str()))
            .min();
        if let Some(at) = first_hit {
            let emit = self.pending[..at].to_string();
            self.pending.clear();
            return Step {
                emit,
                stopped: true,
            };
        }
        let keep = self.held_back_len();
        let split = self.pending.len() - keep;
        let emit = self.pending[..split].to_string();
        self.pending.drain(..split);
        Step {
            emit,
            stopped: false,
        }
    }

    /// The text still held back (it did not turn into a stop string).
    pub fn finish(&mut self) -> String {
        std::mem::take(&mut self.pending)
    }

    /// Length of the longest suffix of `pending` that is a proper prefix of a stop string.
    fn held_back_len(&self) -> usize {
        let mut best = 0;
        for (start, _) in self.pending.char_indices() {
            let suffix = &self.pending[start..];
            if self
                .stops
                .iter()
                .any(|s| s.len() > suffix.len() && s.starts_with(suffix))
            {
                best = suffix.len();
                break;
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(stops: &[&str], pieces: &[&str]) -> (String, bool) {
        let stops: Vec<String> = stops.iter().map(|s| s.to_string()).collect();
        let mut m = StopMatcher::new(&stops);
        let mut out = String::new();
        for p in pieces {
            let step = m.push(p);
            out.push_str(&step.emit);
            if step.stopped {
                return (out, true);
            }
        }
        out.push_str(&m.finish());
        (out, false)
    }

    #[test]
    fn stop_string_split_across_pieces_is_caught() {
        assert_eq!(
            run(&["</answer>"], &["Answer: B", "</ans", "wer> trailing"]),
            ("Answer: B".to_string(), true)
        );
    }

    #[test]
    fn near_miss_is_released() {
        assert_eq!(
            run(&["STOP"], &["ST", "OR", "Y"]),
            ("STORY".to_string(), false)
        );
    }

    #[test]
    fn without_stops_everything_passes() {
        assert_eq!(run(&[], &["a", "b"]), ("ab".to_string(), false));
    }

    #[test]
    fn multibyte_text_is_split_on_char_boundaries() {
        assert_eq!(
            run(&["éx"], &["café", "é", "y"]),
            ("caféé y".replace(' ', ""), false)
        );
        assert_eq!(run(&["éx"], &["café", "x"]), ("caf".to_string(), true));
    }
}

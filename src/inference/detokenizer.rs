//! Incremental detokenizer: turns a growing token sequence into text pieces
//! that only ever contain complete UTF-8 characters. It decodes a short window
//! (the last emitted piece plus the pending tokens), so each step costs O(1)
//! amortised. It must not know about models or sampling.

/// Anything that can turn token ids into text.
pub trait Decode {
    fn decode_ids(&self, ids: &[u32]) -> Result<String, String>;
}

impl Decode for tokenizers::Tokenizer {
    fn decode_ids(&self, ids: &[u32]) -> Result<String, String> {
        self.decode(ids, true).map_err(|e| e.to_string())
    }
}

/// Streams text out of tokens as they are generated.
#[derive(Debug, Default, Clone)]
pub struct TokenStream {
    tokens: Vec<u32>,
    /// Start of the decoding window (context for the decoder).
    prev: usize,
    /// End of what has been emitted.
    current: usize,
}

impl TokenStream {
    pub fn new() -> Self {
        Self::default()
    }

    /// All tokens pushed so far.
    pub fn tokens(&self) -> &[u32] {
        &self.tokens
    }

    /// Adds one token; returns the newly completed text, if any.
    pub fn push(&mut self, decoder: &dyn Decode, token: u32) -> Result<Option<String>, String> {
        self.tokens.push(token);
        let window = &self.tokens[self.prev..];
        let emitted = &self.tokens[self.prev..self.current];
        let prefix = if emitted.is_empty() {
            String::new()
        } else {
            decoder.decode_ids(emitted)?
        };
        let text = decoder.decode_ids(window)?;
        // An unfinished multi-byte character decodes to U+FFFD: wait for more bytes.
        if text.ends_with('\u{FFFD}') || text.len() <= prefix.len() {
            return Ok(None);
        }
        let Some(piece) = text.strip_prefix(prefix.as_str()) else {
            // The decoder rewrote earlier text (rare, e.g. cleanup rules): emit
            // the tail past the common prefix so nothing is lost.
            let common = common_prefix_len(&prefix, &text);
            let piece = text[common..].to_string();
            self.advance();
            return Ok(Some(piece));
        };
        let piece = piece.to_string();
        self.advance();
        Ok(Some(piece))
    }

    fn advance(&mut self) {
        self.prev = self.current;
        self.current = self.tokens.len();
    }

    /// Whatever is still pending (an incomplete character becomes U+FFFD).
    pub fn finish(&mut self, decoder: &dyn Decode) -> Result<Option<String>, String> {
        if self.current == self.tokens.len() {
            return Ok(None);
        }
        let emitted = &self.tokens[self.prev..self.current];
        let prefix = if emitted.is_empty() {
            String::new()
        } else {
            decoder.decode_ids(emitted)?
        };
        let text = decoder.decode_ids(&self.tokens[self.prev..])?;
        let common = common_prefix_len(&prefix, &text);
        self.advance();
        let piece = &text[common..];
        Ok((!piece.is_empty()).then(|| piece.to_string()))
    }
}

fn common_prefix_len(a: &str, b: &str) -> usize {
    let mut n = 0;
    for ((i, ca), cb) in a.char_indices().zip(b.chars()) {
        if ca != cb {
            return i;
        }
        n = i + ca.len_utf8();
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each token is one byte; decoding is lossy UTF-8, like byte-level BPE.
    struct Bytes;
    impl Decode for Bytes {
        fn decode_ids(&self, ids: &[u32]) -> Result<String, String> {
            let bytes: Vec<u8> = ids.iter().map(|&i| i as u8).collect();
            Ok(String::from_utf8_lossy(&bytes).into_owned())
        }
    }

    fn stream(text: &str) -> Vec<String> {
        let mut s = TokenStream::new();
        let mut out = Vec::new();
        for b in text.bytes() {
            if let Some(p) = s.push(&Bytes, u32::from(b)).unwrap() {
                out.push(p);
            }
        }
        if let Some(p) = s.finish(&Bytes).unwrap() {
            out.push(p);
        }
        out
    }

    #[test]
    fn emits_only_complete_characters() {
        let pieces = stream("a→é🙂b");
        assert_eq!(pieces, vec!["a", "→", "é", "🙂", "b"]);
        assert_eq!(pieces.concat(), "a→é🙂b");
    }

    #[test]
    fn incomplete_tail_is_flushed_on_finish() {
        let mut s = TokenStream::new();
        assert_eq!(
            s.push(&Bytes, u32::from(b'x')).unwrap().as_deref(),
            Some("x")
        );
        assert_eq!(s.push(&Bytes, 0xE2).unwrap(), None);
        assert_eq!(s.finish(&Bytes).unwrap().as_deref(), Some("\u{FFFD}"));
    }

    #[test]
    fn window_stays_short() {
        let mut s = TokenStream::new();
        for b in "hello world, this is long".bytes() {
            s.push(&Bytes, u32::from(b)).unwrap();
        }
        assert!(s.tokens.len() - s.prev <= 2);
    }
}

//! Python literals written as text into JSON files (`"options": "{'A': 'x', 'B': 'y'}"`,
//! `"token_usage": "{'prompt_tokens': 326}"`), as MedAgentsBench's chain-of-thought outputs do.
//! Reads dicts, lists, tuples, strings, numbers, `True`, `False` and `None` into JSON values.
//! Pure; never evaluates anything.

use serde_json::{Map, Number, Value};

/// Parse `text` as one Python literal. `Err` says what was expected where (0-based char).
pub fn parse(text: &str) -> Result<Value, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut p = Parser { s: &chars, i: 0 };
    let v = p.value()?;
    p.ws();
    if p.i != chars.len() {
        return Err(format!("unexpected text at character {}", p.i));
    }
    Ok(v)
}

/// A JSON value as it was meant: a string holding a Python or JSON literal dict or list is
/// parsed; anything else is returned unchanged.
pub fn decode(v: &Value) -> Value {
    if let Value::String(s) = v {
        let t = s.trim_start();
        if t.starts_with('{') || t.starts_with('[') {
            if let Ok(parsed) = serde_json::from_str::<Value>(s) {
                return parsed;
            }
            if let Ok(parsed) = parse(s) {
                return parsed;
            }
        }
    }
    v.clone()
}

struct Parser<'a> {
    s: &'a [char],
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.s.get(self.i).is_some_and(|c| c.is_whitespace()) {
            self.i += 1;
        }
    }

    fn peek(&self) -> Option<char> {
        self.s.get(self.i).copied()
    }

    fn expect(&mut self, c: char) -> Result<(), String> {
        self.ws();
        if self.peek() == Some(c) {
            self.i += 1;
            Ok(())
        } else {
            Err(format!("expected {c:?} at character {}", self.i))
        }
    }

    fn value(&mut self) -> Result<Value, String> {
        self.ws();
        match self.peek() {
            Some('{') => self.dict(),
            Some('[') => self.seq(']'),
            Some('(') => self.seq(')'),
            Some('\'' | '"') => self.string().map(Value::String),
            Some(c) if c == '-' || c == '+' || c == '.' || c.is_ascii_digit() => self.number(),
            Some(c) if c.is_alphabetic() => {
                let start = self.i;
                while self.peek().is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    self.i += 1;
                }
                let word: String = self.s[start..self.i].iter().collect();
                match word.as_str() {
                    "True" | "true" => Ok(Value::Bool(true)),
                    "False" | "false" => Ok(Value::Bool(false)),
                    "None" | "null" => Ok(Value::Null),
                    other => Err(format!("unexpected name {other:?} at character {start}")),
                }
            }
            Some(c) => Err(format!("unexpected {c:?} at character {}", self.i)),
            None => Err("unexpected end of text".into()),
        }
    }

    fn dict(&mut self) -> Result<Value, String> {
        self.expect('{')?;
        let mut map = Map::new();
        loop {
            self.ws();
            if self.peek() == Some('}') {
                self.i += 1;
                return Ok(Value::Object(map));
            }
            let key = match self.value()? {
                Value::String(s) => s,
                Value::Number(n) => n.to_string(),
                other => return Err(format!("a dict key must be text, found {other}")),
            };
            self.expect(':')?;
            let v = self.value()?;
            map.insert(key, v);
            self.ws();
            match self.peek() {
                Some(',') => self.i += 1,
                Some('}') => {}
                _ => return Err(format!("expected ',' or '}}' at character {}", self.i)),
            }
        }
    }

    fn seq(&mut self, close: char) -> Result<Value, String> {
        self.i += 1;
        let mut out = Vec::new();
        loop {
            self.ws();
            if self.peek() == Some(close) {
                self.i += 1;
                return Ok(Value::Array(out));
            }
            out.push(self.value()?);
            self.ws();
            match self.peek() {
                Some(',') => self.i += 1,
                Some(c) if c == close => {}
                _ => return Err(format!("expected ',' or {close:?} at character {}", self.i)),
            }
        }
    }

    fn string(&mut self) -> Result<String, String> {
        let quote = self.peek().ok_or("unexpected end of text")?;
        let start = self.i;
        self.i += 1;
        let mut out = String::new();
        loop {
            let c = self
                .peek()
                .ok_or_else(|| format!("unterminated string from character {start}"))?;
            self.i += 1;
            if c == quote {
                return Ok(out);
            }
            if c != '\\' {
                out.push(c);
                continue;
            }
            let e = self
                .peek()
                .ok_or_else(|| format!("unterminated string from character {start}"))?;
            self.i += 1;
            match e {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                '0' => out.push('\0'),
                'x' => out.push(self.hex(2)?),
                'u' => out.push(self.hex(4)?),
                'U' => out.push(self.hex(8)?),
                '\n' => {}
                other => out.push(other),
            }
        }
    }

    fn hex(&mut self, n: usize) -> Result<char, String> {
        let end = self.i + n;
        let digits: String = self
            .s
            .get(self.i..end)
            .ok_or("truncated escape")?
            .iter()
            .collect();
        self.i = end;
        u32::from_str_radix(&digits, 16)
            .ok()
            .and_then(char::from_u32)
            .ok_or_else(|| format!("bad escape \\{digits}"))
    }

    fn number(&mut self) -> Result<Value, String> {
        let start = self.i;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E' | '_'))
        {
            self.i += 1;
        }
        let text: String = self.s[start..self.i]
            .iter()
            .filter(|c| **c != '_')
            .collect();
        if let Ok(i) = text.parse::<i64>() {
            return Ok(Value::Number(i.into()));
        }
        text.parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map(Value::Number)
            .ok_or_else(|| format!("bad number {text:?} at character {start}"))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn python_dicts_with_quotes_and_escapes() {
        let v = parse(r#"{'A': 'Acetazolamide', 'B': "Patient's drug", 'C': 'a\'b\nc', 'n': 3}"#)
            .unwrap();
        assert_eq!(
            v,
            json!({"A": "Acetazolamide", "B": "Patient's drug", "C": "a'b\nc", "n": 3})
        );
    }

    #[test]
    fn nested_literals() {
        let v =
            parse("{'u': {'prompt_tokens': 326, 'x': [1.5, None, True]}, 't': ('a',)}").unwrap();
        assert_eq!(
            v,
            json!({"u": {"prompt_tokens": 326, "x": [1.5, null, true]}, "t": ["a"]})
        );
    }

    #[test]
    fn decode_leaves_plain_text_alone() {
        assert_eq!(decode(&json!("5.96")), json!("5.96"));
        assert_eq!(decode(&json!("{'A': 'x'}")), json!({"A": "x"}));
        assert!(parse("{'A': open('x')}").is_err());
    }
}

//! Formats shared by the tally's renderers: the p-value, and left-aligned text tables.

use std::fmt::Write;

/// A p-value with 4 significant digits: `0.03320`, `1.000`, `3.398e-6`.
pub fn format_p(p: f64) -> String {
    if !p.is_finite() {
        return "n/a".into();
    }
    let p = p.clamp(0.0, 1.0);
    if p == 0.0 {
        return "0".into();
    }
    let sci = format!("{p:.3e}");
    let exp: i32 = sci
        .split_once('e')
        .and_then(|(_, e)| e.parse().ok())
        .unwrap_or(0);
    if exp >= -3 {
        format!("{:.*}", (3 - exp) as usize, p)
    } else {
        sci
    }
}

/// Left-aligned columns, two spaces apart.
pub(crate) fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut s = String::new();
        for (i, c) in cells.enumerate() {
            let _ = write!(s, "{c:<w$}  ", w = widths.get(i).copied().unwrap_or(0));
        }
        out.push_str(s.trim_end());
        out.push('\n');
    };
    line(&mut header.iter().copied());
    for r in rows {
        line(&mut r.iter().map(String::as_str));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p_values_have_four_significant_digits() {
        assert_eq!(format_p(0.9999999999999998), "1.000");
        assert_eq!(format_p(0.033203125), "0.03320");
        assert_eq!(format_p(0.5), "0.5000");
        assert_eq!(format_p(0.0999996), "0.1000");
        assert_eq!(format_p(0.0012346), "0.001235");
        assert_eq!(format_p(3.3976731247300535e-06), "3.398e-6");
        assert_eq!(format_p(0.0), "0");
    }
}

//! Number formats shared by the tally's renderers.

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

//! Character classes shared by the stripper (which removes emojis) and the leakage
//! classifier (which counts them as a layout feature): one definition, so that what the
//! stripper removes is exactly what the classifier measures.

/// Emoji and their joiners: pictographs (U+1F000–U+1FAFF), symbols and dingbats
/// (U+2600–U+27BF), arrows and stars (U+2B00–U+2BFF), the variation selector, the zero-width
/// joiner, the keycap and tag characters. The sign glyphs ♀ and ♂ are kept (they carry sex).
pub fn is_emoji(c: char) -> bool {
    let u = c as u32;
    matches!(u,
        0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2B00..=0x2BFF | 0xFE0F | 0x200D | 0x20E3
        | 0xE0020..=0xE007F)
        && c != '♀'
        && c != '♂'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emoji_yes_clinical_signs_no() {
        assert!(is_emoji('🙂') && is_emoji('✅') && is_emoji('\u{200D}'));
        assert!(!is_emoji('♀') && !is_emoji('°') && !is_emoji('µ') && !is_emoji('A'));
    }
}

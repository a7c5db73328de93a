//! Vietnamese text handling shared by every stage: decoding, NFC, slugs,
//! collation and name casing. Getting these right is bantin's reason to exist.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::sync::OnceLock;

use icu_collator::options::CollatorOptions;
use icu_collator::{CollatorBorrowed, CollatorPreferences};
use unicode_normalization::{UnicodeNormalization, is_nfc_quick};

use crate::error::TextError;

const SAVE_AS_UTF8: &str = "save the file as UTF-8 (your editor's \"Save with encoding\")";

/// Why a file's bytes are not text bantin accepts. Bytes that are not text
/// have no line, so the error is for the whole file; the message gives the
/// byte offset. `help` varies: re-saving as UTF-8 cannot mend a cut-off file.
fn decode_error(message: String, help: &str) -> TextError {
    TextError {
        line: 0,
        col: 0,
        message,
        help: help.to_string(),
    }
}

/// Turns a file's bytes into NFC text with LF line endings. UTF-8 with or
/// without BOM is accepted; UTF-16 and legacy code pages are refused with the
/// byte offset, because guessing would silently produce mojibake.
pub fn decode(bytes: &[u8]) -> Result<String, TextError> {
    decode_owned(bytes.to_vec())
}

/// [`decode`] without copying: the file's buffer becomes the text when it is
/// already NFC with LF endings, as nearly every file is.
pub fn decode_owned(mut bytes: Vec<u8>) -> Result<String, TextError> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(decode_error(
            "the file is UTF-16; bantin reads UTF-8 only".into(),
            SAVE_AS_UTF8,
        ));
    }
    let skipped = if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
        3
    } else {
        0
    };
    let text = String::from_utf8(bytes).map_err(|e| {
        let body = e.as_bytes();
        let offset = skipped + e.utf8_error().valid_up_to();
        // `error_len() == None` means the bytes stop inside a sequence that was
        // valid so far: a copy or upload cut short, not another encoding, and
        // blaming a code page would send the user to fix the wrong thing.
        if e.utf8_error().error_len().is_none() {
            return decode_error(
                format!(
                    "the file ends in the middle of a character (truncated UTF-8 at byte {offset})"
                ),
                "the file was cut short (an interrupted copy or upload?): copy it again from where it came from",
            );
        }
        let hint = if body.iter().take(200).filter(|&&b| b == 0).count() > 20 {
            " (it looks like UTF-16)"
        } else {
            " (the file is probably in a legacy Vietnamese code page such as TCVN3 or Windows-1258)"
        };
        decode_error(format!("invalid UTF-8 at byte {offset}{hint}"), SAVE_AS_UTF8)
    })?;
    Ok(normalize_owned(text))
}

/// Whether `c` is a control character bantin drops: C0 controls other than
/// tab and newline, DEL, and the C1 controls (U+0080..U+009F).
fn is_dropped_control(c: char) -> bool {
    c.is_control() && c != '\t' && c != '\n'
}

/// `text` without control characters (ESC, NUL, the rest of C0 and C1; tab
/// and newline stay).
///
/// Dropped, not refused: they are invisible in an editor, so an error would
/// point at something the writer cannot see or delete; they mean nothing in
/// a news article (they come from old exports and copy-paste out of
/// terminals); and left in, they would reach titles, slugs, feeds (where XML
/// 1.0 forbids most of them) and HTML (where they are parse errors), and an
/// ESC sequence would recolour the terminal of anyone reading a message
/// that quotes the title.
pub fn without_controls(text: &str) -> Cow<'_, str> {
    if !has_controls(text) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.chars().filter(|&c| !is_dropped_control(c)).collect())
}

/// [`without_controls`] for an owned string, reusing it when it is clean.
pub fn strip_controls(text: String) -> String {
    if has_controls(&text) {
        text.chars().filter(|&c| !is_dropped_control(c)).collect()
    } else {
        text
    }
}

/// Byte-level scan: runs over every content file, and nearly none has any.
fn has_controls(text: &str) -> bool {
    let b = text.as_bytes();
    b.iter().enumerate().any(|(i, &x)| match x {
        b'\t' | b'\n' => false,
        0x00..=0x1F | 0x7F => true,
        // U+0080..U+009F are C2 80..C2 9F.
        0xC2 => matches!(b.get(i + 1), Some(0x80..=0x9F)),
        _ => false,
    })
}

/// NFC and LF line endings.
pub fn normalize(text: &str) -> String {
    normalize_owned(text.to_owned())
}

fn normalize_owned(text: String) -> String {
    let text = if text.as_bytes().contains(&b'\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    };
    if is_surely_nfc(&text) {
        text
    } else {
        text.nfc().collect()
    }
}

/// A fast NFC check for Vietnamese text: characters below U+0300 and the
/// precomposed Vietnamese letters (U+1E00..U+1EFF) and general punctuation
/// are always NFC with no combining class, so only text with anything else
/// (a combining mark, say) needs the full quick check.
fn is_surely_nfc(text: &str) -> bool {
    // Byte-level: the UTF-8 lead bytes of those ranges are easy to recognise,
    // and this runs over every content file.
    let b = text.as_bytes();
    let mut i = 0;
    let simple = loop {
        // Runs of ASCII, 16 bytes at a time.
        while let Some(chunk) = b.get(i..i + 16)
            && chunk.is_ascii()
        {
            i += 16;
        }
        let Some(&lead) = b.get(i) else { break true };
        i += match lead {
            0x00..=0x7F => 1,
            // U+0080..U+02FF
            0xC2..=0xCB => 2,
            // U+1E00..U+1EFF
            0xE1 if matches!(b.get(i + 1), Some(0xB8..=0xBB)) => 3,
            // U+2000..U+207F
            0xE2 if matches!(b.get(i + 1), Some(0x80..=0x81)) => 3,
            _ => break false,
        };
    };
    simple || is_nfc_quick(text.chars()) == unicode_normalization::IsNormalized::Yes
}

/// NFC only, for short strings from YAML (titles, tags).
pub fn nfc(text: &str) -> String {
    if is_surely_nfc(text) {
        text.to_owned()
    } else {
        text.nfc().collect()
    }
}

/// A URL-safe ASCII slug: diacritics removed, `đ` -> `d`, lowercase, words
/// joined by `-`. Empty when the text has no letters or digits.
pub fn slugify(text: &str) -> String {
    // No NFC needed: deunicode drops combining marks, so NFD input slugs
    // the same (tested below).
    let mut out = String::with_capacity(text.len());
    let mut pending_dash = false;
    let mut push = |a: char| {
        if a.is_ascii_alphanumeric() {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.push(a.to_ascii_lowercase());
        } else {
            pending_dash = true;
        }
    };
    for c in text.chars() {
        match c {
            _ if c.is_ascii() => push(c),
            'đ' | 'Đ' => push('d'),
            _ => deunicode::deunicode_char(c)
                .unwrap_or(" ")
                .chars()
                .for_each(&mut push),
        }
    }
    out
}

/// Cuts `slug` to at most `max` bytes at a word boundary, so long Vietnamese
/// titles still make readable URLs.
pub fn truncate_slug(slug: &str, max: usize) -> &str {
    if slug.len() <= max {
        return slug;
    }
    let cut = &slug[..max];
    match cut.rfind('-') {
        Some(i) if i > 0 => &cut[..i],
        _ => cut,
    }
}

fn collator() -> &'static CollatorBorrowed<'static> {
    static COLLATOR: OnceLock<CollatorBorrowed<'static>> = OnceLock::new();
    COLLATOR.get_or_init(|| {
        let locale: icu_locale_core::Locale = "vi".parse().expect("valid locale literal");
        CollatorBorrowed::try_new(
            CollatorPreferences::from(&locale),
            CollatorOptions::default(),
        )
        .expect("compiled collation data includes Vietnamese")
    })
}

/// Vietnamese alphabetical order (a, ă, â, b, c, d, đ, e, ê, ...), tones after
/// letters, as CLDR defines it; ties broken by code points so the order is total.
pub fn compare_vi(a: &str, b: &str) -> Ordering {
    collator().compare(a, b).then_with(|| a.cmp(b))
}

/// "KIỀU CHINH" -> "Kiều Chinh". Names already in mixed case are kept as
/// written: "McNeil" or "LĐLĐ"-style abbreviations inside mixed text are the
/// writer's choice.
pub fn name_case(name: &str) -> String {
    let name = name.trim();
    if name.chars().any(|c| c.is_lowercase()) {
        return name.to_owned();
    }
    name.split_whitespace()
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => first
                    .to_uppercase()
                    .chain(chars.flat_map(char::to_lowercase))
                    .collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<String>>()
        .join(" ")
}

/// Characters a raw export pads titles with: spaces, tabs, NBSP, zero-width.
pub fn trim_padding(s: &str) -> &str {
    s.trim_matches(|c: char| {
        c.is_whitespace() || c == '\u{a0}' || c == '\u{200b}' || c == '\u{feff}'
    })
}

/// Number of words, for reading time.
pub fn word_count(s: &str) -> usize {
    s.split_whitespace().count()
}

/// Plain-text teaser: at most `max` characters, cut at a word boundary.
pub fn teaser(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        return text;
    }
    let cut: String = text.chars().take(max).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > max / 2 => &cut[..i],
        _ => &cut[..],
    };
    format!("{}…", cut.trim_end_matches([',', ';', ':', ' ']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugifies_vietnamese() {
        assert_eq!(
            slugify("Phối hợp giữ gìn an ninh trật tự lĩnh vực lao động, công đoàn"),
            "phoi-hop-giu-gin-an-ninh-trat-tu-linh-vuc-lao-dong-cong-doan"
        );
        assert_eq!(
            slugify("Đồng bằng sông Cửu Long"),
            "dong-bang-song-cuu-long"
        );
        assert_eq!(slugify("ĐÀ NẴNG"), "da-nang");
        assert_eq!(slugify("  --Cần Thơ!!  "), "can-tho");
        assert_eq!(slugify("COVID-19 & 2024"), "covid-19-2024");
        assert_eq!(slugify("!!!"), "");
        // Decomposed input (NFD) slugs the same as composed.
        assert_eq!(slugify(&"Cần Thơ".nfd().collect::<String>()), "can-tho");
    }

    #[test]
    fn orders_vietnamese_alphabet() {
        let mut words = vec![
            "đ", "e", "â", "b", "ă", "a", "d", "ê", "ơ", "o", "ô", "ư", "u", "c",
        ];
        words.sort_by(|a, b| compare_vi(a, b));
        assert_eq!(
            words,
            [
                "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "o", "ô", "ơ", "u", "ư"
            ]
        );
        let mut tags = vec![
            "Đô thị",
            "Du lịch",
            "Ẩm thực",
            "An ninh",
            "Bóng đá",
            "Âm nhạc",
            "Ăn uống",
        ];
        tags.sort_by(|a, b| compare_vi(a, b));
        // Tones are secondary: "Ẩm" sorts with "Âm", by the letters that follow.
        assert_eq!(
            tags,
            [
                "An ninh",
                "Ăn uống",
                "Âm nhạc",
                "Ẩm thực",
                "Bóng đá",
                "Du lịch",
                "Đô thị"
            ]
        );
    }

    #[test]
    fn decodes_bom_crlf_and_nfd() {
        let nfd: String = "Cần Thơ".nfd().collect();
        let bytes = format!("\u{feff}{nfd}\r\nx\r\n");
        assert_eq!(decode(bytes.as_bytes()).unwrap(), "Cần Thơ\nx\n");
    }

    #[test]
    fn refuses_legacy_encodings_with_offset() {
        let err = decode(b"abc\xE0\xA9x").unwrap_err();
        assert!(err.message.contains("byte 3"));
        // Not text, so no line: the error is for the whole file.
        assert_eq!((err.line, err.col), (0, 0));
        let err = decode(b"\xFF\xFEa\0b\0").unwrap_err();
        assert!(err.message.contains("UTF-16"));
    }

    #[test]
    fn tells_truncated_utf8_from_legacy_code_pages() {
        // "Cần" cut after the first byte of "ầ" (E1 BA A7).
        let err = decode(b"C\xE1\xBA").unwrap_err();
        assert_eq!(
            err.message,
            "the file ends in the middle of a character (truncated UTF-8 at byte 1)"
        );
        // The same bytes followed by more text are a bad sequence, not a cut.
        let err = decode(b"C\xE1\xBAx").unwrap_err();
        assert!(
            err.message.contains("legacy Vietnamese code page"),
            "{}",
            err.message
        );
        // TCVN3 "Cần" ends in a lone high byte: legacy, even at the end of the file.
        let err = decode(b"C\xCBn\xB5").unwrap_err();
        assert!(
            err.message.contains("legacy Vietnamese code page"),
            "{}",
            err.message
        );
    }

    #[test]
    fn drops_control_characters_but_not_tabs_or_newlines() {
        for (input, want) in [
            ("Tin nóng", "Tin nóng"),
            ("Tin\u{1b}[31m đỏ", "Tin[31m đỏ"),
            ("a\0b\u{7}c\u{7f}d", "abcd"),
            ("C1\u{85}\u{9b}x", "C1x"),
            ("tab\tand\nline", "tab\tand\nline"),
            // NBSP and "Â" share the C2/C3 lead bytes with C1 controls.
            ("\u{a0}Â\u{9f}", "\u{a0}Â"),
        ] {
            assert_eq!(without_controls(input), want, "{input:?}");
            assert_eq!(strip_controls(input.to_string()), want, "{input:?}");
        }
        assert!(matches!(without_controls("sạch"), Cow::Borrowed(_)));
    }

    #[test]
    fn cases_names() {
        assert_eq!(name_case("KIỀU CHINH"), "Kiều Chinh");
        assert_eq!(name_case("ĐẶNG HUỲNH"), "Đặng Huỳnh");
        assert_eq!(name_case("Ngọc Hân"), "Ngọc Hân");
    }

    #[test]
    fn truncates_teasers_at_words() {
        assert_eq!(teaser("một hai ba", 50), "một hai ba");
        assert_eq!(teaser("một hai ba bốn năm sáu", 12), "một hai ba…");
    }
}

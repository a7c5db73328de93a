//! Turning article text into search terms: plain text from Markdown or HTML,
//! words, and their folded form. The folding here and in the theme's
//! `search.js` must agree exactly, because the browser computes the file
//! name of a term's shard from the reader's query.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Words longer than this are not indexed: they are URLs, hashes or runs of
/// letters nobody types, and each would cost a file.
pub const MAX_WORD_CHARS: usize = 40;

/// The form every comparison uses: lowercase, no diacritics, `đ` as `d`.
/// Unicode decomposition alone leaves `đ` alone (it is a letter, not `d`
/// plus a mark), which is why "dau sau" finds nothing in other engines.
pub fn fold(word: &str) -> String {
    word.to_lowercase()
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| if c == 'đ' { 'd' } else { c })
        .collect()
}

/// A character that belongs to a word (search.js: `[\p{Alphabetic}\p{N}\p{M}]`).
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c)
}

/// The words of `text`, lowercased and in NFC: the form the index keeps to
/// tell "bão" from "báo".
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !is_word_char(c))
        .filter(|w| !w.is_empty() && w.chars().count() <= MAX_WORD_CHARS)
        .map(|w| {
            let lower = w.to_lowercase();
            if unicode_normalization::is_nfc_quick(lower.chars())
                == unicode_normalization::IsNormalized::Yes
            {
                lower
            } else {
                lower.nfc().collect()
            }
        })
}

/// The text a reader sees in a Markdown body, without markup; block ends
/// become line breaks so words of two paragraphs never join.
pub fn markdown_text(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    for event in Parser::new(md) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::Html(h) | Event::InlineHtml(h) => out.push_str(&html_text(&h)),
            Event::SoftBreak | Event::HardBreak | Event::Rule => out.push(' '),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::BlockQuote(_)
                | TagEnd::CodeBlock,
            ) => out.push('\n'),
            Event::Start(Tag::Image { .. }) => out.push(' '),
            _ => {}
        }
    }
    out
}

/// The text of an HTML fragment (a raw article's body): tags dropped, the
/// entities bantin's own escaping produces decoded.
pub fn html_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&decode_entities(&rest[..lt]));
        match rest[lt..].find('>') {
            Some(gt) => {
                // A closed block becomes a break, so paragraphs stay apart.
                out.push(' ');
                rest = &rest[lt + gt + 1..];
            }
            None => {
                rest = "";
            }
        }
    }
    out.push_str(&decode_entities(rest));
    out
}

fn decode_entities(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains('&') {
        return s.into();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let tail = &rest[amp..];
        let end = tail.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &tail[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &tail[e + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out.into()
}

/// A term's name in a file name: `[a-z0-9]` as is, anything else as
/// `_hex_` (search.js: `fileName`). `_` is never part of a word, so names
/// cannot collide.
pub fn file_name(term: &str) -> String {
    let mut out = String::with_capacity(term.len());
    for c in term.chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else {
            out.push_str(&format!("_{:x}_", c as u32));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_vietnamese_including_d_with_stroke() {
        for (word, folded) in [
            ("Điện", "dien"),
            ("Biên", "bien"),
            ("Đà", "da"),
            ("Nẵng", "nang"),
            ("cầu", "cau"),
            ("Đầu", "dau"),
            ("Sấu", "sau"),
            ("bão", "bao"),
            ("báo", "bao"),
            ("ĐỖ", "do"),
            ("phở", "pho"),
            ("2024", "2024"),
            // Decomposed input folds like composed input.
            ("Nă\u{303}ng", "nang"),
        ] {
            assert_eq!(fold(word), folded, "{word}");
        }
    }

    #[test]
    fn splits_words_on_punctuation_and_keeps_diacritics() {
        let got: Vec<String> =
            words("Cầu Đầu Sấu (Cần Thơ): 9-9, \"thông xe\"! e\u{301}").collect();
        assert_eq!(
            got,
            [
                "cầu", "đầu", "sấu", "cần", "thơ", "9", "9", "thông", "xe", "é"
            ]
        );
    }

    #[test]
    fn skips_overlong_words() {
        let long = "a".repeat(MAX_WORD_CHARS + 1);
        assert_eq!(
            words(&format!("x {long} y")).collect::<Vec<_>>(),
            ["x", "y"]
        );
    }

    #[test]
    fn strips_markdown_markup() {
        let text = markdown_text(
            "# Tít\n\nMột **đoạn** [liên kết](https://e.org/x) và `mã`.\n\n- mục một\n- mục hai\n\n<span>thẻ</span>",
        );
        let got: Vec<String> = words(&text).collect();
        assert_eq!(
            got,
            [
                "tít", "một", "đoạn", "liên", "kết", "và", "mã", "mục", "một", "mục", "hai", "thẻ"
            ]
        );
        assert!(!text.contains("https"), "{text}");
    }

    #[test]
    fn strips_html_tags_and_decodes_entities() {
        assert_eq!(
            html_text("<p>Bão &amp; lũ</p><p>Tin&nbsp;mới &#273;&#x1ea7;u &bogus</p>"),
            " Bão & lũ  Tin mới đầu &bogus "
        );
    }

    #[test]
    fn names_files_reversibly() {
        assert_eq!(file_name("dien"), "dien");
        assert_eq!(file_name("2024"), "2024");
        assert_eq!(file_name("ß"), "_df_");
        assert_ne!(file_name("_"), file_name("5f"));
    }
}

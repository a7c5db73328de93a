//! Property tests: the parsers never panic, whatever bytes they are given.

use std::path::Path;

use proptest::prelude::*;

use bantin::config::{Config, RawRules};
use bantin::parse::front_matter;
use bantin::parse::raw_article::parse_raw;

fn config() -> Config {
    Config::parse(
        Path::new("/site"),
        "title: x\nbase_url: https://example.org/\n",
    )
    .unwrap()
}

/// Text that looks like a raw article often enough to reach deep branches.
fn raw_like() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        Just("04/03/2024 - 18:48".to_string()),
        Just("Thứ Hai, 31/02/2024 - 25:61".to_string()),
        Just("(CT) - Chiều 4-3, mưa.".to_string()),
        Just("Tin, ảnh: KIỀU CHINH".to_string()),
        Just("Theo TTXVN".to_string()),
        Just("Chia sẻ bài viết".to_string()),
        Just("Ảnh: A - B".to_string()),
        Just(String::new()),
        "\\PC{0,80}",
    ];
    prop::collection::vec(line, 0..12).prop_map(|l| l.join("\n"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn raw_parser_never_panics_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        if let Ok(text) = bantin::text::decode(&bytes) {
            let _ = parse_raw(&text, &RawRules::default());
        }
    }

    #[test]
    fn raw_parser_never_panics_on_article_like_text(text in raw_like()) {
        let _ = parse_raw(&bantin::text::normalize(&text), &RawRules::default());
    }

    #[test]
    fn markdown_parser_never_panics(text in "(---\n)?\\PC{0,60}(\n(title|date|tags|slug|draft): \\PC{0,20}){0,5}(\n---\n)?\\PC{0,60}") {
        let c = config();
        let text = bantin::text::normalize(&text);
        let _ = front_matter::split(Path::new("a.md"), &text);
        let _ = bantin::parse::parse_article(Path::new("a.md"), None, bantin::article::SourceKind::Markdown, &text, &c);
    }

    #[test]
    fn slugs_are_always_url_safe(text in "\\PC{0,40}") {
        let s = bantin::text::slugify(&text);
        prop_assert!(s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
        prop_assert!(!s.starts_with('-') && !s.ends_with('-') && !s.contains("--"));
    }
}

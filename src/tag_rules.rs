//! `tag_rules:` in config.yaml: give an article tags when its title or text
//! mentions a phrase. Matching ignores case but not diacritics beyond NFC
//! ("Cần Thơ" matches "cần thơ", not "can tho"), because in Vietnamese the
//! marks change the word.

use crate::article::Article;
use crate::config::TagRule;

/// Lowercased, whitespace-collapsed text, padded with spaces so phrases match
/// whole words only.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push(' ');
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        out.extend(word.chars().flat_map(char::to_lowercase));
        out.push(' ');
    }
    out
}

/// Tags `rules` give to a text, in rule order, without duplicates.
pub fn tags_for(title: &str, body: &str, rules: &[TagRule]) -> Vec<String> {
    if rules.is_empty() {
        return Vec::new();
    }
    let hay = fold(&format!("{title} {body}"));
    let mut out: Vec<String> = Vec::new();
    for rule in rules {
        if rule
            .phrases
            .iter()
            .any(|p| hay.contains(&fold(&crate::text::nfc(p))))
        {
            for t in &rule.tags {
                let t = crate::text::nfc(t.trim());
                if !out.contains(&t) {
                    out.push(t);
                }
            }
        }
    }
    out
}

/// Adds rule tags to an article (after its own tags).
pub fn apply(article: &mut Article, text: &str, rules: &[TagRule]) {
    for t in tags_for(&article.title, text, rules) {
        let slug = crate::text::slugify(&t);
        if !article.tags.iter().any(|x| crate::text::slugify(x) == slug) {
            article.tags.push(t);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(m: &[&str], t: &[&str]) -> TagRule {
        TagRule {
            phrases: m.iter().map(|s| s.to_string()).collect(),
            tags: t.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn matches_whole_words_case_insensitively_with_diacritics() {
        let rules = [
            rule(&["công an"], &["An ninh trật tự"]),
            rule(&["Cần Thơ"], &["Cần Thơ"]),
            rule(&["an"], &["X"]),
        ];
        assert_eq!(
            tags_for("Tít", "CÔNG AN TP cần thơ họp", &rules[..2]),
            ["An ninh trật tự", "Cần Thơ"]
        );
        // "can tho" without marks is a different phrase.
        assert!(tags_for("Tít", "can tho", &rules[1..2]).is_empty());
        // Whole words: "an" does not match inside "bàn".
        assert!(tags_for("", "bàn bạc", &rules[2..]).is_empty());
    }
}

//! Tag suggestions for raw articles, which carry no tags: proper-noun phrases
//! that recur across articles ("Công an TP Cần Thơ", "LĐLĐ") are what a
//! newsroom's tag rules are usually made of.

use std::collections::{BTreeMap, HashSet};

/// A word that starts a name: capitalised (`Cần`), or an abbreviation in
/// capitals (`UBND`, `LĐLĐ`, `TP`).
fn is_name_word(w: &str) -> bool {
    let mut chars = w.chars();
    match chars.next() {
        Some(c) if c.is_uppercase() => chars.all(|c| c.is_alphabetic() || c.is_ascii_digit()),
        _ => false,
    }
}

fn is_abbreviation(w: &str) -> bool {
    w.chars().count() >= 2 && w.chars().all(|c| c.is_uppercase() || c.is_ascii_digit())
}

/// Words that start a longer title or name in Vietnamese ("Phó Chủ tịch",
/// "Ban Thường vụ", "Quốc hội"): a phrase ending in one was cut short by a
/// lowercase word and is not a name by itself.
const CUT_SHORT: &[&str] = &[
    "Phó",
    "Chủ",
    "Ban",
    "Thường",
    "Giám",
    "Trưởng",
    "Tổng",
    "Bí",
    "Đại",
    "Biểu",
    "Ủy",
    "Viên",
    "Quốc",
    "Công",
    "Sở",
    "Bộ",
    "Phòng",
    "Cục",
    "Hội",
    "Thành",
    "Nhà",
    "Trung",
];

/// Proper-noun phrases in one text: runs of name words, two or more long, or
/// single abbreviations; a lone capitalised word after a sentence break is
/// just the start of a sentence.
pub fn phrases(text: &str) -> HashSet<String> {
    let mut out = HashSet::new();
    for sentence in text.split(['.', '!', '?', ':', ';', '\n', '(', ')', '"', '“', '”']) {
        let mut run: Vec<&str> = Vec::new();
        let words: Vec<&str> = sentence.split_whitespace().collect();
        let mut flush = |run: &mut Vec<&str>| {
            // Drop a sentence-initial ordinary word ("Chiều", "Đồng chí").
            let cut_short = run.last().is_some_and(|w| CUT_SHORT.contains(w));
            // All capitals over several words is a byline (KIỀU CHINH), not a subject.
            let byline = run.len() >= 2 && run.iter().all(|w| is_abbreviation(w));
            if !cut_short
                && !byline
                && (run.len() >= 2 || (run.len() == 1 && is_abbreviation(run[0])))
            {
                out.insert(run.join(" "));
            }
            run.clear();
        };
        for (i, raw) in words.iter().enumerate() {
            let w = raw.trim_matches(|c: char| !c.is_alphanumeric());
            let ends_clause = raw.ends_with(',');
            if !w.is_empty()
                && is_name_word(w)
                && !(i == 0 && !is_abbreviation(w) && words.get(1).is_none_or(|n| !is_name_word(n)))
            {
                run.push(w);
            } else {
                flush(&mut run);
            }
            if ends_clause {
                flush(&mut run);
            }
        }
        flush(&mut run);
    }
    out
}

/// Phrases found in at least `min_articles` of `texts`, most frequent first,
/// ties in Vietnamese order; phrases inside a longer suggested phrase with the
/// same count are left out.
pub fn suggest(texts: &[String], min_articles: usize) -> Vec<(String, usize)> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for t in texts {
        for p in phrases(t) {
            *counts.entry(p).or_default() += 1;
        }
    }
    let frequent: Vec<(String, usize)> = counts
        .into_iter()
        .filter(|(_, n)| *n >= min_articles)
        .collect();
    let contains = |long: &str, short: &str| {
        long.len() > short.len() && format!(" {long} ").contains(&format!(" {short} "))
    };
    let mut out: Vec<(String, usize)> = frequent
        .iter()
        .filter(|(p, n)| {
            // A fragment that nearly always comes inside a longer phrase ("TP Cần"
            // in "TP Cần Thơ"), or a longer variant of a much more common one
            // ("An TP Cần Thơ" beside "TP Cần Thơ"), is noise.
            !frequent.iter().any(|(q, m)| {
                (contains(q, p) && 10 * m >= 9 * n) || (contains(p, q) && *m >= 5 * n)
            })
        })
        .cloned()
        .collect();
    out.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then_with(|| crate::text::compare_vi(&a.0, &b.0))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_names_and_abbreviations() {
        let p = phrases(
            "Chiều 4-3, Công an TP Cần Thơ và LĐLĐ thành phố ký kết. Đồng chí Nguyễn Thực Hiện dự.",
        );
        let mut v: Vec<&str> = p.iter().map(String::as_str).collect();
        v.sort();
        assert_eq!(v, ["LĐLĐ", "Nguyễn Thực Hiện", "TP Cần Thơ"]);
    }

    #[test]
    fn suggests_recurring_phrases_most_frequent_first() {
        let texts = [
            "Sáng nay, UBND TP Cần Thơ họp. Ông Trần Văn A phát biểu.".to_string(),
            "Chiều qua, UBND TP Cần Thơ và LĐLĐ làm việc.".to_string(),
            "Tối nay LĐLĐ tổ chức. UBND TP Cần Thơ chỉ đạo.".to_string(),
        ];
        assert_eq!(
            suggest(&texts, 2),
            [("UBND TP Cần Thơ".to_string(), 3), ("LĐLĐ".to_string(), 2)]
        );
        // Titles cut short by a lowercase word and bylines are not suggested.
        let p = phrases("Phó Chủ tịch Trần Văn B nói. Tin: KIỀU CHINH");
        assert_eq!(p.into_iter().collect::<Vec<_>>(), ["Trần Văn B"]);
    }
}

//! The raw newsroom export format, read by a pure function:
//!
//! ```text
//! 04/03/2024 - 18:48                  date line (site time); a weekday may lead it
//! Phối hợp giữ gìn an ninh ...        title
//! (CT) - Chiều 4-3, ...               lead, with an optional dateline
//! ...                                 body paragraphs; short one-sentence ones are photo captions
//! Tin, ảnh: KIỀU CHINH                credit(s), or `Theo TTXVN` / `Nguồn: ...`
//! Chia sẻ bài viết                    boilerplate, dropped
//! ```
//!
//! Each non-blank line is one paragraph: exports do not hard-wrap. Nothing in
//! the text is Markdown or HTML; it is escaped when turned into the body.

use std::sync::LazyLock;

use jiff::civil::DateTime;
use regex::Regex;

use crate::config::RawRules;
use crate::error::TextError;
use crate::text::{name_case, trim_padding};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Paragraph(String),
    /// A photo caption, kept and marked up as one.
    Caption(String),
}

impl Block {
    pub fn text(&self) -> &str {
        match self {
            Block::Paragraph(t) | Block::Caption(t) => t,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Text,
    Photo,
    Video,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Text => "text",
            Role::Photo => "photo",
            Role::Video => "video",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    pub name: String,
    pub roles: Vec<Role>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawArticle {
    pub date: DateTime,
    pub title: String,
    /// 1-based line of the title, for messages about it.
    pub title_line: usize,
    /// `CT` for a lead `(CT) - ...`, `CẦN THƠ` for `CẦN THƠ - ...`.
    pub dateline: Option<String>,
    /// The lead without its dateline.
    pub lead: String,
    /// Every paragraph after the title, lead first (dateline included), captions marked.
    pub blocks: Vec<Block>,
    pub authors: Vec<Author>,
    /// A source credit: `TTXVN` from `Theo TTXVN`.
    pub source_credit: Option<String>,
    /// The credit lines as written, so nothing of the file is lost.
    pub credit_lines: Vec<String>,
    /// Findings that do not stop the article (a weekday that does not match the date).
    pub warnings: Vec<TextError>,
}

static DATE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(?P<wd>Thứ\s+\S+|Chủ\s+[Nn]hật|CN|T[2-7])\s*,?\s*)?(\d{1,2})/(\d{1,2})/(\d{4})(?:\s*(?:[-–—,|]\s*)?(\d{1,2})\s*[:hg]\s*(\d{2}))?\s*(?:\(GMT\+7\))?$")
        .expect("valid regex")
});
static DATELINE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\(([^()]{1,24})\)\s*[-–—]\s*|^([\p{Lu}][\p{Lu}\s.]{1,30}?)\s*[-–—]\s+")
        .expect("valid regex")
});
static CREDIT_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^((?:tin|bài|ảnh|video|clip|đồ họa)(?:\s*(?:,|và|-|/|&)\s*(?:tin|bài|ảnh|video|clip))*)\s*:\s*(.+?)\.?$")
        .expect("valid regex")
});
static SOURCE_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^(?:theo|nguồn\s*:)\s*(.+?)\.?$").expect("valid regex"));
static CAPTION_CREDIT_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:^ảnh\s*:|[-–—(]\s*ảnh\s*:\s*[^)]+\)?$)").expect("valid regex")
});
static NAME_SPLIT_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\s+[-–—]\s+|\s*[,;&]\s*|\s+và\s+").expect("valid regex"));

/// Parses one raw article. `text` is NFC with LF line endings. Control
/// characters are dropped first (already done for files read through
/// [`crate::parse::decode_source`]; repeated here so no caller can carry one
/// into a title, a slug or a page; see [`crate::text::without_controls`]).
pub fn parse_raw(text: &str, rules: &RawRules) -> Result<RawArticle, TextError> {
    let text = &*crate::text::without_controls(text);
    let lines = content_lines(text, rules);
    let Some(&(date_line, date_col, date_text)) = lines.first() else {
        return Err(TextError {
            line: 1,
            col: 1,
            message: "the file is empty".into(),
            help: "a raw article starts with a date line `DD/MM/YYYY - HH:MM`, then the title and the text".into(),
        });
    };
    let date = parse_date_line(date_text).map_err(|(message, offset)| TextError {
        line: date_line,
        col: date_col + date_text[..offset].chars().count(),
        message,
        help: "the first line must be the date and time in site time, like `04/03/2024 - 18:48`"
            .into(),
    })?;
    let mut warnings = Vec::new();
    if let Some((said, offset)) = weekday_mismatch(date_text, date) {
        warnings.push(TextError {
            line: date_line,
            col: date_col + date_text[..offset].chars().count(),
            message: format!(
                "the date line says {said}, but the date is a {}",
                crate::dates::WEEKDAYS_VI[date.weekday().to_monday_zero_offset() as usize]
            ),
            help: "check the date and the weekday; the date is what bantin uses".into(),
        });
    }
    let Some(&(title_line, _, title)) = lines.get(1) else {
        return Err(TextError {
            line: date_line + 1,
            col: 1,
            message: "no title after the date line".into(),
            help: "put the article's title on the line after the date".into(),
        });
    };

    let mut rest: Vec<&str> = lines[2..].iter().map(|&(_, _, t)| t).collect();
    let credit_lines = take_credit_lines(&mut rest);
    let (authors, source_credit) = read_credits(&credit_lines);
    let (blocks, dateline, lead) = body_blocks(&rest, rules);
    Ok(RawArticle {
        date,
        title: title.to_string(),
        title_line,
        dateline,
        lead,
        blocks,
        authors,
        source_credit,
        credit_lines,
        warnings,
    })
}

/// The lines that carry text, as (1-based line number, column of the first
/// character, trimmed text): blank lines and export boilerplate are dropped.
fn content_lines<'t>(text: &'t str, rules: &RawRules) -> Vec<(usize, usize, &'t str)> {
    let boilerplate: Vec<String> = rules
        .boilerplate
        .iter()
        .map(|b| b.trim().to_lowercase())
        .collect();
    let mut lines = Vec::new();
    for (i, raw_line) in text.split('\n').enumerate() {
        let t = trim_padding(raw_line);
        if t.is_empty() || boilerplate.iter().any(|b| *b == t.to_lowercase()) {
            continue;
        }
        let lead_ws = raw_line.len()
            - raw_line
                .trim_start_matches(|c: char| c.is_whitespace() || c == '\u{a0}' || c == '\u{feff}')
                .len();
        let col = raw_line[..lead_ws].chars().count() + 1;
        lines.push((i + 1, col, t));
    }
    lines
}

/// Takes the credit and source lines off the end of `rest` (they come in
/// any order), as written.
fn take_credit_lines(rest: &mut Vec<&str>) -> Vec<String> {
    let mut credit_lines = Vec::new();
    while let Some(&last) = rest.last() {
        if rest.len() == 1 && credit_lines.is_empty() && !is_credit(last) {
            break;
        }
        if !is_credit(last) {
            break;
        }
        credit_lines.insert(0, last.to_string());
        rest.pop();
    }
    credit_lines
}

/// The authors (with their roles) and the source credit named by the credit lines.
fn read_credits(credit_lines: &[String]) -> (Vec<Author>, Option<String>) {
    let mut authors: Vec<Author> = Vec::new();
    let mut source_credit = None;
    for line in credit_lines {
        if let Some(c) = CREDIT_RE.captures(line) {
            let roles = roles_of(&c[1]);
            for name in split_names(&c[2]) {
                add_author(&mut authors, name, &roles);
            }
        } else if let Some(c) = SOURCE_RE.captures(line) {
            source_credit = Some(c[1].trim().to_string());
        }
    }
    (authors, source_credit)
}

/// The paragraphs after the title, captions marked, plus the lead's
/// dateline and the lead without it.
fn body_blocks(rest: &[&str], rules: &RawRules) -> (Vec<Block>, Option<String>, String) {
    let mut blocks = Vec::with_capacity(rest.len());
    let (mut dateline, mut lead) = (None, String::new());
    for (i, para) in rest.iter().enumerate() {
        if i == 0 {
            match DATELINE_RE.captures(para) {
                Some(c) => {
                    let m = c.get(1).or_else(|| c.get(2)).expect("one group matches");
                    dateline = Some(m.as_str().trim().to_string());
                    lead = para[c.get(0).expect("whole match").end()..]
                        .trim()
                        .to_string();
                }
                None => lead = para.to_string(),
            }
            blocks.push(Block::Paragraph(para.to_string()));
        } else if is_caption(para, rules.caption_max_words) {
            blocks.push(Block::Caption(para.to_string()));
        } else {
            blocks.push(Block::Paragraph(para.to_string()));
        }
    }
    (blocks, dateline, lead)
}

/// Monday = 0 for a weekday as written (`Thứ Hai`, `T2`, `Chủ nhật`, `CN`).
fn weekday_from_text(w: &str) -> Option<usize> {
    let w = w.trim_end_matches([',', '.', ' ']).to_lowercase();
    let w: Vec<&str> = w.split_whitespace().collect();
    Some(match w.as_slice() {
        ["t2"] | ["thứ", "hai"] => 0,
        ["t3"] | ["thứ", "ba"] => 1,
        ["t4"] | ["thứ", "tư" | "bốn"] => 2,
        ["t5"] | ["thứ", "năm"] => 3,
        ["t6"] | ["thứ", "sáu"] => 4,
        ["t7"] | ["thứ", "bảy"] => 5,
        ["cn"] | ["chủ", "nhật"] => 6,
        _ => return None,
    })
}

/// The weekday as written and its byte offset, when it disagrees with the date.
fn weekday_mismatch(line: &str, date: DateTime) -> Option<(String, usize)> {
    let c = DATE_RE.captures(line)?;
    let wd = c.name("wd")?;
    let said = weekday_from_text(wd.as_str())?;
    let actual = date.weekday().to_monday_zero_offset() as usize;
    (actual != said).then(|| {
        (
            wd.as_str().trim_end_matches([',', '.']).to_string(),
            wd.start(),
        )
    })
}

fn is_credit(line: &str) -> bool {
    CREDIT_RE.is_match(line)
        || SOURCE_RE
            .captures(line)
            .is_some_and(|c| c[1].split_whitespace().count() <= 8)
}

fn roles_of(label: &str) -> Vec<Role> {
    let l = label.to_lowercase();
    let mut roles = Vec::new();
    if l.contains("tin") || l.contains("bài") {
        roles.push(Role::Text);
    }
    if l.contains("ảnh") || l.contains("đồ họa") {
        roles.push(Role::Photo);
    }
    if l.contains("video") || l.contains("clip") {
        roles.push(Role::Video);
    }
    roles
}

fn split_names(names: &str) -> Vec<String> {
    NAME_SPLIT_RE
        .split(names)
        .map(|n| n.trim().trim_end_matches('.'))
        .filter(|n| !n.is_empty())
        .map(name_case)
        .collect()
}

fn add_author(authors: &mut Vec<Author>, name: String, roles: &[Role]) {
    match authors.iter_mut().find(|a| a.name == name) {
        Some(a) => {
            for r in roles {
                if !a.roles.contains(r) {
                    a.roles.push(*r);
                }
            }
            a.roles.sort();
        }
        None => authors.push(Author {
            name,
            roles: roles.to_vec(),
        }),
    }
}

/// A caption is a standalone paragraph that credits a photo (`... - Ảnh: NAME`,
/// `Ảnh: NAME`), or one short sentence: at most `max_words` words, no
/// sentence break inside, not ending in `:`.
pub fn is_caption(para: &str, max_words: usize) -> bool {
    if CAPTION_CREDIT_RE.is_match(para) {
        return true;
    }
    let words = para.split_whitespace().count();
    if words == 0 || words > max_words || para.ends_with(':') || para.ends_with(',') {
        return false;
    }
    let inner = para.trim_end_matches(['.', '!', '?', '…', '"', '”']);
    !(inner.contains(". ") || inner.contains("? ") || inner.contains("! ") || inner.contains(": "))
}

/// Returns the date or (message, byte offset of the problem).
fn parse_date_line(line: &str) -> Result<DateTime, (String, usize)> {
    let c = DATE_RE.captures(line).ok_or_else(|| {
        (
            format!(
                "expected a date line like `04/03/2024 - 18:48`, found \"{}\"",
                crate::text::teaser(line, 60)
            ),
            0,
        )
    })?;
    // Group 1 is the weekday; the numbers follow.
    let num = |i: usize| {
        c.get(i + 1)
            .map(|m| (m.as_str().parse::<i16>().unwrap_or(-1), m.start()))
    };
    let (day, day_at) = num(1).expect("required group");
    let (month, month_at) = num(2).expect("required group");
    let (year, _) = num(3).expect("required group");
    let (hour, hour_at) = num(4).unwrap_or((0, 0));
    let (minute, minute_at) = num(5).unwrap_or((0, 0));
    if !(1000..=9999).contains(&year) {
        return Err((
            format!("invalid date: year {year} is not a four-digit year"),
            c.get(4).map_or(0, |m| m.start()),
        ));
    }
    if !(1..=12).contains(&month) {
        return Err((
            format!("invalid date: month {month} does not exist"),
            month_at,
        ));
    }
    let date = jiff::civil::Date::new(year, month as i8, day as i8).map_err(|_| {
        let days = jiff::civil::Date::new(year, month as i8, 1)
            .map(|d| d.days_in_month())
            .unwrap_or(31);
        (
            format!(
                "invalid date {day:02}/{month:02}/{year}: month {month} of {year} has {days} days"
            ),
            day_at,
        )
    })?;
    if hour > 23 {
        return Err((format!("invalid time: hour {hour} is past 23"), hour_at));
    }
    if minute > 59 {
        return Err((
            format!("invalid time: minute {minute} is past 59"),
            minute_at,
        ));
    }
    Ok(date.at(hour as i8, minute as i8, 0, 0))
}

/// The body as HTML: each paragraph escaped (the text is never markup),
/// captions marked up. The escaping is pulldown-cmark's, so a Markdown file
/// written by `import` renders byte-for-byte the same.
pub fn body_html(blocks: &[Block]) -> String {
    let mut out = String::new();
    for b in blocks {
        match b {
            Block::Paragraph(t) => {
                out.push_str("<p>");
                escape_into(&mut out, t);
                out.push_str("</p>\n");
            }
            Block::Caption(t) => {
                out.push_str(CAPTION_OPEN);
                escape_into(&mut out, t);
                out.push_str("</p>\n");
            }
        }
    }
    out
}

pub const CAPTION_OPEN: &str = "<p class=\"photo-caption\">";

pub fn escape_into(out: &mut String, text: &str) {
    pulldown_cmark_escape::escape_html_body_text(&mut *out, text)
        .expect("writing to a String cannot fail");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> RawRules {
        RawRules::default()
    }

    fn parse(text: &str) -> Result<RawArticle, TextError> {
        parse_raw(text, &rules())
    }

    const SAMPLE: &str =
        include_str!("../../tests/fixtures/news/content/thoi-su/000_1bcfdb0c6c82e8ea.txt");

    #[test]
    fn reads_the_seed_sample() {
        let a = parse(&crate::text::decode(SAMPLE.as_bytes()).unwrap()).unwrap();
        assert_eq!(a.date.to_string(), "2024-03-04T18:48:00");
        assert_eq!(
            a.title,
            "Phối hợp giữ gìn an ninh trật tự lĩnh vực lao động, công đoàn"
        );
        assert_eq!(a.dateline.as_deref(), Some("CT"));
        assert!(a.lead.starts_with("Chiều 4-3, Công an TP Cần Thơ"));
        assert!(matches!(&a.blocks[0], Block::Paragraph(p) if p.starts_with("(CT) - Chiều 4-3")));
        assert_eq!(
            a.blocks[1],
            Block::Caption(
                "Đại diện Công an TP Cần Thơ và LĐLĐ thành phố ký kết quy chế phối hợp.".into()
            )
        );
        assert_eq!(
            a.blocks
                .iter()
                .filter(|b| matches!(b, Block::Caption(_)))
                .count(),
            1
        );
        assert_eq!(a.blocks.len(), 5);
        assert_eq!(
            a.authors,
            [Author {
                name: "Kiều Chinh".into(),
                roles: vec![Role::Text, Role::Photo]
            }]
        );
        assert_eq!(a.credit_lines, ["Tin, ảnh: KIỀU CHINH"]);
    }

    #[test]
    fn drops_control_characters_from_title_and_text() {
        let a = parse("04/03/2024 - 18:48\n\u{1b}[31mBão\0 số 3\u{85}\n(CT) - Gió\u{7} mạnh.\n")
            .unwrap();
        assert_eq!(a.title, "[31mBão số 3");
        assert_eq!(a.lead, "Gió mạnh.");
        assert_eq!(a.blocks, [Block::Paragraph("(CT) - Gió mạnh.".into())]);
    }

    #[test]
    fn reads_date_line_variants() {
        for (line, want) in [
            ("04/03/2024 - 18:48", "2024-03-04T18:48:00"),
            ("  04/03/2024 - 18:48  ", "2024-03-04T18:48:00"),
            ("04/03/2024 18:48", "2024-03-04T18:48:00"),
            ("Thứ Hai, 04/03/2024 - 18:48", "2024-03-04T18:48:00"),
            ("Chủ nhật, 3/3/2024 - 7:05", "2024-03-03T07:05:00"),
            ("04/03/2024", "2024-03-04T00:00:00"),
        ] {
            let a = parse(&format!("{line}\n\nTít\n\nNội dung."))
                .unwrap_or_else(|e| panic!("{line}: {e:?}"));
            assert_eq!(a.date.to_string(), want, "{line}");
        }
    }

    #[test]
    fn warns_when_the_weekday_disagrees_with_the_date() {
        let a = parse("Thứ Ba, 04/03/2024 - 18:48\nTít\nNội dung.\n").unwrap();
        assert_eq!(a.warnings.len(), 1);
        assert_eq!((a.warnings[0].line, a.warnings[0].col), (1, 1));
        assert_eq!(
            a.warnings[0].message,
            "the date line says Thứ Ba, but the date is a Thứ Hai"
        );
        assert!(
            parse("Thứ Hai, 04/03/2024 - 18:48\nTít\nNội dung.\n")
                .unwrap()
                .warnings
                .is_empty()
        );
        assert!(
            parse("CN, 03/03/2024 - 18:48\nTít\nNội dung.\n")
                .unwrap()
                .warnings
                .is_empty()
        );
    }

    #[test]
    fn rejects_bad_dates_with_position() {
        let e = parse("30/02/2024 - 10:00\n\nTít\n").unwrap_err();
        assert_eq!((e.line, e.col), (1, 1));
        assert_eq!(
            e.message,
            "invalid date 30/02/2024: month 2 of 2024 has 29 days"
        );
        let e = parse("\n\n04/13/2024 - 10:00\n\nTít\n").unwrap_err();
        assert_eq!((e.line, e.col), (3, 4));
        assert_eq!(e.message, "invalid date: month 13 does not exist");
        let e = parse("04/03/2024 - 25:00\nTít").unwrap_err();
        assert_eq!(
            (e.line, e.col, e.message.as_str()),
            (1, 14, "invalid time: hour 25 is past 23")
        );
        let e = parse("Tít bài\n\nNội dung").unwrap_err();
        assert!(
            e.message.starts_with("expected a date line"),
            "{}",
            e.message
        );
    }

    #[test]
    fn rejects_empty_and_untitled_files() {
        assert_eq!(parse("").unwrap_err().message, "the file is empty");
        assert_eq!(
            parse(" \n\u{a0}\n").unwrap_err().message,
            "the file is empty"
        );
        let e = parse("04/03/2024 - 18:48\n\n").unwrap_err();
        assert_eq!(
            (e.line, e.message.as_str()),
            (2, "no title after the date line")
        );
    }

    #[test]
    fn reads_datelines() {
        for (lead, dl, rest) in [
            ("(CT) - Sáng nay, mưa.", Some("CT"), "Sáng nay, mưa."),
            ("(CT)- Sáng nay, mưa.", Some("CT"), "Sáng nay, mưa."),
            ("(TTXVN) - Sáng nay, mưa.", Some("TTXVN"), "Sáng nay, mưa."),
            (
                "CẦN THƠ - Sáng nay, mưa.",
                Some("CẦN THƠ"),
                "Sáng nay, mưa.",
            ),
            ("Sáng nay - trời mưa.", None, "Sáng nay - trời mưa."),
        ] {
            let a = parse(&format!("04/03/2024 - 18:48\nTít\n{lead}\n")).unwrap();
            assert_eq!(a.dateline.as_deref(), dl, "{lead}");
            assert_eq!(a.lead, rest, "{lead}");
        }
    }

    #[test]
    fn reads_credit_variants() {
        type Case<'a> = (&'a str, &'a [(&'a str, &'a [Role])], Option<&'a str>);
        let cases: &[Case<'_>] = &[
            (
                "Tin, ảnh: KIỀU CHINH",
                &[("Kiều Chinh", &[Role::Text, Role::Photo])],
                None,
            ),
            (
                "Bài, ảnh: NGỌC HÂN",
                &[("Ngọc Hân", &[Role::Text, Role::Photo])],
                None,
            ),
            (
                "Bài và ảnh: MỸ THANH",
                &[("Mỹ Thanh", &[Role::Text, Role::Photo])],
                None,
            ),
            ("Tin: DUY KHÔI", &[("Duy Khôi", &[Role::Text])], None),
            (
                "Bài: A - B",
                &[("A", &[Role::Text]), ("B", &[Role::Text])],
                None,
            ),
            (
                "Tin: HÀ VĂN, TRÚC LINH",
                &[("Hà Văn", &[Role::Text]), ("Trúc Linh", &[Role::Text])],
                None,
            ),
            ("Ảnh: CÔNG THÀNH", &[("Công Thành", &[Role::Photo])], None),
            ("Theo TTXVN", &[], Some("TTXVN")),
            ("Nguồn: Báo Chính phủ", &[], Some("Báo Chính phủ")),
        ];
        for (credit, authors, source) in cases {
            let a = parse(&format!("04/03/2024 - 18:48\nTít\n(CT) - Lead.\nThân bài dài, có nhiều câu. Câu hai.\n{credit}\nChia sẻ bài viết\n")).unwrap();
            let got: Vec<(&str, &[Role])> = a
                .authors
                .iter()
                .map(|a| (a.name.as_str(), a.roles.as_slice()))
                .collect();
            assert_eq!(&got, authors, "{credit}");
            assert_eq!(a.source_credit.as_deref(), *source, "{credit}");
            assert_eq!(a.blocks.len(), 2, "{credit}");
        }
        // Separate text and photo credits merge in file order.
        let a = parse("04/03/2024 - 18:48\nTít\nLead.\nBài: AN\nẢnh: BÌNH\n").unwrap();
        assert_eq!(
            a.authors
                .iter()
                .map(|a| a.name.as_str())
                .collect::<Vec<_>>(),
            ["An", "Bình"]
        );
        // No credit is fine.
        let a =
            parse("04/03/2024 - 18:48\nTít\nLead paragraph here. It has two sentences.\n").unwrap();
        assert!(a.authors.is_empty() && a.credit_lines.is_empty());
        assert_eq!(a.blocks.len(), 1);
    }

    #[test]
    fn marks_captions() {
        assert!(is_caption(
            "Đại diện hai đơn vị ký kết quy chế phối hợp.",
            25
        ));
        assert!(is_caption(
            "Lãnh đạo thành phố thăm hỏi người dân. - Ảnh: HOÀNG NAM",
            25
        ));
        assert!(is_caption("Ảnh: HOÀNG NAM", 25));
        assert!(!is_caption("Câu một dài. Câu hai cũng dài.", 25));
        assert!(!is_caption("Các nội dung chính gồm:", 25));
        assert!(!is_caption(&"từ ".repeat(40), 25));
    }

    #[test]
    fn escapes_text_never_markup() {
        let a = parse("04/03/2024 - 18:48\nTít\n*đậm* _nghiêng_ # 1. > [x](y) <script>alert(1)</script> & \"q\"\n").unwrap();
        let html = body_html(&a.blocks);
        assert_eq!(
            html,
            "<p>*đậm* _nghiêng_ # 1. &gt; [x](y) &lt;script&gt;alert(1)&lt;/script&gt; &amp; \"q\"</p>\n"
        );
    }
}

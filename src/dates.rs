//! Dates as newsrooms write them, read in the site's timezone, and formatted
//! with Vietnamese weekday and month names.

use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ZonedDateTime};

/// Reads a front-matter date: RFC 3339 with an offset, or a local
/// `YYYY-MM-DD[ HH:MM[:SS]]` taken in the site timezone.
pub fn parse_date(s: &str, tz: &TimeZone) -> Result<ZonedDateTime, String> {
    let z = parse_date_any_year(s, tz)?;
    if !(1000..=9999).contains(&z.year()) {
        return Err(format!(
            "date \"{}\" is outside the years 1000-9999",
            s.trim()
        ));
    }
    Ok(z)
}

fn parse_date_any_year(s: &str, tz: &TimeZone) -> Result<ZonedDateTime, String> {
    let s = s.trim();
    if let Ok(ts) = s.parse::<Timestamp>() {
        return Ok(ts.to_zoned_datetime(tz.clone()));
    }
    let local = match vietnamese_date(s) {
        Some(iso) => iso.parse::<DateTime>(),
        None if s.len() == 10 => s
            .parse::<jiff::civil::Date>()
            .map(|d| d.to_datetime(jiff::civil::Time::midnight())),
        None => s.parse::<DateTime>(),
    };
    match local {
        Ok(dt) => local_to_zoned(dt, tz).map_err(|e| e.to_string()),
        Err(e) => Err(explain_date_error(s, &e.to_string())),
    }
}

/// A wall-clock time in the site timezone; in zones with DST the earlier of an
/// ambiguous pair is taken, as most calendars do.
pub fn local_to_zoned(dt: DateTime, tz: &TimeZone) -> Result<ZonedDateTime, jiff::Error> {
    tz.to_ambiguous_zoned_datetime(dt).compatible()
}

/// `04/03/2024 18:48`, `04/03/2024 - 18:48` (the raw export's date line) or
/// `04/03/2024`, day first as Vietnamese write it, as ISO text.
fn vietnamese_date(s: &str) -> Option<String> {
    static DMY: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:\s*(?:-\s*)?(\d{1,2})[:hg](\d{2}))?$")
            .expect("valid regex")
    });
    let c = DMY.captures(s)?;
    let n = |i: usize| {
        c.get(i)
            .map_or(0, |m| m.as_str().parse::<u32>().unwrap_or(99))
    };
    Some(format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:00",
        n(3),
        n(2),
        n(1),
        n(4),
        n(5)
    ))
}

/// Says what is wrong in the editor's terms (which field, which range), not
/// the parser's (`invalid digit`, `expected 0-9`).
fn explain_date_error(s: &str, detail: &str) -> String {
    static SHAPE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?")
            .expect("valid regex")
    });
    let iso = vietnamese_date(s);
    let Some(c) = SHAPE.captures(iso.as_deref().unwrap_or(s)) else {
        return format!("\"{s}\" is not a date bantin can read");
    };
    let n = |i: usize| c.get(i).map(|m| m.as_str().parse::<i64>().unwrap_or(-1));
    let (year, month, day) = (n(1).unwrap_or(0), n(2).unwrap_or(0), n(3).unwrap_or(0));
    if !(1..=12).contains(&month) {
        return format!("invalid date \"{s}\": there is no month {month}");
    }
    if let Ok(d) = jiff::civil::Date::new(year as i16, month as i8, 1)
        && (day < 1 || day > i64::from(d.days_in_month()))
    {
        return format!(
            "invalid date \"{s}\": month {month} of {year} has {} days",
            d.days_in_month()
        );
    }
    if let Some(h) = n(4).filter(|h| *h > 23) {
        return format!("invalid date \"{s}\": hour {h} is past 23");
    }
    if let Some(m) = n(5).filter(|m| *m > 59) {
        return format!("invalid date \"{s}\": minute {m} is past 59");
    }
    // jiff's messages are precise but long; keep the part that names the field.
    let detail = detail.rsplit(": ").next().unwrap_or(detail);
    format!("invalid date \"{s}\": {detail}")
}

/// Vietnamese weekday names, Monday first.
pub const WEEKDAYS_VI: [&str; 7] = [
    "Thứ Hai",
    "Thứ Ba",
    "Thứ Tư",
    "Thứ Năm",
    "Thứ Sáu",
    "Thứ Bảy",
    "Chủ Nhật",
];
const WEEKDAYS_VI_SHORT: [&str; 7] = ["T2", "T3", "T4", "T5", "T6", "T7", "CN"];
const MONTHS_VI: [&str; 12] = [
    "tháng Một",
    "tháng Hai",
    "tháng Ba",
    "tháng Tư",
    "tháng Năm",
    "tháng Sáu",
    "tháng Bảy",
    "tháng Tám",
    "tháng Chín",
    "tháng Mười",
    "tháng Mười Một",
    "tháng Mười Hai",
];

/// strftime with `%A`/`%a`/`%B`/`%b` in Vietnamese when the site language is
/// `vi` (jiff only knows English names).
pub fn format_date(z: &ZonedDateTime, format: &str, language: &str) -> Result<String, String> {
    let localized;
    let format = if language.starts_with("vi") && format.contains('%') {
        let weekday = z.weekday().to_monday_zero_offset() as usize;
        let month = z.month() as usize - 1;
        let mut out = String::with_capacity(format.len() + 16);
        let mut chars = format.chars();
        while let Some(c) = chars.next() {
            if c != '%' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some('A') => out.push_str(WEEKDAYS_VI[weekday]),
                Some('a') => out.push_str(WEEKDAYS_VI_SHORT[weekday]),
                Some('B') => out.push_str(MONTHS_VI[month]),
                Some('b') => out.push_str(&format!("Th{}", month + 1)),
                Some(other) => {
                    out.push('%');
                    out.push(other);
                }
                None => out.push('%'),
            }
        }
        localized = out;
        localized.as_str()
    } else {
        format
    };
    jiff::fmt::strtime::format(format, z).map_err(|e| format!("bad date format \"{format}\": {e}"))
}

/// RFC 3339 with the zone's offset (`2024-03-04T18:48:00+07:00`), the one form
/// templates, feeds and `list` all use.
pub fn rfc3339(z: &ZonedDateTime) -> String {
    // Before standard time (Vietnam: 1906) zones have offsets with seconds,
    // which RFC 3339 cannot write; UTC says the same instant.
    if z.offset().seconds() % 60 != 0 {
        return z.timestamp().strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    }
    z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// RFC 2822 for RSS `pubDate`.
pub fn rfc2822(z: &ZonedDateTime) -> String {
    z.strftime("%a, %d %b %Y %H:%M:%S %z").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vn() -> TimeZone {
        TimeZone::get("Asia/Ho_Chi_Minh").unwrap()
    }

    #[test]
    fn reads_local_and_offset_dates() {
        let z = parse_date("2024-01-01 06:30", &vn()).unwrap();
        assert_eq!(rfc3339(&z), "2024-01-01T06:30:00+07:00");
        let z = parse_date("2023-12-31T23:30:00Z", &vn()).unwrap();
        assert_eq!(rfc3339(&z), "2024-01-01T06:30:00+07:00");
        let z = parse_date("2024-03-04", &vn()).unwrap();
        assert_eq!(rfc3339(&z), "2024-03-04T00:00:00+07:00");
        let z = parse_date("2024-03-04 18:48:05", &vn()).unwrap();
        assert_eq!(rfc3339(&z), "2024-03-04T18:48:05+07:00");
    }

    #[test]
    fn keeps_dates_rfc3339_in_every_era() {
        assert!(
            parse_date("-000001-03-04T10:00:00Z", &vn())
                .unwrap_err()
                .contains("outside the years")
        );
        let z = parse_date("1900-01-01 08:00", &vn()).unwrap();
        assert!(rfc3339(&z).ends_with('Z'), "{}", rfc3339(&z));
    }

    #[test]
    fn rejects_impossible_dates() {
        let err = parse_date("2024-02-30 10:00", &vn()).unwrap_err();
        assert!(
            err.starts_with("invalid date \"2024-02-30 10:00\""),
            "{err}"
        );
        assert!(parse_date("yesterday", &vn()).is_err());
    }

    #[test]
    fn formats_vietnamese_names() {
        let z = parse_date("2024-03-04 18:48", &vn()).unwrap();
        assert_eq!(
            format_date(&z, "%A, %d/%m/%Y - %H:%M", "vi").unwrap(),
            "Thứ Hai, 04/03/2024 - 18:48"
        );
        assert_eq!(format_date(&z, "%a %d %B", "vi").unwrap(), "T2 04 tháng Ba");
        assert_eq!(format_date(&z, "%A", "en").unwrap(), "Monday");
        assert_eq!(rfc2822(&z), "Mon, 04 Mar 2024 18:48:00 +0700");
    }
}

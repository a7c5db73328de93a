//! The build's one notion of "now". Everything that depends on the clock
//! (a new article's date, and scheduled publishing) reads it from here, so a
//! build can be reproduced (`--now`, or `SOURCE_DATE_EPOCH` as reproducible
//! builds set it) and tests need no real clock.

use anyhow::{Context, Result};
use jiff::Timestamp;

/// `--now` when given (RFC 3339 with an offset, `2024-09-16T12:00:00+07:00`),
/// else `SOURCE_DATE_EPOCH` (seconds since 1970), else the system clock.
pub fn now(flag: Option<&str>) -> Result<Timestamp> {
    if let Some(text) = flag {
        return text.trim().parse::<Timestamp>().with_context(|| {
            format!("--now {text:?} is not a time with an offset, like 2024-09-16T12:00:00+07:00")
        });
    }
    if let Ok(epoch) = std::env::var("SOURCE_DATE_EPOCH") {
        let secs: i64 = epoch.trim().parse().with_context(|| {
            format!("SOURCE_DATE_EPOCH={epoch:?} is not a number of seconds since 1970")
        })?;
        return Timestamp::from_second(secs)
            .with_context(|| format!("SOURCE_DATE_EPOCH={epoch} is out of range"));
    }
    Ok(Timestamp::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_flag_before_anything_else() {
        let t = now(Some("2024-09-16T12:00:00+07:00")).unwrap();
        assert_eq!(t.as_second(), 1_726_462_800);
        let err = now(Some("16/09/2024")).unwrap_err().to_string();
        assert!(err.contains("is not a time with an offset"), "{err}");
    }
}

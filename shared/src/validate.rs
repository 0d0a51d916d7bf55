//! Small validation helpers shared by every input type, so the browser and the server agree on the rules.

use chrono::{Datelike, NaiveDate};

use crate::FieldErrors;

/// Trims `value` and checks its length in characters is within `min..=max`.
/// Returns the trimmed text, or records a message for `field`.
pub fn text(
    errors: &mut FieldErrors,
    field: &str,
    value: &str,
    min: usize,
    max: usize,
) -> Option<String> {
    let trimmed = value.trim();
    let len = trimmed.chars().count();
    // Zero-width characters show nothing: a title made only of them is as empty as a blank one.
    let invisible = |c: char| matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}');
    if trimmed
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        errors.add(field, "must not contain control characters");
        None
    } else if min >= 1 && trimmed.chars().all(invisible) {
        errors.add(field, "must not be empty");
        None
    } else if len < min {
        if min == 1 {
            errors.add(field, "must not be empty");
        } else {
            errors.add(field, format!("must be at least {min} characters"));
        }
        None
    } else if len > max {
        errors.add(field, format!("must be at most {max} characters"));
        None
    } else {
        Some(trimmed.to_owned())
    }
}

/// Deserializes a field that distinguishes "absent" (`None`) from "null" (`Some(None)`), for PATCH bodies.
/// Use with `#[serde(default, deserialize_with = "crate::validate::nullable")]`.
pub fn nullable<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    serde::Deserialize::deserialize(deserializer).map(Some)
}

/// The first and last years a date the API accepts may have. Payday plans bills and paychecks around today, so
/// 1900–2200 leaves room for any real due date or pay anchor while keeping every date four digits long: dates then
/// order the same as text (the embedded store's indexes compare them as text) and read back in the web UI
/// (years 0000–9999). Dates the API computes (a summary's periods) may run past 2200.
pub const DATE_YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

/// The field error for a date that is not strict `YYYY-MM-DD` within [`DATE_YEARS`].
pub const DATE_MESSAGE: &str = "must be a date like 2026-12-01";

/// Reads a date as the API accepts it: exactly `YYYY-MM-DD` (no sign, spaces or single-digit parts), a real
/// calendar day, year within [`DATE_YEARS`]. Every date in a request body, query string or path goes through here.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    read_date(text).filter(|date| DATE_YEARS.contains(&date.year()))
}

/// A real calendar day written exactly `YYYY-MM-DD` (any four-digit year): the three numbers are read here and
/// chrono checks the calendar. (chrono's `%Y-%m-%d` would also take signs, longer years and single-digit months, and
/// its format interpreter was 7.6 kB of the web UI's wasm.)
pub fn read_date(text: &str) -> Option<NaiveDate> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let number = |digits: &[u8]| {
        digits.iter().try_fold(0u32, |n, d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    NaiveDate::from_ymd_opt(
        i32::try_from(number(&bytes[..4])?).ok()?,
        number(&bytes[5..7])?,
        number(&bytes[8..])?,
    )
}

/// `deserialize_with` for a required date field: [`parse_date`], else the error [`DATE_MESSAGE`].
pub fn date<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<NaiveDate, D::Error> {
    let text: std::borrow::Cow<'de, str> = serde::Deserialize::deserialize(deserializer)?;
    parse_date(&text).ok_or_else(|| serde::de::Error::custom(DATE_MESSAGE))
}

/// `deserialize_with` for an optional date (`null` or absent is `None`); use with `#[serde(default)]`.
pub fn optional_date<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<NaiveDate>, D::Error> {
    let text: Option<std::borrow::Cow<'de, str>> = serde::Deserialize::deserialize(deserializer)?;
    text.map(|text| parse_date(&text).ok_or_else(|| serde::de::Error::custom(DATE_MESSAGE)))
        .transpose()
}

/// `deserialize_with` for a PATCH date field: absent is `None`, `null` is `Some(None)` (see [`nullable`]).
pub fn nullable_date<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Option<NaiveDate>>, D::Error> {
    optional_date(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_refuses_control_characters_and_invisible_only_values() {
        let check = |value: &str, min: usize| {
            let mut errors = FieldErrors::new();
            let kept = text(&mut errors, "title", value, min, 200);
            (kept, errors.get("title").map(str::to_owned))
        };
        assert_eq!(check("  Rent  ", 1), (Some("Rent".into()), None));
        assert_eq!(
            check("line one\nline two\tend", 0),
            (Some("line one\nline two\tend".into()), None)
        );
        assert_eq!(
            check("bad\u{0}byte", 1),
            (None, Some("must not contain control characters".into()))
        );
        assert_eq!(
            check("\u{200B}\u{FEFF}", 1),
            (None, Some("must not be empty".into()))
        );
        // Optional text may be blank, and zero-width characters inside real text are kept.
        assert_eq!(check("", 0), (Some(String::new()), None));
        assert_eq!(check("a\u{200D}b", 1), (Some("a\u{200D}b".into()), None));
    }

    #[derive(Debug, serde::Deserialize)]
    struct Dated {
        #[serde(default, deserialize_with = "optional_date")]
        on: Option<NaiveDate>,
    }

    #[test]
    fn dates_must_be_strict_and_within_the_supported_years() {
        let read = |json: &str| serde_json::from_str::<Dated>(json).map(|d| d.on);
        assert_eq!(
            read(r#"{"on":"2026-12-01"}"#).unwrap(),
            NaiveDate::from_ymd_opt(2026, 12, 1)
        );
        assert_eq!(read(r#"{"on":null}"#).unwrap(), None);
        assert_eq!(read(r#"{}"#).unwrap(), None);
        assert!(read(r#"{"on":"1900-01-01"}"#).unwrap().is_some());
        assert!(read(r#"{"on":"2200-12-31"}"#).unwrap().is_some());
        for bad in [
            "+10000-01-01",
            "-9999-06-01",
            "+2026-01-01",
            " 2026-01-01",
            "2026-01-01 ",
            "2026-1-5",
            "2026-02-30",
            "1899-12-31",
            "2201-01-01",
            "0000-01-01",
            "9999-12-31",
            "20260101",
        ] {
            let error = read(&format!(r#"{{"on":"{bad}"}}"#))
                .unwrap_err()
                .to_string();
            assert!(error.starts_with(DATE_MESSAGE), "{bad}: {error}");
        }
        assert!(read(r#"{"on":20260101}"#).is_err());
    }

    #[test]
    fn text_trims_and_counts_characters_not_bytes() {
        let mut errors = FieldErrors::new();
        assert_eq!(
            text(&mut errors, "t", "  héllo ", 1, 5).as_deref(),
            Some("héllo")
        );
        assert!(errors.is_empty());
    }

    #[test]
    fn text_rejects_blank_and_too_long() {
        let mut errors = FieldErrors::new();
        assert!(text(&mut errors, "a", "   ", 1, 5).is_none());
        assert!(text(&mut errors, "b", "abcdef", 1, 5).is_none());
        assert_eq!(errors.get("a"), Some("must not be empty"));
        assert_eq!(errors.get("b"), Some("must be at most 5 characters"));
    }

    proptest::proptest! {
        /// `read_date` agrees with chrono on every real day, and reads it back from exactly its ISO text.
        #[test]
        fn read_date_reads_every_iso_date_as_chrono_writes_it(days in 0i64..3_652_059) {
            let day = chrono::NaiveDate::from_ymd_opt(1, 1, 1).unwrap() + chrono::Days::new(days as u64);
            let text = day.format("%Y-%m-%d").to_string();
            proptest::prop_assert_eq!(read_date(&text), Some(day));
        }

        /// Anything else of that length is refused unless chrono reads it as the same real day.
        #[test]
        fn read_date_refuses_what_is_not_a_strict_date(text in "[0-9+ -]{10}") {
            let strict = chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d")
                .ok()
                .filter(|d| d.format("%Y-%m-%d").to_string() == text);
            proptest::prop_assert_eq!(read_date(&text), strict);
        }
    }
}

//! Reading wire types out of JSON in the browser: [`FromJson`] and its derive.
//!
//! The server reads and writes JSON with serde. The web UI reads responses with `#[derive(FromJson)]` instead,
//! because serde's derived `Deserialize` generates three visitors per type, about a fifth of the UI's compressed
//! wasm. The derive (crate `shared-derive`) follows each type's `#[serde(...)]` attributes, so a wire type is
//! still defined once, and `tests/wire.rs` checks that every response type reads back what serde wrote.
//!
//! Reading is tolerant, as a client's should be: unknown fields are ignored; a missing `Option` field is `None`;
//! anything else missing or of the wrong shape makes the whole read `None`.
//!
//! ```
//! use shared::wire::{FromJson, from_str};
//!
//! #[derive(Debug, PartialEq, FromJson)]
//! struct Item {
//!     #[serde(rename = "title")]
//!     name: String,
//!     #[serde(default)]
//!     tags: Vec<String>,
//!     due: Option<chrono::NaiveDate>,
//! }
//!
//! let item: Item = from_str(r#"{"title": "Rent", "extra": 1}"#).unwrap();
//! assert_eq!(item, Item { name: "Rent".into(), tags: vec![], due: None });
//! assert_eq!(from_str::<Item>(r#"{"name": "Rent"}"#), None);
//! ```
//!
//! A `serde` attribute the derive does not implement is a compile error, not a silent difference:
//!
//! ```compile_fail
//! #[derive(shared::wire::FromJson)]
//! struct Item {
//!     #[serde(alias = "title")]
//!     name: String,
//! }
//! ```

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
pub use serde_json::{Map, Value};
pub use shared_derive::FromJson;
use uuid::Uuid;

/// A type that can be read from parsed JSON.
pub trait FromJson: Sized {
    fn from_json(value: &Value) -> Option<Self>;

    /// What an absent field reads as: an error (`None`) unless the type has a natural "absent" value.
    fn missing() -> Option<Self> {
        None
    }
}

/// Parses `text` and reads a `T` from it.
pub fn from_str<T: FromJson>(text: &str) -> Option<T> {
    T::from_json(&serde_json::from_str::<Value>(text).ok()?)
}

/// The field `key` of `object` (used by the derive).
pub fn field<T: FromJson>(object: &Map<String, Value>, key: &str) -> Option<T> {
    match object.get(key) {
        Some(value) => T::from_json(value),
        None => T::missing(),
    }
}

/// The field `key` of `object`, or `T::default()` when absent (`#[serde(default)]`).
pub fn field_or_default<T: FromJson + Default>(
    object: &Map<String, Value>,
    key: &str,
) -> Option<T> {
    match object.get(key) {
        Some(value) => T::from_json(value),
        None => Some(T::default()),
    }
}

impl<T: FromJson> FromJson for Option<T> {
    fn from_json(value: &Value) -> Option<Self> {
        match value {
            Value::Null => Some(None),
            value => T::from_json(value).map(Some),
        }
    }

    fn missing() -> Option<Self> {
        Some(None)
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(value: &Value) -> Option<Self> {
        value.as_array()?.iter().map(T::from_json).collect()
    }
}

impl<T: FromJson, const N: usize> FromJson for [T; N] {
    fn from_json(value: &Value) -> Option<Self> {
        Vec::<T>::from_json(value)?.try_into().ok()
    }
}

impl<T: FromJson> FromJson for BTreeMap<String, T> {
    fn from_json(value: &Value) -> Option<Self> {
        // Inserted one by one: `collect` would sort the pairs first, a merge sort's worth of wasm per map type.
        let mut map = BTreeMap::new();
        for (key, value) in value.as_object()? {
            map.insert(key.clone(), T::from_json(value)?);
        }
        Some(map)
    }
}

impl FromJson for Value {
    fn from_json(value: &Value) -> Option<Self> {
        Some(value.clone())
    }

    fn missing() -> Option<Self> {
        Some(Value::Null)
    }
}

impl FromJson for String {
    fn from_json(value: &Value) -> Option<Self> {
        value.as_str().map(str::to_owned)
    }
}

impl FromJson for bool {
    fn from_json(value: &Value) -> Option<Self> {
        value.as_bool()
    }
}

impl FromJson for f64 {
    fn from_json(value: &Value) -> Option<Self> {
        value.as_f64()
    }
}

impl FromJson for i64 {
    fn from_json(value: &Value) -> Option<Self> {
        value.as_i64()
    }
}

impl FromJson for u64 {
    fn from_json(value: &Value) -> Option<Self> {
        value.as_u64()
    }
}

impl FromJson for u32 {
    fn from_json(value: &Value) -> Option<Self> {
        value.as_u64()?.try_into().ok()
    }
}

impl FromJson for u8 {
    fn from_json(value: &Value) -> Option<Self> {
        value.as_u64()?.try_into().ok()
    }
}

impl FromJson for Uuid {
    fn from_json(value: &Value) -> Option<Self> {
        value.as_str()?.parse().ok()
    }
}

impl FromJson for NaiveDate {
    fn from_json(value: &Value) -> Option<Self> {
        parse_date(value.as_str()?)
    }
}

impl FromJson for DateTime<Utc> {
    fn from_json(value: &Value) -> Option<Self> {
        parse_timestamp(value.as_str()?)
    }
}

/// A calendar date as the API writes it and date inputs give it: `YYYY-MM-DD`, years 0000–9999.
///
/// Dates and timestamps are read by hand because chrono's general parser (`FromStr`, a format-item interpreter)
/// is 11 kB of the web UI's wasm; chrono still does all the calendar arithmetic.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    match text.as_bytes() {
        [y @ .., b'-', m1, m2, b'-', d1, d2] if y.len() == 4 => NaiveDate::from_ymd_opt(
            number(y)? as i32,
            number(&[*m1, *m2])?,
            number(&[*d1, *d2])?,
        ),
        _ => None,
    }
}

/// An RFC 3339 timestamp (`2026-11-21T10:00:00.123456Z`, `…+01:00`), as serde writes `DateTime<Utc>`.
pub fn parse_timestamp(text: &str) -> Option<DateTime<Utc>> {
    let bytes = text.as_bytes();
    if bytes.len() < 20 || !matches!(bytes[10], b'T' | b't' | b' ') {
        return None;
    }
    let date = parse_date(text.get(..10)?)?;
    let [h1, h2, b':', m1, m2, b':', s1, s2, rest @ ..] = &bytes[11..] else {
        return None;
    };
    let (hour, minute, second) = (
        number(&[*h1, *h2])?,
        number(&[*m1, *m2])?,
        number(&[*s1, *s2])?,
    );
    // Fraction: up to nine digits of nanoseconds.
    let (mut nanos, mut rest) = (0, rest);
    if let [b'.', tail @ ..] = rest {
        let digits = tail.iter().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 || digits > 9 {
            return None;
        }
        nanos = number(&tail[..digits])? * 10u32.pow(9 - digits as u32);
        rest = &tail[digits..];
    }
    let offset_minutes = match rest {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let (hours, minutes) = (number(&[*h1, *h2])?, number(&[*m1, *m2])?);
            if hours > 23 || minutes > 59 {
                return None;
            }
            let minutes = (hours * 60 + minutes) as i32;
            if *sign == b'-' { -minutes } else { minutes }
        }
        _ => return None,
    };
    // A leap second (`:60`) is chrono's second 59 with the nanoseconds past one second.
    let (second, nanos) = if second == 60 {
        (59, nanos + 1_000_000_000)
    } else {
        (second, nanos)
    };
    let local = date.and_hms_nano_opt(hour, minute, second, nanos)?;
    let offset = chrono::FixedOffset::east_opt(offset_minutes * 60)?;
    Some(local.and_local_timezone(offset).single()?.to_utc())
}

/// ASCII digits as a number; `None` for anything else.
fn number(digits: &[u8]) -> Option<u32> {
    digits.iter().try_fold(0u32, |n, d| {
        d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
    })
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, NaiveDate};
    use proptest::prelude::*;

    use super::{parse_date, parse_timestamp};

    /// What chrono's own parser makes of `text`: the reference these readers must match.
    fn chrono_timestamp(text: &str) -> Option<DateTime<chrono::Utc>> {
        DateTime::parse_from_rfc3339(text).ok().map(|t| t.to_utc())
    }

    #[test]
    fn dates_and_timestamps_read_like_chrono() {
        for text in [
            "2026-11-21T10:00:00Z",
            "2026-11-21T10:00:00.123456Z",
            "2026-11-21t10:00:00.5+01:30",
            "2026-11-21 23:59:59.999999999-11:00",
            "2024-02-29T00:00:00+00:00",
            "2016-12-31T23:59:60Z",
        ] {
            assert_eq!(parse_timestamp(text), chrono_timestamp(text), "{text}");
            assert!(parse_timestamp(text).is_some(), "{text}");
        }
        for bad in [
            "",
            "2026-11-21",
            "2026-11-21T10:00Z",
            "2026-11-21T10:00:00",
            "2026-11-21T10:00:00.Z",
            "2026-11-21T24:00:00Z",
            "2026-11-21T10:00:00+24:00",
            "2026-11-21T10:00:00+01:60",
            "2025-02-29T10:00:00Z",
            "2026-11-21T10:00:00Zjunk",
            "2026-11-21T10:00:00.1234567890Z",
            "２026-11-21T10:00:00Z",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
        assert_eq!(
            parse_date("2026-11-28"),
            NaiveDate::from_ymd_opt(2026, 11, 28)
        );
        for bad in [
            "2026-11-31",
            "2026-1-28",
            "26-11-28",
            "2026/11/28",
            "2026-11-28 ",
            "+2026-11-28",
            "２0２6-11-28",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    proptest! {
        /// Any well-formed timestamp reads as chrono reads it, including impossible dates and times (both refuse).
        #[test]
        fn timestamps_match_chrono(
            (y, mo, d) in (0u32..10_000, 0u32..14, 0u32..33),
            (h, mi, s) in (0u32..25, 0u32..61, 0u32..61),
            fraction in proptest::option::of("[0-9]{1,9}"),
            offset in prop_oneof![Just("Z".to_owned()), "[+-](0[0-9]|1[0-9]|2[0-3]):[0-5][0-9]"],
        ) {
            let fraction = fraction.map(|f| format!(".{f}")).unwrap_or_default();
            let text = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{fraction}{offset}");
            prop_assert_eq!(parse_timestamp(&text), chrono_timestamp(&text), "{}", text);
            let date = &text[..10];
            prop_assert_eq!(parse_date(date), date.parse::<NaiveDate>().ok(), "{}", date);
        }

        /// Arbitrary text never reads as something chrono would not accept.
        #[test]
        fn nothing_chrono_refuses_is_accepted(text in "[0-9T:.Z+ -]{0,32}") {
            if let Some(time) = parse_timestamp(&text) {
                prop_assert_eq!(Some(time), chrono_timestamp(&text));
            }
            if let Some(date) = parse_date(&text) {
                prop_assert_eq!(Some(date), text.parse::<NaiveDate>().ok());
            }
        }
    }
}

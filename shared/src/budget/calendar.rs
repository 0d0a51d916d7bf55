//! Calendar arithmetic the budget needs: days of the month that a month may lack, weekend shifts, and the
//! increasing date sequences behind every recurrence. Pure functions over `chrono::NaiveDate`; no time zones.

use std::fmt;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

pub(crate) const DAY_MESSAGE: &str = "must be 1–31 or \"last\"";

/// A day of the month: `1..=31` or the month's last day. On the wire: an integer or the string `"last"`.
///
/// A day the month lacks falls on the month's last day (31 in February is Feb 28 or 29, never March), so
/// `Day(31)` and `Last` always name the same date. Deserialization accepts any integer `0..=255` so that an
/// out-of-range day reaches validation and is reported as a field error rather than a parse error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DayOfMonth {
    Day(u8),
    Last,
}

impl DayOfMonth {
    /// `true` for `1..=31` and `Last`.
    pub fn is_valid(self) -> bool {
        match self {
            DayOfMonth::Day(day) => (1..=31).contains(&day),
            DayOfMonth::Last => true,
        }
    }

    /// The date this day falls on in `year`/`month` (1-based), clamped to the month's last day. `None` only when
    /// the year is outside chrono's range.
    pub fn in_month(self, year: i32, month: u32) -> Option<NaiveDate> {
        let last = days_in_month(year, month)?;
        let day = match self {
            // Day 0 never passes validation; treat it as the 1st rather than panic if it ever reaches here.
            DayOfMonth::Day(day) => u32::from(day).clamp(1, last),
            DayOfMonth::Last => last,
        };
        NaiveDate::from_ymd_opt(year, month, day)
    }

    /// The day as a number where `Last` counts as 31 (they always fall on the same date).
    pub(crate) fn normalized(self) -> u8 {
        match self {
            DayOfMonth::Day(day) => day.min(31),
            DayOfMonth::Last => 31,
        }
    }

    /// `true` when `self` and `other` fall on the same date in some month. Every month has at least 28 days, so
    /// two different days collide only when both are the 28th or later: a 28-day February clamps both to the 28th
    /// (`[29, 30]`, `[28, "last"]`, `[31, "last"]` …). The rule semi-monthly pay schedules are checked against.
    pub fn can_coincide(self, other: DayOfMonth) -> bool {
        let (a, b) = (self.normalized(), other.normalized());
        a == b || (a >= 28 && b >= 28)
    }
}

impl fmt::Display for DayOfMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DayOfMonth::Day(day) => write!(f, "{day}"),
            DayOfMonth::Last => f.write_str("last"),
        }
    }
}

impl Serialize for DayOfMonth {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            DayOfMonth::Day(day) => serializer.serialize_u8(*day),
            DayOfMonth::Last => serializer.serialize_str("last"),
        }
    }
}

impl<'de> Deserialize<'de> for DayOfMonth {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;

        impl de::Visitor<'_> for Visitor {
            type Value = DayOfMonth;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a day of the month (1–31) or \"last\"")
            }

            fn visit_u64<E: de::Error>(self, value: u64) -> Result<DayOfMonth, E> {
                u8::try_from(value)
                    .map(DayOfMonth::Day)
                    .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(value), &self))
            }

            fn visit_i64<E: de::Error>(self, value: i64) -> Result<DayOfMonth, E> {
                u8::try_from(value)
                    .map(DayOfMonth::Day)
                    .map_err(|_| E::invalid_value(de::Unexpected::Signed(value), &self))
            }

            fn visit_str<E: de::Error>(self, value: &str) -> Result<DayOfMonth, E> {
                if value == "last" {
                    Ok(DayOfMonth::Last)
                } else {
                    Err(E::invalid_value(de::Unexpected::Str(value), &self))
                }
            }
        }

        deserializer.deserialize_any(Visitor)
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for DayOfMonth {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, SchemaType, Type};
        OneOfBuilder::new()
            .item(
                ObjectBuilder::new()
                    .schema_type(SchemaType::new(Type::Integer))
                    .minimum(Some(1))
                    .maximum(Some(31)),
            )
            .item(
                ObjectBuilder::new()
                    .schema_type(SchemaType::new(Type::String))
                    .enum_values(Some(["last"])),
            )
            .description(Some(
                "A day of the month (1–31) or \"last\"; a day the month lacks falls on its last day.",
            ))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for DayOfMonth {}

/// Number of days in `month` (1-based) of `year`; `None` for a bad month. Plain arithmetic: it runs once per
/// generated date.
pub fn days_in_month(year: i32, month: u32) -> Option<u32> {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => Some(31),
        4 | 6 | 9 | 11 => Some(30),
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => Some(29),
        2 => Some(28),
        _ => None,
    }
}

/// `date` plus `months` calendar months, clamped to the target month's last day (Jan 31 + 1 month = Feb 28/29).
pub fn add_months(date: NaiveDate, months: i32) -> Option<NaiveDate> {
    let index = month_index(date).checked_add(months)?;
    let (year, month) = from_month_index(index);
    DayOfMonth::Day(u8::try_from(date.day()).ok()?).in_month(year, month)
}

/// Months since year 0 (`year * 12 + month0`), so month arithmetic is plain integer arithmetic.
pub(crate) fn month_index(date: NaiveDate) -> i32 {
    date.year() * 12 + date.month0() as i32
}

pub(crate) fn from_month_index(index: i32) -> (i32, u32) {
    (index.div_euclid(12), index.rem_euclid(12) as u32 + 1)
}

/// The first business day (Mon–Fri) on or before `date`. Public holidays are not modelled.
pub fn previous_business_day(date: NaiveDate) -> NaiveDate {
    let back = match date.weekday() {
        Weekday::Sat => 1,
        Weekday::Sun => 2,
        _ => 0,
    };
    date - chrono::Days::new(back)
}

/// The first business day (Mon–Fri) on or after `date`. Public holidays are not modelled.
pub fn next_business_day(date: NaiveDate) -> NaiveDate {
    let forward = match date.weekday() {
        Weekday::Sat => 2,
        Weekday::Sun => 1,
        _ => 0,
    };
    date + chrono::Days::new(forward)
}

/// How an increasing sequence of dates is generated. Every recurrence and pay frequency maps onto one of these.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Pattern {
    /// A single date.
    Once(NaiveDate),
    /// Every `days` days, in phase with `anchor` (which may lie before or after the dates asked for).
    Every { anchor: NaiveDate, days: i32 },
    /// Every `every` months starting from any month `m` with `m ≡ phase (mod every)`, on one or two days.
    Months {
        every: i32,
        phase: i32,
        days: [DayOfMonth; 2],
        count: usize,
    },
}

impl Pattern {
    /// The pattern's dates on or after `from`, in increasing order (equal dates possible for two month days that
    /// fall on the same date).
    pub(crate) fn from(self, from: NaiveDate) -> Dates {
        let state = match self {
            Pattern::Once(date) => State::Once((date >= from).then_some(date)),
            Pattern::Every { anchor, days } => {
                let days = days.max(1);
                let anchor = i64::from(anchor.num_days_from_ce());
                let offset = i64::from(from.num_days_from_ce()) - anchor;
                let step = i64::from(days);
                // Smallest k with anchor + k·days ≥ from.
                let k = offset.div_euclid(step) + i64::from(offset.rem_euclid(step) != 0);
                State::Every {
                    next: i32::try_from(anchor + k * step).ok(),
                    days,
                }
            }
            Pattern::Months {
                every,
                phase,
                days,
                count,
            } => {
                let every = every.max(1);
                let start = month_index(from);
                let month = start + (phase - start).rem_euclid(every);
                State::Months {
                    month,
                    every,
                    days,
                    count: count.clamp(1, 2),
                    pending: None,
                }
            }
        };
        Dates { state, from }
    }
}

/// Iterator returned by [`Pattern::from`].
pub(crate) struct Dates {
    state: State,
    from: NaiveDate,
}

enum State {
    Once(Option<NaiveDate>),
    Every {
        next: Option<i32>,
        days: i32,
    },
    Months {
        month: i32,
        every: i32,
        days: [DayOfMonth; 2],
        count: usize,
        pending: Option<NaiveDate>,
    },
}

impl Iterator for Dates {
    type Item = NaiveDate;

    fn next(&mut self) -> Option<NaiveDate> {
        match &mut self.state {
            State::Once(date) => date.take(),
            State::Every { next, days } => {
                let current = (*next)?;
                *next = current.checked_add(*days);
                let date = NaiveDate::from_num_days_from_ce_opt(current);
                if date.is_none() {
                    *next = None;
                }
                date
            }
            State::Months {
                month,
                every,
                days,
                count,
                pending,
            } => {
                if let Some(date) = pending.take() {
                    return Some(date);
                }
                // At most two months are inspected: only the first month can hold dates before `from`.
                loop {
                    let (year, m) = from_month_index(*month);
                    *month = month.checked_add(*every)?;
                    let first = days[0].in_month(year, m)?;
                    let mut pair = [Some(first), None];
                    if *count == 2 {
                        let second = days[1].in_month(year, m)?;
                        pair = if second < first {
                            [Some(second), Some(first)]
                        } else {
                            [Some(first), Some(second)]
                        };
                    }
                    let mut found = pair.into_iter().flatten().filter(|d| *d >= self.from);
                    if let Some(date) = found.next() {
                        *pending = found.next();
                        return Some(date);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn day_31_falls_on_the_last_day_of_short_months() {
        assert_eq!(
            DayOfMonth::Day(31).in_month(2024, 2),
            Some(date(2024, 2, 29))
        );
        assert_eq!(
            DayOfMonth::Day(31).in_month(2025, 2),
            Some(date(2025, 2, 28))
        );
        assert_eq!(
            DayOfMonth::Day(31).in_month(2025, 4),
            Some(date(2025, 4, 30))
        );
        assert_eq!(
            DayOfMonth::Last.in_month(2025, 12),
            Some(date(2025, 12, 31))
        );
    }

    #[test]
    fn day_of_month_round_trips_as_integer_or_last() {
        assert_eq!(serde_json::to_string(&DayOfMonth::Day(15)).unwrap(), "15");
        assert_eq!(
            serde_json::to_string(&DayOfMonth::Last).unwrap(),
            "\"last\""
        );
        assert_eq!(
            serde_json::from_str::<DayOfMonth>("\"last\"").unwrap(),
            DayOfMonth::Last
        );
        assert_eq!(
            serde_json::from_str::<DayOfMonth>("32").unwrap(),
            DayOfMonth::Day(32)
        );
        assert_eq!(
            serde_json::from_str::<DayOfMonth>("0").unwrap(),
            DayOfMonth::Day(0)
        );
        assert!(serde_json::from_str::<DayOfMonth>("256").is_err());
        assert!(serde_json::from_str::<DayOfMonth>("-1").is_err());
        assert!(serde_json::from_str::<DayOfMonth>("\"first\"").is_err());
        assert!(serde_json::from_str::<DayOfMonth>("1.5").is_err());
    }

    #[test]
    fn weekend_shifts_cross_month_boundaries() {
        // 2025-11-01 is a Saturday; 2025-08-31 is a Sunday.
        assert_eq!(previous_business_day(date(2025, 11, 1)), date(2025, 10, 31));
        assert_eq!(next_business_day(date(2025, 8, 31)), date(2025, 9, 1));
        assert_eq!(next_business_day(date(2025, 9, 3)), date(2025, 9, 3));
    }

    #[test]
    fn add_months_clamps_to_month_end() {
        assert_eq!(add_months(date(2024, 1, 31), 1), Some(date(2024, 2, 29)));
        assert_eq!(add_months(date(2025, 12, 15), 1), Some(date(2026, 1, 15)));
    }

    #[test]
    fn every_pattern_is_in_phase_with_an_anchor_after_from() {
        let pattern = Pattern::Every {
            anchor: date(2025, 1, 17),
            days: 14,
        };
        let dates: Vec<_> = pattern.from(date(2025, 1, 1)).take(3).collect();
        assert_eq!(
            dates,
            [date(2025, 1, 3), date(2025, 1, 17), date(2025, 1, 31)]
        );
    }

    #[test]
    fn month_pattern_orders_two_days_within_a_month() {
        let pattern = Pattern::Months {
            every: 1,
            phase: 0,
            days: [DayOfMonth::Last, DayOfMonth::Day(15)],
            count: 2,
        };
        let dates: Vec<_> = pattern.from(date(2025, 1, 20)).take(3).collect();
        assert_eq!(
            dates,
            [date(2025, 1, 31), date(2025, 2, 15), date(2025, 2, 28)]
        );
    }
}

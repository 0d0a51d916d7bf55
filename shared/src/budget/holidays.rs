//! Public holiday calendars a pay schedule can follow: which days are not working days besides Saturday and
//! Sunday. Pure, table-driven rules (fixed dates with their observed-day rule, nth-weekday rules, days from Easter,
//! and a table of one-off changes); no I/O, no data files, so it builds for wasm32 like the rest of `shared`.
//!
//! No crate on crates.io fitted (checked December 2026): `bdays` 0.1.4 has a US settlement calendar but no UK one;
//! `holidays` 0.1.0 is 6.7 MB of generated tables behind a global lock that must be initialised at run time, with
//! no licence named; `holiday` 0.1.2 defines annual dates but ships no calendars.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// Which public holidays count as non-working days for a pay schedule. A payday on one moves the way the schedule's
/// weekend rule moves a weekend payday.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum HolidayCalendar {
    /// No holidays: only Saturday and Sunday are non-working days.
    #[default]
    None,
    /// The eleven US federal holidays of 5 U.S.C. 6103, on the days OPM observes them: a Saturday holiday on the
    /// Friday before (New Year's Day even in the year before), a Sunday one on the Monday after.
    UsFederal,
    /// Bank holidays in England and Wales, as gov.uk publishes them: a weekend holiday has a substitute day, the
    /// next weekday that is not already a holiday.
    UkEnglandWales,
}

impl HolidayCalendar {
    pub fn as_str(self) -> &'static str {
        match self {
            HolidayCalendar::None => "none",
            HolidayCalendar::UsFederal => "us_federal",
            HolidayCalendar::UkEnglandWales => "uk_england_wales",
        }
    }

    /// `true` when `date` is a holiday (as observed) in this calendar.
    pub fn is_holiday(self, date: NaiveDate) -> bool {
        match self {
            HolidayCalendar::None => false,
            // Only New Year's Day can be observed in the year before (US, Sat 1 Jan → Fri 31 Dec).
            _ => {
                self.observed(date.year()).contains(&date)
                    || (date.month() == 12
                        && date.day() == 31
                        && date
                            .year()
                            .checked_add(1)
                            .is_some_and(|next| self.observed(next).contains(&date)))
            }
        }
    }

    /// `true` for Monday to Friday when it is not a holiday.
    pub fn is_working_day(self, date: NaiveDate) -> bool {
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && !self.is_holiday(date)
    }

    /// Every holiday observed in `year`, in date order.
    pub fn holidays_in(self, year: i32) -> Vec<NaiveDate> {
        let mut dates: Vec<NaiveDate> = self
            .observed(year)
            .into_iter()
            .chain(
                year.checked_add(1)
                    .map_or_else(Vec::new, |y| self.observed(y)),
            )
            .filter(|d| d.year() == year)
            .collect();
        dates.sort_unstable();
        dates.dedup();
        dates
    }

    /// The observed dates of the holidays of `year`'s rules (one may fall in the year before).
    fn observed(self, year: i32) -> Vec<NaiveDate> {
        let (rules, changes, substitute) = match self {
            HolidayCalendar::None => return Vec::new(),
            HolidayCalendar::UsFederal => (US_FEDERAL, &[][..], Observe::NearestWeekday),
            HolidayCalendar::UkEnglandWales => (
                UK_ENGLAND_WALES,
                UK_ENGLAND_WALES_CHANGES,
                Observe::NextFreeWeekday,
            ),
        };
        let mut dates: Vec<NaiveDate> = Vec::with_capacity(rules.len() + 2);
        let mut weekend: Vec<NaiveDate> = Vec::new();
        for rule in rules.iter().filter(|r| year >= r.since) {
            let Some(date) = rule.date.in_year(year) else {
                continue;
            };
            let date = changes
                .iter()
                .find(|c| c.from == Some(date))
                .map_or(date, |c| c.to);
            match (substitute, date.weekday()) {
                (_, Weekday::Mon | Weekday::Tue | Weekday::Wed | Weekday::Thu | Weekday::Fri) => {
                    dates.push(date);
                }
                (Observe::NearestWeekday, Weekday::Sat) => dates.extend(date.pred_opt()),
                (Observe::NearestWeekday, _) => dates.extend(date.succ_opt()),
                (Observe::NextFreeWeekday, _) => weekend.push(date),
            }
        }
        dates.extend(
            changes
                .iter()
                .filter(|c| c.from.is_none() && c.to.year() == year)
                .map(|c| c.to),
        );
        // Substitutes are given in date order, after every weekday holiday is known: Christmas on a Sunday is
        // observed on Tuesday 27th because Boxing Day already holds Monday 26th.
        weekend.sort_unstable();
        for date in weekend {
            let mut day = date;
            while let Some(next) = day.succ_opt() {
                day = next;
                if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !dates.contains(&day) {
                    dates.push(day);
                    break;
                }
            }
        }
        dates
    }
}

/// Easter Sunday by the anonymous Gregorian algorithm (Meeus/Jones/Butcher); `None` before the Gregorian calendar
/// (1583).
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    if year < 1583 {
        return None;
    }
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

/// How a holiday that falls on a weekend is observed.
#[derive(Clone, Copy)]
enum Observe {
    /// Saturday → the Friday before, Sunday → the Monday after (US federal).
    NearestWeekday,
    /// The next weekday that is not already a holiday (UK substitute days).
    NextFreeWeekday,
}

/// When a holiday falls in a year.
#[derive(Clone, Copy)]
enum When {
    /// A fixed month and day.
    Fixed(u32, u32),
    /// The `n`th (1-based) `Weekday` of a month.
    Nth(u32, Weekday, u8),
    /// The last `Weekday` of a month.
    Last(u32, Weekday),
    /// Days after Easter Sunday (negative: before).
    Easter(i64),
}

impl When {
    fn in_year(self, year: i32) -> Option<NaiveDate> {
        match self {
            When::Fixed(month, day) => NaiveDate::from_ymd_opt(year, month, day),
            When::Nth(month, weekday, n) => {
                NaiveDate::from_weekday_of_month_opt(year, month, weekday, n)
            }
            When::Last(month, weekday) => {
                let last = super::calendar::days_in_month(year, month)?;
                let last = NaiveDate::from_ymd_opt(year, month, last)?;
                let back = (7 + last.weekday().num_days_from_monday()
                    - weekday.num_days_from_monday())
                    % 7;
                last.checked_sub_days(Days::new(u64::from(back)))
            }
            When::Easter(days) => {
                let easter = easter_sunday(year)?;
                if days >= 0 {
                    easter.checked_add_days(Days::new(days.unsigned_abs()))
                } else {
                    easter.checked_sub_days(Days::new(days.unsigned_abs()))
                }
            }
        }
    }
}

/// One holiday rule, in force from `since` (the year the law took its current form).
struct Rule {
    #[expect(dead_code, reason = "names the rule for people reading the table")]
    name: &'static str,
    date: When,
    since: i32,
}

/// A one-off change: a holiday moved (`from` → `to`), or an extra one (`from: None`).
struct Change {
    from: Option<NaiveDate>,
    to: NaiveDate,
}

const fn rule(name: &'static str, date: When, since: i32) -> Rule {
    Rule { name, date, since }
}

/// 5 U.S.C. 6103(a). One-day closures by executive order (e.g. 9 January 2025) are not holidays in law and the
/// banks stayed open, so they are left out.
const US_FEDERAL: &[Rule] = &[
    rule("New Year's Day", When::Fixed(1, 1), 1971),
    rule(
        "Birthday of Martin Luther King, Jr.",
        When::Nth(1, Weekday::Mon, 3),
        1986,
    ),
    rule("Washington's Birthday", When::Nth(2, Weekday::Mon, 3), 1971),
    rule("Memorial Day", When::Last(5, Weekday::Mon), 1971),
    rule(
        "Juneteenth National Independence Day",
        When::Fixed(6, 19),
        2021,
    ),
    rule("Independence Day", When::Fixed(7, 4), 1971),
    rule("Labor Day", When::Nth(9, Weekday::Mon, 1), 1971),
    rule("Columbus Day", When::Nth(10, Weekday::Mon, 2), 1971),
    rule("Veterans Day", When::Fixed(11, 11), 1978),
    rule("Thanksgiving Day", When::Nth(11, Weekday::Thu, 4), 1971),
    rule("Christmas Day", When::Fixed(12, 25), 1971),
];

/// The Banking and Financial Dealings Act 1971 and the royal proclamations since (early May from 1978).
const UK_ENGLAND_WALES: &[Rule] = &[
    rule("New Year's Day", When::Fixed(1, 1), 1974),
    rule("Good Friday", When::Easter(-2), 1971),
    rule("Easter Monday", When::Easter(1), 1971),
    rule(
        "Early May bank holiday",
        When::Nth(5, Weekday::Mon, 1),
        1978,
    ),
    rule("Spring bank holiday", When::Last(5, Weekday::Mon), 1971),
    rule("Summer bank holiday", When::Last(8, Weekday::Mon), 1971),
    rule("Christmas Day", When::Fixed(12, 25), 1971),
    rule("Boxing Day", When::Fixed(12, 26), 1971),
];

const fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(date) => date,
        None => panic!("not a date"),
    }
}

const fn moved(from: NaiveDate, to: NaiveDate) -> Change {
    Change {
        from: Some(from),
        to,
    }
}

const fn extra(to: NaiveDate) -> Change {
    Change { from: None, to }
}

/// One-off bank holidays proclaimed since 2011, as gov.uk lists them. A new one needs a line here.
const UK_ENGLAND_WALES_CHANGES: &[Change] = &[
    extra(ymd(2011, 4, 29)),                  // Royal wedding
    moved(ymd(2012, 5, 28), ymd(2012, 6, 4)), // Spring bank holiday, for the Diamond Jubilee
    extra(ymd(2012, 6, 5)),                   // Queen's Diamond Jubilee
    moved(ymd(2020, 5, 4), ymd(2020, 5, 8)),  // Early May bank holiday, for VE Day
    moved(ymd(2022, 5, 30), ymd(2022, 6, 2)), // Spring bank holiday, for the Platinum Jubilee
    extra(ymd(2022, 6, 3)),                   // Platinum Jubilee
    extra(ymd(2022, 9, 19)),                  // State funeral of Queen Elizabeth II
    extra(ymd(2023, 5, 8)),                   // Coronation of King Charles III
];

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    type Ymd = (i32, u32, u32);

    fn dates(list: &[Ymd]) -> Vec<NaiveDate> {
        list.iter().map(|&(y, m, d)| date(y, m, d)).collect()
    }

    #[test]
    fn us_federal_holidays_2025_to_2027_match_opm() {
        // OPM, "Federal Holidays" 2025, 2026 and 2027 (observed dates).
        let cases: [(i32, &[Ymd]); 3] = [
            (
                2025,
                &[
                    (2025, 1, 1),
                    (2025, 1, 20),
                    (2025, 2, 17),
                    (2025, 5, 26),
                    (2025, 6, 19),
                    (2025, 7, 4),
                    (2025, 9, 1),
                    (2025, 10, 13),
                    (2025, 11, 11),
                    (2025, 11, 27),
                    (2025, 12, 25),
                ],
            ),
            (
                2026,
                &[
                    (2026, 1, 1),
                    (2026, 1, 19),
                    (2026, 2, 16),
                    (2026, 5, 25),
                    (2026, 6, 19),
                    (2026, 7, 3), // Independence Day, Sat 4 July
                    (2026, 9, 7),
                    (2026, 10, 12),
                    (2026, 11, 11),
                    (2026, 11, 26),
                    (2026, 12, 25),
                ],
            ),
            (
                2027,
                &[
                    (2027, 1, 1),
                    (2027, 1, 18),
                    (2027, 2, 15),
                    (2027, 5, 31),
                    (2027, 6, 18), // Juneteenth, Sat 19 June
                    (2027, 7, 5),  // Independence Day, Sun 4 July
                    (2027, 9, 6),
                    (2027, 10, 11),
                    (2027, 11, 11),
                    (2027, 11, 25),
                    (2027, 12, 24), // Christmas Day, Sat 25 December
                    (2027, 12, 31), // New Year's Day 2028, a Saturday
                ],
            ),
        ];
        for (year, expected) in cases {
            assert_eq!(
                HolidayCalendar::UsFederal.holidays_in(year),
                dates(expected),
                "{year}"
            );
        }
        assert!(HolidayCalendar::UsFederal.is_holiday(date(2027, 12, 31)));
        assert!(!HolidayCalendar::UsFederal.is_holiday(date(2028, 1, 1)));
        assert!(!HolidayCalendar::UsFederal.is_holiday(date(2026, 7, 4)));
    }

    #[test]
    fn uk_england_and_wales_bank_holidays_2025_to_2027_match_gov_uk() {
        // gov.uk/bank-holidays, England and Wales.
        let cases: [(i32, &[Ymd]); 3] = [
            (
                2025,
                &[
                    (2025, 1, 1),
                    (2025, 4, 18),
                    (2025, 4, 21),
                    (2025, 5, 5),
                    (2025, 5, 26),
                    (2025, 8, 25),
                    (2025, 12, 25),
                    (2025, 12, 26),
                ],
            ),
            (
                2026,
                &[
                    (2026, 1, 1),
                    (2026, 4, 3),
                    (2026, 4, 6),
                    (2026, 5, 4),
                    (2026, 5, 25),
                    (2026, 8, 31),
                    (2026, 12, 25),
                    (2026, 12, 28), // Boxing Day, Sat 26 December
                ],
            ),
            (
                2027,
                &[
                    (2027, 1, 1),
                    (2027, 3, 26),
                    (2027, 3, 29),
                    (2027, 5, 3),
                    (2027, 5, 31),
                    (2027, 8, 30),
                    (2027, 12, 27), // Christmas Day, Sat 25 December
                    (2027, 12, 28), // Boxing Day, Sun 26 December
                ],
            ),
        ];
        for (year, expected) in cases {
            assert_eq!(
                HolidayCalendar::UkEnglandWales.holidays_in(year),
                dates(expected),
                "{year}"
            );
        }
    }

    #[test]
    fn uk_one_off_and_substitute_bank_holidays_of_2022_and_2023_match_gov_uk() {
        assert_eq!(
            HolidayCalendar::UkEnglandWales.holidays_in(2022),
            dates(&[
                (2022, 1, 3), // New Year's Day, Sat 1 January
                (2022, 4, 15),
                (2022, 4, 18),
                (2022, 5, 2),
                (2022, 6, 2), // Spring bank holiday, moved
                (2022, 6, 3), // Platinum Jubilee
                (2022, 8, 29),
                (2022, 9, 19), // State funeral
                (2022, 12, 26),
                (2022, 12, 27), // Christmas Day, Sun 25 December
            ])
        );
        assert_eq!(
            HolidayCalendar::UkEnglandWales.holidays_in(2023),
            dates(&[
                (2023, 1, 2),
                (2023, 4, 7),
                (2023, 4, 10),
                (2023, 5, 1),
                (2023, 5, 8), // Coronation
                (2023, 5, 29),
                (2023, 8, 28),
                (2023, 12, 25),
                (2023, 12, 26),
            ])
        );
    }

    #[test]
    fn easter_sunday_matches_published_dates() {
        for (y, m, d) in [
            (2000, 4, 23),
            (2008, 3, 23),
            (2011, 4, 24),
            (2019, 4, 21),
            (2024, 3, 31),
            (2025, 4, 20),
            (2026, 4, 5),
            (2027, 3, 28),
            (2038, 4, 25),
            (2285, 3, 22),
        ] {
            assert_eq!(easter_sunday(y), Some(date(y, m, d)), "{y}");
        }
        assert_eq!(easter_sunday(1500), None);
    }

    #[test]
    fn no_calendar_has_more_than_four_non_working_days_in_a_row() {
        // Pay schedules look back a week for paydays moved forward onto the dates asked for; this keeps that safe.
        for calendar in [HolidayCalendar::UsFederal, HolidayCalendar::UkEnglandWales] {
            let mut run = 0;
            let mut day = date(1970, 1, 1);
            while day < date(2101, 1, 1) {
                run = if calendar.is_working_day(day) {
                    0
                } else {
                    run + 1
                };
                assert!(run <= 4, "{calendar:?} {day}");
                day = day.succ_opt().unwrap();
            }
        }
    }

    #[test]
    fn none_has_no_holidays_and_the_wire_names_are_snake_case() {
        assert!(HolidayCalendar::None.holidays_in(2026).is_empty());
        assert!(!HolidayCalendar::None.is_holiday(date(2026, 12, 25)));
        for calendar in [
            HolidayCalendar::None,
            HolidayCalendar::UsFederal,
            HolidayCalendar::UkEnglandWales,
        ] {
            assert_eq!(
                serde_json::to_string(&calendar).unwrap(),
                format!("\"{}\"", calendar.as_str())
            );
        }
    }
}

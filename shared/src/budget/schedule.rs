//! Pay schedules: how often and how much a user is paid, and the paydays that follow from it.

use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::calendar::{self, DAY_MESSAGE, DayOfMonth, Pattern};
use super::holidays::HolidayCalendar;
use super::payday::PaydayOverride;
use super::{NAME_MAX, check_amount};
use crate::{FieldErrors, Money, validate};

/// How often a schedule pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    /// Every 7 days, in phase with `anchor_date`.
    Weekly,
    /// Every 14 days, in phase with `anchor_date`.
    Biweekly,
    /// Twice a month, on the two `days`.
    Semimonthly,
    /// Once a month, on `day`.
    Monthly,
}

impl Frequency {
    pub fn as_str(self) -> &'static str {
        match self {
            Frequency::Weekly => "weekly",
            Frequency::Biweekly => "biweekly",
            Frequency::Semimonthly => "semimonthly",
            Frequency::Monthly => "monthly",
        }
    }

    fn uses_anchor_date(self) -> bool {
        matches!(self, Frequency::Weekly | Frequency::Biweekly)
    }

    fn uses_days(self) -> bool {
        self == Frequency::Semimonthly
    }

    fn uses_day(self) -> bool {
        self == Frequency::Monthly
    }
}

/// What happens to a payday that falls on a Saturday or Sunday — or, with a [`HolidayCalendar`], on a public holiday.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WeekendRule {
    /// Paid on the weekend day itself.
    #[default]
    None,
    /// Paid on the Friday before (may be in the previous month).
    PreviousBusinessDay,
    /// Paid on the Monday after (may be in the next month).
    NextBusinessDay,
}

impl WeekendRule {
    /// The date a nominal payday `date` is actually paid on (weekends only).
    pub fn apply(self, date: NaiveDate) -> NaiveDate {
        match self {
            WeekendRule::None => date,
            WeekendRule::PreviousBusinessDay => calendar::previous_business_day(date),
            WeekendRule::NextBusinessDay => calendar::next_business_day(date),
        }
    }

    /// The date a nominal payday `date` is actually paid on when `holidays` are not working days either: it keeps
    /// moving the same way until a working day, so a holiday next to a weekend moves past both (Fri 25 Dec 2026
    /// with a UK calendar: back to Thu 24 Dec, or forward over the weekend and Mon 28 Dec to Tue 29 Dec).
    pub fn apply_with(self, date: NaiveDate, holidays: HolidayCalendar) -> NaiveDate {
        let step: fn(NaiveDate) -> Option<NaiveDate> = match self {
            WeekendRule::None => return date,
            _ if holidays == HolidayCalendar::None => return self.apply(date),
            WeekendRule::PreviousBusinessDay => |d| d.pred_opt(),
            WeekendRule::NextBusinessDay => |d| d.succ_opt(),
        };
        let mut day = date;
        while !holidays.is_working_day(day) {
            match step(day) {
                Some(next) => day = next,
                None => return date,
            }
        }
        day
    }
}

/// A pay schedule as the API returns it. Exactly the fields its `frequency` uses are set: `anchor_date` for
/// weekly and bi-weekly, `days` for semi-monthly, `day` for monthly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaySchedule {
    pub id: Uuid,
    pub name: String,
    /// Net pay per paycheck, in minor units (> 0).
    pub amount: Money,
    pub frequency: Frequency,
    /// A real payday (weekly, bi-weekly); paydays run every 7 / 14 days in phase with it, before and after.
    pub anchor_date: Option<NaiveDate>,
    /// The two paydays of each month (semi-monthly), e.g. `[15, "last"]`.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<DayOfMonth>>, min_items = 2, max_items = 2))]
    pub days: Option<[DayOfMonth; 2]>,
    /// The payday of each month (monthly).
    pub day: Option<DayOfMonth>,
    pub weekend: WeekendRule,
    /// Paydays paid a different amount or skipped, by date (set with `PUT …/paydays/{date}`; see
    /// [`super::payday`]). Absent in records saved before overrides existed.
    #[serde(default)]
    pub payday_overrides: Vec<PaydayOverride>,
    /// Public holidays that move a payday like a weekend does (`none` for records saved before holidays existed).
    #[serde(default)]
    pub holidays: HolidayCalendar,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Optimistic-concurrency version; send it back when updating.
    pub version: u64,
}

impl PaySchedule {
    /// Every paycheck date in `[from, until_exclusive)`, after the weekend rule, in order. One entry per paycheck:
    /// when two semi-monthly days land on the same date (both shifted off a weekend) the date appears twice.
    pub fn paydays(&self, from: NaiveDate, until_exclusive: NaiveDate) -> Vec<NaiveDate> {
        self.paydays_from(from)
            .take_while(|d| *d < until_exclusive)
            .collect()
    }

    /// The first `n` paycheck dates on or after `from`.
    pub fn next_paydays(&self, from: NaiveDate, n: usize) -> Vec<NaiveDate> {
        self.paydays_from(from).take(n).collect()
    }

    /// Paycheck dates on or after `from`, unbounded. Empty for a record whose frequency lacks its fields.
    pub(crate) fn paydays_from(&self, from: NaiveDate) -> impl Iterator<Item = NaiveDate> + use<> {
        let weekend = self.weekend;
        let holidays = self.holidays;
        // A nominal payday up to four days before `from` can be shifted onto or after it (a weekend plus two
        // holidays, as at a UK Christmas or Easter; a test in `holidays` checks no calendar has a longer run).
        let start = from.checked_sub_days(Days::new(7)).unwrap_or(from);
        self.pattern()
            .into_iter()
            .flat_map(move |pattern| pattern.from(start))
            // Both weekend rules are monotone, so shifted dates stay in order.
            .map(move |date| weekend.apply_with(date, holidays))
            .skip_while(move |date| *date < from)
    }

    fn pattern(&self) -> Option<Pattern> {
        match self.frequency {
            Frequency::Weekly => self
                .anchor_date
                .map(|anchor| Pattern::Every { anchor, days: 7 }),
            Frequency::Biweekly => self
                .anchor_date
                .map(|anchor| Pattern::Every { anchor, days: 14 }),
            Frequency::Semimonthly => self.days.map(|days| Pattern::Months {
                every: 1,
                phase: 0,
                days,
                count: 2,
            }),
            Frequency::Monthly => self.day.map(|day| Pattern::Months {
                every: 1,
                phase: 0,
                days: [day, day],
                count: 1,
            }),
        }
    }

    /// Trims the name and checks every rule; the record is returned unchanged otherwise.
    fn validated(mut self) -> Result<PaySchedule, FieldErrors> {
        let mut errors = FieldErrors::new();
        if let Some(name) = validate::text(&mut errors, "name", &self.name, 1, NAME_MAX) {
            self.name = name;
        }
        check_amount(&mut errors, "amount", self.amount, 1);
        let frequency = self.frequency;
        let what = frequency.as_str();
        if frequency.uses_anchor_date() {
            if self.anchor_date.is_none() {
                errors.add("anchor_date", format!("is required for {what} pay"));
            }
        } else if self.anchor_date.is_some() {
            errors.add("anchor_date", format!("must not be set for {what} pay"));
        }
        if frequency.uses_days() {
            match self.days {
                None => errors.add("days", format!("is required for {what} pay")),
                Some(days) if !days.iter().all(|d| d.is_valid()) => {
                    errors.add("days", format!("each day {DAY_MESSAGE}"))
                }
                Some([a, b]) if a.normalized() == b.normalized() => {
                    errors.add("days", "must be two different days")
                }
                // Both 28th or later: a 28-day February puts them on the same date.
                Some([a, b]) if a.can_coincide(b) => errors.add(
                    "days",
                    "must not both be the 28th or later: in February they fall on the same date",
                ),
                Some(_) => {}
            }
        } else if self.days.is_some() {
            errors.add("days", format!("must not be set for {what} pay"));
        }
        if frequency.uses_day() {
            match self.day {
                None => errors.add("day", format!("is required for {what} pay")),
                Some(day) if !day.is_valid() => errors.add("day", DAY_MESSAGE),
                Some(_) => {}
            }
        } else if self.day.is_some() {
            errors.add("day", format!("must not be set for {what} pay"));
        }
        if self.holidays != HolidayCalendar::None && self.weekend == WeekendRule::None {
            errors.add(
                "holidays",
                "needs a weekend rule: a payday on a holiday moves the way a weekend one does",
            );
        }
        errors.into_result(self)
    }
}

/// `POST /api/v1/pay-schedules` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreatePaySchedule {
    pub name: String,
    pub amount: Money,
    pub frequency: Frequency,
    #[serde(
        default,
        deserialize_with = "validate::optional_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub anchor_date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<DayOfMonth>>, min_items = 2, max_items = 2))]
    pub days: Option<[DayOfMonth; 2]>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day: Option<DayOfMonth>,
    /// Defaults to `none`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekend: Option<WeekendRule>,
    /// Defaults to `none`. Any other calendar needs a weekend rule other than `none`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holidays: Option<HolidayCalendar>,
}

impl CreatePaySchedule {
    /// Validates the request and builds the record (version 1) the store saves.
    pub fn into_record(self, id: Uuid, now: DateTime<Utc>) -> Result<PaySchedule, FieldErrors> {
        PaySchedule {
            id,
            name: self.name,
            amount: self.amount,
            frequency: self.frequency,
            anchor_date: self.anchor_date,
            days: self.days,
            day: self.day,
            weekend: self.weekend.unwrap_or_default(),
            payday_overrides: Vec::new(),
            holidays: self.holidays.unwrap_or_default(),
            created_at: now,
            updated_at: now,
            version: 1,
        }
        .validated()
    }
}

/// `PATCH /api/v1/pay-schedules/{id}` body: every field optional; `null` clears `anchor_date`, `days` or `day`.
///
/// When `frequency` changes, fields the new frequency does not use are cleared automatically unless the patch
/// sets them (then they are rejected), so switching monthly → bi-weekly needs only `frequency` and `anchor_date`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdatePaySchedule {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frequency: Option<Frequency>,
    #[serde(
        default,
        deserialize_with = "validate::nullable_date",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<NaiveDate>))]
    pub anchor_date: Option<Option<NaiveDate>>,
    #[serde(
        default,
        deserialize_with = "validate::nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<DayOfMonth>>, min_items = 2, max_items = 2))]
    pub days: Option<Option<[DayOfMonth; 2]>>,
    #[serde(
        default,
        deserialize_with = "validate::nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<DayOfMonth>))]
    pub day: Option<Option<DayOfMonth>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekend: Option<WeekendRule>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holidays: Option<HolidayCalendar>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u64>,
}

impl UpdatePaySchedule {
    /// Merges the patch into `current` and re-validates the whole record. Keeps `version` (the store bumps it).
    pub fn apply(
        &self,
        current: &PaySchedule,
        now: DateTime<Utc>,
    ) -> Result<PaySchedule, FieldErrors> {
        let mut next = current.clone();
        if let Some(name) = &self.name {
            next.name.clone_from(name);
        }
        if let Some(amount) = self.amount {
            next.amount = amount;
        }
        if let Some(frequency) = self.frequency {
            next.frequency = frequency;
        }
        if let Some(weekend) = self.weekend {
            next.weekend = weekend;
        }
        if let Some(holidays) = self.holidays {
            next.holidays = holidays;
        }
        let frequency = next.frequency;
        next.anchor_date = match self.anchor_date {
            Some(value) => value,
            None if frequency.uses_anchor_date() => next.anchor_date,
            None => None,
        };
        next.days = match self.days {
            Some(value) => value,
            None if frequency.uses_days() => next.days,
            None => None,
        };
        next.day = match self.day {
            Some(value) => value,
            None if frequency.uses_day() => next.day,
            None => None,
        };
        next.updated_at = now;
        next.validated()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2025-11-21T10:00:00Z")
            .unwrap()
            .to_utc()
    }

    fn create(json: &str) -> Result<PaySchedule, FieldErrors> {
        serde_json::from_str::<CreatePaySchedule>(json)
            .unwrap()
            .into_record(Uuid::nil(), now())
    }

    #[test]
    fn create_trims_the_name_and_defaults_the_weekend_rule() {
        let s = create(r#"{"name":"  Acme ","amount":250000,"frequency":"biweekly","anchor_date":"2025-11-14"}"#)
            .unwrap();
        assert_eq!(s.name, "Acme");
        assert_eq!(s.weekend, WeekendRule::None);
        assert_eq!(s.version, 1);
    }

    #[test]
    fn create_requires_the_fields_of_the_frequency_and_rejects_the_others() {
        let e = create(r#"{"name":"A","amount":1,"frequency":"weekly","day":15}"#).unwrap_err();
        assert_eq!(e.get("anchor_date"), Some("is required for weekly pay"));
        assert_eq!(e.get("day"), Some("must not be set for weekly pay"));
        let e =
            create(r#"{"name":"A","amount":1,"frequency":"monthly","days":[1,15]}"#).unwrap_err();
        assert_eq!(e.get("day"), Some("is required for monthly pay"));
        assert_eq!(e.get("days"), Some("must not be set for monthly pay"));
    }

    #[test]
    fn create_rejects_bad_amounts_days_and_names() {
        let e = create(r#"{"name":" ","amount":0,"frequency":"monthly","day":32}"#).unwrap_err();
        assert_eq!(e.get("name"), Some("must not be empty"));
        assert_eq!(e.get("amount"), Some("must be greater than 0"));
        assert_eq!(e.get("day"), Some("must be 1–31 or \"last\""));
        let e = create(r#"{"name":"A","amount":1,"frequency":"semimonthly","days":[31,"last"]}"#)
            .unwrap_err();
        assert_eq!(e.get("days"), Some("must be two different days"));
        let e = create(r#"{"name":"A","amount":1,"frequency":"semimonthly","days":[0,15]}"#)
            .unwrap_err();
        assert!(e.get("days").is_some());
        let e = create(r#"{"name":"A","amount":1000000000001,"frequency":"monthly","day":1}"#)
            .unwrap_err();
        assert!(e.get("amount").is_some());
    }

    #[test]
    fn semimonthly_days_must_be_different_and_never_share_a_date() {
        let days = |days: &str| {
            create(&format!(
                r#"{{"name":"A","amount":1,"frequency":"semimonthly","days":{days}}}"#
            ))
        };
        for same in ["[20,20]", "[\"last\",\"last\"]", "[31,\"last\"]"] {
            assert_eq!(
                days(same).unwrap_err().get("days"),
                Some("must be two different days"),
                "{same}"
            );
        }
        for clash in ["[29,30]", "[30,\"last\"]", "[28,31]", "[\"last\",29]"] {
            assert_eq!(
                days(clash).unwrap_err().get("days"),
                Some("must not both be the 28th or later: in February they fall on the same date"),
                "{clash}"
            );
        }
        for fine in ["[1,15]", "[15,\"last\"]", "[27,28]", "[14,31]"] {
            assert!(days(fine).is_ok(), "{fine}");
        }
    }

    #[test]
    fn create_rejects_unknown_fields() {
        let result = serde_json::from_str::<CreatePaySchedule>(
            r#"{"name":"A","amount":1,"frequency":"monthly","day":1,"currency":"USD"}"#,
        );
        assert!(result.is_err());
    }

    #[test]
    fn switching_frequency_clears_fields_the_new_one_does_not_use() {
        let monthly =
            create(r#"{"name":"A","amount":1,"frequency":"monthly","day":"last"}"#).unwrap();
        let patch: UpdatePaySchedule = serde_json::from_str(
            r#"{"frequency":"biweekly","anchor_date":"2025-11-14","version":1}"#,
        )
        .unwrap();
        let biweekly = patch.apply(&monthly, now()).unwrap();
        assert_eq!(biweekly.day, None);
        assert_eq!(biweekly.anchor_date, Some(date(2025, 11, 14)));
        assert_eq!(biweekly.version, 1);
    }

    #[test]
    fn patch_that_sets_a_foreign_field_is_rejected() {
        let monthly = create(r#"{"name":"A","amount":1,"frequency":"monthly","day":1}"#).unwrap();
        let patch: UpdatePaySchedule =
            serde_json::from_str(r#"{"anchor_date":"2025-11-14"}"#).unwrap();
        assert_eq!(
            patch.apply(&monthly, now()).unwrap_err().get("anchor_date"),
            Some("must not be set for monthly pay")
        );
        let patch: UpdatePaySchedule = serde_json::from_str(r#"{"day":null}"#).unwrap();
        assert_eq!(
            patch.apply(&monthly, now()).unwrap_err().get("day"),
            Some("is required for monthly pay")
        );
    }

    #[test]
    fn paydays_include_a_nominal_date_shifted_into_the_range() {
        // Monthly on the 1st; 2025-11-01 is a Saturday → paid Friday 2025-10-31.
        let mut s = create(r#"{"name":"A","amount":1,"frequency":"monthly","day":1}"#).unwrap();
        s.weekend = WeekendRule::PreviousBusinessDay;
        assert_eq!(
            s.paydays(date(2025, 10, 31), date(2025, 11, 2)),
            [date(2025, 10, 31)]
        );
        assert_eq!(
            s.paydays(date(2025, 11, 1), date(2025, 11, 30)),
            Vec::<NaiveDate>::new()
        );
        assert_eq!(s.next_paydays(date(2025, 11, 1), 1), [date(2025, 12, 1)]);
    }

    #[test]
    fn friday_25_december_2026_is_not_a_payday_under_either_holiday_calendar() {
        // Bi-weekly on Fridays from Fri 11 Dec 2026: the nominal paydays are Dec 11, Dec 25 and Jan 8.
        let base = create(r#"{"name":"A","amount":1,"frequency":"biweekly","anchor_date":"2026-12-11","weekend":"previous_business_day"}"#)
            .unwrap();
        let from = date(2026, 12, 12);
        assert_eq!(base.next_paydays(from, 1), [date(2026, 12, 25)]);
        for (holidays, weekend, paid) in [
            (
                HolidayCalendar::UsFederal,
                WeekendRule::PreviousBusinessDay,
                date(2026, 12, 24),
            ),
            (
                HolidayCalendar::UkEnglandWales,
                WeekendRule::PreviousBusinessDay,
                date(2026, 12, 24),
            ),
            // Forward: over the weekend; Mon 28 Dec is a working day in the US, Boxing Day's substitute in the UK.
            (
                HolidayCalendar::UsFederal,
                WeekendRule::NextBusinessDay,
                date(2026, 12, 28),
            ),
            (
                HolidayCalendar::UkEnglandWales,
                WeekendRule::NextBusinessDay,
                date(2026, 12, 29),
            ),
        ] {
            let s = PaySchedule {
                holidays,
                weekend,
                ..base.clone()
            };
            assert_eq!(s.next_paydays(from, 1), [paid], "{holidays:?} {weekend:?}");
            assert!(s.paydays(date(2026, 12, 25), date(2026, 12, 26)).is_empty());
        }
    }

    #[test]
    fn a_payday_moved_forward_over_a_holiday_weekend_is_found_from_the_day_it_lands_on() {
        // Monthly on the 25th, UK, next business day: Fri 25 Dec 2026 → Tue 29 Dec, four days later.
        let s = create(r#"{"name":"A","amount":1,"frequency":"monthly","day":25,"weekend":"next_business_day","holidays":"uk_england_wales"}"#)
            .unwrap();
        assert_eq!(s.next_paydays(date(2026, 12, 29), 1), [date(2026, 12, 29)]);
        assert_eq!(
            s.paydays(date(2026, 12, 26), date(2027, 1, 26)),
            [date(2026, 12, 29), date(2027, 1, 25)]
        );
    }

    #[test]
    fn a_holiday_calendar_needs_a_weekend_rule_and_defaults_to_none() {
        let s = create(r#"{"name":"A","amount":1,"frequency":"monthly","day":1}"#).unwrap();
        assert_eq!(s.holidays, HolidayCalendar::None);
        let e = create(
            r#"{"name":"A","amount":1,"frequency":"monthly","day":1,"holidays":"us_federal"}"#,
        )
        .unwrap_err();
        assert_eq!(
            e.get("holidays"),
            Some("needs a weekend rule: a payday on a holiday moves the way a weekend one does")
        );
        assert!(
            serde_json::from_str::<CreatePaySchedule>(
                r#"{"name":"A","amount":1,"frequency":"monthly","day":1,"holidays":"fr"}"#
            )
            .is_err()
        );
        let patch: UpdatePaySchedule = serde_json::from_str(
            r#"{"weekend":"next_business_day","holidays":"uk_england_wales"}"#,
        )
        .unwrap();
        let uk = patch.apply(&s, now()).unwrap();
        assert_eq!(uk.holidays, HolidayCalendar::UkEnglandWales);
        let patch: UpdatePaySchedule = serde_json::from_str(r#"{"weekend":"none"}"#).unwrap();
        assert!(
            patch
                .apply(&uk, now())
                .unwrap_err()
                .get("holidays")
                .is_some()
        );
    }
}

//! Bills: what is owed, how it recurs, and the due dates that follow from it.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::calendar::{DAY_MESSAGE, DayOfMonth, Pattern, month_index};
use super::{CATEGORY_MAX, NAME_MAX, check_amount};
use crate::{FieldErrors, Money, validate};

/// How a bill recurs. On the wire: an object tagged by `kind`, e.g. `{"kind":"monthly","day":"last"}`.
///
/// Weekly, bi-weekly and every-N-weeks bills run in phase with `anchor` (before and after it; bound them with
/// `starts_on` / `ends_on`). Quarterly bills fall every three months on the anchor's day of month, and every-N-months
/// bills every `every` months the same way (`{"kind":"every_n_months","every":6,"anchor":"2026-03-15"}` is car
/// insurance twice a year). A monthly, quarterly, every-N-months or yearly day the month lacks falls on that month's
/// last day (Feb 31 is Feb 28/29), and the next occurrence goes back to the anchor's day: the day never drifts.
/// Bills have no weekend rule.
///
/// `Deserialize` is written out below (same wire format and errors as serde's derive would give): serde's derive
/// for an internally tagged enum buffers the whole object first through its `Content` type, and reads `date`,
/// `anchor` and `day` only as strings from it; the flat wire struct reads every field with its own rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Recurrence {
    Once {
        date: NaiveDate,
    },
    Weekly {
        anchor: NaiveDate,
    },
    Biweekly {
        anchor: NaiveDate,
    },
    Monthly {
        day: DayOfMonth,
    },
    Quarterly {
        anchor: NaiveDate,
    },
    /// `month` is 1–12.
    Yearly {
        #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 12))]
        month: u8,
        day: DayOfMonth,
    },
    /// Every `every` months (1–12) on the anchor's day of month, in phase with `anchor`. Every 1 month is monthly
    /// on that day, every 3 months is quarterly, every 12 months is yearly.
    EveryNMonths {
        #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 12))]
        every: u8,
        anchor: NaiveDate,
    },
    /// Every `every` weeks (1–52) on the anchor's weekday, in phase with `anchor`. Every 1 week is weekly, every 2
    /// weeks is bi-weekly.
    EveryNWeeks {
        #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 52))]
        every: u8,
        anchor: NaiveDate,
    },
}

/// The largest `every` of an every-N-months bill: a year. Longer gaps are rare enough to enter as dated bills.
pub const EVERY_MONTHS_MAX: u8 = 12;

/// The largest `every` of an every-N-weeks bill: 52 weeks (364 days), the longest gap under a year. A bill rarer
/// than that is yearly, or every N months.
pub const EVERY_WEEKS_MAX: u8 = 52;

/// A [`Recurrence`] as it arrives: one flat object, every variant's fields optional, checked against `kind`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RecurrenceWire {
    kind: RecurrenceKind,
    date: Option<NaiveDate>,
    anchor: Option<NaiveDate>,
    day: Option<DayOfMonth>,
    month: Option<u8>,
    every: Option<u8>,
}

#[derive(Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum RecurrenceKind {
    Once,
    Weekly,
    Biweekly,
    Monthly,
    Quarterly,
    Yearly,
    EveryNMonths,
    EveryNWeeks,
}

/// Why a [`RecurrenceWire`] is not a [`Recurrence`], in serde's terms.
enum WireProblem {
    /// A field the `kind` does not use; the second part lists the ones it does.
    Unknown(&'static str, &'static [&'static str]),
    Missing(&'static str),
}

impl RecurrenceWire {
    fn into_recurrence(self) -> Result<Recurrence, WireProblem> {
        let fields: &'static [&'static str] = match self.kind {
            RecurrenceKind::Once => &["date"],
            RecurrenceKind::Weekly | RecurrenceKind::Biweekly | RecurrenceKind::Quarterly => {
                &["anchor"]
            }
            RecurrenceKind::Monthly => &["day"],
            RecurrenceKind::Yearly => &["month", "day"],
            RecurrenceKind::EveryNMonths | RecurrenceKind::EveryNWeeks => &["every", "anchor"],
        };
        let present = [
            ("date", self.date.is_some()),
            ("anchor", self.anchor.is_some()),
            ("day", self.day.is_some()),
            ("month", self.month.is_some()),
            ("every", self.every.is_some()),
        ];
        if let Some((name, _)) = present
            .iter()
            .find(|(name, set)| *set && !fields.contains(name))
        {
            return Err(WireProblem::Unknown(name, fields));
        }
        let need = WireProblem::Missing;
        Ok(match self.kind {
            RecurrenceKind::Once => Recurrence::Once {
                date: self.date.ok_or(need("date"))?,
            },
            RecurrenceKind::Weekly => Recurrence::Weekly {
                anchor: self.anchor.ok_or(need("anchor"))?,
            },
            RecurrenceKind::Biweekly => Recurrence::Biweekly {
                anchor: self.anchor.ok_or(need("anchor"))?,
            },
            RecurrenceKind::Quarterly => Recurrence::Quarterly {
                anchor: self.anchor.ok_or(need("anchor"))?,
            },
            RecurrenceKind::Monthly => Recurrence::Monthly {
                day: self.day.ok_or(need("day"))?,
            },
            RecurrenceKind::Yearly => Recurrence::Yearly {
                month: self.month.ok_or(need("month"))?,
                day: self.day.ok_or(need("day"))?,
            },
            RecurrenceKind::EveryNMonths => Recurrence::EveryNMonths {
                every: self.every.ok_or(need("every"))?,
                anchor: self.anchor.ok_or(need("anchor"))?,
            },
            RecurrenceKind::EveryNWeeks => Recurrence::EveryNWeeks {
                every: self.every.ok_or(need("every"))?,
                anchor: self.anchor.ok_or(need("anchor"))?,
            },
        })
    }
}

impl<'de> Deserialize<'de> for Recurrence {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        RecurrenceWire::deserialize(deserializer)?
            .into_recurrence()
            .map_err(|problem| match problem {
                WireProblem::Unknown(name, fields) => D::Error::unknown_field(name, fields),
                WireProblem::Missing(name) => D::Error::missing_field(name),
            })
    }
}

/// A [`Recurrence`] in a request body: the same shape, but its dates must be strict `YYYY-MM-DD` within the years
/// the API accepts ([`validate::parse_date`]). Stored records keep reading through the plain `Deserialize`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RequestRecurrence {
    kind: RecurrenceKind,
    #[serde(default, deserialize_with = "validate::optional_date")]
    date: Option<NaiveDate>,
    #[serde(default, deserialize_with = "validate::optional_date")]
    anchor: Option<NaiveDate>,
    day: Option<DayOfMonth>,
    month: Option<u8>,
    every: Option<u8>,
}

fn request_recurrence<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Recurrence, D::Error> {
    use serde::de::Error;
    let RequestRecurrence {
        kind,
        date,
        anchor,
        day,
        month,
        every,
    } = RequestRecurrence::deserialize(deserializer)?;
    RecurrenceWire {
        kind,
        date,
        anchor,
        day,
        month,
        every,
    }
    .into_recurrence()
    .map_err(|problem| match problem {
        WireProblem::Unknown(name, fields) => D::Error::unknown_field(name, fields),
        WireProblem::Missing(name) => D::Error::missing_field(name),
    })
}

fn optional_request_recurrence<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Recurrence>, D::Error> {
    request_recurrence(deserializer).map(Some)
}

impl Recurrence {
    /// `true` for recurrences rarer than any pay frequency: quarterly, yearly, every 2 or more months, and every 5
    /// or more weeks (35 days, longer than any month, so even a monthly paycheck can have none in its period).
    /// These are the ones the engine smooths into a per-paycheck reserve. Every 1 month and every 1–4 weeks are
    /// not, exactly like the monthly, weekly and bi-weekly bills they equal.
    pub fn is_smoothed(self) -> bool {
        match self {
            Recurrence::Quarterly { .. } | Recurrence::Yearly { .. } => true,
            Recurrence::EveryNMonths { every, .. } => every >= 2,
            Recurrence::EveryNWeeks { every, .. } => every >= 5,
            _ => false,
        }
    }

    fn pattern(self) -> Option<Pattern> {
        Some(match self {
            Recurrence::Once { date } => Pattern::Once(date),
            Recurrence::Weekly { anchor } => Pattern::Every { anchor, days: 7 },
            Recurrence::Biweekly { anchor } => Pattern::Every { anchor, days: 14 },
            Recurrence::Monthly { day } => Pattern::Months {
                every: 1,
                phase: 0,
                days: [day, day],
                count: 1,
            },
            Recurrence::Quarterly { anchor } => months_from(anchor, 3)?,
            Recurrence::EveryNMonths { every, anchor } => {
                if !(1..=EVERY_MONTHS_MAX).contains(&every) {
                    return None;
                }
                months_from(anchor, i32::from(every))?
            }
            Recurrence::EveryNWeeks { every, anchor } => {
                if !(1..=EVERY_WEEKS_MAX).contains(&every) {
                    return None;
                }
                Pattern::Every {
                    anchor,
                    days: 7 * i32::from(every),
                }
            }
            Recurrence::Yearly { month, day } => {
                if !(1..=12).contains(&month) {
                    return None;
                }
                Pattern::Months {
                    every: 12,
                    phase: i32::from(month) - 1,
                    days: [day, day],
                    count: 1,
                }
            }
        })
    }

    fn validate(self, errors: &mut FieldErrors) {
        match self {
            Recurrence::Monthly { day } if !day.is_valid() => errors.add("day", DAY_MESSAGE),
            Recurrence::Yearly { month, day } => {
                if !(1..=12).contains(&month) {
                    errors.add("month", "must be 1–12");
                }
                if !day.is_valid() {
                    errors.add("day", DAY_MESSAGE);
                }
            }
            Recurrence::EveryNMonths { every, .. } if !(1..=EVERY_MONTHS_MAX).contains(&every) => {
                errors.add("every", format!("must be 1–{EVERY_MONTHS_MAX} months"));
            }
            Recurrence::EveryNWeeks { every, .. } if !(1..=EVERY_WEEKS_MAX).contains(&every) => {
                errors.add("every", format!("must be 1–{EVERY_WEEKS_MAX} weeks"));
            }
            _ => {}
        }
    }
}

/// Every `every` months on `anchor`'s day of month, in phase with `anchor`'s month.
fn months_from(anchor: NaiveDate, every: i32) -> Option<Pattern> {
    let day = DayOfMonth::Day(u8::try_from(anchor.day()).ok()?);
    Some(Pattern::Months {
        every,
        phase: month_index(anchor).rem_euclid(every),
        days: [day, day],
        count: 1,
    })
}

/// A bill as the API returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Bill {
    pub id: Uuid,
    pub name: String,
    /// Amount due per occurrence, in minor units (≥ 0).
    pub amount: Money,
    pub category: Option<String>,
    /// Paid automatically. An autopay occurrence still counts as committed until marked paid, but once its date has
    /// passed it is taken as paid: it is never overdue.
    pub autopay: bool,
    pub recurrence: Recurrence,
    /// No occurrence before this date (inclusive bound).
    pub starts_on: Option<NaiveDate>,
    /// No occurrence after this date (inclusive bound).
    pub ends_on: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Optimistic-concurrency version; send it back when updating.
    pub version: u64,
}

impl Bill {
    /// Due dates in `[from, until_exclusive)`, in order, within `starts_on..=ends_on`.
    pub fn occurrences(&self, from: NaiveDate, until_exclusive: NaiveDate) -> Vec<NaiveDate> {
        self.occurrences_from(from)
            .take_while(|d| *d < until_exclusive)
            .collect()
    }

    /// `true` when the bill is due on `date`.
    pub fn occurs_on(&self, date: NaiveDate) -> bool {
        self.occurrences_from(date).next() == Some(date)
    }

    /// The first `n` due dates on or after `from`.
    pub fn next_occurrences(&self, from: NaiveDate, n: usize) -> Vec<NaiveDate> {
        self.occurrences_from(from).take(n).collect()
    }

    /// Due dates on or after `from`, in order; ends at `ends_on` (or never).
    pub(crate) fn occurrences_from(
        &self,
        from: NaiveDate,
    ) -> impl Iterator<Item = NaiveDate> + use<> {
        let start = self.starts_on.map_or(from, |s| s.max(from));
        let end = self.ends_on.unwrap_or(NaiveDate::MAX);
        self.recurrence
            .pattern()
            .into_iter()
            .flat_map(move |pattern| pattern.from(start))
            .take_while(move |d| *d <= end)
    }

    /// Trims text fields and checks every rule.
    fn validated(mut self) -> Result<Bill, FieldErrors> {
        let mut errors = FieldErrors::new();
        if let Some(name) = validate::text(&mut errors, "name", &self.name, 1, NAME_MAX) {
            self.name = name;
        }
        check_amount(&mut errors, "amount", self.amount, 0);
        if let Some(category) = &self.category {
            // A blank category means "none".
            self.category = validate::text(&mut errors, "category", category, 0, CATEGORY_MAX)
                .filter(|c| !c.is_empty());
        }
        let mut recurrence = FieldErrors::new();
        self.recurrence.validate(&mut recurrence);
        errors.merge_prefixed("recurrence", recurrence);
        if let (Some(starts), Some(ends)) = (self.starts_on, self.ends_on)
            && ends < starts
        {
            errors.add("ends_on", "must not be before the start date");
        }
        if let Recurrence::Once { date } = self.recurrence
            && (self.starts_on.is_some_and(|s| date < s) || self.ends_on.is_some_and(|e| date > e))
        {
            errors.add(
                "recurrence.date",
                "must be between the start date and the end date",
            );
        }
        errors.into_result(self)
    }
}

/// `POST /api/v1/bills` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateBill {
    pub name: String,
    pub amount: Money,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Defaults to `false`.
    #[serde(default)]
    pub autopay: bool,
    #[serde(deserialize_with = "request_recurrence")]
    pub recurrence: Recurrence,
    #[serde(
        default,
        deserialize_with = "validate::optional_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub starts_on: Option<NaiveDate>,
    #[serde(
        default,
        deserialize_with = "validate::optional_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub ends_on: Option<NaiveDate>,
}

impl CreateBill {
    /// Validates the request and builds the record (version 1) the store saves.
    pub fn into_record(self, id: Uuid, now: DateTime<Utc>) -> Result<Bill, FieldErrors> {
        Bill {
            id,
            name: self.name,
            amount: self.amount,
            category: self.category,
            autopay: self.autopay,
            recurrence: self.recurrence,
            starts_on: self.starts_on,
            ends_on: self.ends_on,
            created_at: now,
            updated_at: now,
            version: 1,
        }
        .validated()
    }
}

/// `PATCH /api/v1/bills/{id}` body: every field optional; `null` clears `category`, `starts_on` or `ends_on`.
/// `recurrence` is replaced as a whole.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateBill {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Money>,
    #[serde(
        default,
        deserialize_with = "validate::nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub category: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autopay: Option<bool>,
    #[serde(
        default,
        deserialize_with = "optional_request_recurrence",
        skip_serializing_if = "Option::is_none"
    )]
    pub recurrence: Option<Recurrence>,
    #[serde(
        default,
        deserialize_with = "validate::nullable_date",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<NaiveDate>))]
    pub starts_on: Option<Option<NaiveDate>>,
    #[serde(
        default,
        deserialize_with = "validate::nullable_date",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<NaiveDate>))]
    pub ends_on: Option<Option<NaiveDate>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u64>,
}

impl UpdateBill {
    /// Merges the patch into `current` and re-validates the whole record. Keeps `version` (the store bumps it).
    pub fn apply(&self, current: &Bill, now: DateTime<Utc>) -> Result<Bill, FieldErrors> {
        let mut next = current.clone();
        if let Some(name) = &self.name {
            next.name.clone_from(name);
        }
        if let Some(amount) = self.amount {
            next.amount = amount;
        }
        if let Some(category) = &self.category {
            next.category.clone_from(category);
        }
        if let Some(autopay) = self.autopay {
            next.autopay = autopay;
        }
        if let Some(recurrence) = self.recurrence {
            next.recurrence = recurrence;
        }
        if let Some(starts_on) = self.starts_on {
            next.starts_on = starts_on;
        }
        if let Some(ends_on) = self.ends_on {
            next.ends_on = ends_on;
        }
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

    fn create(json: &str) -> Result<Bill, FieldErrors> {
        serde_json::from_str::<CreateBill>(json)
            .unwrap()
            .into_record(Uuid::nil(), now())
    }

    #[test]
    fn recurrence_rejects_unknown_fields_inside_the_tagged_object() {
        let ok = serde_json::from_str::<Recurrence>(r#"{"kind":"monthly","day":"last"}"#);
        assert_eq!(
            ok.unwrap(),
            Recurrence::Monthly {
                day: DayOfMonth::Last
            }
        );
        let extra = serde_json::from_str::<Recurrence>(r#"{"kind":"monthly","day":1,"month":2}"#);
        assert!(extra.is_err());
        let unknown_kind =
            serde_json::from_str::<Recurrence>(r#"{"kind":"fortnightly","anchor":"2025-01-01"}"#);
        assert!(unknown_kind.is_err());
    }

    #[test]
    fn recurrence_round_trips_every_kind_and_names_bad_fields_like_serde() {
        let d = date(2026, 1, 15);
        for r in [
            Recurrence::Once { date: d },
            Recurrence::Weekly { anchor: d },
            Recurrence::Biweekly { anchor: d },
            Recurrence::Monthly {
                day: DayOfMonth::Day(31),
            },
            Recurrence::Quarterly { anchor: d },
            Recurrence::Yearly {
                month: 2,
                day: DayOfMonth::Last,
            },
            Recurrence::EveryNMonths {
                every: 6,
                anchor: d,
            },
            Recurrence::EveryNWeeks {
                every: 3,
                anchor: d,
            },
        ] {
            let json = serde_json::to_string(&r).unwrap();
            assert_eq!(
                serde_json::from_str::<Recurrence>(&json).unwrap(),
                r,
                "{json}"
            );
        }
        // The API turns these messages into field errors (backend/src/http/extract.rs).
        let error = |json: &str| {
            serde_json::from_str::<Recurrence>(json)
                .unwrap_err()
                .to_string()
        };
        assert!(
            error(r#"{"kind":"monthly","day":1,"anchor":"2026-01-01"}"#)
                .starts_with("unknown field `anchor`, expected `day`"),
        );
        assert!(error(r#"{"kind":"yearly","day":1}"#).starts_with("missing field `month`"));
        assert!(error(r#"{"kind":"once"}"#).starts_with("missing field `date`"));
        assert!(
            error(r#"{"kind":"weekly","anchor":"2026-01-01","x":1}"#)
                .starts_with("unknown field `x`")
        );
        assert!(error(r#"{"day":1}"#).starts_with("missing field `kind`"));
    }

    #[test]
    fn recurrence_serializes_with_a_kind_tag() {
        let json = serde_json::to_string(&Recurrence::Yearly {
            month: 2,
            day: DayOfMonth::Day(31),
        })
        .unwrap();
        assert_eq!(json, r#"{"kind":"yearly","month":2,"day":31}"#);
    }

    #[test]
    fn create_reports_bad_fields_with_json_paths() {
        let e = create(
            r#"{"name":"Rent","amount":-1,"category":"x","recurrence":{"kind":"yearly","month":13,"day":32},
                "starts_on":"2025-02-01","ends_on":"2025-01-01"}"#,
        )
        .unwrap_err();
        assert_eq!(e.get("amount"), Some("must not be negative"));
        assert_eq!(e.get("recurrence.month"), Some("must be 1–12"));
        assert_eq!(e.get("recurrence.day"), Some("must be 1–31 or \"last\""));
        assert_eq!(e.get("ends_on"), Some("must not be before the start date"));
    }

    #[test]
    fn messages_name_dates_as_people_read_them_not_by_field_name() {
        let e = create(
            r#"{"name":"Fee","amount":1,"recurrence":{"kind":"once","date":"2025-03-01"},
                "starts_on":"2025-04-01","ends_on":"2025-05-01"}"#,
        )
        .unwrap_err();
        assert_eq!(
            e.get("recurrence.date"),
            Some("must be between the start date and the end date")
        );
    }

    #[test]
    fn create_trims_category_and_treats_blank_as_none() {
        let bill = create(r#"{"name":" Rent ","amount":0,"category":"  ","recurrence":{"kind":"monthly","day":1}}"#)
            .unwrap();
        assert_eq!(bill.name, "Rent");
        assert_eq!(bill.category, None);
        assert!(!bill.autopay);
        let e = create(&format!(
            r#"{{"name":"Rent","amount":0,"category":"{}","recurrence":{{"kind":"monthly","day":1}}}}"#,
            "c".repeat(CATEGORY_MAX + 1)
        ))
        .unwrap_err();
        assert!(e.get("category").is_some());
    }

    #[test]
    fn yearly_february_31st_falls_on_the_last_day_of_february() {
        let bill = create(
            r#"{"name":"Insurance","amount":1,"recurrence":{"kind":"yearly","month":2,"day":31}}"#,
        )
        .unwrap();
        assert_eq!(
            bill.next_occurrences(date(2024, 1, 1), 2),
            [date(2024, 2, 29), date(2025, 2, 28)]
        );
    }

    #[test]
    fn quarterly_keeps_the_anchor_day_rather_than_drifting() {
        let bill = create(
            r#"{"name":"Tax","amount":1,"recurrence":{"kind":"quarterly","anchor":"2025-01-31"}}"#,
        )
        .unwrap();
        assert_eq!(
            bill.next_occurrences(date(2024, 12, 1), 4),
            [
                date(2025, 1, 31),
                date(2025, 4, 30),
                date(2025, 7, 31),
                date(2025, 10, 31)
            ]
        );
    }

    #[test]
    fn occurrences_respect_starts_on_and_ends_on_inclusively() {
        let bill = create(
            r#"{"name":"Gym","amount":1,"recurrence":{"kind":"weekly","anchor":"2025-01-06"},
                "starts_on":"2025-01-13","ends_on":"2025-01-27"}"#,
        )
        .unwrap();
        assert_eq!(
            bill.occurrences(date(2025, 1, 1), date(2025, 3, 1)),
            [date(2025, 1, 13), date(2025, 1, 20), date(2025, 1, 27)]
        );
        assert!(bill.occurs_on(date(2025, 1, 20)));
        assert!(!bill.occurs_on(date(2025, 1, 6)));
        assert!(!bill.occurs_on(date(2025, 1, 21)));
    }

    #[test]
    fn patch_clears_nullable_fields_and_revalidates() {
        let bill = create(r#"{"name":"Rent","amount":1,"category":"Home","recurrence":{"kind":"monthly","day":1}}"#)
            .unwrap();
        let patch: UpdateBill = serde_json::from_str(r#"{"category":null,"amount":5}"#).unwrap();
        let next = patch.apply(&bill, now()).unwrap();
        assert_eq!((next.category, next.amount), (None, 5));
        let patch: UpdateBill =
            serde_json::from_str(r#"{"recurrence":{"kind":"monthly","day":0}}"#).unwrap();
        assert!(
            patch
                .apply(&bill, now())
                .unwrap_err()
                .get("recurrence.day")
                .is_some()
        );
        assert!(serde_json::from_str::<UpdateBill>(r#"{"colour":"red"}"#).is_err());
    }

    #[test]
    fn every_n_recurrences_use_a_kind_tag_with_every_and_anchor() {
        let six = Recurrence::EveryNMonths {
            every: 6,
            anchor: date(2026, 3, 15),
        };
        assert_eq!(
            serde_json::to_string(&six).unwrap(),
            r#"{"kind":"every_n_months","every":6,"anchor":"2026-03-15"}"#
        );
        let three = Recurrence::EveryNWeeks {
            every: 3,
            anchor: date(2026, 3, 6),
        };
        assert_eq!(
            serde_json::to_string(&three).unwrap(),
            r#"{"kind":"every_n_weeks","every":3,"anchor":"2026-03-06"}"#
        );
        let error = |json: &str| {
            serde_json::from_str::<Recurrence>(json)
                .unwrap_err()
                .to_string()
        };
        assert!(
            error(r#"{"kind":"every_n_months","anchor":"2026-03-15"}"#)
                .starts_with("missing field `every`")
        );
        assert!(
            error(r#"{"kind":"every_n_weeks","every":2}"#).starts_with("missing field `anchor`")
        );
        assert!(
            error(r#"{"kind":"every_n_months","every":6,"anchor":"2026-03-15","day":15}"#)
                .starts_with("unknown field `day`, expected `every` or `anchor`")
        );
        assert!(
            error(r#"{"kind":"monthly","day":1,"every":2}"#)
                .starts_with("unknown field `every`, expected `day`")
        );
        // Beyond a u8 is a parse error; 0 and 13–255 reach validation as field errors.
        assert!(
            serde_json::from_str::<Recurrence>(
                r#"{"kind":"every_n_weeks","every":256,"anchor":"2026-03-06"}"#
            )
            .is_err()
        );
    }

    #[test]
    fn every_n_months_and_weeks_outside_their_ranges_are_field_errors() {
        for (json, message) in [
            (
                r#"{"kind":"every_n_months","every":0,"anchor":"2026-03-15"}"#,
                "must be 1–12 months",
            ),
            (
                r#"{"kind":"every_n_months","every":13,"anchor":"2026-03-15"}"#,
                "must be 1–12 months",
            ),
            (
                r#"{"kind":"every_n_weeks","every":0,"anchor":"2026-03-06"}"#,
                "must be 1–52 weeks",
            ),
            (
                r#"{"kind":"every_n_weeks","every":53,"anchor":"2026-03-06"}"#,
                "must be 1–52 weeks",
            ),
        ] {
            let e = create(&format!(
                r#"{{"name":"Car","amount":1,"recurrence":{json}}}"#
            ))
            .unwrap_err();
            assert_eq!(e.get("recurrence.every"), Some(message), "{json}");
        }
        for json in [
            r#"{"kind":"every_n_months","every":1,"anchor":"2026-03-15"}"#,
            r#"{"kind":"every_n_months","every":12,"anchor":"2026-03-15"}"#,
            r#"{"kind":"every_n_weeks","every":1,"anchor":"2026-03-06"}"#,
            r#"{"kind":"every_n_weeks","every":52,"anchor":"2026-03-06"}"#,
        ] {
            assert!(
                create(&format!(
                    r#"{{"name":"Car","amount":1,"recurrence":{json}}}"#
                ))
                .is_ok(),
                "{json}"
            );
        }
    }

    #[test]
    fn car_insurance_every_six_months_falls_on_the_anchor_day_before_and_after_it() {
        let bill = create(
            r#"{"name":"Car insurance","amount":45000,"recurrence":{"kind":"every_n_months","every":6,"anchor":"2026-03-15"}}"#,
        )
        .unwrap();
        assert_eq!(
            bill.next_occurrences(date(2025, 10, 1), 4),
            [
                date(2026, 3, 15),
                date(2026, 9, 15),
                date(2027, 3, 15),
                date(2027, 9, 15)
            ]
        );
        assert!(bill.occurs_on(date(2025, 9, 15)));
        assert!(bill.recurrence.is_smoothed());
    }

    #[test]
    fn every_n_months_from_the_31st_falls_on_the_month_end_and_comes_back_to_the_31st() {
        let bill = create(
            r#"{"name":"Water","amount":1,"recurrence":{"kind":"every_n_months","every":2,"anchor":"2025-12-31"}}"#,
        )
        .unwrap();
        assert_eq!(
            bill.next_occurrences(date(2025, 12, 1), 4),
            [
                date(2025, 12, 31),
                date(2026, 2, 28),
                date(2026, 4, 30),
                date(2026, 6, 30)
            ]
        );
        assert_eq!(
            bill.next_occurrences(date(2026, 7, 1), 1),
            [date(2026, 8, 31)]
        );
    }

    #[test]
    fn every_three_weeks_keeps_the_anchor_weekday() {
        let bill = create(
            r#"{"name":"Haircut","amount":1,"recurrence":{"kind":"every_n_weeks","every":3,"anchor":"2026-03-06"}}"#,
        )
        .unwrap();
        assert_eq!(
            bill.next_occurrences(date(2026, 2, 1), 3),
            [date(2026, 2, 13), date(2026, 3, 6), date(2026, 3, 27)]
        );
        assert!(!bill.recurrence.is_smoothed());
    }

    #[test]
    fn patch_switches_a_bill_to_every_n_months_and_validates_it() {
        let bill = create(r#"{"name":"Rent","amount":1,"recurrence":{"kind":"monthly","day":1}}"#)
            .unwrap();
        let patch: UpdateBill = serde_json::from_str(
            r#"{"recurrence":{"kind":"every_n_months","every":6,"anchor":"2026-03-15"}}"#,
        )
        .unwrap();
        assert_eq!(
            patch.apply(&bill, now()).unwrap().recurrence,
            Recurrence::EveryNMonths {
                every: 6,
                anchor: date(2026, 3, 15)
            }
        );
        let patch: UpdateBill = serde_json::from_str(
            r#"{"recurrence":{"kind":"every_n_weeks","every":60,"anchor":"2026-03-15"}}"#,
        )
        .unwrap();
        assert!(
            patch
                .apply(&bill, now())
                .unwrap_err()
                .get("recurrence.every")
                .is_some()
        );
        // Request anchors are strict dates, as for the other kinds.
        assert!(
            serde_json::from_str::<UpdateBill>(
                r#"{"recurrence":{"kind":"every_n_weeks","every":2,"anchor":"2026-02-30"}}"#
            )
            .is_err()
        );
    }
}

//! Payday overrides: one paycheck of a schedule paid a different amount (overtime, a short check) or skipped.
//!
//! Overrides live inside their [`PaySchedule`] record (`payday_overrides`), so they are stored, exported and
//! deleted with it by every store backend, and one can never outlive its schedule. A payday without an override
//! pays the schedule's `amount`; "un-overriding" deletes the override.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{PaySchedule, check_amount};
use crate::{FieldErrors, Money};

/// Most overrides one schedule keeps (about two years of bi-weekly pay); delete old ones to add more.
pub const MAX_PAYDAY_OVERRIDES: usize = 60;

/// What an override does to its payday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PaydayStatus {
    /// Paid `amount` instead of the schedule's amount.
    Changed,
    /// No paycheck that day: it is not a payday at all (no period starts there, no income, no reserve share).
    Skipped,
}

/// One payday of a schedule paid differently (stored inside the schedule).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaydayOverride {
    /// The payday, after the weekend rule (the date the summary shows).
    pub date: NaiveDate,
    pub status: PaydayStatus,
    /// The amount paid that day (only with `changed`).
    pub amount: Option<Money>,
    pub updated_at: DateTime<Utc>,
}

/// `PUT /api/v1/pay-schedules/{id}/paydays/{date}` body: `{"amount": 123400}` or `{"status": "skipped"}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MarkPayday {
    /// `changed` (the default when `amount` is sent) or `skipped`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<PaydayStatus>,
    /// What this paycheck pays (> 0); required unless skipped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Money>,
    /// The schedule's `version` the caller last saw: when sent (or as `If-Match`), a schedule changed since —
    /// e.g. this payday changed in another window — is a 409 instead of being overwritten.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u64>,
}

impl MarkPayday {
    /// Validates the override against `schedule`: `date` must be one of its paydays, `amount` is required with
    /// `changed` and refused with `skipped`.
    pub fn into_override(
        self,
        schedule: &PaySchedule,
        date: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<PaydayOverride, FieldErrors> {
        let mut errors = FieldErrors::new();
        let status = self.status.unwrap_or(PaydayStatus::Changed);
        match (status, self.amount) {
            (PaydayStatus::Changed, Some(amount)) => check_amount(&mut errors, "amount", amount, 1),
            (PaydayStatus::Changed, None) => {
                errors.add("amount", "is required unless status is skipped")
            }
            (PaydayStatus::Skipped, Some(_)) => {
                errors.add("amount", "is not allowed when status is skipped")
            }
            (PaydayStatus::Skipped, None) => {}
        }
        if !schedule.pays_on(date) {
            errors.add("date", format!("{date} is not a payday of this schedule"));
        }
        errors.into_result(PaydayOverride {
            date,
            status,
            amount: self.amount,
            updated_at: now,
        })
    }
}

impl PaySchedule {
    /// `true` when the schedule (after its weekend rule, before overrides) pays on `date`.
    pub fn pays_on(&self, date: NaiveDate) -> bool {
        self.paydays_from(date).next() == Some(date)
    }

    /// The schedule with `over` set (replacing one on the same date), overrides kept in date order. Refused with a
    /// field error past [`MAX_PAYDAY_OVERRIDES`].
    pub fn with_override(&self, over: PaydayOverride) -> Result<PaySchedule, FieldErrors> {
        let mut next = self.clone();
        let overrides = &mut next.payday_overrides;
        match overrides.iter().position(|o| o.date == over.date) {
            Some(found) => overrides[found] = over,
            None if overrides.len() >= MAX_PAYDAY_OVERRIDES => {
                let mut errors = FieldErrors::new();
                errors.add(
                    "date",
                    format!(
                        "a schedule keeps at most {MAX_PAYDAY_OVERRIDES} changed paydays; delete an old one first"
                    ),
                );
                return Err(errors);
            }
            None => {
                let at = overrides.partition_point(|o| o.date < over.date);
                overrides.insert(at, over);
            }
        }
        Ok(next)
    }

    /// The schedule without the override on `date`; `None` if there was none.
    pub fn without_override(&self, date: NaiveDate) -> Option<PaySchedule> {
        let found = self.payday_overrides.iter().position(|o| o.date == date)?;
        let mut next = self.clone();
        next.payday_overrides.remove(found);
        Some(next)
    }

    /// Paychecks `(date, amount)` on or after `from`, overrides applied: a skipped payday is left out, a changed
    /// one pays its amount. An override on a date that is not (or no longer) a payday is never looked up.
    pub(crate) fn paychecks_from(
        &self,
        from: NaiveDate,
    ) -> impl Iterator<Item = (NaiveDate, Money)> + use<'_> {
        self.paydays_from(from).filter_map(move |date| {
            // At most MAX_PAYDAY_OVERRIDES entries: a scan is as quick as a search and needs no order.
            match self.payday_overrides.iter().find(|o| o.date == date) {
                None => Some((date, self.amount)),
                Some(over) => match over.status {
                    PaydayStatus::Skipped => None,
                    PaydayStatus::Changed => Some((date, over.amount.unwrap_or(self.amount))),
                },
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::budget::CreatePaySchedule;
    use uuid::Uuid;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2025-11-21T10:00:00Z")
            .unwrap()
            .to_utc()
    }

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    /// Bi-weekly Fridays from 2025-11-14.
    fn salary() -> PaySchedule {
        serde_json::from_str::<CreatePaySchedule>(
            r#"{"name":"Salary","amount":200000,"frequency":"biweekly","anchor_date":"2025-11-14"}"#,
        )
        .unwrap()
        .into_record(Uuid::nil(), now())
        .unwrap()
    }

    fn mark(json: &str, on: &str) -> Result<PaydayOverride, FieldErrors> {
        serde_json::from_str::<MarkPayday>(json)
            .unwrap()
            .into_override(&salary(), date(on), now())
    }

    #[test]
    fn an_amount_alone_changes_the_payday_and_skipped_needs_no_amount() {
        let changed = mark(r#"{"amount":123400}"#, "2025-11-28").unwrap();
        assert_eq!(
            (changed.status, changed.amount),
            (PaydayStatus::Changed, Some(123400))
        );
        let skipped = mark(r#"{"status":"skipped"}"#, "2025-11-28").unwrap();
        assert_eq!(
            (skipped.status, skipped.amount),
            (PaydayStatus::Skipped, None)
        );
    }

    #[test]
    fn an_override_needs_a_real_payday_and_an_amount_only_when_changed() {
        let e = mark(r#"{"status":"skipped","amount":1}"#, "2025-11-27").unwrap_err();
        assert_eq!(
            e.get("amount"),
            Some("is not allowed when status is skipped")
        );
        assert_eq!(
            e.get("date"),
            Some("2025-11-27 is not a payday of this schedule")
        );
        let e = mark("{}", "2025-11-28").unwrap_err();
        assert_eq!(
            e.get("amount"),
            Some("is required unless status is skipped")
        );
        assert!(mark(r#"{"amount":0}"#, "2025-11-28").is_err());
        assert!(serde_json::from_str::<MarkPayday>(r#"{"amount":1,"note":"x"}"#).is_err());
    }

    #[test]
    fn overrides_replace_by_date_stay_in_order_and_stop_at_the_limit() {
        let pay = |on: &str| mark(r#"{"amount":5}"#, on).unwrap();
        let schedule = salary()
            .with_override(pay("2025-12-12"))
            .unwrap()
            .with_override(pay("2025-11-28"))
            .unwrap()
            .with_override(mark(r#"{"status":"skipped"}"#, "2025-12-12").unwrap())
            .unwrap();
        let dates: Vec<_> = schedule.payday_overrides.iter().map(|o| o.date).collect();
        assert_eq!(dates, [date("2025-11-28"), date("2025-12-12")]);
        assert_eq!(schedule.payday_overrides[1].status, PaydayStatus::Skipped);
        let paychecks: Vec<_> = schedule
            .paychecks_from(date("2025-11-20"))
            .take(3)
            .collect();
        assert_eq!(
            paychecks,
            [
                (date("2025-11-28"), 5),
                (date("2025-12-26"), 200000),
                (date("2026-01-09"), 200000)
            ]
        );
        let restored = schedule.without_override(date("2025-12-12")).unwrap();
        assert_eq!(restored.payday_overrides.len(), 1);
        assert!(restored.without_override(date("2025-12-12")).is_none());

        let mut full = salary();
        for on in salary().next_paydays(date("2025-11-20"), MAX_PAYDAY_OVERRIDES) {
            full = full.with_override(pay(&on.to_string())).unwrap();
        }
        let next = salary().next_paydays(date("2025-11-20"), MAX_PAYDAY_OVERRIDES + 1)
            [MAX_PAYDAY_OVERRIDES];
        assert!(full.with_override(pay(&next.to_string())).is_err());
        assert!(
            full.with_override(pay("2025-11-28")).is_ok(),
            "replacing is always allowed"
        );
    }

    #[test]
    fn schedules_saved_before_overrides_existed_still_read() {
        let mut json = serde_json::to_value(salary()).unwrap();
        json.as_object_mut().unwrap().remove("payday_overrides");
        let schedule: PaySchedule = serde_json::from_value(json).unwrap();
        assert!(schedule.payday_overrides.is_empty());
    }
}

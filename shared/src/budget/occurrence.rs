//! Occurrence marks: a bill's due date recorded as paid (optionally with the amount actually paid) or skipped.
//! An occurrence without a mark is simply due; "unmarking" deletes the mark.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Bill, check_amount};
use crate::{FieldErrors, Money};

/// Where one occurrence of a bill stands. Marks only ever store `paid` or `skipped`; `due` is what the summary shows
/// for an unmarked occurrence.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OccurrenceStatus {
    #[default]
    Due,
    Paid,
    Skipped,
}

/// A stored mark on one occurrence (bill id + due date).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OccurrenceMark {
    pub bill_id: Uuid,
    pub due_on: NaiveDate,
    /// `paid` or `skipped`.
    pub status: OccurrenceStatus,
    /// What was actually paid, when it differed from the bill's amount (only with `paid`).
    pub amount_paid: Option<Money>,
    pub updated_at: DateTime<Utc>,
}

/// `PUT /api/v1/bills/{id}/occurrences/{due_on}` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MarkOccurrence {
    /// `paid` or `skipped` (delete the mark to make the occurrence due again).
    pub status: OccurrenceStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_paid: Option<Money>,
}

impl MarkOccurrence {
    /// Validates the mark against `bill`: status must be `paid` or `skipped`, `amount_paid` only with `paid` and
    /// within `0..=MAX_AMOUNT`, and `due_on` must be one of the bill's due dates.
    pub fn into_mark(
        self,
        bill: &Bill,
        due_on: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<OccurrenceMark, FieldErrors> {
        let mut errors = FieldErrors::new();
        if self.status == OccurrenceStatus::Due {
            errors.add(
                "status",
                "must be paid or skipped (delete the mark to make it due again)",
            );
        }
        if let Some(amount) = self.amount_paid {
            if self.status == OccurrenceStatus::Paid {
                check_amount(&mut errors, "amount_paid", amount, 0);
            } else {
                errors.add("amount_paid", "is only allowed when status is paid");
            }
        }
        if !bill.occurs_on(due_on) {
            errors.add("due_on", format!("{due_on} is not a due date of this bill"));
        }
        errors.into_result(OccurrenceMark {
            bill_id: bill.id,
            due_on,
            status: self.status,
            amount_paid: self.amount_paid,
            updated_at: now,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::budget::CreateBill;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2025-11-21T10:00:00Z")
            .unwrap()
            .to_utc()
    }

    fn rent() -> Bill {
        serde_json::from_str::<CreateBill>(
            r#"{"name":"Rent","amount":100000,"recurrence":{"kind":"monthly","day":1}}"#,
        )
        .unwrap()
        .into_record(Uuid::nil(), now())
        .unwrap()
    }

    fn mark(json: &str, due_on: &str) -> Result<OccurrenceMark, FieldErrors> {
        serde_json::from_str::<MarkOccurrence>(json)
            .unwrap()
            .into_mark(&rent(), due_on.parse().unwrap(), now())
    }

    #[test]
    fn marking_a_real_occurrence_paid_keeps_the_amount_paid() {
        let m = mark(r#"{"status":"paid","amount_paid":95000}"#, "2025-12-01").unwrap();
        assert_eq!(
            (m.status, m.amount_paid),
            (OccurrenceStatus::Paid, Some(95000))
        );
    }

    #[test]
    fn marking_rejects_due_status_negative_amounts_and_non_occurrences() {
        let e = mark(r#"{"status":"due","amount_paid":-1}"#, "2025-12-02").unwrap_err();
        assert!(e.get("status").is_some());
        assert!(e.get("amount_paid").is_some());
        assert_eq!(
            e.get("due_on"),
            Some("2025-12-02 is not a due date of this bill")
        );
        let e = mark(r#"{"status":"skipped","amount_paid":1}"#, "2025-12-01").unwrap_err();
        assert_eq!(
            e.get("amount_paid"),
            Some("is only allowed when status is paid")
        );
        assert!(serde_json::from_str::<MarkOccurrence>(r#"{"status":"paid","note":"x"}"#).is_err());
    }
}

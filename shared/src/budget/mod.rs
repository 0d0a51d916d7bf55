//! Budget: pay schedules, bills, occurrence marks, settings — and the pure engine that turns them into pay periods
//! and a "set aside now" figure.
//!
//! Dependency rule: like the rest of `shared`, nothing here does I/O or reads a clock. "Today" (`as_of`) and
//! "now" (timestamps) are always inputs, so the browser and the server compute identical results.
//!
//! Layout: [`calendar`] (day-of-month and weekend arithmetic), [`currency`] (ISO 4217 table), [`schedule`] (pay
//! schedules and their paydays), [`bill`] (bills and their due dates), [`occurrence`] (paid / skipped marks),
//! [`settings`] (currency, time zone, balance) and [`engine`] ([`summarize`]). `docs/budget.md` explains the
//! set-aside number with a worked example.

pub mod bill;
pub mod calendar;
pub mod currency;
pub mod engine;
pub mod holidays;
pub mod occurrence;
pub mod payday;
pub mod schedule;
pub mod settings;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

pub use bill::{Bill, CreateBill, Recurrence, UpdateBill};
pub use calendar::DayOfMonth;
pub use currency::{is_currency, minor_units};
pub use engine::{BalanceNow, PaidBill, SafeToSpend, SafeToSpendMissing};
pub use engine::{
    BalancePoint, BillDue, BudgetSummary, DEFAULT_PERIODS, MAX_PERIODS, OVERDUE_DAYS, Paycheck,
    Period, Reserve, SummaryInput, summarize,
};
pub use holidays::HolidayCalendar;
pub use occurrence::{MarkOccurrence, OccurrenceMark, OccurrenceStatus};
pub use payday::{MAX_PAYDAY_OVERRIDES, MarkPayday, PaydayOverride, PaydayStatus};
pub use schedule::{CreatePaySchedule, Frequency, PaySchedule, UpdatePaySchedule, WeekendRule};
pub use settings::{Settings, UpdateSettings};

use crate::Money;

/// The largest amount (in minor units) any single money field accepts: 10^12, i.e. ten billion dollars in cents.
/// Capping inputs keeps every sum the engine computes far away from `i64` overflow.
pub const MAX_AMOUNT: Money = 1_000_000_000_000;

/// Longest bill or schedule name, in characters (after trimming).
pub const NAME_MAX: usize = 100;

/// Longest bill category, in characters (after trimming).
pub const CATEGORY_MAX: usize = 50;

/// The budget half of `GET /api/v1/export`: every budget record the user owns.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BudgetExport {
    /// `None` when the user never saved settings.
    pub settings: Option<Settings>,
    pub pay_schedules: Vec<PaySchedule>,
    pub bills: Vec<Bill>,
    /// Every paid / skipped mark (unmarked occurrences are simply due and are not stored).
    pub occurrences: Vec<OccurrenceMark>,
}

/// Records a field error unless `amount` is within `min..=MAX_AMOUNT`.
pub(crate) fn check_amount(
    errors: &mut crate::FieldErrors,
    field: &str,
    amount: Money,
    min: Money,
) {
    if amount < min {
        if min == 0 {
            errors.add(field, "must not be negative");
        } else {
            errors.add(field, "must be greater than 0");
        }
    } else if amount > MAX_AMOUNT {
        errors.add(field, format!("must be at most {MAX_AMOUNT}"));
    }
}

//! The set-aside engine: splits the days from `as_of` into pay periods and says what each period must cover.
//!
//! Pure and deterministic: no I/O, no clock, no allocation per day of the horizon. `docs/budget.md` walks through
//! the arithmetic with a worked example.
//!
//! Rules, in one place:
//! - Paydays are the union of every schedule's paydays after its weekend rule. `p1` is the first payday strictly
//!   after `as_of`; periods are half-open: `[as_of, p1)`, `[p1, p2)`, … — `periods` of them in all (the current one
//!   included), clamped to `1..=MAX_PERIODS`. A bill due on a payday belongs to the period that starts that day.
//! - A period's income is the paychecks dated on its start (so the current period's income is the pay on `as_of`
//!   if `as_of` is a payday, else 0). `committed` sums the occurrences still due (not paid, not skipped — a paid
//!   occurrence never counts, whatever `amount_paid` says). `left_over = income − committed`, negative allowed.
//! - Payday overrides (inside each schedule): a skipped payday is not a payday (no period starts there and it
//!   takes no reserve share); a changed one pays its own amount.
//! - With no (usable) pay schedule there is no payday: `next_payday` is `None` and there is a single period
//!   `[as_of, as_of + 1 month)` with no income.
//! - With a balance: the projection starts from `balance.now` (see "Dated balance" below), the balance at the start
//!   of `as_of`, before anything dated `as_of`. Each day with events adds its paychecks and subtracts its still-due
//!   bills (and those paid ahead); `projected_balance` has one point for `as_of` and one per later day with events
//!   (the end-of-day balance; the balance is flat between points), and `lowest_balance` is the lowest of them (the
//!   earliest on a tie). Overdue bills are paid out on `as_of`.
//! - Overdue: an occurrence in the [`OVERDUE_DAYS`] before `as_of` that is unmarked, of a bill that is not on
//!   autopay and already existed that day (created on or before it, in the user's time zone), is still owed: it is listed first in the
//!   current period and counted in its `committed`, so in `set_aside_now`. Marking it paid or skipped clears it.
//! - Reserves: each quarterly or yearly bill's next still-due occurrence on or after `as_of` (looked up beyond the
//!   horizon if need be) is spread over the paydays in `[as_of, due_on)`, rounded up so it is covered in time.
//!   Reserves are advice shown beside the periods and are never added to `committed`.
//! - Dated balance: the balance is stated as of the start of `balance_on` (`None`, or a date after `as_of`, reads
//!   as `as_of`). Occurrences marked paid and due in `[balance_on, as_of]` left the account after it was stated:
//!   they are taken off it (`amount_paid` when recorded, else the bill's amount), giving `balance.now`, where the
//!   projection starts. An occurrence marked paid but due after `as_of` (paid ahead) still leaves the projection on
//!   its due date, so every paid occurrence on or after `balance_on` is subtracted exactly once and ticking a bill
//!   paid never raises the projection.
//! - Safe to spend until the next payday = `balance.now` − the current period's `committed` (overdue included)
//!   − the `per_paycheck` of every reserve due on or after the next payday. `None` with the reasons when there is
//!   no balance or no payday.

use std::cmp::Ordering;

use chrono::{FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::calendar::add_months;
use super::{Bill, OccurrenceMark, OccurrenceStatus, PaySchedule};
use crate::Money;

/// The most pay periods a summary covers (about a year of bi-weekly pay).
pub const MAX_PERIODS: u32 = 26;
/// Pay periods shown when the caller does not ask for a number.
pub const DEFAULT_PERIODS: u32 = 3;

/// Everything [`summarize`] needs, borrowed from the caller.
#[derive(Debug, Clone, Copy)]
pub struct SummaryInput<'a> {
    /// "Today" in the user's time zone.
    pub as_of: NaiveDate,
    /// The user's time zone's offset from UTC today: the day a bill was added (its `created_at`) is read in it.
    pub utc_offset: FixedOffset,
    /// Number of periods including the current one; clamped to `1..=MAX_PERIODS`.
    pub periods: u32,
    pub currency: &'a str,
    pub schedules: &'a [PaySchedule],
    pub bills: &'a [Bill],
    pub marks: &'a [OccurrenceMark],
    /// The current balance; `None` skips the projection.
    pub balance: Option<Money>,
    /// The day `balance` was stated (its start); `None` reads as `as_of`. See [`BalanceNow`].
    pub balance_on: Option<NaiveDate>,
}

/// `GET /api/v1/budget/summary` response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BudgetSummary {
    pub as_of: NaiveDate,
    pub currency: String,
    /// The first payday strictly after `as_of`; `None` without pay schedules.
    pub next_payday: Option<NaiveDate>,
    /// What to keep back now: the current period's `committed`.
    pub set_aside_now: Money,
    pub periods: Vec<Period>,
    /// The lowest end-of-day projected balance over the horizon; only when a balance is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lowest_balance: Option<BalancePoint>,
    /// End-of-day balance on `as_of` and on every later day where something is paid in or due; empty without a
    /// balance. The balance is unchanged between consecutive points.
    #[serde(default)]
    pub projected_balance: Vec<BalancePoint>,
    /// Per-paycheck reserves for quarterly and yearly bills; never included in `committed`.
    #[serde(default)]
    pub reserves: Vec<Reserve>,
    /// The stated balance, the bills paid since it was stated, and the balance now; only when a balance is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance: Option<BalanceNow>,
    /// What can be spent before the next payday, with its parts (or what is missing to say it).
    #[serde(default)]
    pub safe_to_spend: SafeToSpend,
}

/// The balance now: "$820 on 4 Dec − Credit card $45 paid = $775".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BalanceNow {
    /// The balance the user stated (`current_balance`).
    pub stated: Money,
    /// The day it was stated (`balance_on`; `as_of` for balances saved without a date or dated after `as_of`). It
    /// counts as the balance at the start of that day.
    pub stated_on: NaiveDate,
    /// Occurrences marked paid and due in `[stated_on, as_of]`, by due date then name: they left the account after
    /// the balance was stated.
    pub paid_since: Vec<PaidBill>,
    /// `stated − Σ paid_since.amount`: the balance at the start of `as_of`, where the projection starts.
    pub now: Money,
}

/// An occurrence marked paid, taken off the stated balance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaidBill {
    pub bill_id: Uuid,
    pub name: String,
    pub due_on: NaiveDate,
    /// The mark's `amount_paid` when it has one, else the bill's amount.
    pub amount: Money,
}

/// Safe to spend until the next payday: `balance_now + pay_today − bills_due − paid_ahead − reserved`, which may be
/// negative. It is what the projection says is left the day before payday, less the reserve share.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SafeToSpend {
    /// `None` when something in `missing` is needed to say it.
    pub amount: Option<Money>,
    /// What to add before there is a number (empty when `amount` is set).
    #[serde(default)]
    pub missing: Vec<SafeToSpendMissing>,
    /// The next payday (exclusive end of "until payday"); `None` without a pay schedule.
    pub until: Option<NaiveDate>,
    /// `balance.now`; `None` without a balance.
    pub balance_now: Option<Money>,
    /// Bills still due before `until`, overdue ones included: the current period's `committed` (= `set_aside_now`).
    /// 0 without a payday.
    pub bills_due: Money,
    /// This paycheck's share of the reserves: the `per_paycheck` of every reserve due on or after `until`
    /// (a reserve due sooner is already in `bills_due`). 0 without a payday.
    pub reserved: Money,
    /// Pay dated `as_of` itself: the balance is the start of the day, so today's paycheck is still to come (the
    /// projection adds it too). 0 when today is not a payday.
    #[serde(default)]
    pub pay_today: Money,
    /// Bills due after `as_of` and before `until` that are already ticked paid: not in `balance_now` yet, they
    /// leave it on their due date (docs/budget.md rule 12), so they are not free to spend either.
    #[serde(default)]
    pub paid_ahead: Money,
}

/// Why safe-to-spend has no number; the UI words it ("Add your balance to see…").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SafeToSpendMissing {
    /// No `current_balance` in the settings.
    NoBalance,
    /// No pay schedule (or none with a payday), so there is no "until payday".
    NoPaySchedule,
}

/// One pay period `[start, end)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Period {
    pub start: NaiveDate,
    /// Exclusive: the next period's start.
    pub end: NaiveDate,
    /// Sum of `paychecks`.
    pub income: Money,
    /// Paychecks dated `start`.
    pub paychecks: Vec<Paycheck>,
    /// Bill occurrences due in `[start, end)`, by due date then name. The current period lists the overdue ones
    /// (unpaid, from the 31 days before `as_of`; see docs/budget.md) first, dated before its start.
    pub bills: Vec<BillDue>,
    /// Sum of the `bills` still `due`.
    pub committed: Money,
    /// `income − committed`; negative when the period's pay does not cover its bills.
    pub left_over: Money,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Paycheck {
    pub schedule_id: Uuid,
    pub name: String,
    pub date: NaiveDate,
    pub amount: Money,
}

/// One occurrence of a bill inside a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BillDue {
    pub bill_id: Uuid,
    pub name: String,
    pub due_on: NaiveDate,
    /// The bill's amount (what is committed while `due`).
    pub amount: Money,
    pub status: OccurrenceStatus,
    /// From a `paid` mark, when the amount actually paid was recorded.
    pub amount_paid: Option<Money>,
    pub autopay: bool,
    pub category: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BalancePoint {
    pub date: NaiveDate,
    pub balance: Money,
}

/// How much to put aside from each paycheck so a quarterly or yearly bill is covered when due.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reserve {
    pub bill_id: Uuid,
    pub name: String,
    /// The next occurrence on or after `as_of` that is still due, or ticked paid ahead of its date (after `as_of`:
    /// still in the balance until it falls due, docs/budget.md rule 9).
    pub due_on: NaiveDate,
    /// The bill's amount, or the amount recorded as paid for an occurrence ticked paid ahead.
    pub amount: Money,
    /// `ceil(amount / paychecks_until_due)`, or the whole amount when no payday comes first.
    pub per_paycheck: Money,
    /// Paydays in `[as_of, due_on)` (a date on which several schedules pay counts once).
    pub paychecks_until_due: u32,
}

/// How far back an unmarked occurrence still counts as owed (overdue). Older ones are taken as settled: without a
/// limit, someone who never ticks bills paid would see every past occurrence pile up.
pub const OVERDUE_DAYS: i64 = 31;

/// How far past `as_of` reserves look for a still-due occurrence (a yearly bill marked paid ahead of time).
const RESERVE_LOOKAHEAD: usize = 4;

/// Computes the pay periods, what each must cover, the balance projection and the reserves. See the module docs.
pub fn summarize(input: &SummaryInput) -> BudgetSummary {
    let as_of = input.as_of;
    let wanted = input.periods.clamp(1, MAX_PERIODS) as usize;

    let pays = collect_paychecks(input.schedules, as_of, wanted);
    // p1, p2, …: the first `wanted` distinct paydays strictly after `as_of`.
    let mut paydays: Vec<NaiveDate> = Vec::with_capacity(wanted);
    for (date, _, _) in &pays {
        if *date > as_of && paydays.last() != Some(date) {
            paydays.push(*date);
            if paydays.len() == wanted {
                break;
            }
        }
    }
    let next_payday = paydays.first().copied();
    // No payday at all: a single period of one calendar month.
    let end = match paydays.last() {
        Some(last) => *last,
        None => add_months(as_of, 1).unwrap_or(NaiveDate::MAX),
    };
    let mut starts = vec![as_of];
    starts.extend_from_slice(&paydays[..paydays.len().saturating_sub(1)]);
    let period_of = |date: NaiveDate| starts.partition_point(|s| *s <= date) - 1;

    let mut periods: Vec<Period> = starts
        .iter()
        .enumerate()
        .map(|(i, start)| Period {
            start: *start,
            end: starts.get(i + 1).copied().unwrap_or(end),
            income: 0,
            paychecks: Vec::new(),
            bills: Vec::new(),
            committed: 0,
            left_over: 0,
        })
        .collect();

    for (date, schedule, amount) in pays.iter().filter(|(d, _, _)| *d < end) {
        let schedule = &input.schedules[*schedule];
        let period = &mut periods[period_of(*date)];
        // Paychecks land only on period starts: every payday after `as_of` starts a period.
        period.income = period.income.saturating_add(*amount);
        period.paychecks.push(Paycheck {
            schedule_id: schedule.id,
            name: schedule.name.clone(),
            date: *date,
            amount: *amount,
        });
    }

    let marks = Marks::new(input.bills, input.marks);
    let dues = collect_dues(input.bills, &marks, as_of, end);
    // `dues` is sorted by date, so one forward cursor assigns periods; sizing each list first avoids regrowth.
    let mut counts = vec![0usize; periods.len()];
    let mut index = 0;
    for due in &dues {
        while due.date >= periods[index].end {
            index += 1;
        }
        counts[index] += 1;
    }
    for (period, count) in periods.iter_mut().zip(counts) {
        period.bills.reserve_exact(count);
    }
    let mut index = 0;
    for due in &dues {
        while due.date >= periods[index].end {
            index += 1;
        }
        let period = &mut periods[index];
        if due.status == OccurrenceStatus::Due {
            period.committed = period
                .committed
                .saturating_add(input.bills[due.bill].amount);
        }
        period.bills.push(bill_due(input.bills, due));
    }
    // Still owed from before `as_of`: first in the current period, and part of what to set aside now.
    let overdue = collect_overdue(input.bills, &marks, as_of, input.utc_offset);
    if !overdue.is_empty() {
        let current = &mut periods[0];
        let mut bills = Vec::with_capacity(overdue.len() + current.bills.len());
        for due in &overdue {
            current.committed = current
                .committed
                .saturating_add(input.bills[due.bill].amount);
            bills.push(bill_due(input.bills, due));
        }
        bills.append(&mut current.bills);
        current.bills = bills;
    }
    for period in &mut periods {
        period.left_over = period.income.saturating_sub(period.committed);
    }

    let balance = input
        .balance
        .map(|stated| balance_now(input, &marks, stated));
    let (projected_balance, lowest_balance) = match &balance {
        Some(balance) => project(balance, as_of, &periods),
        None => (Vec::new(), None),
    };
    let reserves = reserves(input, &marks);
    let safe_to_spend = safe_to_spend(
        balance.as_ref().map(|b| b.now),
        next_payday,
        &periods[0],
        as_of,
        &reserves,
    );

    BudgetSummary {
        as_of,
        currency: input.currency.to_owned(),
        next_payday,
        set_aside_now: periods[0].committed,
        reserves,
        periods,
        lowest_balance,
        projected_balance,
        balance,
        safe_to_spend,
    }
}

/// The stated balance less the occurrences marked paid in `[stated_on, as_of]` (see the module docs).
fn balance_now(input: &SummaryInput, marks: &Marks, stated: Money) -> BalanceNow {
    let as_of = input.as_of;
    // A summary asked for a day before the balance was stated reads it as that day's, as undated balances are.
    let stated_on = input.balance_on.unwrap_or(as_of).min(as_of);
    let mut paid: Vec<(NaiveDate, usize, Money)> = marks
        .0
        .iter()
        .filter(|(bill, date, mark)| {
            mark.status == OccurrenceStatus::Paid
                && (stated_on..=as_of).contains(date)
                && input.bills[*bill].occurs_on(*date)
        })
        .map(|(bill, date, mark)| {
            (
                *date,
                *bill,
                mark.amount_paid.unwrap_or(input.bills[*bill].amount),
            )
        })
        .collect();
    paid.sort_by(|(da, a, _), (db, b, _)| {
        da.cmp(db)
            .then_with(|| by_name(&input.bills[*a], &input.bills[*b]))
    });
    let now = paid.iter().fold(stated, |balance, (_, _, amount)| {
        balance.saturating_sub(*amount)
    });
    BalanceNow {
        stated,
        stated_on,
        paid_since: paid
            .into_iter()
            .map(|(due_on, bill, amount)| PaidBill {
                bill_id: input.bills[bill].id,
                name: input.bills[bill].name.clone(),
                due_on,
                amount,
            })
            .collect(),
        now,
    }
}

/// Safe to spend until `next_payday`: the balance now and today's pay, less what leaves before payday (bills still
/// due and bills ticked paid ahead), less this paycheck's share of the reserves due later.
fn safe_to_spend(
    balance_now: Option<Money>,
    next_payday: Option<NaiveDate>,
    current: &Period,
    as_of: NaiveDate,
    reserves: &[Reserve],
) -> SafeToSpend {
    let mut missing = Vec::new();
    if balance_now.is_none() {
        missing.push(SafeToSpendMissing::NoBalance);
    }
    let Some(until) = next_payday else {
        missing.push(SafeToSpendMissing::NoPaySchedule);
        return SafeToSpend {
            amount: None,
            missing,
            until: None,
            balance_now,
            ..SafeToSpend::default()
        };
    };
    let reserved = reserves
        .iter()
        .filter(|r| r.due_on >= until)
        .fold(0, |sum: Money, r| sum.saturating_add(r.per_paycheck));
    let pay_today = current
        .paychecks
        .iter()
        .filter(|pay| pay.date == as_of)
        .fold(0, |sum: Money, pay| sum.saturating_add(pay.amount));
    let paid_ahead = current
        .bills
        .iter()
        .filter(|bill| bill.status == OccurrenceStatus::Paid && bill.due_on > as_of)
        .fold(0, |sum: Money, bill| {
            sum.saturating_add(bill.amount_paid.unwrap_or(bill.amount))
        });
    let bills_due = current.committed;
    SafeToSpend {
        amount: balance_now.map(|now| {
            now.saturating_add(pay_today)
                .saturating_sub(bills_due)
                .saturating_sub(paid_ahead)
                .saturating_sub(reserved)
        }),
        missing,
        until: Some(until),
        balance_now,
        bills_due,
        reserved,
        pay_today,
        paid_ahead,
    }
}

/// Every paycheck `(date, schedule index, amount)` from `as_of` up to (not including) the `wanted`-th distinct
/// payday after `as_of` of each schedule — enough to cover the union's first `wanted` paydays — sorted by date then
/// schedule. Payday overrides are applied: a skipped payday is not a payday, a changed one pays its amount.
fn collect_paychecks(
    schedules: &[PaySchedule],
    as_of: NaiveDate,
    wanted: usize,
) -> Vec<(NaiveDate, usize, Money)> {
    let mut pays = Vec::new();
    for (index, schedule) in schedules.iter().enumerate() {
        let mut distinct_after = 0;
        let mut last = as_of;
        for (date, amount) in schedule.paychecks_from(as_of) {
            if date > last {
                distinct_after += 1;
                last = date;
            }
            pays.push((date, index, amount));
            if distinct_after == wanted {
                break;
            }
        }
    }
    pays.sort_unstable();
    pays
}

/// One bill occurrence in the horizon with its status.
#[derive(Clone, Copy)]
struct Due {
    date: NaiveDate,
    bill: usize,
    status: OccurrenceStatus,
    amount_paid: Option<Money>,
}

fn bill_due(bills: &[Bill], due: &Due) -> BillDue {
    let bill = &bills[due.bill];
    BillDue {
        bill_id: bill.id,
        name: bill.name.clone(),
        due_on: due.date,
        amount: bill.amount,
        status: due.status,
        amount_paid: due.amount_paid,
        autopay: bill.autopay,
        category: bill.category.clone(),
    }
}

/// The overdue occurrences (see the module docs), sorted by date, then bill name, then bill id.
fn collect_overdue(
    bills: &[Bill],
    marks: &Marks,
    as_of: NaiveDate,
    utc_offset: FixedOffset,
) -> Vec<Due> {
    let since = as_of - chrono::TimeDelta::days(OVERDUE_DAYS);
    let mut order: Vec<usize> = (0..bills.len()).filter(|i| !bills[*i].autopay).collect();
    order.sort_by(|a, b| by_name(&bills[*a], &bills[*b]));
    let mut overdue = Vec::new();
    for index in order {
        // The day it was added, where the user lives.
        let created = bills[index]
            .created_at
            .with_timezone(&utc_offset)
            .date_naive();
        for date in bills[index]
            .occurrences_from(since.max(created))
            .take_while(|d| *d < as_of)
        {
            if let (OccurrenceStatus::Due, _) = marks.status(index, date) {
                overdue.push(Due {
                    date,
                    bill: index,
                    status: OccurrenceStatus::Due,
                    amount_paid: None,
                });
            }
        }
    }
    // A stable sort: ties keep name order.
    overdue.sort_by_key(|due| due.date);
    overdue
}

/// Every occurrence in `[as_of, end)` with its status, sorted by date, then bill name, then bill id.
fn collect_dues(bills: &[Bill], marks: &Marks, as_of: NaiveDate, end: NaiveDate) -> Vec<Due> {
    let mut order: Vec<usize> = (0..bills.len()).collect();
    order.sort_by(|a, b| by_name(&bills[*a], &bills[*b]));

    // Generated bill by bill in name order, each bill's dates ascending; its marks are walked alongside.
    let mut by_rank = Vec::new();
    for index in order {
        let mut pending = marks.for_bill(index);
        for date in bills[index]
            .occurrences_from(as_of)
            .take_while(|d| *d < end)
        {
            while let Some(((_, marked, _), rest)) = pending.split_first()
                && *marked < date
            {
                pending = rest;
            }
            let (status, amount_paid) = match pending.first() {
                Some((_, marked, mark)) if *marked == date => Marks::status_of(mark),
                _ => (OccurrenceStatus::Due, None),
            };
            by_rank.push(Due {
                date,
                bill: index,
                status,
                amount_paid,
            });
        }
    }
    sort_by_date_stably(by_rank, as_of, end)
}

/// Stable sort by date: a counting sort over the horizon's days (no comparisons), so ties keep name order.
fn sort_by_date_stably(mut dues: Vec<Due>, as_of: NaiveDate, end: NaiveDate) -> Vec<Due> {
    let days = usize::try_from(end.signed_duration_since(as_of).num_days()).unwrap_or(usize::MAX);
    // A horizon is at most a few years long; fall back to a comparison sort for absurd ones rather than allocate.
    if days > 1 << 16 || dues.is_empty() {
        dues.sort_by_key(|due| due.date);
        return dues;
    }
    let offset = |due: &Due| due.date.signed_duration_since(as_of).num_days() as usize;
    let mut next = vec![0usize; days + 1];
    for due in &dues {
        next[offset(due) + 1] += 1;
    }
    for day in 1..next.len() {
        next[day] += next[day - 1];
    }
    let mut sorted = dues.clone();
    for due in dues {
        let slot = &mut next[offset(&due)];
        sorted[*slot] = due;
        *slot += 1;
    }
    sorted
}

fn by_name(a: &Bill, b: &Bill) -> Ordering {
    a.name.cmp(&b.name).then(a.id.cmp(&b.id))
}

/// Marks indexed by `(bill index, due date)` for binary search. Marks for unknown bills are dropped; a mark on a
/// date that is not (or no longer) an occurrence is simply never looked up.
struct Marks<'a>(Vec<(usize, NaiveDate, &'a OccurrenceMark)>);

impl<'a> Marks<'a> {
    fn new(bills: &[Bill], marks: &'a [OccurrenceMark]) -> Marks<'a> {
        if marks.is_empty() {
            return Marks(Vec::new());
        }
        let index: std::collections::HashMap<Uuid, usize> =
            bills.iter().enumerate().map(|(i, b)| (b.id, i)).collect();
        let mut indexed: Vec<_> = marks
            .iter()
            .filter_map(|m| index.get(&m.bill_id).map(|i| (*i, m.due_on, m)))
            .collect();
        indexed.sort_by_key(|(bill, date, _)| (*bill, *date));
        Marks(indexed)
    }

    /// This bill's marks, by date.
    fn for_bill(&self, bill: usize) -> &[(usize, NaiveDate, &'a OccurrenceMark)] {
        let start = self.0.partition_point(|(b, _, _)| *b < bill);
        let len = self.0[start..].partition_point(|(b, _, _)| *b == bill);
        &self.0[start..start + len]
    }

    fn status(&self, bill: usize, date: NaiveDate) -> (OccurrenceStatus, Option<Money>) {
        match self
            .0
            .binary_search_by_key(&(bill, date), |(b, d, _)| (*b, *d))
        {
            Ok(found) => Marks::status_of(self.0[found].2),
            Err(_) => (OccurrenceStatus::Due, None),
        }
    }

    fn status_of(mark: &OccurrenceMark) -> (OccurrenceStatus, Option<Money>) {
        match mark.status {
            OccurrenceStatus::Paid => (OccurrenceStatus::Paid, mark.amount_paid),
            // A stored `due` mark should not exist; it reads as unmarked.
            status => (status, None),
        }
    }
}

/// The end-of-day balance on `as_of` and on each later day with a paycheck or a bill to pay, plus the lowest.
/// It starts from `balance.now`. Walking the periods in order visits every event in date order (paychecks on a
/// period's start, then its bills), so no sort is needed.
fn project(
    balance: &BalanceNow,
    as_of: NaiveDate,
    periods: &[Period],
) -> (Vec<BalancePoint>, Option<BalancePoint>) {
    let events = periods.iter().flat_map(|period| {
        let credits = period.paychecks.iter().map(|pay| (pay.date, pay.amount));
        let debits = period.bills.iter().filter_map(|bill| match bill.status {
            // Overdue bills are paid out on `as_of`.
            OccurrenceStatus::Due => Some((bill.due_on.max(as_of), -bill.amount)),
            // Paid ahead: not in the stated balance, not in `paid_since` yet; it leaves on its due date.
            OccurrenceStatus::Paid if bill.due_on > as_of && bill.due_on >= balance.stated_on => {
                Some((bill.due_on, -bill.amount_paid.unwrap_or(bill.amount)))
            }
            _ => None,
        });
        credits.chain(debits)
    });
    let mut points = vec![BalancePoint {
        date: as_of,
        balance: balance.now,
    }];
    for (date, delta) in events {
        let last = points.last_mut().expect("points starts non-empty");
        let balance = last.balance.saturating_add(delta);
        if last.date == date {
            last.balance = balance;
        } else {
            points.push(BalancePoint { date, balance });
        }
    }
    let lowest = points
        .iter()
        .copied()
        .min_by(|a, b| a.balance.cmp(&b.balance).then(a.date.cmp(&b.date)));
    (points, lowest)
}

/// Reserves for quarterly and yearly bills, by due date then name.
fn reserves(input: &SummaryInput, marks: &Marks) -> Vec<Reserve> {
    let as_of = input.as_of;
    // (bill, due date, what leaves the account then)
    let mut found: Vec<(usize, NaiveDate, Money)> = Vec::new();
    for (index, bill) in input.bills.iter().enumerate() {
        if !bill.recurrence.is_smoothed() {
            continue;
        }
        // The next occurrence the balance still has to cover: one still due, or one ticked paid ahead of its date
        // (rule 12: it leaves the balance on its due date, so ticking it early must not free its reserve).
        let next = bill
            .occurrences_from(as_of)
            .take(RESERVE_LOOKAHEAD)
            .find_map(|date| match marks.status(index, date) {
                (OccurrenceStatus::Due, _) => Some((date, bill.amount)),
                (OccurrenceStatus::Paid, paid) if date > as_of => {
                    Some((date, paid.unwrap_or(bill.amount)))
                }
                _ => None,
            });
        if let Some((date, amount)) = next {
            found.push((index, date, amount));
        }
    }
    if found.is_empty() {
        return Vec::new();
    }
    found.sort_by(|(a, da, _), (b, db, _)| {
        da.cmp(db)
            .then_with(|| by_name(&input.bills[*a], &input.bills[*b]))
    });

    let last_due = found.iter().map(|(_, d, _)| *d).max().unwrap_or(as_of);
    let mut paydays: Vec<NaiveDate> = input
        .schedules
        .iter()
        .flat_map(|s| {
            s.paychecks_from(as_of)
                .map(|(date, _)| date)
                .take_while(|d| *d < last_due)
        })
        .collect();
    paydays.sort_unstable();
    paydays.dedup();

    found
        .into_iter()
        .map(|(index, due_on, amount)| {
            let bill = &input.bills[index];
            let count = paydays.partition_point(|d| *d < due_on);
            let paychecks_until_due = u32::try_from(count).unwrap_or(u32::MAX);
            let per_paycheck = match i64::try_from(count) {
                Ok(n) if n > 0 => div_ceil(amount, n),
                _ => amount,
            };
            Reserve {
                bill_id: bill.id,
                name: bill.name.clone(),
                due_on,
                amount,
                per_paycheck,
                paychecks_until_due,
            }
        })
        .collect()
}

/// Ceiling division for a non-negative amount and a positive divisor.
fn div_ceil(amount: Money, by: i64) -> Money {
    amount / by + Money::from(amount % by > 0)
}

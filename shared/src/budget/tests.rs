//! The engine's regression table (one worked example per test) and its properties.

use chrono::{DateTime, NaiveDate, Utc};
use proptest::prelude::*;
use uuid::Uuid;

use super::*;
use crate::Money;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2025-11-01T00:00:00Z")
        .unwrap()
        .to_utc()
}

fn schedule(id: u128, amount: Money, frequency: Frequency) -> PaySchedule {
    PaySchedule {
        id: Uuid::from_u128(id),
        name: format!("Pay {id}"),
        amount,
        frequency,
        anchor_date: None,
        days: None,
        day: None,
        weekend: WeekendRule::None,
        payday_overrides: Vec::new(),
        holidays: HolidayCalendar::None,
        created_at: now(),
        updated_at: now(),
        version: 1,
    }
}

fn biweekly(id: u128, amount: Money, anchor: NaiveDate) -> PaySchedule {
    PaySchedule {
        anchor_date: Some(anchor),
        ..schedule(id, amount, Frequency::Biweekly)
    }
}

fn semimonthly(
    id: u128,
    amount: Money,
    days: [DayOfMonth; 2],
    weekend: WeekendRule,
) -> PaySchedule {
    PaySchedule {
        days: Some(days),
        weekend,
        ..schedule(id, amount, Frequency::Semimonthly)
    }
}

fn monthly(id: u128, amount: Money, day: DayOfMonth, weekend: WeekendRule) -> PaySchedule {
    PaySchedule {
        day: Some(day),
        weekend,
        ..schedule(id, amount, Frequency::Monthly)
    }
}

fn bill(id: u128, name: &str, amount: Money, recurrence: Recurrence) -> Bill {
    Bill {
        id: Uuid::from_u128(id),
        name: name.to_owned(),
        amount,
        category: None,
        autopay: false,
        recurrence,
        starts_on: None,
        ends_on: None,
        created_at: now(),
        updated_at: now(),
        version: 1,
    }
}

fn monthly_bill(id: u128, name: &str, amount: Money, day: u8) -> Bill {
    bill(
        id,
        name,
        amount,
        Recurrence::Monthly {
            day: DayOfMonth::Day(day),
        },
    )
}

fn mark(
    bill: &Bill,
    due_on: NaiveDate,
    status: OccurrenceStatus,
    amount_paid: Option<Money>,
) -> OccurrenceMark {
    OccurrenceMark {
        bill_id: bill.id,
        due_on,
        status,
        amount_paid,
        updated_at: now(),
    }
}

/// The regression table's bills are added on `as_of` itself, so none of their occurrences before it is overdue;
/// the overdue rule has tests of its own (`overdue_*`, through [`summary_of`]).
fn summary(
    as_of: NaiveDate,
    periods: u32,
    schedules: &[PaySchedule],
    bills: &[Bill],
    marks: &[OccurrenceMark],
    balance: Option<Money>,
) -> BudgetSummary {
    let added_today: Vec<Bill> = bills
        .iter()
        .map(|b| Bill {
            created_at: as_of.and_hms_opt(0, 0, 0).unwrap().and_utc(),
            ..b.clone()
        })
        .collect();
    summary_of(as_of, periods, schedules, &added_today, marks, balance)
}

/// [`summarize`] with the bills as given (created 2025-11-01 unless a test says otherwise).
fn summary_of(
    as_of: NaiveDate,
    periods: u32,
    schedules: &[PaySchedule],
    bills: &[Bill],
    marks: &[OccurrenceMark],
    balance: Option<Money>,
) -> BudgetSummary {
    summarize(&SummaryInput {
        as_of,
        periods,
        utc_offset: chrono::FixedOffset::east_opt(0).unwrap(),
        currency: "USD",
        schedules,
        bills,
        marks,
        balance,
        balance_on: None,
    })
}

fn bounds(s: &BudgetSummary) -> Vec<(NaiveDate, NaiveDate)> {
    s.periods.iter().map(|p| (p.start, p.end)).collect()
}

fn due_dates(p: &Period) -> Vec<NaiveDate> {
    p.bills.iter().map(|b| b.due_on).collect()
}

// ---- Regression table -------------------------------------------------------------------------------------------

#[test]
fn biweekly_pay_with_a_bill_due_on_payday_puts_the_bill_in_the_period_that_starts_that_day() {
    // Arrange: paid every other Friday from 2025-11-14; a bill due on the 28th, which is a payday.
    let pay = biweekly(1, 200_000, date(2025, 11, 14));
    let rent = monthly_bill(10, "Rent", 50_000, 28);

    // Act
    let s = summary(date(2025, 11, 20), 3, &[pay], &[rent], &[], None);

    // Assert
    assert_eq!(s.next_payday, Some(date(2025, 11, 28)));
    assert_eq!(
        bounds(&s),
        [
            (date(2025, 11, 20), date(2025, 11, 28)),
            (date(2025, 11, 28), date(2025, 12, 12)),
            (date(2025, 12, 12), date(2025, 12, 26)),
        ]
    );
    assert_eq!((s.periods[0].income, s.periods[0].committed), (0, 0));
    assert_eq!(due_dates(&s.periods[1]), [date(2025, 11, 28)]);
    assert_eq!(s.periods[1].income, 200_000);
    assert_eq!(s.periods[1].committed, 50_000);
    assert_eq!(s.periods[1].left_over, 150_000);
    assert!(s.periods[2].bills.is_empty());
    assert_eq!(s.set_aside_now, 0);
}

#[test]
fn semimonthly_15_and_last_covers_february_29_in_a_leap_year() {
    let pay = semimonthly(
        1,
        100_000,
        [DayOfMonth::Day(15), DayOfMonth::Last],
        WeekendRule::None,
    );

    let s = summary(date(2024, 2, 1), 4, &[pay], &[], &[], None);

    assert_eq!(
        bounds(&s),
        [
            (date(2024, 2, 1), date(2024, 2, 15)),
            (date(2024, 2, 15), date(2024, 2, 29)),
            (date(2024, 2, 29), date(2024, 3, 15)),
            (date(2024, 3, 15), date(2024, 3, 31)),
        ]
    );
    assert_eq!(s.periods[2].income, 100_000);
}

#[test]
fn semimonthly_15_and_last_pays_on_february_28_in_a_non_leap_year() {
    let pay = semimonthly(
        1,
        100_000,
        [DayOfMonth::Day(15), DayOfMonth::Last],
        WeekendRule::None,
    );

    let s = summary(date(2025, 2, 1), 4, &[pay], &[], &[], None);

    assert_eq!(
        bounds(&s),
        [
            (date(2025, 2, 1), date(2025, 2, 15)),
            (date(2025, 2, 15), date(2025, 2, 28)),
            (date(2025, 2, 28), date(2025, 3, 15)),
            (date(2025, 3, 15), date(2025, 3, 31)),
        ]
    );
}

#[test]
fn monthly_day_31_pays_and_bills_on_april_30() {
    let pay = monthly(1, 300_000, DayOfMonth::Day(31), WeekendRule::None);
    let card = monthly_bill(10, "Card", 20_000, 31);

    let s = summary(date(2025, 4, 1), 3, &[pay], &[card], &[], None);

    assert_eq!(s.next_payday, Some(date(2025, 4, 30)));
    assert_eq!(
        bounds(&s),
        [
            (date(2025, 4, 1), date(2025, 4, 30)),
            (date(2025, 4, 30), date(2025, 5, 31)),
            (date(2025, 5, 31), date(2025, 6, 30)),
        ]
    );
    assert_eq!(due_dates(&s.periods[1]), [date(2025, 4, 30)]);
    assert_eq!(due_dates(&s.periods[2]), [date(2025, 5, 31)]);
    assert!(s.periods[0].bills.is_empty());
}

#[test]
fn weekend_payday_moves_back_to_friday_across_a_month_boundary() {
    // 2025-11-01 is a Saturday: paid Friday 2025-10-31.
    let pay = monthly(
        1,
        100_000,
        DayOfMonth::Day(1),
        WeekendRule::PreviousBusinessDay,
    );

    let s = summary(date(2025, 10, 20), 2, &[pay], &[], &[], None);

    assert_eq!(s.next_payday, Some(date(2025, 10, 31)));
    assert_eq!(bounds(&s)[1], (date(2025, 10, 31), date(2025, 12, 1)));
    assert_eq!(s.periods[1].paychecks[0].date, date(2025, 10, 31));
}

#[test]
fn weekend_payday_moves_forward_to_monday_across_a_month_boundary() {
    // 2025-08-31 is a Sunday: paid Monday 2025-09-01.
    let pay = monthly(1, 100_000, DayOfMonth::Last, WeekendRule::NextBusinessDay);

    let s = summary(date(2025, 8, 20), 2, &[pay], &[], &[], None);

    assert_eq!(s.next_payday, Some(date(2025, 9, 1)));
    assert_eq!(
        bounds(&s),
        [
            (date(2025, 8, 20), date(2025, 9, 1)),
            (date(2025, 9, 1), date(2025, 9, 30))
        ]
    );
}

#[test]
fn a_bill_due_on_as_of_is_set_aside_now() {
    let pay = biweekly(1, 200_000, date(2025, 11, 14));
    let phone = bill(
        10,
        "Phone",
        4_500,
        Recurrence::Once {
            date: date(2025, 11, 20),
        },
    );

    let s = summary(date(2025, 11, 20), 3, &[pay], &[phone], &[], None);

    assert_eq!(due_dates(&s.periods[0]), [date(2025, 11, 20)]);
    assert_eq!(s.set_aside_now, 4_500);
    assert_eq!(s.periods[0].left_over, -4_500);
}

#[test]
fn as_of_itself_a_payday_starts_the_current_period_with_that_pay() {
    let pay = biweekly(1, 200_000, date(2025, 11, 14));

    let s = summary(date(2025, 11, 14), 2, &[pay], &[], &[], None);

    assert_eq!(s.next_payday, Some(date(2025, 11, 28)));
    assert_eq!(bounds(&s)[0], (date(2025, 11, 14), date(2025, 11, 28)));
    assert_eq!(s.periods[0].income, 200_000);
    assert_eq!(s.periods[0].paychecks.len(), 1);
}

#[test]
fn two_schedules_with_interleaved_paydays_each_start_their_own_periods() {
    // A: every other Friday from 2025-11-07. B: 15th and last, moved back off weekends
    // (Sat 11-15 → Fri 11-14, Sun 11-30 → Fri 11-28, Mon 12-15 stays).
    let a = biweekly(1, 150_000, date(2025, 11, 7));
    let b = semimonthly(
        2,
        100_000,
        [DayOfMonth::Day(15), DayOfMonth::Last],
        WeekendRule::PreviousBusinessDay,
    );

    let s = summary(date(2025, 11, 10), 5, &[a, b], &[], &[], None);

    let starts: Vec<_> = s.periods.iter().map(|p| p.start).collect();
    assert_eq!(
        starts,
        [
            date(2025, 11, 10),
            date(2025, 11, 14),
            date(2025, 11, 21),
            date(2025, 11, 28),
            date(2025, 12, 5)
        ]
    );
    assert_eq!(s.periods[4].end, date(2025, 12, 15));
    let incomes: Vec<_> = s.periods.iter().map(|p| p.income).collect();
    assert_eq!(incomes, [0, 100_000, 150_000, 100_000, 150_000]);
}

#[test]
fn two_schedules_paying_on_the_same_day_start_one_period_with_two_paychecks() {
    let a = biweekly(1, 150_000, date(2025, 11, 14));
    let b = monthly(2, 90_000, DayOfMonth::Day(28), WeekendRule::None);

    let s = summary(date(2025, 11, 20), 2, &[a, b], &[], &[], None);

    assert_eq!(bounds(&s)[1], (date(2025, 11, 28), date(2025, 12, 12)));
    assert_eq!(s.periods[1].paychecks.len(), 2);
    assert_eq!(s.periods[1].income, 240_000);
}

#[test]
fn a_yearly_bill_is_smoothed_over_the_paychecks_before_it_is_due() {
    // Paydays in [2025-11-20, 2026-03-01): 11-28, 12-12, 12-26, 01-09, 01-23, 02-06, 02-20 = 7 paychecks.
    let pay = biweekly(1, 200_000, date(2025, 11, 14));
    let insurance = bill(
        10,
        "Insurance",
        60_000,
        Recurrence::Yearly {
            month: 3,
            day: DayOfMonth::Day(1),
        },
    );
    let rent = monthly_bill(11, "Rent", 100_000, 1);

    let s = summary(
        date(2025, 11, 20),
        3,
        &[pay],
        &[insurance.clone(), rent],
        &[],
        None,
    );

    assert_eq!(
        s.reserves,
        [Reserve {
            bill_id: insurance.id,
            name: "Insurance".into(),
            due_on: date(2026, 3, 1),
            amount: 60_000,
            per_paycheck: 8_572, // ceil(60_000 / 7)
            paychecks_until_due: 7,
        }]
    );
    // The reserve is advice only: committed holds just the rent.
    assert_eq!(
        s.periods.iter().map(|p| p.committed).sum::<Money>(),
        100_000
    );
}

#[test]
fn a_yearly_bill_paid_this_year_reserves_for_next_year_once_its_date_has_passed() {
    let pay = biweekly(1, 200_000, date(2025, 11, 14));
    let insurance = bill(
        10,
        "Insurance",
        26_000,
        Recurrence::Yearly {
            month: 12,
            day: DayOfMonth::Day(1),
        },
    );
    let paid = mark(&insurance, date(2025, 12, 1), OccurrenceStatus::Paid, None);

    // Before Dec 1 a ticked occurrence is still in the balance (rules 9 and 12): it is the one reserved for.
    let ahead = summary(
        date(2025, 11, 20),
        3,
        std::slice::from_ref(&pay),
        std::slice::from_ref(&insurance),
        std::slice::from_ref(&paid),
        None,
    );
    assert_eq!(ahead.reserves[0].due_on, date(2025, 12, 1));

    let s = summary(date(2025, 12, 2), 3, &[pay], &[insurance], &[paid], None);

    assert_eq!(s.reserves[0].due_on, date(2026, 12, 1));
    assert_eq!(s.reserves[0].paychecks_until_due, 26);
    assert_eq!(s.reserves[0].per_paycheck, 1_000); // ceil(26_000 / 26)
}

#[test]
fn paid_and_skipped_occurrences_are_listed_but_not_committed() {
    let pay = biweekly(1, 200_000, date(2025, 11, 14));
    let rent = monthly_bill(10, "Rent", 100_000, 1);
    let phone = monthly_bill(11, "Phone", 5_000, 5);
    let gym = monthly_bill(12, "Gym", 3_000, 10);
    let marks = [
        mark(
            &rent,
            date(2025, 12, 1),
            OccurrenceStatus::Paid,
            Some(99_000),
        ),
        mark(&phone, date(2025, 12, 5), OccurrenceStatus::Skipped, None),
    ];

    let s = summary(
        date(2025, 11, 28),
        1,
        &[pay],
        &[rent, phone, gym],
        &marks,
        None,
    );

    let p = &s.periods[0];
    let statuses: Vec<_> = p
        .bills
        .iter()
        .map(|b| (b.name.as_str(), b.status, b.amount_paid))
        .collect();
    assert_eq!(
        statuses,
        [
            ("Rent", OccurrenceStatus::Paid, Some(99_000)),
            ("Phone", OccurrenceStatus::Skipped, None),
            ("Gym", OccurrenceStatus::Due, None),
        ]
    );
    assert_eq!(p.committed, 3_000);
    assert_eq!(s.set_aside_now, 3_000);
    assert_eq!(p.left_over, 197_000);
}

#[test]
fn a_period_whose_bills_exceed_its_pay_has_a_negative_left_over() {
    let pay = biweekly(1, 100_000, date(2025, 11, 14));
    let rent = monthly_bill(10, "Rent", 150_000, 1);

    let s = summary(date(2025, 11, 28), 1, &[pay], &[rent], &[], None);

    assert_eq!(s.periods[0].income, 100_000);
    assert_eq!(s.periods[0].committed, 150_000);
    assert_eq!(s.periods[0].left_over, -50_000);
}

#[test]
fn the_lowest_projected_balance_falls_between_paydays() {
    // 11-20: 50_000 → 11-25 −30_000 = 20_000 → 11-28 +200_000 = 220_000 → 12-01 −180_000 = 40_000
    // → 12-05 −30_000 = 10_000 (lowest, between the 11-28 and 12-12 paydays) → 12-12 +200_000 = 210_000.
    let pay = biweekly(1, 200_000, date(2025, 11, 14));
    let bills = [
        monthly_bill(10, "Rent", 180_000, 1),
        monthly_bill(11, "Card", 30_000, 5),
        monthly_bill(12, "Loan", 30_000, 25),
    ];

    let s = summary(date(2025, 11, 20), 2, &[pay], &bills, &[], Some(50_000));

    assert_eq!(
        s.lowest_balance,
        Some(BalancePoint {
            date: date(2025, 12, 5),
            balance: 10_000
        })
    );
    let points: Vec<_> = s
        .projected_balance
        .iter()
        .map(|p| (p.date, p.balance))
        .collect();
    assert_eq!(
        points,
        [
            (date(2025, 11, 20), 50_000),
            (date(2025, 11, 25), 20_000),
            (date(2025, 11, 28), 220_000),
            (date(2025, 12, 1), 40_000),
            (date(2025, 12, 5), 10_000),
        ]
    );
}

// ---- Edge behaviour ---------------------------------------------------------------------------------------------

#[test]
fn without_schedules_there_is_one_month_long_period_and_no_payday() {
    let rent = monthly_bill(10, "Rent", 100_000, 1);

    let s = summary(date(2025, 1, 31), 3, &[], &[rent], &[], None);

    assert_eq!(s.next_payday, None);
    assert_eq!(bounds(&s), [(date(2025, 1, 31), date(2025, 2, 28))]);
    assert_eq!(s.set_aside_now, 100_000);
    assert_eq!(s.periods[0].left_over, -100_000);
}

#[test]
fn period_count_is_clamped_to_one_through_max_periods() {
    let pay = biweekly(1, 1, date(2025, 11, 14));
    let many = summary(
        date(2025, 11, 20),
        1000,
        std::slice::from_ref(&pay),
        &[],
        &[],
        None,
    );
    let none = summary(date(2025, 11, 20), 0, &[pay], &[], &[], None);
    assert_eq!(many.periods.len(), MAX_PERIODS as usize);
    assert_eq!(none.periods.len(), 1);
}

#[test]
fn marks_for_unknown_bills_or_dates_are_ignored() {
    let rent = monthly_bill(10, "Rent", 100_000, 1);
    let other = monthly_bill(11, "Other", 1, 1);
    let marks = [
        mark(&other, date(2025, 12, 1), OccurrenceStatus::Paid, None),
        mark(&rent, date(2025, 12, 2), OccurrenceStatus::Paid, None),
    ];

    let s = summary(date(2025, 11, 20), 1, &[], &[rent], &marks, None);

    assert_eq!(s.set_aside_now, 100_000);
}

#[test]
fn summary_json_omits_lowest_balance_without_a_balance() {
    let s = summary(date(2025, 11, 20), 1, &[], &[], &[], None);
    let json = serde_json::to_value(&s).unwrap();
    assert!(json.get("lowest_balance").is_none());
    assert_eq!(json["next_payday"], serde_json::Value::Null);
    assert_eq!(serde_json::from_value::<BudgetSummary>(json).unwrap(), s);
}

#[test]
fn export_round_trips_through_json() {
    let export = BudgetExport {
        settings: Some(Settings::initial(now())),
        pay_schedules: vec![semimonthly(
            1,
            1,
            [DayOfMonth::Day(15), DayOfMonth::Last],
            WeekendRule::None,
        )],
        bills: vec![monthly_bill(10, "Rent", 1, 31)],
        occurrences: vec![],
    };
    let json = serde_json::to_string(&export).unwrap();
    assert!(json.contains(r#""days":[15,"last"]"#));
    assert_eq!(serde_json::from_str::<BudgetExport>(&json).unwrap(), export);
}

#[cfg(feature = "openapi")]
#[test]
fn day_of_month_schema_is_an_integer_or_last() {
    let schema = serde_json::to_value(<DayOfMonth as utoipa::PartialSchema>::schema()).unwrap();
    let text = schema.to_string();
    assert!(
        text.contains("oneOf") && text.contains("\"last\"") && text.contains("31"),
        "{text}"
    );
}

// ---- Properties -------------------------------------------------------------------------------------------------

fn any_date(from_year: i32, years: i32) -> impl Strategy<Value = NaiveDate> {
    let start = date(from_year, 1, 1);
    (0..years * 365).prop_map(move |offset| start + chrono::Days::new(offset as u64))
}

fn any_day() -> impl Strategy<Value = DayOfMonth> {
    prop_oneof![(1u8..=31).prop_map(DayOfMonth::Day), Just(DayOfMonth::Last)]
}

fn any_weekend() -> impl Strategy<Value = WeekendRule> {
    prop_oneof![
        Just(WeekendRule::None),
        Just(WeekendRule::PreviousBusinessDay),
        Just(WeekendRule::NextBusinessDay),
    ]
}

fn any_schedule() -> impl Strategy<Value = PaySchedule> {
    let shape = prop_oneof![
        any_date(2020, 10).prop_map(|a| (Frequency::Weekly, Some(a), None, None)),
        any_date(2020, 10).prop_map(|a| (Frequency::Biweekly, Some(a), None, None)),
        (any_day(), any_day())
            .prop_filter("two different days", |(a, b)| a.normalized()
                != b.normalized())
            .prop_map(|(a, b)| (Frequency::Semimonthly, None, Some([a, b]), None)),
        any_day().prop_map(|d| (Frequency::Monthly, None, None, Some(d))),
    ];
    (shape, 1..=1_000_000i64, any_weekend(), any::<u128>()).prop_map(
        |((frequency, anchor_date, days, day), amount, weekend, id)| PaySchedule {
            anchor_date,
            days,
            day,
            weekend,
            ..schedule(id, amount, frequency)
        },
    )
}

fn any_recurrence() -> impl Strategy<Value = Recurrence> {
    prop_oneof![
        any_date(2023, 5).prop_map(|date| Recurrence::Once { date }),
        any_date(2020, 10).prop_map(|anchor| Recurrence::Weekly { anchor }),
        any_date(2020, 10).prop_map(|anchor| Recurrence::Biweekly { anchor }),
        any_day().prop_map(|day| Recurrence::Monthly { day }),
        any_date(2020, 10).prop_map(|anchor| Recurrence::Quarterly { anchor }),
        (1u8..=12, any_day()).prop_map(|(month, day)| Recurrence::Yearly { month, day }),
        (1u8..=12, any_date(2020, 10))
            .prop_map(|(every, anchor)| Recurrence::EveryNMonths { every, anchor }),
        (1u8..=52, any_date(2020, 10))
            .prop_map(|(every, anchor)| Recurrence::EveryNWeeks { every, anchor }),
    ]
}

fn any_bill() -> impl Strategy<Value = Bill> {
    (
        any_recurrence(),
        0..=500_000i64,
        any::<u128>(),
        proptest::option::of(any_date(2023, 5)),
        proptest::option::of(0u64..800),
    )
        .prop_map(|(recurrence, amount, id, starts_on, length)| Bill {
            starts_on,
            ends_on: starts_on.zip(length).map(|(s, l)| s + chrono::Days::new(l)),
            ..bill(id, "Bill", amount, recurrence)
        })
}

/// A random budget plus a list of choices used to mark some of its occurrences.
#[derive(Debug, Clone)]
struct Case {
    as_of: NaiveDate,
    periods: u32,
    schedules: Vec<PaySchedule>,
    bills: Vec<Bill>,
    choices: Vec<u8>,
    balance: Option<Money>,
}

fn any_case() -> impl Strategy<Value = Case> {
    (
        any_date(2024, 3),
        0u32..=30,
        proptest::collection::vec(any_schedule(), 0..=3),
        proptest::collection::vec(any_bill(), 0..=8),
        proptest::collection::vec(0u8..3, 1..=16),
        proptest::option::of(-1_000_000i64..1_000_000),
    )
        .prop_map(
            |(as_of, periods, schedules, bills, choices, balance)| Case {
                as_of,
                periods,
                schedules,
                bills,
                choices,
                balance,
            },
        )
}

impl Case {
    fn end(&self, s: &BudgetSummary) -> NaiveDate {
        let _ = self;
        s.periods.last().unwrap().end
    }

    /// Marks the horizon's occurrences paid / skipped / left due, cycling through `choices`.
    fn marks(&self) -> Vec<OccurrenceMark> {
        let plain = self.summarize(&[]);
        let end = self.end(&plain);
        let mut marks = Vec::new();
        let mut choice = self.choices.iter().cycle();
        for bill in &self.bills {
            for due_on in bill.occurrences(self.as_of, end) {
                let status = match choice.next().unwrap() {
                    0 => continue,
                    1 => OccurrenceStatus::Paid,
                    _ => OccurrenceStatus::Skipped,
                };
                marks.push(mark(bill, due_on, status, None));
            }
        }
        marks
    }

    fn summarize(&self, marks: &[OccurrenceMark]) -> BudgetSummary {
        summary(
            self.as_of,
            self.periods,
            &self.schedules,
            &self.bills,
            marks,
            self.balance,
        )
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn periods_tile_the_horizon_and_start_on_every_payday(case in any_case()) {
        let s = case.summarize(&case.marks());
        let end = case.end(&s);

        prop_assert_eq!(s.periods[0].start, case.as_of);
        for pair in s.periods.windows(2) {
            prop_assert_eq!(pair[0].end, pair[1].start);
        }
        for p in &s.periods {
            prop_assert!(p.start < p.end);
        }
        let mut paydays: Vec<NaiveDate> = case
            .schedules
            .iter()
            .flat_map(|sch| sch.paydays(case.as_of + chrono::Days::new(1), end))
            .collect();
        paydays.sort();
        paydays.dedup();
        let starts: Vec<NaiveDate> = s.periods.iter().skip(1).map(|p| p.start).collect();
        prop_assert_eq!(&starts, &paydays);
        if case.schedules.is_empty() {
            prop_assert_eq!(s.periods.len(), 1);
            prop_assert_eq!(s.next_payday, None);
        } else {
            prop_assert_eq!(s.periods.len() as u32, case.periods.clamp(1, MAX_PERIODS));
            prop_assert_eq!(s.next_payday, Some(s.periods[0].end));
        }
    }

    #[test]
    fn every_occurrence_lands_in_exactly_one_period(case in any_case()) {
        let s = case.summarize(&case.marks());
        let end = case.end(&s);

        for p in &s.periods {
            for due in &p.bills {
                prop_assert!(p.start <= due.due_on && due.due_on < p.end);
            }
            for pay in &p.paychecks {
                prop_assert_eq!(pay.date, p.start);
            }
        }
        for bill in &case.bills {
            let mut listed: Vec<NaiveDate> = s
                .periods
                .iter()
                .flat_map(|p| p.bills.iter())
                .filter(|d| d.bill_id == bill.id)
                .map(|d| d.due_on)
                .collect();
            listed.sort();
            prop_assert_eq!(listed, bill.occurrences(case.as_of, end));
        }
        for sch in &case.schedules {
            let listed = s
                .periods
                .iter()
                .flat_map(|p| p.paychecks.iter())
                .filter(|pay| pay.schedule_id == sch.id)
                .count();
            prop_assert_eq!(listed, sch.paydays(case.as_of, end).len());
        }
    }

    #[test]
    fn totals_equal_the_sum_of_their_parts(case in any_case()) {
        let s = case.summarize(&case.marks());

        for p in &s.periods {
            prop_assert_eq!(p.income, p.paychecks.iter().map(|c| c.amount).sum::<Money>());
            let due: Money = p
                .bills
                .iter()
                .filter(|b| b.status == OccurrenceStatus::Due)
                .map(|b| b.amount)
                .sum();
            prop_assert_eq!(p.committed, due);
            prop_assert_eq!(p.left_over, p.income - p.committed);
        }
        prop_assert_eq!(s.set_aside_now, s.periods[0].committed);
        match case.balance {
            Some(balance) => {
                let net: Money = s.periods.iter().map(|p| p.left_over).sum();
                // Every occurrence marked paid (all on or after `as_of`, the balance's day) leaves exactly once.
                let paid: Money = s
                    .periods
                    .iter()
                    .flat_map(|p| &p.bills)
                    .filter(|b| b.status == OccurrenceStatus::Paid)
                    .map(|b| b.amount_paid.unwrap_or(b.amount))
                    .sum();
                prop_assert_eq!(s.projected_balance.last().unwrap().balance, balance + net - paid);
                let lowest = s.lowest_balance.unwrap();
                prop_assert!(s.projected_balance.contains(&lowest));
                prop_assert!(s.projected_balance.iter().all(|p| p.balance >= lowest.balance));
                prop_assert!(s.projected_balance.windows(2).all(|w| w[0].date < w[1].date));
            }
            None => {
                prop_assert!(s.projected_balance.is_empty());
                prop_assert_eq!(s.lowest_balance, None);
            }
        }
        for r in &s.reserves {
            prop_assert!(r.per_paycheck * Money::from(r.paychecks_until_due.max(1)) >= r.amount);
        }
    }

    #[test]
    fn adding_a_paid_mark_never_raises_committed(case in any_case(), pick in any::<prop::sample::Index>()) {
        let mut marks = case.marks();
        let before = case.summarize(&marks);
        let due: Vec<&BillDue> = before
            .periods
            .iter()
            .flat_map(|p| p.bills.iter())
            .filter(|b| b.status == OccurrenceStatus::Due)
            .collect();
        prop_assume!(!due.is_empty());
        let target = due[pick.index(due.len())];
        marks.push(OccurrenceMark {
            bill_id: target.bill_id,
            due_on: target.due_on,
            status: OccurrenceStatus::Paid,
            amount_paid: Some(1),
            updated_at: now(),
        });

        let after = case.summarize(&marks);

        for (b, a) in before.periods.iter().zip(&after.periods) {
            prop_assert!(a.committed <= b.committed);
        }
        let total = |s: &BudgetSummary| s.periods.iter().map(|p| p.committed).sum::<Money>();
        prop_assert_eq!(total(&after), total(&before) - target.amount);
    }

    #[test]
    fn paydays_and_occurrences_split_cleanly_at_any_date(
        sch in any_schedule(),
        b in any_bill(),
        from in any_date(2024, 3),
        a in 0u64..200,
        c in 0u64..200,
    ) {
        let mid = from + chrono::Days::new(a);
        let until = mid + chrono::Days::new(c);
        let mut joined = sch.paydays(from, mid);
        joined.extend(sch.paydays(mid, until));
        prop_assert_eq!(joined, sch.paydays(from, until));
        let mut joined = b.occurrences(from, mid);
        joined.extend(b.occurrences(mid, until));
        prop_assert_eq!(joined.clone(), b.occurrences(from, until));
        prop_assert!(joined.iter().all(|d| b.occurs_on(*d)));
        // Shifted paydays are never on a weekend unless the rule is `none`.
        if sch.weekend != WeekendRule::None {
            use chrono::Datelike;
            prop_assert!(sch.paydays(from, until).iter().all(|d| d.weekday().number_from_monday() <= 5));
        }
    }
}

#[test]
fn the_worked_example_in_docs_budget_md_holds() {
    // Keep in step with docs/budget.md.
    let pay = biweekly(1, 200_000, date(2025, 11, 14));
    let bills = [
        monthly_bill(10, "Rent", 180_000, 1),
        monthly_bill(11, "Card", 30_000, 5),
        monthly_bill(12, "Loan", 30_000, 25),
        bill(
            13,
            "Insurance",
            60_000,
            Recurrence::Yearly {
                month: 3,
                day: DayOfMonth::Day(1),
            },
        ),
    ];

    let s = summary(date(2025, 11, 20), 3, &[pay], &bills, &[], Some(50_000));

    let table: Vec<_> = s
        .periods
        .iter()
        .map(|p| (p.start, p.end, p.income, p.committed, p.left_over))
        .collect();
    assert_eq!(
        table,
        [
            (date(2025, 11, 20), date(2025, 11, 28), 0, 30_000, -30_000),
            (
                date(2025, 11, 28),
                date(2025, 12, 12),
                200_000,
                210_000,
                -10_000
            ),
            (
                date(2025, 12, 12),
                date(2025, 12, 26),
                200_000,
                30_000,
                170_000
            ),
        ]
    );
    assert_eq!(s.set_aside_now, 30_000);
    assert_eq!(
        s.lowest_balance,
        Some(BalancePoint {
            date: date(2025, 12, 5),
            balance: 10_000
        })
    );
    assert_eq!(
        s.projected_balance.last().map(|p| (p.date, p.balance)),
        Some((date(2025, 12, 25), 180_000))
    );
    assert_eq!(
        (
            s.reserves[0].per_paycheck,
            s.reserves[0].paychecks_until_due
        ),
        (8_572, 7)
    );
}

#[test]
fn overdue_unpaid_bills_are_listed_first_and_set_aside_now() {
    // Paid every other Friday from Nov 14; today is Thu Nov 20. The bills existed since Nov 1 unless noted.
    let pay = biweekly(1, 200_000, date(2025, 11, 14));
    let card = monthly_bill(10, "Card", 30_000, 5); // Nov 5: unpaid, so still owed
    let water = monthly_bill(11, "Water", 4_000, 12); // Nov 12: paid
    let phone = monthly_bill(12, "Phone", 5_000, 15); // Nov 15: skipped
    let gym = Bill {
        autopay: true, // Nov 18: autopay took it
        ..monthly_bill(13, "Gym", 3_000, 18)
    };
    let late = Bill {
        created_at: DateTime::parse_from_rfc3339("2025-11-10T12:00:00Z")
            .unwrap()
            .to_utc(),
        ..monthly_bill(14, "Late", 7_000, 8) // Nov 8 came before the bill was added
    };
    let loan = monthly_bill(15, "Loan", 30_000, 25); // Nov 25: due in the current period as usual
    let bills = [card.clone(), water.clone(), phone.clone(), gym, late, loan];
    let marks = [
        mark(&water, date(2025, 11, 12), OccurrenceStatus::Paid, None),
        mark(&phone, date(2025, 11, 15), OccurrenceStatus::Skipped, None),
    ];
    let s = summary_of(
        date(2025, 11, 20),
        2,
        std::slice::from_ref(&pay),
        &bills,
        &marks,
        Some(100_000),
    );
    let current: Vec<(&str, NaiveDate)> = s.periods[0]
        .bills
        .iter()
        .map(|b| (b.name.as_str(), b.due_on))
        .collect();
    assert_eq!(
        current,
        [("Card", date(2025, 11, 5)), ("Loan", date(2025, 11, 25))]
    );
    assert_eq!(s.periods[0].committed, 60_000);
    assert_eq!(s.set_aside_now, 60_000);
    assert_eq!(
        s.periods[0].start,
        date(2025, 11, 20),
        "the period itself still starts today"
    );
    // Paid out today: the end-of-day balance on as_of already lacks it.
    assert_eq!(
        s.projected_balance[0],
        BalancePoint {
            date: date(2025, 11, 20),
            balance: 70_000
        }
    );

    // Ticking it paid (or skipped) clears it.
    let paid = [
        marks[0].clone(),
        marks[1].clone(),
        mark(&card, date(2025, 11, 5), OccurrenceStatus::Paid, None),
    ];
    let s = summary_of(date(2025, 11, 20), 2, &[pay], &bills, &paid, None);
    assert_eq!(s.set_aside_now, 30_000);
    assert!(s.periods[0].bills.iter().all(|b| b.name == "Loan"));
}

#[test]
fn overdue_looks_back_a_month_at_most() {
    let card = Bill {
        created_at: DateTime::parse_from_rfc3339("2025-01-01T00:00:00Z")
            .unwrap()
            .to_utc(),
        ..monthly_bill(10, "Card", 30_000, 5)
    };
    // Today Dec 20: Nov 5 is 45 days back (settled), Dec 5 is 15 days back (owed).
    let s = summary_of(date(2025, 12, 20), 1, &[], &[card], &[], None);
    let dates: Vec<NaiveDate> = s.periods[0].bills.iter().map(|b| b.due_on).collect();
    assert_eq!(dates, [date(2025, 12, 5), date(2026, 1, 5)]);
    assert_eq!(s.set_aside_now, 60_000);
    assert_eq!(OVERDUE_DAYS, 31);
}

#[test]
fn overdue_reads_the_day_a_bill_was_added_in_the_users_time_zone() {
    // Added at 23:30 UTC on Nov 10: still Nov 10 in UTC, already Nov 11 at UTC+12.
    let rent = Bill {
        created_at: DateTime::parse_from_rfc3339("2025-11-10T23:30:00Z")
            .unwrap()
            .to_utc(),
        ..monthly_bill(10, "Rent", 50_000, 10)
    };
    let at = |hours: i32| {
        summarize(&SummaryInput {
            as_of: date(2025, 11, 20),
            utc_offset: chrono::FixedOffset::east_opt(hours * 3600).unwrap(),
            periods: 1,
            currency: "USD",
            schedules: &[],
            bills: std::slice::from_ref(&rent),
            marks: &[],
            balance: None,
            balance_on: None,
        })
        .set_aside_now
    };
    assert_eq!(at(0), 100_000, "Nov 10 is owed, and Dec 10 is due");
    assert_eq!(at(12), 50_000, "Nov 10 came before the day it was added");
}

// ---- Dated balance and safe to spend ----------------------------------------------------------------------------

/// [`summarize`] with a balance stated on `balance_on`; the bills are added on `as_of` (none is overdue), as in
/// [`summary`].
fn summary_dated(
    as_of: NaiveDate,
    schedules: &[PaySchedule],
    bills: &[Bill],
    marks: &[OccurrenceMark],
    balance: Option<Money>,
    balance_on: Option<NaiveDate>,
) -> BudgetSummary {
    let added_today: Vec<Bill> = bills
        .iter()
        .map(|b| Bill {
            created_at: as_of.and_hms_opt(0, 0, 0).unwrap().and_utc(),
            ..b.clone()
        })
        .collect();
    summarize(&SummaryInput {
        as_of,
        periods: 3,
        utc_offset: chrono::FixedOffset::east_opt(0).unwrap(),
        currency: "USD",
        schedules,
        bills: &added_today,
        marks,
        balance,
        balance_on,
    })
}

/// The end-of-day projected balance on `date` (flat between points), `None` before the first point.
fn balance_at(s: &BudgetSummary, date: NaiveDate) -> Option<Money> {
    s.projected_balance
        .iter()
        .take_while(|p| p.date <= date)
        .last()
        .map(|p| p.balance)
}

#[test]
fn a_bill_paid_since_the_balance_was_stated_is_taken_off_it() {
    // $820 on Fri 4 Dec 2026; the card ($45, due the 5th) is ticked paid; today is Mon 7 Dec.
    let card = monthly_bill(10, "Credit card", 4_500, 5);
    let paid = mark(&card, date(2026, 12, 5), OccurrenceStatus::Paid, None);

    let s = summary_dated(
        date(2026, 12, 7),
        &[],
        std::slice::from_ref(&card),
        &[paid],
        Some(82_000),
        Some(date(2026, 12, 4)),
    );

    let balance = s.balance.unwrap();
    assert_eq!(
        (balance.stated, balance.stated_on, balance.now),
        (82_000, date(2026, 12, 4), 77_500)
    );
    assert_eq!(
        balance.paid_since,
        [PaidBill {
            bill_id: card.id,
            name: "Credit card".into(),
            due_on: date(2026, 12, 5),
            amount: 4_500,
        }]
    );
    assert_eq!(s.projected_balance[0].balance, 77_500);
    let json = serde_json::to_value(&balance).unwrap();
    assert_eq!(json["stated_on"], "2026-12-04");
    assert_eq!(json["paid_since"][0]["amount"], 4_500);
}

#[test]
fn a_bill_paid_before_the_balance_was_stated_is_already_in_it() {
    let card = monthly_bill(10, "Credit card", 4_500, 5);
    let paid = mark(
        &card,
        date(2026, 12, 5),
        OccurrenceStatus::Paid,
        Some(4_000),
    );

    let s = summary_dated(
        date(2026, 12, 7),
        &[],
        std::slice::from_ref(&card),
        &[paid],
        Some(82_000),
        Some(date(2026, 12, 6)),
    );

    assert_eq!(s.balance.as_ref().unwrap().now, 82_000);
    assert!(s.balance.unwrap().paid_since.is_empty());
}

#[test]
fn ticking_a_bill_due_on_the_balance_day_paid_keeps_the_projection() {
    // The balance is the one at the start of its day, so the bill due that day is not in it yet.
    let card = monthly_bill(10, "Credit card", 4_500, 7);
    let today = date(2026, 12, 7);
    let before = summary_dated(
        today,
        &[],
        std::slice::from_ref(&card),
        &[],
        Some(82_000),
        Some(today),
    );
    let paid = mark(&card, today, OccurrenceStatus::Paid, None);

    let after = summary_dated(
        today,
        &[],
        std::slice::from_ref(&card),
        &[paid],
        Some(82_000),
        Some(today),
    );

    assert_eq!(before.projected_balance[0].balance, 77_500);
    assert_eq!(after.balance.unwrap().now, 77_500);
    assert_eq!(after.projected_balance, before.projected_balance);
}

#[test]
fn a_bill_paid_ahead_still_leaves_the_projection_on_its_due_date() {
    let card = monthly_bill(10, "Credit card", 4_500, 20);
    let today = date(2026, 12, 7);
    let before = summary_dated(
        today,
        &[],
        std::slice::from_ref(&card),
        &[],
        Some(82_000),
        Some(today),
    );
    let paid = mark(
        &card,
        date(2026, 12, 20),
        OccurrenceStatus::Paid,
        Some(5_000),
    );

    let after = summary_dated(
        today,
        &[],
        std::slice::from_ref(&card),
        &[paid],
        Some(82_000),
        Some(today),
    );

    assert_eq!(after.balance.as_ref().unwrap().now, 82_000);
    assert_eq!(balance_at(&before, date(2026, 12, 20)), Some(77_500));
    assert_eq!(balance_at(&after, date(2026, 12, 20)), Some(77_000));
    assert_eq!(after.periods[0].committed, 0);
}

#[test]
fn a_balance_without_a_date_reads_as_todays() {
    let card = monthly_bill(10, "Credit card", 4_500, 5);
    let paid = mark(&card, date(2026, 12, 5), OccurrenceStatus::Paid, None);

    let s = summary_dated(
        date(2026, 12, 7),
        &[],
        std::slice::from_ref(&card),
        &[paid],
        Some(82_000),
        None,
    );

    let balance = s.balance.unwrap();
    assert_eq!(
        (balance.stated_on, balance.now),
        (date(2026, 12, 7), 82_000)
    );
}

#[test]
fn safe_to_spend_in_the_worked_example_is_balance_less_bills_due_less_the_reserve_share() {
    // docs/budget.md: $500 today, Loan $300 due Nov 25 before the Nov 28 payday, Insurance reserve $85.72.
    let pay = biweekly(1, 200_000, date(2025, 11, 14));
    let bills = [
        monthly_bill(10, "Rent", 180_000, 1),
        monthly_bill(11, "Card", 30_000, 5),
        monthly_bill(12, "Loan", 30_000, 25),
        bill(
            13,
            "Insurance",
            60_000,
            Recurrence::Yearly {
                month: 3,
                day: DayOfMonth::Day(1),
            },
        ),
    ];

    let s = summary(date(2025, 11, 20), 3, &[pay], &bills, &[], Some(50_000));

    assert_eq!(
        s.safe_to_spend,
        SafeToSpend {
            amount: Some(11_428),
            missing: vec![],
            until: Some(date(2025, 11, 28)),
            balance_now: Some(50_000),
            bills_due: 30_000,
            reserved: 8_572,
            pay_today: 0,
            paid_ahead: 0,
        }
    );
}

#[test]
fn a_bill_ticked_paid_ahead_of_its_due_date_is_not_safe_to_spend() {
    // docs/budget.md rule 13: $500 stated today (Nov 20), Loan $300 due Nov 25 before the Nov 28 payday. Ticking it
    // paid today moves it from "still due" to "paid ahead": it has not left the balance yet (rule 12), so the
    // amount safe to spend stays the same instead of rising by $300.
    let pay = biweekly(1, 200_000, date(2025, 11, 14));
    let loan = monthly_bill(12, "Loan", 30_000, 25);
    let before = summary(
        date(2025, 11, 20),
        3,
        std::slice::from_ref(&pay),
        std::slice::from_ref(&loan),
        &[],
        Some(50_000),
    );
    let paid = [mark(
        &loan,
        date(2025, 11, 25),
        OccurrenceStatus::Paid,
        None,
    )];

    let after = summary(date(2025, 11, 20), 3, &[pay], &[loan], &paid, Some(50_000));

    assert_eq!(before.safe_to_spend.amount, Some(20_000));
    assert_eq!(
        (
            after.safe_to_spend.bills_due,
            after.safe_to_spend.paid_ahead,
            after.safe_to_spend.amount
        ),
        (0, 30_000, Some(20_000))
    );
}

#[test]
fn a_yearly_bill_ticked_paid_ahead_keeps_its_reserve_until_it_falls_due() {
    // Insurance $600 due Mar 1 (after the Nov 28 payday), reserved over 7 paydays: $85.72 each. Ticking the March
    // occurrence paid today does not take it out of the $500 (rule 12), so its reserve and safe to spend stay.
    let pay = biweekly(1, 200_000, date(2025, 11, 14));
    let insurance = bill(
        13,
        "Insurance",
        60_000,
        Recurrence::Yearly {
            month: 3,
            day: DayOfMonth::Day(1),
        },
    );
    let before = summary(
        date(2025, 11, 20),
        3,
        std::slice::from_ref(&pay),
        std::slice::from_ref(&insurance),
        &[],
        Some(50_000),
    );
    let paid = [mark(
        &insurance,
        date(2026, 3, 1),
        OccurrenceStatus::Paid,
        None,
    )];

    let after = summary(
        date(2025, 11, 20),
        3,
        &[pay],
        &[insurance],
        &paid,
        Some(50_000),
    );

    assert_eq!(before.reserves, after.reserves);
    assert_eq!(
        (after.reserves[0].due_on, after.reserves[0].per_paycheck),
        (date(2026, 3, 1), 8_572)
    );
    assert_eq!(after.safe_to_spend, before.safe_to_spend);
}

#[test]
fn on_payday_todays_pay_is_safe_to_spend_because_the_balance_is_the_start_of_the_day() {
    // Fri Nov 28 is a payday ($2,000); the $100 balance was stated this morning; Rent $500 is due Dec 1.
    let pay = biweekly(1, 200_000, date(2025, 11, 14));
    let rent = monthly_bill(10, "Rent", 50_000, 1);

    let s = summary(date(2025, 11, 28), 3, &[pay], &[rent], &[], Some(10_000));

    let safe = &s.safe_to_spend;
    assert_eq!(
        (safe.until, safe.pay_today, safe.bills_due, safe.amount),
        (Some(date(2025, 12, 12)), 200_000, 50_000, Some(160_000))
    );
}

#[test]
fn safe_to_spend_names_what_is_missing_instead_of_a_number() {
    let pay = biweekly(1, 200_000, date(2025, 11, 14));
    let rent = monthly_bill(10, "Rent", 50_000, 25);
    let missing = |schedules: &[PaySchedule], balance: Option<Money>| {
        let s = summary(
            date(2025, 11, 20),
            3,
            schedules,
            std::slice::from_ref(&rent),
            &[],
            balance,
        );
        (s.safe_to_spend.amount, s.safe_to_spend.missing)
    };

    assert_eq!(
        missing(std::slice::from_ref(&pay), None),
        (None, vec![SafeToSpendMissing::NoBalance])
    );
    assert_eq!(
        missing(&[], Some(1)),
        (None, vec![SafeToSpendMissing::NoPaySchedule])
    );
    assert_eq!(
        missing(&[], None),
        (
            None,
            vec![
                SafeToSpendMissing::NoBalance,
                SafeToSpendMissing::NoPaySchedule
            ]
        )
    );
    assert_eq!(missing(&[pay], Some(100_000)), (Some(50_000), vec![]));
    let s = summary(date(2025, 11, 20), 3, &[], &[], &[], None);
    assert_eq!(
        serde_json::to_value(&s.safe_to_spend).unwrap()["missing"],
        serde_json::json!(["no_balance", "no_pay_schedule"])
    );
}

#[test]
fn a_yearly_bill_due_before_the_next_payday_is_counted_once_in_bills_due() {
    // Today Nov 20, next payday Nov 28; the domain ($20, yearly) is due Nov 25: no payday to spread it over.
    let pay = biweekly(1, 200_000, date(2025, 11, 14));
    let domain = bill(
        10,
        "Domain",
        2_000,
        Recurrence::Yearly {
            month: 11,
            day: DayOfMonth::Day(25),
        },
    );

    let s = summary(date(2025, 11, 20), 3, &[pay], &[domain], &[], Some(10_000));

    assert_eq!(s.reserves[0].per_paycheck, 2_000);
    assert_eq!(
        (s.safe_to_spend.bills_due, s.safe_to_spend.reserved),
        (2_000, 0)
    );
    assert_eq!(s.safe_to_spend.amount, Some(8_000));
}

/// A random budget with a balance stated up to 60 days before `as_of`, bills added long before (so the overdue
/// rule is in play).
fn any_dated_case() -> impl Strategy<Value = (Case, NaiveDate, Money)> {
    (any_case(), 0u64..60, -1_000_000i64..1_000_000).prop_map(|(case, back, balance)| {
        let on = case.as_of - chrono::Days::new(back);
        (case, on, balance)
    })
}

impl Case {
    fn dated(&self, marks: &[OccurrenceMark], balance: Money, on: NaiveDate) -> BudgetSummary {
        let bills: Vec<Bill> = self
            .bills
            .iter()
            .map(|b| Bill {
                created_at: date(2020, 1, 1).and_hms_opt(0, 0, 0).unwrap().and_utc(),
                ..b.clone()
            })
            .collect();
        summarize(&SummaryInput {
            as_of: self.as_of,
            periods: self.periods,
            utc_offset: chrono::FixedOffset::east_opt(0).unwrap(),
            currency: "USD",
            schedules: &self.schedules,
            bills: &bills,
            marks,
            balance: Some(balance),
            balance_on: Some(on),
        })
    }

    /// Every unmarked occurrence dated in `[from, until)`, as (bill, date).
    fn unmarked_between(
        &self,
        marks: &[OccurrenceMark],
        from: NaiveDate,
        until: NaiveDate,
    ) -> Vec<(Bill, NaiveDate)> {
        self.bills
            .iter()
            .flat_map(|b| {
                b.occurrences(from, until)
                    .into_iter()
                    .map(move |d| (b.clone(), d))
            })
            .filter(|(b, d)| !marks.iter().any(|m| m.bill_id == b.id && m.due_on == *d))
            .collect()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn the_projection_starts_from_the_balance_now(
        (case, on, balance) in any_dated_case(),
    ) {
        let s = case.dated(&case.marks(), balance, on);

        let now = s.balance.as_ref().unwrap().now;
        let paid: Money = s.balance.as_ref().unwrap().paid_since.iter().map(|p| p.amount).sum();
        prop_assert_eq!(now, balance - paid);
        // The first point is the end of `as_of`: `now` plus that day's pay, less what is paid out that day.
        let first = &s.periods[0];
        let pay_today: Money = first.paychecks.iter().filter(|p| p.date == case.as_of).map(|p| p.amount).sum();
        let out_today: Money = first
            .bills
            .iter()
            .filter(|b| b.status == OccurrenceStatus::Due && b.due_on <= case.as_of)
            .map(|b| b.amount)
            .sum();
        prop_assert_eq!(s.projected_balance[0].date, case.as_of);
        prop_assert_eq!(s.projected_balance[0].balance, now + pay_today - out_today);
        if pay_today == 0 && out_today == 0 {
            prop_assert_eq!(s.projected_balance[0].balance, now);
        }
    }

    #[test]
    fn marking_an_occurrence_paid_since_the_balance_lowers_now_by_exactly_its_amount(
        (case, on, balance) in any_dated_case(),
        pick in any::<prop::sample::Index>(),
        amount_paid in proptest::option::of(0..=500_000i64),
    ) {
        let mut marks = case.marks();
        let candidates = case.unmarked_between(&marks, on, case.as_of + chrono::Days::new(1));
        prop_assume!(!candidates.is_empty());
        let (bill, due_on) = &candidates[pick.index(candidates.len())];
        let before = case.dated(&marks, balance, on);
        marks.push(mark(bill, *due_on, OccurrenceStatus::Paid, amount_paid));

        let after = case.dated(&marks, balance, on);

        let now = |s: &BudgetSummary| s.balance.as_ref().unwrap().now;
        prop_assert_eq!(now(&after), now(&before) - amount_paid.unwrap_or(bill.amount));
        prop_assert_eq!(
            after.balance.as_ref().unwrap().paid_since.len(),
            before.balance.as_ref().unwrap().paid_since.len() + 1
        );
    }

    #[test]
    fn marking_an_occurrence_from_before_the_balance_changes_nothing_in_it(
        (case, on, balance) in any_dated_case(),
        pick in any::<prop::sample::Index>(),
        paid in any::<bool>(),
    ) {
        let mut marks = case.marks();
        let candidates = case.unmarked_between(&marks, on - chrono::Days::new(60), on);
        prop_assume!(!candidates.is_empty());
        let (bill, due_on) = &candidates[pick.index(candidates.len())];
        let before = case.dated(&marks, balance, on);
        let status = if paid { OccurrenceStatus::Paid } else { OccurrenceStatus::Skipped };
        marks.push(mark(bill, *due_on, status, None));

        let after = case.dated(&marks, balance, on);

        prop_assert_eq!(after.balance, before.balance);
    }

    #[test]
    fn ticking_a_bill_paid_never_raises_the_projected_balance(
        (case, on, balance) in any_dated_case(),
        pick in any::<prop::sample::Index>(),
    ) {
        let mut marks = case.marks();
        let before = case.dated(&marks, balance, on);
        // Any still-due occurrence the summary lists (overdue ones included) on or after the balance's day.
        let due: Vec<&BillDue> = before
            .periods
            .iter()
            .flat_map(|p| &p.bills)
            .filter(|b| b.status == OccurrenceStatus::Due && b.due_on >= on)
            .collect();
        prop_assume!(!due.is_empty());
        let target = due[pick.index(due.len())];
        marks.push(OccurrenceMark {
            bill_id: target.bill_id,
            due_on: target.due_on,
            status: OccurrenceStatus::Paid,
            amount_paid: None,
            updated_at: now(),
        });

        let after = case.dated(&marks, balance, on);

        for point in before.projected_balance.iter().chain(&after.projected_balance) {
            prop_assert!(balance_at(&after, point.date) <= balance_at(&before, point.date));
        }
    }

    #[test]
    fn ticking_a_bill_paid_ahead_of_its_date_never_changes_safe_to_spend(
        (case, on, balance) in any_dated_case(),
        pick in any::<prop::sample::Index>(),
    ) {
        let mut marks = case.marks();
        let before = case.dated(&marks, balance, on);
        // Any occurrence after today still due: listed in a period, or the one a reserve is kept for.
        let mut candidates: Vec<(Uuid, NaiveDate)> = before
            .periods
            .iter()
            .flat_map(|p| &p.bills)
            .filter(|b| b.status == OccurrenceStatus::Due && b.due_on > case.as_of)
            .map(|b| (b.bill_id, b.due_on))
            .collect();
        candidates.extend(before.reserves.iter().filter(|r| r.due_on > case.as_of).map(|r| (r.bill_id, r.due_on)));
        candidates.retain(|(id, due_on)| !marks.iter().any(|m| m.bill_id == *id && m.due_on == *due_on));
        prop_assume!(!candidates.is_empty());
        let (bill_id, due_on) = candidates[pick.index(candidates.len())];
        marks.push(OccurrenceMark {
            bill_id,
            due_on,
            status: OccurrenceStatus::Paid,
            amount_paid: None,
            updated_at: now(),
        });

        let after = case.dated(&marks, balance, on);

        prop_assert_eq!(after.safe_to_spend.amount, before.safe_to_spend.amount);
    }

    #[test]
    fn safe_to_spend_is_the_balance_now_less_bills_due_less_the_reserve_share(
        (case, on, balance) in any_dated_case(),
        stated in any::<bool>(),
    ) {
        let s = if stated {
            case.dated(&case.marks(), balance, on)
        } else {
            case.summarize(&case.marks())
        };

        let safe = &s.safe_to_spend;
        let now = s.balance.as_ref().map(|b| b.now);
        prop_assert_eq!(safe.balance_now, now);
        prop_assert_eq!(safe.until, s.next_payday);
        match (now, s.next_payday) {
            (Some(now), Some(until)) => {
                let reserved: Money = s
                    .reserves
                    .iter()
                    .filter(|r| r.due_on >= until)
                    .map(|r| r.per_paycheck)
                    .sum();
                prop_assert_eq!(safe.bills_due, s.set_aside_now);
                prop_assert_eq!(safe.reserved, reserved);
                prop_assert_eq!(
                    safe.amount,
                    Some(now + safe.pay_today - s.set_aside_now - safe.paid_ahead - reserved)
                );
                prop_assert!(safe.missing.is_empty());
                // The same money as the projection: what it says is left the day before payday, less the reserves.
                let eve = until.pred_opt().unwrap();
                prop_assert_eq!(safe.amount.map(|a| a + reserved), balance_at(&s, eve));
            }
            (now, payday) => {
                prop_assert_eq!(safe.amount, None);
                prop_assert_eq!(
                    safe.missing.contains(&SafeToSpendMissing::NoBalance),
                    now.is_none()
                );
                prop_assert_eq!(
                    safe.missing.contains(&SafeToSpendMissing::NoPaySchedule),
                    payday.is_none()
                );
            }
        }
    }
}

// ---- Payday overrides -------------------------------------------------------------------------------------------

fn payday_override(on: NaiveDate, status: PaydayStatus, amount: Option<Money>) -> PaydayOverride {
    PaydayOverride {
        date: on,
        status,
        amount,
        updated_at: now(),
    }
}

#[test]
fn a_changed_payday_pays_its_own_amount_in_its_period_and_the_projection() {
    // The worked example's salary, with overtime on Nov 28: $2,500 instead of $2,000.
    let pay = biweekly(1, 200_000, date(2025, 11, 14))
        .with_override(payday_override(
            date(2025, 11, 28),
            PaydayStatus::Changed,
            Some(250_000),
        ))
        .unwrap();

    let s = summary(date(2025, 11, 20), 3, &[pay], &[], &[], Some(50_000));

    assert_eq!(s.periods[1].income, 250_000);
    assert_eq!(s.periods[1].paychecks[0].amount, 250_000);
    assert_eq!(s.periods[2].income, 200_000);
    assert_eq!(balance_at(&s, date(2025, 11, 28)), Some(300_000));
}

#[test]
fn a_skipped_payday_starts_no_period_and_the_next_payday_comes_later() {
    let pay = biweekly(1, 200_000, date(2025, 11, 14))
        .with_override(payday_override(
            date(2025, 11, 28),
            PaydayStatus::Skipped,
            None,
        ))
        .unwrap();
    let loan = monthly_bill(10, "Loan", 30_000, 5);

    let s = summary(date(2025, 11, 20), 2, &[pay], &[loan], &[], Some(50_000));

    assert_eq!(s.next_payday, Some(date(2025, 12, 12)));
    assert_eq!(
        bounds(&s),
        [
            (date(2025, 11, 20), date(2025, 12, 12)),
            (date(2025, 12, 12), date(2025, 12, 26)),
        ]
    );
    // The Dec 5 loan is now due before the next paycheck: it is set aside now and safe to spend counts it.
    assert_eq!(s.set_aside_now, 30_000);
    assert_eq!(s.safe_to_spend.amount, Some(20_000));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn changing_one_paydays_amount_changes_that_paycheck_only(
        case in any_case(),
        pick in any::<prop::sample::Index>(),
        amount in 1..=1_000_000i64,
    ) {
        prop_assume!(!case.schedules.is_empty());
        let before = case.summarize(&[]);
        let first = &case.schedules[0];
        let paid: Vec<&Paycheck> = before
            .periods
            .iter()
            .flat_map(|p| &p.paychecks)
            .filter(|c| c.schedule_id == first.id)
            .collect();
        prop_assume!(!paid.is_empty());
        let on = paid[pick.index(paid.len())].date;
        let mut changed = case.clone();
        changed.schedules[0] = first
            .with_override(payday_override(on, PaydayStatus::Changed, Some(amount)))
            .unwrap();

        let after = changed.summarize(&[]);

        prop_assert_eq!(bounds(&after), bounds(&before));
        let same_day = paid.iter().filter(|c| c.date == on).count() as Money;
        let income = |s: &BudgetSummary| s.periods.iter().map(|p| p.income).sum::<Money>();
        prop_assert_eq!(income(&after), income(&before) + same_day * (amount - first.amount));
        for check in after.periods.iter().flat_map(|p| &p.paychecks) {
            if check.schedule_id == first.id && check.date == on {
                prop_assert_eq!(check.amount, amount);
            }
        }
    }

    #[test]
    fn a_skipped_payday_pays_nothing_and_every_period_still_starts_on_a_paycheck(
        case in any_case(),
        pick in any::<prop::sample::Index>(),
    ) {
        prop_assume!(!case.schedules.is_empty());
        let before = case.summarize(&[]);
        let first = &case.schedules[0];
        let paid: Vec<NaiveDate> = before
            .periods
            .iter()
            .flat_map(|p| &p.paychecks)
            .filter(|c| c.schedule_id == first.id)
            .map(|c| c.date)
            .collect();
        prop_assume!(!paid.is_empty());
        let on = paid[pick.index(paid.len())];
        let mut skipped = case.clone();
        skipped.schedules[0] = first
            .with_override(payday_override(on, PaydayStatus::Skipped, None))
            .unwrap();

        let after = skipped.summarize(&[]);

        for (i, period) in after.periods.iter().enumerate() {
            prop_assert!(!period.paychecks.iter().any(|c| c.schedule_id == first.id && c.date == on));
            if i > 0 {
                prop_assert!(period.paychecks.iter().any(|c| c.date == period.start));
            }
        }
        for (b, a) in before.reserves.iter().zip(&after.reserves) {
            prop_assert!(a.paychecks_until_due <= b.paychecks_until_due);
        }
    }
}

#[test]
fn the_skipped_payday_worked_example_in_docs_budget_md_holds() {
    let pay = biweekly(1, 200_000, date(2025, 11, 14))
        .with_override(payday_override(
            date(2025, 11, 28),
            PaydayStatus::Skipped,
            None,
        ))
        .unwrap();
    let bills = [
        monthly_bill(10, "Rent", 180_000, 1),
        monthly_bill(11, "Card", 30_000, 5),
        monthly_bill(12, "Loan", 30_000, 25),
        bill(
            13,
            "Insurance",
            60_000,
            Recurrence::Yearly {
                month: 3,
                day: DayOfMonth::Day(1),
            },
        ),
    ];

    let s = summary(date(2025, 11, 20), 3, &[pay], &bills, &[], Some(50_000));

    let table: Vec<_> = s
        .periods
        .iter()
        .map(|p| (p.start, p.end, p.income, p.committed, p.left_over))
        .collect();
    assert_eq!(
        table,
        [
            (date(2025, 11, 20), date(2025, 12, 12), 0, 240_000, -240_000),
            (
                date(2025, 12, 12),
                date(2025, 12, 26),
                200_000,
                30_000,
                170_000
            ),
            (
                date(2025, 12, 26),
                date(2026, 1, 9),
                200_000,
                210_000,
                -10_000
            ),
        ]
    );
    assert_eq!(
        (
            s.reserves[0].paychecks_until_due,
            s.reserves[0].per_paycheck
        ),
        (6, 10_000)
    );
    assert_eq!(s.safe_to_spend.until, Some(date(2025, 12, 12)));
    assert_eq!(s.safe_to_spend.amount, Some(-200_000));
}

// ---- Every N months / every N weeks ------------------------------------------------------------------------------

/// The first `n` due dates on or after `from` of a plain bill with `recurrence`.
fn next_dates(recurrence: Recurrence, from: NaiveDate, n: usize) -> Vec<NaiveDate> {
    bill(1, "Bill", 1, recurrence).next_occurrences(from, n)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn every_n_months_falls_exactly_n_months_apart_on_the_anchor_day_or_the_month_end(
        every in 1u8..=12,
        anchor in any_date(2020, 10),
        from in any_date(2018, 14),
    ) {
        use chrono::Datelike;
        let dates = next_dates(Recurrence::EveryNMonths { every, anchor }, from, 8);
        prop_assert_eq!(dates.len(), 8);
        prop_assert!(dates[0] >= from);
        // Nothing in phase is skipped between `from` and the first date.
        let before = calendar::add_months(dates[0].with_day(1).unwrap(), -i32::from(every)).unwrap();
        let before = DayOfMonth::Day(anchor.day() as u8).in_month(before.year(), before.month()).unwrap();
        prop_assert!(before < from);
        let months = |d: NaiveDate| d.year() * 12 + d.month0() as i32;
        for d in &dates {
            // In phase with the anchor's month, on its day or the month's last day when the month is shorter.
            prop_assert_eq!((months(*d) - months(anchor)).rem_euclid(i32::from(every)), 0);
            let last = calendar::days_in_month(d.year(), d.month()).unwrap();
            prop_assert_eq!(d.day(), anchor.day().min(last));
        }
        for pair in dates.windows(2) {
            prop_assert_eq!(months(pair[1]) - months(pair[0]), i32::from(every));
        }
    }

    #[test]
    fn every_n_weeks_falls_exactly_7n_days_apart_in_phase_with_the_anchor(
        every in 1u8..=52,
        anchor in any_date(2020, 10),
        from in any_date(2018, 14),
    ) {
        let dates = next_dates(Recurrence::EveryNWeeks { every, anchor }, from, 8);
        let step = 7 * i64::from(every);
        prop_assert!(dates[0] >= from);
        prop_assert!((dates[0] - from).num_days() < step);
        prop_assert_eq!((dates[0] - anchor).num_days().rem_euclid(step), 0);
        for pair in dates.windows(2) {
            prop_assert_eq!((pair[1] - pair[0]).num_days(), step);
        }
    }

    #[test]
    fn every_n_recurrences_equal_the_fixed_kinds_they_generalise(
        anchor in any_date(2020, 10),
        from in any_date(2018, 14),
    ) {
        use chrono::Datelike;
        let day = DayOfMonth::Day(anchor.day() as u8);
        let pairs = [
            (Recurrence::EveryNMonths { every: 1, anchor }, Recurrence::Monthly { day }),
            (Recurrence::EveryNMonths { every: 3, anchor }, Recurrence::Quarterly { anchor }),
            (
                Recurrence::EveryNMonths { every: 12, anchor },
                Recurrence::Yearly { month: anchor.month() as u8, day },
            ),
            (Recurrence::EveryNWeeks { every: 1, anchor }, Recurrence::Weekly { anchor }),
            (Recurrence::EveryNWeeks { every: 2, anchor }, Recurrence::Biweekly { anchor }),
        ];
        for (general, fixed) in pairs {
            prop_assert_eq!(next_dates(general, from, 30), next_dates(fixed, from, 30), "{:?}", general);
            prop_assert_eq!(general.is_smoothed(), fixed.is_smoothed(), "{:?}", general);
        }
    }

    #[test]
    fn every_n_bills_are_reserved_for_exactly_when_rarer_than_a_month(
        months in 1u8..=12,
        weeks in 1u8..=52,
        anchor in any_date(2020, 10),
    ) {
        prop_assert_eq!(Recurrence::EveryNMonths { every: months, anchor }.is_smoothed(), months >= 2);
        // 5 weeks = 35 days, longer than any month; 4 weeks = 28 days fit inside every month.
        prop_assert_eq!(Recurrence::EveryNWeeks { every: weeks, anchor }.is_smoothed(), weeks >= 5);
    }
}

#[test]
fn a_twice_yearly_bill_is_listed_in_its_period_and_reserved_for() {
    // Paid every other Friday from Fri 2026-03-06; car insurance $450 every 6 months from Sun 2026-03-15.
    let pay = biweekly(1, 200_000, date(2026, 3, 6));
    let car = bill(
        2,
        "Car insurance",
        45_000,
        Recurrence::EveryNMonths {
            every: 6,
            anchor: date(2026, 3, 15),
        },
    );

    let s = summary(date(2026, 3, 10), 2, &[pay], &[car], &[], None);

    // Periods: Mar 10 – Mar 19, Mar 20 – Apr 2. The Mar 15 occurrence is due before the next paycheck.
    assert_eq!(due_dates(&s.periods[0]), [date(2026, 3, 15)]);
    assert_eq!(s.set_aside_now, 45_000);
    // The next occurrence still due is Mar 15 (no payday before it): reserved whole.
    assert_eq!(s.reserves.len(), 1);
    assert_eq!(
        (s.reserves[0].due_on, s.reserves[0].per_paycheck),
        (date(2026, 3, 15), 45_000)
    );
}

#[cfg(feature = "openapi")]
#[test]
fn recurrence_schema_describes_every_n_months_and_weeks_with_their_ranges() {
    let schema = serde_json::to_value(<Recurrence as utoipa::PartialSchema>::schema()).unwrap();
    let text = schema.to_string();
    for needle in [
        "\"every_n_months\"",
        "\"every_n_weeks\"",
        "\"maximum\":12",
        "\"maximum\":52",
    ] {
        assert!(text.contains(needle), "{needle} in {text}");
    }
}

// ---- Holiday calendars ------------------------------------------------------------------------------------------

fn any_calendar() -> impl Strategy<Value = HolidayCalendar> {
    prop_oneof![
        Just(HolidayCalendar::None),
        Just(HolidayCalendar::UsFederal),
        Just(HolidayCalendar::UkEnglandWales),
    ]
}

/// A schedule with a weekend rule that moves paydays, and any holiday calendar.
fn any_moving_schedule() -> impl Strategy<Value = PaySchedule> {
    (
        any_schedule(),
        any_calendar(),
        prop_oneof![
            Just(WeekendRule::PreviousBusinessDay),
            Just(WeekendRule::NextBusinessDay)
        ],
    )
        .prop_map(|(s, holidays, weekend)| PaySchedule {
            holidays,
            weekend,
            ..s
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn a_moved_payday_is_the_nearest_working_day_in_the_rules_direction(
        nominal in any_date(2020, 10),
        holidays in any_calendar(),
        forward in any::<bool>(),
    ) {
        let rule = if forward { WeekendRule::NextBusinessDay } else { WeekendRule::PreviousBusinessDay };
        let paid = rule.apply_with(nominal, holidays);
        prop_assert!(holidays.is_working_day(paid));
        // Every day from the nominal date up to (not including) the paid date is a weekend day or a holiday.
        let (low, high) = if forward { (nominal, paid) } else { (paid, nominal) };
        prop_assert!(low <= high);
        let mut day = if forward { low } else { low.succ_opt().unwrap() };
        let stop = if forward { high } else { high.succ_opt().unwrap() };
        while day < stop {
            prop_assert!(!holidays.is_working_day(day), "{} between {} and {}", day, nominal, paid);
            day = day.succ_opt().unwrap();
        }
        prop_assert_eq!(rule.apply_with(nominal, HolidayCalendar::None), rule.apply(nominal));
        prop_assert_eq!(WeekendRule::None.apply_with(nominal, holidays), nominal);
    }

    #[test]
    fn paydays_with_holidays_are_the_nominal_paydays_moved_and_never_on_a_day_off(
        sch in any_moving_schedule(),
        from in any_date(2024, 3),
        days in 0u64..400,
    ) {
        let until = from + chrono::Days::new(days);
        let nominal = PaySchedule { weekend: WeekendRule::None, holidays: HolidayCalendar::None, ..sch.clone() };
        let expected: Vec<NaiveDate> = nominal
            .paydays(from - chrono::Days::new(10), until + chrono::Days::new(10))
            .into_iter()
            .map(|d| sch.weekend.apply_with(d, sch.holidays))
            .filter(|d| from <= *d && *d < until)
            .collect();
        let paid = sch.paydays(from, until);
        prop_assert_eq!(&paid, &expected);
        prop_assert!(paid.iter().all(|d| sch.holidays.is_working_day(*d)));
        prop_assert!(paid.windows(2).all(|w| w[0] <= w[1]));
    }

    #[test]
    fn holiday_paydays_split_cleanly_at_any_date(
        sch in any_moving_schedule(),
        from in any_date(2024, 3),
        a in 0u64..200,
        c in 0u64..200,
    ) {
        let mid = from + chrono::Days::new(a);
        let until = mid + chrono::Days::new(c);
        let mut joined = sch.paydays(from, mid);
        joined.extend(sch.paydays(mid, until));
        prop_assert_eq!(joined, sch.paydays(from, until));
    }

    #[test]
    fn with_holiday_calendars_periods_still_start_on_every_payday_and_never_on_a_day_off(
        schedules in proptest::collection::vec(any_moving_schedule(), 1..=3),
        bills in proptest::collection::vec(any_bill(), 0..=4),
        as_of in any_date(2024, 3),
        periods in 1u32..=26,
    ) {
        let s = summary(as_of, periods, &schedules, &bills, &[], Some(0));
        let end = s.periods.last().unwrap().end;
        let mut paydays: Vec<NaiveDate> = schedules
            .iter()
            .flat_map(|sch| sch.paydays(as_of + chrono::Days::new(1), end))
            .collect();
        paydays.sort();
        paydays.dedup();
        let starts: Vec<NaiveDate> = s.periods.iter().skip(1).map(|p| p.start).collect();
        prop_assert_eq!(&starts, &paydays);
        for p in &s.periods {
            for pay in &p.paychecks {
                let sch = schedules.iter().find(|x| x.id == pay.schedule_id).unwrap();
                prop_assert!(sch.holidays.is_working_day(pay.date));
            }
        }
    }
}

#[test]
fn christmas_2026_paydays_move_before_the_holiday_in_the_docs_example() {
    // Keep in step with docs/budget.md, "Public holidays".
    let schedule = |holidays, weekend| PaySchedule {
        holidays,
        weekend,
        ..biweekly(1, 200_000, date(2026, 12, 11))
    };
    let rent = [monthly_bill(2, "Rent", 180_000, 1)];
    let uk_back = schedule(
        HolidayCalendar::UkEnglandWales,
        WeekendRule::PreviousBusinessDay,
    );
    let s = summary(date(2026, 12, 14), 2, &[uk_back], &rent, &[], None);
    assert_eq!(s.next_payday, Some(date(2026, 12, 24)));
    assert_eq!(
        bounds(&s),
        [
            (date(2026, 12, 14), date(2026, 12, 24)),
            (date(2026, 12, 24), date(2027, 1, 8))
        ]
    );
    assert_eq!(due_dates(&s.periods[1]), [date(2027, 1, 1)]);

    let uk_forward = schedule(
        HolidayCalendar::UkEnglandWales,
        WeekendRule::NextBusinessDay,
    );
    let s = summary(date(2026, 12, 14), 2, &[uk_forward], &rent, &[], None);
    assert_eq!(s.next_payday, Some(date(2026, 12, 29)));
    let us_forward = schedule(HolidayCalendar::UsFederal, WeekendRule::NextBusinessDay);
    let s = summary(date(2026, 12, 14), 2, &[us_forward], &rent, &[], None);
    assert_eq!(s.next_payday, Some(date(2026, 12, 28)));
}

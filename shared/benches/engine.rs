//! Benchmarks the set-aside engine on a heavy budget: 500 bills over 26 pay periods. `one_year` is bi-weekly pay
//! (26 periods = 364 days, the longest horizon a summary can have with bi-weekly pay); `two_jobs` adds a
//! semi-monthly schedule, so the same 26 periods span about seven months. Both carry a balance and some marks.
//!
//! Run: `cargo bench -p shared --bench engine -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;

use chrono::{DateTime, Days, NaiveDate, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use shared::budget::{
    Bill, DayOfMonth, Frequency, HolidayCalendar, MAX_PERIODS, OccurrenceMark, OccurrenceStatus,
    PaySchedule, Recurrence, SummaryInput, WeekendRule, summarize,
};
use uuid::Uuid;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2025-11-01T00:00:00Z")
        .unwrap()
        .to_utc()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn schedules(two_jobs: bool) -> Vec<PaySchedule> {
    let base = PaySchedule {
        id: Uuid::from_u128(1),
        name: "Main job".into(),
        amount: 250_000,
        frequency: Frequency::Biweekly,
        anchor_date: Some(date(2025, 11, 14)),
        days: None,
        day: None,
        weekend: WeekendRule::None,
        payday_overrides: Vec::new(),
        holidays: HolidayCalendar::None,
        created_at: now(),
        updated_at: now(),
        version: 1,
    };
    let side = PaySchedule {
        id: Uuid::from_u128(2),
        name: "Side job".into(),
        amount: 60_000,
        frequency: Frequency::Semimonthly,
        anchor_date: None,
        days: Some([DayOfMonth::Day(15), DayOfMonth::Last]),
        weekend: WeekendRule::PreviousBusinessDay,
        ..base.clone()
    };
    if two_jobs {
        vec![base, side]
    } else {
        vec![base]
    }
}

/// 500 bills: mostly monthly, with weekly, bi-weekly, quarterly, yearly and one-off bills mixed in.
fn bills() -> Vec<Bill> {
    (0..500u32)
        .map(|i| {
            let anchor = date(2025, 1, 1) + Days::new(u64::from(i % 365));
            let recurrence = match i % 10 {
                0 => Recurrence::Weekly { anchor },
                1 => Recurrence::Biweekly { anchor },
                2 => Recurrence::Quarterly { anchor },
                3 => Recurrence::Yearly {
                    month: (i % 12 + 1) as u8,
                    day: DayOfMonth::Day((i % 31 + 1) as u8),
                },
                4 => Recurrence::Once {
                    date: anchor + Days::new(330),
                },
                9 => Recurrence::Monthly {
                    day: DayOfMonth::Last,
                },
                _ => Recurrence::Monthly {
                    day: DayOfMonth::Day((i % 31 + 1) as u8),
                },
            };
            Bill {
                id: Uuid::from_u128(1000 + u128::from(i)),
                name: format!("Bill {i:03}"),
                amount: 1_000 + i64::from(i) * 37,
                category: (i % 3 == 0).then(|| "Utilities".to_owned()),
                autopay: i % 2 == 0,
                recurrence,
                starts_on: None,
                ends_on: None,
                created_at: now(),
                updated_at: now(),
                version: 1,
            }
        })
        .collect()
}

/// Every fifth bill's next occurrence marked paid.
fn marks(bills: &[Bill], as_of: NaiveDate) -> Vec<OccurrenceMark> {
    bills
        .iter()
        .step_by(5)
        .filter_map(|b| {
            b.next_occurrences(as_of, 1)
                .first()
                .copied()
                .map(|d| (b, d))
        })
        .map(|(b, due_on)| OccurrenceMark {
            bill_id: b.id,
            due_on,
            status: OccurrenceStatus::Paid,
            amount_paid: None,
            updated_at: now(),
        })
        .collect()
}

fn engine(c: &mut Criterion) {
    let as_of = date(2025, 11, 20);
    let bills = bills();
    let marks = marks(&bills, as_of);
    for (label, two_jobs) in [("one_year", false), ("two_jobs", true)] {
        let schedules = schedules(two_jobs);
        let input = SummaryInput {
            as_of,
            periods: MAX_PERIODS,
            utc_offset: chrono::FixedOffset::east_opt(0).unwrap(),
            currency: "USD",
            schedules: &schedules,
            bills: &bills,
            marks: &marks,
            balance: Some(500_000),
            balance_on: Some(as_of - chrono::Days::new(10)),
        };
        let summary = summarize(&input);
        let occurrences: usize = summary.periods.iter().map(|p| p.bills.len()).sum();
        let days = (summary.periods.last().unwrap().end - as_of).num_days();
        println!(
            "{label}: 500 bills, {MAX_PERIODS} periods over {days} days, {occurrences} occurrences"
        );

        c.bench_function(
            &format!("summarize 500 bills x 26 periods ({label})"),
            |b| b.iter(|| summarize(black_box(&input))),
        );
    }
}

criterion_group!(benches, engine);
criterion_main!(benches);

//! `FromJson` (the web UI's reader) against serde (the server's writer): every response type the UI reads must
//! read back exactly what the server writes, including every enum variant and every `Recurrence` kind.

use std::collections::BTreeMap;
use std::fmt::Debug;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde_json::json;
use shared::ApiError;
use shared::Page;
use shared::auth::{Me, TokenResponse};
use shared::budget::{
    Bill, BudgetSummary, DayOfMonth, Frequency, HolidayCalendar, OccurrenceMark, OccurrenceStatus,
    PaySchedule, Recurrence, Settings, SummaryInput, WeekendRule, summarize,
};
use shared::tasks::{Priority, Task};
use shared::wire::{FromJson, from_str};
use uuid::Uuid;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().to_utc()
}

/// serde writes `value`; `FromJson` must read the same value back, from the parsed tree and from the text.
fn round_trips<T: Serialize + FromJson + PartialEq + Debug>(value: &T) {
    let written = serde_json::to_value(value).unwrap();
    assert_eq!(T::from_json(&written).as_ref(), Some(value), "{written}");
    let text = serde_json::to_string(value).unwrap();
    assert_eq!(from_str::<T>(&text).as_ref(), Some(value), "{text}");
}

fn task(n: u128, done: bool) -> Task {
    Task {
        id: Uuid::from_u128(n),
        title: format!("Task {n} — “quoted” ✓"),
        notes: "line one\nline two".into(),
        due_on: n.is_multiple_of(2).then(|| date(2026, 11, 28)),
        priority: Priority::ALL[n as usize % 5],
        completed_at: done.then(|| at("2026-11-21T10:00:00.123456Z")),
        created_at: at("2026-11-20T08:30:00Z"),
        updated_at: at("2026-11-21T09:15:42.5+00:00"),
        version: n as u64,
    }
}

fn recurrences() -> Vec<Recurrence> {
    vec![
        Recurrence::Once {
            date: date(2026, 12, 1),
        },
        Recurrence::Weekly {
            anchor: date(2026, 11, 6),
        },
        Recurrence::Biweekly {
            anchor: date(2026, 11, 13),
        },
        Recurrence::Monthly {
            day: DayOfMonth::Day(15),
        },
        Recurrence::Monthly {
            day: DayOfMonth::Last,
        },
        Recurrence::Quarterly {
            anchor: date(2026, 1, 31),
        },
        Recurrence::Yearly {
            month: 2,
            day: DayOfMonth::Last,
        },
        Recurrence::EveryNMonths {
            every: 6,
            anchor: date(2026, 3, 15),
        },
        Recurrence::EveryNWeeks {
            every: 3,
            anchor: date(2026, 3, 6),
        },
    ]
}

fn bills() -> Vec<Bill> {
    recurrences()
        .into_iter()
        .enumerate()
        .map(|(i, recurrence)| Bill {
            id: Uuid::from_u128(100 + i as u128),
            name: format!("Bill {i}"),
            amount: 12_345 * (i as i64 + 1),
            category: (i % 2 == 0).then(|| "Home".to_owned()),
            autopay: i % 3 == 0,
            recurrence,
            starts_on: (i == 1).then(|| date(2026, 1, 1)),
            ends_on: (i == 2).then(|| date(2027, 6, 30)),
            created_at: at("2026-11-01T00:00:00Z"),
            updated_at: at("2026-11-02T00:00:00Z"),
            version: i as u64,
        })
        .collect()
}

fn schedules() -> Vec<PaySchedule> {
    let base = |id: u128, frequency, weekend| PaySchedule {
        id: Uuid::from_u128(id),
        name: format!("Pay {id}"),
        amount: 250_000,
        frequency,
        anchor_date: None,
        days: None,
        day: None,
        weekend,
        holidays: HolidayCalendar::None,
        created_at: at("2026-11-01T00:00:00Z"),
        updated_at: at("2026-11-01T00:00:00Z"),
        version: 1,
    };
    vec![
        PaySchedule {
            anchor_date: Some(date(2026, 11, 6)),
            ..base(1, Frequency::Weekly, WeekendRule::None)
        },
        PaySchedule {
            anchor_date: Some(date(2026, 11, 13)),
            ..base(2, Frequency::Biweekly, WeekendRule::PreviousBusinessDay)
        },
        PaySchedule {
            days: Some([DayOfMonth::Day(15), DayOfMonth::Last]),
            ..base(3, Frequency::Semimonthly, WeekendRule::NextBusinessDay)
        },
        PaySchedule {
            day: Some(DayOfMonth::Day(1)),
            ..base(4, Frequency::Monthly, WeekendRule::None)
        },
        PaySchedule {
            day: Some(DayOfMonth::Day(25)),
            holidays: HolidayCalendar::UkEnglandWales,
            ..base(5, Frequency::Monthly, WeekendRule::PreviousBusinessDay)
        },
        PaySchedule {
            anchor_date: Some(date(2026, 12, 11)),
            holidays: HolidayCalendar::UsFederal,
            ..base(6, Frequency::Biweekly, WeekendRule::NextBusinessDay)
        },
    ]
}

fn marks() -> Vec<OccurrenceMark> {
    vec![
        OccurrenceMark {
            bill_id: Uuid::from_u128(103),
            due_on: date(2026, 12, 15),
            status: OccurrenceStatus::Paid,
            amount_paid: Some(40_000),
            updated_at: at("2026-11-21T10:00:00Z"),
        },
        OccurrenceMark {
            bill_id: Uuid::from_u128(101),
            due_on: date(2026, 11, 27),
            status: OccurrenceStatus::Skipped,
            amount_paid: None,
            updated_at: at("2026-11-21T10:00:00Z"),
        },
    ]
}

#[test]
fn tasks_and_pages_read_back() {
    let items: Vec<Task> = (0..6).map(|n| task(n, n % 3 == 0)).collect();
    round_trips(&Page {
        items: items.clone(),
        next_cursor: Some("opaque==".into()),
    });
    round_trips(&Page {
        items,
        next_cursor: None,
    });
    round_trips(&Page::<Task> {
        items: vec![],
        next_cursor: None,
    });
}

#[test]
fn bills_with_every_recurrence_kind_read_back() {
    for bill in bills() {
        round_trips(&bill);
    }
    round_trips(&Page {
        items: bills(),
        next_cursor: None,
    });
}

#[test]
fn pay_schedules_with_every_frequency_and_weekend_rule_read_back() {
    round_trips(&Page {
        items: schedules(),
        next_cursor: None,
    });
}

#[test]
fn a_pay_schedule_saved_before_holiday_calendars_reads_as_none() {
    let mut old = serde_json::to_value(&schedules()[1]).unwrap();
    old.as_object_mut().unwrap().remove("holidays");
    let read = PaySchedule::from_json(&old).unwrap();
    assert_eq!(read.holidays, HolidayCalendar::None);
    assert_eq!(serde_json::from_value::<PaySchedule>(old).unwrap(), read);
}

#[test]
fn a_full_budget_summary_reads_back() {
    let bills = bills();
    let schedules = schedules();
    let marks = marks();
    for balance in [None, Some(-5_000), Some(1_000_000)] {
        let summary: BudgetSummary = summarize(&SummaryInput {
            as_of: date(2026, 11, 21),
            periods: 6,
            utc_offset: chrono::FixedOffset::east_opt(0).unwrap(),
            currency: "USD",
            schedules: &schedules,
            bills: &bills,
            marks: &marks,
            balance,
        });
        assert!(summary.periods.iter().any(|p| !p.bills.is_empty()));
        assert!(summary.periods.iter().any(|p| !p.paychecks.is_empty()));
        assert!(!summary.reserves.is_empty());
        assert_eq!(summary.lowest_balance.is_some(), balance.is_some());
        round_trips(&summary);
    }
    for mark in marks {
        round_trips(&mark);
    }
}

#[test]
fn settings_accounts_and_errors_read_back() {
    for current_balance in [None, Some(-1), Some(123_456_789_012)] {
        round_trips(&Settings {
            currency: "JPY".into(),
            time_zone: "America/Chicago".into(),
            current_balance,
            updated_at: at("2026-11-21T10:00:00Z"),
            version: 3,
        });
    }
    round_trips(&TokenResponse {
        access_token: "a.b.c".into(),
        token_type: "Bearer".into(),
        expires_in: 900,
        refresh_token: "r".into(),
    });
    round_trips(&Me {
        id: Uuid::from_u128(7),
        email: Some("ana@example.com".into()),
        name: None,
        created_at: Some(at("2026-01-01T00:00:00Z")),
    });
    let fields = BTreeMap::from([("recurrence.day".to_owned(), "Pick a day".to_owned())]);
    for fields in [None, Some(fields)] {
        round_trips(&ApiError {
            code: "validation_failed".into(),
            message: "Check the fields".into(),
            request_id: Some("req-1".into()),
            fields,
        });
    }
}

#[test]
fn every_unit_variant_reads_back() {
    for priority in Priority::ALL {
        round_trips(&priority);
    }
    for frequency in [
        Frequency::Weekly,
        Frequency::Biweekly,
        Frequency::Semimonthly,
        Frequency::Monthly,
    ] {
        round_trips(&frequency);
    }
    for rule in [
        WeekendRule::None,
        WeekendRule::PreviousBusinessDay,
        WeekendRule::NextBusinessDay,
    ] {
        round_trips(&rule);
    }
    for status in [
        OccurrenceStatus::Due,
        OccurrenceStatus::Paid,
        OccurrenceStatus::Skipped,
    ] {
        round_trips(&status);
    }
    assert_eq!(
        from_str::<WeekendRule>(r#""previous_business_day""#),
        Some(WeekendRule::PreviousBusinessDay)
    );
}

#[test]
fn reading_is_tolerant_of_extra_fields_but_not_of_missing_or_mistyped_ones() {
    let mut written = serde_json::to_value(task(2, true)).unwrap();
    written["added_in_a_later_version"] = json!({"nested": [1, 2]});
    assert_eq!(Task::from_json(&written), Some(task(2, true)));

    let mut no_due = written.clone();
    no_due.as_object_mut().unwrap().remove("due_on");
    assert_eq!(
        Task::from_json(&no_due).map(|t| t.due_on),
        Some(None),
        "a missing Option is None"
    );

    let mut no_title = written.clone();
    no_title.as_object_mut().unwrap().remove("title");
    assert_eq!(Task::from_json(&no_title), None);

    for (field, wrong) in [
        ("version", json!(-1)),
        ("version", json!(1.5)),
        ("priority", json!("severe")),
        ("due_on", json!("2026-02-30")),
        ("created_at", json!("yesterday")),
        ("id", json!("not-a-uuid")),
        ("title", json!(null)),
    ] {
        let mut bad = written.clone();
        bad[field] = wrong.clone();
        assert_eq!(Task::from_json(&bad), None, "{field}: {wrong}");
    }
    assert_eq!(from_str::<Task>("{"), None);
    assert_eq!(from_str::<Task>("[]"), None);
}

#[test]
fn recurrence_and_day_of_month_reject_what_serde_rejects() {
    for bad in [
        json!({"kind": "monthly"}),
        json!({"kind": "monthly", "day": 15, "anchor": "2026-01-01"}),
        json!({"kind": "fortnightly", "anchor": "2026-01-01"}),
        json!({"kind": "yearly", "day": 1}),
        json!({"kind": "every_n_months", "anchor": "2026-03-15"}),
        json!({"kind": "every_n_weeks", "every": 3}),
        json!({"kind": "every_n_weeks", "every": 3, "anchor": "2026-03-06", "day": 6}),
        json!({"kind": "monthly", "day": 15, "every": 2}),
        json!({"kind": "every_n_months", "every": 256, "anchor": "2026-03-15"}),
        json!({"kind": "monthly", "day": 256}),
        json!({"kind": "monthly", "day": "first"}),
        json!({"day": 15}),
    ] {
        assert_eq!(Recurrence::from_json(&bad), None, "{bad}");
        assert!(
            serde_json::from_value::<Recurrence>(bad.clone()).is_err(),
            "{bad}"
        );
    }
    assert_eq!(
        DayOfMonth::from_json(&json!("last")),
        Some(DayOfMonth::Last)
    );
    assert_eq!(DayOfMonth::from_json(&json!(31)), Some(DayOfMonth::Day(31)));
    assert_eq!(DayOfMonth::from_json(&json!(-1)), None);
}

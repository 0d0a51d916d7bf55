//! The models behind the recurrence pickers for bills and pay schedules. A draft always holds a complete, valid
//! choice (a date is never missing, a day is 1–31 or "last", a month 1–12, the two semi-monthly days differ), so
//! the form can only produce requests the API accepts; switching kind keeps what the user picked for other kinds.
//! Previews run the `shared` engine on the draft, exactly as the server will.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use shared::Money;
use shared::budget::{
    Bill, CreateBill, CreatePaySchedule, DayOfMonth, Frequency, HolidayCalendar, PaySchedule,
    Recurrence, UpdateBill, UpdatePaySchedule, WeekendRule,
};
use uuid::Uuid;

use crate::format::{MONTH_NAMES, date_near, ordinal, weekday_name};

/// How many dates a preview shows.
pub const PREVIEW: usize = 5;

/// The kinds a bill can recur by, in picker order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BillKind {
    Monthly,
    Weekly,
    Biweekly,
    Quarterly,
    Yearly,
    EveryNMonths,
    EveryNWeeks,
    Once,
}

impl BillKind {
    pub const ALL: [BillKind; 8] = [
        BillKind::Monthly,
        BillKind::Weekly,
        BillKind::Biweekly,
        BillKind::Quarterly,
        BillKind::Yearly,
        BillKind::EveryNMonths,
        BillKind::EveryNWeeks,
        BillKind::Once,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            BillKind::Monthly => "monthly",
            BillKind::Weekly => "weekly",
            BillKind::Biweekly => "biweekly",
            BillKind::Quarterly => "quarterly",
            BillKind::Yearly => "yearly",
            BillKind::EveryNMonths => "every_n_months",
            BillKind::EveryNWeeks => "every_n_weeks",
            BillKind::Once => "once",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            BillKind::Monthly => "Every month",
            BillKind::Weekly => "Every week",
            BillKind::Biweekly => "Every two weeks",
            BillKind::Quarterly => "Every three months",
            BillKind::Yearly => "Every year",
            BillKind::EveryNMonths => "Every few months",
            BillKind::EveryNWeeks => "Every few weeks",
            BillKind::Once => "Just once",
        }
    }

    pub fn parse(value: &str) -> BillKind {
        BillKind::ALL
            .into_iter()
            .find(|k| k.as_str() == value)
            .unwrap_or(BillKind::Monthly)
    }

    /// `true` when the picker shows a date (once, weekly, bi-weekly, quarterly and every N take one).
    pub fn uses_date(self) -> bool {
        !matches!(self, BillKind::Monthly | BillKind::Yearly)
    }

    /// The largest "every N" this kind takes (`None`: it has no N).
    pub fn every_max(self) -> Option<u8> {
        match self {
            BillKind::EveryNMonths => Some(shared::budget::bill::EVERY_MONTHS_MAX),
            BillKind::EveryNWeeks => Some(shared::budget::bill::EVERY_WEEKS_MAX),
            _ => None,
        }
    }
}

/// A day-of-month choice as the `<select>` value: `"1"`…`"31"` or `"last"`.
pub fn day_value(day: DayOfMonth) -> String {
    day.to_string()
}

/// Parses a `<select>` value back; anything unexpected becomes the 1st (the select offers nothing else).
pub fn parse_day(value: &str) -> DayOfMonth {
    match value {
        "last" => DayOfMonth::Last,
        n => DayOfMonth::Day(n.parse().ok().filter(|d| (1..=31).contains(d)).unwrap_or(1)),
    }
}

/// `15th`, `last day`.
pub fn day_label(day: DayOfMonth) -> String {
    match day {
        DayOfMonth::Day(d) => ordinal(d),
        DayOfMonth::Last => "last day".into(),
    }
}

/// The days a month-day picker offers for `month` (1–12, or `None` for "any month"): 1…max and "last".
pub fn day_options(month: Option<u8>) -> Vec<DayOfMonth> {
    let max = match month {
        Some(2) => 29,
        Some(4 | 6 | 9 | 11) => 30,
        _ => 31,
    };
    (1..=max)
        .map(DayOfMonth::Day)
        .chain([DayOfMonth::Last])
        .collect()
}

/// The bill recurrence picker's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BillDraft {
    pub kind: BillKind,
    /// The date for once / weekly / bi-weekly (anchor) / quarterly (anchor).
    pub date: NaiveDate,
    /// Day of month for monthly and yearly.
    pub day: DayOfMonth,
    /// Month for yearly, 1–12.
    pub month: u8,
    /// N for every N months (1–12) or weeks (1–52), as typed; `None` while the field is empty or not a number.
    pub every: Option<u8>,
}

impl BillDraft {
    /// A monthly bill on today's day of month; other kinds default around today too.
    pub fn new(today: NaiveDate) -> BillDraft {
        BillDraft {
            kind: BillKind::Monthly,
            date: today,
            day: DayOfMonth::Day(today.day() as u8),
            month: today.month() as u8,
            every: Some(2),
        }
    }

    pub fn from_recurrence(recurrence: Recurrence, today: NaiveDate) -> BillDraft {
        let mut draft = BillDraft::new(today);
        match recurrence {
            Recurrence::Once { date } => {
                draft.kind = BillKind::Once;
                draft.date = date;
            }
            Recurrence::Weekly { anchor } => {
                draft.kind = BillKind::Weekly;
                draft.date = anchor;
            }
            Recurrence::Biweekly { anchor } => {
                draft.kind = BillKind::Biweekly;
                draft.date = anchor;
            }
            Recurrence::Quarterly { anchor } => {
                draft.kind = BillKind::Quarterly;
                draft.date = anchor;
            }
            Recurrence::Monthly { day } => {
                draft.kind = BillKind::Monthly;
                draft.day = day;
            }
            Recurrence::Yearly { month, day } => {
                draft.kind = BillKind::Yearly;
                draft.month = month.clamp(1, 12);
                draft.day = day;
            }
            Recurrence::EveryNMonths { every, anchor } => {
                draft.kind = BillKind::EveryNMonths;
                draft.every = Some(every);
                draft.date = anchor;
            }
            Recurrence::EveryNWeeks { every, anchor } => {
                draft.kind = BillKind::EveryNWeeks;
                draft.every = Some(every);
                draft.date = anchor;
            }
        }
        draft
    }

    /// Changes the yearly month, pulling the day into range (Feb 31 becomes Feb's last day).
    pub fn set_month(&mut self, month: u8) {
        self.month = month.clamp(1, 12);
        if let DayOfMonth::Day(d) = self.day
            && !day_options(Some(self.month)).contains(&DayOfMonth::Day(d))
        {
            self.day = DayOfMonth::Last;
        }
    }

    /// The recurrence this draft stands for. Every draft is a recurrence; only an "every N" outside its range (or
    /// not typed) is one the shared rules refuse, with the message shown next to the field ([`BillDraft::every_problem`]).
    pub fn recurrence(&self) -> Recurrence {
        match self.kind {
            BillKind::Once => Recurrence::Once { date: self.date },
            BillKind::Weekly => Recurrence::Weekly { anchor: self.date },
            BillKind::Biweekly => Recurrence::Biweekly { anchor: self.date },
            BillKind::Quarterly => Recurrence::Quarterly { anchor: self.date },
            BillKind::Monthly => Recurrence::Monthly { day: self.day },
            BillKind::Yearly => Recurrence::Yearly {
                month: self.month,
                day: self.day,
            },
            BillKind::EveryNMonths => Recurrence::EveryNMonths {
                every: self.every.unwrap_or(0),
                anchor: self.date,
            },
            BillKind::EveryNWeeks => Recurrence::EveryNWeeks {
                every: self.every.unwrap_or(0),
                anchor: self.date,
            },
        }
    }

    /// What is wrong with the "every N" field, in the words the field shows (`None` when fine or not asked).
    pub fn every_problem(&self) -> Option<String> {
        let max = self.kind.every_max()?;
        let unit = if self.kind == BillKind::EveryNMonths {
            "months"
        } else {
            "weeks"
        };
        match self.every {
            Some(n) if (1..=max).contains(&n) => None,
            _ => Some(format!("Enter a whole number of {unit} from 1 to {max}.")),
        }
    }

    /// What the date field is called for this kind.
    pub fn date_label(&self) -> &'static str {
        match self.kind {
            BillKind::Once => "Due on",
            BillKind::Quarterly => "One due date (then every 3 months)",
            BillKind::EveryNMonths => "One due date (then every N months)",
            _ => "One due date (sets the weekday)",
        }
    }
}

/// "Monthly on the 1st", "Every other Friday", "Once, on Fri 28 Nov" (with the year when it is not `today`'s).
pub fn describe_recurrence(recurrence: Recurrence, today: NaiveDate) -> String {
    match recurrence {
        Recurrence::Once { date } => format!("Once, on {}", date_near(date, today)),
        Recurrence::Weekly { anchor } => format!("Every {}", weekday_name(anchor.weekday())),
        Recurrence::Biweekly { anchor } => {
            format!("Every other {}", weekday_name(anchor.weekday()))
        }
        Recurrence::Monthly { day } => format!("Monthly on the {}", day_label(day)),
        Recurrence::Quarterly { anchor } => {
            format!("Every 3 months on the {}", ordinal(anchor.day() as u8))
        }
        Recurrence::EveryNMonths { every, anchor } => format!(
            "Every {} on the {}",
            plural(every, "month"),
            ordinal(anchor.day() as u8)
        ),
        Recurrence::EveryNWeeks { every, anchor } => format!(
            "Every {} on {}",
            plural(every, "week"),
            weekday_name(anchor.weekday())
        ),
        Recurrence::Yearly { month, day } => format!(
            "Yearly on {} {}",
            MONTH_NAMES[usize::from(month.clamp(1, 12) - 1)],
            match day {
                DayOfMonth::Day(d) => d.to_string(),
                DayOfMonth::Last => "(last day)".into(),
            }
        ),
    }
}

/// "month" for 1, "6 months" otherwise.
fn plural(n: u8, unit: &str) -> String {
    if n == 1 {
        unit.to_owned()
    } else {
        format!("{n} {unit}s")
    }
}

/// The next due dates of a bill that is being edited, bounded by its optional start and end.
pub fn bill_preview(
    recurrence: Recurrence,
    starts_on: Option<NaiveDate>,
    ends_on: Option<NaiveDate>,
    today: NaiveDate,
) -> Vec<NaiveDate> {
    let bill = Bill {
        id: Uuid::nil(),
        name: String::new(),
        amount: 0,
        category: None,
        autopay: false,
        recurrence,
        starts_on,
        ends_on,
        created_at: DateTime::<Utc>::default(),
        updated_at: DateTime::<Utc>::default(),
        version: 0,
    };
    bill.next_occurrences(today, PREVIEW)
}

/// A complete bill form, as the request bodies need it.
#[derive(Debug, Clone, PartialEq)]
pub struct BillForm {
    pub name: String,
    pub amount: Money,
    pub category: Option<String>,
    pub autopay: bool,
    pub draft: BillDraft,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
}

impl BillForm {
    pub fn create(&self) -> CreateBill {
        CreateBill {
            name: self.name.trim().to_owned(),
            amount: self.amount,
            category: self.category.clone().filter(|c| !c.trim().is_empty()),
            autopay: self.autopay,
            recurrence: self.draft.recurrence(),
            starts_on: self.starts_on,
            ends_on: self.ends_on,
        }
    }

    /// A full replacement patch (every field sent; `null` clears optional ones).
    pub fn update(&self, version: u64) -> UpdateBill {
        UpdateBill {
            name: Some(self.name.trim().to_owned()),
            amount: Some(self.amount),
            category: Some(self.category.clone().filter(|c| !c.trim().is_empty())),
            autopay: Some(self.autopay),
            recurrence: Some(self.draft.recurrence()),
            starts_on: Some(self.starts_on),
            ends_on: Some(self.ends_on),
            version: Some(version),
        }
    }
}

/// The pay schedule picker's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScheduleDraft {
    pub frequency: Frequency,
    /// A real payday, for weekly and bi-weekly.
    pub anchor_date: NaiveDate,
    /// The two days for semi-monthly; kept different by [`ScheduleDraft::set_day`].
    pub days: [DayOfMonth; 2],
    /// The day for monthly.
    pub day: DayOfMonth,
    pub weekend: WeekendRule,
    /// Public holidays that move a payday like a weekend (only with a weekend rule that moves).
    pub holidays: HolidayCalendar,
}

pub const FREQUENCIES: [Frequency; 4] = [
    Frequency::Biweekly,
    Frequency::Weekly,
    Frequency::Semimonthly,
    Frequency::Monthly,
];

pub fn frequency_label(frequency: Frequency) -> &'static str {
    match frequency {
        Frequency::Weekly => "Every week",
        Frequency::Biweekly => "Every two weeks",
        Frequency::Semimonthly => "Twice a month",
        Frequency::Monthly => "Once a month",
    }
}

pub fn parse_frequency(value: &str) -> Frequency {
    FREQUENCIES
        .into_iter()
        .find(|f| f.as_str() == value)
        .unwrap_or(Frequency::Biweekly)
}

pub const WEEKEND_RULES: [WeekendRule; 3] = [
    WeekendRule::PreviousBusinessDay,
    WeekendRule::NextBusinessDay,
    WeekendRule::None,
];

pub fn weekend_value(rule: WeekendRule) -> &'static str {
    match rule {
        WeekendRule::None => "none",
        WeekendRule::PreviousBusinessDay => "previous_business_day",
        WeekendRule::NextBusinessDay => "next_business_day",
    }
}

pub fn weekend_label(rule: WeekendRule) -> &'static str {
    match rule {
        WeekendRule::None => "Paid on the weekend day",
        WeekendRule::PreviousBusinessDay => "Paid the Friday before",
        WeekendRule::NextBusinessDay => "Paid the Monday after",
    }
}

pub fn parse_weekend(value: &str) -> WeekendRule {
    WEEKEND_RULES
        .into_iter()
        .find(|r| weekend_value(*r) == value)
        .unwrap_or_default()
}

impl ScheduleDraft {
    pub fn new(today: NaiveDate) -> ScheduleDraft {
        ScheduleDraft {
            frequency: Frequency::Biweekly,
            anchor_date: today,
            days: [DayOfMonth::Day(15), DayOfMonth::Last],
            day: DayOfMonth::Day(1),
            weekend: WeekendRule::PreviousBusinessDay,
            holidays: HolidayCalendar::None,
        }
    }

    pub fn from_schedule(schedule: &PaySchedule, today: NaiveDate) -> ScheduleDraft {
        let mut draft = ScheduleDraft::new(today);
        draft.frequency = schedule.frequency;
        draft.weekend = schedule.weekend;
        draft.holidays = schedule.holidays;
        if let Some(anchor) = schedule.anchor_date {
            draft.anchor_date = anchor;
        }
        if let Some(days) = schedule.days {
            draft.days = days;
        }
        if let Some(day) = schedule.day {
            draft.day = day;
        }
        draft
    }

    /// Sets semi-monthly day `which` (0 or 1). If the two days could fall on the same date (equal, or both the
    /// 28th or later: see [`DayOfMonth::can_coincide`]), the other day moves two weeks away (or to the 15th), so the
    /// pair always stays valid.
    pub fn set_day(&mut self, which: usize, day: DayOfMonth) {
        let which = which.min(1);
        let other = 1 - which;
        self.days[which] = day;
        if day.can_coincide(self.days[other]) {
            self.days[other] = match day {
                DayOfMonth::Day(d) if d <= 14 => DayOfMonth::Day(d + 14),
                DayOfMonth::Day(d) if d < 28 => DayOfMonth::Day(d - 14),
                _ => DayOfMonth::Day(15),
            };
        }
    }

    fn fields(
        &self,
    ) -> (
        Option<NaiveDate>,
        Option<[DayOfMonth; 2]>,
        Option<DayOfMonth>,
    ) {
        match self.frequency {
            Frequency::Weekly | Frequency::Biweekly => (Some(self.anchor_date), None, None),
            Frequency::Semimonthly => (None, Some(self.days), None),
            Frequency::Monthly => (None, None, Some(self.day)),
        }
    }

    pub fn create(&self, name: &str, amount: Money) -> CreatePaySchedule {
        let (anchor_date, days, day) = self.fields();
        CreatePaySchedule {
            name: name.trim().to_owned(),
            amount,
            frequency: self.frequency,
            anchor_date,
            days,
            day,
            weekend: Some(self.weekend),
            holidays: Some(self.holidays()),
        }
    }

    /// A patch that sets every field the frequency uses and clears the others.
    pub fn update(&self, name: &str, amount: Money, version: u64) -> UpdatePaySchedule {
        let (anchor_date, days, day) = self.fields();
        UpdatePaySchedule {
            name: Some(name.trim().to_owned()),
            amount: Some(amount),
            frequency: Some(self.frequency),
            anchor_date: Some(anchor_date),
            days: Some(days),
            day: Some(day),
            weekend: Some(self.weekend),
            holidays: Some(self.holidays()),
            version: Some(version),
        }
    }

    /// The holiday calendar as saved: none when paydays are never moved (the API refuses a calendar then).
    pub fn holidays(&self) -> HolidayCalendar {
        if self.weekend == WeekendRule::None {
            HolidayCalendar::None
        } else {
            self.holidays
        }
    }

    /// The next paydays, computed by the shared engine.
    pub fn preview(&self, today: NaiveDate) -> Vec<NaiveDate> {
        let (anchor_date, days, day) = self.fields();
        let schedule = PaySchedule {
            id: Uuid::nil(),
            name: String::new(),
            amount: 1,
            frequency: self.frequency,
            anchor_date,
            days,
            day,
            weekend: self.weekend,
            holidays: self.holidays(),
            payday_overrides: Vec::new(),
            created_at: DateTime::<Utc>::default(),
            updated_at: DateTime::<Utc>::default(),
            version: 0,
        };
        schedule.next_paydays(today, PREVIEW)
    }
}

/// "Every other Friday", "On the 15th and last day", "Monthly on the 1st".
pub fn describe_schedule(schedule: &PaySchedule) -> String {
    match schedule.frequency {
        Frequency::Weekly => schedule.anchor_date.map_or("Weekly".into(), |a| {
            format!("Every {}", weekday_name(a.weekday()))
        }),
        Frequency::Biweekly => schedule.anchor_date.map_or("Every two weeks".into(), |a| {
            format!("Every other {}", weekday_name(a.weekday()))
        }),
        Frequency::Semimonthly => schedule.days.map_or("Twice a month".into(), |[a, b]| {
            format!("On the {} and {}", day_label(a), day_label(b))
        }),
        Frequency::Monthly => schedule.day.map_or("Monthly".into(), |d| {
            format!("Monthly on the {}", day_label(d))
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;
    use shared::FieldErrors;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn server_accepts_bill(draft: BillDraft) -> Result<Bill, FieldErrors> {
        BillForm {
            name: "Rent".into(),
            amount: 100,
            category: None,
            autopay: false,
            draft,
            starts_on: None,
            ends_on: None,
        }
        .create()
        .into_record(Uuid::nil(), DateTime::<Utc>::default())
    }

    #[test]
    fn every_bill_kind_and_day_the_picker_offers_is_accepted_by_the_shared_validation() {
        let today = date(2025, 11, 20);
        for kind in BillKind::ALL {
            for month in 1..=12u8 {
                for day in day_options(Some(month)) {
                    let mut draft = BillDraft::new(today);
                    draft.kind = kind;
                    draft.set_month(month);
                    draft.day = day;
                    assert!(server_accepts_bill(draft).is_ok(), "{draft:?}");
                    assert!(
                        !bill_preview(draft.recurrence(), None, None, today).is_empty()
                            || kind == BillKind::Once
                    );
                }
            }
        }
    }

    #[test]
    fn switching_kind_keeps_the_other_choices() {
        let mut draft = BillDraft::new(date(2025, 11, 20));
        draft.day = DayOfMonth::Last;
        draft.kind = BillKind::Weekly;
        draft.kind = BillKind::Monthly;
        assert_eq!(
            draft.recurrence(),
            Recurrence::Monthly {
                day: DayOfMonth::Last
            }
        );
    }

    #[test]
    fn choosing_february_pulls_day_31_to_the_last_day() {
        let mut draft = BillDraft::new(date(2025, 11, 20));
        draft.kind = BillKind::Yearly;
        draft.day = DayOfMonth::Day(31);
        draft.set_month(2);
        assert_eq!(
            draft.recurrence(),
            Recurrence::Yearly {
                month: 2,
                day: DayOfMonth::Last
            }
        );
        draft.day = DayOfMonth::Day(29);
        draft.set_month(2);
        assert_eq!(draft.day, DayOfMonth::Day(29));
    }

    #[test]
    fn a_draft_round_trips_through_its_recurrence() {
        let today = date(2025, 11, 20);
        for r in [
            Recurrence::Once {
                date: date(2026, 1, 5),
            },
            Recurrence::Weekly {
                anchor: date(2025, 11, 21),
            },
            Recurrence::Biweekly {
                anchor: date(2025, 11, 14),
            },
            Recurrence::Monthly {
                day: DayOfMonth::Day(31),
            },
            Recurrence::Quarterly {
                anchor: date(2025, 3, 31),
            },
            Recurrence::Yearly {
                month: 3,
                day: DayOfMonth::Day(1),
            },
        ] {
            assert_eq!(BillDraft::from_recurrence(r, today).recurrence(), r);
        }
    }

    #[test]
    fn the_bill_preview_is_the_engine_schedule() {
        let today = date(2025, 11, 20);
        let got = bill_preview(
            Recurrence::Monthly {
                day: DayOfMonth::Day(31),
            },
            None,
            None,
            today,
        );
        assert_eq!(
            got,
            [
                date(2025, 11, 30),
                date(2025, 12, 31),
                date(2026, 1, 31),
                date(2026, 2, 28),
                date(2026, 3, 31)
            ]
        );
        let bounded = bill_preview(
            Recurrence::Monthly {
                day: DayOfMonth::Day(1),
            },
            None,
            Some(date(2026, 1, 15)),
            today,
        );
        assert_eq!(bounded, [date(2025, 12, 1), date(2026, 1, 1)]);
    }

    #[test]
    fn semimonthly_days_can_never_collide() {
        let mut draft = ScheduleDraft::new(date(2025, 11, 20));
        draft.frequency = Frequency::Semimonthly;
        for which in 0..2 {
            for day in day_options(None) {
                draft.set_day(which, day);
                assert!(
                    !draft.days[0].can_coincide(draft.days[1]),
                    "{:?}",
                    draft.days
                );
                let ok = draft
                    .create("Pay", 100)
                    .into_record(Uuid::nil(), DateTime::<Utc>::default());
                assert!(ok.is_ok(), "{:?}", draft.days);
            }
        }
    }

    #[test]
    fn every_frequency_produces_a_schedule_the_server_accepts_and_a_patch_that_clears_unused_fields()
     {
        let today = date(2025, 11, 20);
        let stored = ScheduleDraft::new(today)
            .create("Pay", 200_000)
            .into_record(Uuid::nil(), DateTime::<Utc>::default())
            .unwrap();
        for frequency in FREQUENCIES {
            let mut draft = ScheduleDraft::new(today);
            draft.frequency = frequency;
            let created = draft
                .create("Pay", 200_000)
                .into_record(Uuid::nil(), DateTime::<Utc>::default());
            assert!(created.is_ok(), "{frequency:?}");
            let patched = draft
                .update("Pay", 200_000, 1)
                .apply(&stored, DateTime::<Utc>::default());
            assert!(patched.is_ok(), "{frequency:?}");
            assert_eq!(draft.preview(today).len(), PREVIEW);
        }
    }

    #[test]
    fn the_schedule_preview_applies_the_weekend_rule() {
        // Sat 29 Nov 2025 → Fri 28 Nov with previous_business_day.
        let mut draft = ScheduleDraft::new(date(2025, 11, 20));
        draft.frequency = Frequency::Monthly;
        draft.day = DayOfMonth::Day(29);
        let first = draft.preview(date(2025, 11, 20))[0];
        assert_eq!(first, date(2025, 11, 28));
        assert_eq!(first.weekday(), chrono::Weekday::Fri);
    }

    #[test]
    fn descriptions_read_naturally() {
        let today = date(2025, 11, 21);
        let describe = |r| describe_recurrence(r, today);
        assert_eq!(
            describe(Recurrence::Biweekly {
                anchor: date(2025, 11, 14)
            }),
            "Every other Friday"
        );
        assert_eq!(
            describe(Recurrence::Monthly {
                day: DayOfMonth::Last
            }),
            "Monthly on the last day"
        );
        assert_eq!(
            describe(Recurrence::Yearly {
                month: 3,
                day: DayOfMonth::Day(1)
            }),
            "Yearly on March 1"
        );
        assert_eq!(
            describe(Recurrence::Once {
                date: date(2025, 12, 1)
            }),
            "Once, on Mon 1 Dec"
        );
        assert_eq!(
            describe(Recurrence::Once {
                date: date(2026, 6, 1)
            }),
            "Once, on Mon 1 Jun 2026"
        );
    }

    #[test]
    fn select_values_round_trip() {
        for day in day_options(None) {
            assert_eq!(parse_day(&day_value(day)), day);
        }
        for kind in BillKind::ALL {
            assert_eq!(BillKind::parse(kind.as_str()), kind);
        }
        for f in FREQUENCIES {
            assert_eq!(parse_frequency(f.as_str()), f);
        }
        for r in WEEKEND_RULES {
            assert_eq!(parse_weekend(weekend_value(r)), r);
        }
    }

    #[test]
    fn every_n_drafts_round_trip_and_say_what_is_wrong() {
        let today = date(2026, 12, 4);
        for recurrence in [
            Recurrence::EveryNMonths {
                every: 6,
                anchor: date(2026, 3, 15),
            },
            Recurrence::EveryNWeeks {
                every: 3,
                anchor: date(2026, 3, 6),
            },
        ] {
            let draft = BillDraft::from_recurrence(recurrence, today);
            assert_eq!(draft.recurrence(), recurrence);
            assert_eq!(draft.every_problem(), None);
            assert!(server_accepts_bill(draft).is_ok(), "{recurrence:?}");
        }
        let mut draft = BillDraft::new(today);
        draft.kind = BillKind::EveryNWeeks;
        draft.every = Some(53);
        assert_eq!(
            draft.every_problem().as_deref(),
            Some("Enter a whole number of weeks from 1 to 52.")
        );
        draft.every = None;
        assert!(draft.every_problem().is_some(), "an empty field is refused");
        draft.kind = BillKind::Monthly;
        assert_eq!(draft.every_problem(), None, "monthly has no N");
        assert_eq!(
            describe_recurrence(
                Recurrence::EveryNMonths {
                    every: 6,
                    anchor: date(2026, 3, 15)
                },
                today
            ),
            "Every 6 months on the 15th"
        );
        assert_eq!(
            describe_recurrence(
                Recurrence::EveryNWeeks {
                    every: 1,
                    anchor: date(2026, 3, 6)
                },
                today
            ),
            "Every week on Friday"
        );
    }

    #[test]
    fn a_holiday_calendar_is_saved_only_with_a_weekend_rule_that_moves_paydays() {
        let mut draft = ScheduleDraft::new(date(2026, 12, 4));
        draft.holidays = HolidayCalendar::UkEnglandWales;
        assert_eq!(
            draft.create("Salary", 100).holidays,
            Some(HolidayCalendar::UkEnglandWales)
        );
        draft.weekend = WeekendRule::None;
        assert_eq!(
            draft.create("Salary", 100).holidays,
            Some(HolidayCalendar::None)
        );
    }
}

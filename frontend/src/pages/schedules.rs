//! *Pay schedules* ("Pay"): list, add, edit, delete. The picker shows exactly the fields a frequency uses, keeps
//! semi-monthly days distinct, and previews the next paydays with the shared engine (`PaySchedule::next_paydays`).
//! The list page, rows and form skeleton are the shared ones in `pages/editor.rs`; this file has the schedule's
//! parts.

use chrono::NaiveDate;
use leptos::prelude::*;
use shared::Money;
use shared::budget::{DayOfMonth, Frequency, HolidayCalendar, PaySchedule, WeekendRule};

use crate::format::{date_near, parse_date};
use crate::pages::editor::{
    Checked, DaySelect, Editing, Editor, EditorForm, Item, Kind, ListPage, Summary, records,
};
use crate::recurrence::{
    FREQUENCIES, ScheduleDraft, WEEKEND_RULES, day_label, day_options, describe_schedule,
    frequency_label, parse_frequency, parse_weekend, weekend_label, weekend_value,
};
use crate::ui::{FieldError, ctx, date_problem};

const SCHEDULES: Kind = Kind {
    noun: "pay schedule",
    plural: "pay schedules",
    title: "Pay schedules",
    title_id: "pay-title",
    empty: "No pay schedules yet. Add how you're paid so Payday knows when payday is.",
    testid: "schedule",
    prefix: "pay",
    path: "/api/v1/pay-schedules",
};

/// The pay schedules page.
#[component]
pub fn Schedules() -> impl IntoView {
    let ctx = ctx();
    let schedules = RwSignal::new(Vec::<PaySchedule>::new());
    let editing: Editing = RwSignal::new(None);
    let currency = Signal::derive(move || ctx.currency());
    let today = ctx.today();
    let add_form = Callback::new(move |on_done| {
        view! { <ScheduleEditor existing=None schedules on_done /> }.into_any()
    });
    view! {
        <ListPage kind=&SCHEDULES records=records(schedules) editing add_form>
            // Keyed on the id and version: a row is rebuilt when its schedule changes, and only then.
            <For each=move || schedules.get() key=|s| (s.id, s.version) let:schedule>
                <ScheduleItem schedule schedules editing currency today />
            </For>
        </ListPage>
    }
}

/// One schedule's `<li>`: its summary, or its editor.
#[component]
fn ScheduleItem(
    schedule: PaySchedule,
    schedules: RwSignal<Vec<PaySchedule>>,
    editing: Editing,
    currency: Signal<String>,
    today: NaiveDate,
) -> impl IntoView {
    let id = schedule.id;
    let shown = schedule.clone();
    let summary = ViewFn::from(move || {
        view! { <ScheduleSummary schedule=shown.clone() schedules editing currency today /> }
    });
    let editor = Callback::new(move |on_done| {
        view! { <ScheduleEditor existing=Some(schedule.clone()) schedules on_done /> }.into_any()
    });
    view! { <Item kind=&SCHEDULES editing id summary editor /> }
}

/// A schedule's name, frequency and next three paydays, amount and actions.
#[component]
fn ScheduleSummary(
    schedule: PaySchedule,
    schedules: RwSignal<Vec<PaySchedule>>,
    editing: Editing,
    currency: Signal<String>,
    today: NaiveDate,
) -> impl IntoView {
    let next = schedule.next_paydays(today, 3);
    let next = (!next.is_empty()).then(|| {
        let dates: Vec<String> = next.iter().map(|d| date_near(*d, today)).collect();
        format!(" · next {}", dates.join(", "))
    });
    view! {
        <Summary
            kind=&SCHEDULES
            records=records(schedules)
            editing
            id=schedule.id
            name=schedule.name.clone()
            amount=schedule.amount
            currency
        >
            <p class="meta">{describe_schedule(&schedule)}{next}</p>
        </Summary>
    }
}

/// Add or edit form. Escape or Cancel closes it.
#[component]
fn ScheduleEditor(
    existing: Option<PaySchedule>,
    schedules: RwSignal<Vec<PaySchedule>>,
    on_done: Callback<()>,
) -> impl IntoView {
    let ed = Editor::new(
        &SCHEDULES,
        existing.as_ref().map(|s| (s.id, s.name.as_str(), s.amount)),
    );
    let today = ed.today;
    let currency = ctx().currency();
    let draft = RwSignal::new(existing.as_ref().map_or(ScheduleDraft::new(today), |s| {
        ScheduleDraft::from_schedule(s, today)
    }));
    let preview = Memo::new(move |_| draft.get().preview(today));
    let version = existing.as_ref().map(|s| s.version);
    let name = ed.name;
    let anchor_id = ed.id("anchor");
    let check = Callback::new(move |amount: Money| -> Checked {
        let d = draft.get_untracked();
        let name = name.get_untracked();
        let mut problems = Vec::new();
        // The shared rules, checked before the round trip.
        if let Err(errors) = d
            .create(&name, amount)
            .into_record(uuid::Uuid::nil(), crate::ui::now())
        {
            problems.extend(errors.into_map());
        }
        // What the browser holds, not the draft's last good date: a date typed as 02/30/2026 blocks the save.
        if let Some(problem) = date_problem(&anchor_id) {
            problems.push(("anchor_date".to_owned(), problem));
        }
        let body = match version {
            None => crate::api::to_json(&d.create(&name, amount)),
            Some(version) => crate::api::to_json(&d.update(&name, amount, version)),
        };
        (problems, body)
    });
    view! {
        <EditorForm
            ed
            records=records(schedules)
            on_done
            placeholder="Salary"
            amount_label=format!("Take-home pay per paycheck ({currency})")
            fallback=1
            check
            preview_label="Next paydays: "
            preview
            none=""
        >
            <SchedulePicker ed draft />
        </EditorForm>
    }
}

/// Frequency, then exactly the fields it uses, then the weekend rule.
#[component]
fn SchedulePicker(ed: Editor, draft: RwSignal<ScheduleDraft>) -> impl IntoView {
    let frequency_id = ed.id("frequency");
    let frequency = move || draft.with(|d| d.frequency);
    let option = move |f: Frequency| {
        view! {
            <option value=f.as_str() selected=move || frequency() == f>
                {frequency_label(f)}
            </option>
        }
    };
    view! {
        <fieldset class="picker">
            <legend>"When you're paid"</legend>
            <div class="grid">
                <span>
                    <label for=frequency_id.clone()>"How often"</label>
                    <select
                        id=frequency_id
                        on:change=move |ev| {
                            draft.update(|d| d.frequency = parse_frequency(&event_target_value(&ev)))
                        }
                    >
                        {FREQUENCIES.map(option).collect_view()}
                    </select>
                </span>
                <Show when=move || matches!(frequency(), Frequency::Weekly | Frequency::Biweekly)>
                    <AnchorDate ed draft />
                </Show>
                <Show when=move || frequency() == Frequency::Semimonthly>
                    <SemimonthlyDays ed draft />
                </Show>
                <Show when=move || frequency() == Frequency::Monthly>
                    <span>
                        <label for=ed.id("day")>"Payday"</label>
                        <DaySelect
                            id=ed.id("day")
                            options=day_options(None)
                            value=Signal::derive(move || draft.with(|d| d.day))
                            on_pick=Callback::new(move |day| draft.update(|d| d.day = day))
                        />
                    </span>
                </Show>
                <WeekendSelect id=ed.id("weekend") draft />
                <Show when=move || draft.with(|d| d.weekend != WeekendRule::None)>
                    <HolidaySelect ed draft />
                </Show>
            </div>
            <FieldError id=ed.id("days") message=ed.message("days") />
        </fieldset>
    }
}

/// A real payday, which weekly and bi-weekly paydays keep in step with.
#[component]
fn AnchorDate(ed: Editor, draft: RwSignal<ScheduleDraft>) -> impl IntoView {
    let id = ed.id("anchor");
    // Only a new date is written back to the field (not every change of the draft). A date that does not exist
    // leaves the draft alone and is refused on submit (`date_problem`).
    let anchor = Memo::new(move |_| draft.with(|d| d.anchor_date));
    let pick = move |ev: leptos::ev::Event| {
        if let Some(date) = parse_date(&event_target_value(&ev)) {
            draft.update(|d| d.anchor_date = date);
        }
    };
    view! {
        <span>
            <label for=id.clone()>"A recent or upcoming payday"</label>
            <input
                id=id.clone()
                type="date"
                required=true
                prop:value=move || anchor.get().to_string()
                on:input=pick
                on:change=pick
                aria-describedby=format!("{id}-error")
            />
            <FieldError id message=ed.message("anchor_date") />
        </span>
    }
}

/// The two semi-monthly paydays. Picking one may move the other (two paydays must never fall on the same date);
/// when it does, a note says so, so the change is not silent.
#[component]
fn SemimonthlyDays(ed: Editor, draft: RwSignal<ScheduleDraft>) -> impl IntoView {
    let moved = RwSignal::new(None::<String>);
    let pick = move |which: usize, day: DayOfMonth| {
        let other = 1 - which;
        let before = draft.with_untracked(|d| d.days[other]);
        draft.update(|d| d.set_day(which, day));
        let after = draft.with_untracked(|d| d.days[other]);
        moved.set((before != after).then(|| {
            format!(
                "The {} payday moved to the {}: two paydays cannot fall on the same date \
                 (the 28th and later all fall on February 28).",
                if other == 0 { "first" } else { "second" },
                day_label(after)
            )
        }));
    };
    let payday = move |which: usize| {
        let id = ed.id(if which == 0 { "day0" } else { "day1" });
        view! {
            <span>
                <label for=id.clone()>{if which == 0 { "First payday" } else { "Second payday" }}</label>
                <DaySelect
                    id
                    options=day_options(None)
                    value=Signal::derive(move || draft.with(|d| d.days[which]))
                    on_pick=Callback::new(move |day| pick(which, day))
                />
            </span>
        }
    };
    view! {
        {payday(0)}
        {payday(1)}
        <p class="hint moved" aria-live="polite">
            {move || moved.get().unwrap_or_default()}
        </p>
    }
}

/// What happens when payday falls on a weekend.
#[component]
fn WeekendSelect(id: String, draft: RwSignal<ScheduleDraft>) -> impl IntoView {
    let option = move |r| {
        view! {
            <option value=weekend_value(r) selected=move || draft.with(|d| d.weekend == r)>
                {weekend_label(r)}
            </option>
        }
    };
    view! {
        <span>
            <label for=id.clone()>"If payday falls on a weekend"</label>
            <select
                id=id
                on:change=move |ev| {
                    draft.update(|d| d.weekend = parse_weekend(&event_target_value(&ev)))
                }
            >
                {WEEKEND_RULES.map(option).collect_view()}
            </select>
        </span>
    }
}

/// The public holidays that move a payday like a weekend does (offered only when the weekend rule moves paydays).
#[component]
fn HolidaySelect(ed: Editor, draft: RwSignal<ScheduleDraft>) -> impl IntoView {
    let id = ed.id("holidays");
    let option = move |(calendar, label): (HolidayCalendar, &'static str)| {
        view! {
            <option value=calendar.as_str() selected=move || draft.with(|d| d.holidays == calendar)>
                {label}
            </option>
        }
    };
    view! {
        <span>
            <label for=id.clone()>"Public holidays"</label>
            <select
                id=id.clone()
                aria-describedby=format!("{id}-error")
                on:change=move |ev| {
                    let value = event_target_value(&ev);
                    let calendar = HOLIDAY_CALENDARS
                        .into_iter()
                        .map(|(c, _)| c)
                        .find(|c| c.as_str() == value)
                        .unwrap_or_default();
                    draft.update(|d| d.holidays = calendar);
                }
            >
                {HOLIDAY_CALENDARS.map(option).collect_view()}
            </select>
            <FieldError id message=ed.message("holidays") />
        </span>
    }
}

/// The holiday calendars a schedule can follow, in picker order, with their names.
const HOLIDAY_CALENDARS: [(HolidayCalendar, &str); 3] = [
    (HolidayCalendar::None, "None (weekends only)"),
    (HolidayCalendar::UsFederal, "US federal holidays"),
    (
        HolidayCalendar::UkEnglandWales,
        "UK bank holidays (England and Wales)",
    ),
];

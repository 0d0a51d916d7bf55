//! *Pay schedules* ("Pay"): list, add, edit, delete. The picker shows exactly the fields a frequency uses, keeps
//! semi-monthly days distinct, and previews the next paydays with the shared engine (`PaySchedule::next_paydays`).

use std::rc::Rc;

use shared::budget::{DayOfMonth, Frequency, PaySchedule};
use wasm_bindgen::JsValue;

use crate::dom::{El, View, each, el, show, target_value};
use crate::format::date_near;
use crate::pages::editor::{Editing, Editor, Form, Kind, item, list_page, summary};
use crate::recurrence::{
    FREQUENCIES, ScheduleDraft, WEEKEND_RULES, day_label, day_options, day_value,
    describe_schedule, frequency_label, parse_day, parse_frequency, parse_weekend, weekend_label,
    weekend_value,
};
use crate::rx::{Memo, RwSignal, Signal};
use crate::ui::{ctx, field_error, label, today};

const SCHEDULES: Kind = Kind {
    noun: "pay schedule",
    title: "Pay schedules",
    title_id: "pay-title",
    empty: "No pay schedules yet. Add how you're paid so Payday knows when payday is.",
    testid: "schedule",
    prefix: "pay",
    path: "/api/v1/pay-schedules",
};

pub fn schedules() -> View {
    let ctx = ctx();
    let schedules = RwSignal::new(Vec::<PaySchedule>::new());
    let editing: Editing = RwSignal::new(None);
    let currency = Signal::derive(move || ctx.currency());
    let today = today();
    let row = move |schedule: &PaySchedule| -> El {
        let (shown, for_edit) = (schedule.clone(), schedule.clone());
        item(
            &SCHEDULES,
            editing,
            schedule.id,
            Box::new(move || schedule_row(&shown, schedules, editing, currency, today)),
            Box::new(move |done| schedule_editor(Some(for_edit.clone()), schedules, done)),
        )
    };
    list_page(
        &SCHEDULES,
        Rc::new(schedules),
        editing,
        Rc::new(move |done| schedule_editor(None, schedules, done)),
        // Keyed on the whole record: a row is rebuilt when its schedule changes, and only then.
        Rc::new(move |ul| each(ul, move || schedules.get(), row)),
    )
}

/// A schedule's summary, amount and actions (Edit, Delete with a confirmation).
fn schedule_row(
    schedule: &PaySchedule,
    schedules: RwSignal<Vec<PaySchedule>>,
    editing: Editing,
    currency: Signal<String>,
    today: chrono::NaiveDate,
) -> View {
    let next = schedule.next_paydays(today, 3);
    summary(
        &SCHEDULES,
        Rc::new(schedules),
        editing,
        schedule.id,
        &schedule.name,
        el("p")
            .class("meta")
            .text(&describe_schedule(schedule))
            .child((!next.is_empty()).then(|| {
                format!(
                    " · next {}",
                    next.iter()
                        .map(|d| date_near(*d, today))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })),
        schedule.amount,
        currency,
    )
}

fn schedule_editor(
    existing: Option<PaySchedule>,
    schedules: RwSignal<Vec<PaySchedule>>,
    on_done: Rc<dyn Fn()>,
) -> View {
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
    let check = move |amount, problems: &mut Vec<(String, String)>| {
        let d = draft.get_untracked();
        let name = name.get_untracked();
        if let Err(errors) = d
            .create(&name, amount)
            .into_record(uuid::Uuid::nil(), crate::ui::now())
        {
            problems.extend(errors.into_map());
        }
        match version {
            None => crate::api::to_json(&d.create(&name, amount)),
            Some(version) => crate::api::to_json(&d.update(&name, amount, version)),
        }
    };
    let id = |suffix: &str| ed.id(suffix);
    let frequency = move || draft.with(|d| d.frequency);
    let anchor_id = id("anchor");
    let day_ids = [id("day0"), id("day1")];
    let day_id = id("day");
    let body = el("fieldset")
        .class("picker")
        .child(el("legend").text("When you're paid"))
        .child(
            el("div")
                .class("grid")
                .child(
                    el("span")
                        .child(label(&id("frequency"), "How often"))
                        .child(
                            el("select")
                                .id(&id("frequency"))
                                .on("change", move |ev| {
                                    draft.update(|d| {
                                        d.frequency = parse_frequency(&target_value(&ev))
                                    })
                                })
                                .child(Vec::from(FREQUENCIES.map(|f| {
                                    el("option")
                                        .attr("value", f.as_str())
                                        .flag_dyn("selected", move || frequency() == f)
                                        .text(frequency_label(f))
                                }))),
                        ),
                )
                .child(show(
                    move || matches!(frequency(), Frequency::Weekly | Frequency::Biweekly),
                    move || {
                        el("span")
                            .child(label(&anchor_id, "A recent or upcoming payday"))
                            .child(
                                el("input")
                                    .id(&anchor_id)
                                    .attr("type", "date")
                                    .flag("required", true)
                                    .prop_dyn("value", move || {
                                        JsValue::from_str(
                                            &draft.with(|d| d.anchor_date.to_string()),
                                        )
                                    })
                                    .on("change", move |ev| {
                                        if let Some(date) =
                                            crate::format::parse_date(&target_value(&ev))
                                        {
                                            draft.update(|d| d.anchor_date = date);
                                        }
                                    }),
                            )
                    },
                ))
                .child(show(
                    move || frequency() == Frequency::Semimonthly,
                    move || {
                        // Said when picking one payday moved the other, so the change is not silent.
                        let moved = RwSignal::new(None::<String>);
                        let pick = move |which: usize, day| {
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
                        let mut parts: Vec<El> = (0..2usize)
                            .map(|which| {
                                el("span")
                                    .child(label(
                                        &day_ids[which],
                                        if which == 0 {
                                            "First payday"
                                        } else {
                                            "Second payday"
                                        },
                                    ))
                                    .child(day_select(
                                        &day_ids[which],
                                        Signal::derive(move || draft.with(|d| d.days[which])),
                                        Rc::new(move |day| pick(which, day)),
                                    ))
                            })
                            .collect();
                        parts.push(
                            el("p")
                                .class("hint moved")
                                .attr("aria-live", "polite")
                                .text_dyn(move || moved.get().unwrap_or_default()),
                        );
                        parts
                    },
                ))
                .child(show(
                    move || frequency() == Frequency::Monthly,
                    move || {
                        el("span").child(label(&day_id, "Payday")).child(day_select(
                            &day_id,
                            Signal::derive(move || draft.with(|d| d.day)),
                            Rc::new(move |day| draft.update(|d| d.day = day)),
                        ))
                    },
                ))
                .child(
                    el("span")
                        .child(label(&id("weekend"), "If payday falls on a weekend"))
                        .child(
                            el("select")
                                .id(&id("weekend"))
                                .on("change", move |ev| {
                                    draft.update(|d| d.weekend = parse_weekend(&target_value(&ev)))
                                })
                                .child(Vec::from(WEEKEND_RULES.map(|r| {
                                    el("option")
                                        .attr("value", weekend_value(r))
                                        .flag_dyn("selected", move || {
                                            draft.with(|d| d.weekend == r)
                                        })
                                        .text(weekend_label(r))
                                }))),
                        ),
                ),
        )
        .child(field_error(&id("days"), ed.message("days")));
    ed.form(
        Rc::new(schedules),
        on_done,
        Form {
            placeholder: "Salary",
            amount_label: format!("Take-home pay per paycheck ({currency})"),
            fallback: 1,
            check: Box::new(check),
            grid: View::Empty,
            body: body.into(),
            preview_label: "Next paydays: ",
            preview,
            none: "",
        },
    )
}

fn day_select(id: &str, value: Signal<DayOfMonth>, on_pick: Rc<dyn Fn(DayOfMonth)>) -> El {
    el("select")
        .id(id)
        .on("change", move |ev| on_pick(parse_day(&target_value(&ev))))
        .child(
            day_options(None)
                .into_iter()
                .map(|day| {
                    el("option")
                        .attr("value", &day_value(day))
                        .flag_dyn("selected", move || value.get() == day)
                        .text(&match day {
                            DayOfMonth::Last => "Last day".to_owned(),
                            d => day_label(d),
                        })
                })
                .collect::<Vec<_>>(),
        )
}

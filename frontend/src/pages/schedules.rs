//! *Pay schedules* ("Pay"): list, add, edit, delete. The picker shows exactly the fields a frequency uses, keeps
//! semi-monthly days distinct, and previews the next paydays with the shared engine (`PaySchedule::next_paydays`).

use std::rc::Rc;

use shared::budget::{DayOfMonth, Frequency, PaySchedule};
use wasm_bindgen::JsValue;

use crate::api::UiError;
use crate::dom::{El, View, each, el, focus_soon, key, show, show_else, target_value};
use crate::format::{date_near, decimal, parse_amount};
use crate::optimistic;
use crate::recurrence::{
    FREQUENCIES, ScheduleDraft, WEEKEND_RULES, day_label, day_options, day_value,
    describe_schedule, frequency_label, parse_day, parse_frequency, parse_weekend, weekend_label,
    weekend_value,
};
use crate::rx::{Memo, RwSignal, Signal, spawn};
use crate::ui::{
    close_editor, ctx, decimals, field_error, field_message, form_error, loading, money, today,
};

pub fn schedules() -> View {
    let ctx = ctx();
    let schedules = RwSignal::new(Vec::<PaySchedule>::new());
    let loaded = RwSignal::new(false);
    let error = RwSignal::new(None::<UiError>);
    let editing = RwSignal::new(None::<Option<uuid::Uuid>>);
    {
        let api = ctx.api;
        spawn(async move {
            match api.get::<Vec<PaySchedule>>("/api/v1/pay-schedules").await {
                Ok(list) => schedules.set(list),
                Err(e) => error.set(Some(e)),
            }
            loaded.set(true);
        });
    }
    let currency = Signal::derive(move || ctx.currency());
    let today = today();
    let row = move |schedule: &PaySchedule| -> El {
        let schedule = schedule.clone();
        let id = schedule.id;
        let done: Rc<dyn Fn()> = Rc::new(move || close_editor(editing, Some(id)));
        let for_edit = schedule.clone();
        el("li")
            .class("card item")
            .attr("data-testid", "schedule")
            .child(show_else(
                move || editing.get() != Some(Some(id)),
                move || schedule_row(&schedule, schedules, editing, currency, today),
                move || schedule_editor(Some(for_edit.clone()), schedules, done.clone()),
            ))
    };
    el("section")
        .class("page")
        .attr("aria-labelledby", "pay-title")
        .child(
            el("div")
                .class("page-head")
                .child(el("h1").id("pay-title").text("Pay schedules"))
                .child(
                    el("button")
                        .attr("type", "button")
                        .class("primary")
                        .on("click", move |_| editing.set(Some(None)))
                        .flag_dyn("disabled", move || editing.get() == Some(None))
                        .text("Add pay schedule"),
                ),
        )
        .child(form_error(error))
        .child(show(
            move || editing.get() == Some(None),
            move || schedule_editor(None, schedules, Rc::new(move || close_editor(editing, None))),
        ))
        .child(show_else(
            move || loaded.get(),
            move || {
                show_else(
                    move || !schedules.with(Vec::is_empty),
                    move || {
                        // Keyed on the whole record: a row is rebuilt when its schedule changes, and only then.
                        each(
                            el("ul").class("cards").attr("aria-label", "Your pay schedules"),
                            move || schedules.get(),
                            row,
                        )
                    },
                    || {
                        el("p").class("empty").text(
                            "No pay schedules yet. Add how you're paid so Payday knows when payday is.",
                        )
                    },
                )
            },
            || loading("pay schedules"),
        ))
        .into()
}

/// A schedule's summary, amount and actions (Edit, Delete with a confirmation).
fn schedule_row(
    schedule: &PaySchedule,
    schedules: RwSignal<Vec<PaySchedule>>,
    editing: RwSignal<Option<Option<uuid::Uuid>>>,
    currency: Signal<String>,
    today: chrono::NaiveDate,
) -> View {
    let ctx = ctx();
    let id = schedule.id;
    let amount = schedule.amount;
    let next = schedule.next_paydays(today, 3);
    let confirm = RwSignal::new(false);
    View::List(vec![
        el("div")
            .class("item-main")
            .child(el("h2").class("item-name").text(&schedule.name))
            .child(
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
            )
            .into(),
        el("span")
            .class("amount")
            .text_dyn(move || money(amount, &currency.get()))
            .into(),
        el("div")
            .class("item-actions")
            .child(
                el("button")
                    .attr("type", "button")
                    .on("click", move |_| editing.set(Some(Some(id))))
                    .attr("aria-label", &format!("Edit {}", schedule.name))
                    .text("Edit"),
            )
            .child(show_else(
                move || confirm.get(),
                move || {
                    el("span")
                        .class("confirm")
                        .attr("role", "group")
                        .attr("aria-label", "Confirm delete")
                        .text("Delete this pay schedule? ")
                        .child(
                            el("button")
                                .attr("type", "button")
                                .class("danger")
                                .on("click", move |_| {
                                    let undo = schedules.update(|l| optimistic::remove(l, id));
                                    spawn(async move {
                                        if let Err(e) = ctx
                                            .api
                                            .delete(&format!("/api/v1/pay-schedules/{id}"))
                                            .await
                                            && e.status() != Some(404)
                                        {
                                            schedules.update(|l| optimistic::undo(l, undo));
                                            ctx.fail(&e);
                                        }
                                    });
                                })
                                .text("Yes, delete"),
                        )
                        .child(
                            el("button")
                                .attr("type", "button")
                                .on("click", move |_| confirm.set(false))
                                .text("Keep"),
                        )
                },
                move || {
                    el("button")
                        .attr("type", "button")
                        .class("danger-link")
                        .on("click", move |_| confirm.set(true))
                        .text("Delete")
                },
            ))
            .into(),
    ])
}

fn schedule_editor(
    existing: Option<PaySchedule>,
    schedules: RwSignal<Vec<PaySchedule>>,
    on_done: Rc<dyn Fn()>,
) -> View {
    let ctx = ctx();
    let today = today();
    let currency = ctx.currency();
    let places = decimals(&currency);
    let prefix = existing
        .as_ref()
        .map_or("new-pay".to_owned(), |s| format!("pay-{}", s.id));
    let name = RwSignal::new(
        existing
            .as_ref()
            .map(|s| s.name.clone())
            .unwrap_or_default(),
    );
    let amount = RwSignal::new(
        existing
            .as_ref()
            .map(|s| decimal(s.amount, places))
            .unwrap_or_default(),
    );
    let draft = RwSignal::new(existing.as_ref().map_or(ScheduleDraft::new(today), |s| {
        ScheduleDraft::from_schedule(s, today)
    }));
    let error = RwSignal::new(None::<UiError>);
    let local = RwSignal::new(Vec::<(String, String)>::new());
    let busy = RwSignal::new(false);
    let preview = Memo::new(move |_| draft.get().preview(today));
    let is_edit = existing.is_some();

    let submit = {
        let on_done = on_done.clone();
        move |ev: web_sys::Event| {
            ev.prevent_default();
            let mut problems = Vec::new();
            let parsed = parse_amount(&amount.get_untracked(), places, false);
            if let Err(m) = &parsed {
                problems.push(("amount".to_owned(), m.clone()));
            }
            let amount = *parsed.as_ref().unwrap_or(&1);
            let d = draft.get_untracked();
            if let Err(errors) = d
                .create(&name.get_untracked(), amount)
                .into_record(uuid::Uuid::nil(), crate::ui::now())
            {
                problems.extend(errors.into_map());
            }
            local.set(problems.clone());
            error.set(None);
            if !problems.is_empty() {
                return;
            }
            busy.set(true);
            let (existing, on_done, name) =
                (existing.clone(), on_done.clone(), name.get_untracked());
            spawn(async move {
                let result = match &existing {
                    None => {
                        ctx.api
                            .post::<_, PaySchedule>(
                                "/api/v1/pay-schedules",
                                &d.create(&name, amount),
                            )
                            .await
                    }
                    Some(s) => {
                        ctx.api
                            .patch::<_, PaySchedule>(
                                &format!("/api/v1/pay-schedules/{}", s.id),
                                &d.update(&name, amount, s.version),
                            )
                            .await
                    }
                };
                busy.set(false);
                match result {
                    Ok(saved) => {
                        schedules.update(|l| {
                            optimistic::upsert(l, saved);
                        });
                        on_done();
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    let field = move |name: &'static str| field_message(error, local, name);
    let id = |suffix: &str| format!("{prefix}-{suffix}");
    let frequency = move || draft.with(|d| d.frequency);
    let anchor_id = id("anchor");
    let day_ids = [id("day0"), id("day1")];
    let day_id = id("day");
    let escape = on_done.clone();
    el("form")
        .class("card editor")
        .on("submit", submit)
        .flag("novalidate", true)
        .attr(
            "aria-label",
            if is_edit {
                "Edit pay schedule"
            } else {
                "New pay schedule"
            },
        )
        .on("keydown", move |ev| {
            if key(&ev) == "Escape" {
                escape();
            }
        })
        .child(
            el("div")
                .class("grid")
                .child(
                    el("span")
                        .child(el("label").attr("for", &id("name")).text("Name"))
                        .child(
                            el("input")
                                .id(&id("name"))
                                .attr("type", "text")
                                .bind_value(name)
                                .attr("placeholder", "Salary")
                                .with_node(focus_soon)
                                .attr("aria-describedby", &id("name-error")),
                        )
                        .child(field_error(&id("name"), field("name"))),
                )
                .child(
                    el("span")
                        .child(
                            el("label")
                                .attr("for", &id("amount"))
                                .text(&format!("Take-home pay per paycheck ({currency})")),
                        )
                        .child(
                            el("input")
                                .id(&id("amount"))
                                .attr("type", "text")
                                .attr("inputmode", "decimal")
                                .bind_value(amount)
                                .attr("placeholder", "0.00")
                                .attr("aria-describedby", &id("amount-error")),
                        )
                        .child(field_error(&id("amount"), field("amount"))),
                ),
        )
        .child(
            el("fieldset")
                .class("picker")
                .child(el("legend").text("When you're paid"))
                .child(
                    el("div")
                        .class("grid")
                        .child(
                            el("span")
                                .child(el("label").attr("for", &id("frequency")).text("How often"))
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
                                    .child(
                                        el("label")
                                            .attr("for", &anchor_id)
                                            .text("A recent or upcoming payday"),
                                    )
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
                                (0..2usize)
                                    .map(|which| {
                                        el("span")
                                            .child(el("label").attr("for", &day_ids[which]).text(
                                                if which == 0 {
                                                    "First payday"
                                                } else {
                                                    "Second payday"
                                                },
                                            ))
                                            .child(day_select(
                                                &day_ids[which],
                                                Signal::derive(move || {
                                                    draft.with(|d| d.days[which])
                                                }),
                                                Rc::new(move |day| {
                                                    draft.update(|d| d.set_day(which, day))
                                                }),
                                            ))
                                    })
                                    .collect::<Vec<_>>()
                            },
                        ))
                        .child(show(
                            move || frequency() == Frequency::Monthly,
                            move || {
                                el("span")
                                    .child(el("label").attr("for", &day_id).text("Payday"))
                                    .child(day_select(
                                        &day_id,
                                        Signal::derive(move || draft.with(|d| d.day)),
                                        Rc::new(move |day| draft.update(|d| d.day = day)),
                                    ))
                            },
                        ))
                        .child(
                            el("span")
                                .child(
                                    el("label")
                                        .attr("for", &id("weekend"))
                                        .text("If payday falls on a weekend"),
                                )
                                .child(
                                    el("select")
                                        .id(&id("weekend"))
                                        .on("change", move |ev| {
                                            draft.update(|d| {
                                                d.weekend = parse_weekend(&target_value(&ev))
                                            })
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
                .child(field_error(&id("days"), field("days"))),
        )
        .child(
            el("div")
                .class("preview")
                .attr("aria-live", "polite")
                .child(el("span").class("hint").text("Next paydays: "))
                .text_dyn(move || {
                    preview
                        .get()
                        .iter()
                        .map(|d| date_near(*d, today))
                        .collect::<Vec<_>>()
                        .join(" · ")
                }),
        )
        .child(form_error(error))
        .child(
            el("div")
                .class("actions")
                .child(
                    el("button")
                        .attr("type", "submit")
                        .class("primary")
                        .flag_dyn("disabled", move || busy.get())
                        .text(if is_edit {
                            "Save pay schedule"
                        } else {
                            "Add pay schedule"
                        }),
                )
                .child(
                    el("button")
                        .attr("type", "button")
                        .on("click", move |_| on_done())
                        .text("Cancel"),
                ),
        )
        .into()
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

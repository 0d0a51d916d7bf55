//! *Bills*: list, add, edit, delete. The recurrence picker can only express valid recurrences, and the next due
//! dates are previewed live with the shared engine (`Bill::next_occurrences`), exactly as the server computes them.

use std::rc::Rc;

use shared::budget::{Bill, DayOfMonth};
use wasm_bindgen::JsValue;

use crate::api::UiError;
use crate::dom::{El, View, dynamic, each, el, focus_soon, key, show, show_else, target_value};
use crate::format::{MONTH_NAMES, date_near, decimal, parse_amount};
use crate::optimistic;
use crate::recurrence::{
    BillDraft, BillForm, BillKind, bill_preview, day_label, day_options, day_value,
    describe_recurrence, parse_day,
};
use crate::rx::{Memo, RwSignal, Signal, spawn};
use crate::ui::{
    close_editor, ctx, decimals, field_error, field_message, form_error, loading, money, today,
};

pub fn bills() -> View {
    let ctx = ctx();
    let bills = RwSignal::new(Vec::<Bill>::new());
    let loaded = RwSignal::new(false);
    let error = RwSignal::new(None::<UiError>);
    // `Some(None)`: adding; `Some(Some(id))`: editing that bill.
    let editing = RwSignal::new(None::<Option<uuid::Uuid>>);
    {
        let api = ctx.api;
        spawn(async move {
            match api.get::<Vec<Bill>>("/api/v1/bills").await {
                Ok(list) => bills.set(list),
                Err(e) => error.set(Some(e)),
            }
            loaded.set(true);
        });
    }
    let currency = Signal::derive(move || ctx.currency());
    let today = today();
    let row = move |bill: &Bill| -> El {
        let bill = bill.clone();
        let id = bill.id;
        let done: Rc<dyn Fn()> = Rc::new(move || close_editor(editing, Some(id)));
        let for_edit = bill.clone();
        el("li")
            .class("card item")
            .attr("data-testid", "bill")
            .child(show_else(
                move || editing.get() != Some(Some(id)),
                move || bill_row(&bill, bills, editing, currency, today),
                move || bill_editor(Some(for_edit.clone()), bills, done.clone()),
            ))
    };
    el("section")
        .class("page")
        .attr("aria-labelledby", "bills-title")
        .child(
            el("div")
                .class("page-head")
                .child(el("h1").id("bills-title").text("Bills"))
                .child(
                    el("button")
                        .attr("type", "button")
                        .class("primary")
                        .on("click", move |_| editing.set(Some(None)))
                        .flag_dyn("disabled", move || editing.get() == Some(None))
                        .text("Add bill"),
                ),
        )
        .child(form_error(error))
        .child(show(
            move || editing.get() == Some(None),
            move || bill_editor(None, bills, Rc::new(move || close_editor(editing, None))),
        ))
        .child(show_else(
            move || loaded.get(),
            move || {
                show_else(
                    move || !bills.with(Vec::is_empty),
                    move || {
                        // Keyed on the whole record: a row is rebuilt when its bill changes, and only then.
                        each(
                            el("ul").class("cards").attr("aria-label", "Your bills"),
                            move || bills.get(),
                            row,
                        )
                    },
                    || {
                        el("p").class("empty").text(
                            "No bills yet. Add rent, cards and subscriptions to see what each paycheck must cover.",
                        )
                    },
                )
            },
            || loading("bills"),
        ))
        .into()
}

/// A bill's summary, amount and actions (Edit, Delete with a confirmation).
fn bill_row(
    bill: &Bill,
    bills: RwSignal<Vec<Bill>>,
    editing: RwSignal<Option<Option<uuid::Uuid>>>,
    currency: Signal<String>,
    today: chrono::NaiveDate,
) -> View {
    let ctx = ctx();
    let id = bill.id;
    let amount = bill.amount;
    let next = bill.next_occurrences(today, 1).first().copied();
    let confirm = RwSignal::new(false);
    View::List(vec![
        el("div")
            .class("item-main")
            .child(el("h2").class("item-name").text(&bill.name))
            .child(
                el("p")
                    .class("meta")
                    .text(&describe_recurrence(bill.recurrence))
                    .child(next.map(|d| format!(" · next {}", date_near(d, today))))
                    .child(bill.autopay.then_some(" · autopay"))
                    .child(bill.category.as_ref().map(|c| format!(" · {c}"))),
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
                    .attr("aria-label", &format!("Edit {}", bill.name))
                    .text("Edit"),
            )
            .child(show_else(
                move || confirm.get(),
                move || {
                    el("span")
                        .class("confirm")
                        .attr("role", "group")
                        .attr("aria-label", "Confirm delete")
                        .text("Delete this bill? ")
                        .child(
                            el("button")
                                .attr("type", "button")
                                .class("danger")
                                .on("click", move |_| {
                                    let undo = bills.update(|l| optimistic::remove(l, id));
                                    spawn(async move {
                                        if let Err(e) =
                                            ctx.api.delete(&format!("/api/v1/bills/{id}")).await
                                            && e.status() != Some(404)
                                        {
                                            bills.update(|l| optimistic::undo(l, undo));
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
                        .attr("aria-label", "Delete")
                        .text("Delete")
                },
            ))
            .into(),
    ])
}

/// Add or edit form. Escape or Cancel closes it.
fn bill_editor(existing: Option<Bill>, bills: RwSignal<Vec<Bill>>, on_done: Rc<dyn Fn()>) -> View {
    let ctx = ctx();
    let today = today();
    let currency = ctx.currency();
    let places = decimals(&currency);
    let prefix = existing
        .as_ref()
        .map_or("new-bill".to_owned(), |b| format!("bill-{}", b.id));
    let name = RwSignal::new(
        existing
            .as_ref()
            .map(|b| b.name.clone())
            .unwrap_or_default(),
    );
    let amount = RwSignal::new(
        existing
            .as_ref()
            .map(|b| decimal(b.amount, places))
            .unwrap_or_default(),
    );
    let category = RwSignal::new(
        existing
            .as_ref()
            .and_then(|b| b.category.clone())
            .unwrap_or_default(),
    );
    let autopay = RwSignal::new(existing.as_ref().is_some_and(|b| b.autopay));
    let draft = RwSignal::new(existing.as_ref().map_or(BillDraft::new(today), |b| {
        BillDraft::from_recurrence(b.recurrence, today)
    }));
    let starts = RwSignal::new(
        existing
            .as_ref()
            .and_then(|b| b.starts_on)
            .map(|d| d.to_string())
            .unwrap_or_default(),
    );
    let ends = RwSignal::new(
        existing
            .as_ref()
            .and_then(|b| b.ends_on)
            .map(|d| d.to_string())
            .unwrap_or_default(),
    );
    let error = RwSignal::new(None::<UiError>);
    let local = RwSignal::new(Vec::<(String, String)>::new());
    let busy = RwSignal::new(false);
    let parse_date = |s: String| crate::format::parse_date(&s);
    let preview = Memo::new(move |_| {
        bill_preview(
            draft.get().recurrence(),
            parse_date(starts.get()),
            parse_date(ends.get()),
            today,
        )
    });
    let is_edit = existing.is_some();
    let open = existing
        .as_ref()
        .is_some_and(|b| b.starts_on.is_some() || b.ends_on.is_some());

    let submit = {
        let on_done = on_done.clone();
        move |ev: web_sys::Event| {
            ev.prevent_default();
            let mut problems = Vec::new();
            let parsed = parse_amount(&amount.get_untracked(), places, false);
            if let Err(m) = &parsed {
                problems.push(("amount".to_owned(), m.clone()));
            }
            let form = BillForm {
                name: name.get_untracked(),
                amount: *parsed.as_ref().unwrap_or(&0),
                category: Some(category.get_untracked()),
                autopay: autopay.get_untracked(),
                draft: draft.get_untracked(),
                starts_on: parse_date(starts.get_untracked()),
                ends_on: parse_date(ends.get_untracked()),
            };
            // The shared rules, checked before the round trip.
            if let Err(errors) = form
                .create()
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
            let existing = existing.clone();
            let on_done = on_done.clone();
            spawn(async move {
                let result = match &existing {
                    None => {
                        ctx.api
                            .post::<_, Bill>("/api/v1/bills", &form.create())
                            .await
                    }
                    Some(b) => {
                        ctx.api
                            .patch::<_, Bill>(
                                &format!("/api/v1/bills/{}", b.id),
                                &form.update(b.version),
                            )
                            .await
                    }
                };
                busy.set(false);
                match result {
                    Ok(saved) => {
                        bills.update(|l| {
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
    let escape = on_done.clone();
    el("form")
        .class("card editor")
        .on("submit", submit)
        .flag("novalidate", true)
        .attr("aria-label", if is_edit { "Edit bill" } else { "New bill" })
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
                                .attr("placeholder", "Rent")
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
                                .text(&format!("Amount ({currency})")),
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
                )
                .child(
                    el("span")
                        .child(
                            el("label")
                                .attr("for", &id("category"))
                                .text("Category ")
                                .child(el("span").class("hint").text("(optional)")),
                        )
                        .child(
                            el("input")
                                .id(&id("category"))
                                .attr("type", "text")
                                .bind_value(category)
                                .attr("aria-describedby", &id("category-error")),
                        )
                        .child(field_error(&id("category"), field("category"))),
                )
                .child(
                    el("span")
                        .class("check")
                        .child(
                            el("input")
                                .id(&id("autopay"))
                                .attr("type", "checkbox")
                                .bind_checked(autopay),
                        )
                        .child(
                            el("label")
                                .attr("for", &id("autopay"))
                                .text("Paid automatically"),
                        ),
                ),
        )
        .child(bill_picker(&prefix, draft, field("recurrence.day")))
        .child(field_error(&id("recurrence"), field("recurrence.date")))
        .child(
            el("details")
                .class("bounds")
                .flag("open", open)
                .child(el("summary").text("Start and end dates"))
                .child(
                    el("div")
                        .class("grid")
                        .child(
                            el("span")
                                .child(
                                    el("label")
                                        .attr("for", &id("starts"))
                                        .text("First due on or after"),
                                )
                                .child(
                                    el("input")
                                        .id(&id("starts"))
                                        .attr("type", "date")
                                        .bind_value(starts),
                                ),
                        )
                        .child(
                            el("span")
                                .child(
                                    el("label")
                                        .attr("for", &id("ends"))
                                        .text("Last due on or before"),
                                )
                                .child(
                                    el("input")
                                        .id(&id("ends"))
                                        .attr("type", "date")
                                        .bind_value(ends)
                                        .attr_dyn("min", move || Some(starts.get()))
                                        .attr("aria-describedby", &id("ends-error")),
                                )
                                .child(field_error(&id("ends"), field("ends_on"))),
                        ),
                ),
        )
        .child(
            el("div")
                .class("preview")
                .attr("aria-live", "polite")
                .child(el("span").class("hint").text("Next due: "))
                .text_dyn(move || {
                    let dates = preview.get();
                    if dates.is_empty() {
                        "no more due dates".to_owned()
                    } else {
                        dates
                            .iter()
                            .map(|d| date_near(*d, today))
                            .collect::<Vec<_>>()
                            .join(" · ")
                    }
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
                        .text(if is_edit { "Save bill" } else { "Add bill" }),
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

/// Kind, then exactly the fields that kind needs: a date, a day of month, or a month and a day of that month.
fn bill_picker(prefix: &str, draft: RwSignal<BillDraft>, error: Signal<Option<String>>) -> El {
    let id = |suffix: &str| format!("{prefix}-{suffix}");
    let kind = move || draft.with(|d| d.kind);
    let date_id = id("date");
    let month_id = id("month");
    let day_id = id("day");
    let day_error = id("day-error");
    el("fieldset")
        .class("picker")
        .child(el("legend").text("Repeats"))
        .child(
            el("div")
                .class("grid")
                .child(
                    el("span")
                        .child(el("label").attr("for", &id("kind")).text("How often"))
                        .child(
                            el("select")
                                .id(&id("kind"))
                                .on("change", move |ev| {
                                    draft.update(|d| d.kind = BillKind::parse(&target_value(&ev)))
                                })
                                .child(Vec::from(BillKind::ALL.map(|k| {
                                    el("option")
                                        .attr("value", k.as_str())
                                        .flag_dyn("selected", move || kind() == k)
                                        .text(k.label())
                                }))),
                        ),
                )
                .child(show(
                    move || kind().uses_date(),
                    move || {
                        el("span")
                            .child(
                                el("label")
                                    .attr("for", &date_id)
                                    .text_dyn(move || draft.with(BillDraft::date_label).to_owned()),
                            )
                            // A cleared date field keeps the last date picked: the draft always has one.
                            .child(
                                el("input")
                                    .id(&date_id)
                                    .attr("type", "date")
                                    .flag("required", true)
                                    .prop_dyn("value", move || {
                                        JsValue::from_str(&draft.with(|d| d.date.to_string()))
                                    })
                                    .on("change", move |ev| {
                                        if let Some(date) =
                                            crate::format::parse_date(&target_value(&ev))
                                        {
                                            draft.update(|d| d.date = date);
                                        }
                                    }),
                            )
                    },
                ))
                .child(show(
                    move || kind() == BillKind::Yearly,
                    move || {
                        el("span")
                            .child(el("label").attr("for", &month_id).text("Month"))
                            .child(
                                el("select")
                                    .id(&month_id)
                                    .on("change", move |ev| {
                                        let month = target_value(&ev).parse().unwrap_or(1);
                                        draft.update(|d| d.set_month(month));
                                    })
                                    .child(
                                        (1..=12u8)
                                            .map(|m| {
                                                el("option")
                                                    .attr("value", &m.to_string())
                                                    .flag_dyn("selected", move || {
                                                        draft.with(|d| d.month == m)
                                                    })
                                                    .text(MONTH_NAMES[usize::from(m - 1)])
                                            })
                                            .collect::<Vec<_>>(),
                                    ),
                            )
                    },
                ))
                .child(show(
                    move || matches!(kind(), BillKind::Monthly | BillKind::Yearly),
                    move || {
                        el("span")
                            .child(el("label").attr("for", &day_id).text("Day of the month"))
                            .child(
                                el("select")
                                    .id(&day_id)
                                    .attr("aria-describedby", &day_error)
                                    .on("change", move |ev| {
                                        draft.update(|d| d.day = parse_day(&target_value(&ev)))
                                    })
                                    .child(dynamic(move || {
                                        let month = draft.with(|d| {
                                            (d.kind == BillKind::Yearly).then_some(d.month)
                                        });
                                        day_options(month)
                                            .into_iter()
                                            .map(|day| {
                                                el("option")
                                                    .attr("value", &day_value(day))
                                                    .flag_dyn("selected", move || {
                                                        draft.with(|d| d.day == day)
                                                    })
                                                    .text(&day_text(day))
                                            })
                                            .collect::<Vec<_>>()
                                    })),
                            )
                            .child(field_error(&day_id, error))
                    },
                )),
        )
}

fn day_text(day: DayOfMonth) -> String {
    match day {
        DayOfMonth::Last => "Last day".into(),
        d => day_label(d),
    }
}

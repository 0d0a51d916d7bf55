//! *Bills*: list, add, edit, delete. The recurrence picker can only express valid recurrences, and the next due
//! dates are previewed live with the shared engine (`Bill::next_occurrences`), exactly as the server computes them.

use std::rc::Rc;

use shared::budget::{Bill, DayOfMonth, Recurrence};
use wasm_bindgen::JsValue;

use crate::dom::{El, View, dynamic, each, el, show, target_value};
use crate::format::{MONTH_NAMES, date_near};
use crate::pages::editor::{Editing, Editor, Form, Kind, item, list_page, summary};
use crate::recurrence::{
    BillDraft, BillForm, BillKind, bill_preview, day_label, day_options, day_value,
    describe_recurrence, parse_day,
};
use crate::rx::{Memo, RwSignal, Signal};
use crate::ui::{ctx, field, field_error, hint, input, label, today};

const BILLS: Kind = Kind {
    noun: "bill",
    title: "Bills",
    title_id: "bills-title",
    empty: "No bills yet. Add rent, cards and subscriptions to see what each paycheck must cover.",
    testid: "bill",
    prefix: "bill",
    path: "/api/v1/bills",
};

pub fn bills() -> View {
    let ctx = ctx();
    let bills = RwSignal::new(Vec::<Bill>::new());
    let editing: Editing = RwSignal::new(None);
    let currency = Signal::derive(move || ctx.currency());
    let today = today();
    let row = move |bill: &Bill| -> El {
        let (shown, for_edit) = (bill.clone(), bill.clone());
        item(
            &BILLS,
            editing,
            bill.id,
            Box::new(move || bill_row(&shown, bills, editing, currency, today)),
            Box::new(move |done| bill_editor(Some(for_edit.clone()), bills, done)),
        )
    };
    list_page(
        &BILLS,
        Rc::new(bills),
        editing,
        Rc::new(move |done| bill_editor(None, bills, done)),
        // Keyed on the whole record: a row is rebuilt when its bill changes, and only then.
        Rc::new(move |ul| each(ul, move || bills.get(), row)),
    )
}

/// A bill's summary, amount and actions (Edit, Delete with a confirmation).
fn bill_row(
    bill: &Bill,
    bills: RwSignal<Vec<Bill>>,
    editing: Editing,
    currency: Signal<String>,
    today: chrono::NaiveDate,
) -> View {
    let next = bill.next_occurrences(today, 1).first().copied();
    summary(
        &BILLS,
        Rc::new(bills),
        editing,
        bill.id,
        &bill.name,
        el("p")
            .class("meta")
            .text(&describe_recurrence(bill.recurrence, today))
            // A one-off bill's description already names its date.
            .child(
                next.filter(|_| !matches!(bill.recurrence, Recurrence::Once { .. }))
                    .map(|d| format!(" · next {}", date_near(d, today))),
            )
            .child(bill.autopay.then_some(" · autopay"))
            .child(bill.category.as_ref().map(|c| format!(" · {c}"))),
        bill.amount,
        currency,
    )
}

/// Add or edit form. Escape or Cancel closes it.
fn bill_editor(existing: Option<Bill>, bills: RwSignal<Vec<Bill>>, on_done: Rc<dyn Fn()>) -> View {
    let ed = Editor::new(
        &BILLS,
        existing.as_ref().map(|b| (b.id, b.name.as_str(), b.amount)),
    );
    let today = ed.today;
    let currency = ctx().currency();
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
    let parse_date = |s: String| crate::format::parse_date(&s);
    let preview = Memo::new(move |_| {
        bill_preview(
            draft.get().recurrence(),
            parse_date(starts.get()),
            parse_date(ends.get()),
            today,
        )
    });
    let version = existing.as_ref().map(|b| b.version);
    let open = existing
        .as_ref()
        .is_some_and(|b| b.starts_on.is_some() || b.ends_on.is_some());

    let name = ed.name;
    let check = move |amount, problems: &mut Vec<(String, String)>| {
        let form = BillForm {
            name: name.get_untracked(),
            amount,
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
        match version {
            None => crate::api::to_json(&form.create()),
            Some(version) => crate::api::to_json(&form.update(version)),
        }
    };
    let id = |suffix: &str| ed.id(suffix);
    let (category_id, autopay_id, ends_id) = (id("category"), id("autopay"), id("ends"));
    let grid = View::List(vec![
        el("span")
            .child(field(
                &category_id,
                label(&category_id, "Category ").child(hint("(optional)")),
                input(&category_id, "text", &[], category),
                ed.message("category"),
            ))
            .into(),
        el("span")
            .class("check")
            .child(
                el("input")
                    .id(&autopay_id)
                    .attr("type", "checkbox")
                    .bind_checked(autopay),
            )
            .child(label(&autopay_id, "Paid automatically"))
            .into(),
    ]);
    let body = View::List(vec![
        bill_picker(&ed, draft).into(),
        field_error(&id("recurrence"), ed.message("recurrence.date")).into(),
        el("details")
            .class("bounds")
            .flag("open", open)
            .child(el("summary").text("Start and end dates"))
            .child(
                el("div")
                    .class("grid")
                    .child(
                        el("span")
                            .child(label(&id("starts"), "First due on or after"))
                            .child(input(&id("starts"), "date", &[], starts)),
                    )
                    .child(
                        el("span").child(field(
                            &ends_id,
                            label(&ends_id, "Last due on or before"),
                            input(&ends_id, "date", &[], ends)
                                .attr_dyn("min", move || Some(starts.get())),
                            ed.message("ends_on"),
                        )),
                    ),
            )
            .into(),
    ]);
    ed.form(
        Rc::new(bills),
        on_done,
        Form {
            placeholder: "Rent",
            amount_label: format!("Amount ({currency})"),
            fallback: 0,
            check: Box::new(check),
            grid,
            body,
            preview_label: "Next due: ",
            preview,
            none: "no more due dates",
        },
    )
}

/// Kind, then exactly the fields that kind needs: a date, a day of month, or a month and a day of that month.
fn bill_picker(ed: &Editor, draft: RwSignal<BillDraft>) -> El {
    let id = |suffix: &str| ed.id(suffix);
    let error = ed.message("recurrence.day");
    let kind = move || draft.with(|d| d.kind);
    let date_id = id("date");
    let month_id = id("month");
    let day_id = id("day");
    el("fieldset")
        .class("picker")
        .child(el("legend").text("Repeats"))
        .child(
            el("div")
                .class("grid")
                .child(
                    el("span").child(label(&id("kind"), "How often")).child(
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
                        el("span").child(label(&month_id, "Month")).child(
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
                        el("span").child(field(
                            &day_id,
                            label(&day_id, "Day of the month"),
                            el("select")
                                .id(&day_id)
                                .on("change", move |ev| {
                                    draft.update(|d| d.day = parse_day(&target_value(&ev)))
                                })
                                .child(dynamic(move || {
                                    let month = draft
                                        .with(|d| (d.kind == BillKind::Yearly).then_some(d.month));
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
                            error,
                        ))
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

//! *Bills*: list, add, edit, delete. The recurrence picker can only express valid recurrences, and the next due
//! dates are previewed live with the shared engine (`Bill::next_occurrences`), exactly as the server computes them.
//! The list page, rows and form skeleton are the shared ones in `pages/editor.rs`; this file has the bill's parts.

use chrono::NaiveDate;
use leptos::prelude::*;
use shared::Money;
use shared::budget::{Bill, Recurrence};

use crate::format::{MONTH_NAMES, date_near, parse_date};
use crate::pages::editor::{
    Checked, DaySelect, Editing, Editor, EditorForm, Item, Kind, ListPage, Summary, records,
};
use crate::recurrence::{
    BillDraft, BillForm, BillKind, bill_preview, day_options, describe_recurrence,
};
use crate::ui::{FieldError, Hint, ctx, date_problem};

const BILLS: Kind = Kind {
    noun: "bill",
    plural: "bills",
    title: "Bills",
    title_id: "bills-title",
    empty: "No bills yet. Add rent, cards and subscriptions to see what each paycheck must cover.",
    testid: "bill",
    prefix: "bill",
    path: "/api/v1/bills",
};

/// The bills page.
#[component]
pub fn Bills() -> impl IntoView {
    let ctx = ctx();
    let bills = RwSignal::new(Vec::<Bill>::new());
    let editing: Editing = RwSignal::new(None);
    let currency = Signal::derive(move || ctx.currency());
    let today = ctx.today();
    let add_form = Callback::new(move |on_done| {
        view! { <BillEditor existing=None bills on_done /> }.into_any()
    });
    view! {
        <ListPage kind=&BILLS records=records(bills) editing add_form>
            // Keyed on the id and version: a row is rebuilt when its bill changes, and only then.
            <For each=move || bills.get() key=|b| (b.id, b.version) let:bill>
                <BillItem bill bills editing currency today />
            </For>
        </ListPage>
    }
}

/// One bill's `<li>`: its summary, or its editor.
#[component]
fn BillItem(
    bill: Bill,
    bills: RwSignal<Vec<Bill>>,
    editing: Editing,
    currency: Signal<String>,
    today: NaiveDate,
) -> impl IntoView {
    let id = bill.id;
    let shown = bill.clone();
    let summary = ViewFn::from(move || {
        view! { <BillSummary bill=shown.clone() bills editing currency today /> }
    });
    let editor = Callback::new(move |on_done| {
        view! { <BillEditor existing=Some(bill.clone()) bills on_done /> }.into_any()
    });
    view! { <Item kind=&BILLS editing id summary editor /> }
}

/// A bill's name, recurrence, next due date, autopay and category, amount and actions.
#[component]
fn BillSummary(
    bill: Bill,
    bills: RwSignal<Vec<Bill>>,
    editing: Editing,
    currency: Signal<String>,
    today: NaiveDate,
) -> impl IntoView {
    let next = bill.next_occurrences(today, 1).first().copied();
    // A one-off bill's description already names its date.
    let next = next
        .filter(|_| !matches!(bill.recurrence, Recurrence::Once { .. }))
        .map(|d| format!(" · next {}", date_near(d, today)));
    let autopay = bill.autopay.then_some(" · autopay");
    let category = bill.category.as_ref().map(|c| format!(" · {c}"));
    view! {
        <Summary
            kind=&BILLS
            records=records(bills)
            editing
            id=bill.id
            name=bill.name
            amount=bill.amount
            currency
        >
            <p class="meta">
                {describe_recurrence(bill.recurrence, today)}{next}{autopay}{category}
            </p>
        </Summary>
    }
}

/// Add or edit form. Escape or Cancel closes it.
#[component]
fn BillEditor(
    existing: Option<Bill>,
    bills: RwSignal<Vec<Bill>>,
    on_done: Callback<()>,
) -> impl IntoView {
    let ed = Editor::new(
        &BILLS,
        existing.as_ref().map(|b| (b.id, b.name.as_str(), b.amount)),
    );
    let today = ed.today;
    let currency = ctx().currency();
    let date_text = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let existing = existing.as_ref();
    let category = RwSignal::new(
        existing
            .and_then(|b| b.category.clone())
            .unwrap_or_default(),
    );
    let autopay = RwSignal::new(existing.is_some_and(|b| b.autopay));
    let draft = RwSignal::new(existing.map_or(BillDraft::new(today), |b| {
        BillDraft::from_recurrence(b.recurrence, today)
    }));
    let starts = RwSignal::new(date_text(existing.and_then(|b| b.starts_on)));
    let ends = RwSignal::new(date_text(existing.and_then(|b| b.ends_on)));
    let preview = Memo::new(move |_| {
        let (starts, ends) = (parse_date(&starts.get()), parse_date(&ends.get()));
        bill_preview(draft.get().recurrence(), starts, ends, today)
    });
    let version = existing.map(|b| b.version);
    let open = existing.is_some_and(|b| b.starts_on.is_some() || b.ends_on.is_some());
    let name = ed.name;
    let date_fields = [
        (ed.id("date"), "recurrence.date"),
        (ed.id("starts"), "starts_on"),
        (ed.id("ends"), "ends_on"),
    ];
    // A $0.00 bill is allowed on purpose (the shared rule is "must not be negative"): a free trial month or a bill
    // whose price is not known yet still has a due date worth seeing, and it adds nothing to set-aside. It cannot
    // come from a typo: an empty or unreadable amount is refused, never read as 0, and the field shows what it
    // read ("= $0.00") before saving. (A paycheck of 0 is refused by the shared rules.)
    let check = Callback::new(move |amount: Money| -> Checked {
        let form = BillForm {
            name: name.get_untracked(),
            amount,
            category: Some(category.get_untracked()),
            autopay: autopay.get_untracked(),
            draft: draft.get_untracked(),
            starts_on: parse_date(&starts.get_untracked()),
            ends_on: parse_date(&ends.get_untracked()),
        };
        let mut problems = Vec::new();
        // The shared rules, checked before the round trip.
        if let Err(errors) = form
            .create()
            .into_record(uuid::Uuid::nil(), crate::ui::now())
        {
            problems.extend(errors.into_map());
        }
        // "Every N" in the form's own words (an empty field reads as 0 to the shared rules).
        if let Some(problem) = draft.get_untracked().every_problem() {
            problems.retain(|(field, _)| field != "recurrence.every");
            problems.push(("recurrence.every".to_owned(), problem));
        }
        // What the browser holds: a date typed as 02/30/2026 is refused, not read as the last date picked (the
        // due date) or as no bound at all (start and end).
        for (id, field) in &date_fields {
            if let Some(problem) = date_problem(id) {
                problems.retain(|(f, _)| f != field);
                problems.push(((*field).to_owned(), problem));
            }
        }
        let body = match version {
            None => crate::api::to_json(&form.create()),
            Some(version) => crate::api::to_json(&form.update(version)),
        };
        (problems, body)
    });
    view! {
        <EditorForm
            ed
            records=records(bills)
            on_done
            placeholder="Rent"
            amount_label=format!("Amount ({currency})")
            fallback=0
            check
            grid=move || view! { <BillExtras ed category autopay /> }
            preview_label="Next due: "
            preview
            none="no more due dates"
        >
            <BillPicker ed draft />
            <FieldError id=ed.id("recurrence") message=ed.message("recurrence.date") />
            <Bounds ed starts ends open />
        </EditorForm>
    }
}

/// The category and autopay fields (in the form's grid, after name and amount).
#[component]
fn BillExtras(ed: Editor, category: RwSignal<String>, autopay: RwSignal<bool>) -> impl IntoView {
    let (category_id, autopay_id) = (ed.id("category"), ed.id("autopay"));
    view! {
        <span>
            <label for=category_id.clone()>"Category " <Hint text="(optional)" /></label>
            <input
                id=category_id.clone()
                type="text"
                bind:value=category
                aria-describedby=format!("{category_id}-error")
            />
            <FieldError id=category_id message=ed.message("category") />
        </span>
        <span class="check">
            <input id=autopay_id.clone() type="checkbox" bind:checked=autopay />
            <label for=autopay_id>"Paid automatically"</label>
        </span>
    }
}

/// The optional first and last due dates, folded away unless the bill has them.
#[component]
fn Bounds(
    ed: Editor,
    starts: RwSignal<String>,
    ends: RwSignal<String>,
    open: bool,
) -> impl IntoView {
    let (starts_id, ends_id) = (ed.id("starts"), ed.id("ends"));
    view! {
        <details class="bounds" open=open>
            <summary>"Start and end dates"</summary>
            <div class="grid">
                <span>
                    <label for=starts_id.clone()>"First due on or after"</label>
                    <input
                        id=starts_id.clone()
                        type="date"
                        bind:value=starts
                        aria-describedby=format!("{starts_id}-error")
                    />
                    <FieldError id=starts_id message=ed.message("starts_on") />
                </span>
                <span>
                    <label for=ends_id.clone()>"Last due on or before"</label>
                    <input
                        id=ends_id.clone()
                        type="date"
                        bind:value=ends
                        min=move || starts.get()
                        aria-describedby=format!("{ends_id}-error")
                    />
                    <FieldError id=ends_id message=ed.message("ends_on") />
                </span>
            </div>
        </details>
    }
}

/// Kind, then exactly the fields that kind needs: a date, a day of month, or a month and a day of that month.
#[component]
fn BillPicker(ed: Editor, draft: RwSignal<BillDraft>) -> impl IntoView {
    let kind_id = ed.id("kind");
    let kind = move || draft.with(|d| d.kind);
    let option = move |k: BillKind| {
        view! {
            <option value=k.as_str() selected=move || kind() == k>
                {k.label()}
            </option>
        }
    };
    view! {
        <fieldset class="picker">
            <legend>"Repeats"</legend>
            <div class="grid">
                <span>
                    <label for=kind_id.clone()>"How often"</label>
                    <select
                        id=kind_id
                        on:change=move |ev| {
                            draft.update(|d| d.kind = BillKind::parse(&event_target_value(&ev)))
                        }
                    >
                        {BillKind::ALL.map(option).collect_view()}
                    </select>
                </span>
                <Show when=move || kind().every_max().is_some()>
                    <EveryField ed draft />
                </Show>
                <Show when=move || kind().uses_date()>
                    <DueDate id=ed.id("date") describedby=format!("{}-error", ed.id("recurrence")) draft />
                </Show>
                <Show when=move || kind() == BillKind::Yearly>
                    <MonthSelect id=ed.id("month") draft />
                </Show>
                <Show when=move || matches!(kind(), BillKind::Monthly | BillKind::Yearly)>
                    <DayOfMonthField ed draft />
                </Show>
            </div>
        </fieldset>
    }
}

/// How many months or weeks apart an "every N" bill falls (1–12 months, 1–52 weeks).
#[component]
fn EveryField(ed: Editor, draft: RwSignal<BillDraft>) -> impl IntoView {
    let id = ed.id("every");
    let months = move || draft.with(|d| d.kind == BillKind::EveryNMonths);
    let max = move || draft.with(|d| d.kind.every_max().unwrap_or(1)).to_string();
    view! {
        <span>
            <label for=id.clone()>
                {move || if months() { "Every how many months" } else { "Every how many weeks" }}
            </label>
            <input
                id=id.clone()
                type="number"
                inputmode="numeric"
                min="1"
                max=max
                step="1"
                required=true
                prop:value=move || draft.with(|d| d.every.map(|n| n.to_string()).unwrap_or_default())
                on:input=move |ev| {
                    let typed = event_target_value(&ev);
                    draft.update(|d| d.every = typed.trim().parse().ok());
                }
                aria-describedby=format!("{id}-error")
            />
            <FieldError id message=ed.message("recurrence.every") />
        </span>
    }
}

/// The date of a one-off, weekly, bi-weekly, quarterly or every-N bill (its label says which).
#[component]
fn DueDate(id: String, describedby: String, draft: RwSignal<BillDraft>) -> impl IntoView {
    // Only a new date is written back to the field (not every change of the draft).
    let date = Memo::new(move |_| draft.with(|d| d.date));
    let pick = move |ev: leptos::ev::Event| {
        if let Some(date) = parse_date(&event_target_value(&ev)) {
            draft.update(|d| d.date = date);
        }
    };
    view! {
        <span>
            <label for=id.clone()>{move || draft.with(BillDraft::date_label)}</label>
            // A cleared or impossible date leaves the draft alone (it always has one) and is refused on submit
            // (`date_problem`); its message is the form's `recurrence` one, below the picker.
            <input
                id=id
                type="date"
                required=true
                prop:value=move || date.get().to_string()
                on:input=pick
                on:change=pick
                aria-describedby=describedby
            />
        </span>
    }
}

/// A yearly bill's month.
#[component]
fn MonthSelect(id: String, draft: RwSignal<BillDraft>) -> impl IntoView {
    let option = move |m: u8| {
        view! {
            <option value=m.to_string() selected=move || draft.with(|d| d.month == m)>
                {MONTH_NAMES[usize::from(m - 1)]}
            </option>
        }
    };
    view! {
        <span>
            <label for=id.clone()>"Month"</label>
            <select
                id=id
                on:change=move |ev| {
                    let month = event_target_value(&ev).parse().unwrap_or(1);
                    draft.update(|d| d.set_month(month));
                }
            >
                {(1..=12u8).map(option).collect_view()}
            </select>
        </span>
    }
}

/// A monthly or yearly bill's day; a yearly bill offers only the days its month has.
#[component]
fn DayOfMonthField(ed: Editor, draft: RwSignal<BillDraft>) -> impl IntoView {
    let id = ed.id("day");
    let month = Memo::new(move |_| draft.with(|d| (d.kind == BillKind::Yearly).then_some(d.month)));
    view! {
        <span>
            <label for=id.clone()>"Day of the month"</label>
            <DaySelect
                id=id.clone()
                options=Signal::derive(move || day_options(month.get()))
                value=Signal::derive(move || draft.with(|d| d.day))
                on_pick=Callback::new(move |day| draft.update(|d| d.day = day))
                describedby=format!("{id}-error")
            />
            <FieldError id message=ed.message("recurrence.day") />
        </span>
    }
}

/// The recurrence picker in a real browser: each kind shows exactly its fields, a yearly bill offers only the days
/// its month has, and what is picked is what the draft (the request) holds.
#[cfg(all(test, target_arch = "wasm32"))]
mod browser_tests {
    use chrono::NaiveDate;
    use leptos::prelude::*;
    use shared::budget::{DayOfMonth, Recurrence};
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::{BILLS, BillDraft, BillPicker, Editor};
    use crate::testing::{exists, mount, options, pick, settle, type_into};

    wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    async fn the_picker_shows_each_kinds_fields_and_only_real_days() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 4).expect("a date");
        let draft = RwSignal::new(BillDraft::new(today));
        let (root, _) = mount(move || {
            let ed = Editor::new(&BILLS, None);
            view! { <BillPicker ed draft /> }
        });
        settle().await;
        // Monthly (the default): a day of the month, any of 1–31 or the last day; no date, no month.
        assert!(exists(&root, "#new-bill-day") && !exists(&root, "#new-bill-month"));
        assert!(!exists(&root, "#new-bill-date"));
        assert_eq!(options(&root, "#new-bill-day").len(), 32);

        pick(&root, "#new-bill-kind", "yearly");
        settle().await;
        pick(&root, "#new-bill-month", "2");
        settle().await;
        let days = options(&root, "#new-bill-day");
        assert_eq!(days.len(), 30, "February: 1–29 and the last day: {days:?}");
        assert!(!days.iter().any(|d| d == "30" || d == "31"));
        pick(&root, "#new-bill-day", "last");
        settle().await;
        assert_eq!(
            draft.get_untracked().recurrence(),
            Recurrence::Yearly {
                month: 2,
                day: DayOfMonth::Last
            }
        );

        // Every N months (car insurance twice a year): the number and the first due date; out of range is refused.
        pick(&root, "#new-bill-kind", "every_n_months");
        settle().await;
        assert!(exists(&root, "#new-bill-every") && exists(&root, "#new-bill-date"));
        type_into(&root, "#new-bill-every", "6");
        settle().await;
        assert!(matches!(
            draft.get_untracked().recurrence(),
            Recurrence::EveryNMonths { every: 6, .. }
        ));
        type_into(&root, "#new-bill-every", "13");
        settle().await;
        let problem = draft
            .get_untracked()
            .every_problem()
            .expect("13 months is refused");
        assert!(problem.contains("1 to 12"), "{problem}");

        pick(&root, "#new-bill-kind", "once");
        settle().await;
        assert!(
            exists(&root, "#new-bill-date"),
            "a one-off bill asks for its date"
        );
        assert!(!exists(&root, "#new-bill-day") && !exists(&root, "#new-bill-month"));
        assert!(matches!(
            draft.get_untracked().recurrence(),
            Recurrence::Once { .. }
        ));
    }
}

//! *Bills*: list, add, edit, delete. The recurrence picker can only express valid recurrences, and the next due
//! dates are previewed live with the shared engine (`Bill::next_occurrences`), exactly as the server computes them.

use leptos::prelude::*;
use shared::budget::{Bill, DayOfMonth};

use crate::api::UiError;
use crate::format::{MONTH_NAMES, date_near, decimal, parse_amount};
use crate::optimistic;
use crate::recurrence::{
    BillDraft, BillForm, BillKind, bill_preview, day_label, day_options, day_value,
    describe_recurrence, parse_day,
};
use crate::ui::{FieldError, FormError, Loading, ctx, decimals, field_message, money, today};

#[component]
pub fn Bills() -> impl IntoView {
    let ctx = ctx();
    let bills = RwSignal::new(Vec::<Bill>::new());
    let loaded = RwSignal::new(false);
    let error = RwSignal::new(None::<UiError>);
    // `Some(None)`: adding; `Some(Some(id))`: editing that bill.
    let editing = RwSignal::new(None::<Option<uuid::Uuid>>);
    {
        let api = ctx.api;
        leptos::task::spawn_local(async move {
            match api.get::<Vec<Bill>>("/api/v1/bills").await {
                Ok(list) => bills.set(list),
                Err(e) => error.set(Some(e)),
            }
            loaded.set(true);
        });
    }
    let currency = { Signal::derive(move || ctx.currency()) };
    let today = today();
    view! {
        <section class="page" aria-labelledby="bills-title">
            <div class="page-head">
                <h1 id="bills-title">"Bills"</h1>
                <button type="button" class="primary" on:click=move |_| editing.set(Some(None))
                    disabled=move || editing.get() == Some(None)>"Add bill"</button>
            </div>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e.message()}</p> })}
            <Show when=move || editing.get() == Some(None)>
                <BillEditor existing=None bills on_done=move || editing.set(None) />
            </Show>
            <Show when=move || loaded.get() fallback=|| view! { <Loading what="bills" /> }>
                <Show when=move || !bills.with(Vec::is_empty)
                    fallback=|| view! { <p class="empty">"No bills yet. Add rent, cards and subscriptions to see what each paycheck must cover."</p> }>
                    <ul class="cards" aria-label="Your bills">
                        <For each=move || bills.get() key=|b| (b.id, b.version) let:bill>
                            {
                                let id = bill.id;
                                let next = bill.next_occurrences(today, 1).first().copied();
                                let confirm = RwSignal::new(false);
                                let delete = {
                                    move |_| {
                                        let undo = bills.try_update(|l| optimistic::remove(l, id));
                                        leptos::task::spawn_local(async move {
                                            if let Err(e) = ctx.api.delete(&format!("/api/v1/bills/{id}")).await
                                                && e.status() != Some(404)
                                            {
                                                if let Some(undo) = undo {
                                                    bills.update(|l| optimistic::undo(l, undo));
                                                }
                                                ctx.fail(&e);
                                            }
                                        });
                                    }
                                };
                                let bill_for_edit = bill.clone();
                                view! {
                                    <li class="card item" data-testid="bill">
                                        <Show when=move || editing.get() != Some(Some(id))
                                            fallback=move || view! { <BillEditor existing=Some(bill_for_edit.clone()) bills on_done=move || editing.set(None) /> }>
                                            <div class="item-main">
                                                <h2 class="item-name">{bill.name.clone()}</h2>
                                                <p class="meta">
                                                    {describe_recurrence(bill.recurrence)}
                                                    {next.map(|d| format!(" · next {}", date_near(d, today)))}
                                                    {bill.autopay.then_some(" · autopay")}
                                                    {bill.category.clone().map(|c| format!(" · {c}"))}
                                                </p>
                                            </div>
                                            <span class="amount">{move || money(bill.amount, &currency.get())}</span>
                                            <div class="item-actions">
                                                <button type="button" on:click=move |_| editing.set(Some(Some(id)))
                                                    aria-label=format!("Edit {}", bill.name)>"Edit"</button>
                                                <Show when=move || confirm.get()
                                                    fallback=move || view! { <button type="button" class="danger-link" on:click=move |_| confirm.set(true)
                                                        aria-label="Delete">"Delete"</button> }>
                                                    <span class="confirm" role="group" aria-label="Confirm delete">
                                                        "Delete this bill? "
                                                        <button type="button" class="danger" on:click=delete>"Yes, delete"</button>
                                                        <button type="button" on:click=move |_| confirm.set(false)>"Keep"</button>
                                                    </span>
                                                </Show>
                                            </div>
                                        </Show>
                                    </li>
                                }
                            }
                        </For>
                    </ul>
                </Show>
            </Show>
        </section>
    }
}

/// Add or edit form. Escape or Cancel closes it.
#[component]
fn BillEditor(
    existing: Option<Bill>,
    bills: RwSignal<Vec<Bill>>,
    // A `Callback`, not `impl Fn`: a generic prop would compile the whole editor once per call site.
    #[prop(into)] on_done: Callback<()>,
) -> impl IntoView {
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

    let submit = {
        let existing = existing.clone();
        move |ev: leptos::ev::SubmitEvent| {
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
            leptos::task::spawn_local(async move {
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
                        on_done.run(());
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    let field = move |name: &'static str| field_message(error, local, name);
    let prefix = StoredValue::new(prefix);
    let id = move |suffix: &str| format!("{}-{suffix}", prefix.get_value());
    view! {
        <form class="card editor" on:submit=submit novalidate aria-label=if existing.is_some() { "Edit bill" } else { "New bill" }
            on:keydown=move |ev| if ev.key() == "Escape" { on_done.run(()); }>
            <div class="grid">
                <span>
                    <label for=id("name")>"Name"</label>
                    <input id=id("name") type="text" bind:value=name placeholder="Rent" autofocus
                        aria-describedby=id("name-error") />
                    <FieldError id=id("name") message=field("name") />
                </span>
                <span>
                    <label for=id("amount")>{format!("Amount ({currency})")}</label>
                    <input id=id("amount") type="text" inputmode="decimal" bind:value=amount placeholder="0.00"
                        aria-describedby=id("amount-error") />
                    <FieldError id=id("amount") message=field("amount") />
                </span>
                <span>
                    <label for=id("category")>"Category " <span class="hint">"(optional)"</span></label>
                    <input id=id("category") type="text" bind:value=category aria-describedby=id("category-error") />
                    <FieldError id=id("category") message=field("category") />
                </span>
                <span class="check">
                    <input id=id("autopay") type="checkbox" bind:checked=autopay />
                    <label for=id("autopay")>"Paid automatically"</label>
                </span>
            </div>
            <BillRecurrencePicker prefix=prefix.get_value() draft error=field("recurrence.day") />
            <FieldError id=id("recurrence") message=field("recurrence.date") />
            <details class="bounds" open=existing.as_ref().is_some_and(|b| b.starts_on.is_some() || b.ends_on.is_some())>
                <summary>"Start and end dates"</summary>
                <div class="grid">
                    <span>
                        <label for=id("starts")>"First due on or after"</label>
                        <input id=id("starts") type="date" bind:value=starts />
                    </span>
                    <span>
                        <label for=id("ends")>"Last due on or before"</label>
                        <input id=id("ends") type="date" bind:value=ends min=move || starts.get() aria-describedby=id("ends-error") />
                        <FieldError id=id("ends") message=field("ends_on") />
                    </span>
                </div>
            </details>
            <div class="preview" aria-live="polite">
                <span class="hint">"Next due: "</span>
                {move || {
                    let dates = preview.get();
                    if dates.is_empty() {
                        "no more due dates".to_owned()
                    } else {
                        dates.iter().map(|d| date_near(*d, today)).collect::<Vec<_>>().join(" · ")
                    }
                }}
            </div>
            <FormError error=error />
            <div class="actions">
                <button type="submit" class="primary" disabled=busy>{if existing.is_some() { "Save bill" } else { "Add bill" }}</button>
                <button type="button" on:click=move |_| on_done.run(())>"Cancel"</button>
            </div>
        </form>
    }
}

/// Kind, then exactly the fields that kind needs: a date, a day of month, or a month and a day of that month.
#[component]
fn BillRecurrencePicker(
    prefix: String,
    draft: RwSignal<BillDraft>,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let prefix = StoredValue::new(prefix);
    let id = move |suffix: &str| format!("{}-{suffix}", prefix.get_value());
    let kind = move || draft.with(|d| d.kind);
    view! {
        <fieldset class="picker">
            <legend>"Repeats"</legend>
            <div class="grid">
                <span>
                    <label for=id("kind")>"How often"</label>
                    <select id=id("kind") on:change=move |ev| draft.update(|d| d.kind = BillKind::parse(&event_target_value(&ev)))>
                        {BillKind::ALL.map(|k| view! { <option value=k.as_str() selected=move || kind() == k>{k.label()}</option> }).collect_view()}
                    </select>
                </span>
                <Show when=move || kind().uses_date()>
                    <span>
                        <label for=id("date")>{move || draft.with(BillDraft::date_label)}</label>
                        // A cleared date field keeps the last date picked: the draft always has one.
                        <input id=id("date") type="date" required prop:value=move || draft.with(|d| d.date.to_string())
                            on:change=move |ev| if let Some(date) = crate::format::parse_date(&event_target_value(&ev)) {
                                draft.update(|d| d.date = date);
                            } />
                    </span>
                </Show>
                <Show when=move || kind() == BillKind::Yearly>
                    <span>
                        <label for=id("month")>"Month"</label>
                        <select id=id("month") on:change=move |ev| {
                            let month = event_target_value(&ev).parse().unwrap_or(1);
                            draft.update(|d| d.set_month(month));
                        }>
                            {(1..=12u8).map(|m| view! {
                                <option value=m.to_string() selected=move || draft.with(|d| d.month == m)>{MONTH_NAMES[usize::from(m - 1)]}</option>
                            }).collect_view()}
                        </select>
                    </span>
                </Show>
                <Show when=move || matches!(kind(), BillKind::Monthly | BillKind::Yearly)>
                    <span>
                        <label for=id("day")>"Day of the month"</label>
                        <select id=id("day") aria-describedby=id("day-error")
                            on:change=move |ev| draft.update(|d| d.day = parse_day(&event_target_value(&ev)))>
                            {move || {
                                let month = draft.with(|d| (d.kind == BillKind::Yearly).then_some(d.month));
                                day_options(month).into_iter().map(|day| view! {
                                    <option value=day_value(day) selected=move || draft.with(|d| d.day == day)>{day_text(day)}</option>
                                }).collect_view()
                            }}
                        </select>
                        <FieldError id=id("day") message=error />
                    </span>
                </Show>
            </div>
        </fieldset>
    }
}

fn day_text(day: DayOfMonth) -> String {
    match day {
        DayOfMonth::Last => "Last day".into(),
        d => day_label(d),
    }
}

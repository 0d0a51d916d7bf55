//! *Pay schedules* ("Pay"): list, add, edit, delete. The picker shows exactly the fields a frequency uses, keeps
//! semi-monthly days distinct, and previews the next paydays with the shared engine (`PaySchedule::next_paydays`).

use leptos::prelude::*;
use shared::budget::{DayOfMonth, Frequency, PaySchedule};

use crate::api::UiError;
use crate::format::{date_near, decimal, parse_amount};
use crate::optimistic;
use crate::recurrence::{
    FREQUENCIES, ScheduleDraft, WEEKEND_RULES, day_label, day_options, day_value,
    describe_schedule, frequency_label, parse_day, parse_frequency, parse_weekend, weekend_label,
    weekend_value,
};
use crate::ui::{FieldError, FormError, Loading, ctx, decimals, field_message, money, today};

#[component]
pub fn Schedules() -> impl IntoView {
    let ctx = ctx();
    let schedules = RwSignal::new(Vec::<PaySchedule>::new());
    let loaded = RwSignal::new(false);
    let error = RwSignal::new(None::<UiError>);
    let editing = RwSignal::new(None::<Option<uuid::Uuid>>);
    {
        let api = ctx.api;
        leptos::task::spawn_local(async move {
            match api.get::<Vec<PaySchedule>>("/api/v1/pay-schedules").await {
                Ok(list) => schedules.set(list),
                Err(e) => error.set(Some(e)),
            }
            loaded.set(true);
        });
    }
    let currency = { Signal::derive(move || ctx.currency()) };
    let today = today();
    view! {
        <section class="page" aria-labelledby="pay-title">
            <div class="page-head">
                <h1 id="pay-title">"Pay schedules"</h1>
                <button type="button" class="primary" on:click=move |_| editing.set(Some(None))
                    disabled=move || editing.get() == Some(None)>"Add pay schedule"</button>
            </div>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e.message()}</p> })}
            <Show when=move || editing.get() == Some(None)>
                <ScheduleEditor existing=None schedules on_done=move || editing.set(None) />
            </Show>
            <Show when=move || loaded.get() fallback=|| view! { <Loading what="pay schedules" /> }>
                <Show when=move || !schedules.with(Vec::is_empty)
                    fallback=|| view! { <p class="empty">"No pay schedules yet. Add how you're paid so Payday knows when payday is."</p> }>
                    <ul class="cards" aria-label="Your pay schedules">
                        <For each=move || schedules.get() key=|s| (s.id, s.version) let:schedule>
                            {
                                let id = schedule.id;
                                let next = schedule.next_paydays(today, 3);
                                let confirm = RwSignal::new(false);
                                let delete = {
                                    move |_| {
                                        let undo = schedules.try_update(|l| optimistic::remove(l, id));
                                        leptos::task::spawn_local(async move {
                                            if let Err(e) = ctx.api.delete(&format!("/api/v1/pay-schedules/{id}")).await
                                                && e.status() != Some(404)
                                            {
                                                if let Some(undo) = undo {
                                                    schedules.update(|l| optimistic::undo(l, undo));
                                                }
                                                ctx.fail(&e);
                                            }
                                        });
                                    }
                                };
                                let for_edit = schedule.clone();
                                view! {
                                    <li class="card item" data-testid="schedule">
                                        <Show when=move || editing.get() != Some(Some(id))
                                            fallback=move || view! { <ScheduleEditor existing=Some(for_edit.clone()) schedules on_done=move || editing.set(None) /> }>
                                            <div class="item-main">
                                                <h2 class="item-name">{schedule.name.clone()}</h2>
                                                <p class="meta">
                                                    {describe_schedule(&schedule)}
                                                    {(!next.is_empty()).then(|| format!(" · next {}", next.iter().map(|d| date_near(*d, today)).collect::<Vec<_>>().join(", ")))}
                                                </p>
                                            </div>
                                            <span class="amount">{move || money(schedule.amount, &currency.get())}</span>
                                            <div class="item-actions">
                                                <button type="button" on:click=move |_| editing.set(Some(Some(id)))
                                                    aria-label=format!("Edit {}", schedule.name)>"Edit"</button>
                                                <Show when=move || confirm.get()
                                                    fallback=move || view! { <button type="button" class="danger-link" on:click=move |_| confirm.set(true)>"Delete"</button> }>
                                                    <span class="confirm" role="group" aria-label="Confirm delete">
                                                        "Delete this pay schedule? "
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

#[component]
fn ScheduleEditor(
    existing: Option<PaySchedule>,
    schedules: RwSignal<Vec<PaySchedule>>,
    // A `Callback`, not `impl Fn`: a generic prop would compile the whole editor once per call site.
    #[prop(into)] on_done: Callback<()>,
) -> impl IntoView {
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

    let submit = {
        let existing = existing.clone();
        move |ev: leptos::ev::SubmitEvent| {
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
            let (ctx, existing, on_done, name) =
                (ctx, existing.clone(), on_done, name.get_untracked());
            leptos::task::spawn_local(async move {
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
                        on_done.run(());
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    let field = move |name: &'static str| field_message(error, local, name);
    let pid = StoredValue::new(prefix.clone());
    let id = move |suffix: &str| format!("{}-{suffix}", pid.get_value());
    let frequency = move || draft.with(|d| d.frequency);
    view! {
        <form class="card editor" on:submit=submit novalidate aria-label=if existing.is_some() { "Edit pay schedule" } else { "New pay schedule" }
            on:keydown=move |ev| if ev.key() == "Escape" { on_done.run(()); }>
            <div class="grid">
                <span>
                    <label for=id("name")>"Name"</label>
                    <input id=id("name") type="text" bind:value=name placeholder="Salary" autofocus aria-describedby=id("name-error") />
                    <FieldError id=id("name") message=field("name") />
                </span>
                <span>
                    <label for=id("amount")>{format!("Take-home pay per paycheck ({currency})")}</label>
                    <input id=id("amount") type="text" inputmode="decimal" bind:value=amount placeholder="0.00" aria-describedby=id("amount-error") />
                    <FieldError id=id("amount") message=field("amount") />
                </span>
            </div>
            <fieldset class="picker">
                <legend>"When you're paid"</legend>
                <div class="grid">
                    <span>
                        <label for=id("frequency")>"How often"</label>
                        <select id=id("frequency") on:change=move |ev| draft.update(|d| d.frequency = parse_frequency(&event_target_value(&ev)))>
                            {FREQUENCIES.map(|f| view! { <option value=f.as_str() selected=move || frequency() == f>{frequency_label(f)}</option> }).collect_view()}
                        </select>
                    </span>
                    <Show when=move || matches!(frequency(), Frequency::Weekly | Frequency::Biweekly)>
                        <span>
                            <label for=id("anchor")>"A recent or upcoming payday"</label>
                            <input id=id("anchor") type="date" required prop:value=move || draft.with(|d| d.anchor_date.to_string())
                                on:change=move |ev| if let Some(date) = crate::format::parse_date(&event_target_value(&ev)) {
                                    draft.update(|d| d.anchor_date = date);
                                } />
                        </span>
                    </Show>
                    <Show when=move || frequency() == Frequency::Semimonthly>
                        {
                            (0..2usize).map(move |which| view! {
                                <span>
                                    <label for=id(&format!("day{which}"))>{if which == 0 { "First payday" } else { "Second payday" }}</label>
                                    <DaySelect id=id(&format!("day{which}"))
                                        value=Signal::derive(move || draft.with(|d| d.days[which]))
                                        on_pick=move |day| draft.update(|d| d.set_day(which, day)) />
                                </span>
                            }).collect_view()
                        }
                    </Show>
                    <Show when=move || frequency() == Frequency::Monthly>
                        <span>
                            <label for=id("day")>"Payday"</label>
                            <DaySelect id=id("day") value=Signal::derive(move || draft.with(|d| d.day))
                                on_pick=move |day| draft.update(|d| d.day = day) />
                        </span>
                    </Show>
                    <span>
                        <label for=id("weekend")>"If payday falls on a weekend"</label>
                        <select id=id("weekend") on:change=move |ev| draft.update(|d| d.weekend = parse_weekend(&event_target_value(&ev)))>
                            {WEEKEND_RULES.map(|r| view! { <option value=weekend_value(r) selected=move || draft.with(|d| d.weekend == r)>{weekend_label(r)}</option> }).collect_view()}
                        </select>
                    </span>
                </div>
                <FieldError id=id("days") message=field("days") />
            </fieldset>
            <div class="preview" aria-live="polite">
                <span class="hint">"Next paydays: "</span>
                {move || preview.get().iter().map(|d| date_near(*d, today)).collect::<Vec<_>>().join(" · ")}
            </div>
            <FormError error=error />
            <div class="actions">
                <button type="submit" class="primary" disabled=busy>{if existing.is_some() { "Save pay schedule" } else { "Add pay schedule" }}</button>
                <button type="button" on:click=move |_| on_done.run(())>"Cancel"</button>
            </div>
        </form>
    }
}

#[component]
fn DaySelect(
    id: String,
    value: Signal<DayOfMonth>,
    #[prop(into)] on_pick: Callback<DayOfMonth>,
) -> impl IntoView {
    view! {
        <select id=id on:change=move |ev| on_pick.run(parse_day(&event_target_value(&ev)))>
            {day_options(None).into_iter().map(|day| view! {
                <option value=day_value(day) selected=move || value.get() == day>
                    {match day { DayOfMonth::Last => "Last day".to_owned(), d => day_label(d) }}
                </option>
            }).collect_view()}
        </select>
    }
}

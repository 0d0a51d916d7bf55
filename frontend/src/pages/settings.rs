//! *Settings*: currency, time zone and current balance (PATCH with the record's version), the data export, and
//! deleting the account (typed confirmation).

use leptos::prelude::*;
use shared::budget::{Settings, UpdateSettings, currency::CURRENCIES};

use crate::api::UiError;
use crate::format::{decimal, parse_amount};
use crate::route::{Route, Router};
use crate::ui::{FieldError, FormError, ctx, decimals, device_time_zone, download, field_message};

#[component]
pub fn SettingsPage() -> impl IntoView {
    let ctx = ctx();
    let router = expect_context::<Router>();
    let current = ctx.settings;
    let currency = RwSignal::new(String::new());
    let zone = RwSignal::new(String::new());
    let balance = RwSignal::new(String::new());
    let error = RwSignal::new(None::<UiError>);
    let local = RwSignal::new(Vec::<(String, String)>::new());
    let saved = RwSignal::new(false);
    let busy = RwSignal::new(false);

    // Fill the form from the stored settings (again after a save or a conflict reload).
    let fill = move |s: &Settings| {
        currency.set(s.currency.clone());
        zone.set(s.time_zone.clone());
        balance.set(
            s.current_balance
                .map(|b| decimal(b, decimals(&s.currency)))
                .unwrap_or_default(),
        );
    };
    Effect::new(move |_| {
        if let Some(s) = current.get() {
            fill(&s);
        }
    });

    let submit = {
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            saved.set(false);
            let Some(base) = current.get_untracked() else {
                return;
            };
            let code = currency.get_untracked().trim().to_ascii_uppercase();
            let mut problems = Vec::new();
            if !shared::budget::is_currency(&code) {
                problems.push((
                    "currency".to_owned(),
                    "choose a currency from the list".to_owned(),
                ));
            }
            let text = balance.get_untracked();
            let parsed = if text.trim().is_empty() {
                Ok(None)
            } else {
                parse_amount(&text, decimals(&code), true).map(Some)
            };
            if let Err(m) = &parsed {
                problems.push(("current_balance".to_owned(), m.clone()));
            }
            local.set(problems.clone());
            error.set(None);
            if !problems.is_empty() {
                return;
            }
            let change = UpdateSettings {
                currency: Some(code),
                time_zone: Some(zone.get_untracked().trim().to_owned()),
                current_balance: Some(parsed.unwrap_or(None)),
                version: Some(base.version),
            };
            busy.set(true);
            leptos::task::spawn_local(async move {
                match ctx
                    .api
                    .patch::<_, Settings>("/api/v1/settings", &change)
                    .await
                {
                    Ok(s) => {
                        current.set(Some(s));
                        saved.set(true);
                    }
                    Err(e) => {
                        if e.status() == Some(409)
                            && let Ok(latest) = ctx.api.get::<Settings>("/api/v1/settings").await
                        {
                            current.set(Some(latest));
                        }
                        error.set(Some(e));
                    }
                }
                busy.set(false);
            });
        }
    };

    let export = {
        move |_| {
            leptos::task::spawn_local(async move {
                match ctx.api.raw("GET", "/api/v1/export", None).await {
                    Ok((_, body)) => {
                        download("payday-export.json", &body, "application/json");
                    }
                    Err(e) => ctx.fail(&e),
                }
            });
        }
    };

    let confirm_text = RwSignal::new(String::new());
    let deleting = RwSignal::new(false);
    let delete_error = RwSignal::new(None::<UiError>);
    let delete = {
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            if confirm_text.get_untracked().trim() != "delete" {
                return;
            }
            leptos::task::spawn_local(async move {
                match ctx.api.delete("/api/v1/me").await {
                    Ok(()) => {
                        ctx.api
                            .end_session("Your account and all its data were deleted.");
                        router.go(Route::SignIn);
                    }
                    Err(e) => delete_error.set(Some(e)),
                }
            });
        }
    };
    let field = move |name: &'static str| field_message(error, local, name);
    let device = device_time_zone();

    view! {
        <section class="page" aria-labelledby="settings-title">
            <h1 id="settings-title">"Settings"</h1>
            <form class="card" on:submit=submit novalidate aria-label="Budget settings">
                <h2>"Budget"</h2>
                <div class="grid">
                    <span>
                        <label for="currency">"Currency"</label>
                        <select id="currency" on:change=move |ev| currency.set(event_target_value(&ev)) aria-describedby="currency-error">
                            {CURRENCIES.iter().map(|(code, _)| view! {
                                <option value=*code selected=move || currency.get() == *code>{*code}</option>
                            }).collect_view()}
                        </select>
                        <FieldError id="currency" message=field("currency") />
                    </span>
                    <span>
                        <label for="time-zone">"Time zone"</label>
                        <input id="time-zone" type="text" bind:value=zone aria-describedby="time-zone-error" />
                        {device.map(|d| {
                            let d2 = d.clone();
                            view! {
                                <button type="button" class="link" on:click=move |_| zone.set(d2.clone())>
                                    {format!("Use this device's ({d})")}
                                </button>
                            }
                        })}
                        <FieldError id="time-zone" message=field("time_zone") />
                    </span>
                    <span>
                        <label for="balance">"Current balance " <span class="hint">"(optional; enables the projection)"</span></label>
                        <input id="balance" type="text" inputmode="decimal" bind:value=balance aria-describedby="balance-error" />
                        <FieldError id="balance" message=field("current_balance") />
                    </span>
                </div>
                <FormError error=error />
                <div class="actions">
                    <button type="submit" class="primary" disabled=move || busy.get() || current.with(Option::is_none)>"Save settings"</button>
                    <span role="status">{move || saved.get().then_some("Saved.")}</span>
                </div>
            </form>
            <div class="card">
                <h2>"Your data"</h2>
                <p>"Download everything Payday holds about you as one JSON file."</p>
                <button type="button" on:click=export>"Export data"</button>
            </div>
            <div class="card danger-zone">
                <h2>"Delete account"</h2>
                <Show when=move || deleting.get()
                    fallback=move || view! { <button type="button" class="danger" on:click=move |_| deleting.set(true)>"Delete my account…"</button> }>
                    <form on:submit=delete on:keydown=move |ev| if ev.key() == "Escape" { deleting.set(false); }>
                        <p>"This deletes your account, tasks, bills and pay schedules for good. Type " <strong>"delete"</strong> " to confirm."</p>
                        <label for="confirm-delete" class="visually-hidden">"Type delete to confirm"</label>
                        <input id="confirm-delete" type="text" autocomplete="off" bind:value=confirm_text />
                        <FormError error=delete_error />
                        <div class="actions">
                            <button type="submit" class="danger" disabled=move || confirm_text.get().trim() != "delete">"Delete account"</button>
                            <button type="button" on:click=move |_| deleting.set(false)>"Cancel"</button>
                        </div>
                    </form>
                </Show>
            </div>
        </section>
    }
}

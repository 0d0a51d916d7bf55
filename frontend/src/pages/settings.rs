//! *Settings*: currency, time zone and current balance (PATCH with the record's version), the data export, and
//! deleting the account (typed confirmation).

use std::rc::Rc;

use shared::Money;
use shared::budget::{Settings, UpdateSettings, currency::CURRENCIES};
use web_sys::Event;

use wasm_bindgen::JsValue;

use crate::api::UiError;
use crate::dom::{El, View, el, focus_soon, key, show_else, target_value};
use crate::format::{decimal, parse_amount};
use crate::route::{Route, router};
use crate::rx::{RwSignal, effect, spawn};
use crate::ui::{
    actions, cancel_button, ctx, currency_names, decimals, device_time_zone, download, field,
    field_error, field_message, form_error, hint, input, label, money, refocus, submit_button,
    time_zones,
};

pub fn settings() -> View {
    let ctx = ctx();
    let router = router();
    let current = ctx.settings;
    let currency = RwSignal::new(String::new());
    let zone = RwSignal::new(String::new());
    let balance = RwSignal::new(String::new());
    let error = RwSignal::new(None::<UiError>);
    let local = RwSignal::new(Vec::<(String, String)>::new());
    let saved = RwSignal::new(false);
    let busy = RwSignal::new(false);

    // Fill the form from the stored settings (again after a save or a conflict reload).
    effect(move || {
        if let Some(s) = current.get() {
            currency.set(s.currency.clone());
            zone.set(s.time_zone.clone());
            balance.set(
                s.current_balance
                    .map(|b| decimal(b, decimals(&s.currency)))
                    .unwrap_or_default(),
            );
        }
    });

    let submit = move |ev: Event| {
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
        // The balance is sent only when it was edited. An untouched balance keeps its minor units, like every
        // other amount, when the currency changes (the note under the picker says so); read in the new
        // currency's decimals it would be rescaled (¥1,500,000 → KWD 1,500,000.000) or refused.
        let text = balance.get_untracked();
        let shown = base
            .current_balance
            .map(|b| decimal(b, decimals(&base.currency)))
            .unwrap_or_default();
        let parsed = if text.trim() == shown {
            Ok(None)
        } else if text.trim().is_empty() {
            Ok(Some(None))
        } else {
            parse_amount(&text, decimals(&code), true).map(|b| Some(Some(b)))
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
            current_balance: parsed.unwrap_or(None),
            version: Some(base.version),
        };
        busy.set(true);
        spawn(async move {
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
            // The button was disabled while saving, which dropped its focus: give it back.
            refocus("#settings-save");
        });
    };

    let export = move |_| {
        spawn(async move {
            match ctx.api.raw("GET", "/api/v1/export", None).await {
                Ok((_, body)) => {
                    download("payday-export.json", &body, "application/json");
                }
                Err(e) => ctx.fail(&e),
            }
        });
    };

    let confirm_text = RwSignal::new(String::new());
    let deleting = RwSignal::new(false);
    // Closing the question gives focus back to the button that asked it.
    let stop_deleting = move || {
        deleting.set(false);
        refocus("#delete-account");
    };
    let delete_error = RwSignal::new(None::<UiError>);
    let delete = move |ev: Event| {
        ev.prevent_default();
        if confirm_text.get_untracked().trim() != "delete" {
            return;
        }
        spawn(async move {
            match ctx.api.delete("/api/v1/me").await {
                Ok(()) => {
                    ctx.api
                        .end_session("Your account and all its data were deleted.");
                    router.go(Route::SignIn);
                }
                Err(e) => delete_error.set(Some(e)),
            }
        });
    };
    let message = move |name: &'static str| field_message(error, local, name);

    let mut select = el("select")
        .id("currency")
        .on("change", move |ev| currency.set(target_value(&ev)));
    let names = currency_names();
    for (code, _) in CURRENCIES.iter() {
        let code: &'static str = code;
        // "USD — US Dollar", named in the user's language by the browser.
        let text = match names.as_ref().and_then(|names| names(code)) {
            Some(name) if name != code => format!("{code} — {name}"),
            _ => code.to_owned(),
        };
        select = select.child(
            el("option")
                .attr("value", code)
                .flag_dyn("selected", move || currency.get() == code)
                .text(&text),
        );
    }
    // The property too: after a pick, browsers stop following the `selected` attributes (a reload after a 409).
    let select = select.prop_dyn("value", move || JsValue::from_str(&currency.get()));

    el("section")
        .class("page")
        .attr("aria-labelledby", "settings-title")
        .child(el("h1").id("settings-title").text("Settings"))
        .child(
            el("form")
                .class("card")
                .on("submit", submit)
                .flag("novalidate", true)
                .attr("aria-label", "Budget settings")
                .child(el("h2").text("Budget"))
                .child(
                    el("div")
                        .class("grid")
                        .child(
                            el("span")
                                .child(field(
                                    "currency",
                                    label("currency", "Currency"),
                                    select,
                                    message("currency"),
                                ))
                                .child(currency_note(current, currency)),
                        )
                        .child(
                            el("span")
                                .child(label("time-zone", "Time zone"))
                                .child(
                                    input("time-zone", "text", &[("list", "time-zones")], zone)
                                        .attr("aria-describedby", "time-zone-error"),
                                )
                                // Suggestions as the name is typed: the zones this browser knows.
                                .child(
                                    el("datalist").id("time-zones").child(
                                        time_zones()
                                            .into_iter()
                                            .map(|zone| el("option").attr("value", &zone))
                                            .collect::<Vec<_>>(),
                                    ),
                                )
                                .child(device_time_zone().map(|d| {
                                    let label = format!("Use this device's ({d})");
                                    el("button")
                                        .attr("type", "button")
                                        .class("link")
                                        .on("click", move |_| zone.set(d.clone()))
                                        .text(&label)
                                }))
                                .child(field_error("time-zone", message("time_zone"))),
                        )
                        .child(
                            el("span").child(field(
                                "balance",
                                label("balance", "Current balance")
                                    .child(el("span").text_dyn(move || format!(" ({}) ", currency.get())))
                                    .child(hint("(optional; enables the projection)")),
                                input("balance", "text", &[("inputmode", "decimal")], balance),
                                message("current_balance"),
                            )),
                        ),
                )
                .child(form_error(error))
                .child(actions(
                    submit_button("primary")
                        .id("settings-save")
                        .flag_dyn("disabled", move || {
                            busy.get() || current.with(Option::is_none)
                        })
                        .text("Save settings"),
                    el("span").attr("role", "status").text_dyn(move || {
                        if saved.get() { "Saved." } else { "" }.to_owned()
                    }),
                )),
        )
        .child(
            el("div")
                .class("card")
                .child(el("h2").text("Your data"))
                .child(el("p").text("Download everything Payday holds about you as one JSON file."))
                .child(
                    el("button")
                        .attr("type", "button")
                        .on("click", export)
                        .text("Export data"),
                ),
        )
        .child(
            el("div")
                .class("card danger-zone")
                .child(el("h2").text("Delete account"))
                .child(show_else(
                    move || deleting.get(),
                    move || {
                        el("form")
                            .on("submit", delete)
                            .on("keydown", move |ev| {
                                if key(&ev) == "Escape" {
                                    stop_deleting();
                                }
                            })
                            .child(
                                el("p")
                                    .text("This deletes your account, tasks, bills and pay schedules for good. Type ")
                                    .child(el("strong").text("delete"))
                                    .text(" to confirm."),
                            )
                            .child(
                                label("confirm-delete", "Type delete to confirm")
                                    .class("visually-hidden"),
                            )
                            .child(
                                input(
                                    "confirm-delete",
                                    "text",
                                    &[("autocomplete", "off")],
                                    confirm_text,
                                )
                                .with_node(focus_soon),
                            )
                            .child(form_error(delete_error))
                            .child(actions(
                                submit_button("danger")
                                    .flag_dyn("disabled", move || {
                                        confirm_text.get().trim() != "delete"
                                    })
                                    .text("Delete account"),
                                cancel_button(Rc::new(stop_deleting)),
                            ))
                    },
                    move || {
                        el("button")
                            .attr("type", "button")
                            .id("delete-account")
                            .class("danger")
                            .on("click", move |_| deleting.set(true))
                            .text("Delete my account…")
                    },
                )),
        )
        .into()
}

/// Said before saving a currency with other minor units than the saved one (USD to JPY): amounts are stored in
/// the smallest unit and are not converted, so $1.00 would read ¥100.
fn currency_note(current: RwSignal<Option<Settings>>, chosen: RwSignal<String>) -> El {
    let note = move || {
        let saved = current.with(|s| s.as_ref().map(|s| s.currency.clone()))?;
        let chosen = chosen.get();
        let (from, to) = (decimals(&saved), decimals(&chosen));
        (from != to && shared::budget::is_currency(&chosen)).then(|| {
            let one: Money = 10_i64.pow(u32::from(from));
            format!(
                "Amounts are not converted: they keep their smallest units, so {} would read {}. \
                 Change the currency before adding amounts, or check them after.",
                money(one, &saved),
                money(one, &chosen)
            )
        })
    };
    el("p")
        .class("hint")
        .id("currency-note")
        .attr("role", "status")
        .flag_dyn("hidden", move || note().is_none())
        .text_dyn(move || note().unwrap_or_default())
}

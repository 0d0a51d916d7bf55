//! *Settings*: currency, time zone and current balance with the day it was that much (PATCH with the record's
//! version), the data export, and deleting the account (typed confirmation).

use chrono::NaiveDate;
use leptos::ev::{KeyboardEvent, SubmitEvent};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;
use shared::Money;
use shared::budget::{Settings, UpdateSettings, currency::CURRENCIES};

use crate::api::UiError;
use crate::format::{NumberStyle, date_near, decimal_in, parse_amount, parse_date};
use crate::ui::{
    AmountEcho, Ctx, FieldError, FormError, Hint, ctx, currency_names, date_problem, decimals,
    device_time_zone, download, field_message, money, number_style, refocus, time_zones, today_in,
};

#[component]
pub fn SettingsPage() -> impl IntoView {
    view! {
        <section class="page" aria-labelledby="settings-title">
            <h1 id="settings-title">"Settings"</h1>
            <BudgetForm />
            <ExportData />
            <DeleteAccount />
        </section>
    }
}

/// Field errors the form found itself, by field name (shown before the server's).
type Problems = Vec<(String, String)>;

/// The change the budget form asks for, from the stored settings `base` and what is typed; or what is wrong.
fn settings_change(
    base: &Settings,
    currency: &str,
    zone: &str,
    balance: &str,
    style: NumberStyle,
) -> Result<UpdateSettings, Problems> {
    let code = currency.trim().to_ascii_uppercase();
    let mut problems = Vec::new();
    if !shared::budget::is_currency(&code) {
        problems.push((
            "currency".to_owned(),
            "choose a currency from the list".to_owned(),
        ));
    }
    // The balance is sent only when it was edited. An untouched balance keeps its minor units, like every other
    // amount, when the currency changes (the note under the picker says so); read in the new currency's decimals
    // it would be rescaled (¥1,500,000 → KWD 1,500,000.000) or refused.
    let shown = base
        .current_balance
        .map(|b| decimal_in(b, decimals(&base.currency), style))
        .unwrap_or_default();
    let parsed = if balance.trim() == shown {
        Ok(None)
    } else if balance.trim().is_empty() {
        Ok(Some(None))
    } else {
        parse_amount(balance, decimals(&code), true, style).map(|b| Some(Some(b)))
    };
    match parsed {
        Err(m) => problems.push(("current_balance".to_owned(), m)),
        Ok(current_balance) if problems.is_empty() => {
            return Ok(UpdateSettings {
                currency: Some(code),
                time_zone: Some(zone.trim().to_owned()),
                current_balance,
                // Set by `with_balance_date`.
                balance_on: None,
                version: Some(base.version),
            });
        }
        Ok(_) => {}
    }
    Err(problems)
}

/// Adds the balance's date to `checked` (what [`settings_change`] made of the rest of the form). `date` is the date
/// field's value, or the browser's own complaint about it (`validity.badInput`: 02/30/2026 reads as an empty value);
/// `today` is the user's today in the time zone being saved, as the server reckons it.
///
/// With a balance, the date is always sent: the one typed, or today when the field is empty (the hint says so) —
/// the field shows the saved date, so an emptied field means "today", not "keep". A date after today is refused
/// here, as the server would. Without a balance (none, or just cleared) the date is not sent: it needs one.
/// A new amount with the saved date left as it was is dated today: the field was showing the old balance's date,
/// and keeping it would take the bills ticked paid since off the new balance again (docs/budget.md rule 10).
fn with_balance_date(
    checked: Result<UpdateSettings, Problems>,
    base: &Settings,
    date: Result<&str, String>,
    today: NaiveDate,
) -> Result<UpdateSettings, Problems> {
    let has_balance = match &checked {
        Ok(change) => change
            .current_balance
            .unwrap_or(base.current_balance)
            .is_some(),
        // A balance was typed but is wrong: its date is checked too, so both errors show at once.
        Err(problems) => {
            base.current_balance.is_some() || problems.iter().any(|(f, _)| f == "current_balance")
        }
    };
    let new_amount = matches!(&checked, Ok(change)
        if change.current_balance.is_some_and(|amount| amount != base.current_balance));
    let on = if has_balance {
        match date.map(str::trim) {
            Err(problem) => Err(problem),
            Ok("") => Ok(Some(today)),
            Ok(text) => match parse_date(text) {
                None => Err("Enter a real date".to_owned()),
                Some(day) if day > today => Err(format!(
                    "must not be after today ({})",
                    date_near(today, today)
                )),
                Some(day) if new_amount && Some(day) == base.balance_on => Ok(Some(today)),
                Some(day) => Ok(Some(day)),
            },
        }
    } else {
        Ok(None)
    };
    match (checked, on) {
        (Ok(mut change), Ok(on)) => {
            change.balance_on = on;
            Ok(change)
        }
        (Ok(_), Err(problem)) => Err(vec![("balance_on".to_owned(), problem)]),
        (Err(problems), Ok(_)) => Err(problems),
        (Err(mut problems), Err(problem)) => {
            problems.push(("balance_on".to_owned(), problem));
            Err(problems)
        }
    }
}

/// What the budget form asks to save — its fields (currency, time zone, balance, balance date) as typed, and the
/// browser's view of the date field — or what is wrong, by field.
fn read_form(
    base: &Settings,
    [currency, zone, balance, balance_on]: [RwSignal<String>; 4],
    style: NumberStyle,
) -> Result<UpdateSettings, Problems> {
    let zone = zone.get_untracked();
    let checked = settings_change(
        base,
        &currency.get_untracked(),
        &zone,
        &balance.get_untracked(),
        style,
    );
    // "Today" where the server will reckon it: in the time zone being saved.
    let today = today_in(Some(zone.trim()));
    let date = date_problem("balance-on").map_or_else(|| Ok(balance_on.get_untracked()), Err);
    with_balance_date(checked, base, date.as_deref().map_err(Clone::clone), today)
}

/// Saves `change` into the app's settings. On a conflict (changed elsewhere meanwhile) the stored settings are
/// reloaded first, so the form shows what is saved now when the error says why.
async fn save(ctx: Ctx, change: &UpdateSettings) -> Result<(), UiError> {
    match ctx
        .api
        .patch::<_, Settings>("/api/v1/settings", change)
        .await
    {
        Ok(s) => {
            ctx.settings.set(Some(s));
            Ok(())
        }
        Err(e) => {
            if e.status() == Some(409)
                && let Ok(latest) = ctx.api.get::<Settings>("/api/v1/settings").await
            {
                ctx.settings.set(Some(latest));
            }
            Err(e)
        }
    }
}

/// The budget form: currency, time zone, balance; saved with the record's version (a conflict reloads it).
#[component]
fn BudgetForm() -> impl IntoView {
    let ctx = ctx();
    let current = ctx.settings;
    let currency = RwSignal::new(String::new());
    let zone = RwSignal::new(String::new());
    let balance = RwSignal::new(String::new());
    let balance_on = RwSignal::new(String::new());
    let style = number_style();
    let error = RwSignal::new(None::<UiError>);
    let local = RwSignal::new(Problems::new());
    let saved = RwSignal::new(false);
    let busy = RwSignal::new(false);

    // Fill the form from the stored settings (again after a save or a conflict reload). Once now as well, so the
    // first paint shows them rather than empty fields until the effect's first run.
    let fill = move || {
        if let Some(s) = current.get() {
            currency.set(s.currency.clone());
            zone.set(s.time_zone.clone());
            balance.set(
                s.current_balance
                    .map(|b| decimal_in(b, decimals(&s.currency), style))
                    .unwrap_or_default(),
            );
            balance_on.set(s.balance_on.map(|d| d.to_string()).unwrap_or_default());
        }
    };
    untrack(fill);
    Effect::new(move |_| fill());

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let Some(base) = current.get_untracked() else {
            return;
        };
        let checked = read_form(&base, [currency, zone, balance, balance_on], style);
        error.set(None);
        let change = match checked {
            Ok(change) => {
                local.set(Vec::new());
                change
            }
            Err(problems) => {
                local.set(problems);
                return;
            }
        };
        busy.set(true);
        spawn_local(async move {
            match save(ctx, &change).await {
                Ok(()) => saved.set(true),
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
            // The button was disabled while saving, which dropped its focus: give it back once it is enabled
            // again (the DOM follows the signal on the next tick).
            request_animation_frame(|| refocus("#settings-save"));
        });
    };
    let message = move |name: &'static str| field_message(error, local, name);

    view! {
        <form class="card" on:submit=submit novalidate aria-label="Budget settings">
            <h2>"Budget"</h2>
            <div class="grid">
                <span>
                    <CurrencyField currency message=message("currency") />
                    <CurrencyNote current chosen=currency />
                </span>
                <TimeZoneField zone message=message("time_zone") />
                <BalanceField balance currency message=message("current_balance") />
                <BalanceDateField date=balance_on message=message("balance_on") />
            </div>
            <FormError error />
            <SaveRow busy saved loaded=Signal::derive(move || current.with(Option::is_some)) />
        </form>
    }
}

/// Save (disabled while saving and until the settings have loaded), and the "Saved." status beside it.
#[component]
fn SaveRow(busy: RwSignal<bool>, saved: RwSignal<bool>, loaded: Signal<bool>) -> impl IntoView {
    view! {
        <div class="actions">
            <button
                type="submit"
                class="primary"
                id="settings-save"
                disabled=move || busy.get() || !loaded.get()
            >
                "Save settings"
            </button>
            <span role="status">{move || if saved.get() { "Saved." } else { "" }}</span>
        </div>
    }
}

/// The currency picker: every ISO 4217 code, named in the user's language by the browser ("USD — US Dollar").
#[component]
fn CurrencyField(currency: RwSignal<String>, message: Signal<Option<String>>) -> impl IntoView {
    let names = currency_names();
    let options = CURRENCIES
        .iter()
        .map(|&(code, _)| {
            let text = match names.as_ref().and_then(|names| names(code)) {
                Some(name) if name != code => format!("{code} — {name}"),
                _ => code.to_owned(),
            };
            view! { <option value=code selected=move || currency.with(|c| c == code)>{text}</option> }
        })
        .collect_view();
    view! {
        <label for="currency">"Currency"</label>
        // The property too: after a pick, browsers stop following the `selected` attributes (a reload after a 409).
        <select
            id="currency"
            aria-describedby="currency-error"
            on:change=move |ev| currency.set(event_target_value(&ev))
            prop:value=move || currency.get()
        >
            {options}
        </select>
        <FieldError id="currency" message />
    }
}

/// Said before saving a currency with other minor units than the saved one (USD to JPY): amounts are stored in
/// the smallest unit and are not converted, so $1.00 would read ¥100.
#[component]
fn CurrencyNote(current: RwSignal<Option<Settings>>, chosen: RwSignal<String>) -> impl IntoView {
    let note = Memo::new(move |_| {
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
    });
    view! {
        <p class="hint" id="currency-note" role="status" hidden=move || note.with(Option::is_none)>
            {move || note.get().unwrap_or_default()}
        </p>
    }
}

/// The time zone, typed with suggestions (the zones this browser knows), or this device's in one click.
#[component]
fn TimeZoneField(zone: RwSignal<String>, message: Signal<Option<String>>) -> impl IntoView {
    let suggestions = time_zones()
        .into_iter()
        .map(|zone| view! { <option value=zone></option> })
        .collect_view();
    let use_device = device_time_zone().map(|device| {
        let label = format!("Use this device's ({device})");
        view! {
            <button type="button" class="link" on:click=move |_| zone.set(device.clone())>
                {label}
            </button>
        }
    });
    view! {
        <span>
            <label for="time-zone">"Time zone"</label>
            <input
                id="time-zone"
                type="text"
                list="time-zones"
                bind:value=zone
                aria-describedby="time-zone-error"
            />
            <datalist id="time-zones">{suggestions}</datalist>
            {use_device}
            <FieldError id="time-zone" message />
        </span>
    }
}

/// The current balance, in the chosen currency (optional: it enables the projection).
#[component]
fn BalanceField(
    balance: RwSignal<String>,
    currency: RwSignal<String>,
    message: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <span>
            <label for="balance">
                "Current balance"
                <span>{move || format!(" ({}) ", currency.get())}</span>
                <Hint text="(optional; enables the projection)" />
            </label>
            <input
                id="balance"
                type="text"
                inputmode="decimal"
                bind:value=balance
                aria-describedby="balance-error balance-echo"
            />
            <AmountEcho id="balance" text=balance currency allow_negative=true />
            <FieldError id="balance" message />
        </span>
    }
}

/// The day the balance was that much: bills ticked paid from that day on are taken off it on the dashboard. Empty
/// means today; a later day is refused (see [`with_balance_date`]).
#[component]
fn BalanceDateField(date: RwSignal<String>, message: Signal<Option<String>>) -> impl IntoView {
    let today = ctx().today().to_string();
    view! {
        <span>
            <label for="balance-on">"Balance as of"</label>
            <input
                id="balance-on"
                type="date"
                max=today
                bind:value=date
                aria-describedby="balance-on-error balance-on-hint"
            />
            <p class="hint" id="balance-on-hint">
                "Bills you tick paid from this day on come off the balance. Empty: today; a new balance is dated today unless you change the date too."
            </p>
            <FieldError id="balance-on" message />
        </span>
    }
}

/// Downloads everything Payday holds about the user as one JSON file.
#[component]
fn ExportData() -> impl IntoView {
    let ctx = ctx();
    let export = move |_| {
        spawn_local(async move {
            match ctx.api.raw("GET", "/api/v1/export", None).await {
                Ok((_, body)) => {
                    download("payday-export.json", &body, "application/json");
                }
                Err(e) => ctx.fail(&e),
            }
        });
    };
    view! {
        <div class="card">
            <h2>"Your data"</h2>
            <p>"Download everything Payday holds about you as one JSON file."</p>
            <button type="button" on:click=export>"Export data"</button>
        </div>
    }
}

/// The danger zone: a button that opens the typed confirmation.
#[component]
fn DeleteAccount() -> impl IntoView {
    let deleting = RwSignal::new(false);
    // Kept while the question is closed and opened again, as the page always has (the text typed, the last error).
    let confirm_text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<UiError>);
    // Closing the question gives focus back to the button that asked it (once it is back in the page).
    let stop = Callback::new(move |()| {
        deleting.set(false);
        request_animation_frame(|| refocus("#delete-account"));
    });
    view! {
        <div class="card danger-zone">
            <h2>"Delete account"</h2>
            <Show
                when=move || deleting.get()
                fallback=move || {
                    view! {
                        <button
                            type="button"
                            id="delete-account"
                            class="danger"
                            on:click=move |_| deleting.set(true)
                        >
                            "Delete my account…"
                        </button>
                    }
                }
            >
                <ConfirmDelete confirm_text error stop />
            </Show>
        </div>
    }
}

/// "Type delete to confirm": the field has focus when it opens; Escape or Cancel closes it (`stop`). Once the
/// account is gone the session ends, saying why on the sign-in page.
#[component]
fn ConfirmDelete(
    confirm_text: RwSignal<String>,
    error: RwSignal<Option<UiError>>,
    stop: Callback<()>,
) -> impl IntoView {
    let ctx = ctx();
    let navigate = use_navigate();
    let field = NodeRef::<leptos::html::Input>::new();
    field.on_load(|input| {
        request_animation_frame(move || drop(input.focus()));
    });
    let confirmed = move || confirm_text.with(|t| t.trim() == "delete");
    let delete = move |ev: SubmitEvent| {
        ev.prevent_default();
        if !untrack(confirmed) {
            return;
        }
        let navigate = navigate.clone();
        spawn_local(async move {
            match ctx.api.delete("/api/v1/me").await {
                Ok(()) => {
                    ctx.api
                        .end_session("Your account and all its data were deleted.");
                    navigate("/signin", NavigateOptions::default());
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <form
            on:submit=delete
            on:keydown=move |ev: KeyboardEvent| {
                if ev.key() == "Escape" {
                    stop.run(());
                }
            }
        >
            <p>
                "This deletes your account, tasks, bills and pay schedules for good. Type "
                <strong>"delete"</strong>
                " to confirm."
            </p>
            <label for="confirm-delete" class="visually-hidden">"Type delete to confirm"</label>
            <input
                id="confirm-delete"
                type="text"
                autocomplete="off"
                bind:value=confirm_text
                node_ref=field
            />
            <FormError error />
            <div class="actions">
                <button type="submit" class="danger" disabled=move || !confirmed()>
                    "Delete account"
                </button>
                <button type="button" on:click=move |_| stop.run(())>"Cancel"</button>
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::POINT;

    fn stored(currency: &str, balance: Option<Money>) -> Settings {
        Settings {
            currency: currency.to_owned(),
            current_balance: balance,
            ..Settings::initial(chrono::DateTime::default())
        }
    }

    #[test]
    fn an_untouched_balance_is_not_sent_even_when_the_currency_changes() {
        let base = stored("JPY", Some(1_500_000));
        let change =
            settings_change(&base, " kwd ", " Asia/Tokyo ", "1500000", POINT).unwrap_or_default();
        assert_eq!(change.currency.as_deref(), Some("KWD"));
        assert_eq!(change.time_zone.as_deref(), Some("Asia/Tokyo"));
        assert_eq!(change.current_balance, None);
        assert_eq!(change.version, Some(0));
    }

    #[test]
    fn an_edited_or_cleared_balance_is_sent() {
        let base = stored("USD", Some(100));
        let edited = settings_change(&base, "USD", "UTC", "500", POINT).unwrap_or_default();
        assert_eq!(edited.current_balance, Some(Some(50_000)));
        let cleared = settings_change(&base, "USD", "UTC", " ", POINT).unwrap_or_default();
        assert_eq!(cleared.current_balance, Some(None));
    }

    #[test]
    fn a_balance_is_read_in_the_locale_s_marks() {
        let base = stored("EUR", Some(100));
        let german = settings_change(&base, "EUR", "UTC", "1.234,50", crate::format::COMMA)
            .unwrap_or_default();
        assert_eq!(german.current_balance, Some(Some(123_450)));
        // "12,34" in en-US is refused, not saved as 1,234.00.
        let problems = settings_change(&base, "EUR", "UTC", "12,34", POINT)
            .err()
            .unwrap_or_default();
        assert_eq!(
            problems,
            [(
                "current_balance".to_owned(),
                "unclear: write 12.34, or 1,234 for the whole number".to_owned()
            )]
        );
        // The stored balance shown in de-DE's marks is "untouched", not a change.
        let shown =
            settings_change(&base, "EUR", "UTC", "1,00", crate::format::COMMA).unwrap_or_default();
        assert_eq!(shown.current_balance, None);
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap_or_default()
    }

    #[test]
    fn a_balance_is_sent_with_the_date_typed_or_today_when_the_date_is_empty() {
        let base = stored("USD", None);
        let typed = settings_change(&base, "USD", "UTC", "820", POINT);
        let dated =
            with_balance_date(typed.clone(), &base, Ok("2026-12-01"), day(4)).unwrap_or_default();
        assert_eq!(
            (dated.current_balance, dated.balance_on),
            (Some(Some(82_000)), Some(day(1)))
        );
        let today = with_balance_date(typed.clone(), &base, Ok(" "), day(4)).unwrap_or_default();
        assert_eq!(today.balance_on, Some(day(4)));
        // Today itself is fine; tomorrow is refused next to the date, as the server would.
        assert!(with_balance_date(typed.clone(), &base, Ok("2026-12-04"), day(4)).is_ok());
        assert_eq!(
            with_balance_date(typed, &base, Ok("2026-12-05"), day(4))
                .err()
                .unwrap_or_default(),
            [(
                "balance_on".to_owned(),
                "must not be after today (Fri 4 Dec)".to_owned()
            )]
        );
    }

    #[test]
    fn a_new_balance_with_the_saved_date_left_alone_is_dated_today() {
        // $820 on Dec 1 saved; on Dec 10 the user types $500 and leaves the date field (showing Dec 1) alone.
        let base = Settings {
            balance_on: Some(day(1)),
            ..stored("USD", Some(82_000))
        };
        let typed = settings_change(&base, "USD", "UTC", "500", POINT);
        let saved =
            with_balance_date(typed.clone(), &base, Ok("2026-12-01"), day(10)).unwrap_or_default();
        assert_eq!(
            (saved.current_balance, saved.balance_on),
            (Some(Some(50_000)), Some(day(10)))
        );
        // A date changed with it is kept; the same amount with its date is left as saved.
        let dated = with_balance_date(typed, &base, Ok("2026-12-08"), day(10)).unwrap_or_default();
        assert_eq!(dated.balance_on, Some(day(8)));
        let same = settings_change(&base, "USD", "UTC", "820", POINT);
        let kept = with_balance_date(same, &base, Ok("2026-12-01"), day(10)).unwrap_or_default();
        assert_eq!(kept.balance_on, Some(day(1)));
    }

    #[test]
    fn a_date_the_browser_cannot_read_is_refused_never_saved_as_today() {
        let base = stored("USD", Some(100));
        let untouched = settings_change(&base, "USD", "UTC", "1.00", POINT);
        let bad = Err("Enter a real date, like 12/31/2026".to_owned());
        assert_eq!(
            with_balance_date(untouched, &base, bad.clone(), day(4))
                .err()
                .unwrap_or_default(),
            [(
                "balance_on".to_owned(),
                "Enter a real date, like 12/31/2026".to_owned()
            )]
        );
        // Both mistakes at once are both shown.
        let wrong = settings_change(&base, "USD", "UTC", "abc", POINT);
        let fields: Vec<String> = with_balance_date(wrong, &base, bad, day(4))
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        assert_eq!(fields, ["current_balance", "balance_on"]);
    }

    #[test]
    fn without_a_balance_no_date_is_sent() {
        let base = stored("USD", Some(100));
        let cleared = settings_change(&base, "USD", "UTC", "", POINT);
        let change =
            with_balance_date(cleared, &base, Ok("2026-12-01"), day(4)).unwrap_or_default();
        assert_eq!(
            (change.current_balance, change.balance_on),
            (Some(None), None)
        );
        let none = stored("USD", None);
        let change = with_balance_date(
            settings_change(&none, "USD", "UTC", "", POINT),
            &none,
            Ok(""),
            day(4),
        )
        .unwrap_or_default();
        assert_eq!((change.current_balance, change.balance_on), (None, None));
    }

    #[test]
    fn problems_are_named_by_field() {
        let base = stored("USD", None);
        let problems = settings_change(&base, "XYZ", "UTC", "abc", POINT)
            .err()
            .unwrap_or_default();
        let fields: Vec<_> = problems.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, ["currency", "current_balance"]);
    }
}

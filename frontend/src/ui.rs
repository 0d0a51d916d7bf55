//! Small browser-side helpers and shared components: the app context ([`Ctx`]), money in the user's locale,
//! today's date, and the pieces of every form — field and form error messages, the loading placeholder. (What the
//! bills and pay-schedules pages share is in `pages/editor.rs`.)

use chrono::NaiveDate;
use leptos::prelude::*;
use shared::Money;
use shared::budget::Settings;
use wasm_bindgen::{JsCast, JsValue};

use crate::api::{Api, UiError};
use crate::format::{self, NumberStyle};

/// App-wide state, provided as context by the shell (`Copy`: every part lives in the reactive arena, so event
/// handlers and tasks capture it by value); [`ctx`] returns it.
#[derive(Clone, Copy)]
pub struct Ctx {
    pub api: Api,
    /// The user's budget settings (currency, time zone, balance); `None` until loaded.
    pub settings: RwSignal<Option<Settings>>,
    /// The latest error not tied to a form (a rolled-back change), shown in the alert bar.
    pub notice: RwSignal<Option<String>>,
}

impl Ctx {
    pub fn currency(&self) -> String {
        self.settings
            .with(|s| s.as_ref().map(|s| s.currency.clone()))
            .unwrap_or_else(|| "USD".into())
    }

    /// Shows an error in the alert bar.
    pub fn fail(&self, error: &UiError) {
        self.notice.set(Some(error.message()));
    }

    /// A change was saved: an alert about an earlier failure is out of date now.
    pub fn saved(&self) {
        if self.notice.with_untracked(Option::is_some) {
            self.notice.set(None);
        }
    }

    /// Today in the user's time zone from Settings, the day the server's summary counts from; the device's day
    /// until the settings have loaded (or if this browser does not know the zone). Not tracked.
    pub fn today(&self) -> NaiveDate {
        let zone = self
            .settings
            .with_untracked(|s| s.as_ref().map(|s| s.time_zone.clone()));
        today_in(zone.as_deref())
    }
}

/// The app's context, provided by the shell (`app.rs`). Call it while a component is built (not from an event
/// handler or a task) and keep the `Copy` value.
pub fn ctx() -> Ctx {
    expect_context::<Ctx>()
}

/// Decimal places of `currency` (2 when unknown).
pub fn decimals(currency: &str) -> u8 {
    shared::budget::minor_units(currency).unwrap_or(2)
}

/// `amount` in `currency`, formatted by the browser for the user's locale (`Intl.NumberFormat`).
pub fn money(amount: Money, currency: &str) -> String {
    let places = decimals(currency);
    intl_money(amount, currency, places)
        .unwrap_or_else(|| format::money_plain(amount, currency, places))
}

fn intl_money(amount: Money, currency: &str, places: u8) -> Option<String> {
    if !cfg!(target_arch = "wasm32") {
        return None;
    }
    let options = js_sys::Object::new();
    let set = |k: &str, v: JsValue| js_sys::Reflect::set(&options, &JsValue::from_str(k), &v).ok();
    set("style", "currency".into())?;
    set("currency", currency.into())?;
    set("minimumFractionDigits", f64::from(places).into())?;
    set("maximumFractionDigits", f64::from(places).into())?;
    let formatter = js_sys::Intl::NumberFormat::new(&js_sys::Array::new(), &options);
    formatter
        .format()
        .call1(
            &JsValue::NULL,
            &JsValue::from_str(&format::decimal(amount, places)),
        )
        .ok()?
        .as_string()
}

/// How the browser's locale writes numbers, from the `Intl.NumberFormat` parts of 1234567.5 (`1,234,567.5` in
/// en-US, `1.234.567,5` in de-DE); en-US's marks where it cannot say.
pub fn number_style() -> NumberStyle {
    let mut style = format::POINT;
    if !cfg!(target_arch = "wasm32") {
        return style;
    }
    let parts = js_sys::Intl::NumberFormat::new(&js_sys::Array::new(), &js_sys::Object::new())
        .format_to_parts(1_234_567.5);
    for part in parts.iter() {
        let get = |k: &str| js_sys::Reflect::get(&part, &k.into()).ok()?.as_string();
        let (Some(kind), Some(mark)) = (get("type"), get("value").and_then(|v| v.chars().next()))
        else {
            continue;
        };
        match kind.as_str() {
            "decimal" => style.decimal = mark,
            "group" => style.group = mark,
            _ => {}
        }
    }
    // A locale that writes no grouping mark must not keep en-US's comma beside its decimal comma.
    if style.group == style.decimal {
        style.group = if style.decimal == ',' { '.' } else { ',' };
    }
    style
}

/// What an amount field's text reads as ("= €12.34"), beside the field before anything is saved, so a misread
/// amount is seen rather than saved. Empty while the text is empty or does not parse (its error shows on submit)
/// or the currency is not a known code.
#[component]
pub fn AmountEcho(
    #[prop(into)] id: String,
    #[prop(into)] text: Signal<String>,
    #[prop(into)] currency: Signal<String>,
    allow_negative: bool,
) -> impl IntoView {
    let style = number_style();
    let echo = move || {
        let code = currency.with(|c| c.trim().to_ascii_uppercase());
        let places = shared::budget::minor_units(&code)?;
        let value = text.with(|t| {
            (!t.trim().is_empty())
                .then(|| format::parse_amount(t, places, allow_negative, style).ok())
                .flatten()
        })?;
        Some(format!("= {}", money(value, &code)))
    };
    view! {
        <p class="hint echo" id=format!("{id}-echo") aria-live="polite">
            {move || echo().unwrap_or_default()}
        </p>
    }
}

/// The current time (chrono's clock is not built for wasm here; the browser's is).
pub fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
}

/// Today in the IANA time zone `zone` (the device's day when `None` or unknown to this browser).
pub fn today_in(zone: Option<&str>) -> NaiveDate {
    let now = js_sys::Date::new_0();
    zone.and_then(|zone| day_in(&now, zone)).unwrap_or_else(|| {
        NaiveDate::from_ymd_opt(
            now.get_full_year() as i32,
            now.get_month() + 1,
            now.get_date(),
        )
        .unwrap_or_default()
    })
}

/// The calendar day of `at` in the IANA time zone `zone`, by the browser's time zone data.
fn day_in(at: &js_sys::Date, zone: &str) -> Option<NaiveDate> {
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"timeZone".into(), &zone.into()).ok()?;
    // Called through `Reflect::apply`, which returns the RangeError of a zone the browser lacks instead of
    // trapping. The en-CA locale writes the day as 2026-11-22.
    let format = js_sys::Reflect::get(at, &"toLocaleDateString".into()).ok()?;
    let day = js_sys::Reflect::apply(
        format.unchecked_ref::<js_sys::Function>(),
        at,
        &js_sys::Array::of2(&"en-CA".into(), &options),
    )
    .ok()?;
    format::parse_date(&day.as_string()?)
}

/// Names currency codes in the user's language (`USD` → "US Dollar") with the browser's `Intl.DisplayNames`;
/// `None` where the browser has none. Called through `Reflect`, so a browser without it cannot trap the page.
pub fn currency_names() -> Option<impl Fn(&str) -> Option<String>> {
    let intl = js_sys::Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
    let constructor = js_sys::Reflect::get(&intl, &"DisplayNames".into()).ok()?;
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"type".into(), &"currency".into()).ok()?;
    let names = js_sys::Reflect::construct(
        constructor.dyn_ref::<js_sys::Function>()?,
        &js_sys::Array::of2(&js_sys::Array::new(), &options),
    )
    .ok()?;
    let of = js_sys::Reflect::get(&names, &"of".into())
        .ok()?
        .dyn_into::<js_sys::Function>()
        .ok()?;
    Some(move |code: &str| of.call1(&names, &code.into()).ok()?.as_string())
}

/// The IANA time zones this browser knows (`Intl.supportedValuesOf("timeZone")`); empty where it cannot say.
pub fn time_zones() -> Vec<String> {
    let list = (|| {
        let intl = js_sys::Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
        let supported = js_sys::Reflect::get(&intl, &"supportedValuesOf".into())
            .ok()?
            .dyn_into::<js_sys::Function>()
            .ok()?;
        supported
            .call1(&intl, &"timeZone".into())
            .ok()?
            .dyn_into::<js_sys::Array>()
            .ok()
    })();
    list.map(|zones| zones.iter().filter_map(|z| z.as_string()).collect())
        .unwrap_or_default()
}

/// The device's IANA time zone (`Europe/London`), if the browser says.
pub fn device_time_zone() -> Option<String> {
    let options = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new())
        .resolved_options();
    js_sys::Reflect::get(&options, &JsValue::from_str("timeZone"))
        .ok()?
        .as_string()
}

/// A field's error message, linked to its input by id: give the input `aria-describedby="<id>-error"`.
#[component]
pub fn FieldError(
    #[prop(into)] id: String,
    #[prop(into)] message: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <p
            class="field-error"
            id=format!("{id}-error")
            role="alert"
            hidden=move || message.with(Option::is_none)
        >
            {move || message.get().unwrap_or_default()}
        </p>
    }
}

/// What is wrong with the date field `id` as the browser holds it, if anything: a date that does not exist or is
/// half typed (02/30/2026: Chromium reports `validity.badInput` and an empty `value`, so the value alone would read
/// as "no date"), or no date in a `required` one. `None` too when the field is not on the page (a picker that does
/// not use it). Read on submit, so a save never takes today or the last date picked for what was typed.
pub fn date_problem(id: &str) -> Option<String> {
    let input = document()
        .get_element_by_id(id)?
        .dyn_into::<web_sys::HtmlInputElement>()
        .ok()?;
    if input.validity().bad_input() {
        Some(format!("Enter a real date, like {}", sample_date()))
    } else if input.value().is_empty() && input.required() {
        Some("Enter a date".into())
    } else {
        None
    }
}

/// 31 December 2026 as the browser writes dates for the user's locale ("12/31/2026" in en-US).
fn sample_date() -> String {
    let day = js_sys::Date::new_with_year_month_day(2026, 11, 31);
    js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new())
        .format()
        .call1(&JsValue::NULL, &day)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| "2026-12-31".into())
}

/// A grey aside inside a label ("(optional)").
#[component]
pub fn Hint(text: &'static str) -> impl IntoView {
    view! { <span class="hint">{text}</span> }
}

/// A form-level error message.
#[component]
pub fn FormError(error: RwSignal<Option<UiError>>) -> impl IntoView {
    move || {
        error
            .get()
            .map(|e| view! { <p class="form-error" role="alert">{e.message()}</p> })
    }
}

/// The error for `field` — the server's, or one the form found itself.
pub fn field_message(
    error: RwSignal<Option<UiError>>,
    local: RwSignal<Vec<(String, String)>>,
    field: &'static str,
) -> Signal<Option<String>> {
    Signal::derive(move || {
        local
            .with(|l| l.iter().find(|(f, _)| f == field).map(|(_, m)| m.clone()))
            .or_else(|| error.with(|e| e.as_ref().and_then(|e| e.field(field))))
    })
}

/// Closes the editor for `which` (`None`: the add form) if it is still the one open: a slow save must not
/// close another editor opened meanwhile (bills and pay schedules: `Some(Some(id))` edits that record).
pub fn close_editor(editing: RwSignal<Option<Option<uuid::Uuid>>>, which: Option<uuid::Uuid>) {
    if editing.get_untracked() == Some(which) {
        editing.set(None);
    }
}

/// Focuses the element matching `selector` if nothing has focus (the focused part of the page was just removed, as
/// when an editor closes), so a keyboard user goes on from there instead of from the top of the page. Focus the
/// user has put elsewhere is left alone.
pub fn refocus(selector: &str) {
    let doc = document();
    let idle = match (doc.active_element(), doc.body()) {
        (None, _) => true,
        (Some(active), Some(body)) => body.is_same_node(Some(&active)),
        (Some(_), None) => false,
    };
    if idle
        && let Ok(Some(target)) = doc.query_selector(selector)
        && let Ok(target) = target.dyn_into::<web_sys::HtmlElement>()
    {
        target.focus().ok();
    }
}

/// A loading placeholder with a screen-reader status.
#[component]
pub fn Loading(what: &'static str) -> impl IntoView {
    view! {
        <p class="loading" role="status" aria-live="polite">
            {format!("Loading {what}…")}
        </p>
    }
}

/// Saves `text` as a file download (the data export).
pub fn download(filename: &str, text: &str, mime: &str) -> Option<()> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
    let anchor: web_sys::HtmlAnchorElement =
        document().create_element("a").ok()?.dyn_into().ok()?;
    anchor.set_href(&url);
    anchor.set_download(filename);
    anchor.click();
    web_sys::Url::revoke_object_url(&url).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finished_save_closes_only_its_own_editor() {
        let (a, b) = (uuid::Uuid::from_u128(1), uuid::Uuid::from_u128(2));
        let editing = RwSignal::new(Some(Some(b)));
        // The save of `a` (or of the add form) finishes while `b` is open: `b` stays open.
        close_editor(editing, Some(a));
        close_editor(editing, None);
        assert_eq!(editing.get_untracked(), Some(Some(b)));
        close_editor(editing, Some(b));
        assert_eq!(editing.get_untracked(), None);
    }
}

//! Helpers for the components' browser tests (`cargo test -p frontend --target wasm32-unknown-unknown`, run in
//! headless Chromium by scripts/test-e2e.sh): mount a component with the app context, let Leptos and the browser
//! settle, find elements, and act as a user would (clicks, keys, picks). The context's API points at a closed
//! port, so every request fails the way a network outage does: what a component does then is what is tested.

use leptos::mount::mount_to;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::api::{Api, AuthBackend, AuthConfig, RuntimeConfig, Session};
use crate::ui::Ctx;

/// A signed-in context whose API cannot be reached.
pub fn offline_ctx() -> Ctx {
    Session::save(Some(&Session {
        access_token: "test-access".into(),
        refresh_token: "test-refresh".into(),
        expires_at: js_sys::Date::now() + 3_600_000.0,
        email: "test@example.com".into(),
    }));
    let config = RuntimeConfig {
        // Port 9 (discard) is closed here: fetch fails at once.
        api_base_url: "http://127.0.0.1:9".into(),
        auth: AuthConfig::Local,
    };
    let auth = AuthBackend::from_config(&config).expect("local sign-in");
    Ctx {
        api: Api::new(&config, auth),
        settings: RwSignal::new(None),
        notice: RwSignal::new(None),
    }
}

/// Mounts `view` in a fresh container with [`offline_ctx`]; returns the container and the context. The view stays
/// mounted for the rest of the test run (each test has its own container).
pub fn mount<V: IntoView + 'static>(
    view: impl FnOnce() -> V + 'static,
) -> (web_sys::HtmlElement, Ctx) {
    let document = document();
    let container: web_sys::HtmlElement = document
        .create_element("div")
        .expect("a div")
        .unchecked_into();
    document
        .body()
        .expect("a body")
        .append_child(&container)
        .expect("appended");
    let ctx = offline_ctx();
    let handle = mount_to(container.clone(), move || {
        provide_context(ctx);
        view()
    });
    handle.forget();
    (container, ctx)
}

/// Waits until Leptos has applied pending changes and the browser has run the next animation frame (where the
/// components move focus), twice over.
pub async fn settle() {
    for _ in 0..2 {
        let frame = js_sys::Promise::new(&mut |resolve, _| {
            window()
                .request_animation_frame(&resolve)
                .expect("an animation frame");
        });
        JsFuture::from(frame).await.expect("frame");
        leptos::task::tick().await;
    }
}

/// Waits (up to ~2 s) until `check` holds: for outcomes that wait on a request.
pub async fn eventually(what: &str, check: impl Fn() -> bool) {
    for _ in 0..120 {
        if check() {
            return;
        }
        settle().await;
    }
    panic!("timed out waiting until {what}");
}

/// The element matching `selector` inside `root`.
pub fn find(root: &web_sys::HtmlElement, selector: &str) -> web_sys::HtmlElement {
    root.query_selector(selector)
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("no element matches {selector}"))
        .unchecked_into()
}

/// Whether an element matching `selector` is inside `root`.
pub fn exists(root: &web_sys::HtmlElement, selector: &str) -> bool {
    root.query_selector(selector).ok().flatten().is_some()
}

/// The focused element's outer HTML start, for messages and comparisons.
pub fn focused() -> Option<web_sys::Element> {
    document().active_element()
}

/// Presses `key` on `target` (a bubbling `keydown`).
pub fn press(target: &web_sys::HtmlElement, key: &str) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    let event = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init)
        .expect("a keydown");
    target.dispatch_event(&event).expect("dispatched");
}

/// Picks `value` in the `<select>` matching `selector`, as a user would (sets it, then fires `change`).
pub fn pick(root: &web_sys::HtmlElement, selector: &str, value: &str) {
    let select: web_sys::HtmlSelectElement = find(root, selector).unchecked_into();
    select.set_value(value);
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let event = web_sys::Event::new_with_event_init_dict("change", &init).expect("a change event");
    select.dispatch_event(&event).expect("dispatched");
}

/// The values of the `<option>`s of the `<select>` matching `selector`.
pub fn options(root: &web_sys::HtmlElement, selector: &str) -> Vec<String> {
    let select: web_sys::HtmlSelectElement = find(root, selector).unchecked_into();
    let options = select.options();
    (0..options.length())
        .filter_map(|i| options.item(i))
        .map(|o| o.unchecked_into::<web_sys::HtmlOptionElement>().value())
        .collect()
}

/// Types `text` into the `<input>` matching `selector`, as a user would (sets it, then fires `input`).
pub fn type_into(root: &web_sys::HtmlElement, selector: &str, text: &str) {
    let input: web_sys::HtmlInputElement = find(root, selector).unchecked_into();
    input.set_value(text);
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let event = web_sys::Event::new_with_event_init_dict("input", &init).expect("an input event");
    input.dispatch_event(&event).expect("dispatched");
}

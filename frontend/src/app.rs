//! The shell: loads the runtime config, builds the API client, provides the app context, and lays out the router:
//! navigation, the alert bar and the current page (the sign-in pages while signed out). Global keys: `n` new task,
//! `/` search tasks, Escape dismisses the alert.

use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{A, Route, Router, Routes};
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::{NavigateOptions, path};
use shared::budget::{Settings, UpdateSettings};
use wasm_bindgen::JsCast;

use crate::api::{Api, AuthBackend, load_config};
use crate::pages::auth::{SignIn, SignUp};
use crate::pages::bills::Bills;
use crate::pages::home::Home;
use crate::pages::schedules::Schedules;
use crate::pages::settings::SettingsPage;
use crate::pages::tasks::Tasks;
use crate::ui::{self, Ctx, Loading, ctx};

/// The whole app: a splash while `/config.json` loads, then the shell (or why it cannot start).
#[component]
pub fn App() -> impl IntoView {
    let config = LocalResource::new(load_config);
    move || match config.get() {
        None => view! { <div class="splash" role="status">"Loading Payday…"</div> }.into_any(),
        Some(config) => match AuthBackend::from_config(&config) {
            Ok(auth) => view! { <Shell api=Api::new(&config, auth) /> }.into_any(),
            Err(message) => view! { <div class="splash" role="alert">{message}</div> }.into_any(),
        },
    }
}

/// Provides the context, keeps the settings in step with the signed-in user, and lays out the page.
#[component]
fn Shell(api: Api) -> impl IntoView {
    api.watch_session();
    let ctx = Ctx {
        api,
        settings: RwSignal::new(None),
        notice: RwSignal::new(None),
    };
    provide_context(ctx);
    load_settings(ctx);
    let signed_in = Memo::new(move |_| api.session.with(Option::is_some));

    view! {
        <Router>
            <a class="skip" href="#main">"Skip to content"</a>
            <Show when=move || signed_in.get()>
                <Nav />
            </Show>
            <NoticeBar />
            <main id="main" tabindex="-1">
                <Routes fallback=|| view! { <Gate><NotFound /></Gate> }>
                    <Route path=path!("") view=|| view! { <Gate><Home /></Gate> } />
                    <Route
                        path=path!("/tasks/:filter?")
                        view=|| view! { <Gate needs_today=true><Tasks /></Gate> }
                    />
                    <Route path=path!("/bills") view=|| view! { <Gate needs_today=true><Bills /></Gate> } />
                    <Route
                        path=path!("/pay-schedules")
                        view=|| view! { <Gate needs_today=true><Schedules /></Gate> }
                    />
                    <Route path=path!("/settings") view=|| view! { <Gate><SettingsPage /></Gate> } />
                    <Route path=path!("/signin") view=|| view! { <Public><SignIn /></Public> } />
                    <Route path=path!("/signup") view=|| view! { <Public><SignUp /></Public> } />
                </Routes>
            </main>
            <Shortcuts />
            <FocusFollowsNavigation />
        </Router>
    }
}

/// Loads the settings when someone signs in (and forgets them on sign-out). A new account starts in this device's
/// time zone rather than UTC, so "today" is the user's from the first day.
fn load_settings(ctx: Ctx) {
    let email = Memo::new(move |_| {
        ctx.api
            .session
            .with(|s| s.as_ref().map(|s| s.email.clone()))
    });
    Effect::new(move |_| {
        if email.get().is_none() {
            ctx.settings.set(None);
            return;
        }
        spawn_local(async move {
            match ctx.api.get::<Settings>("/api/v1/settings").await {
                Ok(settings) => {
                    // Never saved yet (version 0): adopt the device's zone. Kept as UTC if the server does not
                    // know the zone.
                    let device = ui::device_time_zone().filter(|zone| *zone != settings.time_zone);
                    let settings = match device {
                        Some(zone) if settings.version == 0 => {
                            let change = UpdateSettings {
                                time_zone: Some(zone),
                                version: Some(0),
                                ..Default::default()
                            };
                            ctx.api
                                .patch::<_, Settings>("/api/v1/settings", &change)
                                .await
                                .unwrap_or(settings)
                        }
                        _ => settings,
                    };
                    ctx.settings.set(Some(settings));
                }
                Err(e) => ctx.fail(&e),
            }
        });
    });
}

/// A signed-in page: the sign-in page instead while signed out (the address stays, so signing in lands here);
/// pages that show dates relative to today (`needs_today`) wait for the settings, whose time zone says what today is.
#[component]
fn Gate(#[prop(optional)] needs_today: bool, children: ChildrenFn) -> impl IntoView {
    let ctx = ctx();
    let signed_in = Memo::new(move |_| ctx.api.session.with(Option::is_some));
    let settings_loaded = Memo::new(move |_| ctx.settings.with(Option::is_some));
    move || {
        if !signed_in.get() {
            view! { <SignIn /> }.into_any()
        } else if needs_today && !settings_loaded.get() {
            view! { <Loading what="your settings" /> }.into_any()
        } else {
            children().into_any()
        }
    }
}

/// A sign-in page: signed-in people are sent on to the dashboard.
#[component]
fn Public(children: ChildrenFn) -> impl IntoView {
    let ctx = ctx();
    let navigate = use_navigate();
    let signed_in = Memo::new(move |_| ctx.api.session.with(Option::is_some));
    Effect::new(move |_| {
        if signed_in.get() {
            navigate("/", NavigateOptions::default());
        }
    });
    move || {
        if signed_in.get() {
            view! { <p>"Signing you in…"</p> }.into_any()
        } else {
            children().into_any()
        }
    }
}

/// An address the app does not have (the tasks page shows it for an unknown filter too).
#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <section class="page">
            <h1>"Page not found"</h1>
            <p>
                <a href="/">"Go to Before payday"</a>
            </p>
        </section>
    }
}

#[component]
fn Nav() -> impl IntoView {
    let ctx = ctx();
    let navigate = use_navigate();
    let email = move || {
        ctx.api
            .session
            .with(|s| s.as_ref().map(|s| s.email.clone()).unwrap_or_default())
    };
    let sign_out = move |_| {
        let navigate = navigate.clone();
        spawn_local(async move {
            ctx.api.sign_out().await;
            navigate("/signin", NavigateOptions::default());
        });
    };
    view! {
        <header class="top">
            <a href="/" class="brand">"Payday"</a>
            <nav aria-label="Main">
                <A href="/" exact=true>"Before payday"</A>
                <A href="/tasks">"Tasks"</A>
                <A href="/bills">"Bills"</A>
                <A href="/pay-schedules">"Pay"</A>
                <A href="/settings">"Settings"</A>
            </nav>
            <div class="who">
                <span class="email" title="Signed in as">{email}</span>
                <button type="button" class="link" on:click=sign_out>"Sign out"</button>
            </div>
        </header>
    }
}

/// The alert bar: the latest error not tied to a form, until dismissed (× or Escape) or a later save succeeds.
#[component]
fn NoticeBar() -> impl IntoView {
    let notice = ctx().notice;
    move || {
        notice.get().map(|text| {
            view! {
                <div class="notice" role="alert">
                    <span>{text}</span>
                    <button
                        type="button"
                        class="link"
                        aria-label="Dismiss"
                        on:click=move |_| notice.set(None)
                    >
                        "×"
                    </button>
                </div>
            }
        })
    }
}

/// `n` → new task, `/` → search tasks, Escape → dismiss the alert. Ignored while typing in a field.
#[component]
fn Shortcuts() -> impl IntoView {
    let notice = ctx().notice;
    let navigate = use_navigate();
    let location = use_location();
    let handle = window_event_listener(ev::keydown, move |ev| {
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        let key = ev.key();
        if key == "Escape" {
            notice.set(None);
            return;
        }
        if typing_in_a_field(&ev) {
            return;
        }
        let target = match key.as_str() {
            "n" => "new-task",
            "/" => "task-search",
            _ => return,
        };
        ev.prevent_default();
        if !location.pathname.get_untracked().starts_with("/tasks") {
            navigate("/tasks", NavigateOptions::default());
        }
        // The tasks page may render on this tick; focus once it has.
        request_animation_frame(move || focus(target));
    });
    on_cleanup(move || handle.remove());
}

/// `true` when a key press goes into a text field (a focused checkbox or button takes no text: the shortcuts
/// still work there).
fn typing_in_a_field(ev: &web_sys::KeyboardEvent) -> bool {
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| match el.tag_name().as_str() {
            "INPUT" => !matches!(
                el.get_attribute("type").as_deref(),
                Some("checkbox" | "radio" | "button" | "submit" | "reset")
            ),
            "TEXTAREA" | "SELECT" => true,
            _ => el.has_attribute("contenteditable"),
        })
}

/// Where keyboard focus goes when the part of the page that had it was replaced (focus left on `<body>`): a new
/// screen starts at its main area; on the tasks page a filter link leads to the link now current.
#[component]
fn FocusFollowsNavigation() -> impl IntoView {
    let location = use_location();
    let screen = Memo::new(move |_| {
        let path = location.pathname.get();
        if path.starts_with("/tasks") {
            "/tasks".to_owned()
        } else {
            path
        }
    });
    let last_screen = StoredValue::new(None::<String>);
    Effect::new(move |_| {
        location.pathname.track();
        location.search.track();
        let now = screen.get_untracked();
        let same_screen = last_screen.get_value().as_deref() == Some(now.as_str());
        last_screen.set_value(Some(now));
        request_animation_frame(move || {
            if same_screen {
                ui::refocus(".filters [aria-current=page]");
            } else {
                ui::refocus("#main");
            }
        });
    });
}

/// Focuses the element with `id`, if there is one.
pub fn focus(id: &str) {
    if let Some(el) = document()
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        el.focus().ok();
    }
}

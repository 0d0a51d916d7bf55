//! The shell: loads the runtime config, builds the API client, and shows the sign-in pages or the signed-in
//! layout (navigation, alert bar, the current page). Global keys: `n` new task, `/` search tasks, Escape closes.

use shared::budget::{Settings, UpdateSettings};
use wasm_bindgen::{JsCast, closure::Closure};

use crate::api::{Api, AuthBackend, load_config};
use crate::dom::{View, document, dynamic, el, keyed, request_animation_frame, show, window};
use crate::pages;
use crate::route::{Route, Router, current_page, link, router};
use crate::rx::{Memo, RwSignal, effect, spawn, untrack};
use crate::todo::{Filter, Sort};
use crate::ui::{self, Ctx, ctx};

/// The whole app: a splash while `/config.json` loads, then the shell (or why it cannot start).
pub fn app() -> View {
    let config = RwSignal::new(None);
    spawn(async move { config.set(Some(load_config().await)) });
    keyed(
        move || config.get(),
        |config| match config {
            None => el("div")
                .class("splash")
                .attr("role", "status")
                .text("Loading Payday…")
                .into(),
            Some(config) => match AuthBackend::from_config(config) {
                Ok(auth) => shell(Api::new(config, auth)),
                Err(message) => el("div")
                    .class("splash")
                    .attr("role", "alert")
                    .text(&message)
                    .into(),
            },
        },
    )
}

fn shell(api: Api) -> View {
    api.watch_session();
    let router = Router::install();
    let ctx = Ctx {
        api,
        settings: RwSignal::new(None),
        notice: RwSignal::new(None),
    };
    ui::provide(ctx);

    // Settings (currency) follow the signed-in user.
    let session = api.session;
    let signed_in = Memo::new(move |_| session.with(|s| s.as_ref().map(|s| s.email.clone())));
    effect(move || {
        if signed_in.get().is_none() {
            ctx.settings.set(None);
            return;
        }
        spawn(async move {
            match ctx.api.get::<Settings>("/api/v1/settings").await {
                Ok(settings) => {
                    // Never saved yet (a new account): start from this device's time zone rather than UTC, so
                    // "today" is the user's from the first day. Kept as UTC if the server does not know the zone.
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
    // Signed-in people do not need the sign-in pages; signed-out people see sign-in wherever they are.
    effect(move || {
        if signed_in.get().is_some() && router.route.with(Route::is_public) {
            router.go(Route::Home);
        }
    });
    install_shortcuts(router);

    // Re-render only when the screen changes, not when the tasks page's filter, search or sort does.
    let screen = Memo::new(move |_| match router.route.get() {
        Route::Tasks { .. } => Route::Tasks {
            filter: Filter::All,
            q: String::new(),
            sort: Sort::Due,
        },
        other => other,
    });
    // Pages that show dates relative to today wait for the settings, whose time zone says what today is.
    let settings_loaded = Memo::new(move |_| ctx.settings.with(Option::is_some));
    let page = keyed(
        move || {
            let route = screen.get();
            let needs_today =
                matches!(route, Route::Tasks { .. } | Route::Bills | Route::Schedules);
            let waiting = needs_today && !settings_loaded.get();
            (route, signed_in.get().is_some(), waiting)
        },
        |(route, signed_in, waiting)| {
            if !*signed_in {
                return match route {
                    Route::SignUp => pages::auth::sign_up(),
                    _ => pages::auth::sign_in(),
                };
            }
            if *waiting {
                return ui::loading("your settings").into();
            }
            match route {
                Route::Home => pages::home::home(),
                Route::Tasks { .. } => pages::tasks::tasks(),
                Route::Bills => pages::bills::bills(),
                Route::Schedules => pages::schedules::schedules(),
                Route::Settings => pages::settings::settings(),
                Route::SignIn | Route::SignUp => el("p").text("Signing you in…").into(),
                Route::NotFound => el("section")
                    .class("page")
                    .child(el("h1").text("Page not found"))
                    .child(el("p").child(link(Route::Home, "Go to Before payday")))
                    .into(),
            }
        },
    );

    // Where keyboard focus goes when the part of the page that had it was replaced (focus left on <body>): a new
    // screen starts at its main area; on the tasks page a filter link leads to the link now current.
    let last_screen = std::cell::Cell::new(None::<Route>);
    effect(move || {
        router.route.with(|_| ());
        let now = untrack(|| screen.get());
        let same_screen = last_screen.replace(Some(now.clone())).as_ref() == Some(&now);
        request_animation_frame(move || {
            if same_screen {
                ui::refocus(".filters [aria-current=page]");
            } else {
                ui::refocus("#main");
            }
        });
    });

    View::List(vec![
        el("a")
            .class("skip")
            .attr("href", "#main")
            .text("Skip to content")
            .into(),
        show(move || signed_in.get().is_some(), nav),
        notice_bar(),
        el("main")
            .id("main")
            .attr("tabindex", "-1")
            .child(page)
            .into(),
    ])
}

fn nav() -> View {
    let ctx = ctx();
    let router = router();
    let nav_link = |to: Route, label: &str, at: fn(&Route) -> bool| {
        current_page(link(to, label), move || router.route.with(at))
    };
    let tasks = Route::Tasks {
        filter: Filter::All,
        q: String::new(),
        sort: Sort::Due,
    };
    el("header")
        .class("top")
        .child(link(Route::Home, "Payday").class("brand"))
        .child(
            el("nav")
                .attr("aria-label", "Main")
                .child(nav_link(Route::Home, "Before payday", |r| {
                    *r == Route::Home
                }))
                .child(nav_link(tasks, "Tasks", |r| {
                    matches!(r, Route::Tasks { .. })
                }))
                .child(nav_link(Route::Bills, "Bills", |r| *r == Route::Bills))
                .child(nav_link(Route::Schedules, "Pay", |r| {
                    *r == Route::Schedules
                }))
                .child(nav_link(Route::Settings, "Settings", |r| {
                    *r == Route::Settings
                })),
        )
        .child(
            el("div")
                .class("who")
                .child(
                    el("span")
                        .class("email")
                        .attr("title", "Signed in as")
                        .text_dyn(move || {
                            ctx.api
                                .session
                                .with(|s| s.as_ref().map(|s| s.email.clone()).unwrap_or_default())
                        }),
                )
                .child(
                    el("button")
                        .attr("type", "button")
                        .class("link")
                        .on("click", move |_| {
                            let api = ctx.api;
                            spawn(async move {
                                api.sign_out().await;
                                router.go(Route::SignIn);
                            });
                        })
                        .text("Sign out"),
                ),
        )
        .into()
}

fn notice_bar() -> View {
    let notice = ctx().notice;
    dynamic(move || {
        notice.get().map(|text| {
            el("div")
                .class("notice")
                .attr("role", "alert")
                .child(el("span").text(&text))
                .child(
                    el("button")
                        .attr("type", "button")
                        .class("link")
                        .attr("aria-label", "Dismiss")
                        .on("click", move |_| notice.set(None))
                        .text("×"),
                )
        })
    })
}

/// `n` → new task, `/` → search tasks, Escape → dismiss the alert. Ignored while typing in a field.
fn install_shortcuts(router: Router) {
    let notice = ctx().notice;
    let on_key =
        Closure::<dyn Fn(web_sys::KeyboardEvent)>::new(move |ev: web_sys::KeyboardEvent| {
            if ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
                return;
            }
            let typing = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .is_some_and(|el| match el.tag_name().as_str() {
                    // A focused checkbox or button takes no text: the shortcuts still work there.
                    "INPUT" => !matches!(
                        el.get_attribute("type").as_deref(),
                        Some("checkbox" | "radio" | "button" | "submit" | "reset")
                    ),
                    "TEXTAREA" | "SELECT" => true,
                    _ => el.has_attribute("contenteditable"),
                });
            let key = ev.key();
            if key == "Escape" {
                notice.set(None);
                return;
            }
            if typing {
                return;
            }
            let target = match key.as_str() {
                "n" => "new-task",
                "/" => "task-search",
                _ => return,
            };
            ev.prevent_default();
            if !router.route.with(|r| matches!(r, Route::Tasks { .. })) {
                router.go(Route::Tasks {
                    filter: Filter::All,
                    q: String::new(),
                    sort: Sort::Due,
                });
            }
            // The tasks page may render on this tick; focus once it has.
            request_animation_frame(move || focus(target));
        });
    window()
        .add_event_listener_with_callback("keydown", on_key.as_ref().unchecked_ref())
        .ok();
    on_key.forget();
}

pub fn focus(id: &str) {
    if let Some(el) = document()
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        el.focus().ok();
    }
}

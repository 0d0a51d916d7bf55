//! The shell: loads the runtime config, builds the API client, and shows the sign-in pages or the signed-in
//! layout (navigation, alert bar, the current page). Global keys: `n` new task, `/` search tasks, Escape closes.

use leptos::prelude::*;
use wasm_bindgen::{JsCast, closure::Closure};

use crate::api::{Api, AuthBackend, load_config};
use crate::pages;
use crate::route::{Link, Route, Router};
use crate::todo::{Filter, Sort};
use crate::ui::{Ctx, ctx};

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

#[component]
fn Shell(api: Api) -> impl IntoView {
    api.watch_session();
    let router = Router::install();
    provide_context(router);
    let ctx = Ctx {
        api,
        settings: RwSignal::new(None),
        notice: RwSignal::new(None),
    };
    provide_context(ctx);

    // Settings (currency) follow the signed-in user.
    let session = api.session;
    let signed_in = Memo::new(move |_| session.with(|s| s.as_ref().map(|s| s.email.clone())));
    {
        Effect::new(move |_| {
            if signed_in.get().is_none() {
                ctx.settings.set(None);
                return;
            }
            leptos::task::spawn_local(async move {
                match ctx.api.get("/api/v1/settings").await {
                    Ok(settings) => ctx.settings.set(Some(settings)),
                    Err(e) => ctx.fail(&e),
                }
            });
        });
    }
    // Signed-in people do not need the sign-in pages; signed-out people see sign-in wherever they are.
    Effect::new(move |_| {
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
    let page = move || {
        let route = screen.get();
        if signed_in.get().is_none() {
            return match route {
                Route::SignUp => view! { <pages::auth::SignUp /> }.into_any(),
                _ => view! { <pages::auth::SignIn /> }.into_any(),
            };
        }
        match route {
            Route::Home => view! { <pages::home::Home /> }.into_any(),
            Route::Tasks { .. } => view! { <pages::tasks::Tasks /> }.into_any(),
            Route::Bills => view! { <pages::bills::Bills /> }.into_any(),
            Route::Schedules => view! { <pages::schedules::Schedules /> }.into_any(),
            Route::Settings => view! { <pages::settings::SettingsPage /> }.into_any(),
            Route::SignIn | Route::SignUp => view! { <p>"Signing you in…"</p> }.into_any(),
            Route::NotFound => view! {
                <section class="page">
                    <h1>"Page not found"</h1>
                    <p><Link to=Route::Home>"Go to Before payday"</Link></p>
                </section>
            }
            .into_any(),
        }
    };

    view! {
        <a class="skip" href="#main">"Skip to content"</a>
        <Show when=move || signed_in.get().is_some()>
            <Nav />
        </Show>
        <NoticeBar />
        <main id="main" tabindex="-1">{page}</main>
    }
}

#[component]
fn Nav() -> impl IntoView {
    let ctx = ctx();
    let router = expect_context::<Router>();
    let at = move |want: fn(&Route) -> bool| Signal::derive(move || router.route.with(want));
    let sign_out = move |_| {
        let api = ctx.api;
        leptos::task::spawn_local(async move {
            api.sign_out().await;
            router.go(Route::SignIn);
        });
    };
    let email = move || {
        expect_context::<Ctx>()
            .api
            .session
            .with(|s| s.as_ref().map(|s| s.email.clone()).unwrap_or_default())
    };
    let tasks = Route::Tasks {
        filter: Filter::All,
        q: String::new(),
        sort: Sort::Due,
    };
    view! {
        <header class="top">
            <Link to=Route::Home class="brand">"Payday"</Link>
            <nav aria-label="Main">
                <Link to=Route::Home current=at(|r| *r == Route::Home)>"Before payday"</Link>
                <Link to=tasks current=at(|r| matches!(r, Route::Tasks { .. }))>"Tasks"</Link>
                <Link to=Route::Bills current=at(|r| *r == Route::Bills)>"Bills"</Link>
                <Link to=Route::Schedules current=at(|r| *r == Route::Schedules)>"Pay"</Link>
                <Link to=Route::Settings current=at(|r| *r == Route::Settings)>"Settings"</Link>
            </nav>
            <div class="who">
                <span class="email" title="Signed in as">{email}</span>
                <button type="button" class="link" on:click=sign_out>"Sign out"</button>
            </div>
        </header>
    }
}

#[component]
fn NoticeBar() -> impl IntoView {
    let notice = ctx().notice;
    move || {
        notice.get().map(|text| {
            view! {
                <div class="notice" role="alert">
                    <span>{text}</span>
                    <button type="button" class="link" aria-label="Dismiss" on:click=move |_| notice.set(None)>
                        "×"
                    </button>
                </div>
            }
        })
    }
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
                .is_some_and(|el| {
                    matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                        || el.has_attribute("contenteditable")
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

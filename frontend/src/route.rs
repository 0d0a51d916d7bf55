//! The app's routes and a tiny History-API router (one signal, `pushState` on navigation, `popstate` on back),
//! which is all this app needs and much smaller than a general router. The server answers every client route
//! with index.html (SPA fallback), so deep links and reloads work.

use wasm_bindgen::{JsCast, closure::Closure};

use crate::dom::{El, el, window};
use crate::rx::RwSignal;

use crate::todo::{Filter, Sort};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Home,
    Bills,
    Schedules,
    Tasks {
        filter: Filter,
        q: String,
        sort: Sort,
    },
    Settings,
    SignIn,
    SignUp,
    NotFound,
}

impl Route {
    /// Parses `location.pathname` and `location.search`.
    pub fn parse(path: &str, search: &str) -> Route {
        let query = |name: &str| {
            search
                .trim_start_matches('?')
                .split('&')
                .filter_map(|pair| pair.split_once('='))
                .find(|(k, _)| *k == name)
                .map(|(_, v)| decode(v))
                .unwrap_or_default()
        };
        let tasks = |filter| Route::Tasks {
            filter,
            q: query("q"),
            sort: Sort::parse(&query("sort")),
        };
        match path.trim_end_matches('/') {
            "" => Route::Home,
            "/bills" => Route::Bills,
            "/pay-schedules" => Route::Schedules,
            "/tasks" => tasks(Filter::All),
            "/tasks/active" => tasks(Filter::Active),
            "/tasks/completed" => tasks(Filter::Completed),
            "/settings" => Route::Settings,
            "/signin" => Route::SignIn,
            "/signup" => Route::SignUp,
            _ => Route::NotFound,
        }
    }

    pub fn href(&self) -> String {
        match self {
            Route::Home | Route::NotFound => "/".into(),
            Route::Bills => "/bills".into(),
            Route::Schedules => "/pay-schedules".into(),
            Route::Tasks { filter, q, sort } => {
                let mut params = Vec::new();
                if !q.is_empty() {
                    params.push(format!("q={}", encode(q)));
                }
                if *sort != Sort::Due {
                    params.push(format!("sort={}", sort.as_str()));
                }
                if params.is_empty() {
                    filter.path().to_owned()
                } else {
                    format!("{}?{}", filter.path(), params.join("&"))
                }
            }
            Route::Settings => "/settings".into(),
            Route::SignIn => "/signin".into(),
            Route::SignUp => "/signup".into(),
        }
    }

    /// Pages anyone can see without signing in.
    pub fn is_public(&self) -> bool {
        matches!(self, Route::SignIn | Route::SignUp)
    }
}

/// Percent-encodes a query value (everything but unreserved characters).
fn encode(value: &str) -> String {
    let mut out = String::new();
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(byte))
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// Decodes a query value (`+` is a space); malformed escapes are kept as typed.
fn decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 3 <= bytes.len() => {
                match std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The current route (one per page; [`router`] returns it).
#[derive(Clone, Copy)]
pub struct Router {
    pub route: RwSignal<Route>,
}

thread_local! {
    static ROUTER: std::cell::Cell<Option<Router>> = const { std::cell::Cell::new(None) };
}

/// The app's router ([`Router::install`] must have run).
pub fn router() -> Router {
    ROUTER
        .get()
        .unwrap_or_else(|| unreachable!("Router::install runs first"))
}

impl Router {
    /// Reads the address bar and follows back/forward.
    pub fn install() -> Router {
        let route = RwSignal::new(current());
        let on_pop = Closure::<dyn Fn()>::new(move || route.set(current()));
        window()
            .add_event_listener_with_callback("popstate", on_pop.as_ref().unchecked_ref())
            .ok();
        // The router lives as long as the page.
        on_pop.forget();
        let router = Router { route };
        ROUTER.set(Some(router));
        router
    }

    /// Goes to `route`, adding a history entry.
    pub fn go(&self, route: Route) {
        if let Ok(history) = window().history() {
            history
                .push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&route.href()))
                .ok();
        }
        window().scroll_to_with_x_and_y(0.0, 0.0);
        self.route.set(route);
    }

    /// Updates the address bar without a new history entry (typing in the search box).
    pub fn replace(&self, route: Route) {
        if let Ok(history) = window().history() {
            history
                .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&route.href()))
                .ok();
        }
        self.route.set(route);
    }
}

fn current() -> Route {
    let location = window().location();
    Route::parse(
        &location.pathname().unwrap_or_default(),
        &location.search().unwrap_or_default(),
    )
}

/// An in-app link: a real `<a href>` (so open-in-new-tab works) that navigates without a reload on a plain click.
/// Add children, a class or `aria-current` to the returned element.
pub fn link(to: Route, label: &str) -> El {
    let href = to.href();
    el("a")
        .attr("href", &href)
        .on("click", move |ev| {
            let Some(mouse) = ev.dyn_ref::<web_sys::MouseEvent>() else {
                return;
            };
            if mouse.ctrl_key() || mouse.meta_key() || mouse.shift_key() || mouse.button() != 0 {
                return;
            }
            ev.prevent_default();
            router().go(to.clone());
        })
        .text(label)
}

/// `aria-current="page"` while `current` is true (navigation links).
pub fn current_page(link: El, current: impl Fn() -> bool + 'static) -> El {
    link.attr_dyn("aria-current", move || current().then(|| "page".to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_to_routes_and_back() {
        for route in [
            Route::Home,
            Route::Bills,
            Route::Schedules,
            Route::Settings,
            Route::SignIn,
            Route::SignUp,
            Route::Tasks {
                filter: Filter::Active,
                q: String::new(),
                sort: Sort::Due,
            },
            Route::Tasks {
                filter: Filter::Completed,
                q: String::new(),
                sort: Sort::Priority,
            },
        ] {
            let href = route.href();
            let (path, search) = href.split_once('?').unwrap_or((&href, ""));
            assert_eq!(Route::parse(path, search), route, "{href}");
        }
        assert_eq!(Route::parse("/nope", ""), Route::NotFound);
        let search = Route::Tasks {
            filter: Filter::All,
            q: "rent & café 100%".into(),
            sort: Sort::Title,
        };
        let href = search.href();
        let (path, query) = href.split_once('?').unwrap();
        assert_eq!(Route::parse(path, query), search);
        assert_eq!(decode("a+b%2"), "a b%2");
        assert_eq!(
            Route::parse("/tasks/", ""),
            Route::Tasks {
                filter: Filter::All,
                q: String::new(),
                sort: Sort::Due
            }
        );
    }
}

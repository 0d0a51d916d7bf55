//! Bills (placeholder while the page is ported).
use leptos::prelude::*;

#[component]
pub fn Bills() -> impl IntoView {
    view! { <section class="page"><h1>"Bills"</h1></section> }
}

//! Tasks (placeholder while the page is ported).
use leptos::prelude::*;

#[component]
pub fn Tasks() -> impl IntoView {
    view! { <section class="page"><h1>"Tasks"</h1></section> }
}

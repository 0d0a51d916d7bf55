//! Pay schedules (placeholder while the page is ported).
use leptos::prelude::*;

#[component]
pub fn Schedules() -> impl IntoView {
    view! { <section class="page"><h1>"Pay"</h1></section> }
}

//! Before payday (placeholder while the page is ported).
use leptos::prelude::*;

#[component]
pub fn Home() -> impl IntoView {
    view! { <section class="page"><h1>"Before payday"</h1></section> }
}

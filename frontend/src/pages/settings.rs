//! Settings (placeholder while the page is ported).
use leptos::prelude::*;

#[component]
pub fn SettingsPage() -> impl IntoView {
    view! { <section class="page"><h1>"Settings"</h1></section> }
}

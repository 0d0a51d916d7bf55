//! Sign-in and sign-up (placeholder while the page is ported).
use leptos::prelude::*;

#[component]
pub fn SignIn() -> impl IntoView {
    view! { <section class="page"><h1>"Sign in"</h1></section> }
}

#[component]
pub fn SignUp() -> impl IntoView {
    view! { <section class="page"><h1>"Create your account"</h1></section> }
}

//! Sign in and sign up. Both keep the user where they were going: the URL does not change while signed out.

use leptos::prelude::*;

use crate::api::UiError;
use crate::route::{Link, Route};
use crate::ui::{FieldError, FormError, ctx, field_message};

#[component]
pub fn SignIn() -> impl IntoView {
    let ctx = ctx();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<UiError>);
    let local = RwSignal::new(Vec::<(String, String)>::new());
    let busy = RwSignal::new(false);
    let ended = ctx.api.ended;
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let api = ctx.api;
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match api
                .auth()
                .sign_in(&email.get_untracked(), &password.get_untracked())
                .await
            {
                Ok(session) => {
                    api.ended.set(None);
                    api.session.set(Some(session));
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="auth page">
            <h1>"Sign in to Payday"</h1>
            <p class="lede">"See what to set aside before payday, and what to do before then."</p>
            {move || ended.get().map(|why| view! { <p class="form-error" role="status">{why}</p> })}
            <form on:submit=submit novalidate>
                <label for="email">"Email"</label>
                <input id="email" type="email" autocomplete="username" required bind:value=email
                    aria-describedby="email-error" />
                <FieldError id="email" message=field_message(error, local, "email") />
                <label for="password">"Password"</label>
                <input id="password" type="password" autocomplete="current-password" required bind:value=password
                    aria-describedby="password-error" />
                <FieldError id="password" message=field_message(error, local, "password") />
                <FormError error=error />
                <button type="submit" class="primary" disabled=busy>
                    {move || if busy.get() { "Signing in…" } else { "Sign in" }}
                </button>
            </form>
            <p>"New here? " <Link to=Route::SignUp>"Create an account"</Link></p>
        </section>
    }
}

#[component]
pub fn SignUp() -> impl IntoView {
    let ctx = ctx();
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<UiError>);
    let local = RwSignal::new(Vec::<(String, String)>::new());
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // The same rules the server applies, checked first so most mistakes need no round trip.
        let request = shared::auth::RegisterRequest {
            email: email.get_untracked(),
            password: password.get_untracked(),
            name: Some(name.get_untracked()).filter(|n| !n.trim().is_empty()),
        };
        if let Err(errors) = shared::auth::NewAccount::try_from(request.clone()) {
            local.set(errors.into_map().into_iter().collect());
            error.set(None);
            return;
        }
        local.set(Vec::new());
        let api = ctx.api;
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match api
                .auth()
                .sign_up(&request.email, &request.password, request.name)
                .await
            {
                Ok(session) => api.session.set(Some(session)),
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="auth page">
            <h1>"Create your Payday account"</h1>
            <form on:submit=submit novalidate>
                <label for="name">"Name " <span class="hint">"(optional)"</span></label>
                <input id="name" type="text" autocomplete="name" bind:value=name aria-describedby="name-error" />
                <FieldError id="name" message=field_message(error, local, "name") />
                <label for="email">"Email"</label>
                <input id="email" type="email" autocomplete="username" required bind:value=email
                    aria-describedby="email-error" />
                <FieldError id="email" message=field_message(error, local, "email") />
                <label for="password">"Password " <span class="hint">"(at least 8 characters)"</span></label>
                <input id="password" type="password" autocomplete="new-password" required bind:value=password
                    aria-describedby="password-error" />
                <FieldError id="password" message=field_message(error, local, "password") />
                <FormError error=error />
                <button type="submit" class="primary" disabled=busy>
                    {move || if busy.get() { "Creating account…" } else { "Create account" }}
                </button>
            </form>
            <p>"Already have an account? " <Link to=Route::SignIn>"Sign in"</Link></p>
        </section>
    }
}

//! Sign in and sign up, and (with a Cognito user pool) confirming the e-mail address with the code sent to it.
//! All keep the user where they were going: the URL does not change while signed out.

use leptos::prelude::*;

use crate::api::cognito::NOT_CONFIRMED;
use crate::api::{SignedUp, UiError};
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
    // Set when the pool says the e-mail is not confirmed yet: the code form replaces this one.
    let confirming = RwSignal::new(false);
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
                Err(e) if e.is(NOT_CONFIRMED) => confirming.set(true),
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    move || {
        if confirming.get() {
            return view! {
                <ConfirmEmail email=email.get_untracked() password=password.get_untracked() destination=None
                    back=move || confirming.set(false) />
            }
            .into_any();
        }
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
        .into_any()
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
    // `Some(where the code went)` once the pool wants the e-mail confirmed.
    let confirming = RwSignal::new(None::<Option<String>>);
    let auth = ctx.api.auth();
    let (hint, checks_passwords) = (auth.password_hint(), auth.checks_passwords());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // The same rules the server applies, checked first so most mistakes need no round trip. A user pool has
        // its own password policy, so only its answer counts for the password.
        let request = shared::auth::RegisterRequest {
            email: email.get_untracked(),
            password: password.get_untracked(),
            name: Some(name.get_untracked()).filter(|n| !n.trim().is_empty()),
        };
        if let Err(errors) = shared::auth::NewAccount::try_from(request.clone()) {
            let errors: Vec<_> = errors
                .into_map()
                .into_iter()
                .filter(|(field, _)| field != "password" || checks_passwords)
                .collect();
            if !errors.is_empty() {
                local.set(errors);
                error.set(None);
                return;
            }
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
                Ok(SignedUp::In(session)) => api.session.set(Some(session)),
                Ok(SignedUp::ConfirmEmail { destination }) => confirming.set(Some(destination)),
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    move || {
        if let Some(destination) = confirming.get() {
            return view! {
                <ConfirmEmail email=email.get_untracked() password=password.get_untracked() destination
                    back=move || confirming.set(None) />
            }
            .into_any();
        }
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
                <label for="password">"Password " <span class="hint">{hint}</span></label>
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
        .into_any()
    }
}

/// The code form: confirms the e-mail address with the code the user pool sent (or a new one), then signs in
/// with the password just typed.
#[component]
fn ConfirmEmail(
    email: String,
    password: String,
    destination: Option<String>,
    #[prop(into)] back: Callback<()>,
) -> impl IntoView {
    let ctx = ctx();
    let code = RwSignal::new(String::new());
    let error = RwSignal::new(None::<UiError>);
    let local = RwSignal::new(Vec::<(String, String)>::new());
    let busy = RwSignal::new(false);
    let sent = RwSignal::new(None::<String>);
    let intro = match &destination {
        Some(to) => format!("We sent a code to {to}. Enter it to confirm your e-mail address."),
        None => "Your e-mail address is not confirmed yet. Enter the code we e-mailed you, or send a new one."
            .to_owned(),
    };
    let account = StoredValue::new((email, password));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = code.get_untracked().trim().to_owned();
        if typed.is_empty() {
            local.set(vec![(
                "code".into(),
                "Enter the code from the e-mail.".into(),
            )]);
            return;
        }
        local.set(Vec::new());
        error.set(None);
        sent.set(None);
        busy.set(true);
        let api = ctx.api;
        leptos::task::spawn_local(async move {
            let (email, password) = account.get_value();
            let auth = api.auth();
            let signed_in = match auth.confirm(&email, &typed).await {
                Ok(()) => auth.sign_in(&email, &password).await,
                Err(e) => Err(e),
            };
            match signed_in {
                Ok(session) => {
                    api.ended.set(None);
                    api.session.set(Some(session));
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let resend = move |_| {
        error.set(None);
        sent.set(None);
        busy.set(true);
        let api = ctx.api;
        leptos::task::spawn_local(async move {
            let (email, _) = account.get_value();
            match api.auth().resend_code(&email).await {
                Ok(to) => sent.set(Some(format!(
                    "We sent a new code to {}.",
                    to.unwrap_or(email)
                ))),
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="auth page">
            <h1>"Check your e-mail"</h1>
            <p class="lede">{intro}</p>
            <form on:submit=submit novalidate>
                <label for="code">"Confirmation code"</label>
                <input id="code" type="text" inputmode="numeric" autocomplete="one-time-code" required
                    bind:value=code aria-describedby="code-error" />
                <FieldError id="code" message=field_message(error, local, "code") />
                <FormError error=error />
                {move || sent.get().map(|text| view! { <p role="status">{text}</p> })}
                <button type="submit" class="primary" disabled=busy>
                    {move || if busy.get() { "Confirming…" } else { "Confirm and sign in" }}
                </button>
            </form>
            <p>
                <button type="button" class="link" disabled=busy on:click=resend>"Send a new code"</button>
                " · "
                <button type="button" class="link" on:click=move |_| back.run(())>"Start over"</button>
            </p>
        </section>
    }
}

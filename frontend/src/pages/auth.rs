//! Sign in and sign up, and (with a Cognito user pool) confirming the e-mail address with the code sent to it.
//! All keep the user where they were going: the URL does not change while signed out (once signed in, the shell
//! moves on from `/signin` and `/signup` by itself).

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::cognito::NOT_CONFIRMED;
use crate::api::{Api, Session, SignedUp, UiError};
use crate::format;
use crate::ui::{FieldError, FormError, Hint, ctx, field_message, refocus};

/// Field errors the form found itself, by field name (shown before the server's).
type Problems = Vec<(String, String)>;

/// Gives focus back to the submit button of the form on the page: it was disabled while busy, which dropped its
/// focus. Waits a frame, because the page follows the signals on the next tick.
fn refocus_submit() {
    request_animation_frame(|| refocus("main form [type=submit]"));
}

/// The sign-in page; the code form instead when the pool says the e-mail address is not confirmed yet.
#[component]
pub fn SignIn() -> impl IntoView {
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let confirming = RwSignal::new(false);
    view! {
        <Show
            when=move || confirming.get()
            fallback=move || view! { <SignInForm email password confirming /> }
        >
            <ConfirmEmail
                email=email.get_untracked()
                password=password.get_untracked()
                destination=None
                back=Callback::new(move |()| confirming.set(false))
            />
        </Show>
    }
}

#[component]
fn SignInForm(
    email: RwSignal<String>,
    password: RwSignal<String>,
    confirming: RwSignal<bool>,
) -> impl IntoView {
    let api = ctx().api;
    let ended = api.ended;
    let error = RwSignal::new(None::<UiError>);
    let local = RwSignal::new(Problems::new());
    let busy = RwSignal::new(false);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let (typed_email, typed_password) = (email.get_untracked(), password.get_untracked());
        // An empty field is said next to it, without a round trip that could only answer "wrong password".
        let mut missing = Vec::new();
        if typed_email.trim().is_empty() {
            missing.push(("email".to_owned(), "enter your e-mail address".to_owned()));
        }
        if typed_password.is_empty() {
            missing.push(("password".to_owned(), "enter your password".to_owned()));
        }
        let complete = missing.is_empty();
        local.set(missing);
        error.set(None);
        if !complete {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            match api.auth().sign_in(&typed_email, &typed_password).await {
                Ok(session) => signed_in(api, session),
                Err(e) if e.is(NOT_CONFIRMED) => confirming.set(true),
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
            refocus_submit();
        });
    };
    view! {
        <section class="auth page">
            <h1>"Sign in to Payday"</h1>
            <p class="lede">"See what to set aside before payday, and what to do before then."</p>
            {move || ended.get().map(|why| view! { <p class="form-error" role="status">{why}</p> })}
            <form on:submit=submit novalidate>
                <EmailField email message=field_message(error, local, "email") />
                <PasswordField
                    password
                    autocomplete="current-password"
                    label="Password"
                    message=field_message(error, local, "password")
                />
                <FormError error />
                <BusyButton busy idle="Sign in" working="Signing in…" />
            </form>
            <p>"New here? " <a href="/signup">"Create an account"</a></p>
        </section>
    }
}

/// The sign-up page; the code form instead once the pool wants the e-mail address confirmed.
#[component]
pub fn SignUp() -> impl IntoView {
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    // `Some(where the code went)` once the pool wants the e-mail confirmed.
    let confirming = RwSignal::new(None::<Option<String>>);
    let step = Memo::new(move |_| confirming.get());
    move || match step.get() {
        Some(destination) => view! {
            <ConfirmEmail
                email=email.get_untracked()
                password=password.get_untracked()
                destination
                back=Callback::new(move |()| confirming.set(None))
            />
        }
        .into_any(),
        None => view! { <SignUpForm name email password confirming /> }.into_any(),
    }
}

#[component]
fn SignUpForm(
    name: RwSignal<String>,
    email: RwSignal<String>,
    password: RwSignal<String>,
    confirming: RwSignal<Option<Option<String>>>,
) -> impl IntoView {
    let api = ctx().api;
    let error = RwSignal::new(None::<UiError>);
    let local = RwSignal::new(Problems::new());
    let busy = RwSignal::new(false);
    let auth = api.auth();
    let (password_hint, checks_passwords) = (auth.password_hint(), auth.checks_passwords());
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        // The same rules the server applies, checked first so most mistakes need no round trip. A user pool has
        // its own password policy, so only its answer counts for the password.
        let request = shared::auth::RegisterRequest {
            email: email.get_untracked(),
            password: password.get_untracked(),
            name: Some(name.get_untracked()).filter(|n| !n.trim().is_empty()),
        };
        if let Err(errors) = shared::auth::NewAccount::check(request.clone(), format::lower) {
            let errors: Problems = errors
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
        busy.set(true);
        error.set(None);
        spawn_local(async move {
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
            refocus_submit();
        });
    };
    view! {
        <section class="auth page">
            <h1>"Create your Payday account"</h1>
            <form on:submit=submit novalidate>
                <label for="name">"Name " <Hint text="(optional)" /></label>
                <input
                    id="name"
                    type="text"
                    autocomplete="name"
                    bind:value=name
                    aria-describedby="name-error"
                />
                <FieldError id="name" message=field_message(error, local, "name") />
                <EmailField email message=field_message(error, local, "email") />
                <PasswordField
                    password
                    autocomplete="new-password"
                    label="Password "
                    hint=password_hint
                    message=field_message(error, local, "password")
                />
                <FormError error />
                <BusyButton busy idle="Create account" working="Creating account…" />
            </form>
            <p>"Already have an account? " <a href="/signin">"Sign in"</a></p>
        </section>
    }
}

/// The code form: confirms the e-mail address with the code the user pool sent (or a new one), then signs in
/// with the password just typed. `destination`: where the code went, when the pool said; `back` starts over.
#[component]
fn ConfirmEmail(
    email: String,
    password: String,
    destination: Option<String>,
    back: Callback<()>,
) -> impl IntoView {
    let api = ctx().api;
    let code = RwSignal::new(String::new());
    let error = RwSignal::new(None::<UiError>);
    let local = RwSignal::new(Problems::new());
    let busy = RwSignal::new(false);
    let sent = RwSignal::new(None::<String>);
    let account = StoredValue::new((email, password));
    let submit = move |ev: SubmitEvent| {
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
        let (email, password) = account.get_value();
        spawn_local(async move {
            if let Err(e) = confirm_and_sign_in(api, &email, &password, &typed).await {
                error.set(Some(e));
            }
            busy.set(false);
            refocus_submit();
        });
    };
    let resend = move |_| {
        error.set(None);
        sent.set(None);
        busy.set(true);
        let (email, _) = account.get_value();
        spawn_local(async move {
            match api.auth().resend_code(&email).await {
                // The pool says where the code went (masked); else it went to the address typed.
                Ok(to) => sent.set(Some(format!(
                    "We sent a new code to {}.",
                    to.unwrap_or(email)
                ))),
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
            refocus_submit();
        });
    };
    view! {
        <section class="auth page">
            <h1>"Check your e-mail"</h1>
            <p class="lede">{intro(destination.as_deref())}</p>
            <form on:submit=submit novalidate>
                <CodeField code message=field_message(error, local, "code") />
                <FormError error />
                {move || sent.get().map(|text| view! { <p role="status">{text}</p> })}
                <BusyButton busy idle="Confirm and sign in" working="Confirming…" />
            </form>
            <p>
                <button type="button" class="link" disabled=move || busy.get() on:click=resend>
                    "Send a new code"
                </button>
                " · "
                <button type="button" class="link" on:click=move |_| back.run(())>
                    "Start over"
                </button>
            </p>
        </section>
    }
}

/// What the code form says first: where the code went (just signed up), or that the address still needs it.
fn intro(destination: Option<&str>) -> String {
    match destination {
        Some(to) => format!("We sent a code to {to}. Enter it to confirm your e-mail address."),
        None => "Your e-mail address is not confirmed yet. Enter the code we e-mailed you, or send a new one."
            .to_owned(),
    }
}

/// Confirms the e-mail address with `code`, then signs in with the password just typed.
async fn confirm_and_sign_in(
    api: Api,
    email: &str,
    password: &str,
    code: &str,
) -> Result<(), UiError> {
    let auth = api.auth();
    auth.confirm(email, code).await?;
    let session = auth.sign_in(email, password).await?;
    signed_in(api, session);
    Ok(())
}

/// Starts the session; the "session ended" message is out of date now.
fn signed_in(api: Api, session: Session) {
    api.ended.set(None);
    api.session.set(Some(session));
}

/// The confirmation code field: `one-time-code` lets the browser offer the code from the e-mail.
#[component]
fn CodeField(code: RwSignal<String>, message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <label for="code">"Confirmation code"</label>
        <input
            id="code"
            type="text"
            inputmode="numeric"
            autocomplete="one-time-code"
            required
            bind:value=code
            aria-describedby="code-error"
        />
        <FieldError id="code" message />
    }
}

/// The e-mail field (sign in and sign up).
#[component]
fn EmailField(email: RwSignal<String>, message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <label for="email">"Email"</label>
        <input
            id="email"
            type="email"
            autocomplete="username"
            required
            bind:value=email
            aria-describedby="email-error"
        />
        <FieldError id="email" message />
    }
}

/// The password field: `autocomplete` tells password managers which one it is; `hint` follows the label.
#[component]
fn PasswordField(
    password: RwSignal<String>,
    autocomplete: &'static str,
    label: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    message: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <label for="password">{label} {hint.map(|text| view! { <Hint text /> })}</label>
        <input
            id="password"
            type="password"
            autocomplete=autocomplete
            required
            bind:value=password
            aria-describedby="password-error"
        />
        <FieldError id="password" message />
    }
}

/// The form's submit button: disabled and saying `working` while `busy`.
#[component]
fn BusyButton(busy: RwSignal<bool>, idle: &'static str, working: &'static str) -> impl IntoView {
    view! {
        <button type="submit" class="primary" disabled=move || busy.get()>
            {move || if busy.get() { working } else { idle }}
        </button>
    }
}

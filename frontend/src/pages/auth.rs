//! Sign in and sign up, and (with a Cognito user pool) confirming the e-mail address with the code sent to it.
//! All keep the user where they were going: the URL does not change while signed out.

use std::rc::Rc;

use web_sys::Event;

use crate::api::cognito::NOT_CONFIRMED;
use crate::api::{SignedUp, UiError};
use crate::dom::{El, View, dynamic, el, keyed, show_else};
use crate::format;
use crate::route::{Route, link};
use crate::rx::{RwSignal, Signal, StoredValue, spawn};
use crate::ui::{
    ctx, field, field_message, form_error, hint, input, label, refocus, submit_button,
};

pub fn sign_in() -> View {
    let ctx = ctx();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<UiError>);
    let local = RwSignal::new(Vec::<(String, String)>::new());
    let busy = RwSignal::new(false);
    // Set when the pool says the e-mail is not confirmed yet: the code form replaces this one.
    let confirming = RwSignal::new(false);
    let ended = ctx.api.ended;
    let submit = move |ev: Event| {
        ev.prevent_default();
        // An empty field is said next to it, without a round trip that could only answer "wrong password".
        let mut missing = Vec::new();
        if email.get_untracked().trim().is_empty() {
            missing.push(("email".to_owned(), "enter your e-mail address".to_owned()));
        }
        if password.get_untracked().is_empty() {
            missing.push(("password".to_owned(), "enter your password".to_owned()));
        }
        let complete = missing.is_empty();
        local.set(missing);
        error.set(None);
        if !complete {
            return;
        }
        let api = ctx.api;
        busy.set(true);
        spawn(async move {
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
            // The button was disabled while busy, which dropped its focus: give it back.
            refocus("main form [type=submit]");
        });
    };
    show_else(
        move || confirming.get(),
        move || {
            confirm_email(
                email.get_untracked(),
                password.get_untracked(),
                None,
                Rc::new(move || confirming.set(false)),
            )
        },
        move || {
            el("section")
                .class("auth page")
                .child(el("h1").text("Sign in to Payday"))
                .child(
                    el("p")
                        .class("lede")
                        .text("See what to set aside before payday, and what to do before then."),
                )
                .child(dynamic(move || {
                    ended.get().map(|why| {
                        el("p")
                            .class("form-error")
                            .attr("role", "status")
                            .text(&why)
                    })
                }))
                .child(
                    el("form")
                        .on("submit", submit)
                        .flag("novalidate", true)
                        .child(email_field(email, field_message(error, local, "email")))
                        .child(password_field(
                            password,
                            "current-password",
                            label("password", "Password"),
                            field_message(error, local, "password"),
                        ))
                        .child(form_error(error))
                        .child(busy_button(busy, "Sign in", "Signing in…")),
                )
                .child(
                    el("p")
                        .text("New here? ")
                        .child(link(Route::SignUp, "Create an account")),
                )
        },
    )
}

pub fn sign_up() -> View {
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
    let (password_hint, checks_passwords) = (auth.password_hint(), auth.checks_passwords());
    let submit = move |ev: Event| {
        ev.prevent_default();
        // The same rules the server applies, checked first so most mistakes need no round trip. A user pool has
        // its own password policy, so only its answer counts for the password.
        let request = shared::auth::RegisterRequest {
            email: email.get_untracked(),
            password: password.get_untracked(),
            name: Some(name.get_untracked()).filter(|n| !n.trim().is_empty()),
        };
        if let Err(errors) = shared::auth::NewAccount::check(request.clone(), format::lower) {
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
        spawn(async move {
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
            // The button was disabled while busy, which dropped its focus: give it back.
            refocus("main form [type=submit]");
        });
    };
    keyed(
        move || confirming.get(),
        move |confirm: &Option<Option<String>>| -> View {
            if let Some(destination) = confirm {
                return confirm_email(
                    email.get_untracked(),
                    password.get_untracked(),
                    destination.clone(),
                    Rc::new(move || confirming.set(None)),
                );
            }
            el("section")
                .class("auth page")
                .child(el("h1").text("Create your Payday account"))
                .child(
                    el("form")
                        .on("submit", submit)
                        .flag("novalidate", true)
                        .child(field(
                            "name",
                            label("name", "Name ").child(hint("(optional)")),
                            input("name", "text", &[("autocomplete", "name")], name),
                            field_message(error, local, "name"),
                        ))
                        .child(email_field(email, field_message(error, local, "email")))
                        .child(password_field(
                            password,
                            "new-password",
                            label("password", "Password ").child(hint(password_hint)),
                            field_message(error, local, "password"),
                        ))
                        .child(form_error(error))
                        .child(busy_button(busy, "Create account", "Creating account…")),
                )
                .child(
                    el("p")
                        .text("Already have an account? ")
                        .child(link(Route::SignIn, "Sign in")),
                )
                .into()
        },
    )
}

/// The code form: confirms the e-mail address with the code the user pool sent (or a new one), then signs in
/// with the password just typed.
fn confirm_email(
    email: String,
    password: String,
    destination: Option<String>,
    back: Rc<dyn Fn()>,
) -> View {
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
    let submit = move |ev: Event| {
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
        spawn(async move {
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
            // The button was disabled while busy, which dropped its focus: give it back.
            refocus("main form [type=submit]");
        });
    };
    let resend = move |_| {
        error.set(None);
        sent.set(None);
        busy.set(true);
        let api = ctx.api;
        spawn(async move {
            let (email, _) = account.get_value();
            match api.auth().resend_code(&email).await {
                Ok(to) => sent.set(Some(format!(
                    "We sent a new code to {}.",
                    to.unwrap_or(email)
                ))),
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
            // The button was disabled while busy, which dropped its focus: give it back.
            refocus("main form [type=submit]");
        });
    };
    el("section")
        .class("auth page")
        .child(el("h1").text("Check your e-mail"))
        .child(el("p").class("lede").text(&intro))
        .child(
            el("form")
                .on("submit", submit)
                .flag("novalidate", true)
                .child(field(
                    "code",
                    label("code", "Confirmation code"),
                    input(
                        "code",
                        "text",
                        &[
                            ("inputmode", "numeric"),
                            ("autocomplete", "one-time-code"),
                            ("required", ""),
                        ],
                        code,
                    ),
                    field_message(error, local, "code"),
                ))
                .child(form_error(error))
                .child(dynamic(move || {
                    sent.get()
                        .map(|text| el("p").attr("role", "status").text(&text))
                }))
                .child(busy_button(busy, "Confirm and sign in", "Confirming…")),
        )
        .child(
            el("p")
                .child(
                    el("button")
                        .attr("type", "button")
                        .class("link")
                        .flag_dyn("disabled", move || busy.get())
                        .on("click", resend)
                        .text("Send a new code"),
                )
                .text(" · ")
                .child(
                    el("button")
                        .attr("type", "button")
                        .class("link")
                        .on("click", move |_| back())
                        .text("Start over"),
                ),
        )
        .into()
}

/// The e-mail field (sign in and sign up).
fn email_field(email: RwSignal<String>, message: Signal<Option<String>>) -> View {
    field(
        "email",
        label("email", "Email"),
        input(
            "email",
            "email",
            &[("autocomplete", "username"), ("required", "")],
            email,
        ),
        message,
    )
}

/// The password field: `autocomplete` tells password managers which one it is.
fn password_field(
    password: RwSignal<String>,
    autocomplete: &str,
    label: El,
    message: Signal<Option<String>>,
) -> View {
    field(
        "password",
        label,
        input(
            "password",
            "password",
            &[("autocomplete", autocomplete), ("required", "")],
            password,
        ),
        message,
    )
}

/// The form's submit button: disabled and saying `working` while `busy`.
fn busy_button(busy: RwSignal<bool>, idle: &'static str, working: &'static str) -> El {
    submit_button("primary")
        .flag_dyn("disabled", move || busy.get())
        .text_dyn(move || if busy.get() { working } else { idle }.to_owned())
}

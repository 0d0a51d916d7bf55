//! Amazon Cognito's user-pool JSON API, called straight from the browser: `SignUp`, `ConfirmSignUp`,
//! `ResendConfirmationCode`, `InitiateAuth` (`USER_PASSWORD_AUTH`, `REFRESH_TOKEN_AUTH`) and `RevokeToken`.
//!
//! Each call is a `POST` to the pool's endpoint with `Content-Type: application/x-amz-json-1.1` and
//! `X-Amz-Target: AWSCognitoIdentityProviderService.<Op>`. These operations are unauthenticated (no SigV4, no
//! client secret: the app client is public). Building requests, reading results and wording errors are plain
//! functions, tested on the host; only [`Cognito::send`] touches the network (through the shared fetch helper).
//! Why the API rather than the hosted UI: docs/auth.md.

use serde::Serialize;
use serde_json::Value;
use shared::ApiError;

use super::{Session, UiError, request};

const TARGET_PREFIX: &str = "AWSCognitoIdentityProviderService.";
pub const CONTENT_TYPE: &str = "application/x-amz-json-1.1";

/// `UiError` codes the screens act on (not just show).
pub const NOT_CONFIRMED: &str = "UserNotConfirmedException";
pub const ALREADY_CONFIRMED: &str = "already_confirmed";

/// A user pool's public app client, as `/config.json` describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Cognito {
    /// The JSON API endpoint, e.g. `https://cognito-idp.eu-west-1.amazonaws.com/` (or an emulator's).
    pub endpoint: String,
    pub client_id: String,
}

/// One API call: the operation and its JSON body.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub op: &'static str,
    pub body: String,
}

impl Call {
    /// The `X-Amz-Target` header that names the operation.
    pub fn target(&self) -> String {
        format!("{TARGET_PREFIX}{}", self.op)
    }
}

/// Every request body is this one shape with the unused members left out: one serializer in the wasm, not six
/// (and no `serde_json::Value` building).
#[derive(Default, Serialize)]
#[serde(rename_all = "PascalCase")]
struct Body<'a> {
    client_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    username: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    password: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    user_attributes: Vec<Attribute<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    confirmation_code: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    auth_flow: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    auth_parameters: Option<AuthParameters<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    token: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Attribute<'a> {
    name: &'a str,
    value: &'a str,
}

#[derive(Default, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
struct AuthParameters<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    username: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    password: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<&'a str>,
}

impl Cognito {
    /// The endpoint from config, or the region's public one when config leaves it empty.
    pub fn new(region: &str, endpoint: &str, client_id: &str) -> Cognito {
        let endpoint = if endpoint.is_empty() {
            format!("https://cognito-idp.{region}.amazonaws.com/")
        } else {
            endpoint.to_owned()
        };
        Cognito {
            endpoint,
            client_id: client_id.to_owned(),
        }
    }

    fn call(&self, op: &'static str, body: Body) -> Call {
        let body = Body {
            client_id: &self.client_id,
            ..body
        };
        Call {
            op,
            body: serde_json::to_string(&body).unwrap_or_default(),
        }
    }

    /// The pool takes e-mail addresses as usernames; `email` is also sent as an attribute so the code can be
    /// delivered even where the pool keeps separate usernames.
    pub fn sign_up(&self, email: &str, password: &str, name: Option<&str>) -> Call {
        let mut user_attributes = vec![Attribute {
            name: "email",
            value: email,
        }];
        if let Some(name) = name {
            user_attributes.push(Attribute {
                name: "name",
                value: name,
            });
        }
        self.call(
            "SignUp",
            Body {
                username: Some(email),
                password: Some(password),
                user_attributes,
                ..Body::default()
            },
        )
    }

    pub fn confirm_sign_up(&self, email: &str, code: &str) -> Call {
        self.call(
            "ConfirmSignUp",
            Body {
                username: Some(email),
                confirmation_code: Some(code),
                ..Body::default()
            },
        )
    }

    pub fn resend_code(&self, email: &str) -> Call {
        self.call(
            "ResendConfirmationCode",
            Body {
                username: Some(email),
                ..Body::default()
            },
        )
    }

    pub fn password_auth(&self, email: &str, password: &str) -> Call {
        self.call(
            "InitiateAuth",
            Body {
                auth_flow: Some("USER_PASSWORD_AUTH"),
                auth_parameters: Some(AuthParameters {
                    username: Some(email),
                    password: Some(password),
                    ..AuthParameters::default()
                }),
                ..Body::default()
            },
        )
    }

    pub fn refresh_auth(&self, refresh_token: &str) -> Call {
        self.call(
            "InitiateAuth",
            Body {
                auth_flow: Some("REFRESH_TOKEN_AUTH"),
                auth_parameters: Some(AuthParameters {
                    refresh_token: Some(refresh_token),
                    ..AuthParameters::default()
                }),
                ..Body::default()
            },
        )
    }

    /// Revokes this device's refresh token (and the access tokens minted from it); other devices stay signed in.
    pub fn revoke(&self, refresh_token: &str) -> Call {
        self.call(
            "RevokeToken",
            Body {
                token: Some(refresh_token),
                ..Body::default()
            },
        )
    }

    /// Sends one call; a 2xx body as JSON, anything else worded by [`error`].
    pub async fn send(&self, call: Call) -> Result<Value, UiError> {
        let target = call.target();
        let (status, text) = request(
            "POST",
            &self.endpoint,
            Some(call.body),
            &[("content-type", CONTENT_TYPE), ("x-amz-target", &target)],
        )
        .await?;
        if !(200..300).contains(&status) {
            return Err(error(status, &text));
        }
        serde_json::from_str(if text.is_empty() { "{}" } else { &text })
            .map_err(|_| UiError::Decode)
    }
}

/// The session in an `InitiateAuth` answer. A refresh answer carries no refresh token (Cognito does not rotate
/// them), so the one used is kept. A challenge (MFA, a forced new password) is a step this page cannot take.
pub fn session(
    answer: &Value,
    email: &str,
    refresh_token: Option<&str>,
    now: f64,
) -> Result<Session, UiError> {
    if let Some(challenge) = answer["ChallengeName"].as_str() {
        return Err(refusal(
            403,
            "unsupported_challenge",
            &format!(
                "This account needs a sign-in step this page does not offer yet ({challenge}). \
                 Ask the Payday team for help."
            ),
            None,
        ));
    }
    let result = &answer["AuthenticationResult"];
    let access_token = result["AccessToken"].as_str().ok_or(UiError::Decode)?;
    let refresh_token = result["RefreshToken"]
        .as_str()
        .or(refresh_token)
        .ok_or(UiError::Decode)?;
    let expires_in = result["ExpiresIn"].as_f64().ok_or(UiError::Decode)?;
    Ok(Session {
        access_token: access_token.to_owned(),
        refresh_token: refresh_token.to_owned(),
        expires_at: now + expires_in * 1000.0,
        email: email.to_owned(),
    })
}

/// Where `SignUp` or `ResendConfirmationCode` sent the code (masked, like `e***@e***.com`).
pub fn destination(answer: &Value) -> Option<String> {
    answer["CodeDeliveryDetails"]["Destination"]
        .as_str()
        .map(str::to_owned)
}

/// A Cognito error (`{"__type": "...Exception", "message": "..."}`) as a [`UiError`] that says what to do next.
/// Statuses follow what the rest of the UI expects: 401 ends a session whose refresh is refused, 422 carries field
/// errors, 429 reads "too many attempts".
pub fn error(status: u16, text: &str) -> UiError {
    let body: Value = serde_json::from_str(text).unwrap_or(Value::Null);
    // Some AWS JSON services prefix the type with a namespace: `com.amazonaws...#NotAuthorizedException`.
    let kind = body["__type"]
        .as_str()
        .map(|t| t.rsplit('#').next().unwrap_or(t))
        .unwrap_or_default();
    let said = body["message"]
        .as_str()
        .or(body["Message"].as_str())
        .unwrap_or_default();
    match kind {
        "NotAuthorizedException" if said.contains("attempts exceeded") => too_many(kind),
        "NotAuthorizedException" if said.contains("disabled") => refusal(
            403,
            kind,
            "This account is disabled. Ask the Payday team to enable it.",
            None,
        ),
        "NotAuthorizedException" if said.contains("CONFIRMED") => refusal(
            409,
            ALREADY_CONFIRMED,
            "Your e-mail is already confirmed.",
            None,
        ),
        "NotAuthorizedException" | "UserNotFoundException" => refusal(
            401,
            kind,
            "Wrong e-mail or password. Check both and try again.",
            None,
        ),
        NOT_CONFIRMED => refusal(
            403,
            kind,
            "Confirm your e-mail first: enter the code we sent you.",
            None,
        ),
        "UsernameExistsException" | "AliasExistsException" => refusal(
            409,
            kind,
            "An account with this e-mail already exists. Sign in instead.",
            Some(("email", "is already registered")),
        ),
        "InvalidPasswordException" => {
            let rule = said
                .split_once(':')
                .map(|(_, rule)| rule.trim())
                .filter(|rule| !rule.is_empty())
                .unwrap_or(
                    "use more characters, with upper- and lower-case letters, numbers and symbols",
                );
            let rule = rule.trim_end_matches('.');
            refusal(
                422,
                kind,
                "Choose a stronger password.",
                Some(("password", &format!("is too weak: {rule}."))),
            )
        }
        "InvalidParameterException" => {
            let lower = crate::format::lower(said);
            let field = if lower.contains("password") {
                Some(("password", "is not accepted; try a longer one"))
            } else if lower.contains("username") || lower.contains("email") {
                Some(("email", "must be an e-mail address like name@example.com"))
            } else {
                None
            };
            refusal(422, kind, "Check what you entered and try again.", field)
        }
        "CodeMismatchException" => refusal(
            422,
            kind,
            "That code is not right.",
            Some((
                "code",
                "does not match: check the latest e-mail and try again",
            )),
        ),
        "ExpiredCodeException" => refusal(
            422,
            kind,
            "That code has expired.",
            Some(("code", "has expired: send a new code and use that one")),
        ),
        "TooManyRequestsException"
        | "LimitExceededException"
        | "TooManyFailedAttemptsException" => too_many(kind),
        "CodeDeliveryFailureException" => refusal(
            400,
            kind,
            "We could not send the code. Check the e-mail address, or try again later.",
            None,
        ),
        "PasswordResetRequiredException" => refusal(
            403,
            kind,
            "Your password has to be reset before you can sign in. Ask the Payday team for help.",
            None,
        ),
        _ if status >= 500 || kind.is_empty() => UiError::Api {
            status: status.max(500),
            error: ApiError {
                code: if kind.is_empty() { "http_error" } else { kind }.into(),
                message: String::new(),
                request_id: None,
                fields: None,
            },
        },
        // Anything else (a misconfigured pool or client) is not the user's to fix.
        _ => refusal(
            status,
            kind,
            &format!("Sign-in is not available right now ({kind}). Please try again later."),
            None,
        ),
    }
}

fn too_many(kind: &str) -> UiError {
    refusal(429, kind, "Too many attempts.", None)
}

fn refusal(status: u16, code: &str, message: &str, field: Option<(&str, &str)>) -> UiError {
    UiError::Api {
        status,
        error: ApiError {
            code: code.into(),
            message: message.into(),
            request_id: None,
            fields: field.map(|(name, text)| [(name.to_owned(), text.to_owned())].into()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(call: &Call) -> Value {
        serde_json::from_str(&call.body).unwrap()
    }

    fn pool() -> Cognito {
        Cognito::new("eu-west-1", "", "client123")
    }

    fn cognito_error(kind: &str, message: &str) -> UiError {
        error(
            400,
            &json!({"__type": kind, "message": message}).to_string(),
        )
    }

    #[test]
    fn the_endpoint_defaults_to_the_regions_public_one() {
        assert_eq!(
            pool().endpoint,
            "https://cognito-idp.eu-west-1.amazonaws.com/"
        );
        assert_eq!(
            Cognito::new("eu-west-1", "http://127.0.0.1:5000/", "c").endpoint,
            "http://127.0.0.1:5000/"
        );
    }

    #[test]
    fn calls_name_their_operation_and_carry_the_client_id() {
        let call = pool().sign_up("me@example.com", "pw", Some("Eddie"));
        assert_eq!(call.target(), "AWSCognitoIdentityProviderService.SignUp");
        assert_eq!(
            body(&call),
            json!({
                "ClientId": "client123",
                "Username": "me@example.com",
                "Password": "pw",
                "UserAttributes": [
                    {"Name": "email", "Value": "me@example.com"},
                    {"Name": "name", "Value": "Eddie"},
                ],
            })
        );
        let call = pool().password_auth("me@example.com", "pw");
        assert_eq!(call.op, "InitiateAuth");
        assert_eq!(body(&call)["AuthFlow"], "USER_PASSWORD_AUTH");
        assert_eq!(body(&call)["AuthParameters"]["PASSWORD"], "pw");
        let call = pool().refresh_auth("r1");
        assert_eq!(body(&call)["AuthFlow"], "REFRESH_TOKEN_AUTH");
        assert_eq!(
            body(&call)["AuthParameters"],
            json!({"REFRESH_TOKEN": "r1"})
        );
        assert_eq!(
            body(&pool().confirm_sign_up("me@example.com", "123456")),
            json!({"ClientId": "client123", "Username": "me@example.com", "ConfirmationCode": "123456"})
        );
        assert_eq!(
            pool().resend_code("me@example.com").target(),
            "AWSCognitoIdentityProviderService.ResendConfirmationCode"
        );
        assert_eq!(
            body(&pool().revoke("r1")),
            json!({"ClientId": "client123", "Token": "r1"})
        );
    }

    #[test]
    fn a_sign_in_answer_becomes_a_session_that_expires_with_the_access_token() {
        let answer = json!({"AuthenticationResult": {
            "AccessToken": "a1", "IdToken": "i1", "RefreshToken": "r1", "ExpiresIn": 3600, "TokenType": "Bearer"
        }});
        let s = session(&answer, "me@example.com", None, 1_000.0).unwrap();
        assert_eq!(
            (s.access_token.as_str(), s.refresh_token.as_str()),
            ("a1", "r1")
        );
        assert_eq!(s.expires_at, 1_000.0 + 3_600_000.0);
        assert!(!s.needs_refresh(1_000.0));
        assert!(s.needs_refresh(1_000.0 + 3_600_000.0 - 59_000.0));
    }

    #[test]
    fn a_refresh_answer_keeps_the_refresh_token_it_was_given() {
        let answer = json!({"AuthenticationResult": {"AccessToken": "a2", "ExpiresIn": 300}});
        let s = session(&answer, "me@example.com", Some("r1"), 0.0).unwrap();
        assert_eq!(s.refresh_token, "r1");
        assert_eq!(s.expires_at, 300_000.0);
        assert_eq!(
            session(&answer, "me@example.com", None, 0.0),
            Err(UiError::Decode)
        );
    }

    #[test]
    fn a_challenge_is_refused_with_its_name() {
        let answer = json!({"ChallengeName": "SOFTWARE_TOKEN_MFA", "Session": "s"});
        let e = session(&answer, "me@example.com", None, 0.0).unwrap_err();
        assert!(e.message().contains("SOFTWARE_TOKEN_MFA"));
    }

    #[test]
    fn the_code_destination_is_read_when_present() {
        let answer = json!({"UserConfirmed": false, "CodeDeliveryDetails": {
            "Destination": "m***@e***.com", "DeliveryMedium": "EMAIL", "AttributeName": "email"
        }});
        assert_eq!(destination(&answer).as_deref(), Some("m***@e***.com"));
        assert_eq!(destination(&json!({"UserConfirmed": false})), None);
    }

    #[test]
    fn wrong_credentials_say_so_and_end_a_session() {
        let e = cognito_error("NotAuthorizedException", "Incorrect username or password.");
        assert_eq!(e.status(), Some(401));
        assert_eq!(
            e.message(),
            "Wrong e-mail or password. Check both and try again."
        );
        // A revoked refresh token is the same type: the session ends (Api::token drops it on 401).
        assert_eq!(
            cognito_error("NotAuthorizedException", "Refresh Token has been revoked").status(),
            Some(401)
        );
        assert_eq!(
            cognito_error("NotAuthorizedException", "Password attempts exceeded").status(),
            Some(429)
        );
        assert!(
            cognito_error("NotAuthorizedException", "User is disabled.")
                .message()
                .contains("disabled")
        );
    }

    #[test]
    fn an_unconfirmed_user_is_recognised_and_told_to_enter_the_code() {
        let e = cognito_error("UserNotConfirmedException", "User is not confirmed.");
        assert!(e.is(NOT_CONFIRMED));
        assert!(e.message().contains("code"));
        let e = cognito_error(
            "NotAuthorizedException",
            "User cannot be confirmed. Current status is CONFIRMED",
        );
        assert!(e.is(ALREADY_CONFIRMED));
    }

    #[test]
    fn field_problems_land_next_to_their_field() {
        let e = cognito_error(
            "InvalidPasswordException",
            "Password did not conform with policy: Password must have uppercase characters",
        );
        assert_eq!(
            e.field("password").as_deref(),
            Some("is too weak: Password must have uppercase characters.")
        );
        assert_eq!(
            e.message(),
            "Password is too weak: Password must have uppercase characters."
        );
        // moto sends no message; the advice is still there.
        assert!(
            cognito_error("InvalidPasswordException", "")
                .field("password")
                .unwrap()
                .contains("upper- and lower-case")
        );
        assert!(
            cognito_error(
                "UsernameExistsException",
                "An account with the given email already exists."
            )
            .message()
            .contains("Sign in instead")
        );
        assert!(
            cognito_error(
                "CodeMismatchException",
                "Invalid verification code provided"
            )
            .field("code")
            .is_some()
        );
        assert!(
            cognito_error(
                "ExpiredCodeException",
                "Invalid code provided, please request a code again."
            )
            .field("code")
            .unwrap()
            .contains("send a new code")
        );
        assert!(
            cognito_error(
                "InvalidParameterException",
                "Username should be either an email or a phone number."
            )
            .field("email")
            .is_some()
        );
    }

    #[test]
    fn throttling_server_faults_and_odd_answers_read_as_sentences() {
        for kind in ["TooManyRequestsException", "LimitExceededException"] {
            assert!(
                cognito_error(kind, "Rate exceeded")
                    .message()
                    .starts_with("Too many")
            );
        }
        let namespaced = cognito_error("com.amazonaws.cognito#TooManyRequestsException", "x");
        assert_eq!(namespaced.status(), Some(429));
        assert!(
            error(500, "<html>boom</html>")
                .message()
                .contains("our side")
        );
        assert!(
            error(503, r#"{"__type":"InternalErrorException","message":"x"}"#)
                .message()
                .contains("our side")
        );
        let odd = cognito_error("ResourceNotFoundException", "client123");
        assert!(
            odd.message().contains("ResourceNotFoundException")
                && !odd.message().contains("client123")
        );
    }
}

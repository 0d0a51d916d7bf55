//! Extractors that reject in our error format: JSON bodies (415/400/413/422), query strings (422), path ids
//! (404), the bearer token (401) and the `If-Match` version.

use std::net::{IpAddr, SocketAddr};

use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::{HeaderMap, StatusCode, header, request::Parts};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use shared::FieldErrors;

use super::error::{AppError, error_response, generic_report};
use crate::AppState;
use crate::auth::{AuthError, Principal, Verification};

/// A JSON body. Wrong content type or a compressed body → 415, unparsable → 400, too large → 413, wrong shape or unknown field → 422
/// with the offending field named.
pub struct AppJson<T>(pub T);

/// Rejections from [`AppJson`] that are not an [`AppError`] (413/415 use the generic bodies).
pub enum JsonRejection {
    App(AppError),
    Status(StatusCode),
}

impl IntoResponse for JsonRejection {
    fn into_response(self) -> Response {
        match self {
            JsonRejection::App(error) => error.into_response(),
            JsonRejection::Status(status) => error_response(status, generic_report(status)),
        }
    }
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for AppJson<T> {
    type Rejection = JsonRejection;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|mime| {
                let mime = mime.trim().to_ascii_lowercase();
                mime == "application/json"
                    || (mime.starts_with("application/") && mime.ends_with("+json"))
            });
        // A compressed body (`Content-Encoding: gzip`) is not read as JSON text: 415, not a misleading 400.
        let encoded = req
            .headers()
            .get(header::CONTENT_ENCODING)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| !v.trim().eq_ignore_ascii_case("identity"));
        if !is_json || encoded {
            return Err(JsonRejection::Status(StatusCode::UNSUPPORTED_MEDIA_TYPE));
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|rejection| JsonRejection::Status(rejection.status()))?;
        parse_json(&bytes).map(AppJson).map_err(JsonRejection::App)
    }
}

/// Parses a JSON object body. Text that is not JSON is a 400; JSON that is not an object, or an object of the
/// wrong shape (unknown or missing field, wrong type, value out of range), is a 422 naming the field.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    // Without this, serde would fill a struct from an array by position.
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(match serde_json::from_slice::<serde_json::Value>(bytes) {
            Ok(_) => AppError::field("body", "must be a JSON object"),
            Err(error) => malformed(&error),
        });
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        if inner.classify() == serde_json::error::Category::Data {
            return shape_error(&path, &inner.to_string());
        }
        // serde_json reports some type mismatches as syntax errors (a number where an enum's string belongs, a
        // third item in a pair); only text that is not JSON at all is malformed.
        match serde_json::from_slice::<serde_json::Value>(bytes) {
            Ok(document) => shape_error(&path, &mismatch_message::<T>(document, &path)),
            Err(_) => malformed(&inner),
        }
    })?;
    deserializer.end().map_err(|error| malformed(&error))?;
    Ok(value)
}

/// What to say about a value at `path` that serde_json refused with a syntax error although the document is valid
/// JSON. If a string there would be an enum's unknown variant, the error lists the choices.
fn mismatch_message<T: DeserializeOwned>(mut document: serde_json::Value, path: &str) -> String {
    let pointer = json_pointer(path);
    let Some(slot) = document.pointer_mut(&pointer) else {
        return "has the wrong type".into();
    };
    let was_list = slot.is_array();
    *slot = serde_json::Value::String("\u{1}".into());
    if let Err(error) = serde_path_to_error::deserialize::<_, T>(document) {
        let message = error.inner().to_string();
        if error.path().to_string() == path && message.starts_with("unknown variant `\u{1}`") {
            return humanize(&message);
        }
    }
    if was_list {
        "has the wrong number of items".into()
    } else {
        "has the wrong type".into()
    }
}

/// `a.b[2].c` (serde_path_to_error's form) as a JSON pointer, `/a/b/2/c`.
fn json_pointer(path: &str) -> String {
    if path == "." {
        return String::new();
    }
    let mut pointer = String::new();
    for part in path.split('.') {
        let mut pieces = part.split('[');
        if let Some(name) = pieces.next()
            && !name.is_empty()
        {
            pointer.push('/');
            pointer.push_str(&name.replace('~', "~0").replace('/', "~1"));
        }
        for index in pieces {
            pointer.push('/');
            pointer.push_str(index.trim_end_matches(']'));
        }
    }
    pointer
}

/// Words serde's messages for people: no parser positions, no Rust type names.
fn humanize(message: &str) -> String {
    let message = message.split(" at line ").next().unwrap_or(message);
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        let choices: Vec<&str> = rest
            .split_once(", expected")
            .map_or("", |(_, expected)| expected)
            .split('`')
            .skip(1)
            .step_by(2)
            .collect();
        return if choices.is_empty() {
            "is not one of the allowed values".into()
        } else {
            format!("must be one of: {}", choices.join(", "))
        };
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        return match rest.split_once(", expected ") {
            Some((_, expected)) => match expected_for_people(expected) {
                Some(expected) => format!("must be {expected}"),
                None => "has the wrong type".into(),
            },
            None => "has the wrong type".into(),
        };
    }
    if let Some(rest) = message.strip_prefix("invalid value: ") {
        return match rest.split_once(", expected ") {
            Some((_, expected)) if is_integer_type(expected) => "is out of range".into(),
            Some((_, expected)) => match expected_for_people(expected) {
                Some(expected) => format!("must be {expected}"),
                None => "is not an allowed value".into(),
            },
            None => "is not an allowed value".into(),
        };
    }
    if let Some(rest) = message.strip_prefix("invalid length ") {
        return match rest.split_once("expected an array of length ") {
            Some((_, n)) => format!("must have {n} items"),
            None => "has the wrong number of items".into(),
        };
    }
    // Query strings: the standard library's integer parse errors.
    if message == "invalid digit found in string"
        || message == "cannot parse integer from empty string"
    {
        return "must be a whole number".into();
    }
    if message.starts_with("number too large") || message.starts_with("number too small") {
        return "is out of range".into();
    }
    message.to_owned()
}

fn is_integer_type(name: &str) -> bool {
    matches!(
        name,
        "u8" | "u16"
            | "u32"
            | "u64"
            | "u128"
            | "usize"
            | "i8"
            | "i16"
            | "i32"
            | "i64"
            | "i128"
            | "isize"
    )
}

/// serde's "expected ..." in words, or `None` when it names a Rust type we cannot translate.
fn expected_for_people(expected: &str) -> Option<String> {
    let words = match expected {
        e if is_integer_type(e) => "a whole number",
        "f32" | "f64" => "a number",
        "a string" | "a borrowed string" | "a character" => "a string",
        "a boolean" => "true or false",
        "unit" => "null",
        e if e.starts_with("struct ") || e.starts_with("a map") || e == "map" => "an object",
        e if e.starts_with("a sequence")
            || e.starts_with("an array")
            || e.starts_with("a tuple") =>
        {
            "a list"
        }
        e if e.contains("struct")
            || e.contains("enum")
            || e.contains("variant")
            || e.contains("identifier")
            || e.contains("::") =>
        {
            return None;
        }
        // Our own types' messages (dates, days of the month, money) are already worded for people.
        other => other,
    };
    Some(words.to_owned())
}

fn malformed(error: &serde_json::Error) -> AppError {
    AppError::bad_request(
        "malformed_json",
        format!("The body is not valid JSON: {error}."),
    )
}

/// A 422 for JSON that parsed but has the wrong shape. Unknown fields are named as the field itself.
fn shape_error(path: &str, message: &str) -> AppError {
    let message = message.split(" at line ").next().unwrap_or(message);
    let mut errors = FieldErrors::new();
    if let Some(rest) = message.strip_prefix("unknown field `") {
        // serde_path_to_error usually ends the path with the unknown name already; inside internally tagged
        // enums it stops at the enum, so add the name there.
        let name = rest.split('`').next().unwrap_or("");
        let field = if path == "." || path.is_empty() {
            name.to_owned()
        } else if path == name || path.ends_with(&format!(".{name}")) {
            path.to_owned()
        } else {
            format!("{path}.{name}")
        };
        errors.add(field, "is not a known field");
    } else if let Some(rest) = message.strip_prefix("duplicate field `") {
        // `?limit=1&limit=2`, or a JSON key given twice.
        let name = rest.split('`').next().unwrap_or("");
        let field = if path == "." || path.is_empty() {
            name.to_owned()
        } else {
            format!("{path}.{name}")
        };
        errors.add(field, "is given more than once");
    } else if let Some(rest) = message.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or("");
        let field = if path == "." || path.is_empty() {
            name.to_owned()
        } else {
            format!("{path}.{name}")
        };
        errors.add(field, "is required");
    } else {
        let field = if path == "." || path.is_empty() {
            "body".to_owned()
        } else {
            path.to_owned()
        };
        errors.add(field, humanize(message));
    }
    AppError::Validation(errors)
}

/// Query-string parameters; a bad value is a 422 naming the parameter.
pub struct AppQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for AppQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        let deserializer = serde_urlencoded::Deserializer::new(form_urlencoded_parse(query));
        serde_path_to_error::deserialize(deserializer)
            .map(AppQuery)
            .map_err(|error| {
                let path = error.path().to_string();
                let message = error.into_inner().to_string();
                shape_error(&path, &message)
            })
    }
}

/// The query of an endpoint that takes no parameters: any parameter is a 422 naming it (`is not a known field`),
/// as on endpoints that do take some. Use as `_: AppQuery<NoParams>`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoParams {}

fn form_urlencoded_parse(query: &str) -> form_urlencoded::Parse<'_> {
    form_urlencoded::parse(query.as_bytes())
}

/// The signed-in caller, from a verified bearer token.
pub struct AuthUser(pub Principal);

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token =
            bearer_token(&parts.headers).ok_or(AppError::Unauthorized(AuthError::Missing))?;
        let verifier = state.verifier();
        match verifier
            .verify_token(token)
            .await
            .map_err(AppError::Unauthorized)?
        {
            Verification::Known(principal) => Ok(AuthUser(principal)),
            Verification::New(verified) => {
                // Local accounts live in the store: a token whose account is gone (deleted, perhaps by another
                // instance or before a restart) is refused. Once per token and cache lifetime, not per request.
                if state.local_issuer().is_some()
                    && state
                        .store()
                        .user_by_id(verified.principal.user_id)
                        .await?
                        .is_none()
                {
                    return Err(AppError::Unauthorized(AuthError::AccountDeleted));
                }
                Ok(AuthUser(verifier.remember(token, verified)))
            }
        }
    }
}

fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
        .filter(|t| !t.is_empty())
}

/// The version from `If-Match` (`"3"`, `W/"3"` or `3`), if sent. An unparsable value is a 422.
pub struct IfMatch(pub Option<u64>);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get(header::IF_MATCH) else {
            return Ok(IfMatch(None));
        };
        let text = value.to_str().unwrap_or("").trim();
        let text = text.strip_prefix("W/").unwrap_or(text).trim_matches('"');
        text.parse()
            .map(|v| IfMatch(Some(v)))
            .map_err(|_| AppError::field("If-Match", "must be the record's version, e.g. \"3\""))
    }
}

/// The version to check when the caller may send none (`None`: no check): `If-Match` or the body's `version`,
/// which must agree when both are sent.
pub fn optional_version(if_match: Option<u64>, body: Option<u64>) -> Result<Option<u64>, AppError> {
    match (if_match, body) {
        (None, None) => Ok(None),
        (a, b) => required_version(a, b).map(Some),
    }
}

/// Picks the version to check: `If-Match` or the body's `version`; they must agree when both are sent.
pub fn required_version(if_match: Option<u64>, body: Option<u64>) -> Result<u64, AppError> {
    match (if_match, body) {
        (Some(a), Some(b)) if a != b => Err(AppError::field(
            "version",
            "differs from the If-Match header",
        )),
        (Some(v), _) | (None, Some(v)) => Ok(v),
        (None, None) => Err(AppError::field(
            "version",
            "is required: send the record's current version in the body or an If-Match header",
        )),
    }
}

/// The caller's IP address: the connected peer, or with `--trust-forwarded-for` the address the farthest trusted
/// proxy saw. Proxies append to `X-Forwarded-For`, so only the right-most `--trusted-proxy-hops` entries were
/// written by them; anything to the left came from the client and may be forged.
pub struct ClientAddr(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let settings = state.settings();
        if settings.trust_forwarded_for
            && let Some(ip) = forwarded_client(&parts.headers, settings.trusted_proxy_hops.into())
        {
            return Ok(ClientAddr(Some(ip)));
        }
        let connected = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|info| info.0.ip());
        Ok(ClientAddr(connected))
    }
}

/// The `hops`-th `X-Forwarded-For` entry from the right (all header lines, in order). `None` when there are
/// fewer entries than trusted proxies or the entry is not an address: then the request did not come through
/// the proxies as configured, and the connected peer is used instead.
fn forwarded_client(headers: &HeaderMap, hops: usize) -> Option<IpAddr> {
    let mut entries = Vec::new();
    for value in headers.get_all("x-forwarded-for") {
        entries.extend(value.to_str().ok()?.split(',').map(str::trim));
    }
    let entry = entries.len().checked_sub(hops).map(|i| entries[i])?;
    entry
        .parse()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|a| a.ip()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        title: String,
        count: Option<u8>,
    }

    #[test]
    fn syntax_errors_are_400_and_shape_errors_422() {
        assert!(matches!(
            parse_json::<Body>(b"{\"title\":"),
            Err(AppError::BadRequest { .. })
        ));
        let Err(AppError::Validation(errors)) = parse_json::<Body>(br#"{"title":"a","count":300}"#)
        else {
            panic!("expected validation error");
        };
        assert!(errors.get("count").is_some());
        let Err(AppError::Validation(errors)) = parse_json::<Body>(br#"{"title":"a","colour":1}"#)
        else {
            panic!("expected validation error");
        };
        assert_eq!(errors.get("colour"), Some("is not a known field"));
        let Err(AppError::Validation(errors)) = parse_json::<Body>(br#"{}"#) else {
            panic!("expected validation error");
        };
        assert_eq!(errors.get("title"), Some("is required"));
    }

    #[test]
    fn trailing_garbage_is_malformed() {
        assert!(matches!(
            parse_json::<Body>(br#"{"title":"a"} x"#),
            Err(AppError::BadRequest { .. })
        ));
    }

    #[test]
    fn the_client_address_is_the_entry_the_farthest_trusted_proxy_appended() {
        let mut headers = HeaderMap::new();
        headers.append("x-forwarded-for", "6.6.6.6, 1.1.1.1".parse().unwrap());
        headers.append("x-forwarded-for", "2.2.2.2".parse().unwrap());
        let ip = |s: &str| Some(s.parse::<IpAddr>().unwrap());
        assert_eq!(forwarded_client(&headers, 1), ip("2.2.2.2"));
        assert_eq!(forwarded_client(&headers, 2), ip("1.1.1.1"));
        assert_eq!(forwarded_client(&headers, 3), ip("6.6.6.6"));
        assert_eq!(forwarded_client(&headers, 4), None);
        assert_eq!(forwarded_client(&HeaderMap::new(), 1), None);
        let mut junk = HeaderMap::new();
        junk.insert("x-forwarded-for", "1.1.1.1, unknown".parse().unwrap());
        assert_eq!(forwarded_client(&junk, 1), None);
    }

    #[test]
    fn version_sources_must_agree() {
        assert_eq!(required_version(Some(2), None).unwrap(), 2);
        assert_eq!(required_version(None, Some(3)).unwrap(), 3);
        assert!(required_version(Some(2), Some(3)).is_err());
        assert!(required_version(None, None).is_err());
    }
}

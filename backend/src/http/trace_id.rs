//! AWS trace ids: the `Root` of the `X-Amzn-Trace-Id` header that CloudFront, the ALB and API Gateway (and, on
//! Lambda, the runtime) attach, so one request can be followed from the edge through our logs and metrics.
//!
//! The header comes from the client side of the edge, so it is validated strictly: bounded length, the exact
//! X-Ray shape `1-<8 hex>-<24 hex>`; anything else is ignored, never echoed. It carries no user data.

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderName};

/// The header the AWS edge services set.
pub const AMZN_TRACE_ID: HeaderName = HeaderName::from_static("x-amzn-trace-id");

/// Headers longer than this are not looked at (AWS's own are well under 256 bytes).
const MAX_HEADER_LEN: usize = 256;

/// A validated X-Ray trace id, e.g. `1-5759e988-bd862e3fe1be46a994272793`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceId(String);

impl TraceId {
    /// The trace id of a header value like `Root=1-…;Parent=…;Sampled=1` (fields in any order, `Self=` allowed),
    /// or `None` when it has no valid `Root`.
    pub fn parse(header: &str) -> Option<TraceId> {
        if header.len() > MAX_HEADER_LEN {
            return None;
        }
        let root = header
            .split(';')
            .filter_map(|field| field.trim().split_once('='))
            .find(|(key, _)| key.trim().eq_ignore_ascii_case("root"))
            .map(|(_, value)| value.trim())?;
        is_xray_id(root).then(|| TraceId(root.to_owned()))
    }

    /// The trace id in the request's `X-Amzn-Trace-Id` header, if valid.
    pub fn from_headers(headers: &HeaderMap) -> Option<TraceId> {
        headers
            .get(AMZN_TRACE_ID)
            .and_then(|value| value.to_str().ok())
            .and_then(TraceId::parse)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for TraceId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// `1-` + 8 lowercase hex digits (epoch seconds) + `-` + 24 lowercase hex digits.
fn is_xray_id(value: &str) -> bool {
    let lower_hex = |part: &str, len: usize| {
        part.len() == len
            && part
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    };
    let mut parts = value.split('-');
    matches!(
        (parts.next(), parts.next(), parts.next(), parts.next()),
        (Some("1"), Some(time), Some(unique), None) if lower_hex(time, 8) && lower_hex(unique, 24)
    )
}

/// Middleware step: stores the request's [`TraceId`] as an extension for the span and the metrics record.
pub fn tag(mut request: Request) -> Request {
    if let Some(id) = TraceId::from_headers(request.headers()) {
        request.extensions_mut().insert(id);
    }
    request
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROOT: &str = "1-5759e988-bd862e3fe1be46a994272793";

    #[test]
    fn the_root_is_taken_from_a_full_header() {
        let header = format!("Root={ROOT};Parent=53995c3f42cd8ad8;Sampled=1");
        assert_eq!(TraceId::parse(&header).unwrap().as_str(), ROOT);
    }

    #[test]
    fn fields_may_come_in_any_order_with_an_alb_self_field() {
        let header = format!("Self=1-67891234-12456789abcdef012345678;Root={ROOT}; Sampled=0");
        assert_eq!(TraceId::parse(&header).unwrap().as_str(), ROOT);
        assert_eq!(
            TraceId::parse(&format!("root={ROOT}")).unwrap().as_str(),
            ROOT
        );
    }

    #[test]
    fn junk_is_ignored() {
        for junk in [
            "",
            "Root=",
            ROOT,
            "Parent=53995c3f42cd8ad8",
            "Root=2-5759e988-bd862e3fe1be46a994272793",
            "Root=1-5759e98-bd862e3fe1be46a994272793",
            "Root=1-5759e988-bd862e3fe1be46a99427279",
            "Root=1-5759e988-bd862e3fe1be46a9942727933",
            "Root=1-5759E988-BD862E3FE1BE46A994272793",
            "Root=1-5759e988-bd862e3fe1be46a99427279g",
            "Root=1-5759e988-bd862e3fe1be46a994272793-00",
            "Root=1-5759e988-alice@example.com-0000000",
            "Root=<script>",
        ] {
            assert_eq!(TraceId::parse(junk), None, "{junk:?} was accepted");
        }
    }

    #[test]
    fn an_overlong_header_is_not_parsed() {
        let header = format!("Root={ROOT};Pad={}", "x".repeat(MAX_HEADER_LEN));
        assert_eq!(TraceId::parse(&header), None);
    }

    #[test]
    fn the_trace_id_is_read_from_request_headers() {
        let mut headers = HeaderMap::new();
        headers.insert(
            AMZN_TRACE_ID,
            format!("Root={ROOT};Sampled=1").parse().unwrap(),
        );
        assert_eq!(TraceId::from_headers(&headers).unwrap().as_str(), ROOT);
        assert_eq!(TraceId::from_headers(&HeaderMap::new()), None);
    }
}

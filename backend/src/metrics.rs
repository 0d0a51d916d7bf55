//! Request and business metrics: one record per HTTP request (route, method, status class, latency) plus the
//! business events counted while it ran (sign-ins, sign-ups, tasks created, bills marked paid).
//!
//! Records go where `PAYDAY_METRICS` says: `emf` writes one CloudWatch Embedded Metric Format JSON object per line
//! straight to stdout (CloudWatch Logs turns it into metrics; no agent and no API calls), `log` emits a readable
//! `tracing` event with target `payday::metrics`, `off` drops them. EMF lines bypass `tracing` on purpose, so the
//! JSON log formatter never wraps them.
//!
//! Cardinality is bounded by construction: the route is axum's `MatchedPath` template (never the raw path) or
//! [`UNMATCHED`], the method is one of the standard verbs or `OTHER`, and user data never becomes a dimension.
//! Request and trace ids ride along as plain properties, for finding the log lines of one request.
//!
//! Dependency rule: knows axum's request types and `config`; handlers reach it through `AppState::metrics`.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::{Map, Value, json};
use tower_http::request_id::RequestId;

use crate::config::MetricsMode;
use crate::http::trace_id::TraceId;

/// CloudWatch namespace of every metric.
pub const NAMESPACE: &str = "Payday";
/// Value of the `Service` dimension.
pub const SERVICE: &str = "payday-api";
/// The `Route` of requests no API route matched (web UI files and 404s).
pub const UNMATCHED: &str = "unmatched";

/// Dimension sets of the request metrics: per route and method (error rate and latency per route), and the whole
/// service (for alarms). The status class is a property, not a dimension: `Errors4xx`/`Errors5xx` are 0 or 1
/// per request, so their average is the error rate without multiplying the metric count by five.
const REQUEST_DIMENSIONS: [&[&str]; 2] = [&["Service", "Route", "Method"], &["Service"]];
/// Business counters are aggregated for the whole service only.
const EVENT_DIMENSIONS: [&[&str]; 1] = [&["Service"]];

/// A business event worth counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// A local account was created.
    SignUp,
    /// A local sign-in succeeded (password checked, tokens issued).
    SignIn,
    /// A task was created.
    TaskCreated,
    /// A bill occurrence was marked paid.
    BillMarkedPaid,
}

impl Event {
    const ALL: [Event; 4] = [
        Event::SignUp,
        Event::SignIn,
        Event::TaskCreated,
        Event::BillMarkedPaid,
    ];

    /// The CloudWatch metric name.
    pub fn metric_name(self) -> &'static str {
        match self {
            Event::SignUp => "SignUps",
            Event::SignIn => "SignIns",
            Event::TaskCreated => "TasksCreated",
            Event::BillMarkedPaid => "BillsMarkedPaid",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// How many of each [`Event`] happened.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct EventCounts([u32; Event::ALL.len()]);

impl EventCounts {
    fn add(&mut self, event: Event) {
        self.0[event.index()] = self.0[event.index()].saturating_add(1);
    }

    fn iter(&self) -> impl Iterator<Item = (Event, u32)> + '_ {
        Event::ALL
            .into_iter()
            .map(|event| (event, self.0[event.index()]))
            .filter(|(_, n)| *n > 0)
    }

    fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }
}

tokio::task_local! {
    /// Events counted by the request being handled; the middleware reports them with the request's record.
    static REQUEST_EVENTS: Arc<Mutex<EventCounts>>;
}

/// Where records go. Cheap to clone; one per `AppState`.
#[derive(Clone)]
pub struct Metrics {
    inner: Arc<Inner>,
}

struct Inner {
    mode: MetricsMode,
    /// The `Service` dimension: [`SERVICE`] unless configured (deployments name their stage in it).
    service: String,
    sink: Mutex<Box<dyn Write + Send>>,
}

/// What the middleware learned about one request.
#[derive(Debug, Clone)]
pub struct RequestRecord {
    /// The route template, or [`UNMATCHED`].
    pub route: String,
    /// A standard method name, or `OTHER`.
    pub method: &'static str,
    pub status: StatusCode,
    /// Time until the response head was ready.
    pub latency: Duration,
    pub request_id: Option<String>,
    pub trace_id: Option<TraceId>,
}

impl Metrics {
    /// Records in `mode` under the `Service` dimension `service`, EMF lines to stdout.
    pub fn new(mode: MetricsMode, service: &str) -> Self {
        Self::build(mode, service, Box::new(std::io::stdout()))
    }

    /// Records in `mode` under [`SERVICE`], EMF lines to `writer` (tests capture them this way).
    pub fn with_writer(mode: MetricsMode, writer: Box<dyn Write + Send>) -> Self {
        Self::build(mode, SERVICE, writer)
    }

    fn build(mode: MetricsMode, service: &str, writer: Box<dyn Write + Send>) -> Self {
        Metrics {
            inner: Arc::new(Inner {
                mode,
                service: service.to_owned(),
                sink: Mutex::new(writer),
            }),
        }
    }

    pub fn mode(&self) -> MetricsMode {
        self.inner.mode
    }

    /// Counts a business event. Inside a request it is reported with that request's record (so it shares the
    /// request and trace ids); elsewhere it is reported at once.
    pub fn count(&self, event: Event) {
        if self.inner.mode == MetricsMode::Off {
            return;
        }
        let in_request = REQUEST_EVENTS
            .try_with(|events| {
                events
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .add(event)
            })
            .is_ok();
        if !in_request {
            let mut events = EventCounts::default();
            events.add(event);
            self.emit_events(events);
        }
    }

    /// Reports one request and the events counted during it.
    fn emit_request(&self, record: &RequestRecord, events: EventCounts) {
        match self.inner.mode {
            MetricsMode::Off => {}
            MetricsMode::Emf => self.write_line(&emf_request(
                &self.inner.service,
                record,
                events,
                timestamp_ms(),
            )),
            MetricsMode::Log => {
                let events: Vec<&str> = events.iter().map(|(e, _)| e.metric_name()).collect();
                let events = (!events.is_empty()).then(|| events.join(","));
                tracing::info!(
                    target: "payday::metrics",
                    route = %record.route,
                    method = record.method,
                    status = record.status.as_u16(),
                    latency_ms = latency_ms(record.latency),
                    events = events.as_deref(),
                    "request"
                );
            }
        }
    }

    fn emit_events(&self, events: EventCounts) {
        match self.inner.mode {
            MetricsMode::Off => {}
            MetricsMode::Emf => {
                self.write_line(&emf_events(&self.inner.service, events, timestamp_ms()))
            }
            MetricsMode::Log => {
                for (event, count) in events.iter() {
                    tracing::info!(target: "payday::metrics", metric = event.metric_name(), count, "business event");
                }
            }
        }
    }

    /// Writes one line with a single `write_all`, so concurrent records (and log lines) never interleave.
    fn write_line(&self, record: &Value) {
        let mut line = record.to_string();
        line.push('\n');
        let mut sink = self
            .inner
            .sink
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // A metrics sink that cannot be written (closed stdout) must never fail the request.
        let _ = sink.write_all(line.as_bytes()).and_then(|()| sink.flush());
    }
}

/// Middleware: measures each request and reports it, with the business events its handler counted. Must run
/// after routing (add it with `Router::layer`) to see the route template.
pub async fn track(State(metrics): State<Metrics>, request: Request, next: Next) -> Response {
    if metrics.mode() == MetricsMode::Off {
        return next.run(request).await;
    }
    let started = Instant::now();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or(UNMATCHED, MatchedPath::as_str)
        .to_owned();
    let method = method_label(request.method());
    let request_id = request
        .extensions()
        .get::<RequestId>()
        .and_then(|id| id.header_value().to_str().ok())
        .map(str::to_owned);
    let trace_id = request.extensions().get::<TraceId>().cloned();
    let events = Arc::new(Mutex::new(EventCounts::default()));
    let response = REQUEST_EVENTS
        .scope(events.clone(), next.run(request))
        .await;
    let record = RequestRecord {
        route,
        method,
        status: response.status(),
        latency: started.elapsed(),
        request_id,
        trace_id,
    };
    let events = *events
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    metrics.emit_request(&record, events);
    response
}

/// Standard methods keep their name; anything else (a client may send any token) is `OTHER`, so a caller cannot
/// mint new metrics.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}

fn status_class(status: StatusCode) -> &'static str {
    match status.as_u16() {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

/// Milliseconds with microsecond resolution (latency is a measurement, not money, so a float is right).
fn latency_ms(latency: Duration) -> f64 {
    (latency.as_micros() as f64) / 1000.0
}

fn timestamp_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

fn directive(dimensions: &[&[&str]], metrics: Vec<Value>) -> Value {
    json!({"Namespace": NAMESPACE, "Dimensions": dimensions, "Metrics": metrics})
}

fn count_metric(name: &str) -> Value {
    json!({"Name": name, "Unit": "Count"})
}

/// The business-event directive and values, added to `root`; `None` when nothing was counted.
fn event_directive(events: EventCounts, root: &mut Map<String, Value>) -> Option<Value> {
    if events.is_empty() {
        return None;
    }
    let metrics = events
        .iter()
        .map(|(event, count)| {
            root.insert(event.metric_name().into(), count.into());
            count_metric(event.metric_name())
        })
        .collect();
    Some(directive(&EVENT_DIMENSIONS, metrics))
}

fn emf_request(
    service: &str,
    record: &RequestRecord,
    events: EventCounts,
    timestamp: i64,
) -> Value {
    let status = record.status.as_u16();
    let mut root = Map::new();
    root.insert("Service".into(), service.into());
    root.insert("Route".into(), record.route.clone().into());
    root.insert("Method".into(), record.method.into());
    root.insert("Requests".into(), 1.into());
    root.insert("Latency".into(), latency_ms(record.latency).into());
    root.insert(
        "Errors4xx".into(),
        u8::from((400..500).contains(&status)).into(),
    );
    root.insert("Errors5xx".into(), u8::from(status >= 500).into());
    root.insert("StatusClass".into(), status_class(record.status).into());
    root.insert("Status".into(), status.into());
    if let Some(id) = &record.request_id {
        root.insert("request_id".into(), id.clone().into());
    }
    if let Some(id) = &record.trace_id {
        root.insert("trace_id".into(), id.as_str().into());
    }
    let mut directives = vec![directive(
        &REQUEST_DIMENSIONS,
        vec![
            count_metric("Requests"),
            json!({"Name": "Latency", "Unit": "Milliseconds"}),
            count_metric("Errors4xx"),
            count_metric("Errors5xx"),
        ],
    )];
    directives.extend(event_directive(events, &mut root));
    root.insert(
        "_aws".into(),
        json!({"Timestamp": timestamp, "CloudWatchMetrics": directives}),
    );
    Value::Object(root)
}

fn emf_events(service: &str, events: EventCounts, timestamp: i64) -> Value {
    let mut root = Map::new();
    root.insert("Service".into(), service.into());
    let directives: Vec<Value> = event_directive(events, &mut root).into_iter().collect();
    root.insert(
        "_aws".into(),
        json!({"Timestamp": timestamp, "CloudWatchMetrics": directives}),
    );
    Value::Object(root)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::Router;
    use axum::body::Body;
    use axum::routing::get;
    use tower::ServiceExt as _;

    /// A writer the test keeps a handle to.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Captured {
        fn lines(&self) -> Vec<Value> {
            String::from_utf8(self.0.lock().unwrap().clone())
                .unwrap()
                .lines()
                .map(|line| serde_json::from_str(line).expect("each line is one JSON object"))
                .collect()
        }
    }

    fn router(metrics: &Metrics) -> Router {
        let counting = metrics.clone();
        Router::new()
            .route(
                "/things/{id}",
                get(move || async move {
                    counting.count(Event::TaskCreated);
                    counting.count(Event::TaskCreated);
                    "ok"
                }),
            )
            .route(
                "/broken",
                get(|| async { StatusCode::INTERNAL_SERVER_ERROR }),
            )
            .fallback(|| async { StatusCode::NOT_FOUND })
            .layer(axum::middleware::from_fn_with_state(metrics.clone(), track))
    }

    async fn send(app: Router, method: &str, path: &str) -> StatusCode {
        let request = Request::builder()
            .method(method)
            .uri(path)
            .body(Body::empty())
            .unwrap();
        app.oneshot(request).await.unwrap().status()
    }

    #[tokio::test]
    async fn a_request_becomes_one_emf_line_with_the_route_template_and_its_events() {
        let sink = Captured::default();
        let metrics = Metrics::with_writer(MetricsMode::Emf, Box::new(sink.clone()));

        let status = send(router(&metrics), "GET", "/things/4242").await;

        assert_eq!(status, StatusCode::OK);
        let lines = sink.lines();
        assert_eq!(lines.len(), 1);
        let line = &lines[0];
        assert_eq!(line["Route"], "/things/{id}");
        assert_eq!(line["Method"], "GET");
        assert_eq!(line["StatusClass"], "2xx");
        assert_eq!(line["Requests"], 1);
        assert_eq!(line["Errors4xx"], 0);
        assert_eq!(line["Errors5xx"], 0);
        assert_eq!(line["TasksCreated"], 2);
        assert!(line["Latency"].as_f64().unwrap() >= 0.0);
        let directives = line["_aws"]["CloudWatchMetrics"].as_array().unwrap();
        assert_eq!(directives.len(), 2);
        assert_eq!(
            directives[0]["Dimensions"],
            json!([["Service", "Route", "Method"], ["Service"]])
        );
        assert_eq!(directives[1]["Dimensions"], json!([["Service"]]));
        assert_eq!(
            directives[1]["Metrics"],
            json!([{"Name": "TasksCreated", "Unit": "Count"}])
        );
        assert!(
            !line.to_string().contains("4242"),
            "raw path leaked: {line}"
        );
    }

    #[tokio::test]
    async fn errors_are_classed_and_unknown_routes_and_methods_are_bounded() {
        let sink = Captured::default();
        let metrics = Metrics::with_writer(MetricsMode::Emf, Box::new(sink.clone()));

        send(router(&metrics), "GET", "/broken").await;
        send(router(&metrics), "GET", "/user/alice@example.com").await;
        send(router(&metrics), "BREW", "/things/1").await;

        let lines = sink.lines();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0]["Route"], "/broken");
        assert_eq!(lines[0]["StatusClass"], "5xx");
        assert_eq!(lines[0]["Errors5xx"], 1);
        assert_eq!(lines[0]["Errors4xx"], 0);
        assert_eq!(lines[1]["Route"], UNMATCHED);
        assert_eq!(lines[1]["Errors4xx"], 1);
        assert!(!lines[1].to_string().contains("alice"));
        assert_eq!(lines[2]["Method"], "OTHER");
        assert_eq!(lines[2]["Route"], "/things/{id}");
    }

    #[tokio::test]
    async fn an_event_outside_a_request_is_reported_on_its_own() {
        let sink = Captured::default();
        let metrics = Metrics::with_writer(MetricsMode::Emf, Box::new(sink.clone()));

        metrics.count(Event::SignIn);

        let lines = sink.lines();
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0]["SignIns"], 1);
        assert_eq!(lines[0]["Service"], SERVICE);
        assert!(lines[0].get("Route").is_none());
        assert_eq!(
            lines[0]["_aws"]["CloudWatchMetrics"],
            json!([{"Namespace": "Payday", "Dimensions": [["Service"]],
                    "Metrics": [{"Name": "SignIns", "Unit": "Count"}]}])
        );
    }

    #[tokio::test]
    async fn log_and_off_modes_write_nothing_to_the_sink() {
        for mode in [MetricsMode::Log, MetricsMode::Off] {
            let sink = Captured::default();
            let metrics = Metrics::with_writer(mode, Box::new(sink.clone()));

            send(router(&metrics), "GET", "/things/1").await;
            metrics.count(Event::SignUp);

            assert!(sink.lines().is_empty(), "{mode:?} wrote EMF");
        }
    }

    #[test]
    fn every_emf_metric_named_in_a_directive_has_a_value() {
        let mut events = EventCounts::default();
        for event in Event::ALL {
            events.add(event);
        }
        let record = RequestRecord {
            route: "/r".into(),
            method: "GET",
            status: StatusCode::OK,
            latency: Duration::from_micros(1500),
            request_id: Some("rid".into()),
            trace_id: None,
        };

        let line = emf_request(SERVICE, &record, events, 1_700_000_000_000);

        assert_eq!(line["_aws"]["Timestamp"], 1_700_000_000_000_i64);
        assert_eq!(line["Latency"], 1.5);
        assert_eq!(line["request_id"], "rid");
        assert!(line.get("trace_id").is_none());
        for directive in line["_aws"]["CloudWatchMetrics"].as_array().unwrap() {
            for metric in directive["Metrics"].as_array().unwrap() {
                let name = metric["Name"].as_str().unwrap();
                assert!(line[name].is_number(), "{name} has no value");
            }
            for set in directive["Dimensions"].as_array().unwrap() {
                for dimension in set.as_array().unwrap() {
                    assert!(line[dimension.as_str().unwrap()].is_string());
                }
            }
        }
    }
}

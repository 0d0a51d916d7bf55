//! The ceilings for `make bench`: the same stack as Payday (axum on a multi-threaded tokio runtime), with no
//! middleware, no auth and no store. Whatever Payday reaches is compared with what this reaches on the same
//! cores in the same run.
//!
//! Usage: `hello [ADDR] [BODY_FILE]` (default `127.0.0.1:3999`). `GET /` answers "hello". With `BODY_FILE`,
//! `GET /body` answers that file's bytes as JSON, read once at start: a response the size of a real one (the
//! 50-task list), so the cost of moving the bytes is separated from the cost of producing them.

use axum::http::header;
use axum::routing::get;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:3999".to_owned());
    let body = match args.next() {
        Some(path) => axum::body::Bytes::from(std::fs::read(path)?),
        None => axum::body::Bytes::new(),
    };
    let router = axum::Router::new()
        .route("/", get(|| async { "hello" }))
        .route(
            "/body",
            get(move || {
                let body = body.clone();
                async move { ([(header::CONTENT_TYPE, "application/json")], body) }
            }),
        );
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    eprintln!("hello listening on http://{addr}");
    axum::serve(listener, router).await
}

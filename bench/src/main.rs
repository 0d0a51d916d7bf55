//! The ceiling for `make bench`: the same stack as Payday (axum on a multi-threaded tokio runtime), with no
//! middleware, no auth and no store. Whatever Payday reaches is compared with what this reaches on the same
//! cores in the same run.
//!
//! Usage: `hello [ADDR]` (default `127.0.0.1:3999`).

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:3999".to_owned());
    let router = axum::Router::new().route("/", axum::routing::get(|| async { "hello" }));
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    eprintln!("hello listening on http://{addr}");
    axum::serve(listener, router).await
}

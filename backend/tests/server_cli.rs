//! The `server` binary's subcommands, run as processes.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn healthcheck(port: u16) -> bool {
    Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("healthcheck")
        .env("PAYDAY_ADDR", format!("0.0.0.0:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap()
        .success()
}

#[test]
fn healthcheck_exits_zero_only_when_the_server_answers() {
    let port = free_port();
    assert!(!healthcheck(port), "nothing is listening yet");
    let dir = tempfile::tempdir().unwrap();
    let mut server = Command::new(env!("CARGO_BIN_EXE_server"))
        .env("PAYDAY_ADDR", format!("127.0.0.1:{port}"))
        .env("PAYDAY_DATA_DIR", dir.path())
        .env("PAYDAY_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !healthcheck(port) {
        assert!(Instant::now() < deadline, "healthcheck never passed");
        std::thread::sleep(Duration::from_millis(100));
    }
    server.kill().unwrap();
    server.wait().unwrap();
}

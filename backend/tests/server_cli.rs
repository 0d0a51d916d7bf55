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

/// The README's configuration table and `server --help` describe the same settings: every `PAYDAY_*` variable
/// with its flag and default appears in both.
#[test]
fn readme_configuration_table_matches_the_settings() {
    use clap::Args as _;
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let mut rows = std::collections::BTreeMap::new();
    for line in readme.lines().filter(|l| l.starts_with("| `PAYDAY_")) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        rows.insert(
            cells[1].trim_matches('`').to_owned(),
            (cells[2].trim_matches('`').to_owned(), cells[3].to_owned()),
        );
    }
    let command = backend::config::Settings::augment_args(clap::Command::new("server"));
    let mut settings = std::collections::BTreeMap::new();
    for arg in command.get_arguments() {
        let Some(env) = arg.get_env() else { continue };
        let default: Vec<String> = arg
            .get_default_values()
            .iter()
            .map(|v| v.to_string_lossy().into_owned())
            .collect();
        settings.insert(
            env.to_string_lossy().into_owned(),
            (format!("--{}", arg.get_long().unwrap()), default),
        );
    }
    assert_eq!(
        rows.keys().collect::<Vec<_>>(),
        settings.keys().collect::<Vec<_>>(),
        "README table rows vs settings"
    );
    for (env, (flag, default)) in &settings {
        let (readme_flag, readme_default) = &rows[env];
        assert_eq!(readme_flag, flag, "{env}");
        if let [default] = default.as_slice() {
            assert_eq!(readme_default, &format!("`{default}`"), "{env}");
        }
    }
}

#[test]
fn cors_origins_are_trimmed_and_an_invalid_one_stops_the_server() {
    use clap::{Args as _, FromArgMatches as _};
    let command = backend::config::Settings::augment_args(clap::Command::new("server"));
    let matches = command
        .clone()
        .try_get_matches_from([
            "server",
            "--cors-origins",
            "http://app.example, https://b.example",
        ])
        .unwrap();
    let settings = backend::config::Settings::from_arg_matches(&matches).unwrap();
    assert_eq!(
        settings.cors_origins,
        ["http://app.example", "https://b.example"]
    );

    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_server"))
        .env("PAYDAY_ADDR", format!("127.0.0.1:{}", free_port()))
        .env("PAYDAY_DATA_DIR", dir.path())
        .env(
            "PAYDAY_CORS_ORIGINS",
            "https://ok.example, https://bad.example/path",
        )
        .output()
        .unwrap();
    assert!(!output.status.success(), "the server started");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("\"https://bad.example/path\" is not a CORS origin"),
        "{stderr}"
    );
}

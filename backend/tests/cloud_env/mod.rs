//! Test-server plumbing shared by the tests that run the real `server` binary or the cloud stores
//! (`store_contract`, `cloud_api`, `store_faults`, `reliability`, `soak`).
//!
//! `make test` (scripts/test.sh) starts moto (DynamoDB API) and SecantusDB (MongoDB wire protocol) on free
//! loopback ports and exports where they are, plus `PAYDAY_TEST_REQUIRE_CLOUD=1`. A plain `cargo test`
//! without them prints a notice and returns from the cloud cases; with `PAYDAY_TEST_REQUIRE_CLOUD` set, a
//! missing server is a failure, never a silent skip.

#![allow(dead_code)] // each test binary uses a different part

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The value of a test-server variable, or `None` (with a notice) when a plain `cargo test` runs without one.
pub fn test_server(var: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(value) if !value.is_empty() => Some(value),
        _ => {
            assert!(
                std::env::var_os("PAYDAY_TEST_REQUIRE_CLOUD").is_none(),
                "{var} is not set but PAYDAY_TEST_REQUIRE_CLOUD is: the cloud test servers are missing"
            );
            eprintln!(
                "NOTICE: {var} is not set, so this cloud-store test did not run. `make test` starts the test \
                 servers and runs it."
            );
            None
        }
    }
}

pub fn dynamodb_endpoint() -> Option<String> {
    test_server("PAYDAY_TEST_DYNAMODB_ENDPOINT")
}

pub fn mongodb_uri() -> Option<String> {
    test_server("PAYDAY_TEST_MONGODB_URI")
}

/// A fresh table / database name, so every test has its own and tests run in parallel.
pub fn unique_name(prefix: &str) -> String {
    format!("{prefix}_{}", uuid::Uuid::new_v4().simple())
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A DynamoDB store on `endpoint` with a fresh, created table. Test code only: production takes the
/// endpoint from `AWS_ENDPOINT_URL` through the standard chain.
pub async fn dynamodb_store(endpoint: &str) -> backend::store::dynamodb::DynamoStore {
    use aws_config::BehaviorVersion;
    use aws_sdk_dynamodb::config::{Credentials, Region};
    let loader = aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("test", "test", None, None, "test"));
    let store =
        backend::store::dynamodb::DynamoStore::with_loader(loader, unique_name("payday")).await;
    store.create_table().await.expect("create test table");
    store
}

/// A MongoDB store on `uri` in a fresh database (indexes created by `connect`).
pub async fn mongodb_store(uri: &str) -> backend::store::mongodb::MongoStore {
    backend::store::mongodb::MongoStore::connect(&uri.to_owned().into(), &unique_name("payday"))
        .await
        .expect("connect to the test MongoDB")
}

/// Which emulator a test starts for itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmulatorKind {
    /// `moto_server` (DynamoDB API).
    Moto,
    /// `secantusd-py` (MongoDB wire protocol), persisting to a directory so a restart keeps the data.
    Secantus,
}

/// An emulator process owned by one test (fault tests stop and restart it without disturbing others).
pub struct Emulator {
    kind: EmulatorKind,
    binary: String,
    pub port: u16,
    child: Option<Child>,
    data: tempfile::TempDir,
}

impl Emulator {
    /// Starts one on a free port, or returns `None` (with a notice) without the test servers' binaries.
    pub fn start(kind: EmulatorKind) -> Option<Emulator> {
        let var = match kind {
            EmulatorKind::Moto => "PAYDAY_TEST_MOTO_SERVER",
            EmulatorKind::Secantus => "PAYDAY_TEST_SECANTUSD",
        };
        let binary = test_server(var)?;
        let mut emulator = Emulator {
            kind,
            binary,
            port: free_port(),
            child: None,
            data: tempfile::tempdir().unwrap(),
        };
        emulator.spawn();
        Some(emulator)
    }

    pub fn endpoint(&self) -> String {
        match self.kind {
            EmulatorKind::Moto => format!("http://127.0.0.1:{}", self.port),
            EmulatorKind::Secantus => format!("mongodb://127.0.0.1:{}", self.port),
        }
    }

    fn spawn(&mut self) {
        let port = self.port.to_string();
        let mut command = Command::new(&self.binary);
        match self.kind {
            EmulatorKind::Moto => command.args(["-H", "127.0.0.1", "-p", &port]),
            EmulatorKind::Secantus => command
                .args(["--host", "127.0.0.1", "--port", &port, "--storage-path"])
                .arg(self.data.path().join("db")),
        };
        let child = command
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start emulator");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "{:?} did not listen on {}",
                self.kind,
                self.port
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn signal(&self, signal: &str) {
        let pid = self.child.as_ref().expect("running").id();
        let status = Command::new("kill")
            .args([signal, &pid.to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill {signal} {pid}");
    }

    /// Freezes the process (SIGSTOP): connections open, nothing answers — a hung store. Returns once every
    /// thread is stopped (signal delivery is asynchronous).
    pub fn freeze(&self) {
        self.signal("-STOP");
        let pid = self.child.as_ref().expect("running").id();
        let deadline = Instant::now() + Duration::from_secs(5);
        while !all_threads_stopped(pid) {
            assert!(Instant::now() < deadline, "process {pid} did not stop");
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Lets a frozen process run again (SIGCONT).
    pub fn thaw(&self) {
        self.signal("-CONT");
    }

    /// Kills the process (SIGKILL): a store that is down.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts it again on the same port (a SecantusDB restart keeps its data directory; moto starts empty).
    pub fn restart(&mut self) {
        self.kill();
        self.spawn();
    }
}

/// True when every thread of `pid` is in state `T` (stopped), per `/proc/<pid>/task/*/stat`.
fn all_threads_stopped(pid: u32) -> bool {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return false;
    };
    tasks.flatten().all(|task| {
        std::fs::read_to_string(task.path().join("stat")).is_ok_and(|stat| {
            // The state follows the parenthesised command name, which may itself contain spaces.
            stat.rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().next())
                .is_some_and(|state| state == "T" || state == "t")
        })
    })
}

impl Drop for Emulator {
    fn drop(&mut self) {
        // SIGKILL also ends a frozen (SIGSTOPped) process.
        self.kill();
    }
}

/// The real `server` binary, configured only through environment variables.
pub struct Server {
    child: Child,
    pub base: String,
    _data: tempfile::TempDir,
}

impl Server {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The environment that selects a cloud backend, exactly as an operator would set it.
pub fn store_env(kind: &str, endpoint: &str, name: &str) -> Vec<(String, String)> {
    let pairs: Vec<(&str, &str)> = match kind {
        "dynamodb" => vec![
            ("PAYDAY_STORE", "dynamodb"),
            ("PAYDAY_DYNAMODB_TABLE", name),
            ("AWS_ENDPOINT_URL", endpoint),
            ("AWS_ACCESS_KEY_ID", "test"),
            ("AWS_SECRET_ACCESS_KEY", "test"),
            ("AWS_REGION", "us-east-1"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
        ],
        "mongodb" => vec![
            ("PAYDAY_STORE", "mongodb"),
            ("PAYDAY_MONGODB_URI", endpoint),
            ("PAYDAY_MONGODB_DATABASE", name),
        ],
        other => panic!("unknown store {other}"),
    };
    pairs
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

fn server_command(env: &[(String, String)], data: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
    command
        .env("PAYDAY_DATA_DIR", data)
        .env("PAYDAY_LOG", "warn")
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdout(Stdio::null())
        .stderr(if std::env::var_os("TEST_LOG").is_some() {
            Stdio::inherit()
        } else {
            Stdio::null()
        });
    command
}

/// Runs `server init-store` (twice: it must be idempotent), then starts `server` and waits for `/readyz`.
pub async fn start_server(env: &[(String, String)]) -> Server {
    let data = tempfile::tempdir().unwrap();
    for _ in 0..2 {
        let status = server_command(env, data.path())
            .arg("init-store")
            .status()
            .expect("run server init-store");
        assert!(status.success(), "server init-store failed");
    }
    let port = free_port();
    let child = server_command(env, data.path())
        .env("PAYDAY_ADDR", format!("127.0.0.1:{port}"))
        .spawn()
        .expect("start server binary");
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(response) = client.get(format!("{base}/readyz")).send().await
            && response.status().is_success()
        {
            break;
        }
        assert!(Instant::now() < deadline, "server did not become ready");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Server {
        child,
        base,
        _data: data,
    }
}

/// Registers `email` (password "correct horse battery") through the API and signs in; returns the access token.
pub async fn sign_in(client: &reqwest::Client, server: &Server, email: &str) -> String {
    let credentials = serde_json::json!({"email": email, "password": "correct horse battery"});
    let registered = client
        .post(format!("{}/api/v1/auth/register", server.base))
        .json(&credentials)
        .send()
        .await
        .unwrap();
    assert_eq!(registered.status(), reqwest::StatusCode::CREATED);
    let tokens: serde_json::Value = client
        .post(format!("{}/api/v1/auth/login", server.base))
        .json(&credentials)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    tokens["access_token"].as_str().unwrap().to_owned()
}

//! Test harness for the `stackdef` CLI end-to-end tests: starts a local CloudFormation API
//! (moto server or LocalStack core in host mode) on 127.0.0.1 on a free port, from its
//! pinned virtualenv under `target/` (created first when missing; LocalStack's
//! requirements are `localstack-requirements.txt` beside this file), runs the real
//! `stackdef` binary against it with `AWS_ENDPOINT_URL`, and stops it by PID (SIGTERM,
//! then SIGKILL).

#![allow(dead_code)]

pub mod fixtures;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use stackdef_tests::python::{self, PythonTool};

/// Emulator tests in one binary run one at a time (they would contend for 2 cores).
static SERIAL: Mutex<()> = Mutex::new(());

/// Takes the per-binary emulator lock.
pub fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// The workspace root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the stackdef-cli crate lives inside the workspace")
        .to_path_buf()
}

/// The virtualenv of `tool`, installed first when missing; when it cannot be, the test
/// fails with the sentence that says why and what to install.
fn venv(tool: &PythonTool) -> PathBuf {
    tool.ensure(&repo_root()).unwrap_or_else(|e| panic!("{e}"))
}

fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind a free port on 127.0.0.1");
    l.local_addr().expect("local address").port()
}

/// `GET path` on 127.0.0.1:port; the status code, if anything answered.
pub fn http_get(port: u16, path: &str) -> Option<u16> {
    let mut s =
        TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_millis(500))
            .ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n\r\n").ok()?;
    let mut buf = [0u8; 64];
    let n = s.read(&mut buf).ok()?;
    let head = String::from_utf8_lossy(&buf[..n]);
    head.split_whitespace().nth(1)?.parse().ok()
}

/// Which emulator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// moto server.
    Moto,
    /// LocalStack community core, host mode.
    LocalStack,
}

/// A running emulator, stopped on drop.
pub struct Emulator {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
    /// Which one.
    pub kind: Kind,
    _dir: tempfile::TempDir,
}

impl Emulator {
    /// Starts moto server from `target/moto-venv` (`moto[server]==5.2.1`).
    pub fn moto() -> Emulator {
        let moto_server = venv(&python::MOTO).join("bin/moto_server");
        let dir = tempfile::tempdir().expect("temp dir");
        let port = free_port();
        let child = Command::new(&moto_server)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start moto_server");
        let emu = Emulator {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
            kind: Kind::Moto,
            _dir: dir,
        };
        emu.wait_ready(port, "/moto-api/", Duration::from_secs(30));
        emu
    }

    /// Starts LocalStack core in host mode from `target/localstack-venv` (a Python 3.13
    /// virtualenv filled from `localstack-requirements.txt`; ~1 min once).
    pub fn localstack() -> Emulator {
        let python = venv(&python::LOCALSTACK).join("bin/python");
        let dir = tempfile::tempdir().expect("temp dir");
        let port = free_port();
        let log = std::fs::File::create(dir.path().join("localstack.log")).expect("log file");
        let child = Command::new(&python)
            .args(["-m", "localstack.runtime.main"])
            .env("GATEWAY_LISTEN", format!("127.0.0.1:{port}"))
            .env("GATEWAY_SERVER", "hypercorn")
            .env("DNS_ADDRESS", "0")
            .env("OVERRIDE_IN_DOCKER", "0")
            .env("FILESYSTEM_ROOT", dir.path())
            .env("DISABLE_EVENTS", "1")
            .env("SKIP_SSL_CERT_DOWNLOAD", "1")
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log file"))
            .stderr(log)
            .spawn()
            .expect("start LocalStack");
        let emu = Emulator {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
            kind: Kind::LocalStack,
            _dir: dir,
        };
        emu.wait_ready(port, "/_localstack/health", Duration::from_secs(90));
        emu
    }

    fn wait_ready(&self, port: u16, path: &str, limit: Duration) {
        let start = Instant::now();
        while start.elapsed() < limit {
            if http_get(port, path) == Some(200) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!(
            "{:?} did not answer on {} within {limit:?}",
            self.kind, self.endpoint
        );
    }

    /// The `stackdef` binary with this emulator's endpoint and dummy credentials.
    pub fn stackdef(&self) -> Command {
        let mut cmd = stackdef_cmd();
        cmd.env("AWS_ENDPOINT_URL", &self.endpoint)
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_REGION", "us-east-1");
        cmd
    }

    /// Runs `stackdef ARGS` against this emulator.
    pub fn run(&self, args: &[&str]) -> Run {
        Run::of(self.stackdef().args(args))
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(10) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The `stackdef` binary with a clean environment: no colours, no profile, no stdin.
pub fn stackdef_cmd() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_stackdef"));
    cmd.env("NO_COLOR", "1")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ENDPOINT_URL")
        .env("AWS_CONFIG_FILE", "/nonexistent/stackdef-test-config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/stackdef-test-credentials",
        )
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .stdin(Stdio::null());
    cmd
}

/// A finished `stackdef` run.
#[derive(Debug)]
pub struct Run {
    /// Exit code (-1 when killed).
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
    /// Wall time.
    pub elapsed: Duration,
}

impl Run {
    /// Runs `cmd` to completion.
    pub fn of(cmd: &mut Command) -> Run {
        let start = Instant::now();
        let out: Output = cmd.output().expect("run stackdef");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            elapsed: start.elapsed(),
        }
    }

    /// Asserts the exit code, showing the output when it differs.
    #[track_caller]
    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "unexpected exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Standard output parsed as JSON.
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\n--- stderr\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

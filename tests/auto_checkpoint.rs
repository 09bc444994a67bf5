//! The automatic checkpoint thread (spec §8.6): the timelines that Arkouda's
//! tests/optioned-server/auto-checkpoints.py asserts, with its sleeps and its
//! polling (10 x 0.1 s), plus the save at shutdown and how failures show.

mod common;

use std::fs;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::thread::sleep;
use std::time::Duration;

use common::{Client, Server, to_ndarray, upload};
use serde_json::Value;

/// The timelines allow ~0.5 s of slack, as Arkouda's do; on a small machine
/// the tests of this file would eat it if they ran in parallel, so each holds
/// this lock.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

const NAME: &str = "auto_checkpoint";
const POLLS: usize = 30;
const PREV: &str = "auto_checkpoint.prev";

fn secs(s: f64) {
    sleep(Duration::from_secs_f64(s));
}

/// `ak.zeros(n)`: create<float64,1>.
fn zeros(c: &Client, n: usize) -> String {
    common::create(c, "float64", n)
}

/// `ak.ones(n)`: create, then set to 1.
fn ones(c: &Client, n: usize) -> String {
    let name = zeros(c, n);
    c.cmd(
        "set<float64,1>",
        &[
            ("array", "str", &name),
            ("dtype", "str", "float64"),
            ("val", "str", "1"),
        ],
    )
    .expect_normal("");
    name
}

/// The test's `directory_exists_delayed(path, n)`. Arkouda's test polls 10
/// times; we poll up to `POLLS` times: the poll returns as soon as the
/// directory appears, so the longer window only tolerates a save that a
/// loaded 2-core CI machine finishes late, and the negative checks (nothing
/// before the idle time or within the interval) keep their exact timing.
fn exists_delayed(path: &Path, num_delays: usize) -> bool {
    for _ in 0..num_delays {
        if path.is_dir() {
            return true;
        }
        secs(0.1);
    }
    path.is_dir()
}

fn wait_for_async_activity(c: &Client) {
    c.cmd("wait_for_async_activity", &[])
        .expect_normal("completed");
}

fn load(c: &Client, path: &str, name: &str) {
    c.cmd(
        "load_checkpoint",
        &[("name", "str", name), ("path", "str", path)],
    )
    .expect_normal(name);
}

#[test]
fn idle_time_and_interval() {
    let _serial = serial();
    let server = Server::builder()
        .args(&["--checkpointIdleTime=1", "--checkpointInterval=3"])
        .start();
    let c = server.client();
    let dir = server.cwd().join(".akdata").join(NAME);
    let prev = server.cwd().join(".akdata").join(PREV);

    ones(&c, 100);
    secs(0.5);
    assert!(!dir.exists(), "no checkpoint before the idle time");
    secs(1.0);
    assert!(
        exists_delayed(&dir, POLLS),
        "a checkpoint after the idle time"
    );
    wait_for_async_activity(&c);
    fs::remove_dir_all(&dir).unwrap();

    ones(&c, 100);
    secs(2.0);
    assert!(!dir.exists(), "no checkpoint within the interval");
    secs(1.0);
    assert!(
        exists_delayed(&dir, POLLS),
        "a checkpoint once the interval is over"
    );
    wait_for_async_activity(&c);

    ones(&c, 100);
    secs(1.0);
    assert!(dir.exists());
    assert!(!prev.exists(), "no rotation within the interval");
    secs(1.0);
    assert!(
        exists_delayed(&prev, POLLS),
        "the previous one moved to .prev"
    );
    wait_for_async_activity(&c);
    assert!(dir.exists());
    load(&c, ".akdata", NAME);
    load(&c, ".akdata", PREV);
}

#[test]
fn memory_percentage() {
    let _serial = serial();
    // A small memory limit, so that 5 % of it is a small array.
    let server = Server::builder()
        .args(&[
            "--checkpointMemPct=5",
            "--checkpointMemPctDelay=1",
            "--checkpointInterval=1",
            "--memMax=20000000",
        ])
        .start();
    let c = server.client();
    let dir = server.cwd().join(".akdata").join(NAME);

    let avail = common::mem_avail(&c, 1, false) as usize;
    zeros(&c, 100);
    secs(2.5);
    assert!(!dir.exists(), "no checkpoint below the memory threshold");
    zeros(&c, avail / 140);
    secs(1.5);
    assert!(
        exists_delayed(&dir, POLLS),
        "a checkpoint above the threshold"
    );
    wait_for_async_activity(&c);
    fs::remove_dir_all(&dir).unwrap();
    secs(2.5);
    assert!(!dir.exists(), "no new checkpoint without activity");
    zeros(&c, 100);
    secs(1.5);
    assert!(
        exists_delayed(&dir, POLLS),
        "a new checkpoint after activity"
    );
    load(&c, ".akdata", NAME);
}

#[test]
fn no_checkpoint_without_notable_activity() {
    let _serial = serial();
    let server = Server::builder()
        .args(&["--checkpointIdleTime=1", "--checkpointCheckInterval=1"])
        .start();
    let c = server.client();
    // Special commands neither end the idle period nor count as activity.
    c.cmd("ruok", &[]).expect_normal("imok");
    secs(2.5);
    assert!(!server.cwd().join(".akdata").exists());
}

fn status(server: &Server) -> Value {
    let msg = server
        .status_client()
        .cmd("serverstatus", &[])
        .normal()
        .to_string();
    serde_json::from_str::<Value>(&msg).unwrap()["last_checkpoint"].clone()
}

fn metric(server: &Server, category: &str, name: &str) -> f64 {
    let reply = server
        .metrics_client()
        .cmd("metrics", &[("category", "str", category)]);
    reply
        .msg_json()
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == name)
        .and_then(|m| m["value"].as_f64())
        .unwrap_or(0.0)
}

#[test]
fn automatic_saves_show_in_status_and_metrics() {
    let _serial = serial();
    let server = Server::builder()
        .side_daemons()
        .args(&["--checkpointIdleTime=1"])
        .start();
    let c = server.client();
    zeros(&c, 10);
    assert!(common::wait_until(Duration::from_secs(10), || {
        status(&server)["outcome"] == "ok"
    }));
    let last = status(&server);
    assert_eq!(last["name"], NAME);
    assert_eq!(last["path"], ".akdata/auto_checkpoint");
    assert_eq!(metric(&server, "NUM_REQUESTS", "auto_checkpoint"), 1.0);
    assert_eq!(metric(&server, "NUM_ERRORS", "auto_checkpoint"), 0.0);
    assert!(server.stdout().contains(
        "starting autoCheckpoint: server was idle for over 1 seconds; saving into .akdata/auto_checkpoint"
    ));
}

#[test]
fn automatic_save_failures_are_logged_and_counted() {
    let _serial = serial();
    let server = Server::builder()
        .side_daemons()
        .args(&["--checkpointIdleTime=1", "--checkpointPath=no/such/dir"])
        .start();
    let c = server.client();
    zeros(&c, 10);
    assert!(common::wait_until(Duration::from_secs(10), || {
        metric(&server, "NUM_ERRORS", "auto_checkpoint") >= 1.0
    }));
    let failure = "IOError: cannot create the checkpoint directory no/such/dir: No such file or directory (os error 2)";
    assert_eq!(status(&server)["outcome"], format!("failed: {failure}"));
    assert!(
        server.stdout().contains(&format!(
            "ERROR [Rust] checkpoint save into no/such/dir/auto_checkpoint failed: {failure}"
        )),
        "{}",
        server.stdout()
    );
    // The server carries on.
    zeros(&c, 1);
}

// ---------------------------------------------------------------------------
// --checkpointOnShutdown
// ---------------------------------------------------------------------------

fn shutdown_server(base: &Path) -> Server {
    Server::builder()
        .args(&[
            "--checkpointOnShutdown",
            &format!("--checkpointPath={}", base.display()),
        ])
        .start()
}

/// Loads the automatic checkpoint under `base` into a fresh server and checks
/// it holds exactly `name` with `bytes`.
fn check_saved(base: &Path, name: &str, bytes: &[u8]) {
    let server = Server::start();
    let c = server.client();
    load(&c, base.to_str().unwrap(), NAME);
    assert_eq!(to_ndarray(&c, "int64", name), bytes);
}

#[test]
fn shutdown_and_sigterm_save_when_something_changed() {
    let _serial = serial();
    let tmp = tempfile::tempdir().unwrap();
    for how in ["shutdown", "SIGTERM"] {
        let base = tmp.path().join(how);
        let mut server = shutdown_server(&base);
        let c = server.client();
        let bytes: Vec<u8> = (0..1000i64)
            .flat_map(|i| (i * i - 7).to_le_bytes())
            .collect();
        let name = upload(&c, "int64", 1000, &bytes);
        if how == "shutdown" {
            c.string_cmd("shutdown").normal();
        } else {
            server.signal(libc::SIGTERM);
        }
        server.expect_clean_exit();
        assert!(
            server.stdout().contains("saving a checkpoint at shutdown"),
            "{}",
            server.stdout()
        );
        check_saved(&base, &name, &bytes);
    }
}

#[test]
fn shutdown_saves_nothing_when_nothing_changed() {
    let _serial = serial();
    let tmp = tempfile::tempdir().unwrap();
    // Nothing ever created.
    let base = tmp.path().join("empty");
    let mut server = shutdown_server(&base);
    server.client().string_cmd("shutdown").normal();
    server.expect_clean_exit();
    assert!(!base.join(NAME).exists());

    // Everything already saved by the client.
    let base = tmp.path().join("saved");
    let mut server = shutdown_server(&base);
    let c = server.client();
    zeros(&c, 10);
    c.cmd(
        "save_checkpoint",
        &[
            ("name", "str", "mine"),
            ("path", "str", base.to_str().unwrap()),
            ("mode", "str", "overwrite"),
        ],
    )
    .expect_normal("mine");
    c.string_cmd("shutdown").normal();
    server.expect_clean_exit();
    assert!(base.join("mine").exists());
    assert!(!base.join(NAME).exists());
    assert!(
        server
            .stdout()
            .contains("no checkpoint at shutdown: nothing changed since the last one")
    );
}

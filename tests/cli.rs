//! Command-line handling: Chapel-style flag syntax (`--name=value`,
//! `--name value`, bare booleans, `-p`, `-nl`), `--help`/`--about`, exit code 2
//! with a one-line message for bad flags, the `--config` TOML file and the
//! precedence flag > env > file > default, and start-up failure on a busy port.

mod common;

use std::fs;
use std::net::TcpListener;

use common::*;
use serde_json::json;
use tempfile::TempDir;

/// Runs the server with one bad flag and checks exit code 2 plus a single
/// stderr line naming `flag`.
fn expect_rejected(bad: &str, flag: &str) {
    let io = TempDir::new().unwrap();
    let port = free_port().to_string();
    let conn = format!("--serverConnectionInfo={}/conn", io.path().display());
    let mut args = vec!["--trace=false", conn.as_str(), bad];
    let port_arg = format!("--ServerPort={port}");
    if !bad.starts_with("--ServerPort") {
        args.push(&port_arg);
    }
    let done = run_to_exit(&args, &[]);
    assert_eq!(
        done.status.code(),
        Some(2),
        "{bad}: exit status {:?}, stderr {:?}",
        done.status,
        done.stderr
    );
    let lines: Vec<&str> = done.stderr.trim_end().lines().collect();
    assert_eq!(
        lines.len(),
        1,
        "{bad}: stderr is not one line: {:?}",
        done.stderr
    );
    assert!(
        lines[0].contains(flag),
        "{bad}: stderr does not name {flag}: {:?}",
        lines[0]
    );
    assert!(
        !io.path().join("conn").exists(),
        "{bad}: connection file written"
    );
}

#[test]
fn help_lists_every_flag() {
    let done = run_to_exit(&["--help"], &[]);
    assert_eq!(done.status.code(), Some(0), "stderr: {}", done.stderr);
    for flag in [
        "ServerPort",
        "checkpointIdleTime",
        "checkpointInterval",
        "checkpointMemPct",
        "checkpointMemPctDelay",
        "logLevel",
        "authenticate",
        "trace",
        "logChannel",
        "logCommands",
        "serverConnectionInfo",
        "autoShutdown",
        "serverInfoNoSplash",
        "memMax",
    ] {
        assert!(
            done.stdout.contains(&format!("--{flag}=")),
            "--help does not list --{flag}=:\n{}",
            done.stdout
        );
    }
}

#[test]
fn about_reports_a_single_locale_build() {
    let done = run_to_exit(&["--about"], &[]);
    assert_eq!(done.status.code(), Some(0), "stderr: {}", done.stderr);
    assert!(
        done.stdout.lines().any(|l| l.contains("CHPL_COMM: none")),
        "--about lacks CHPL_COMM: none:\n{}",
        done.stdout
    );
}

#[test]
fn unknown_flag_exits_2() {
    expect_rejected("--bogus", "bogus");
}

#[test]
fn non_numeric_port_exits_2() {
    expect_rejected("--ServerPort=abc", "ServerPort");
}

#[test]
fn bad_log_level_exits_2() {
    expect_rejected("--logLevel=LOUD", "logLevel");
}

#[test]
fn bad_daemon_type_exits_2() {
    expect_rejected("--ServerDaemon.daemonTypes=DEFAULT,BOGUS", "daemonTypes");
}

#[test]
fn bad_boolean_exits_2() {
    expect_rejected("--authenticate=maybe", "authenticate");
}

#[test]
fn single_locale_flags_are_accepted() {
    for nl in [&["-nl", "1"][..], &["-nl1"][..]] {
        let server = Server::builder().args(nl).start();
        let cfg = server.client().cmd("getconfig", &[]).msg_json();
        assert_eq!(cfg["numLocales"], json!(1), "{nl:?}");
    }
}

#[test]
fn two_locales_are_rejected() {
    let io = TempDir::new().unwrap();
    let port = format!("--ServerPort={}", free_port());
    let conn = format!("--serverConnectionInfo={}/conn", io.path().display());
    let done = run_to_exit(&[&port, "--trace=false", &conn, "-nl", "2"], &[]);
    assert_ne!(
        done.status.code(),
        Some(0),
        "-nl 2 accepted: {:?}",
        done.status
    );
    assert!(
        done.status.code().is_some(),
        "-nl 2 crashed: {:?}",
        done.status
    );
}

#[test]
fn short_port_and_space_separated_values() {
    let server = Server::builder()
        .raw()
        .args(&[
            "-p",
            "{port}",
            "--trace=false",
            "--serverConnectionInfo",
            "{conn}",
            "--logLevel",
            "LogLevel.DEBUG",
        ])
        .start();
    let c = server.client();
    c.string_cmd("connect").expect_normal(&format!(
        "connected to arkouda server tcp://*:{}",
        server.port
    ));
    let cfg = c.cmd("getconfig", &[]).msg_json();
    assert_eq!(cfg["ServerPort"], json!(server.port));
    assert_eq!(cfg["logLevel"], "DEBUG");
}

#[test]
fn boolean_flags_take_bare_and_explicit_forms() {
    let server = Server::builder()
        .args(&[
            "--autoShutdown",
            "--serverInfoNoSplash=true",
            "--authenticate=false",
        ])
        .start();
    let cfg = server.client().cmd("getconfig", &[]).msg_json();
    assert_eq!(cfg["autoShutdown"], true);
    assert_eq!(cfg["serverInfoNoSplash"], true);
    assert_eq!(cfg["authenticate"], false);

    let server = Server::builder().args(&["--autoShutdown=false"]).start();
    let cfg = server.client().cmd("getconfig", &[]).msg_json();
    assert_eq!(cfg["autoShutdown"], false);
}

#[test]
fn enum_flags_take_bare_and_qualified_values() {
    for (args, level, channel) in [
        (
            &["--logLevel=DEBUG", "--logChannel=FILE"][..],
            "DEBUG",
            "FILE",
        ),
        (&["--logLevel=LogLevel.DEBUG"][..], "DEBUG", "CONSOLE"),
        (
            &[
                "--logLevel=LogLevel.ERROR",
                "--logChannel=LogChannel.CONSOLE",
            ][..],
            "ERROR",
            "CONSOLE",
        ),
    ] {
        let server = Server::builder().args(args).start();
        let cfg = server.client().cmd("getconfig", &[]).msg_json();
        assert_eq!(cfg["logLevel"], level, "{args:?}");
        assert_eq!(cfg["logChannel"], channel, "{args:?}");
    }
}

#[test]
fn config_file_sets_the_same_keys() {
    let server = Server::builder()
        .raw()
        .io_file(
            "server.toml",
            "ServerPort = {port}\ntrace = false\nlogLevel = \"DEBUG\"\nautoShutdown = true\nserverConnectionInfo = \"{io}/fromfile\"\n",
        )
        .args(&["--config", "{io}/server.toml"])
        .ready_file("{io}/fromfile")
        .start();
    let host = hostname();
    let p = server.port;
    assert_eq!(
        fs::read_to_string(server.io().join("fromfile")).unwrap(),
        format!("{host} {p} tcp://{host}:{p}\n")
    );
    let cfg = server.client().cmd("getconfig", &[]).msg_json();
    assert_eq!(cfg["ServerPort"], json!(p));
    assert_eq!(cfg["logLevel"], "DEBUG");
    assert_eq!(cfg["autoShutdown"], true);
}

#[test]
fn flags_override_the_config_file() {
    let server = Server::builder()
        .io_file(
            "server.toml",
            "ServerPort = {metrics_port}\nlogLevel = \"DEBUG\"\nautoShutdown = true\n",
        )
        .args(&["--config", "{io}/server.toml", "--logLevel=LogLevel.WARN"])
        .start();
    let cfg = server.client().cmd("getconfig", &[]).msg_json();
    assert_eq!(cfg["ServerPort"], json!(server.port));
    assert_eq!(cfg["logLevel"], "WARN");
    // keys the flags leave alone still come from the file
    assert_eq!(cfg["autoShutdown"], true);
    assert!(
        port_is_free(server.metrics_port),
        "file port bound despite the flag"
    );
}

#[test]
fn env_overrides_the_config_file() {
    let server = Server::builder()
        .raw()
        .io_file("server.toml", "serverConnectionInfo = \"{io}/fromfile\"\n")
        .env("ARKOUDA_SERVER_CONNECTION_INFO", "{io}/fromenv")
        .args(&[
            "--config",
            "{io}/server.toml",
            "--ServerPort={port}",
            "--trace=false",
        ])
        .ready_file("{io}/fromenv")
        .start();
    server.client().cmd("ruok", &[]).expect_normal("imok");
    assert!(
        !server.io().join("fromfile").exists(),
        "file value used over env"
    );
}

#[test]
fn flags_override_the_environment() {
    let server = Server::builder()
        .io_file("server.toml", "serverConnectionInfo = \"{io}/fromfile\"\n")
        .env("ARKOUDA_SERVER_CONNECTION_INFO", "{io}/fromenv")
        .args(&["--config", "{io}/server.toml"])
        .start();
    server.client().cmd("ruok", &[]).expect_normal("imok");
    assert!(server.conn_file().exists());
    assert!(
        !server.io().join("fromenv").exists(),
        "env value used over flag"
    );
    assert!(
        !server.io().join("fromfile").exists(),
        "file value used over flag"
    );
}

#[test]
fn busy_port_makes_start_fail() {
    let listener = TcpListener::bind(("0.0.0.0", 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    let io = TempDir::new().unwrap();
    let port_arg = format!("--ServerPort={port}");
    let conn = format!("--serverConnectionInfo={}/conn", io.path().display());
    let done = run_to_exit(&[&port_arg, "--trace=false", &conn], &[]);
    assert_ne!(done.status.code(), Some(0), "started on a busy port");
    assert!(done.status.code().is_some(), "crashed: {:?}", done.status);
    assert!(
        done.stderr.contains(&port.to_string()),
        "stderr does not name port {port}: {:?}",
        done.stderr
    );
    assert!(!io.path().join("conn").exists(), "connection file written");
    drop(listener);
}

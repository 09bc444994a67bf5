//! Token authentication (`--authenticate`): token creation and reuse
//! (`.arkouda/tokens.txt`, mode 0600, env `ARKOUDA_SERVER_TOKEN`), the token in
//! the connection-info file, exact rejection texts for missing and wrong
//! tokens on all three ports (including `shutdown`), and that commands.log
//! never records the token.

mod common;

use std::fs;
use std::os::unix::fs::PermissionsExt;

use common::*;

fn auth_server() -> Server {
    Server::builder().arg("--authenticate").start()
}

#[test]
fn token_file_and_connection_info_carry_a_fresh_token() {
    let server = auth_server();
    let path = server.cwd().join(".arkouda/tokens.txt");
    let text = fs::read_to_string(&path).expect("tokens.txt created");
    let token = text
        .strip_suffix('\n')
        .expect("token line ends with newline");
    assert_eq!(token.len(), 31, "token {token:?}");
    assert!(
        token.bytes().all(|b| b.is_ascii_alphanumeric()),
        "token {token:?}"
    );
    assert!(
        !token.contains('\n'),
        "tokens.txt has more than one line: {text:?}"
    );
    let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "tokens.txt mode {mode:o}");
    let host = hostname();
    let p = server.port;
    assert_eq!(
        fs::read_to_string(server.conn_file()).unwrap(),
        format!("{host} {p} tcp://{host}:{p}?token={token}\n")
    );
    // two servers do not share a token
    let other = auth_server();
    assert_ne!(other.token(), token);
}

#[test]
fn the_right_token_is_accepted() {
    let server = auth_server();
    let token = server.token();
    let c = server.client().with_token(&token);
    c.string_cmd("connect").expect_normal(&format!(
        "connected to arkouda server tcp://*:{} as user {USER} with token {token}",
        server.port
    ));
    c.cmd("ruok", &[]).expect_normal("imok");
    let cfg = c.cmd("getconfig", &[]).msg_json();
    assert_eq!(cfg["authenticate"], true);
    let name = create(&c, "int64", 3);
    assert_eq!(info_all(&c), format!("[{}]", info_entry(&name, "int64", 3)));
}

#[test]
fn a_missing_token_is_rejected() {
    let server = auth_server();
    let c = server.client();
    let reply = c.string_cmd("connect");
    assert_eq!(
        reply.text(),
        r#"{"msg":"Error: access to arkouda requires a token", "msgType":"ERROR", "msgFormat":"STRING", "user":"testuser", "payload":""}"#
    );
    c.cmd("ruok", &[])
        .expect_error("Error: access to arkouda requires a token");
    // the literal None the Python client may send counts as no token
    let none = server.client().with_token("None");
    none.cmd("ruok", &[])
        .expect_error("Error: access to arkouda requires a token");
}

#[test]
fn a_wrong_token_is_rejected_and_nothing_runs() {
    let server = auth_server();
    let token = server.token();
    let c = server
        .client()
        .with_token("not-the-token")
        .with_user("mallory");
    let reply = c.cmd("create<int64,1>", &[("shape", "int64", "5")]);
    reply.expect_error(
        "Error: token not-the-token does not match server token, check with server owner",
    );
    assert_eq!(reply.user(), "mallory");
    // case matters
    let upper = server.client().with_token(&token.to_uppercase());
    if token.to_uppercase() != token {
        upper.cmd("ruok", &[]).error();
    }
    let good = server.client().with_token(&token);
    assert_eq!(info_all(&good), "[]", "the rejected create ran");
}

#[test]
fn a_wrong_token_cannot_shut_the_server_down() {
    let mut server = auth_server();
    let token = server.token();
    let bad = server.client().with_token("wrong");
    bad.string_cmd("shutdown")
        .expect_error("Error: token wrong does not match server token, check with server owner");
    server
        .client()
        .string_cmd("shutdown")
        .expect_error("Error: access to arkouda requires a token");
    assert!(
        server.is_running(),
        "server stopped after a rejected shutdown"
    );
    let good = server.client().with_token(&token);
    good.cmd("ruok", &[]).expect_normal("imok");
    let reply = good.string_cmd("shutdown");
    reply.expect_normal("shutdown server (4 req)");
    server.expect_clean_exit();
}

#[test]
fn an_existing_token_file_wins_over_the_environment() {
    let server = Server::builder()
        .arg("--authenticate")
        .cwd_file(".arkouda/tokens.txt", b"oldToken1\nCurrentToken42\n")
        .env("ARKOUDA_SERVER_TOKEN", "envToken7")
        .start();
    let c = server.client().with_token("CurrentToken42");
    c.cmd("ruok", &[]).expect_normal("imok");
    server
        .client()
        .with_token("envToken7")
        .cmd("ruok", &[])
        .expect_error(
            "Error: token envToken7 does not match server token, check with server owner",
        );
    server
        .client()
        .with_token("oldToken1")
        .cmd("ruok", &[])
        .error();
    assert_eq!(
        fs::read_to_string(server.cwd().join(".arkouda/tokens.txt")).unwrap(),
        "oldToken1\nCurrentToken42\n",
        "tokens.txt changed"
    );
    let p = server.port;
    let host = hostname();
    assert_eq!(
        fs::read_to_string(server.conn_file()).unwrap(),
        format!("{host} {p} tcp://{host}:{p}?token=CurrentToken42\n")
    );
}

#[test]
fn the_environment_token_is_used_and_stored_when_the_file_is_empty() {
    let server = Server::builder()
        .arg("--authenticate")
        .cwd_file(".arkouda/tokens.txt", b"")
        .env("ARKOUDA_SERVER_TOKEN", "envToken7")
        .start();
    server
        .client()
        .with_token("envToken7")
        .cmd("ruok", &[])
        .expect_normal("imok");
    assert_eq!(
        fs::read_to_string(server.cwd().join(".arkouda/tokens.txt")).unwrap(),
        "envToken7\n"
    );

    // and when the file does not exist at all
    let server = Server::builder()
        .arg("--authenticate")
        .env("ARKOUDA_SERVER_TOKEN", "otherEnvToken")
        .start();
    assert_eq!(server.token(), "otherEnvToken");
    server
        .client()
        .with_token("otherEnvToken")
        .cmd("ruok", &[])
        .expect_normal("imok");
}

#[test]
fn side_daemons_check_tokens() {
    let server = Server::builder()
        .arg("--authenticate")
        .side_daemons()
        .start();
    let token = server.token();
    for (port, kind) in [
        (server.metrics_port, "metrics"),
        (server.status_port, "status"),
    ] {
        let anon = Client::connect(port);
        anon.string_cmd("connect")
            .expect_error("Error: access to arkouda requires a token");
        let wrong = Client::connect(port).with_token("nope");
        wrong
            .cmd("getconfig", &[])
            .expect_error("Error: token nope does not match server token, check with server owner");
        let good = Client::connect(port).with_token(&token);
        let reply = good.string_cmd("connect");
        reply.expect_normal(&format!(
            "connected to arkouda {kind} server tcp://*:{port} as user {USER} with token {token}"
        ));
        assert_eq!(reply.user(), "");
        assert_eq!(good.cmd("getconfig", &[]).msg_json()["authenticate"], true);
    }
    let m = Client::connect(server.metrics_port).with_token(&token);
    parse_metrics(
        &m.cmd("metrics", &[("category", "str", "NUM_REQUESTS")]),
        "NUM_REQUESTS",
    );
    let s = Client::connect(server.status_port).with_token(&token);
    s.cmd("ruok", &[]).expect_normal("imok");
}

#[test]
fn commands_log_never_contains_the_token() {
    let mut server = Server::builder()
        .args(&["--authenticate", "--logCommands"])
        .start();
    let token = server.token();
    let c = server.client().with_token(&token);
    c.string_cmd("connect").normal();
    c.cmd("getconfig", &[]).normal();
    c.cmd("note", &[("message", "str", "hello")]).normal();
    server
        .client()
        .with_token("wrong-token")
        .cmd("ruok", &[])
        .error();
    c.string_cmd("shutdown").normal();
    server.expect_clean_exit();
    let log = fs::read_to_string(server.cwd().join(".arkouda/commands.log"))
        .expect("read .arkouda/commands.log");
    assert!(
        !log.contains(&token),
        "commands.log contains the token:\n{log}"
    );
    let cmds: Vec<String> = log
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l)
                .unwrap_or_else(|e| panic!("commands.log line is not JSON ({e}): {l}"));
            v["cmd"].as_str().unwrap_or_default().to_string()
        })
        .collect();
    assert!(
        cmds.starts_with(&[
            "connect".to_string(),
            "getconfig".to_string(),
            "note".to_string()
        ]),
        "commands.log: {log}"
    );
}

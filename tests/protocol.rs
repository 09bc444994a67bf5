//! Wire protocol of the main daemon: the byte-exact reply envelope, the inline
//! special commands, request parsing (field order, extra fields, escapes), the
//! handling of every malformed-request class, and containment of handler panics.

mod common;

use std::time::{Duration, Instant};

use common::*;

#[test]
fn harness_encodes_requests_like_the_python_client() {
    // the byte-exact examples of spec section 1.2 (Python json.dumps output)
    assert_eq!(
        request_json("bob", "", "connect", "STRING", "", -1),
        r#"{"user": "bob", "token": "", "cmd": "connect", "format": "STRING", "args": "", "size": -1}"#
    );
    assert_eq!(
        request_json("bob", "", "getconfig", "STRING", &args_json(&[]), 0),
        r#"{"user": "bob", "token": "", "cmd": "getconfig", "format": "STRING", "args": "[]", "size": 0}"#
    );
    assert_eq!(
        request_json(
            "bob",
            "",
            "sleep",
            "STRING",
            &args_json(&[("seconds", "float64", "6.0")]),
            1
        ),
        r#"{"user": "bob", "token": "", "cmd": "sleep", "format": "STRING", "args": "[\"{\\\"key\\\": \\\"seconds\\\", \\\"dtype\\\": \\\"float64\\\", \\\"val\\\": \\\"6.0\\\"}\"]", "size": 1}"#
    );
    // ensure_ascii escaping, including surrogate pairs
    assert_eq!(
        py_str("caf\u{e9} \u{1F600}\n"),
        r#""caf\u00e9 \ud83d\ude00\n""#
    );
}

#[test]
fn reply_envelope_is_byte_exact() {
    let server = Server::start();
    let c = server.client();

    let reply = c.cmd("ruok", &[]);
    assert_eq!(
        reply.text(),
        r#"{"msg":"imok", "msgType":"NORMAL", "msgFormat":"STRING", "user":"testuser", "payload":""}"#
    );
    let reply = c.string_cmd("connect");
    assert_eq!(
        reply.text(),
        format!(
            r#"{{"msg":"connected to arkouda server tcp://*:{}", "msgType":"NORMAL", "msgFormat":"STRING", "user":"testuser", "payload":""}}"#,
            server.port
        )
    );
    let reply = c.cmd("foo", &[]);
    assert_eq!(
        reply.text(),
        r#"{"msg":"Unrecognized command: foo", "msgType":"ERROR", "msgFormat":"STRING", "user":"testuser", "payload":""}"#
    );
    // a msg with quotes and newlines is carried as an escaped JSON string
    let reply = c.cmd("getRegistrationConfig", &[]);
    reply.expect_chapel_bytes();
    assert!(
        reply
            .text()
            .starts_with(r#"{"msg":"\n{\n  \"parameter_classes\""#)
    );
    c.cmd("getconfig", &[]).expect_chapel_bytes();
}

#[test]
fn reply_echoes_the_request_user() {
    let server = Server::start();
    let c = server.client().with_user("alice");
    let reply = c.cmd("noop", &[]);
    reply.expect_normal("noop");
    assert_eq!(reply.user(), "alice");
    let reply = c.cmd("nosuchcommand", &[]);
    reply.expect_error("Unrecognized command: nosuchcommand");
    assert_eq!(reply.user(), "alice");
}

#[test]
fn special_commands_reply_exact_texts() {
    let server = Server::start();
    let c = server.client();
    let p = server.port;
    // connect/disconnect as ak.connect sends them (args "", size -1) ...
    c.string_cmd("connect")
        .expect_normal(&format!("connected to arkouda server tcp://*:{p}"));
    c.string_cmd("disconnect")
        .expect_normal(&format!("disconnected from arkouda server tcp://*:{p}"));
    // ... and through generic_msg (args "[]", size 0)
    c.cmd("connect", &[])
        .expect_normal(&format!("connected to arkouda server tcp://*:{p}"));
    c.cmd("disconnect", &[])
        .expect_normal(&format!("disconnected from arkouda server tcp://*:{p}"));
    c.cmd("noop", &[]).expect_normal("noop");
    c.cmd("ruok", &[]).expect_normal("imok");
    c.cmd("wait_for_async_activity", &[])
        .expect_normal("completed");
    c.cmd("note", &[("message", "str", "testing: special commands")])
        .expect_normal("noted");
    // disconnect does not stop a server without --autoShutdown
    c.cmd("ruok", &[]).expect_normal("imok");
}

#[test]
fn sleep_replies_slept_after_the_requested_time() {
    let server = Server::start();
    let c = server.client();
    let start = Instant::now();
    let reply = c.cmd("sleep", &[("seconds", "float64", "0.2")]);
    let elapsed = start.elapsed();
    reply.expect_normal("slept");
    assert!(
        elapsed >= Duration::from_millis(200),
        "sleep 0.2 replied after {elapsed:?}"
    );
}

#[test]
fn empty_and_unknown_commands_are_errors() {
    let server = Server::start();
    let c = server.client();
    let reply = c.cmd("", &[]);
    reply.expect_error("Server received an empty command");
    reply.expect_chapel_bytes();
    c.cmd("foo", &[]).expect_error("Unrecognized command: foo");
    // names are case-sensitive
    c.cmd("RUOK", &[])
        .expect_error("Unrecognized command: RUOK");
    c.string_cmd("Connect")
        .expect_error("Unrecognized command: Connect");
    // sleep and note are inline commands, not aliases of anything else
    c.cmd("sleep ", &[])
        .expect_error("Unrecognized command: sleep ");
    c.cmd("ruok", &[]).expect_normal("imok");
}

#[test]
fn handler_argument_errors_name_the_command() {
    let server = Server::start();
    let c = server.client();
    let msg = c.cmd("sleep", &[]).error().to_string();
    assert!(msg.starts_with("Error executing command sleep: "), "{msg}");
    assert!(
        msg.contains("JSON argument key Not Found: seconds"),
        "{msg}"
    );
    let msg = c
        .cmd("sleep", &[("seconds", "float64", "abc")])
        .error()
        .to_string();
    assert!(msg.starts_with("Error executing command sleep: "), "{msg}");
    assert!(msg.contains("cannot be cast as a scalar"), "{msg}");
    let msg = c.cmd("note", &[]).error().to_string();
    assert!(msg.starts_with("Error executing command note: "), "{msg}");
    assert!(
        msg.contains("JSON argument key Not Found: message"),
        "{msg}"
    );
    c.cmd("ruok", &[]).expect_normal("imok");
}

#[test]
fn requests_accept_any_field_order_extra_fields_objtype_and_escapes() {
    let server = Server::start();
    let c = server.client();
    // fields reordered, an extra field, and a legacy objType in the parameter
    let param = py_str(
        "{\"val\": \"0.01\", \"objType\": \"VALUE\", \"dtype\": \"float64\", \"key\": \"seconds\"}",
    );
    let req = format!(
        "{{\"size\": 1, \"args\": {}, \"cmd\": \"sleep\", \"extra\": [1, 2], \"format\": \"STRING\", \"token\": \"\", \"user\": \"{USER}\"}}",
        py_str(&format!("[{param}]"))
    );
    c.send_raw(&[req.as_bytes()]);
    c.recv_json().expect_normal("slept");
    // \uXXXX escapes (the client escapes non-ASCII) in the command name
    let req = format!(
        "{{\"user\": \"{USER}\", \"token\": \"\", \"cmd\": \"\\u0072uok\", \"format\": \"STRING\", \"args\": \"[]\", \"size\": 0}}"
    );
    c.send_raw(&[req.as_bytes()]);
    c.recv_json().expect_normal("imok");
    // non-ASCII text survives the double encoding
    c.cmd(
        "note",
        &[("message", "str", "caf\u{e9} \u{1F600} \"quoted\"")],
    )
    .expect_normal("noted");
    // the echo of a non-ASCII command name in an error
    let reply = c.cmd("caf\u{e9}", &[]);
    reply.expect_error("Unrecognized command: caf\u{e9}");
}

#[test]
fn every_bad_input_class_gets_one_error_reply_on_the_main_port() {
    let server = Server::start();
    check_bad_inputs(server.port, "Unknown", "ruok", "imok");
}

#[test]
fn invalid_utf8_reply_is_exact() {
    let server = Server::start();
    let c = server.client();
    c.send_raw(&[b"{\"user\": \"\xff\", \"token\": \"\", \"cmd\": \"ruok\", \"format\": \"STRING\", \"args\": \"[]\", \"size\": 0}"]);
    let reply = c.recv_json();
    assert_eq!(
        reply.text(),
        r#"{"msg":"Invalid UTF-8 character encountered.", "msgType":"ERROR", "msgFormat":"STRING", "user":"Unknown", "payload":""}"#
    );
    c.cmd("ruok", &[]).expect_normal("imok");
}

#[test]
fn malformed_request_names_the_command_when_known() {
    let server = Server::start();
    let c = server.client();
    // a parameter without val on a parseable envelope: the error names the command
    let args = format!(
        "[{}]",
        py_str("{\"key\": \"seconds\", \"dtype\": \"float64\"}")
    );
    let req = request_json(USER, "", "sleep", "STRING", &args, 1);
    c.send_raw(&[req.as_bytes()]);
    let msg = c.recv_json().error().to_string();
    assert!(msg.starts_with("Error executing command "), "{msg}");
    c.cmd("ruok", &[]).expect_normal("imok");
}

#[test]
fn handler_panic_is_contained_when_test_commands_are_enabled() {
    let server = Server::builder()
        .env("ARKOUDA_ENABLE_TEST_COMMANDS", "1")
        .start();
    let c = server.client();
    let name = create(&c, "int64", 5);
    c.cmd("test_panic", &[]).expect_error(
        "Error executing command test_panic: handler panicked: test_panic was asked to panic",
    );
    // the server keeps serving and the symbol table is intact
    c.cmd("ruok", &[]).expect_normal("imok");
    assert_eq!(info_all(&c), format!("[{}]", info_entry(&name, "int64", 5)));
    c.cmd(
        "str",
        &[("array", "int64", &name), ("printThresh", "int64", "100")],
    )
    .expect_normal("[0 0 0 0 0]");
    // a second panic is contained too, and new work still succeeds
    c.cmd("test_panic", &[]).error();
    let other = create(&c, "float64", 2);
    assert_ne!(other, name);
}

#[test]
fn test_panic_does_not_exist_without_the_env_switch() {
    let server = Server::start();
    let c = server.client();
    c.cmd("test_panic", &[])
        .expect_error("Unrecognized command: test_panic");
    let keys = c.cmd("getCmdMap", &[]).msg_json();
    assert!(keys.get("test_panic").is_none(), "test_panic in getCmdMap");
}

//! The METRICS and STATUS daemons: enabled only through `daemonTypes`, their
//! exact replies (user always ""), unknown commands answered with an empty
//! NORMAL msg, metrics and serverstatus reflecting the main daemon (including
//! the command it is running), malformed-request handling on both ports, and
//! process exit on shutdown while they run.

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::json;

#[test]
fn side_daemons_are_off_by_default() {
    let server = Server::start();
    server.client().cmd("ruok", &[]).expect_normal("imok");
    assert!(port_is_free(server.metrics_port), "metrics port bound");
    assert!(port_is_free(server.status_port), "status port bound");
}

#[test]
fn daemon_types_accept_bare_names_and_subsets() {
    let server = Server::builder()
        .arg("--ServerDaemon.daemonTypes=DEFAULT,METRICS,STATUS")
        .start();
    server
        .metrics_client()
        .cmd("connect", &[])
        .expect_normal(&format!(
            "connected to arkouda metrics server tcp://*:{}",
            server.metrics_port
        ));
    server
        .status_client()
        .cmd("ruok", &[])
        .expect_normal("imok");

    let server = Server::builder()
        .arg("--ServerDaemon.daemonTypes=ServerDaemonType.DEFAULT,ServerDaemonType.METRICS")
        .start();
    server
        .metrics_client()
        .cmd("connect", &[])
        .expect_normal(&format!(
            "connected to arkouda metrics server tcp://*:{}",
            server.metrics_port
        ));
    assert!(
        port_is_free(server.status_port),
        "status port bound without STATUS"
    );
}

#[test]
fn metrics_daemon_answers_its_commands() {
    let server = Server::builder().side_daemons().start();
    let main_config = server.client().cmd("getconfig", &[]).normal().to_string();
    let m = server.metrics_client();
    let reply = m.cmd("connect", &[]);
    assert_eq!(
        reply.text(),
        format!(
            r#"{{"msg":"connected to arkouda metrics server tcp://*:{}", "msgType":"NORMAL", "msgFormat":"STRING", "user":"", "payload":""}}"#,
            server.metrics_port
        )
    );
    m.string_cmd("connect").expect_normal(&format!(
        "connected to arkouda metrics server tcp://*:{}",
        server.metrics_port
    ));
    let reply = m.cmd("getconfig", &[]);
    assert_eq!(
        reply.normal(),
        main_config,
        "metrics getconfig differs from main"
    );
    assert_eq!(reply.user(), "");
    reply.expect_chapel_bytes();
    let empty = r#"{"msg":"", "msgType":"NORMAL", "msgFormat":"STRING", "user":"", "payload":""}"#;
    assert_eq!(m.cmd("foo", &[]).text(), empty);
    // shutdown is not a metrics-daemon command: it must not stop the server
    assert_eq!(m.string_cmd("shutdown").text(), empty);
    server.client().cmd("ruok", &[]).expect_normal("imok");
}

#[test]
fn metrics_daemon_reports_main_daemon_counts() {
    let server = Server::builder().side_daemons().start();
    let c = server.client();
    for _ in 0..3 {
        c.cmd("ruok", &[]).normal();
    }
    c.cmd("noop", &[]).normal();
    c.cmd("foo", &[]).error();
    let m = server.metrics_client();
    let reply = m.cmd("metrics", &[("category", "str", "NUM_REQUESTS")]);
    assert_eq!(reply.user(), "");
    let entries = parse_metrics(&reply, "NUM_REQUESTS");
    assert_eq!(metric(&entries, "ruok"), Some(3.0), "{}", reply.msg());
    assert_eq!(metric(&entries, "noop"), Some(1.0), "{}", reply.msg());
    assert_eq!(metric(&entries, "foo"), Some(1.0), "{}", reply.msg());
    assert_eq!(metric(&entries, "total"), Some(5.0), "{}", reply.msg());
    assert_eq!(entries.len(), 4, "{}", reply.msg());

    let reply = m.cmd(
        "metrics",
        &[("category", "str", "MetricCategory.NUM_ERRORS")],
    );
    let entries = parse_metrics(&reply, "NUM_ERRORS");
    assert_eq!(metric(&entries, "foo"), Some(1.0), "{}", reply.msg());
    assert_eq!(metric(&entries, "total"), Some(1.0), "{}", reply.msg());

    let reply = m.cmd("metrics", &[("category", "str", "NOT_A_CATEGORY")]);
    reply.error();
    assert_eq!(reply.user(), "");
    m.cmd("connect", &[]).normal();
}

#[test]
fn status_daemon_answers_its_commands() {
    let server = Server::builder().side_daemons().start();
    let c = server.client();
    let main_config = c.cmd("getconfig", &[]).normal().to_string();
    let main_memstatus = c.cmd("getmemstatus", &[]).normal().to_string();
    let name = create(&c, "float64", 10);
    let s = server.status_client();
    let reply = s.cmd("connect", &[]);
    assert_eq!(
        reply.text(),
        format!(
            r#"{{"msg":"connected to arkouda status server tcp://*:{}", "msgType":"NORMAL", "msgFormat":"STRING", "user":"", "payload":""}}"#,
            server.status_port
        )
    );
    let reply = s.cmd("ruok", &[]);
    assert_eq!(
        reply.text(),
        r#"{"msg":"imok", "msgType":"NORMAL", "msgFormat":"STRING", "user":"", "payload":""}"#
    );
    assert_eq!(s.cmd("getconfig", &[]).normal(), main_config);

    let reply = s.cmd("getmemstatus", &[]);
    assert_eq!(reply.user(), "");
    let status_keys = OJson::parse(reply.normal());
    let main_keys = OJson::parse(&main_memstatus);
    assert_eq!(status_keys.items().len(), 1);
    assert_eq!(status_keys.items()[0].keys(), main_keys.items()[0].keys());
    let mem = &reply.msg_json()[0];
    assert_eq!(mem["locale_id"], json!(0));
    assert!(
        mem["total_mem"].as_u64().is_some_and(|v| v > 0),
        "{}",
        reply.msg()
    );

    let reply = s.cmd("serverstatus", &[]);
    assert_eq!(reply.user(), "");
    let status = check_serverstatus(reply.normal());
    assert_eq!(status["symbols"], json!(1), "{}", reply.msg());
    assert_eq!(status["bytes_held"], json!(80), "{}", reply.msg());
    assert!(
        status["current_command"].is_null(),
        "main is idle: {}",
        reply.msg()
    );
    assert_exact_serverstatus_keys(reply.msg());

    let empty = r#"{"msg":"", "msgType":"NORMAL", "msgFormat":"STRING", "user":"", "payload":""}"#;
    assert_eq!(s.cmd("foo", &[]).text(), empty);
    assert_eq!(s.string_cmd("shutdown").text(), empty);
    c.cmd("delete", &[("name", "float64", &name)]).normal();
}

#[test]
fn status_daemon_reports_the_running_command() {
    let server = Server::builder().side_daemons().start();
    let busy = server.client();
    busy.send_cmd("sleep", &[("seconds", "float64", "10")]);
    let s = Client::connect_timeout(server.status_port, 5_000);
    let start = Instant::now();
    let status = loop {
        let reply = s.cmd("serverstatus", &[]);
        let status = check_serverstatus(reply.normal());
        if !status["current_command"].is_null() || start.elapsed() > Duration::from_secs(5) {
            break status;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let current = &status["current_command"];
    assert_eq!(current["cmd"], "sleep", "{status}");
    assert_eq!(current["user"], USER, "{status}");
    assert!(
        current["elapsed_seconds"]
            .as_f64()
            .is_some_and(|v| v >= 0.0),
        "{status}"
    );
    assert_eq!(
        current.as_object().map(|o| o.len()),
        Some(3),
        "current_command has extra keys: {current}"
    );
}

#[test]
fn every_bad_input_class_gets_one_error_reply_on_the_metrics_port() {
    let server = Server::builder().side_daemons().start();
    let want = format!(
        "connected to arkouda metrics server tcp://*:{}",
        server.metrics_port
    );
    check_bad_inputs(server.metrics_port, "", "connect", &want);
}

#[test]
fn every_bad_input_class_gets_one_error_reply_on_the_status_port() {
    let server = Server::builder().side_daemons().start();
    check_bad_inputs(server.status_port, "", "ruok", "imok");
}

#[test]
fn shutdown_with_side_daemons_exits_the_process() {
    let mut server = Server::builder().side_daemons().start();
    server.metrics_client().cmd("connect", &[]).normal();
    server.status_client().cmd("ruok", &[]).normal();
    let reply = server.client().string_cmd("shutdown");
    reply.expect_normal("shutdown server (1 req)");
    server.expect_clean_exit();
    assert!(!server.conn_file().exists(), "connection file not deleted");
    assert!(
        port_is_free(server.metrics_port),
        "metrics port still bound"
    );
    assert!(port_is_free(server.status_port), "status port still bound");
}

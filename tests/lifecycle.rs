//! Server lifecycle: the connection-info file, the start-up splash and
//! `--serverInfoNoSplash` line, clean exits on `shutdown`, SIGTERM, SIGINT and
//! `--autoShutdown` disconnects (exit code, file removal, port reuse), and the
//! `arkouda.log` / `commands.log` files.

mod common;

use std::fs;
use std::time::Duration;

use common::*;

/// `s` padded with one space to even length.
fn pad_even(s: &str) -> String {
    if s.len() % 2 == 1 {
        format!("{s} ")
    } else {
        s.to_string()
    }
}

/// The splash lines (spec section 4.2) for a connect URL and info texts.
fn splash_lines(url: &str, infos: &[String]) -> Vec<String> {
    let s0 = pad_even(&format!("server listening on {url}"));
    let margin = " ".repeat(25);
    let s = format!("{margin} {s0} {margin}");
    let width = s.len() as i64;
    let tag = "*".repeat(s.len() + 2);
    let blank = format!("*{}*", " ".repeat(s.len()));
    let mut lines = vec![
        String::new(),
        String::new(),
        tag.clone(),
        tag.clone(),
        blank.clone(),
    ];
    lines.push(format!("*{s}*"));
    for text in infos {
        let pad = " ".repeat(((width - text.len() as i64) / 2 - 2 + 1).max(0) as usize);
        lines.push(format!("*{pad} {} {pad}*", pad_even(text)));
    }
    lines.extend([blank, tag.clone(), tag, String::new(), String::new()]);
    lines
}

#[test]
fn connection_info_file_has_exact_content() {
    let server = Server::start();
    let host = hostname();
    let p = server.port;
    assert_eq!(
        fs::read_to_string(server.conn_file()).unwrap(),
        format!("{host} {p} tcp://{host}:{p}\n")
    );
    assert!(
        server.cwd().join(".arkouda").is_dir(),
        ".arkouda not created in cwd"
    );
}

#[test]
fn shutdown_replies_with_the_reply_count_and_exits_cleanly() {
    let mut server = Server::start();
    let p = server.port;
    let c = server.client();
    c.string_cmd("connect").normal();
    c.cmd("getconfig", &[]).normal();
    c.cmd("foo", &[]).error();
    let reply = c.string_cmd("shutdown");
    assert_eq!(
        reply.text(),
        r#"{"msg":"shutdown server (4 req)", "msgType":"NORMAL", "msgFormat":"STRING", "user":"", "payload":""}"#
    );
    server.expect_clean_exit();
    assert!(!server.conn_file().exists(), "connection file not deleted");
    drop(server);
    // the port is free again at once
    let again = Server::builder().port(p).start();
    again.client().cmd("ruok", &[]).expect_normal("imok");
}

#[test]
fn shutdown_through_generic_msg_also_stops_the_server() {
    let mut server = Server::start();
    let c = server.client();
    let reply = c.cmd("shutdown", &[]);
    reply.expect_normal("shutdown server (1 req)");
    assert_eq!(reply.user(), "");
    server.expect_clean_exit();
    assert!(!server.conn_file().exists(), "connection file not deleted");
}

#[test]
fn sigterm_exits_cleanly() {
    let mut server = Server::start();
    server.client().cmd("ruok", &[]).expect_normal("imok");
    server.signal(libc::SIGTERM);
    server.expect_clean_exit();
    assert!(!server.conn_file().exists(), "connection file not deleted");
    assert!(port_is_free(server.port), "port still bound after exit");
}

#[test]
fn sigterm_during_a_command_still_sends_its_reply() {
    let mut server = Server::start();
    let c = server.client();
    c.send_cmd("sleep", &[("seconds", "float64", "30.0")]);
    std::thread::sleep(Duration::from_millis(300));
    server.signal(libc::SIGTERM);
    // The sleep is cut short by the shutdown, but its client still gets the one reply it is owed.
    c.recv_json().expect_normal("slept");
    server.expect_clean_exit();
    assert!(!server.conn_file().exists(), "connection file not deleted");
}

#[test]
fn sigint_exits_cleanly() {
    let mut server = Server::start();
    server.client().cmd("ruok", &[]).expect_normal("imok");
    server.signal(libc::SIGINT);
    server.expect_clean_exit();
    assert!(!server.conn_file().exists(), "connection file not deleted");
}

#[test]
fn auto_shutdown_makes_disconnect_stop_the_server() {
    let mut server = Server::builder().arg("--autoShutdown").start();
    let c = server.client();
    let cfg = c.cmd("getconfig", &[]).msg_json();
    assert_eq!(cfg["autoShutdown"], true);
    let reply = c.string_cmd("disconnect");
    assert_eq!(
        reply.text(),
        r#"{"msg":"shutdown server (2 req)", "msgType":"NORMAL", "msgFormat":"STRING", "user":"", "payload":""}"#
    );
    server.expect_clean_exit();
    assert!(!server.conn_file().exists(), "connection file not deleted");
}

#[test]
fn splash_banner_is_exact() {
    let mut server = Server::start();
    let c = server.client();
    let cfg = c.cmd("getconfig", &[]).msg_json();
    let limit = mem_used(&c, 1, false) + mem_avail(&c, 1, false);
    c.string_cmd("shutdown").normal();
    server.expect_clean_exit();

    let host = hostname();
    let url = format!("tcp://{host}:{}", server.port);
    let infos = [
        format!(
            "arkouda server version = {}",
            cfg["arkoudaVersion"].as_str().unwrap()
        ),
        format!(
            "built with chapel version{}",
            cfg["chplVersion"].as_str().unwrap()
        ),
        format!("memory limit = {limit}"),
        "bytes of memory used = 0".to_string(),
    ];
    let want = splash_lines(&url, &infos);
    let stdout = server.stdout();
    let got: Vec<&str> = stdout.split('\n').take(want.len()).collect();
    assert_eq!(got, want, "splash; whole stdout:\n{stdout}");
}

#[test]
fn splash_layout_matches_the_spec_example() {
    // guards the padding algorithm used above against the worked example of spec 4.2
    let lines = splash_lines(
        "tcp://myhost:5555",
        &[
            "arkouda server version = v2025.01.13".to_string(),
            "built with chapel version2.4.0".to_string(),
            "memory limit = 60529967923".to_string(),
            "bytes of memory used = 0".to_string(),
        ],
    );
    let want = "\n\
\n\
********************************************************************************************\n\
********************************************************************************************\n\
*                                                                                          *\n\
*                          server listening on tcp://myhost:5555                           *\n\
*                           arkouda server version = v2025.01.13                           *\n\
*                              built with chapel version2.4.0                              *\n\
*                                memory limit = 60529967923                                *\n\
*                                 bytes of memory used = 0                                 *\n\
*                                                                                          *\n\
********************************************************************************************\n\
********************************************************************************************\n\
\n\
";
    assert_eq!(lines.join("\n"), want);
    assert!(lines[2..13].iter().all(|l| l.len() == 92));
}

#[test]
fn server_info_no_splash_prints_getconfig_first() {
    let server = Server::builder().arg("--serverInfoNoSplash").start();
    let c = server.client();
    let reply = c.cmd("getconfig", &[]);
    let config = reply.normal().to_string();
    assert_eq!(reply.msg_json()["serverInfoNoSplash"], true);
    assert!(
        wait_until(Duration::from_secs(5), || server.stdout().contains('\n')),
        "nothing on stdout"
    );
    let stdout = server.stdout();
    assert_eq!(
        stdout.split('\n').next().unwrap(),
        config,
        "first stdout line"
    );
    assert!(!stdout.contains("****"), "splash printed anyway:\n{stdout}");
}

#[test]
fn file_log_channel_writes_arkouda_log() {
    let server = Server::builder()
        .arg("--logChannel=LogChannel.FILE")
        .start();
    let c = server.client();
    assert_eq!(c.cmd("getconfig", &[]).msg_json()["logChannel"], "FILE");
    c.cmd("note", &[("message", "str", "testing: note-marker-8271")])
        .expect_normal("noted");
    c.cmd(
        "clientlog",
        &[
            ("log_msg", "str", "clientlog-marker-5530"),
            ("log_lvl", "str", "INFO"),
            ("tag", "str", "ClientGeneratedLog"),
        ],
    )
    .expect_normal("Log Message Written Successfully.");
    let log = server.cwd().join(".arkouda/arkouda.log");
    let logged = |marker: &str| {
        wait_until(Duration::from_secs(5), || {
            fs::read_to_string(&log).is_ok_and(|t| t.contains(marker))
        })
    };
    assert!(
        logged("testing: note-marker-8271"),
        "note text not in {}",
        log.display()
    );
    assert!(
        logged("clientlog-marker-5530"),
        "clientlog text not in {}",
        log.display()
    );
    assert!(
        !server.stdout().contains("note-marker-8271"),
        "FILE channel still logs to stdout"
    );
}

#[test]
fn log_commands_records_each_request_except_shutdown() {
    let mut server = Server::builder().arg("--logCommands").start();
    let c = server.client();
    c.string_cmd("connect").normal();
    c.cmd("getconfig", &[]).normal();
    c.cmd("ruok", &[]).normal();
    c.cmd("foo", &[]).error();
    c.cmd("note", &[("message", "str", "logged")]).normal();
    c.string_cmd("shutdown").normal();
    server.expect_clean_exit();
    let text = fs::read_to_string(server.cwd().join(".arkouda/commands.log"))
        .expect("read .arkouda/commands.log");
    let lines: Vec<&str> = text.lines().collect();
    let cmds: Vec<String> = lines
        .iter()
        .map(|line| {
            let req: serde_json::Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("commands.log line is not JSON ({e}): {line}"));
            assert_eq!(req["user"], USER, "{line}");
            req["cmd"].as_str().unwrap_or_default().to_string()
        })
        .collect();
    assert_eq!(
        cmds,
        ["connect", "getconfig", "ruok", "foo", "note"],
        "{text}"
    );
}

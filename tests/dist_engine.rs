//! The distributed engine at 1, 2 and 3 ranks: configuration per locale,
//! all-or-nothing outcomes when one rank fails or panics, names kept in step,
//! commands not yet written for blocks refused, shutdown, signals and a
//! killed rank.
#![cfg(feature = "mpi")]

mod common;

use std::time::Duration;

use common::{Server, wait_until};
use serde_json::json;

fn server(ranks: usize) -> Server {
    Server::builder()
        .ranks(ranks)
        .env("ARKOUDA_ENABLE_TEST_COMMANDS", "1")
        .start()
}

/// `created <name> ...` with the server's random name prefix cut off.
fn created(msg: &str) -> String {
    let name = msg.split_whitespace().nth(1).expect("a name");
    let n = name.rsplit('_').next().expect("a counter");
    msg.replace(name, &format!("id_{n}"))
}

#[test]
fn getconfig_lists_every_locale() {
    for n in [2, 3] {
        let s = server(n);
        let cfg = s.client().cmd("getconfig", &[]).msg_json();
        assert_eq!(cfg["numLocales"], json!(n));
        assert_eq!(cfg["numNodes"], json!(1));
        let locales = cfg["LocaleConfigs"].as_array().expect("a list").clone();
        assert_eq!(locales.len(), n);
        for (i, l) in locales.iter().enumerate() {
            assert_eq!(l["id"], json!(i));
            assert_eq!(l["numColocales"], json!(n));
            assert!(l["physicalMemory"].as_u64().unwrap() > 0);
        }
        let status = s.client().cmd("getmemstatus", &[]).msg_json();
        let ids: Vec<_> = status
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["locale_id"].clone())
            .collect();
        assert_eq!(ids, (0..n).map(|i| json!(i)).collect::<Vec<_>>());
    }
}

#[test]
fn a_failure_on_one_rank_fails_everywhere_and_keeps_nothing() {
    for n in [1, 2, 3] {
        let s = server(n);
        let c = s.client();
        let last = (n - 1).to_string();
        for when in ["before", "after"] {
            let r = c.cmd(
                "test_fail",
                &[
                    ("size", "int64", "100001"),
                    ("rank", "int64", &last),
                    ("when", "str", when),
                ],
            );
            assert_eq!(
                r.error(),
                format!(
                    "Error executing command test_fail: ValueError: test_fail on locale {last}"
                ),
                "{n} ranks, failing {when}"
            );
            c.cmd(
                "getmemused",
                &[("factor", "int64", "1"), ("as_percent", "bool", "False")],
            )
            .expect_normal("0");
        }
        // The name counter went back on every rank: the first array is _1.
        let ok = c.cmd(
            "test_fail",
            &[
                ("size", "int64", "100001"),
                ("rank", "int64", "-1"),
                ("when", "str", "after"),
            ],
        );
        assert_eq!(
            created(ok.normal()),
            "created id_1 int64 100001 1 [100001] 8"
        );
        c.cmd(
            "getmemused",
            &[("factor", "int64", "1"), ("as_percent", "bool", "False")],
        )
        .expect_normal("800008");
    }
}

#[test]
fn a_panic_on_one_rank_is_one_error_reply() {
    for n in [2, 3] {
        let s = server(n);
        let c = s.client();
        for rank in 0..n {
            let r = c.cmd("test_panic", &[("rank", "int64", &rank.to_string())]);
            assert_eq!(
                r.error(),
                "Error executing command test_panic: handler panicked: test_panic was asked to panic"
            );
        }
        c.cmd("test_panic", &[("rank", "int64", "-1")])
            .expect_normal("test_panic did not panic");
    }
}

/// Parts written window by window for the exchange, from every rank to
/// every rank (its own part too), of more than one 1 MiB window, over
/// shared memory and TCP: each rank checks what it got.
#[test]
fn packed_exchanges_arrive_whole() {
    let tcp = || {
        Server::builder()
            .env("ARKOUDA_ENABLE_TEST_COMMANDS", "1")
            .env("ARKOUDA_LAUNCHER", common::TCP_LAUNCHER)
            .ranks(2)
            .start()
    };
    for (ranks, s) in [(1, server(1)), (2, server(2)), (3, server(3)), (2, tcp())] {
        let c = s.client();
        for size in [0usize, 5, 300_000] {
            // Parts of size + from + to elements between every pair.
            let moved = ranks * ranks * size + ranks * ranks * (ranks - 1);
            c.cmd("test_exchange", &[("size", "int64", &size.to_string())])
                .expect_normal(&format!("test_exchange moved {moved}"));
        }
    }
}

#[test]
fn shutdown_and_sigterm_end_every_rank() {
    let mut s = server(3);
    s.client().cmd("shutdown", &[]).normal();
    s.expect_clean_exit_within(Duration::from_secs(20));
    assert!(!s.conn_file().exists());

    let mut s = server(2);
    s.signal(libc::SIGTERM);
    let status = s.wait_exit(Duration::from_secs(20));
    assert!(status.success() || status.code().is_some(), "{status:?}");
    assert!(!s.conn_file().exists());
}

#[test]
fn a_killed_rank_ends_the_job() {
    let mut s = server(2);
    s.client()
        .cmd("test_panic", &[("rank", "int64", "-1")])
        .normal();
    // The launcher's children are the ranks; kill the one that is not rank 0
    // (rank 0 is the one listening on the server port... both are children,
    // so kill the newest).
    let ranks = common::children_of(s.pid());
    assert_eq!(ranks.len(), 2, "{ranks:?}");
    // SAFETY: kill(2) on a process this test started.
    unsafe { libc::kill(*ranks.iter().max().unwrap(), libc::SIGKILL) };
    let status = s.wait_exit(Duration::from_secs(30));
    assert!(!status.success(), "{status:?}");
    assert!(
        wait_until(Duration::from_secs(10), || !s.conn_file().exists()),
        "the connection file outlived the job"
    );
}

/// A main port already taken ends every rank with rank 0's bind error
/// (the other ranks used to wait for their first command for ever).
#[test]
fn a_busy_port_ends_every_rank() {
    let busy = std::net::TcpListener::bind("0.0.0.0:0").expect("bind a free port");
    let port = busy.local_addr().expect("local_addr").port();
    for ranks in [2, 3] {
        let out = common::run_to_exit(
            &[
                &format!("--ServerPort={port}"),
                &format!("--numLocales={ranks}"),
                "--trace=false",
            ],
            &[
                ("ARKOUDA_LAUNCHER", common::TEST_LAUNCHER),
                ("OMPI_ALLOW_RUN_AS_ROOT", "1"),
                ("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1"),
            ],
        );
        assert!(!out.status.success(), "{:?}", out.status);
        let want = format!("arkouda_server: cannot bind the Default daemon to port {port}");
        assert!(out.stderr.contains(&want), "{}", out.stderr);
    }
}

#[test]
fn about_names_the_mpi_library() {
    let out = common::run_to_exit(&["--about"], &[]);
    assert!(out.stdout.contains("CHPL_COMM: mpi ("), "{}", out.stdout);
}

#[test]
fn comm_diagnostics_count_per_locale() {
    let s = server(2);
    let c = s.client();
    c.cmd("startCommDiagnostics", &[])
        .expect_normal("commDiagnostics started.");
    c.cmd("test_panic", &[("rank", "int64", "-1")]).normal();
    c.cmd("stopCommDiagnostics", &[])
        .expect_normal("commDiagnostics stopped.");
    for cmd in [
        "getCommDiagnosticsPut",
        "getCommDiagnosticsExecuteOn",
        "getCommDiagnosticsAmo",
    ] {
        let r = c.cmd(cmd, &[]);
        assert_eq!(
            created(r.normal()).split(' ').skip(2).collect::<Vec<_>>(),
            ["int64", "2", "1", "[2]", "8"]
        );
    }
    c.cmd(
        "printCommDiagnosticsTable",
        &[("printEmptyCols", "bool", "False")],
    )
    .expect_normal("commDiagnostics printed.");
    // The table rows: every locale sent messages (agreements, the gather),
    // and rank 0 also posted the command and counted more than rank 1.
    let rows = |out: &str| -> Vec<Vec<u64>> {
        out.lines()
            .filter(|l| l.starts_with("| ") && !l.contains("locale") && !l.contains("---"))
            .map(|l| l.split('|').filter_map(|f| f.trim().parse().ok()).collect())
            .collect()
    };
    // The launcher forwards rank 0's output a moment later.
    wait_until(Duration::from_secs(10), || rows(&s.stdout()).len() == 2);
    let out = s.stdout();
    let rows = rows(&out);
    assert_eq!(rows.len(), 2, "{out}");
    assert_eq!((rows[0][0], rows[1][0]), (0, 1));
    assert!(
        rows.iter().all(|r| r[1] > 0 && r[2] > 0 && r[3] > 0),
        "{rows:?}"
    );
    assert!(rows[0][1] > rows[1][1], "{rows:?}");
    c.cmd("resetCommDiagnostics", &[])
        .expect_normal("commDiagnostics reset.");
}

/// The same session over shared memory and over TCP between the ranks (as
/// between nodes without a fast fabric) gives the one-process replies.
#[test]
fn tcp_between_ranks_gives_the_same_replies() {
    let n = 100_003usize;
    let values: Vec<u8> = (0..n as u64)
        .flat_map(|i| ((i * 7919) % 1000).to_le_bytes())
        .collect();
    let session = |s: &Server| -> Vec<String> {
        let c = s.client();
        let a = common::upload(&c, "int64", n, &values);
        let mut out = vec![
            c.cmd(
                "sumAll<int64,1>",
                &[("x", "pdarray", &a), ("skipNan", "bool", "False")],
            )
            .normal()
            .to_string(),
        ];
        let perm = c.cmd(
            "argsort<int64,1>",
            &[
                ("name", "pdarray", &a),
                ("algoName", "str", "RadixSortLSD"),
                ("objType", "str", "pdarray"),
                ("axis", "int64", "0"),
            ],
        );
        let perm = perm.normal().split_whitespace().nth(1).unwrap().to_string();
        let sorted = c.cmd(
            "[pdarray]",
            &[("array", "pdarray", &a), ("idx", "pdarray", &perm)],
        );
        let sorted = sorted
            .normal()
            .split_whitespace()
            .nth(1)
            .unwrap()
            .to_string();
        let back = common::to_ndarray(&c, "int64", &sorted);
        out.push(format!("{:?}", &back[..64]));
        out.push(format!("{}", back.len()));
        out
    };
    let one = session(&server(1));
    let tcp = Server::builder()
        .env("ARKOUDA_LAUNCHER", common::TCP_LAUNCHER)
        .ranks(2)
        .start();
    assert_eq!(session(&tcp), one);
    assert_eq!(session(&server(3)), one);
}

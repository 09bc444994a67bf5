//! Kubernetes registration of the INTEGRATION daemon (spec §7) against a fake
//! API server: a local HTTPS server on 127.0.0.1 with its own CA, which keeps
//! Services and Endpoints like the real one (201 on create, 409 when the name
//! exists, 404 on deleting what is not there), records every call and can be
//! told to reject, hang or hold calls.

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::Duration;

use common::{Server, free_port, run_to_exit, wait_until};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use serde_json::{Value, json};
use tempfile::TempDir;

const TOKEN: &str = "test-sa-token-0123456789";
const NS: &str = "arkouda-ns";
const CLIENT_SVC: &str = "arkouda-client";
const METRICS_SVC: &str = "arkouda-metrics";
const WAIT: Duration = Duration::from_secs(15);

// ---------------------------------------------------------------------------
// Certificates
// ---------------------------------------------------------------------------

/// A CA and a server certificate for 127.0.0.1 that it signed.
struct Pki {
    ca_pem: String,
    server_cert: CertificateDer<'static>,
    server_key: Vec<u8>,
}

fn pki() -> Pki {
    let ca_key = KeyPair::generate().expect("CA key");
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "fake kubernetes CA");
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_cert = ca_params.self_signed(&ca_key).expect("CA cert");
    let issuer = Issuer::new(ca_params, ca_key);
    let server_key = KeyPair::generate().expect("server key");
    let mut params = CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()])
        .expect("server params");
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let server_cert = params.signed_by(&server_key, &issuer).expect("server cert");
    Pki {
        ca_pem: ca_cert.pem(),
        server_cert: server_cert.der().clone(),
        server_key: server_key.serialize_der(),
    }
}

// ---------------------------------------------------------------------------
// The fake API server
// ---------------------------------------------------------------------------

#[derive(Clone, Debug)]
struct Call {
    method: String,
    path: String,
    /// Header names in lower case.
    headers: BTreeMap<String, String>,
    body: Vec<u8>,
}

impl Call {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "{} {} body is not JSON ({e}): {}",
                self.method,
                self.path,
                String::from_utf8_lossy(&self.body)
            )
        })
    }
}

#[derive(Default)]
struct Behaviour {
    /// Every call gets this status and Status body.
    reject: Option<(u16, &'static str)>,
    /// POSTs of an object with this name get this status.
    reject_post_of: Option<(&'static str, u16)>,
    /// Read the request, then never answer.
    hang: bool,
    /// Calls with this method wait until `release`.
    hold: Option<&'static str>,
}

#[derive(Default)]
struct State {
    calls: Vec<Call>,
    /// (collection, name) -> object, per namespace-free key: one namespace is used.
    objects: BTreeMap<(String, String), Value>,
    behaviour: Behaviour,
}

struct FakeKube {
    port: u16,
    state: Arc<(Mutex<State>, Condvar)>,
    dir: TempDir,
}

impl FakeKube {
    fn start() -> FakeKube {
        FakeKube::start_with(Behaviour::default())
    }

    fn start_with(behaviour: Behaviour) -> FakeKube {
        let pki = pki();
        let dir = TempDir::new().expect("tempdir");
        std::fs::write(dir.path().join("ca.crt"), &pki.ca_pem).expect("write CA");
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .with_no_client_auth()
        .with_single_cert(
            vec![pki.server_cert],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(pki.server_key)),
        )
        .expect("server config");
        let config = Arc::new(config);
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind fake API server");
        let port = listener.local_addr().expect("addr").port();
        let state = Arc::new((
            Mutex::new(State {
                behaviour,
                ..State::default()
            }),
            Condvar::new(),
        ));
        let shared = Arc::clone(&state);
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let config = Arc::clone(&config);
                let state = Arc::clone(&shared);
                thread::spawn(move || serve_connection(stream, config, state));
            }
        });
        FakeKube { port, state, dir }
    }

    fn url(&self) -> String {
        format!("https://127.0.0.1:{}", self.port)
    }

    fn ca_file(&self) -> PathBuf {
        self.dir.path().join("ca.crt")
    }

    fn calls(&self) -> Vec<Call> {
        self.state.0.lock().unwrap().calls.clone()
    }

    /// (method, path) of every call so far.
    fn summary(&self) -> Vec<(String, String)> {
        self.calls()
            .into_iter()
            .map(|c| (c.method, c.path))
            .collect()
    }

    fn seed(&self, collection: &str, name: &str, object: Value) {
        self.state
            .0
            .lock()
            .unwrap()
            .objects
            .insert((collection.into(), name.into()), object);
    }

    fn objects(&self) -> Vec<(String, String)> {
        self.state
            .0
            .lock()
            .unwrap()
            .objects
            .keys()
            .cloned()
            .collect()
    }

    fn release(&self) {
        self.state.0.lock().unwrap().behaviour.hold = None;
        self.state.1.notify_all();
    }

    /// The environment a server needs to register with this fake.
    fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("K8S_HOST", self.url()),
            ("NAMESPACE", NS.into()),
            ("SSL_TOKEN", TOKEN.into()),
            ("CACERT_FILE", self.ca_file().display().to_string()),
            ("EXTERNAL_SERVICE_NAME", CLIENT_SVC.into()),
            ("METRICS_SERVICE_NAME", METRICS_SVC.into()),
        ]
    }
}

fn serve_connection(
    tcp: TcpStream,
    config: Arc<rustls::ServerConfig>,
    state: Arc<(Mutex<State>, Condvar)>,
) {
    let conn = rustls::ServerConnection::new(config).expect("TLS connection");
    let mut stream = BufReader::new(rustls::StreamOwned::new(conn, tcp));
    // A failed handshake or a closed connection ends the loop.
    while let Some(call) = read_request(&mut stream) {
        let (lock, cond) = &*state;
        let mut st = lock.lock().unwrap();
        st.calls.push(call.clone());
        cond.notify_all();
        if st.behaviour.hang {
            drop(st);
            let mut rest = Vec::new();
            let _ = stream.read_to_end(&mut rest);
            return;
        }
        while st.behaviour.hold == Some(call.method.as_str()) {
            st = cond.wait(st).unwrap();
        }
        let (status, body) = answer(&mut st, &call);
        drop(st);
        let reason = match status {
            200 => "OK",
            201 => "Created",
            401 => "Unauthorized",
            403 => "Forbidden",
            404 => "Not Found",
            409 => "Conflict",
            _ => "Other",
        };
        let body = body.to_string();
        let head = format!(
            "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        let out = stream.get_mut();
        if out.write_all(head.as_bytes()).is_err()
            || out.write_all(body.as_bytes()).is_err()
            || out.flush().is_err()
        {
            return;
        }
    }
}

/// One HTTP/1.1 request with a Content-Length body; None at EOF or on errors.
fn read_request(stream: &mut impl BufRead) -> Option<Call> {
    let mut line = String::new();
    if stream.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let path = parts.next()?.to_string();
    let mut headers = BTreeMap::new();
    loop {
        let mut h = String::new();
        stream.read_line(&mut h).ok()?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (k, v) = h.split_once(':')?;
        headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
    }
    let len: usize = headers
        .get("content-length")
        .map(|v| v.parse().expect("numeric content-length"))
        .unwrap_or(0);
    let mut body = vec![0; len];
    stream.read_exact(&mut body).ok()?;
    Some(Call {
        method,
        path,
        headers,
        body,
    })
}

fn status_body(code: u16, reason: &str, message: &str) -> Value {
    json!({
        "kind": "Status", "apiVersion": "v1", "metadata": {},
        "status": "Failure", "message": message, "reason": reason, "code": code
    })
}

/// What the real API server would answer, with the configured overrides.
fn answer(st: &mut State, call: &Call) -> (u16, Value) {
    if let Some((code, message)) = st.behaviour.reject {
        return (code, status_body(code, "Forbidden", message));
    }
    let prefix = format!("/api/v1/namespaces/{NS}/");
    let Some(rest) = call.path.strip_prefix(&prefix) else {
        return (404, status_body(404, "NotFound", "wrong namespace"));
    };
    let segments: Vec<&str> = rest.split('/').collect();
    match (call.method.as_str(), segments.as_slice()) {
        ("POST", [collection]) => {
            let object = call.json();
            let name = object["metadata"]["name"]
                .as_str()
                .unwrap_or("")
                .to_string();
            if let Some((rejected, code)) = st.behaviour.reject_post_of
                && rejected == name
            {
                return (code, status_body(code, "Forbidden", "no"));
            }
            let key = (collection.to_string(), name.clone());
            if st.objects.contains_key(&key) {
                let message = format!("{collection} \"{name}\" already exists");
                return (409, status_body(409, "AlreadyExists", &message));
            }
            st.objects.insert(key, object.clone());
            (201, object)
        }
        ("DELETE", [collection, name]) => {
            match st
                .objects
                .remove(&(collection.to_string(), name.to_string()))
            {
                Some(_) => (
                    200,
                    json!({"kind": "Status", "apiVersion": "v1", "status": "Success"}),
                ),
                None => (
                    404,
                    status_body(
                        404,
                        "NotFound",
                        &format!("{collection} \"{name}\" not found"),
                    ),
                ),
            }
        }
        _ => (405, status_body(405, "MethodNotAllowed", "unsupported")),
    }
}

// ---------------------------------------------------------------------------
// The objects' schemas (core/v1 Service and Endpoints, the fields we may use)
// ---------------------------------------------------------------------------

fn check_keys(what: &str, v: &Value, allowed: &[&str], required: &[&str]) {
    let obj = v
        .as_object()
        .unwrap_or_else(|| panic!("{what} is not an object: {v}"));
    for k in obj.keys() {
        assert!(
            allowed.contains(&k.as_str()),
            "{what}: unknown field {k:?} in {v}"
        );
    }
    for k in required {
        assert!(obj.contains_key(*k), "{what}: missing field {k:?} in {v}");
    }
}

fn check_port_number(what: &str, v: &Value) {
    let p = v
        .as_u64()
        .unwrap_or_else(|| panic!("{what} is not an integer: {v}"));
    assert!((1..=65535).contains(&p), "{what} out of range: {v}");
}

fn check_dns_1035(name: &Value) {
    let s = name.as_str().expect("metadata.name is a string");
    assert!(
        !s.is_empty()
            && s.len() <= 63
            && s.starts_with(|c: char| c.is_ascii_lowercase())
            && !s.ends_with('-')
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
        "metadata.name {s:?} is not a DNS-1035 label"
    );
}

fn check_meta(v: &Value) {
    check_keys(
        "metadata",
        v,
        &["name", "namespace", "labels", "annotations"],
        &["name"],
    );
    check_dns_1035(&v["name"]);
}

fn check_protocol(what: &str, v: &Value) {
    assert!(
        ["TCP", "UDP", "SCTP"].contains(&v.as_str().unwrap_or("")),
        "{what}.protocol: {v}"
    );
}

/// A core/v1 Service as the API server would accept it.
fn check_service_schema(v: &Value) {
    check_keys(
        "Service",
        v,
        &["apiVersion", "kind", "metadata", "spec"],
        &["apiVersion", "kind", "metadata", "spec"],
    );
    assert_eq!(v["apiVersion"], "v1");
    assert_eq!(v["kind"], "Service");
    check_meta(&v["metadata"]);
    let spec = &v["spec"];
    check_keys("spec", spec, &["ports", "selector", "type"], &["ports"]);
    let ports = spec["ports"].as_array().expect("spec.ports is a list");
    assert!(!ports.is_empty(), "spec.ports is empty");
    for p in ports {
        check_keys(
            "ServicePort",
            p,
            &["name", "port", "protocol", "targetPort"],
            &["port"],
        );
        check_port_number("ServicePort.port", &p["port"]);
        check_protocol("ServicePort", &p["protocol"]);
        if !p["targetPort"].is_string() {
            check_port_number("ServicePort.targetPort", &p["targetPort"]);
        }
    }
    if let Some(selector) = spec.get("selector") {
        let map = selector.as_object().expect("selector is a map");
        assert!(
            map.values().all(Value::is_string),
            "selector values: {selector}"
        );
    }
}

/// A core/v1 Endpoints object as the API server would accept it.
fn check_endpoints_schema(v: &Value) {
    check_keys(
        "Endpoints",
        v,
        &["apiVersion", "kind", "metadata", "subsets"],
        &["apiVersion", "kind", "metadata"],
    );
    assert_eq!(v["apiVersion"], "v1");
    assert_eq!(v["kind"], "Endpoints");
    check_meta(&v["metadata"]);
    for subset in v["subsets"].as_array().expect("subsets is a list") {
        check_keys("EndpointSubset", subset, &["addresses", "ports"], &[]);
        for a in subset["addresses"].as_array().expect("addresses") {
            check_keys(
                "EndpointAddress",
                a,
                &["ip", "hostname", "nodeName"],
                &["ip"],
            );
            let ip: std::net::IpAddr = a["ip"].as_str().expect("ip").parse().expect("ip");
            assert!(
                !ip.is_loopback(),
                "the API rejects loopback endpoints: {ip}"
            );
        }
        for p in subset["ports"].as_array().expect("ports") {
            check_keys("EndpointPort", p, &["name", "port", "protocol"], &["port"]);
            check_port_number("EndpointPort.port", &p["port"]);
            check_protocol("EndpointPort", &p["protocol"]);
        }
    }
}

// ---------------------------------------------------------------------------
// Expectations
// ---------------------------------------------------------------------------

fn app_label() -> &'static str {
    if common::hostname().contains("arkouda-locale") {
        "arkouda-locale"
    } else {
        "arkouda-server"
    }
}

fn services_path() -> String {
    format!("/api/v1/namespaces/{NS}/services")
}

fn endpoints_path() -> String {
    format!("/api/v1/namespaces/{NS}/endpoints")
}

fn call(method: &str, path: String) -> (String, String) {
    (method.to_string(), path)
}

/// Checks the headers every call carries, and the JSON of POSTs.
fn check_headers(c: &Call) {
    let what = format!("{} {}", c.method, c.path);
    assert_eq!(
        c.header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str()),
        "{what}"
    );
    assert_eq!(c.header("accept"), Some("application/json"), "{what}");
    assert!(
        c.header("user-agent")
            .is_some_and(|u| u.starts_with("arkouda-server/")),
        "{what}: user-agent {:?}",
        c.header("user-agent")
    );
    if c.method == "POST" {
        assert_eq!(c.header("content-type"), Some("application/json"), "{what}");
    } else {
        assert!(c.body.is_empty(), "{what} has a body");
    }
}

fn service_json(name: &str, port: u16, target: u16, selector: bool) -> Value {
    let mut v = json!({
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name},
        "spec": {"ports": [{"port": port, "protocol": "TCP", "targetPort": target}]}
    });
    if selector {
        v["spec"]["selector"] = json!({"app": app_label()});
    }
    v
}

fn endpoints_json(name: &str, ip: &str, port: u16) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Endpoints",
        "metadata": {"name": name},
        "subsets": [{"addresses": [{"ip": ip}], "ports": [{"port": port, "protocol": "TCP"}]}]
    })
}

fn integration_builder(
    fake: &FakeKube,
    deployment: &str,
    with_metrics: bool,
) -> common::ServerBuilder {
    let daemons = if with_metrics {
        "--ServerDaemon.daemonTypes=ServerDaemonType.INTEGRATION,ServerDaemonType.METRICS"
    } else {
        "--ServerDaemon.daemonTypes=ServerDaemonType.INTEGRATION"
    };
    let mut b = Server::builder()
        .arg(daemons)
        .arg("--ExternalIntegration.systemType=SystemType.KUBERNETES")
        .arg(&format!("--deployment=Deployment.{deployment}"));
    for (k, v) in fake.env() {
        b = b.env(k, &v);
    }
    b
}

/// Arguments and environment for a run that is expected to fail at start-up.
fn failing_run(
    fake_env: Vec<(&'static str, String)>,
    extra_args: &[&str],
    io: &Path,
) -> common::Finished {
    let port = format!("--ServerPort={}", free_port());
    let conn = format!("--serverConnectionInfo={}", io.join("conn").display());
    let mut args = vec![
        "--ServerDaemon.daemonTypes=ServerDaemonType.INTEGRATION",
        "--ExternalIntegration.systemType=SystemType.KUBERNETES",
        "--deployment=Deployment.KUBERNETES",
        "--trace=false",
        port.as_str(),
        conn.as_str(),
    ];
    args.extend_from_slice(extra_args);
    let env: Vec<(&str, &str)> = fake_env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let done = run_to_exit(&args, &env);
    assert!(
        !io.join("conn").exists(),
        "a server that failed to register must not announce itself"
    );
    done
}

fn assert_failed(done: &common::Finished, wants: &[&str]) {
    assert_ne!(
        done.status.code(),
        Some(0),
        "expected a non-zero exit; stdout: {}\nstderr: {}",
        done.stdout,
        done.stderr
    );
    for want in wants {
        assert!(
            done.stderr.contains(want),
            "stderr does not name {want:?}: {}",
            done.stderr
        );
    }
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[test]
fn internal_services_register_at_start_and_deregister_once_at_shutdown() {
    let fake = FakeKube::start();
    let mut server = integration_builder(&fake, "KUBERNETES", true).start();
    // Registration is complete before the connection file appears.
    assert_eq!(
        fake.summary(),
        vec![call("POST", services_path()), call("POST", services_path())]
    );
    let calls = fake.calls();
    for c in &calls {
        check_headers(c);
        check_service_schema(&c.json());
    }
    assert_eq!(
        calls[0].json(),
        service_json(CLIENT_SVC, 5555, server.port, true)
    );
    assert_eq!(
        calls[1].json(),
        service_json(METRICS_SVC, 5556, server.metrics_port, true)
    );
    let stdout = server.stdout();
    assert!(
        stdout.contains(&format!(
            "registered ARKOUDA_CLIENT as Service {NS}/{CLIENT_SVC} (port 5555 -> {})",
            server.port
        )),
        "{stdout}"
    );

    server.client().string_cmd("shutdown").normal();
    server.expect_clean_exit();
    let calls = fake.calls();
    assert_eq!(
        fake.summary(),
        vec![
            call("POST", services_path()),
            call("POST", services_path()),
            call("DELETE", format!("{}/{METRICS_SVC}", services_path())),
            call("DELETE", format!("{}/{CLIENT_SVC}", services_path())),
        ]
    );
    for c in &calls[2..] {
        check_headers(c);
    }
    assert!(
        fake.objects().is_empty(),
        "left behind: {:?}",
        fake.objects()
    );
}

#[test]
fn standard_deployment_registers_service_and_endpoints_and_deletes_both() {
    let fake = FakeKube::start();
    let mut server = integration_builder(&fake, "STANDARD", false)
        .env("ENDPOINT_IP", "192.0.2.10")
        .env("EXTERNAL_SERVICE_PORT", "7000")
        .start();
    assert_eq!(
        fake.summary(),
        vec![
            call("POST", services_path()),
            call("POST", endpoints_path())
        ]
    );
    let calls = fake.calls();
    check_headers(&calls[0]);
    check_headers(&calls[1]);
    check_service_schema(&calls[0].json());
    check_endpoints_schema(&calls[1].json());
    assert_eq!(
        calls[0].json(),
        service_json(CLIENT_SVC, 7000, server.port, false)
    );
    // The Endpoints port is where the server listens.
    assert_eq!(
        calls[1].json(),
        endpoints_json(CLIENT_SVC, "192.0.2.10", server.port)
    );

    server.signal(libc::SIGTERM);
    server.expect_clean_exit();
    assert_eq!(
        fake.summary()[2..],
        [
            call("DELETE", format!("{}/{CLIENT_SVC}", endpoints_path())),
            call("DELETE", format!("{}/{CLIENT_SVC}", services_path())),
        ]
    );
    for c in &fake.calls()[2..] {
        check_headers(c);
    }
    assert!(
        fake.objects().is_empty(),
        "left behind: {:?}",
        fake.objects()
    );
}

#[test]
fn every_clean_exit_deregisters_exactly_once() {
    for path in ["shutdown", "disconnect", "SIGTERM", "SIGINT"] {
        let fake = FakeKube::start();
        let mut builder = integration_builder(&fake, "KUBERNETES", false);
        if path == "disconnect" {
            builder = builder.arg("--autoShutdown");
        }
        let mut server = builder.start();
        match path {
            "shutdown" | "disconnect" => {
                server.client().string_cmd(path).normal();
            }
            "SIGTERM" => server.signal(libc::SIGTERM),
            _ => server.signal(libc::SIGINT),
        }
        server.expect_clean_exit();
        assert_eq!(
            fake.summary(),
            vec![
                call("POST", services_path()),
                call("DELETE", format!("{}/{CLIENT_SVC}", services_path())),
            ],
            "exit by {path}"
        );
    }
}

#[test]
fn a_stale_service_is_replaced() {
    let fake = FakeKube::start();
    fake.seed(
        "services",
        CLIENT_SVC,
        service_json(CLIENT_SVC, 1, 1, false),
    );
    let mut server = integration_builder(&fake, "KUBERNETES", false).start();
    assert_eq!(
        fake.summary(),
        vec![
            call("POST", services_path()),
            call("DELETE", format!("{}/{CLIENT_SVC}", services_path())),
            call("POST", services_path()),
        ]
    );
    let calls = fake.calls();
    for c in &calls {
        check_headers(c);
    }
    assert_eq!(calls[0].json(), calls[2].json());
    assert_eq!(
        calls[2].json(),
        service_json(CLIENT_SVC, 5555, server.port, true)
    );
    let stdout = server.stdout();
    assert!(
        stdout.contains(&format!(
            "Service {NS}/{CLIENT_SVC} already exists (HTTP 409: "
        )) && stdout.contains("services \\\"arkouda-client\\\" already exists"),
        "the 409 and its body are not logged: {stdout}"
    );
    server.signal(libc::SIGTERM);
    server.expect_clean_exit();
    assert_eq!(fake.summary().len(), 4);
}

#[test]
fn a_rejected_registration_exits_before_serving_with_status_and_body() {
    for code in [401, 403] {
        let fake = FakeKube::start_with(Behaviour {
            reject: Some((code, "services is forbidden: User \"system:anonymous\"")),
            ..Behaviour::default()
        });
        let io = TempDir::new().unwrap();
        let done = failing_run(fake.env(), &[], io.path());
        assert_failed(
            &done,
            &[
                &format!(
                    "registering Service {NS}/{CLIENT_SVC} with Kubernetes failed (HTTP {code}: "
                ),
                "services is forbidden: User \\\"system:anonymous\\\"",
            ],
        );
        assert!(
            done.stdout.contains(&format!("HTTP {code}: ")),
            "not logged: {}",
            done.stdout
        );
        assert_eq!(fake.summary(), vec![call("POST", services_path())]);
    }
}

#[test]
fn a_failed_second_registration_rolls_back_the_first() {
    let fake = FakeKube::start_with(Behaviour {
        reject_post_of: Some((METRICS_SVC, 403)),
        ..Behaviour::default()
    });
    let io = TempDir::new().unwrap();
    let metrics = format!("--metricsPort={}", free_port());
    let done = failing_run(
        fake.env(),
        &[
            "--ServerDaemon.daemonTypes=ServerDaemonType.INTEGRATION,ServerDaemonType.METRICS",
            &metrics,
        ],
        io.path(),
    );
    assert_failed(&done, &[&format!("Service {NS}/{METRICS_SVC}"), "HTTP 403"]);
    assert_eq!(
        fake.summary(),
        vec![
            call("POST", services_path()),
            call("POST", services_path()),
            call("DELETE", format!("{}/{CLIENT_SVC}", services_path())),
        ]
    );
    assert!(fake.objects().is_empty());
}

#[test]
fn a_wrong_ca_fails_the_tls_handshake() {
    let fake = FakeKube::start();
    let other = FakeKube::start();
    let mut env = fake.env();
    env.retain(|(k, _)| *k != "CACERT_FILE");
    env.push(("CACERT_FILE", other.ca_file().display().to_string()));
    let io = TempDir::new().unwrap();
    let done = failing_run(env, &[], io.path());
    assert_failed(
        &done,
        &[
            "TLS with the Kubernetes API server",
            "invalid peer certificate",
        ],
    );
    assert!(
        fake.calls().is_empty(),
        "a request got through: {:?}",
        fake.summary()
    );
}

#[test]
fn insecure_flag_skips_verification_and_warns() {
    let fake = FakeKube::start();
    let other = FakeKube::start();
    let mut server = integration_builder(&fake, "KUBERNETES", false)
        .env("CACERT_FILE", &other.ca_file().display().to_string())
        .arg("--ExternalIntegration.insecureSkipTlsVerify")
        .start();
    assert_eq!(fake.summary(), vec![call("POST", services_path())]);
    let stdout = server.stdout();
    assert!(
        stdout.lines().any(|l| l.contains(" WARN ")
            && l.contains("--ExternalIntegration.insecureSkipTlsVerify")
            && l.contains("NOT verified")),
        "no start-up warning: {stdout}"
    );
    server.signal(libc::SIGTERM);
    server.expect_clean_exit();
}

#[test]
fn a_hanging_api_server_times_out() {
    let fake = FakeKube::start_with(Behaviour {
        hang: true,
        ..Behaviour::default()
    });
    let io = TempDir::new().unwrap();
    let done = failing_run(
        fake.env(),
        &["--ExternalIntegration.requestTimeout=1"],
        io.path(),
    );
    assert_failed(
        &done,
        &["no answer from the Kubernetes API server", "within 1 s"],
    );
    assert_eq!(fake.summary(), vec![call("POST", services_path())]);
}

#[test]
fn an_unreachable_api_server_is_named() {
    let fake = FakeKube::start();
    let mut env = fake.env();
    // A port that was free a moment ago: nothing listens there.
    let dead = format!("https://127.0.0.1:{}", free_port());
    env.retain(|(k, _)| *k != "K8S_HOST");
    env.push(("K8S_HOST", dead.clone()));
    let io = TempDir::new().unwrap();
    let done = failing_run(env, &[], io.path());
    assert_failed(
        &done,
        &[&format!(
            "cannot reach the Kubernetes API server ({dead}/api/v1/"
        )],
    );
}

#[test]
fn missing_settings_are_named() {
    let fake = FakeKube::start();
    let mut env = fake.env();
    env.retain(|(k, _)| *k != "EXTERNAL_SERVICE_NAME");
    let io = TempDir::new().unwrap();
    let done = failing_run(env, &[], io.path());
    assert_failed(&done, &["EXTERNAL_SERVICE_NAME is not set"]);
    let mut env = fake.env();
    env.push(("CACERT_FILE", "/nonexistent/ca.crt".into()));
    let done = failing_run(env, &[], io.path());
    assert_failed(&done, &["cannot read the CA file /nonexistent/ca.crt"]);
    assert!(fake.calls().is_empty());
}

#[test]
fn other_system_types_register_nothing() {
    let fake = FakeKube::start();
    let mut b = Server::builder()
        .arg("--ServerDaemon.daemonTypes=ServerDaemonType.INTEGRATION")
        .arg("--ExternalIntegration.systemType=SystemType.NONE");
    for (k, v) in fake.env() {
        b = b.env(k, &v);
    }
    let mut server = b.start();
    server.client().string_cmd("shutdown").normal();
    server.expect_clean_exit();
    assert!(fake.calls().is_empty());
    assert!(
        server.stdout().lines().any(|l| l.contains(" INFO ")
            && l.contains("INTEGRATION daemon with system type None: nothing to register")),
        "{}",
        server.stdout()
    );
}

/// GET on the HTTP daemon: (status, body).
fn http_get(port: u16, path: &str) -> (u16, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into();
    let mut response = agent
        .get(&format!("http://127.0.0.1:{port}{path}"))
        .call()
        .expect("HTTP daemon answers");
    let status = response.status().as_u16();
    (
        status,
        response.body_mut().read_to_string().unwrap_or_default(),
    )
}

#[test]
fn readyz_is_503_while_the_server_deregisters() {
    let fake = FakeKube::start_with(Behaviour {
        hold: Some("DELETE"),
        ..Behaviour::default()
    });
    let http_port = free_port();
    let mut server = integration_builder(&fake, "KUBERNETES", false)
        .arg("--ServerDaemon.daemonTypes=ServerDaemonType.INTEGRATION,ServerDaemonType.HTTP")
        .arg(&format!("--httpPort={http_port}"))
        .start();
    assert!(
        wait_until(WAIT, || http_get(http_port, "/readyz").0 == 200),
        "never ready"
    );
    server.client().string_cmd("shutdown").normal();
    // The DELETE is held by the fake: the server is now shutting down.
    assert!(
        wait_until(WAIT, || fake.summary().len() == 2),
        "no DELETE: {:?}",
        fake.summary()
    );
    assert_eq!(
        http_get(http_port, "/readyz"),
        (503, "not ready: shutting down\n".to_string())
    );
    assert_eq!(http_get(http_port, "/healthz").0, 200);
    assert!(server.is_running());
    fake.release();
    server.expect_clean_exit();
    assert_eq!(
        fake.summary(),
        vec![
            call("POST", services_path()),
            call("DELETE", format!("{}/{CLIENT_SVC}", services_path())),
        ]
    );
}

#[test]
fn probes_answer_while_the_server_registers() {
    let fake = Arc::new(FakeKube::start_with(Behaviour {
        hold: Some("POST"),
        ..Behaviour::default()
    }));
    let http_port = free_port();
    let builder = integration_builder(&fake, "KUBERNETES", false)
        .arg("--ServerDaemon.daemonTypes=ServerDaemonType.INTEGRATION,ServerDaemonType.HTTP")
        .arg(&format!("--httpPort={http_port}"))
        // The held POST must not time out however slow the machine is.
        .arg("--ExternalIntegration.requestTimeout=120");
    let starting = thread::spawn(move || builder.start());
    assert!(
        wait_until(WAIT, || fake.summary().len() == 1),
        "no POST: {:?}",
        fake.summary()
    );
    // The POST is held: the command daemon does not serve yet.
    assert_eq!(
        http_get(http_port, "/readyz"),
        (
            503,
            "not ready: daemons not serving yet: Integration\n".to_string()
        )
    );
    assert_eq!(http_get(http_port, "/healthz").0, 200);
    fake.release();
    let mut server = starting.join().expect("server starts");
    assert!(
        wait_until(WAIT, || http_get(http_port, "/readyz").0 == 200),
        "never ready"
    );
    server.signal(libc::SIGTERM);
    server.expect_clean_exit();
    assert_eq!(
        fake.summary(),
        vec![
            call("POST", services_path()),
            call("DELETE", format!("{}/{CLIENT_SVC}", services_path())),
        ]
    );
}

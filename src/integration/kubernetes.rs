//! Kubernetes registration over the API server's REST interface.
//!
//! `Deployment.KUBERNETES` (the server runs in a pod): one Service per endpoint
//! that selects the server's pods by their `app` label. `Deployment.STANDARD`
//! (the server runs outside the cluster): a Service without selector plus an
//! Endpoints object with this host's address. Deregistration deletes every
//! object that registration created, Endpoints included.

use std::net::{IpAddr, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{Value, json};
use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig, TlsProvider};

use crate::config::{ARKOUDA_VERSION, Config, DaemonType, Deployment};

/// Where Kubernetes mounts a pod's service-account token, CA and namespace.
pub const SERVICE_ACCOUNT_DIR: &str = "/var/run/secrets/kubernetes.io/serviceaccount";

/// One registered endpoint: which daemon, under which Service name and ports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceSpec {
    /// `ARKOUDA_CLIENT` or `METRICS`, for messages.
    pub endpoint: &'static str,
    pub name: String,
    pub port: u16,
    pub target_port: u16,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    Env(String),
    /// Re-read for every request: projected service-account tokens rotate.
    File(PathBuf),
    None,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Roots {
    File(PathBuf),
    System,
}

/// Everything registration needs, read once at start-up.
#[derive(Clone, Debug)]
pub struct Settings {
    /// API server base URL without a trailing slash.
    pub api: String,
    pub namespace: String,
    token: Token,
    roots: Roots,
    pub insecure: bool,
    pub timeout: Duration,
    pub deployment: Deployment,
    /// The pods' `app` label, the selector under `Deployment.KUBERNETES`.
    pub app: String,
    /// This host's address for the Endpoints objects (`Deployment.STANDARD`).
    pub host_ip: Option<IpAddr>,
    pub services: Vec<ServiceSpec>,
}

impl Settings {
    /// Reads the §7.3 environment (`env`, empty meaning unset) with the
    /// in-cluster files of `sa_dir` as fallbacks.
    pub fn from_env(
        config: &Config,
        hostname: &str,
        env: &dyn Fn(&str) -> Option<String>,
        sa_dir: &Path,
    ) -> Result<Settings, String> {
        let var = |key: &str| {
            env(key)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let port = |key: &str, default: u16| -> Result<u16, String> {
            match var(key) {
                None => Ok(default),
                Some(v) => v
                    .parse::<u16>()
                    .ok()
                    .filter(|p| *p > 0)
                    .ok_or_else(|| format!("{key}='{v}' is not a port 1-65535")),
            }
        };
        let service_name = |key: &str| -> Result<String, String> {
            let name = var(key).ok_or_else(|| {
                format!("{key} is not set: it names the Kubernetes Service to register")
            })?;
            if is_dns_label(&name, true) {
                Ok(name)
            } else {
                Err(format!(
                    "{key}='{name}' is not a valid Service name (lower-case letters, digits \
                     and '-', starting with a letter, at most 63 characters)"
                ))
            }
        };
        let api = match var("K8S_HOST") {
            Some(host) => {
                let host = host.trim_end_matches('/');
                if host.contains("://") {
                    host.to_string()
                } else {
                    format!("https://{host}")
                }
            }
            None => match (
                var("KUBERNETES_SERVICE_HOST"),
                var("KUBERNETES_SERVICE_PORT"),
            ) {
                (Some(h), Some(p)) if h.contains(':') => format!("https://[{h}]:{p}"),
                (Some(h), Some(p)) => format!("https://{h}:{p}"),
                _ => {
                    return Err("K8S_HOST is not set and this is not a pod \
                                (no KUBERNETES_SERVICE_HOST/PORT): cannot find the API server"
                        .into());
                }
            },
        };
        if !api.starts_with("https://") && !api.starts_with("http://") {
            return Err(format!(
                "K8S_HOST='{api}' must be an https:// (or http://) URL"
            ));
        }
        let namespace = match var("NAMESPACE") {
            Some(ns) => ns,
            None => std::fs::read_to_string(sa_dir.join("namespace"))
                .map(|ns| ns.trim().to_string())
                .ok()
                .filter(|ns| !ns.is_empty())
                .unwrap_or_else(|| "default".into()),
        };
        if !is_dns_label(&namespace, false) {
            return Err(format!(
                "NAMESPACE='{namespace}' is not a valid namespace name"
            ));
        }
        let token = match var("SSL_TOKEN") {
            Some(t) => Token::Env(t),
            None if sa_dir.join("token").is_file() => Token::File(sa_dir.join("token")),
            None => Token::None,
        };
        let roots = match var("CACERT_FILE") {
            Some(path) => Roots::File(PathBuf::from(path)),
            None if sa_dir.join("ca.crt").is_file() => Roots::File(sa_dir.join("ca.crt")),
            None => Roots::System,
        };
        let mut services = vec![ServiceSpec {
            endpoint: "ARKOUDA_CLIENT",
            name: service_name("EXTERNAL_SERVICE_NAME")?,
            port: port("EXTERNAL_SERVICE_PORT", 5555)?,
            target_port: port("EXTERNAL_SERVICE_TARGET_PORT", config.server_port)?,
        }];
        if config.has_daemon(DaemonType::Metrics) {
            services.push(ServiceSpec {
                endpoint: "METRICS",
                name: service_name("METRICS_SERVICE_NAME")?,
                port: port("METRICS_SERVICE_PORT", 5556)?,
                target_port: port("METRICS_SERVICE_TARGET_PORT", config.metrics_port)?,
            });
        }
        if services.len() == 2 && services[0].name == services[1].name {
            return Err(format!(
                "EXTERNAL_SERVICE_NAME and METRICS_SERVICE_NAME are both '{}'",
                services[0].name
            ));
        }
        let host_ip = match config.deployment {
            Deployment::Kubernetes => None,
            Deployment::Standard => Some(match var("ENDPOINT_IP") {
                Some(ip) => ip
                    .parse::<IpAddr>()
                    .map_err(|_| format!("ENDPOINT_IP='{ip}' is not an IP address"))?,
                None => {
                    let hosts = std::fs::read_to_string("/etc/hosts").unwrap_or_default();
                    host_ip(hostname, &hosts).ok_or_else(|| {
                        format!(
                            "cannot find a non-loopback address of host '{hostname}' for the \
                             Endpoints object (neither /etc/hosts nor DNS has one); set ENDPOINT_IP"
                        )
                    })?
                }
            }),
        };
        Ok(Settings {
            api,
            namespace,
            token,
            roots,
            insecure: config.k8s_insecure_skip_tls_verify,
            timeout: config.k8s_request_timeout,
            deployment: config.deployment,
            app: app_name(hostname).to_string(),
            host_ip,
            services,
        })
    }
}

/// The pods' `app` label: Arkouda's Helm charts name locale pods `arkouda-locale-*`.
pub fn app_name(hostname: &str) -> &'static str {
    if hostname.contains("arkouda-locale") {
        "arkouda-locale"
    } else {
        "arkouda-server"
    }
}

/// A DNS-1035 (`letter_first`) or DNS-1123 label, as Kubernetes requires
/// for Service and namespace names; also keeps names path-safe in URLs.
fn is_dns_label(s: &str, letter_first: bool) -> bool {
    let b = s.as_bytes();
    let ok_char = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-';
    !b.is_empty()
        && b.len() <= 63
        && b.iter().all(ok_char)
        && (b[0].is_ascii_lowercase() || (!letter_first && b[0].is_ascii_digit()))
        && b[b.len() - 1] != b'-'
}

/// This host's address: the first `/etc/hosts` entry naming the host (full or
/// short name) that is not loopback, else the first such address from DNS.
/// Loopback addresses are useless to other machines and the API rejects them.
pub fn host_ip(hostname: &str, etc_hosts: &str) -> Option<IpAddr> {
    let short = hostname.split('.').next().unwrap_or(hostname);
    let usable = |ip: &IpAddr| !ip.is_loopback() && !ip.is_unspecified();
    let from_file = etc_hosts.lines().find_map(|line| {
        let line = line.split('#').next().unwrap_or("");
        let mut fields = line.split_whitespace();
        let ip = fields.next()?.parse::<IpAddr>().ok().filter(usable)?;
        fields.any(|n| n == hostname || n == short).then_some(ip)
    });
    from_file.or_else(|| {
        (hostname, 0)
            .to_socket_addrs()
            .ok()?
            .map(|a| a.ip())
            .find(usable)
    })
}

/// The HTTP side: one agent with the TLS settings, the timeout and the token.
pub struct Registrar {
    settings: Settings,
    agent: ureq::Agent,
}

/// What a response said: status and body, for decisions and messages.
struct Answer {
    status: u16,
    body: String,
}

impl Answer {
    fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    fn describe(&self) -> String {
        let body = self.body.trim();
        let body = if body.len() > 2000 {
            &body[..body.floor_char_boundary(2000)]
        } else {
            body
        };
        format!("HTTP {}: {body}", self.status)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Service,
    Endpoints,
}

impl Kind {
    fn collection(self) -> &'static str {
        match self {
            Kind::Service => "services",
            Kind::Endpoints => "endpoints",
        }
    }
}

impl Registrar {
    pub fn new(settings: Settings) -> Result<Registrar, String> {
        let roots = match &settings.roots {
            Roots::File(path) => RootCerts::new_with_certs(&load_certs(path)?),
            Roots::System => RootCerts::PlatformVerifier,
        };
        let tls = TlsConfig::builder()
            .provider(TlsProvider::Rustls)
            .root_certs(roots)
            .disable_verification(settings.insecure)
            .build();
        let agent = ureq::Agent::config_builder()
            .tls_config(tls)
            .timeout_global(Some(settings.timeout))
            .http_status_as_error(false)
            // A redirect could carry the token to another host.
            .max_redirects(0)
            .user_agent(format!("arkouda-server/{ARKOUDA_VERSION}"))
            .build()
            .new_agent();
        if settings.api.starts_with("http://") && settings.token != Token::None {
            log::warn!(
                "K8S_HOST {} is plain HTTP: the bearer token travels unencrypted",
                settings.api
            );
        }
        if settings.token == Token::None {
            log::warn!(
                "no SSL_TOKEN and no service-account token: Kubernetes requests carry no Authorization"
            );
        }
        Ok(Registrar { settings, agent })
    }

    /// Creates every Service (and Endpoints object) or none: on failure what
    /// was created is deleted again and the error names the cause.
    pub fn register(self) -> Result<Registration, String> {
        let mut registration = Registration {
            registrar: self,
            created: Vec::new(),
        };
        let specs = registration.registrar.settings.services.clone();
        for spec in &specs {
            let steps = [
                Some((Kind::Service, registration.registrar.service_body(spec))),
                registration
                    .registrar
                    .endpoints_body(spec)
                    .map(|b| (Kind::Endpoints, b)),
            ];
            for (kind, body) in steps.into_iter().flatten() {
                if let Err(e) = registration.registrar.create(kind, &spec.name, &body) {
                    log::error!("{e}");
                    registration.delete_all("rolling back");
                    return Err(e);
                }
                registration.created.push((kind, spec.name.clone()));
            }
            log::info!(
                "registered {} as Service {}/{} (port {} -> {}) with Kubernetes at {}",
                spec.endpoint,
                registration.registrar.settings.namespace,
                spec.name,
                spec.port,
                spec.target_port,
                registration.registrar.settings.api
            );
        }
        Ok(registration)
    }

    fn service_body(&self, spec: &ServiceSpec) -> Value {
        let mut body = json!({
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": spec.name},
            "spec": {
                "ports": [{"port": spec.port, "protocol": "TCP", "targetPort": spec.target_port}]
            }
        });
        if self.settings.deployment == Deployment::Kubernetes {
            body["spec"]["selector"] = json!({"app": self.settings.app});
        }
        body
    }

    /// The Endpoints object of a selector-less Service: its port is where the
    /// server listens (the target port), since nothing translates it.
    fn endpoints_body(&self, spec: &ServiceSpec) -> Option<Value> {
        let ip = self.settings.host_ip?;
        Some(json!({
            "apiVersion": "v1",
            "kind": "Endpoints",
            "metadata": {"name": spec.name},
            "subsets": [{
                "addresses": [{"ip": ip.to_string()}],
                "ports": [{"port": spec.target_port, "protocol": "TCP"}]
            }]
        }))
    }

    fn collection_url(&self, kind: Kind) -> String {
        format!(
            "{}/api/v1/namespaces/{}/{}",
            self.settings.api,
            self.settings.namespace,
            kind.collection()
        )
    }

    fn object_url(&self, kind: Kind, name: &str) -> String {
        format!("{}/{name}", self.collection_url(kind))
    }

    /// POSTs the object; a 409 (left over from a server that did not
    /// deregister) is resolved by deleting the stale object and posting again.
    fn create(&self, kind: Kind, name: &str, body: &Value) -> Result<(), String> {
        let what = format!("{kind:?} {}/{name}", self.settings.namespace);
        let url = self.collection_url(kind);
        let answer = self
            .post(&url, body)
            .map_err(|e| format!("registering {what}: {e}"))?;
        if answer.ok() {
            return Ok(());
        }
        if answer.status != 409 {
            return Err(format!(
                "registering {what} with Kubernetes failed ({})",
                answer.describe()
            ));
        }
        log::warn!(
            "{what} already exists ({}); replacing the stale object",
            answer.describe()
        );
        let deleted = self
            .delete(kind, name)
            .map_err(|e| format!("replacing the stale {what}: {e}"))?;
        if !deleted.ok() && deleted.status != 404 {
            return Err(format!(
                "replacing the stale {what}: delete failed ({})",
                deleted.describe()
            ));
        }
        let answer = self
            .post(&url, body)
            .map_err(|e| format!("registering {what}: {e}"))?;
        if answer.ok() {
            Ok(())
        } else {
            Err(format!(
                "registering {what} with Kubernetes failed after replacing the stale one ({})",
                answer.describe()
            ))
        }
    }

    fn post(&self, url: &str, body: &Value) -> Result<Answer, String> {
        log::debug!("POST {url} {body}");
        let request = self
            .agent
            .post(url)
            .header("Accept", "application/json")
            .header("Content-Type", "application/json");
        let request = match self.token()? {
            Some(t) => request.header("Authorization", format!("Bearer {t}")),
            None => request,
        };
        self.answer(url, request.send(body.to_string()))
    }

    fn delete(&self, kind: Kind, name: &str) -> Result<Answer, String> {
        let url = self.object_url(kind, name);
        log::debug!("DELETE {url}");
        let request = self.agent.delete(&url).header("Accept", "application/json");
        let request = match self.token()? {
            Some(t) => request.header("Authorization", format!("Bearer {t}")),
            None => request,
        };
        self.answer(&url, request.call())
    }

    fn token(&self) -> Result<Option<String>, String> {
        match &self.settings.token {
            Token::Env(t) => Ok(Some(t.clone())),
            Token::File(path) => std::fs::read_to_string(path)
                .map(|t| Some(t.trim().to_string()))
                .map_err(|e| {
                    format!(
                        "cannot read the service-account token {}: {e}",
                        path.display()
                    )
                }),
            Token::None => Ok(None),
        }
    }

    fn answer(
        &self,
        url: &str,
        result: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> Result<Answer, String> {
        match result {
            Ok(mut response) => {
                let status = response.status().as_u16();
                let body = response.body_mut().read_to_string().unwrap_or_default();
                log::debug!("{url} answered HTTP {status}: {body}");
                Ok(Answer { status, body })
            }
            Err(e) => Err(self.transport_error(url, e)),
        }
    }

    fn transport_error(&self, url: &str, e: ureq::Error) -> String {
        match e {
            ureq::Error::Timeout(_) => format!(
                "no answer from the Kubernetes API server ({url}) within {} s \
                 (--ExternalIntegration.requestTimeout)",
                self.settings.timeout.as_secs()
            ),
            // rustls reports certificate failures as I/O errors of kind InvalidData.
            ureq::Error::Io(ref io) if io.kind() == std::io::ErrorKind::InvalidData => format!(
                "TLS with the Kubernetes API server ({url}) failed: {e} \
                 (is CACERT_FILE the CA of its certificate?)"
            ),
            ureq::Error::Tls(_) | ureq::Error::Rustls(_) => format!(
                "TLS with the Kubernetes API server ({url}) failed: {e} \
                 (is CACERT_FILE the CA of its certificate?)"
            ),
            e => format!("cannot reach the Kubernetes API server ({url}): {e}"),
        }
    }
}

/// What was registered; consumed by [`Registration::deregister`], so the
/// deletions run exactly once.
pub struct Registration {
    registrar: Registrar,
    created: Vec<(Kind, String)>,
}

impl Registration {
    /// Deletes every object registration created (Endpoints before their
    /// Service). Failures are logged; shutdown goes on.
    pub fn deregister(mut self) {
        self.delete_all("deregistering");
    }

    fn delete_all(&mut self, why: &str) {
        let ns = self.registrar.settings.namespace.clone();
        while let Some((kind, name)) = self.created.pop() {
            match self.registrar.delete(kind, &name) {
                Ok(a) if a.ok() => log::info!("{why}: deleted {kind:?} {ns}/{name}"),
                Ok(a) if a.status == 404 => {
                    log::warn!("{why}: {kind:?} {ns}/{name} was already gone")
                }
                Ok(a) => log::error!(
                    "{why}: deleting {kind:?} {ns}/{name} failed ({})",
                    a.describe()
                ),
                Err(e) => log::error!("{why}: deleting {kind:?} {ns}/{name}: {e}"),
            }
        }
    }
}

/// The certificates of a PEM file; an unreadable or empty file is an error
/// (silently trusting nothing, or everything, would hide the mistake).
fn load_certs(path: &Path) -> Result<Vec<Certificate<'static>>, String> {
    let pem = std::fs::read(path)
        .map_err(|e| format!("cannot read the CA file {}: {e}", path.display()))?;
    let mut certs = Vec::new();
    for item in ureq::tls::parse_pem(&pem) {
        match item {
            Ok(PemItem::Certificate(c)) => certs.push(c),
            Ok(_) => {}
            Err(e) => return Err(format!("CA file {}: {e}", path.display())),
        }
    }
    if certs.is_empty() {
        return Err(format!(
            "CA file {} holds no PEM certificate",
            path.display()
        ));
    }
    Ok(certs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn settings(
        vars: &[(&str, &str)],
        daemon_metrics: bool,
        deployment: Deployment,
        sa_dir: &Path,
    ) -> Result<Settings, String> {
        let mut config = Config::defaults();
        config.deployment = deployment;
        if daemon_metrics {
            config.daemon_types.push(DaemonType::Metrics);
        }
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let env = move |k: &str| vars.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        Settings::from_env(&config, "node7", &env, sa_dir)
    }

    #[test]
    fn env_and_defaults() {
        let none = Path::new("/nonexistent-sa-dir");
        let s = settings(
            &[
                ("K8S_HOST", "https://10.0.0.1:6443/"),
                ("EXTERNAL_SERVICE_NAME", "arkouda"),
                ("METRICS_SERVICE_NAME", "arkouda-metrics"),
                ("METRICS_SERVICE_PORT", "6000"),
                ("SSL_TOKEN", "tok"),
            ],
            true,
            Deployment::Kubernetes,
            none,
        )
        .unwrap();
        assert_eq!(s.api, "https://10.0.0.1:6443");
        assert_eq!(s.namespace, "default");
        assert_eq!(s.token, Token::Env("tok".into()));
        assert_eq!(s.roots, Roots::System);
        assert_eq!(s.app, "arkouda-server");
        assert_eq!(s.host_ip, None);
        assert_eq!(
            s.services,
            vec![
                ServiceSpec {
                    endpoint: "ARKOUDA_CLIENT",
                    name: "arkouda".into(),
                    port: 5555,
                    target_port: 5555
                },
                ServiceSpec {
                    endpoint: "METRICS",
                    name: "arkouda-metrics".into(),
                    port: 6000,
                    target_port: 5556
                },
            ]
        );
        let err = settings(&[("K8S_HOST", "h")], false, Deployment::Kubernetes, none);
        assert!(err.unwrap_err().contains("EXTERNAL_SERVICE_NAME"));
        let err = settings(
            &[("EXTERNAL_SERVICE_NAME", "a")],
            false,
            Deployment::Kubernetes,
            none,
        );
        assert!(err.unwrap_err().contains("K8S_HOST"));
        let err = settings(
            &[("K8S_HOST", "h"), ("EXTERNAL_SERVICE_NAME", "../x")],
            false,
            Deployment::Kubernetes,
            none,
        );
        assert!(err.unwrap_err().contains("not a valid Service name"));
    }

    #[test]
    fn in_cluster_fallbacks() {
        let dir = std::env::temp_dir().join(format!("ak-sa-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("token"), "sa-token\n").unwrap();
        std::fs::write(dir.join("ca.crt"), "x").unwrap();
        std::fs::write(dir.join("namespace"), "arkouda-ns\n").unwrap();
        let s = settings(
            &[
                ("KUBERNETES_SERVICE_HOST", "fd00::1"),
                ("KUBERNETES_SERVICE_PORT", "443"),
                ("EXTERNAL_SERVICE_NAME", "arkouda"),
                ("ENDPOINT_IP", "192.0.2.7"),
            ],
            false,
            Deployment::Standard,
            &dir,
        )
        .unwrap();
        assert_eq!(s.api, "https://[fd00::1]:443");
        assert_eq!(s.namespace, "arkouda-ns");
        assert_eq!(s.token, Token::File(dir.join("token")));
        assert_eq!(s.roots, Roots::File(dir.join("ca.crt")));
        assert_eq!(s.host_ip, Some("192.0.2.7".parse().unwrap()));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn host_addresses() {
        let hosts = "127.0.0.1 localhost node7\n# 10.9.9.9 node7\n10.1.2.3 node70\n10.1.2.4 node7.cluster node7\n";
        assert_eq!(host_ip("node7", hosts), Some("10.1.2.4".parse().unwrap()));
        assert_eq!(
            host_ip("node7.cluster", hosts),
            Some("10.1.2.4".parse().unwrap())
        );
        assert_eq!(app_name("arkouda-locale-0"), "arkouda-locale");
        assert_eq!(app_name("node7"), "arkouda-server");
        assert!(is_dns_label("arkouda-1", true));
        assert!(!is_dns_label("1arkouda", true));
        assert!(is_dns_label("1ns", false));
        assert!(!is_dns_label("a-", false));
        assert!(!is_dns_label("A", false));
    }
}

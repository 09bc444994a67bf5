//! Registration with external systems (spec §7): the INTEGRATION daemon type
//! announces the command daemon (and the METRICS daemon) to Kubernetes as
//! Services while the server runs. Other system types have nothing to do.

pub mod kubernetes;

use std::path::Path;

use crate::config::{Config, DaemonType, SystemType};

pub use kubernetes::{Registrar, Registration};

/// Checks the registration settings before any port is bound. Returns the
/// registrar to run once the daemons' sockets are bound, or `None` when the
/// configuration registers nothing.
pub fn prepare(config: &Config, hostname: &str) -> Result<Option<Registrar>, String> {
    let kubernetes =
        config.has_daemon(DaemonType::Integration) && config.system_type == SystemType::Kubernetes;
    if config.k8s_insecure_skip_tls_verify {
        if kubernetes {
            log::warn!(
                "--ExternalIntegration.insecureSkipTlsVerify: the Kubernetes API server's \
                 certificate is NOT verified; anyone on the network path can impersonate it"
            );
        } else {
            log::warn!(
                "--ExternalIntegration.insecureSkipTlsVerify has no effect without \
                 INTEGRATION and SystemType.KUBERNETES"
            );
        }
    }
    if !config.has_daemon(DaemonType::Integration) {
        return Ok(None);
    }
    if !kubernetes {
        log::info!(
            "INTEGRATION daemon with system type {:?}: nothing to register",
            config.system_type
        );
        return Ok(None);
    }
    let env = |key: &str| std::env::var(key).ok();
    let settings = kubernetes::Settings::from_env(
        config,
        hostname,
        &env,
        Path::new(kubernetes::SERVICE_ACCOUNT_DIR),
    )?;
    Registrar::new(settings).map(Some)
}

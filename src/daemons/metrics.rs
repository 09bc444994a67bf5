//! The METRICS daemon: request metrics on their own port, for exporters that
//! poll while the command daemon is busy.

use super::Daemon;
use crate::commands;
use crate::config::DaemonType;
use crate::handler;
use crate::state::Shared;

pub fn daemon(shared: &Shared) -> Daemon {
    Daemon::side(
        DaemonType::Metrics,
        shared.config.metrics_port,
        "metrics server",
        &[
            ("connect", handler!(commands::session::connect)),
            ("getconfig", handler!(commands::config::getconfig)),
            ("metrics", handler!(commands::metrics::metrics)),
        ],
    )
}

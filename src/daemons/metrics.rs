//! The METRICS daemon: request metrics on their own port, for exporters that
//! poll while the command daemon is busy.

use super::{Daemon, Role};
use crate::commands::{self, CommandMap, Kind};
use crate::config::DaemonType;
use crate::handler;
use crate::state::Shared;

pub fn daemon(shared: &Shared) -> Daemon {
    let mut map = CommandMap::default();
    map.add(
        "connect",
        handler!(commands::session::connect),
        Kind::Special,
        "MetricsMsg",
    );
    map.add(
        "getconfig",
        handler!(commands::config::getconfig),
        Kind::Special,
        "MetricsMsg",
    );
    map.add(
        "metrics",
        handler!(commands::metrics::metrics),
        Kind::Special,
        "MetricsMsg",
    );
    Daemon {
        daemon_type: DaemonType::Metrics,
        port: shared.config.metrics_port,
        server_kind: "metrics server",
        role: Role::Side,
        commands: map,
        commands_log: None,
    }
}

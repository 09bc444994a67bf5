//! The STATUS daemon: liveness, memory and `serverstatus`, answered at once
//! even while the command daemon runs a long command.

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
        "StatusMsg",
    );
    map.add(
        "ruok",
        handler!(commands::session::ruok),
        Kind::Special,
        "StatusMsg",
    );
    map.add(
        "getconfig",
        handler!(commands::config::getconfig),
        Kind::Special,
        "StatusMsg",
    );
    map.add(
        "getmemstatus",
        handler!(commands::memory::getmemstatus),
        Kind::Special,
        "StatusMsg",
    );
    map.add(
        "serverstatus",
        handler!(commands::status::serverstatus),
        Kind::Special,
        "StatusMsg",
    );
    Daemon {
        daemon_type: DaemonType::Status,
        port: shared.config.status_port,
        server_kind: "status server",
        role: Role::Side,
        commands: map,
        commands_log: None,
    }
}

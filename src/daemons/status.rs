//! The STATUS daemon: liveness, memory and `serverstatus`, answered at once
//! even while the command daemon runs a long command.

use super::Daemon;
use crate::commands;
use crate::config::DaemonType;
use crate::handler;
use crate::state::Shared;

pub fn daemon(shared: &Shared) -> Daemon {
    Daemon::side(
        DaemonType::Status,
        shared.config.status_port,
        "status server",
        &[
            ("connect", handler!(commands::session::connect)),
            ("ruok", handler!(commands::session::ruok)),
            ("getconfig", handler!(commands::config::getconfig)),
            ("getmemstatus", handler!(commands::memory::getmemstatus)),
            ("serverstatus", handler!(commands::status::serverstatus)),
        ],
    )
}

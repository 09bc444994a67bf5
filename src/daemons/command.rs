//! The command daemon (DEFAULT, or INTEGRATION which adds Kubernetes
//! registration around it): every command the client sends.

use std::fs::{File, OpenOptions};
use std::path::Path;

use super::{Daemon, Role};
use crate::commands::CommandMap;
use crate::config::DaemonType;
use crate::state::Shared;

pub fn daemon(
    daemon_type: DaemonType,
    shared: &Shared,
    arkouda_dir: &Path,
) -> std::io::Result<Daemon> {
    let commands_log: Option<File> = if shared.config.log_commands {
        Some(
            OpenOptions::new()
                .create(true)
                .append(true)
                .open(arkouda_dir.join("commands.log"))?,
        )
    } else {
        None
    };
    Ok(Daemon {
        daemon_type,
        port: shared.config.server_port,
        server_kind: "server",
        role: Role::Command,
        commands: CommandMap::for_command_daemon(shared),
        commands_log,
    })
}

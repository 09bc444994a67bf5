//! The daemons: one thread and one REP socket each. This file holds the loop
//! they share; the files beside it define each daemon type's commands and
//! policy.
//!
//! The loop owns everything around a handler: receiving every frame of a
//! message, parsing, authentication, logging, timing, activity tracking,
//! metrics, panics and turning errors into exactly one reply.

pub mod command;
pub mod metrics;
pub mod status;

use std::fs::File;
use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::time::Instant;

use crate::auth;
use crate::commands::{CommandMap, Ctx, Kind};
use crate::config::DaemonType;
use crate::error::{CommandError, RequestError};
use crate::protocol::reply::{encode_binary_error, encode_json, push_json_string};
use crate::protocol::{After, BadRequest, Body, Reply, Request};
use crate::state::Shared;

/// How a daemon type differs from the others.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// The command daemon: tracks activity, logs and measures every request,
    /// answers unknown commands with an error.
    Command,
    /// METRICS and STATUS: answer unknown commands with an empty message and
    /// every reply with an empty `user`, as the original does.
    Side,
}

pub struct Daemon {
    pub daemon_type: DaemonType,
    pub port: u16,
    /// `server`, `metrics server` or `status server`.
    pub server_kind: &'static str,
    pub role: Role,
    pub commands: CommandMap,
    /// `.arkouda/commands.log` under `--logCommands`.
    pub commands_log: Option<File>,
}

/// Upper bound on frames kept from one message; the rest are drained and
/// dropped so that a flood of frames cannot exhaust memory.
const MAX_FRAMES: usize = 3;

impl Daemon {
    /// Serves until the context is terminated or a command asks for shutdown.
    pub fn run(mut self, socket: zmq::Socket, shared: Arc<Shared>) -> After {
        log::info!(
            "{:?} daemon serving on port {}",
            self.daemon_type,
            self.port
        );
        loop {
            if self.role == Role::Command {
                shared.activity.mark_idle();
            }
            let frames = match receive(&socket) {
                Ok(f) => f,
                Err(zmq::Error::ETERM) => return After::Continue,
                Err(zmq::Error::EINTR) => continue,
                Err(e) => {
                    log::error!("{:?} daemon: receive failed: {e}", self.daemon_type);
                    continue;
                }
            };
            let started = Instant::now();
            let (mut reply, binary_command, request) = self.handle(frames, &shared);
            let user = match (&request, reply.anonymous || self.role == Role::Side) {
                (_, true) => "",
                (Ok(r), false) => r.user.as_str(),
                (Err(b), false) => b.user.as_deref().unwrap_or("Unknown"),
            };
            let sent = match &mut reply.body {
                Body::Text(msg) if binary_command => socket.send(encode_binary_error(msg), 0),
                Body::Text(msg) => socket.send(encode_json(msg, reply.msg_type, user), 0),
                Body::Binary(data) => socket.send(std::mem::replace(data, zmq::Message::new()), 0),
            };
            if let Err(e) = sent {
                log::error!(
                    "{:?} daemon: could not send the reply: {e}",
                    self.daemon_type
                );
                if e == zmq::Error::ETERM {
                    return After::Continue;
                }
            }
            if self.role == Role::Command {
                self.account(&shared, &request, &reply, started);
            }
            if reply.after == After::Shutdown {
                return After::Shutdown;
            }
        }
    }

    /// Produces the one reply for one message. Also returns whether the
    /// command answers in binary (errors then go out as `Error: ` frames) and
    /// the parsed request for accounting.
    fn handle(
        &mut self,
        frames: Vec<zmq::Message>,
        shared: &Shared,
    ) -> (Reply, bool, Result<Request, BadRequest>) {
        if self.role == Role::Command {
            shared
                .stats
                .requests
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        let request = match Request::parse(frames) {
            Ok(r) => r,
            Err(bad) => {
                log::error!("{:?} daemon: bad request: {bad}", self.daemon_type);
                let msg = match bad.error {
                    RequestError::InvalidUtf8 => bad.to_string(),
                    _ => format!(
                        "Error executing command {}: {bad}",
                        bad.cmd.as_deref().unwrap_or("Unknown")
                    ),
                };
                return (Reply::error(msg), false, Err(bad));
            }
        };
        let cmd = request.cmd.as_str();
        // A client waiting for a binary frame recognises errors only as `Error: ` frames.
        let binary = self.commands.get(cmd).is_some_and(|c| c.binary_reply);
        if self.role == Role::Command {
            log::info!("Command: {cmd} MessageArgs: {}", request.args.dump());
        }
        if let Some(token) = &shared.token
            && let Err(e) = auth::check(&request.token, token)
        {
            log::error!(
                "{:?} daemon: {e} (user {}, cmd {cmd})",
                self.daemon_type,
                request.user
            );
            return (Reply::error(e.to_string()), binary, Ok(request));
        }
        if self.role == Role::Command {
            if shared.config.trace {
                log::info!(">>> {cmd} {}", request.args.dump());
            }
            if cmd != "shutdown" {
                self.log_command(&request);
            }
        }
        if cmd.is_empty() {
            return (
                Reply::error("Server received an empty command"),
                false,
                Ok(request),
            );
        }
        let Some(command) = self.commands.get(cmd) else {
            if self.role == Role::Side {
                return (Reply::normal(""), false, Ok(request));
            }
            shared.activity.mark_busy();
            log::error!("Unrecognized command: {cmd}");
            return (
                Reply::error(format!("Unrecognized command: {cmd}")),
                false,
                Ok(request),
            );
        };
        let ctx = Ctx {
            shared,
            cmd,
            user: &request.user,
            commands: &self.commands,
            port: self.port,
            server_kind: self.server_kind,
        };
        let track = self.role == Role::Command;
        if track {
            shared.stats.set_running(cmd, &request.user);
        }
        let outcome = if track && command.kind == Kind::Tracked {
            shared.activity.mark_busy();
            let _guard = shared.activity.guard();
            shared.activity.set_notable();
            if shared.config.save_used_modules
                && !["GenSymIO", "MsgProcessing"].contains(&command.module)
            {
                shared
                    .used_modules
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(command.module);
            }
            catch_unwind(AssertUnwindSafe(|| (command.handler)(&request.args, &ctx)))
        } else {
            catch_unwind(AssertUnwindSafe(|| (command.handler)(&request.args, &ctx)))
        };
        if track {
            shared.stats.clear_running();
        }
        let reply = match outcome {
            Ok(Ok(reply)) => reply,
            Ok(Err(CommandError::Plain(msg))) => Reply::error(msg),
            Ok(Err(e)) => Reply::error(format!("Error executing command {cmd}: {e}")),
            Err(panic) => {
                let why = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown cause".into());
                Reply::error(format!(
                    "Error executing command {cmd}: handler panicked: {why}"
                ))
            }
        };
        (reply, binary, Ok(request))
    }

    /// Appends the request to `.arkouda/commands.log`, token redacted.
    fn log_command(&mut self, r: &Request) {
        let Some(file) = self.commands_log.as_mut() else {
            return;
        };
        let mut line = Vec::with_capacity(96 + r.args_text.len());
        line.extend_from_slice(b"{\"user\":");
        push_json_string(&mut line, &r.user);
        line.extend_from_slice(if r.token.is_empty() {
            b", \"token\":\"\""
        } else {
            b", \"token\":\"<redacted>\""
        });
        line.extend_from_slice(b", \"cmd\":");
        push_json_string(&mut line, &r.cmd);
        line.extend_from_slice(b", \"format\":");
        push_json_string(&mut line, &r.format);
        line.extend_from_slice(b", \"args\":");
        push_json_string(&mut line, &r.args_text);
        line.extend_from_slice(format!(", \"size\":{}}}\n", r.size).as_bytes());
        if let Err(e) = file.write_all(&line) {
            log::error!("cannot append to commands.log: {e}");
        }
    }

    /// After the reply: counters, metrics and the trace lines.
    fn account(
        &self,
        shared: &Shared,
        request: &Result<Request, BadRequest>,
        reply: &Reply,
        started: Instant,
    ) {
        use std::sync::atomic::Ordering::Relaxed;
        let seconds = started.elapsed().as_secs_f64();
        shared.stats.replies.fetch_add(1, Relaxed);
        if reply.is_error() {
            shared.stats.errors.fetch_add(1, Relaxed);
        }
        let (cmd, user) = match request {
            Ok(r) => (r.cmd.as_str(), r.user.as_str()),
            Err(b) => (
                b.cmd.as_deref().unwrap_or("Unknown"),
                b.user.as_deref().unwrap_or("Unknown"),
            ),
        };
        if cmd == "shutdown" && !reply.is_error() {
            log::info!("<<< shutdown initiated by {user} took {seconds:.3} sec");
            return;
        }
        shared
            .metrics
            .record(cmd, user, seconds, shared.memory_used(), reply.is_error());
        if shared.config.trace {
            match reply.text_msg() {
                Some(msg) if reply.is_error() => {
                    log::error!("<<< {cmd} resulted in error {msg} in  {seconds:.3} sec")
                }
                _ => log::info!("<<< {cmd} took {seconds:.3} sec"),
            }
            if shared.config.mem_track {
                let (used, limit) = (shared.memory_used(), shared.memory_limit());
                log::info!(
                    "bytes of memory {used} used after {cmd} command is {}% pct of max memory {limit}",
                    crate::memory::percent(used, limit)
                );
            }
        }
    }
}

/// Receives every frame of one message, so the REP socket is always ready
/// for its reply whatever the client sent.
fn receive(socket: &zmq::Socket) -> Result<Vec<zmq::Message>, zmq::Error> {
    let first = socket.recv_msg(0)?;
    let mut more = first.get_more();
    let mut frames = vec![first];
    while more {
        let next = socket.recv_msg(0)?;
        more = next.get_more();
        if frames.len() < MAX_FRAMES {
            frames.push(next);
        }
    }
    Ok(frames)
}

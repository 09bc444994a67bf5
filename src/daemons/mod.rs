//! The daemons: one thread and one REP socket each. This file holds the loop
//! they share; the files beside it define each daemon type's commands and
//! policy.
//!
//! The loop owns everything around a handler: receiving every frame of a
//! message, parsing, authentication, logging, timing, activity tracking,
//! metrics, panics and turning errors into exactly one reply.

pub mod command;
mod frame;
pub mod http;
pub mod metrics;
pub mod status;

use std::fs::File;
use std::io::Write;
use std::sync::Arc;
use std::time::Instant;

use crate::auth;
use crate::commands::{CommandMap, Ctx, Handler, Kind};
use crate::config::DaemonType;
use crate::error::{CommandError, RequestError};
use crate::metrics::ErrorKind;
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

/// One request's outcome, for accounting and sending.
struct Handled {
    reply: Reply,
    /// The command answers in binary: its errors go out as `Error: ` frames.
    binary: bool,
    request: Result<Request, BadRequest>,
    error: Option<ErrorKind>,
}

impl Handled {
    fn new(
        reply: Reply,
        binary: bool,
        request: Result<Request, BadRequest>,
        error: Option<ErrorKind>,
    ) -> Self {
        Handled {
            reply,
            binary,
            request,
            error,
        }
    }
}

/// Marks the command daemon as between receiving a request and sending its
/// reply, so that a signal-driven shutdown lets that reply go out first.
struct InFlight<'a>(Option<&'a Shared>);

impl<'a> InFlight<'a> {
    fn start(shared: &'a Shared, role: Role) -> Self {
        if role != Role::Command {
            return InFlight(None);
        }
        shared
            .stats
            .in_flight
            .store(true, std::sync::atomic::Ordering::Release);
        InFlight(Some(shared))
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        if let Some(shared) = self.0 {
            shared
                .stats
                .in_flight
                .store(false, std::sync::atomic::Ordering::Release);
        }
    }
}

/// Upper bound on frames kept from one message; the rest are drained and
/// dropped so that a flood of frames cannot exhaust memory.
const MAX_FRAMES: usize = 3;

impl Daemon {
    /// A METRICS or STATUS daemon: a few commands, all answered at once
    /// without touching the activity guard.
    pub fn side(
        daemon_type: DaemonType,
        port: u16,
        server_kind: &'static str,
        commands: &[(&str, (Handler, &'static str))],
    ) -> Daemon {
        let mut map = CommandMap::default();
        for (name, handler) in commands {
            map.add(*name, *handler, Kind::Special, "ServerDaemon");
        }
        Daemon {
            daemon_type,
            port,
            server_kind,
            role: Role::Side,
            commands: map,
            commands_log: None,
        }
    }

    /// Serves until the context is terminated or a command asks for shutdown.
    pub fn run(mut self, mut socket: zmq::Socket, shared: Arc<Shared>) {
        log::info!(
            "{:?} daemon serving on port {}",
            self.daemon_type,
            self.port
        );
        shared.readiness.mark_serving(self.daemon_type);
        loop {
            if self.role == Role::Command {
                shared.activity.mark_idle();
            }
            let frames = match receive(&socket) {
                Ok(f) => f,
                Err(zmq::Error::ETERM) => return,
                Err(zmq::Error::EINTR) => continue,
                Err(e) => {
                    log::error!("{:?} daemon: receive failed: {e}", self.daemon_type);
                    continue;
                }
            };
            let started = Instant::now();
            let in_flight = InFlight::start(&shared, self.role);
            let Handled {
                mut reply,
                binary,
                request,
                error,
            } = self.handle(frames, &shared);
            // Counted before the reply leaves, so a client that asks for
            // metrics right after its reply sees its own request.
            if self.role == Role::Command {
                self.account(&shared, &request, &reply, error, started);
            }
            let user = match (&request, reply.anonymous || self.role == Role::Side) {
                (_, true) => "",
                (Ok(r), false) => r.user.as_str(),
                (Err(b), false) => b.user.as_deref().unwrap_or("Unknown"),
            };
            let sent = match std::mem::replace(&mut reply.body, Body::Text(String::new())) {
                Body::Text(msg) if binary => socket.send(encode_binary_error(&msg), 0),
                Body::Text(msg) => socket.send(encode_json(&msg, reply.msg_type, user), 0),
                Body::Binary(data) => socket.send(data, 0),
                Body::Shared(owner) => frame::send(&mut socket, owner),
            };
            drop(in_flight);
            // Gives back freed arrays nobody reused for a while.
            crate::alloc::trim();
            if let Err(e) = sent {
                log::error!(
                    "{:?} daemon: could not send the reply: {e}",
                    self.daemon_type
                );
                if e == zmq::Error::ETERM {
                    return;
                }
            }
            if reply.after == After::Shutdown {
                return;
            }
        }
    }

    /// Produces the one reply for one message.
    fn handle(&mut self, frames: Vec<zmq::Message>, shared: &Shared) -> Handled {
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
                return Handled::new(
                    Reply::error(msg),
                    false,
                    Err(bad),
                    Some(ErrorKind::BadRequest),
                );
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
            return Handled::new(
                Reply::error(e.to_string()),
                binary,
                Ok(request),
                Some(ErrorKind::Auth),
            );
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
            return Handled::new(
                Reply::error("Server received an empty command"),
                false,
                Ok(request),
                Some(ErrorKind::BadRequest),
            );
        }
        let Some(command) = self.commands.get(cmd) else {
            if self.role == Role::Side {
                return Handled::new(Reply::normal(""), false, Ok(request), None);
            }
            shared.activity.mark_busy();
            log::error!("Unrecognized command: {cmd}");
            return Handled::new(
                Reply::error(format!("Unrecognized command: {cmd}")),
                false,
                Ok(request),
                Some(ErrorKind::UnknownCommand),
            );
        };
        let mut ctx = Ctx::new(
            shared,
            cmd,
            &request.user,
            &self.commands,
            shared.cluster.comm(),
        );
        ctx.port = self.port;
        ctx.server_kind = self.server_kind;
        let track = self.role == Role::Command;
        if track {
            shared.stats.set_running(cmd, &request.user);
        }
        let job = || crate::dist::engine::Job::Run {
            cmd: cmd.to_string(),
            user: request.user.clone(),
            args: request.args_text.clone(),
            size: request.size,
        };
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
            crate::dist::engine::lead(&ctx, command, &request.args, job)
        } else {
            crate::dist::engine::lead(&ctx, command, &request.args, job)
        };
        if track {
            shared.stats.clear_running();
        }
        let error = match &outcome {
            Err(CommandError::OverMemoryLimit(_))
            | Err(CommandError::Relayed {
                over_memory: true, ..
            }) => Some(ErrorKind::OverMemory),
            Ok(_) => None,
            _ => Some(ErrorKind::Handler),
        };
        let reply = match outcome {
            Ok(reply) => reply,
            Err(CommandError::Plain(msg)) => Reply::error(msg),
            Err(e) => Reply::error(format!("Error executing command {cmd}: {e}")),
        };
        Handled::new(reply, binary, Ok(request), error)
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
        error: Option<ErrorKind>,
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
        // A handler may also answer with an error reply of its own.
        let error = error.or_else(|| reply.is_error().then_some(ErrorKind::Handler));
        let registered = self.commands.get(cmd).is_some();
        shared
            .metrics
            .record_request(cmd, user, seconds, shared.memory_used(), error, registered);
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

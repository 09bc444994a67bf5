//! Start-up and shutdown of the whole server: binds every daemon's socket,
//! registers with Kubernetes (INTEGRATION), announces the server (connection
//! file, splash), runs one thread per daemon and, on `shutdown` or a signal,
//! deregisters, stops them all and exits.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use crate::banner;
use crate::config::{ARKOUDA_VERSION, CHPL_VERSION, Config, DaemonType};
use crate::daemons::{self, Daemon};
use crate::integration::{self, Registration};
use crate::machine::Machine;
use crate::state::{Shared, Stats};
use crate::symbol_table::SymbolTable;

/// How long pending replies may take to drain at shutdown.
const LINGER_MS: i32 = 2000;

pub struct Server {
    shared: Arc<Shared>,
    context: zmq::Context,
    daemons: Vec<(Daemon, zmq::Socket)>,
    /// Kubernetes objects to delete at shutdown, exactly once.
    registration: Option<Registration>,
    connection_file: Option<PathBuf>,
    _logger: flexi_logger::LoggerHandle,
}

/// Runs a server with `config` until it is shut down: one process, or
/// (`-nl N`, MPI build) N ranks of which this process is one.
pub fn run(config: Config) -> ExitCode {
    #[cfg(feature = "mpi")]
    if crate::dist::mpi::under_launcher() {
        return crate::dist::mpi::run(config);
    }
    if config.num_locales > 1 {
        return crate::dist::launch::exec(&config.launcher, config.num_locales);
    }
    run_with(
        config,
        crate::dist::Cluster::single(),
        &SymbolTable::random_id(),
    )
    .unwrap_or(ExitCode::FAILURE)
}

/// Rank 0 (or the only process): serves the client with `cluster` behind
/// it. `None` when the server could not start (the reason is printed):
/// the other ranks then still wait for their first command, and the caller
/// must end them.
pub fn run_with(
    config: Config,
    cluster: crate::dist::Cluster,
    server_id: &str,
) -> Option<ExitCode> {
    match Server::start(config, cluster, server_id) {
        Ok(server) => Some(server.serve()),
        Err(e) => {
            eprintln!("arkouda_server: {e}");
            None
        }
    }
}

impl Server {
    /// Everything up to the moment the daemons start serving. Requests that
    /// arrive meanwhile wait in the sockets' queues.
    pub fn start(
        config: Config,
        cluster: crate::dist::Cluster,
        server_id: &str,
    ) -> Result<Server, String> {
        let arkouda_dir = std::env::current_dir()
            .map_err(|e| format!("no working directory: {e}"))?
            .join(".arkouda");
        std::fs::create_dir_all(&arkouda_dir)
            .map_err(|e| format!("cannot create {}: {e}", arkouda_dir.display()))?;
        let logger = crate::logging::init(&config, &arkouda_dir)?;
        let machine = Machine::detect();
        let token = if config.authenticate {
            let env_token = std::env::var("ARKOUDA_SERVER_TOKEN").ok();
            Some(
                crate::auth::load_or_create_token(&arkouda_dir, env_token).map_err(|e| {
                    format!(
                        "cannot read or write {}/tokens.txt: {e}",
                        arkouda_dir.display()
                    )
                })?,
            )
        } else {
            None
        };
        // Settings are checked before any port is bound; registration waits
        // until every socket is bound.
        let registrar = integration::prepare(&config, &machine.hostname)?;
        let shared = Arc::new(Shared::with_cluster(
            config, machine, token, cluster, server_id,
        ));
        shared.keep_freed_arrays();
        let context = zmq::Context::new();
        let mut daemons = Vec::new();
        for &t in &shared.config.daemon_types {
            let daemon = match t {
                DaemonType::Default | DaemonType::Integration => {
                    daemons::command::daemon(t, &shared, &arkouda_dir).map_err(|e| {
                        format!("cannot open {}/commands.log: {e}", arkouda_dir.display())
                    })?
                }
                DaemonType::Metrics => daemons::metrics::daemon(&shared),
                DaemonType::Status => daemons::status::daemon(&shared),
                DaemonType::Http => continue,
            };
            let socket = bind(&context, daemon.port).map_err(|e| {
                format!(
                    "cannot bind the {t:?} daemon to port {} (tcp://*:{}): {e}",
                    daemon.port, daemon.port
                )
            })?;
            daemons.push((daemon, socket));
        }
        if shared.config.has_daemon(DaemonType::Http) {
            // Started now, so that probes answer (/readyz with 503) while
            // the server registers with Kubernetes.
            let http = daemons::http::bind(shared.config.http_port)?;
            let mine = Arc::clone(&shared);
            std::thread::Builder::new()
                .name("http-daemon".into())
                .spawn(move || http.run(mine))
                .map_err(|e| format!("cannot start the HTTP daemon thread: {e}"))?;
        }
        // Installed before registering, so that a signal during registration
        // still leads to deregistration (serve() sees the request at once).
        let on_signal = Arc::clone(&shared);
        let file = shared.config.server_connection_info.clone();
        let handler = move || {
            on_signal.shutdown.request();
            // With several ranks a signal may mean one of them died and rank 0
            // is about to be killed too: the connection file goes at once.
            if on_signal.cluster.ranks() > 1
                && let Some(path) = &file
            {
                banner::remove_connection_file(path);
            }
        };
        if let Err(e) = ctrlc::set_handler(handler) {
            log::warn!("cannot install the SIGINT/SIGTERM handler: {e}");
        }
        let registration = match registrar {
            Some(registrar) => Some(registrar.register()?),
            None => None,
        };
        let connection_file = shared.config.server_connection_info.clone();
        if let Err(e) = announce(&shared, connection_file.as_deref()) {
            if let Some(registration) = registration {
                registration.deregister();
            }
            return Err(e);
        }
        Ok(Server {
            shared,
            context,
            daemons,
            registration,
            connection_file,
            _logger: logger,
        })
    }

    /// Runs the daemons; returns once the server has been shut down.
    pub fn serve(self) -> ExitCode {
        let Server {
            shared,
            context,
            daemons,
            registration,
            connection_file,
            _logger,
        } = self;
        std::panic::set_hook(Box::new(|info| log::error!("panic: {info}")));
        for (daemon, socket) in daemons {
            let mine = Arc::clone(&shared);
            let name = format!("{:?}-daemon", daemon.daemon_type).to_lowercase();
            let spawned = std::thread::Builder::new().name(name).spawn(move || {
                // A daemon ends on `shutdown` or when the context is terminated;
                // either way the server ends with it.
                daemon.run(socket, Arc::clone(&mine));
                mine.shutdown.request();
            });
            if let Err(e) = spawned {
                log::error!("cannot start a daemon thread: {e}");
                shared.shutdown.request();
            }
        }
        // Started from the command daemon in the original, so only with one.
        if shared.config.has_daemon(DaemonType::Default)
            || shared.config.has_daemon(DaemonType::Integration)
        {
            crate::checkpoint::auto::start(&shared);
        }
        shared.shutdown.wait();
        log::info!("shutting down");
        // Out of service discovery first; the HTTP daemon meanwhile answers
        // /readyz with 503.
        if let Some(registration) = registration {
            registration.deregister();
        }
        // While the sockets still take requests (they wait for the guard).
        crate::checkpoint::auto::at_shutdown(&shared);
        finish_in_flight(&shared);
        terminate(context);
        if let Some(path) = &connection_file {
            banner::remove_connection_file(path);
        }
        if shared.config.save_used_modules {
            save_used_modules(&shared);
        }
        log::info!(
            "requests = {} responseCount = {} elapsed sec = {:.3}",
            Stats::count(&shared.stats.requests),
            Stats::count(&shared.stats.replies),
            shared.started.elapsed().as_secs_f64()
        );
        let _ = std::io::stdout().flush();
        if shared.cluster.ranks() > 1 {
            // The other ranks finish, then the caller finalizes MPI.
            shared.cluster.stop();
            return ExitCode::SUCCESS;
        }
        // Daemon threads may still be unwinding; nothing else needs to run.
        std::process::exit(0)
    }
}

/// Lets a command that was running when a signal arrived send its reply
/// (bounded: a handler that never returns cannot hold the exit forever).
fn finish_in_flight(shared: &Shared) {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while shared
        .stats
        .in_flight
        .load(std::sync::atomic::Ordering::Acquire)
    {
        if std::time::Instant::now() >= deadline {
            log::warn!("a command is still running; exiting without its reply");
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn bind(context: &zmq::Context, port: u16) -> Result<zmq::Socket, zmq::Error> {
    let socket = context.socket(zmq::REP)?;
    socket.set_linger(LINGER_MS)?;
    socket.bind(&format!("tcp://*:{port}"))?;
    Ok(socket)
}

/// Ends every blocking receive with ETERM and waits (bounded) for the sockets
/// to close, which also flushes the last reply.
fn terminate(mut context: zmq::Context) {
    let (done, finished) = std::sync::mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("zmq-term".into())
        .spawn(move || {
            let _ = context.destroy();
            // The C context is gone; dropping the handle would terminate it again.
            std::mem::forget(context);
            let _ = done.send(());
        });
    if spawned.is_ok()
        && finished
            .recv_timeout(Duration::from_millis(LINGER_MS as u64 + 1000))
            .is_err()
    {
        log::warn!("sockets did not close in time; exiting anyway");
    }
}

/// Connection-info file, then the splash or the one-line JSON.
fn announce(shared: &Shared, connection_file: Option<&Path>) -> Result<(), String> {
    let host = &shared.machine.hostname;
    let port = shared.config.server_port;
    let url = banner::connect_url(host, port, shared.token.as_deref());
    if let Some(path) = connection_file {
        banner::write_connection_file(path, host, port, &url)
            .map_err(|e| format!("cannot write the connection file {}: {e}", path.display()))?;
    }
    let mut out = std::io::stdout().lock();
    let text = if shared.config.server_info_no_splash {
        format!("{}\n", shared.config_json)
    } else {
        let mut info = vec![
            format!("arkouda server version = {ARKOUDA_VERSION}"),
            format!("built with chapel version{CHPL_VERSION}"),
        ];
        if shared.config.mem_track {
            info.push(format!("memory limit = {}", shared.memory_limit()));
            info.push(format!("bytes of memory used = {}", shared.memory_used()));
        }
        banner::splash(&url, &info)
    };
    out.write_all(text.as_bytes())
        .and_then(|_| out.flush())
        .map_err(|e| format!("cannot write to stdout: {e}"))
}

fn save_used_modules(shared: &Shared) {
    let modules: Vec<&str> = shared
        .used_modules
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .copied()
        .collect();
    let (file, text) = match shared.config.used_modules_fmt.as_str() {
        "cfg" => (
            "UsedModules.cfg",
            modules.iter().map(|m| format!("{m}\n")).collect::<String>(),
        ),
        other => {
            if other != "json" {
                log::warn!(
                    "Unrecognized format for used-modules file: '{other}'; defaulting to json"
                );
            }
            (
                "UsedModules.json",
                serde_json::to_string(&modules).unwrap_or_default(),
            )
        }
    };
    if let Err(e) = std::fs::write(file, text) {
        log::error!("cannot write {file}: {e}");
    }
}

//! The automatic checkpoint thread (spec §8.6) and the save at shutdown
//! (`--checkpointOnShutdown`).
//!
//! The decision rules are the original's, step for step, in [`Planner`] (a
//! pure state machine, unit-tested below); the thread only sleeps, takes the
//! activity guard and saves. With several locales the thread runs on rank 0
//! and leads each save as a `save_checkpoint` command on every locale.

use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::{Mode, save};
use crate::activity::now_ms;
use crate::commands::{CommandMap, Ctx};
use crate::config::CheckpointConfig;
use crate::dist::engine::{self, Job};
use crate::protocol::Args;
use crate::state::Shared;

/// User name under which automatic saves appear in the metrics.
const METRICS_USER: &str = "server";
/// Name of automatic saves in the metrics (failures count as its errors).
pub const METRICS_CMD: &str = "auto_checkpoint";

/// The normalised settings, in seconds.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    pub idle_time: f64,
    pub interval: f64,
    pub mem_pct: f64,
    pub mem_pct_delay: f64,
    pub check_interval: f64,
    pub min_delay: f64,
    pub max_delay: f64,
}

impl Settings {
    /// `None` when neither idle time nor memory percent asks for checkpoints.
    pub fn from_config(c: &CheckpointConfig) -> Option<Settings> {
        if c.mem_pct <= 0 && c.idle_time <= 0 {
            return None;
        }
        let mem_pct_delay = if c.mem_pct <= 0 {
            0
        } else if c.mem_pct_delay <= 0 {
            5
        } else {
            c.mem_pct_delay
        };
        let interval = if c.interval <= 0 { 3600 } else { c.interval };
        let min_delay = match (mem_pct_delay > 0, c.idle_time > 0) {
            (true, true) => mem_pct_delay.min(c.idle_time),
            (true, false) => mem_pct_delay,
            (false, true) => c.idle_time,
            (false, false) => 0,
        };
        let check_interval = if c.check_interval <= 0 {
            min_delay
        } else {
            c.check_interval
        };
        let max_delay = interval
            .max(check_interval)
            .max(c.idle_time)
            .max(mem_pct_delay);
        Some(Settings {
            idle_time: c.idle_time as f64,
            interval: interval as f64,
            mem_pct: c.mem_pct as f64,
            mem_pct_delay: mem_pct_delay as f64,
            check_interval: check_interval as f64,
            min_delay: min_delay as f64,
            max_delay: max_delay as f64,
        })
    }
}

/// What the server looks like at one check (times in seconds since the epoch).
pub struct Observation {
    pub now: f64,
    /// Last completed save or load, client or automatic.
    pub last_checkpoint: Option<f64>,
    /// Start of the current idle period; `None` while a command runs.
    pub idle_start: Option<f64>,
    pub notable: bool,
}

/// The loop's memory between checks.
pub struct Planner {
    pub settings: Settings,
    pub delay: f64,
    ckpt_idle_start: f64,
    mem_check_idle_start: f64,
}

impl Planner {
    pub fn new(settings: Settings) -> Planner {
        Planner {
            delay: settings.min_delay,
            settings,
            ckpt_idle_start: 0.0,
            mem_check_idle_start: 0.0,
        }
    }

    /// How long to sleep before the next check.
    pub fn sleep(&self) -> f64 {
        self.delay.max(self.settings.check_interval)
    }

    /// One check (steps 3–8): the reason to save now, if any, else `None`
    /// with `delay` set for the next sleep. `mem_frac` gives used / limit.
    pub fn check(&mut self, o: &Observation, mem_frac: impl FnOnce() -> f64) -> Option<String> {
        let s = &self.settings;
        if let Some(last) = o.last_checkpoint
            && o.now < last + s.interval
        {
            self.delay = last + s.interval - o.now;
            return None;
        }
        let Some(idle_start) = o.idle_start else {
            self.delay = s.min_delay;
            return None;
        };
        if idle_start == self.ckpt_idle_start {
            self.delay = s.min_delay;
            return None;
        }
        let idle = o.now - idle_start;
        if idle < s.min_delay {
            self.delay = s.min_delay - idle;
            return None;
        }
        if !o.notable {
            self.delay = s.min_delay;
            return None;
        }
        if s.idle_time > 0.0 && idle >= s.idle_time {
            return Some(format!(
                "server was idle for over {} seconds",
                s.idle_time as i64
            ));
        }
        if s.mem_pct_delay > 0.0
            && idle >= s.mem_pct_delay
            && idle_start > self.mem_check_idle_start
        {
            self.mem_check_idle_start = idle_start;
            if mem_frac() >= s.mem_pct / 100.0 {
                return Some(format!("memory usage exceeded {}%", s.mem_pct as i64));
            }
        }
        self.delay = s.check_interval;
        None
    }

    /// After a successful save for the idle period that began at `idle_start`.
    pub fn saved(&mut self, idle_start: f64) {
        self.ckpt_idle_start = idle_start;
        self.delay = self.settings.max_delay;
    }
}

fn ms_to_s(ms: u64) -> f64 {
    ms as f64 / 1000.0
}

/// Starts the thread if the flags ask for automatic checkpoints (on rank 0:
/// it leads the saves of every locale).
pub fn start(shared: &Arc<Shared>) -> Option<JoinHandle<()>> {
    if shared.cluster.comm().rank() != 0 {
        return None;
    }
    let Some(settings) = Settings::from_config(&shared.config.checkpoint) else {
        log::info!("asynchronous checkpointing was not requested");
        return None;
    };
    let mine = Arc::clone(shared);
    let spawned = std::thread::Builder::new()
        .name("auto-checkpoint".into())
        .spawn(move || run(&mine, Planner::new(settings)));
    match spawned {
        Ok(handle) => {
            log::info!("started the asynchronous checkpointing daemon");
            Some(handle)
        }
        Err(e) => {
            log::error!("cannot start the asynchronous checkpointing daemon: {e}");
            None
        }
    }
}

fn run(shared: &Shared, mut planner: Planner) {
    let c = &shared.config.checkpoint;
    let commands = leading_map(shared);
    loop {
        // At least a few ms, so that a zero delay cannot spin.
        let sleep = Duration::from_secs_f64(planner.sleep().max(0.005));
        if shared.shutdown.wait_timeout(sleep) {
            return;
        }
        let _guard = shared.activity.guard();
        if shared.shutdown.is_requested() {
            return;
        }
        let observed = Observation {
            now: ms_to_s(now_ms()),
            last_checkpoint: shared.activity.last_checkpoint_ms().map(ms_to_s),
            idle_start: shared.activity.idle_start_ms().map(ms_to_s),
            notable: shared.activity.notable(),
        };
        let memory = || shared.memory_used() as f64 / shared.memory_limit().max(1) as f64;
        let Some(reason) = planner.check(&observed, memory) else {
            continue;
        };
        log::info!(
            "starting autoCheckpoint: {reason}; saving into {}/{}",
            c.path,
            c.name
        );
        if auto_save(shared, commands.as_ref()) {
            planner.saved(observed.idle_start.unwrap_or_default());
            log::info!("finished autoCheckpoint into {}/{}", c.path, c.name);
        }
        // On failure (logged by the save) the delay keeps its value.
    }
}

/// With several locales, the command map whose `save_checkpoint` every
/// locale runs.
fn leading_map(shared: &Shared) -> Option<CommandMap> {
    (shared.cluster.ranks() > 1).then(|| CommandMap::for_command_daemon(shared))
}

/// One automatic save with the flags' path, name and mode, counted in the
/// metrics as `auto_checkpoint`. The caller holds the activity guard.
fn auto_save(shared: &Shared, commands: Option<&CommandMap>) -> bool {
    let c = &shared.config.checkpoint;
    let mode = Mode::parse(&c.mode).unwrap_or(Mode::PreservePrevious);
    let started = Instant::now();
    shared.checkpoint.set_auto_saving(true);
    let saved = match commands {
        Some(commands) => save_everywhere(shared, commands, &c.path, &c.name, mode),
        None => save(shared, shared.cluster.comm(), &c.path, &c.name, mode).is_ok(),
    };
    shared.checkpoint.set_auto_saving(false);
    shared.metrics.record(
        METRICS_CMD,
        METRICS_USER,
        started.elapsed().as_secs_f64(),
        shared.memory_used(),
        !saved,
    );
    saved
}

/// Rank 0 with several locales: runs `save_checkpoint` on every locale the
/// way the command daemon runs a client's command (same job, same engine),
/// so the other locales see one more command in the same sequence. Failures
/// are logged by the save.
fn save_everywhere(
    shared: &Shared,
    commands: &CommandMap,
    path: &str,
    name: &str,
    mode: Mode,
) -> bool {
    const CMD: &str = "save_checkpoint";
    let Some(command) = commands.get(CMD) else {
        log::error!("cannot checkpoint: {CMD} is not registered");
        return false;
    };
    let param = |key: &str, val: &str| {
        serde_json::json!({"key": key, "dtype": "str", "val": val}).to_string()
    };
    let params = [
        param("path", path),
        param("name", name),
        param("mode", mode.name()),
    ];
    let text = serde_json::Value::from(params.to_vec()).to_string();
    let args = match Args::parse(&text, params.len() as i64, None) {
        Ok(args) => args,
        Err(e) => {
            log::error!("cannot checkpoint: {e}");
            return false;
        }
    };
    let ctx = Ctx::new(shared, CMD, METRICS_USER, commands, shared.cluster.comm());
    // Led as a client's command is: between two commands, never inside one.
    let job = || Job::Run {
        cmd: CMD.into(),
        user: METRICS_USER.into(),
        args: text,
        size: params.len() as i64,
    };
    engine::lead(&ctx, command, &args, job).is_ok()
}

/// At shutdown, before the sockets close: lets a running automatic save
/// finish, then under `--checkpointOnShutdown` saves an automatic checkpoint
/// if the arrays changed since the last save.
pub fn at_shutdown(shared: &Shared) {
    let c = &shared.config.checkpoint;
    if shared.cluster.comm().rank() != 0 {
        return;
    }
    if !c.on_shutdown {
        if shared.checkpoint.auto_saving() {
            log::info!("waiting for the automatic checkpoint in progress");
            shared.activity.wait_for_async_activity();
        }
        return;
    }
    let _guard = shared.activity.guard();
    if !shared
        .checkpoint
        .changed_since_save(&shared.symbols.snapshot_all())
    {
        log::info!("no checkpoint at shutdown: nothing changed since the last one");
        return;
    }
    log::info!("saving a checkpoint at shutdown into {}/{}", c.path, c.name);
    if auto_save(shared, leading_map(shared).as_ref()) {
        log::info!(
            "finished the shutdown checkpoint into {}/{}",
            c.path,
            c.name
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn settings(idle: i64, interval: i64, mem_pct: i64, delay: i64, check: i64) -> Settings {
        let mut c = Config::defaults().checkpoint;
        (
            c.idle_time,
            c.interval,
            c.mem_pct,
            c.mem_pct_delay,
            c.check_interval,
        ) = (idle, interval, mem_pct, delay, check);
        Settings::from_config(&c).expect("requested")
    }

    #[test]
    fn normalisation() {
        let mut c = Config::defaults().checkpoint;
        assert!(Settings::from_config(&c).is_none());
        c.idle_time = 1;
        c.interval = 3;
        let s = Settings::from_config(&c).unwrap();
        assert_eq!(
            (s.mem_pct_delay, s.min_delay, s.check_interval, s.max_delay),
            (0.0, 1.0, 1.0, 3.0)
        );
        let s = settings(0, 0, 5, 0, 0);
        assert_eq!(
            (s.mem_pct_delay, s.interval, s.min_delay, s.max_delay),
            (5.0, 3600.0, 5.0, 3600.0)
        );
        let s = settings(10, 1, 5, 2, 7);
        assert_eq!(
            (s.min_delay, s.check_interval, s.max_delay),
            (2.0, 7.0, 10.0)
        );
    }

    fn obs(now: f64, last: Option<f64>, idle: Option<f64>, notable: bool) -> Observation {
        Observation {
            now,
            last_checkpoint: last,
            idle_start: idle,
            notable,
        }
    }

    #[test]
    fn idle_and_interval_rules() {
        let mut p = Planner::new(settings(1, 3, 0, 0, 0));
        assert_eq!(p.sleep(), 1.0);
        // Busy, then idle too briefly, then no notable activity.
        assert_eq!(p.check(&obs(100.0, None, None, true), || 0.0), None);
        assert_eq!(p.delay, 1.0);
        assert_eq!(p.check(&obs(100.0, None, Some(99.7), true), || 0.0), None);
        assert!((p.delay - 0.7).abs() < 1e-9);
        assert_eq!(p.check(&obs(101.0, None, Some(99.7), false), || 0.0), None);
        // Idle long enough: save, then wait out the longest delay.
        let reason = p.check(&obs(101.0, None, Some(99.7), true), || 0.0);
        assert_eq!(
            reason.as_deref(),
            Some("server was idle for over 1 seconds")
        );
        p.saved(99.7);
        assert_eq!(p.sleep(), 3.0);
        // The same idle period never saves twice.
        assert_eq!(
            p.check(&obs(105.0, Some(101.0), Some(99.7), true), || 0.0),
            None
        );
        // Within the interval of the last save: wait until it ends.
        assert_eq!(
            p.check(&obs(102.5, Some(101.0), Some(102.0), true), || 0.0),
            None
        );
        assert!((p.delay - 1.5).abs() < 1e-9);
    }

    #[test]
    fn memory_rule_checks_once_per_idle_period() {
        let mut p = Planner::new(settings(0, 1, 5, 1, 0));
        assert_eq!(p.check(&obs(10.0, None, Some(8.0), true), || 0.01), None);
        assert_eq!(p.delay, 1.0);
        // Memory rose meanwhile, but this idle period was already checked.
        assert_eq!(p.check(&obs(11.0, None, Some(8.0), true), || 0.5), None);
        let reason = p.check(&obs(12.0, None, Some(10.5), true), || 0.06);
        assert_eq!(reason.as_deref(), Some("memory usage exceeded 5%"));
    }
}

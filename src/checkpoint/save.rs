//! `save_checkpoint` and the automatic saves (spec §8.1), crash-safe: the
//! checkpoint is written into `<path>/.<name>.tmp-<pid>-<n>` (rank 0's pid),
//! every locale writing its own `<entry>_LOCALE<rank>.data` files there;
//! every file and the directory are fsynced, and only once every locale has
//! succeeded does rank 0 move it into place.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use super::format::{
    self, LAYOUT_FILE, SERVER_MD, data_file_name, entry_md, join_path, layout_json, server_md,
    strings_md,
};
use super::{CkptError, LastCheckpoint, Mode, agree, data, fsops, text};
use crate::dist::{Block, Comm, exchange};
use crate::state::Shared;
use crate::symbol_table::Entry;

/// What a successful save wrote.
#[derive(Clone, Debug)]
pub struct SaveReport {
    /// The effective name (the server id when none was given).
    pub name: String,
    /// `<path>/<name>`.
    pub path: String,
    pub bytes: u64,
    pub seconds: f64,
}

/// Saves every array into `<base>/<name>` (`name` empty: the server id),
/// records the outcome for `serverstatus` and logs failures at ERROR. The
/// caller holds the activity guard. A collective: every locale calls it with
/// the same arguments, and the checkpoint appears only when every locale's
/// part is on disk (else nothing changes).
pub fn save(
    shared: &Shared,
    comm: &dyn Comm,
    base: &str,
    name: &str,
    mode: Mode,
) -> Result<SaveReport, CkptError> {
    let started = Instant::now();
    let name = if name.is_empty() {
        shared.symbols.server_id()
    } else {
        name
    };
    let cp_path = join_path(base, name);
    let result = save_inner(shared, comm, base, name, &cp_path, mode);
    let seconds = started.elapsed().as_secs_f64();
    shared.metrics.record_checkpoint(seconds, result.is_ok());
    let (bytes, outcome) = match &result {
        Ok(bytes) => (*bytes, "ok".to_string()),
        Err(e) => (0, format!("failed: {e}")),
    };
    shared.checkpoint.set_last(LastCheckpoint {
        name: name.to_string(),
        path: cp_path.clone(),
        time: crate::metrics::timestamp(),
        duration_seconds: seconds,
        bytes,
        outcome,
    });
    match result {
        Ok(bytes) => {
            log::info!("checkpoint saved into {cp_path}: {bytes} bytes in {seconds:.3} sec");
            Ok(SaveReport {
                name: name.to_string(),
                path: cp_path,
                bytes,
                seconds,
            })
        }
        Err(e) => {
            log::error!("checkpoint save into {cp_path} failed: {e}");
            Err(e)
        }
    }
}

fn io_err(what: &str, path: &Path, e: io::Error) -> CkptError {
    CkptError::Io(format!("{what} {}: {e}", path.display()))
}

fn save_inner(
    shared: &Shared,
    comm: &dyn Comm,
    base: &str,
    name: &str,
    cp_path: &str,
    mode: Mode,
) -> Result<u64, CkptError> {
    if !format::is_plain_name(name) {
        return Err(CkptError::Value(format!(
            "invalid checkpoint name '{name}': it must not contain '/' or '..'"
        )));
    }
    if base.is_empty() {
        return Err(CkptError::Value("the checkpoint path is empty".into()));
    }
    let base_dir = Path::new(base);
    let target = Path::new(cp_path);
    // Rank 0 makes the temporary directory; every locale writes into it.
    let tmp = if comm.rank() == 0 {
        prepare(base_dir, name, cp_path, mode)
    } else {
        Ok(PathBuf::new())
    };
    let tmp = share_path(comm, agree(comm, tmp)?)?;
    let crash = CrashPoint::from_env(shared);
    // Every locale's files are written and synced before any is committed.
    let written = agree(comm, write_tree(shared, comm, &tmp, cp_path));
    let committed = written.and_then(|(bytes, table)| {
        let bytes = exchange::allgather(comm, bytes)
            .map_err(CkptError::Other)?
            .iter()
            .sum();
        if comm.rank() == 0 {
            // Now that every locale has created its files in it.
            fsops::sync_dir(&tmp).map_err(|e| io_err("cannot sync", &tmp, e))?;
            crash.at("written");
            commit(base_dir, name, &tmp, target, mode, crash)?;
        }
        Ok((bytes, table))
    });
    match committed {
        Ok((bytes, table)) => {
            shared.activity.record_checkpoint();
            shared.checkpoint.set_saved(&table);
            Ok(bytes)
        }
        Err(e) => {
            if comm.rank() == 0 {
                // Every locale is past its writes (they all reached the agreement).
                let _ = fsops::remove_any(&tmp);
            }
            Err(e)
        }
    }
}

/// Rank 0: the base directory (made if missing) and a new temporary
/// directory in it.
fn prepare(base_dir: &Path, name: &str, cp_path: &str, mode: Mode) -> Result<PathBuf, CkptError> {
    match fs::metadata(base_dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            return Err(CkptError::Io(format!(
                "the checkpoint path {} is not a directory",
                base_dir.display()
            )));
        }
        // Not recursive, as in the original: a missing parent is an error.
        Err(e) if e.kind() == io::ErrorKind::NotFound => fs::create_dir(base_dir)
            .map_err(|e| io_err("cannot create the checkpoint directory", base_dir, e))?,
        Err(e) => return Err(io_err("cannot use the checkpoint directory", base_dir, e)),
    }
    if mode == Mode::Error && fs::symlink_metadata(cp_path).is_ok() {
        return Err(already_exists(cp_path));
    }
    fsops::remove_stale_temps(base_dir, name);
    let tmp = fsops::temp_path(base_dir, name, "tmp");
    fs::create_dir(&tmp).map_err(|e| io_err("cannot create", &tmp, e))?;
    Ok(tmp)
}

/// Rank 0's path on every locale.
fn share_path(comm: &dyn Comm, path: PathBuf) -> Result<PathBuf, CkptError> {
    use std::os::unix::ffi::{OsStrExt, OsStringExt};
    if comm.size() == 1 {
        return Ok(path);
    }
    let bytes = exchange::bcast_bytes(comm, 0, path.into_os_string().into_vec())
        .map_err(CkptError::Other)?;
    Ok(PathBuf::from(std::ffi::OsStr::from_bytes(&bytes)))
}

/// Test aid: with ARKOUDA_ENABLE_TEST_COMMANDS=1, the environment variable
/// ARKOUDA_TEST_CHECKPOINT_CRASH_AT=<step> kills the process (SIGKILL) at that
/// step of a save, so that tests can prove each step leaves complete
/// checkpoints.
#[derive(Clone, Copy)]
struct CrashPoint(Option<&'static str>);

impl CrashPoint {
    fn from_env(shared: &Shared) -> CrashPoint {
        const STEPS: [&str; 3] = ["written", "rotated", "replaced"];
        if !shared.config.test_commands {
            return CrashPoint(None);
        }
        let wanted = std::env::var("ARKOUDA_TEST_CHECKPOINT_CRASH_AT").unwrap_or_default();
        CrashPoint(STEPS.into_iter().find(|s| *s == wanted))
    }

    fn at(self, step: &str) {
        if self.0 == Some(step) {
            log::error!("killing the server at checkpoint step '{step}' as the test asked");
            // SAFETY: raise(3) has no memory-safety preconditions.
            unsafe { libc::raise(libc::SIGKILL) };
        }
    }
}

/// Test aid: with ARKOUDA_ENABLE_TEST_COMMANDS=1, the environment variable
/// ARKOUDA_TEST_CHECKPOINT_FAIL_RANK=<r> makes rank r's part of every save
/// fail once its files are written, so that tests can prove a failure on one
/// locale leaves the disk as it was.
fn fails_here(shared: &Shared, rank: usize) -> Result<(), CkptError> {
    if !shared.config.test_commands {
        return Ok(());
    }
    let wanted = std::env::var("ARKOUDA_TEST_CHECKPOINT_FAIL_RANK").ok();
    if wanted.and_then(|r| r.parse().ok()) == Some(rank) {
        return Err(CkptError::Io(format!(
            "failing the save on locale {rank} as the test asked"
        )));
    }
    Ok(())
}

fn already_exists(cp_path: &str) -> CkptError {
    CkptError::checkpoint(format!(
        "A file already exists in {cp_path}. If you want to overwrite, use \
         `mode=\"overwrite\"`, which will delete the file"
    ))
}

/// A name that round-trips through a file name: not `server` (that is
/// `server.md`) and not hidden (the load's `*md` glob skips hidden files).
pub(super) fn is_entry_file_name(entry: &str) -> bool {
    format::is_plain_name(entry) && entry != "server" && !entry.starts_with('.')
}

fn write_file(path: &Path, text: &str) -> Result<u64, CkptError> {
    let mut f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| io_err("cannot create", path, e))?;
    f.write_all(text.as_bytes())
        .map_err(|e| io_err("cannot write", path, e))?;
    fsops::start_writeback(&f);
    Ok(text.len() as u64)
}

type Table = Vec<(String, Entry)>;

/// Writes this locale's data files into `dir` (rank 0 also server.md, the
/// layout file at several locales and every metadata file) and fsyncs them;
/// returns the bytes written and the table that was saved. The directory
/// itself is synced by rank 0 once every locale is done.
fn write_tree(
    shared: &Shared,
    comm: &dyn Comm,
    dir: &Path,
    cp_path: &str,
) -> Result<(u64, Table), CkptError> {
    let table = shared.symbols.snapshot_all();
    let dsetname = &shared.config.checkpoint.dsetname;
    let (rank, ranks) = (comm.rank(), comm.size());
    let mut files = Vec::new();
    let mut bytes = 0;
    let mut text_file = |file: &str, text: &str| -> Result<(), CkptError> {
        let path = dir.join(file);
        bytes += write_file(&path, text)?;
        files.push(path);
        Ok(())
    };
    if rank == 0 {
        text_file(SERVER_MD, &server_md(shared.symbols.server_id(), ranks))?;
        if ranks > 1 {
            text_file(LAYOUT_FILE, &layout_json(ranks))?;
        }
    }
    for (entry, item) in &table {
        if !is_entry_file_name(entry) {
            return Err(CkptError::Value(format!(
                "cannot save the array '{entry}': its name is not usable as a file name"
            )));
        }
        let data_path = dir.join(data_file_name(entry, rank));
        bytes += match item {
            Entry::Array(a) => data::write(&data_path, dsetname, &a.data),
            Entry::Strings(s) => text::write(&data_path, dsetname, s.view()),
        }
        .map_err(CkptError::Io)?;
        files.push(data_path);
        if rank == 0 {
            // The paths the original records: where the files are once in
            // place; one chunk per locale, its block.
            let size = match item {
                Entry::Array(a) => a.size(),
                Entry::Strings(s) => s.size,
            };
            let block = Block::new(size, ranks);
            let chunks: Vec<(String, usize)> = (0..ranks)
                .map(|r| (join_path(cp_path, &data_file_name(entry, r)), block.len(r)))
                .collect();
            let md = match item {
                Entry::Array(a) => entry_md(entry, a.dtype(), size, &chunks),
                Entry::Strings(s) => strings_md(entry, size, s.nbytes, &chunks),
            };
            let md_path = dir.join(format!("{entry}.md"));
            bytes += write_file(&md_path, &md)?;
            files.push(md_path);
        }
    }
    fails_here(shared, rank)?;
    // All at the end and in parallel: one journal commit serves many files.
    fsops::sync_files(&files).map_err(|(path, e)| io_err("cannot sync", &path, e))?;
    Ok((bytes, table))
}

/// Moves the complete, synced `tmp` to `target` as `mode` says.
fn commit(
    base: &Path,
    name: &str,
    tmp: &Path,
    target: &Path,
    mode: Mode,
    crash: CrashPoint,
) -> Result<(), CkptError> {
    let sync_base = || fsops::sync_dir(base).map_err(|e| io_err("cannot sync", base, e));
    let moved = |e| io_err("cannot move the checkpoint into", target, e);
    if fs::symlink_metadata(target).is_err() {
        return match fsops::rename_new(tmp, target) {
            Ok(()) => sync_base(),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && mode == Mode::Error => {
                Err(already_exists(&target.display().to_string()))
            }
            Err(e) => Err(moved(e)),
        };
    }
    let mut leftovers = Vec::new();
    match mode {
        Mode::Error => return Err(already_exists(&target.display().to_string())),
        Mode::Overwrite => {}
        Mode::PreservePrevious => {
            let prev = base.join(format!("{name}.prev"));
            let prev_err = |e| io_err("cannot rotate the previous checkpoint into", &prev, e);
            match fsops::link_copy(target, base, name).map_err(prev_err)? {
                // The previous checkpoint stays under its name while a
                // hard-linked copy of it becomes `.prev`.
                Some(copy) => {
                    if fs::symlink_metadata(&prev).is_ok() {
                        let old = fsops::replace(&copy, &prev, base, name).map_err(|e| {
                            let _ = fsops::remove_any(&copy);
                            prev_err(e)
                        })?;
                        leftovers.push(old);
                    } else {
                        fsops::rename_new(&copy, &prev).map_err(|e| {
                            let _ = fsops::remove_any(&copy);
                            prev_err(e)
                        })?;
                    }
                    sync_base()?;
                    crash.at("rotated");
                }
                // No hard links: the original's rotation by renames; for a
                // moment the previous checkpoint exists only as `.prev`.
                None => {
                    let mut older = None;
                    if fs::symlink_metadata(&prev).is_ok() {
                        let old = fsops::temp_path(base, name, "old");
                        fs::rename(&prev, &old).map_err(prev_err)?;
                        older = Some(old);
                    }
                    if let Err(e) = fs::rename(target, &prev) {
                        if let Some(old) = &older {
                            let _ = fs::rename(old, &prev);
                        }
                        return Err(prev_err(e));
                    }
                    leftovers.extend(older);
                    sync_base()?;
                    fsops::rename_new(tmp, target).map_err(moved)?;
                    sync_base()?;
                    remove_leftovers(&leftovers);
                    return Ok(());
                }
            }
        }
    }
    leftovers.push(fsops::replace(tmp, target, base, name).map_err(moved)?);
    sync_base()?;
    crash.at("replaced");
    remove_leftovers(&leftovers);
    Ok(())
}

fn remove_leftovers(paths: &[std::path::PathBuf]) {
    for p in paths {
        if let Err(e) = fsops::remove_any(p) {
            log::warn!("cannot remove {}: {e}", p.display());
        }
    }
}

//! Crash-safe directory moves. A checkpoint is built in a temporary directory
//! beside its target and moved into place with renames only, so that at every
//! instant the final name holds a complete checkpoint (the previous one or the
//! new one) and `.prev` holds a complete one too.
//!
//! Linux's `renameat2(RENAME_EXCHANGE)` swaps two directories atomically; where
//! it is missing (other systems, some file systems) the moves fall back to two
//! plain renames, with a short window in which the previous checkpoint exists
//! only under a temporary name.

use std::ffi::CString;
use std::fs;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Parts of the temporary names beside a target `<name>`:
/// `.<name>.<kind>-<pid>-<n>`.
const KINDS: [&str; 3] = ["tmp", "prev", "old"];

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A fresh temporary path beside `<base>/<name>`.
pub fn temp_path(base: &Path, name: &str, kind: &str) -> PathBuf {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    base.join(format!(".{name}.{kind}-{}-{n}", std::process::id()))
}

/// Removes temporary directories that saves of `<name>` left behind when their
/// process died. Others' live saves (their pid still runs) are left alone.
pub fn remove_stale_temps(base: &Path, name: &str) {
    let Ok(dir) = fs::read_dir(base) else {
        return;
    };
    let prefix = format!(".{name}.");
    for entry in dir.flatten() {
        let file_name = entry.file_name();
        let Some(rest) = file_name.to_str().and_then(|f| f.strip_prefix(&prefix)) else {
            continue;
        };
        let Some((kind, tail)) = rest.split_once('-') else {
            continue;
        };
        let Some(pid) = tail
            .split_once('-')
            .and_then(|(p, _)| p.parse::<u32>().ok())
        else {
            continue;
        };
        if !KINDS.contains(&kind) || (pid != std::process::id() && process_alive(pid)) {
            continue;
        }
        log::info!(
            "removing {} left by an interrupted checkpoint save",
            entry.path().display()
        );
        let _ = remove_any(&entry.path());
    }
}

fn process_alive(pid: u32) -> bool {
    // SAFETY: kill with signal 0 only checks whether the process exists.
    let rc = unsafe { libc::kill(pid as libc::pid_t, 0) };
    rc == 0 || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// Removes a file or a directory tree.
pub fn remove_any(path: &Path) -> io::Result<()> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => fs::remove_dir_all(path),
        Ok(_) => fs::remove_file(path),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// Starts writing `file`'s dirty pages to disk without waiting, so that the
/// final fsync mostly finds its work done.
pub fn start_writeback(file: &fs::File) {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        // SAFETY: a valid open descriptor; the call only schedules writeback.
        unsafe { libc::sync_file_range(file.as_raw_fd(), 0, 0, libc::SYNC_FILE_RANGE_WRITE) };
    }
    #[cfg(not(target_os = "linux"))]
    let _ = file;
}

/// Fsyncs every file, from a few threads at once (concurrent fsyncs share
/// journal commits, which matters for checkpoints of many small arrays).
pub fn sync_files(paths: &[PathBuf]) -> Result<(), (PathBuf, io::Error)> {
    const WORKERS: usize = 8;
    let next = AtomicU64::new(0);
    let sync_one = |p: &PathBuf| fs::File::open(p).and_then(|f| f.sync_all());
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..WORKERS.min(paths.len()))
            .map(|_| {
                scope.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed) as usize;
                        let Some(p) = paths.get(i) else {
                            return Ok(());
                        };
                        sync_one(p).map_err(|e| (p.clone(), e))?;
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .try_for_each(|w| w.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
    })
}

/// Flushes a directory's entries (names created, renamed or removed in it).
pub fn sync_dir(path: &Path) -> io::Result<()> {
    fs::File::open(path)?.sync_all()
}

fn cstr(path: &Path) -> io::Result<CString> {
    CString::new(path.as_os_str().as_bytes())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "path contains NUL"))
}

/// `renameat2(from, to, flags)`; `Unsupported` where the call or the flag is
/// not available.
fn rename2(from: &Path, to: &Path, flags: libc::c_uint) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        let (f, t) = (cstr(from)?, cstr(to)?);
        // SAFETY: both strings are NUL-terminated and live across the call.
        let rc = unsafe {
            libc::syscall(
                libc::SYS_renameat2,
                libc::AT_FDCWD,
                f.as_ptr(),
                libc::AT_FDCWD,
                t.as_ptr(),
                flags,
            )
        };
        if rc == 0 {
            return Ok(());
        }
        let e = io::Error::last_os_error();
        match e.raw_os_error() {
            Some(libc::ENOSYS) | Some(libc::EINVAL) | Some(libc::EOPNOTSUPP) => {
                Err(io::Error::new(io::ErrorKind::Unsupported, e))
            }
            _ => Err(e),
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (from, to, flags, cstr);
        Err(io::Error::new(io::ErrorKind::Unsupported, "no renameat2"))
    }
}

#[cfg(target_os = "linux")]
const EXCHANGE: libc::c_uint = libc::RENAME_EXCHANGE;
#[cfg(target_os = "linux")]
const NOREPLACE: libc::c_uint = libc::RENAME_NOREPLACE;
#[cfg(not(target_os = "linux"))]
const EXCHANGE: libc::c_uint = 2;
#[cfg(not(target_os = "linux"))]
const NOREPLACE: libc::c_uint = 1;

/// Moves `from` to the free name `to`, failing if `to` exists.
pub fn rename_new(from: &Path, to: &Path) -> io::Result<()> {
    match rename2(from, to, NOREPLACE) {
        Err(e) if e.kind() == io::ErrorKind::Unsupported => {
            if fs::symlink_metadata(to).is_ok() {
                return Err(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    format!("{} already exists", to.display()),
                ));
            }
            fs::rename(from, to)
        }
        other => other,
    }
}

/// Puts `new` in place of the existing `target`. The old `target` ends up at
/// the returned path (to be removed), and `target` names a complete tree at
/// every instant when the exchange is supported.
pub fn replace(new: &Path, target: &Path, base: &Path, name: &str) -> io::Result<PathBuf> {
    match rename2(new, target, EXCHANGE) {
        Ok(()) => Ok(new.to_path_buf()),
        Err(e) if e.kind() == io::ErrorKind::Unsupported => {
            let old = temp_path(base, name, "old");
            fs::rename(target, &old)?;
            sync_dir(base)?;
            if let Err(e) = fs::rename(new, target) {
                // Put the previous one back rather than leave the name empty.
                let _ = fs::rename(&old, target);
                return Err(e);
            }
            Ok(old)
        }
        Err(e) => Err(e),
    }
}

/// A copy of the flat directory `dir` made of hard links (no data is copied;
/// files of a checkpoint are never changed in place). `None` when `dir` is not
/// a flat directory of regular files or the file system has no hard links.
pub fn link_copy(dir: &Path, base: &Path, name: &str) -> io::Result<Option<PathBuf>> {
    if !fs::symlink_metadata(dir)?.is_dir() {
        return Ok(None);
    }
    let copy = temp_path(base, name, "prev");
    fs::create_dir(&copy)?;
    let linked = (|| -> io::Result<bool> {
        for entry in fs::read_dir(dir)? {
            let entry = entry?;
            if !entry.file_type()?.is_file() {
                return Ok(false);
            }
            if let Err(e) = fs::hard_link(entry.path(), copy.join(entry.file_name())) {
                log::debug!("hard links unavailable in {}: {e}", base.display());
                return Ok(false);
            }
        }
        sync_dir(&copy)?;
        Ok(true)
    })();
    match linked {
        Ok(true) => Ok(Some(copy)),
        Ok(false) => {
            let _ = fs::remove_dir_all(&copy);
            Ok(None)
        }
        Err(e) => {
            let _ = fs::remove_dir_all(&copy);
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_temps_of_dead_saves_go() {
        let dir = tempfile::tempdir().unwrap();
        let me = std::process::id();
        let names = [
            ".cp.tmp-999999999-0".to_string(), // dead pid
            format!(".cp.prev-{me}-3"),        // ours, no save running
            ".cp.prev.tmp-999999999-0".into(), // another checkpoint (cp.prev)
            ".cp.tmp-1-0".into(),              // pid 1 is alive
            "cp".into(),
        ];
        for n in &names {
            fs::create_dir(dir.path().join(n)).unwrap();
        }
        remove_stale_temps(dir.path(), "cp");
        let mut left: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(left, [".cp.prev.tmp-999999999-0", ".cp.tmp-1-0", "cp"]);
    }

    #[test]
    fn replace_swaps_and_rename_new_refuses() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        fs::create_dir(&a).unwrap();
        fs::create_dir(&b).unwrap();
        fs::write(a.join("new"), "").unwrap();
        fs::write(b.join("old"), "").unwrap();
        let old = replace(&a, &b, dir.path(), "b").unwrap();
        assert!(b.join("new").exists());
        assert!(old.join("old").exists());
        let err = rename_new(&old, &b).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        let copy = link_copy(&b, dir.path(), "b").unwrap().unwrap();
        assert!(copy.join("new").exists());
    }
}

//! Facts about the machine, read once at start-up (host name, cores, memory)
//! or on demand from `/proc` (no child processes, unlike the original's
//! `pgrep`/`pmap`).

use sysinfo::{MemoryRefreshKind, RefreshKind, System};

#[derive(Clone, Debug)]
pub struct Machine {
    pub hostname: String,
    /// Physical cores (the original's `numPUs`).
    pub num_pus: usize,
    /// Threads this process may run at once (the original's `maxTaskPar`).
    pub max_task_par: usize,
    pub physical_memory: u64,
}

impl Machine {
    pub fn detect() -> Machine {
        let max_task_par = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1);
        let physical_memory = System::new_with_specifics(
            RefreshKind::nothing().with_memory(MemoryRefreshKind::nothing().with_ram()),
        )
        .map(|s| s.total_memory())
        .ok()
        .filter(|m| *m > 0)
        .or_else(|| meminfo_kb("MemTotal:").map(|kb| kb * 1024))
        .unwrap_or(1 << 30);
        Machine {
            hostname: System::host_name().unwrap_or_else(|_| "localhost".into()),
            num_pus: System::physical_core_count()
                .ok()
                .filter(|n| *n > 0)
                .unwrap_or(max_task_par),
            max_task_par,
            physical_memory,
        }
    }
}

/// A `kB` field of `/proc/meminfo`, e.g. `MemAvailable:`.
pub fn meminfo_kb(field: &str) -> Option<u64> {
    proc_field("/proc/meminfo", field)
}

/// Bytes the machine has available (`MemAvailable`).
pub fn mem_available() -> Option<u64> {
    meminfo_kb("MemAvailable:").map(|kb| kb * 1024)
}

/// This process's virtual size in kB (`VmSize` of `/proc/self/status`).
pub fn vm_size_kb() -> Option<u64> {
    proc_field("/proc/self/status", "VmSize:")
}

fn proc_field(path: &str, field: &str) -> Option<u64> {
    let text = std::fs::read_to_string(path).ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
}

//! `-nl N` with N > 1: the server starts its N ranks itself, through a
//! launcher command, as Chapel's launcher does (`mpirun -np N` unless
//! `--launcher`/`ARKOUDA_LAUNCHER` names another, such as `srun -n {n}` or
//! `mpirun --hostfile hosts -np {n}`).

use std::os::unix::process::CommandExt;
use std::process::ExitCode;

/// The launcher's argv for `n` ranks running this same command line.
pub fn command_line(template: &str, n: usize, exe: &str, args: &[String]) -> Vec<String> {
    let mut argv: Vec<String> = template
        .split_whitespace()
        .map(|w| w.replace("{n}", &n.to_string()))
        .collect();
    argv.push(exe.to_string());
    argv.extend(args.iter().cloned());
    argv
}

/// Replaces this process with the launcher; returns only on failure.
pub fn exec(template: &str, n: usize) -> ExitCode {
    let exe = match std::env::current_exe() {
        Ok(p) => p.to_string_lossy().into_owned(),
        Err(e) => {
            eprintln!("arkouda_server: cannot find my own executable: {e}");
            return ExitCode::FAILURE;
        }
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let argv = command_line(template, n, &exe, &args);
    let Some((program, rest)) = argv.split_first() else {
        eprintln!("arkouda_server: --launcher is empty");
        return ExitCode::from(2);
    };
    let e = std::process::Command::new(program).args(rest).exec();
    eprintln!("arkouda_server: cannot start the launcher '{program}': {e}");
    ExitCode::FAILURE
}

#[cfg(test)]
mod tests {
    #[test]
    fn launcher_line() {
        let a = vec!["-nl".to_string(), "3".to_string()];
        assert_eq!(
            super::command_line("mpirun --oversubscribe -np {n}", 3, "/x/srv", &a),
            [
                "mpirun",
                "--oversubscribe",
                "-np",
                "3",
                "/x/srv",
                "-nl",
                "3"
            ]
        );
    }
}

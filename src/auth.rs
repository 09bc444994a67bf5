//! Token authentication (spec §3): the server token in `.arkouda/tokens.txt`
//! and the per-request check.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

use rand::distr::{Alphanumeric, SampleString};
use rand::rand_core::UnwrapErr;
use rand::rngs::SysRng;

use crate::error::AuthError;

/// Length of generated tokens, as the original makes them.
pub const TOKEN_LEN: usize = 31;

/// Reads the token from `tokens.txt` (its last line), or stores `env_token`,
/// or a new random one, appending it to the file (mode 0600).
pub fn load_or_create_token(dir: &Path, env_token: Option<String>) -> std::io::Result<String> {
    let path = dir.join("tokens.txt");
    if let Ok(text) = fs::read_to_string(&path) {
        let last = text.lines().last().map(str::trim).unwrap_or("");
        if !last.is_empty() {
            tighten(&path)?;
            return Ok(last.to_string());
        }
    }
    let token = env_token
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(generate_token);
    let mut file = OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(&path)?;
    writeln!(file, "{token}")?;
    file.sync_all()?;
    tighten(&path)?;
    Ok(token)
}

/// 31 characters of `[0-9A-Za-z]` from the operating system's RNG.
pub fn generate_token() -> String {
    Alphanumeric.sample_string(&mut UnwrapErr(SysRng), TOKEN_LEN)
}

/// A token file readable by others would defeat the token.
fn tighten(path: &Path) -> std::io::Result<()> {
    fs::set_permissions(path, fs::Permissions::from_mode(0o600))
}

/// Checks a submitted token against the server's, in constant time.
pub fn check(submitted: &str, server: &str) -> Result<(), AuthError> {
    if submitted.is_empty() || submitted == "None" {
        return Err(AuthError::Missing);
    }
    if constant_time_eq(submitted.as_bytes(), server.as_bytes()) {
        Ok(())
    } else {
        Err(AuthError::Mismatch(submitted.to_string()))
    }
}

/// Compares without an early exit, so timing does not reveal a matching prefix.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let mut diff = (a.len() ^ b.len()) as u8 | ((a.len() ^ b.len()) >> 8) as u8;
    for i in 0..a.len().max(b.len()) {
        diff |= a.get(i).copied().unwrap_or(0) ^ b.get(i).copied().unwrap_or(0xff);
    }
    diff == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens() {
        let t = generate_token();
        assert_eq!(t.len(), TOKEN_LEN);
        assert!(t.chars().all(|c| c.is_ascii_alphanumeric()));
        assert!(check(&t, &t).is_ok());
        assert_eq!(
            check("", &t).unwrap_err().to_string(),
            "Error: access to arkouda requires a token"
        );
        assert!(
            check("x", &t)
                .unwrap_err()
                .to_string()
                .contains("token x does not match")
        );
        assert!(!constant_time_eq(b"abc", b"abcd"));
        assert!(!constant_time_eq(b"abc", b"abd"));
    }

    #[test]
    fn file_rules() {
        let dir = std::env::temp_dir().join(format!("ak-auth-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let _ = fs::remove_file(dir.join("tokens.txt"));
        let t = load_or_create_token(&dir, Some("fromenv".into())).unwrap();
        assert_eq!(t, "fromenv");
        // Once stored, the file wins over the environment.
        assert_eq!(
            load_or_create_token(&dir, Some("other".into())).unwrap(),
            "fromenv"
        );
        let mode = fs::metadata(dir.join("tokens.txt"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        fs::remove_dir_all(&dir).unwrap();
    }
}

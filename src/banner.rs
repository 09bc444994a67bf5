//! What the server tells the outside world at start-up: the connect URL, the
//! connection-info file and the splash (spec §4).

use std::path::Path;

/// `tcp://<host>:<port>`, with `?token=<token>` under authentication.
pub fn connect_url(host: &str, port: u16, token: Option<&str>) -> String {
    match token {
        Some(t) => format!("tcp://{host}:{port}?token={t}"),
        None => format!("tcp://{host}:{port}"),
    }
}

/// Writes `<host> <port> <url>\n`: the format launch scripts split on spaces.
pub fn write_connection_file(path: &Path, host: &str, port: u16, url: &str) -> std::io::Result<()> {
    std::fs::write(path, format!("{host} {port} {url}\n"))
}

pub fn remove_connection_file(path: &Path) {
    match std::fs::remove_file(path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            log::error!("The serverConnectionInfo file was not found {e}")
        }
        Err(e) => log::error!("Error in deleting serverConnectionInfo file {e}"),
    }
}

/// The framed start-up banner, laid out exactly as the original's.
pub fn splash(url: &str, info: &[String]) -> String {
    let even = |s: &str| {
        if s.len() % 2 == 1 {
            format!("{s} ")
        } else {
            s.to_string()
        }
    };
    let listening = even(&format!("server listening on {url}"));
    let side = " ".repeat(25);
    let centre = format!("{side} {listening} {side}");
    let width = centre.len();
    let tag = "*".repeat(width + 2);
    let blank = format!("*{}*", " ".repeat(width));
    let mut out = String::from("\n\n");
    for line in [&tag, &tag, &blank] {
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(&format!("*{centre}*\n"));
    for text in info {
        // The pad is computed on the unpadded text, then the text is evened.
        let pad = " ".repeat(((width as i64 - text.len() as i64) / 2 - 2 + 1).max(0) as usize);
        out.push_str(&format!("*{pad} {} {pad}*\n", even(text)));
    }
    for line in [&blank, &tag, &tag] {
        out.push_str(line);
        out.push('\n');
    }
    out.push_str("\n\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_example() {
        let s = splash(
            "tcp://myhost:5555",
            &[
                "arkouda server version = v2025.01.13".into(),
                "built with chapel version2.4.0".into(),
                "memory limit = 60529967923".into(),
                "bytes of memory used = 0".into(),
            ],
        );
        let lines: Vec<&str> = s.lines().collect();
        assert_eq!(lines.len(), 15);
        assert!(lines[2..13].iter().all(|l| l.len() == 92));
        assert_eq!(
            lines[5],
            "*                          server listening on tcp://myhost:5555                           *"
        );
        assert_eq!(
            lines[6],
            "*                           arkouda server version = v2025.01.13                           *"
        );
        assert_eq!(
            lines[7],
            "*                              built with chapel version2.4.0                              *"
        );
        assert_eq!(
            lines[8],
            "*                                memory limit = 60529967923                                *"
        );
        assert_eq!(
            lines[9],
            "*                                 bytes of memory used = 0                                 *"
        );
    }
}

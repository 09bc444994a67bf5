//! Request envelope parsing: frames in, [`Request`] or [`BadRequest`] out.

use std::fmt;

use serde::Deserialize;

use super::{Args, BINARY_MARKER};
use crate::error::RequestError;

#[derive(Debug)]
pub struct Request {
    pub user: String,
    pub token: String,
    pub cmd: String,
    pub format: String,
    pub args_text: String,
    pub size: i64,
    pub args: Args,
}

/// A request that cannot be handed to a handler, with whatever could be read
/// of it so that the error reply can name the command and user.
#[derive(Debug)]
pub struct BadRequest {
    pub cmd: Option<String>,
    pub user: Option<String>,
    pub error: RequestError,
}

impl fmt::Display for BadRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.error.fmt(f)
    }
}

#[derive(Deserialize)]
struct Envelope {
    user: Option<String>,
    token: Option<String>,
    cmd: Option<String>,
    format: Option<String>,
    args: Option<String>,
    size: Option<i64>,
}

impl Request {
    /// Parses the frames of one multipart message. Every frame has already been
    /// received, so a malformed message can never leave the socket mid-message.
    pub fn parse(mut frames: Vec<zmq::Message>) -> Result<Request, BadRequest> {
        let bad = |error| BadRequest {
            cmd: None,
            user: None,
            error,
        };
        if frames.is_empty() {
            return Err(bad(RequestError::Framing("empty message".into())));
        }
        let count = frames.len();
        let payload = if count > 1 {
            Some(frames.swap_remove(1))
        } else {
            None
        };
        let first: &[u8] = &frames[0];
        // The client appends the marker to the JSON; looking only at the end
        // also keeps a `BINARY_PAYLOAD` inside a JSON string harmless.
        let (json, binary) = match first.strip_suffix(BINARY_MARKER) {
            Some(json) => (json, true),
            None => (first, false),
        };
        let json = std::str::from_utf8(json).map_err(|_| bad(RequestError::InvalidUtf8))?;
        let env: Envelope = serde_json::from_str(json).map_err(|e| {
            // Salvage cmd and user for the error reply when the JSON is an object.
            let v: Option<serde_json::Value> = serde_json::from_str(json).ok();
            let field = |k: &str| {
                v.as_ref()
                    .and_then(|v| v.get(k))
                    .and_then(|s| s.as_str())
                    .map(str::to_string)
            };
            BadRequest {
                cmd: field("cmd"),
                user: field("user"),
                error: RequestError::Json(e.to_string()),
            }
        })?;
        let problem = match (binary, count) {
            (true, 1) => Some("the request announces BINARY_PAYLOAD but has no payload frame"),
            (false, n) if n > 1 => {
                Some("a second frame was sent without the BINARY_PAYLOAD marker")
            }
            (_, n) if n > 2 => Some("a request has at most two frames"),
            // Every binary command has arguments; a payload nothing reads is a client bug.
            (true, _) if env.size.is_some_and(|s| s <= 0) => {
                Some("a binary payload was sent with size <= 0 (no arguments)")
            }
            _ => None,
        };
        let error = match problem {
            Some(msg) => RequestError::Framing(msg.into()),
            None => match env {
                Envelope {
                    user: Some(user),
                    token: Some(token),
                    cmd: Some(cmd),
                    format: Some(format),
                    args: Some(args_text),
                    size: Some(size),
                } => {
                    return match Args::parse(&args_text, size, payload) {
                        Ok(args) => Ok(Request {
                            user,
                            token,
                            cmd,
                            format,
                            args_text,
                            size,
                            args,
                        }),
                        Err(error) => Err(BadRequest {
                            cmd: Some(cmd),
                            user: Some(user),
                            error,
                        }),
                    };
                }
                _ => RequestError::MissingField(env.first_missing()),
            },
        };
        Err(BadRequest {
            cmd: env.cmd,
            user: env.user,
            error,
        })
    }
}

impl Envelope {
    fn first_missing(&self) -> &'static str {
        [
            ("user", self.user.is_none()),
            ("token", self.token.is_none()),
            ("cmd", self.cmd.is_none()),
            ("format", self.format.is_none()),
            ("args", self.args.is_none()),
            ("size", self.size.is_none()),
        ]
        .into_iter()
        .find(|(_, missing)| *missing)
        .map(|(name, _)| name)
        .unwrap_or("size")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(parts: &[&[u8]]) -> Vec<zmq::Message> {
        parts.iter().map(|p| zmq::Message::from(*p)).collect()
    }

    #[test]
    fn plain_and_binary() {
        let r = Request::parse(frames(&[
            br#"{"user": "bob", "token": "", "cmd": "connect", "format": "STRING", "args": "", "size": -1}"#,
        ]))
        .unwrap();
        assert_eq!(
            (r.user.as_str(), r.cmd.as_str(), r.size),
            ("bob", "connect", -1)
        );

        let head = br#"{"user": "u", "token": "", "cmd": "array<int64,1>", "format": "BINARY", "args": "[\"{\\\"key\\\": \\\"dtype\\\", \\\"dtype\\\": \\\"str\\\", \\\"val\\\": \\\"int64\\\"}\"]", "size": 1}BINARY_PAYLOAD"#;
        let r = Request::parse(frames(&[head, &[1, 2, 3]])).unwrap();
        assert_eq!(r.args.payload(), Some(&[1u8, 2, 3][..]));
        assert_eq!(r.args.str("dtype").unwrap(), "int64");
    }

    #[test]
    fn malformed() {
        let e = Request::parse(frames(&[b"{\"cmd\": \"x\", \"user\": \"u\"}"])).unwrap_err();
        assert_eq!(e.cmd.as_deref(), Some("x"));
        assert_eq!(e.to_string(), "field 'token' not found.");
        let e = Request::parse(frames(&[b"\xff\xfe"])).unwrap_err();
        assert_eq!(e.to_string(), "Invalid UTF-8 character encountered.");
        let e = Request::parse(frames(&[
            br#"{"user":"u","token":"","cmd":"c","format":"","args":"","size":"3"}"#,
        ]))
        .unwrap_err();
        assert_eq!(e.cmd.as_deref(), Some("c"));
        assert!(e.to_string().starts_with("Incorrect JSON format"));
    }
}

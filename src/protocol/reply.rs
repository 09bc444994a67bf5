//! Replies and their byte encoding.

/// `msgType` of a JSON reply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MsgType {
    Normal,
    Warning,
    Error,
}

impl MsgType {
    pub fn as_str(self) -> &'static str {
        match self {
            MsgType::Normal => "NORMAL",
            MsgType::Warning => "WARNING",
            MsgType::Error => "ERROR",
        }
    }
}

pub enum Body {
    Text(String),
    /// Sent as one raw frame, without an envelope (e.g. `tondarray`).
    Binary(zmq::Message),
    /// As `Binary`, but the frame is memory the server keeps anyway (an
    /// array in the table): ZeroMQ sends it from where it lies and lets the
    /// owner go once the bytes are out, so a download copies nothing.
    Shared(Box<dyn Frame>),
}

/// Memory a reply frame is sent from without a copy. The bytes must not
/// change while the owner lives (the table's arrays change only through
/// copy-on-write when someone else holds them).
pub trait Frame: Send + Sync + 'static {
    fn bytes(&self) -> &[u8];
}

/// What the daemon must do once the reply has gone out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum After {
    Continue,
    Shutdown,
}

pub struct Reply {
    pub msg_type: MsgType,
    pub body: Body,
    /// The original answers `shutdown` (and everything on the side daemons)
    /// with an empty `user`; the client only needs the key to exist.
    pub anonymous: bool,
    pub after: After,
}

impl Reply {
    fn text(msg_type: MsgType, msg: impl Into<String>) -> Self {
        Reply {
            msg_type,
            body: Body::Text(msg.into()),
            anonymous: false,
            after: After::Continue,
        }
    }
    pub fn normal(msg: impl Into<String>) -> Self {
        Self::text(MsgType::Normal, msg)
    }
    pub fn warning(msg: impl Into<String>) -> Self {
        Self::text(MsgType::Warning, msg)
    }
    pub fn error(msg: impl Into<String>) -> Self {
        Self::text(MsgType::Error, msg)
    }
    pub fn binary(data: impl Into<zmq::Message>) -> Self {
        Reply {
            msg_type: MsgType::Normal,
            body: Body::Binary(data.into()),
            anonymous: false,
            after: After::Continue,
        }
    }
    /// A raw frame sent from `owner`'s memory (see [`Body::Shared`]).
    pub fn shared(owner: impl Frame) -> Self {
        Reply {
            msg_type: MsgType::Normal,
            body: Body::Shared(Box::new(owner)),
            anonymous: false,
            after: After::Continue,
        }
    }
    pub fn anonymous(mut self) -> Self {
        self.anonymous = true;
        self
    }
    pub fn then_shutdown(mut self) -> Self {
        self.after = After::Shutdown;
        self
    }
    pub fn is_error(&self) -> bool {
        self.msg_type == MsgType::Error
    }
    /// The reply text, if this is a JSON reply.
    pub fn text_msg(&self) -> Option<&str> {
        match &self.body {
            Body::Text(t) => Some(t),
            Body::Binary(_) | Body::Shared(_) => None,
        }
    }
}

/// Encodes a JSON reply exactly as the original's serializer does: no space
/// after `:`, `", "` between fields, fields in this order.
pub fn encode_json(msg: &str, msg_type: MsgType, user: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(msg.len() + user.len() + 72);
    out.extend_from_slice(b"{\"msg\":");
    push_json_string(&mut out, msg);
    out.extend_from_slice(b", \"msgType\":\"");
    out.extend_from_slice(msg_type.as_str().as_bytes());
    out.extend_from_slice(b"\", \"msgFormat\":\"STRING\", \"user\":");
    push_json_string(&mut out, user);
    out.extend_from_slice(b", \"payload\":\"\"}");
    out
}

/// The frame for an error in a command whose success is a raw binary frame:
/// the client recognises errors there by the `Error:` prefix.
pub fn encode_binary_error(msg: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(msg.len() + 7);
    out.extend_from_slice(b"Error: ");
    out.extend_from_slice(msg.as_bytes());
    out
}

pub fn push_json_string(out: &mut Vec<u8>, s: &str) {
    serde_json::to_writer(&mut *out, s).expect("writing to a Vec cannot fail");
}

/// A string as a JSON string literal.
pub fn json_string(s: &str) -> String {
    serde_json::to_string(s).expect("a str always serializes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chapel_byte_form() {
        let bytes = encode_json("say \"hi\"", MsgType::Normal, "bob");
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            r#"{"msg":"say \"hi\"", "msgType":"NORMAL", "msgFormat":"STRING", "user":"bob", "payload":""}"#
        );
    }
}

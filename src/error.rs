//! Typed errors of request handling. Their `Display` texts are what clients see
//! after `Error executing command <cmd>: `; the class names (`KeyNotFound`,
//! `UnknownSymbolError`, ...) are those of the original server, since users grep
//! for them.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum CommandError {
    #[error("KeyNotFound: JSON argument key Not Found: {0}")]
    KeyNotFound(String),

    #[error("TypeError: Json Argument '{val}' cannot be cast as a scalar {ty}")]
    BadScalar { val: String, ty: &'static str },

    #[error("UnknownSymbolError: unknown symbol: {0}")]
    UnknownSymbol(String),

    #[error("OverMemoryLimitError: {0}")]
    OverMemoryLimit(#[from] crate::memory::OverMemoryLimit),

    #[error("ValueError: {0}")]
    Value(String),

    #[error("IOError: {0}")]
    Io(String),

    #[error("IllegalArgumentError: {0}")]
    IllegalArgument(String),

    #[error("NotImplementedError: {0}")]
    NotImplemented(String),

    /// A message that carries no error class (the original's checkpoint errors).
    #[error("{0}")]
    Unclassed(String),

    /// Text sent without the `Error executing command` prefix, for the handlers
    /// whose original replies are bare (e.g. `getfiletype`, `lsany`).
    #[error("{0}")]
    Plain(String),

    #[error("handler panicked: {0}")]
    Panicked(String),

    /// Another rank's error, as its text (class included) reached this one.
    #[error("{text}")]
    Relayed { text: String, over_memory: bool },
}

impl CommandError {
    pub fn value(msg: impl Into<String>) -> Self {
        CommandError::Value(msg.into())
    }
    pub fn plain(msg: impl Into<String>) -> Self {
        CommandError::Plain(msg.into())
    }
    pub fn io(context: &str, e: std::io::Error) -> Self {
        CommandError::Io(format!("{context}: {e}"))
    }
}

/// Why a request could not even be handed to a handler.
#[derive(Debug, Error)]
pub enum RequestError {
    #[error("Invalid UTF-8 character encountered.")]
    InvalidUtf8,
    #[error("Incorrect JSON format: {0}")]
    Json(String),
    #[error("field '{0}' not found.")]
    MissingField(&'static str),
    #[error("{0}")]
    Framing(String),
}

/// Authentication failures; texts are the original's, byte for byte.
#[derive(Debug, Error)]
pub enum AuthError {
    #[error("Error: access to arkouda requires a token")]
    Missing,
    #[error("Error: token {0} does not match server token, check with server owner")]
    Mismatch(String),
}

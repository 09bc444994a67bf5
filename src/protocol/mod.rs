//! The wire format, free of I/O: what a request frame means and what a reply
//! looks like on the wire. The daemons feed frames in and send bytes out.

pub mod args;
pub mod reply;
pub mod request;

pub use args::{Args, Param};
pub use reply::{After, Body, Frame, MsgType, Reply};
pub use request::{BadRequest, Request};

/// The suffix of frame 1 that announces a binary payload in frame 2.
pub const BINARY_MARKER: &[u8] = b"BINARY_PAYLOAD";

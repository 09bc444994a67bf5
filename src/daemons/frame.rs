//! Sending a reply frame straight from memory the server owns: ZeroMQ reads
//! the bytes where they lie (no copy into a message buffer) and calls back
//! when it is done with them, from its I/O thread, to let the owner go.

use std::ffi::c_void;

use crate::protocol::Frame;

/// The callback's `hint`: the owner, boxed once more for a thin pointer.
type Owner = Box<dyn Frame>;

unsafe extern "C" fn release(_data: *mut c_void, hint: *mut c_void) {
    // SAFETY: `hint` is the `Box::into_raw` of `send`, and ZeroMQ calls this
    // exactly once per message.
    drop(unsafe { Box::from_raw(hint.cast::<Owner>()) });
}

fn last_error() -> zmq::Error {
    // SAFETY: reads the calling thread's errno.
    zmq::Error::from_raw(unsafe { zmq_sys::zmq_errno() })
}

/// Sends `owner`'s bytes as one frame without copying them.
pub fn send(socket: &mut zmq::Socket, owner: Owner) -> Result<(), zmq::Error> {
    let bytes = owner.bytes();
    if bytes.is_empty() {
        return socket.send(zmq::Message::new(), 0);
    }
    let (data, len) = (bytes.as_ptr().cast_mut().cast::<c_void>(), bytes.len());
    let hint = Box::into_raw(Box::new(owner));
    let mut msg = zmq_sys::zmq_msg_t::default();
    // SAFETY: `data` stays valid and unchanged until `release` drops its
    // owner (the heap block a `Box<dyn Frame>`'s bytes lie in does not move
    // with the box); ZeroMQ never writes to a message's data.
    let rc = unsafe { zmq_sys::zmq_msg_init_data(&mut msg, data, len, Some(release), hint.cast()) };
    if rc != 0 {
        let e = last_error();
        // SAFETY: ZeroMQ did not take the owner.
        drop(unsafe { Box::from_raw(hint) });
        return Err(e);
    }
    // SAFETY: `msg` is initialised; the socket pointer is live for the call.
    if unsafe { zmq_sys::zmq_msg_send(&mut msg, socket.as_mut_ptr(), 0) } == -1 {
        let e = last_error();
        // SAFETY: an unsent message is still ours to close (which releases).
        unsafe { zmq_sys::zmq_msg_close(&mut msg) };
        return Err(e);
    }
    Ok(())
}

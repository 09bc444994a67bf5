//! Commands that exist only with ARKOUDA_ENABLE_TEST_COMMANDS=1, so that the
//! test suite can prove that a panicking handler cannot take the server down.

use super::{CommandMap, Ctx, Kind};
use crate::error::CommandError;
use crate::handler;
use crate::protocol::{Args, Reply};

pub fn register(map: &mut CommandMap) {
    map.add("test_panic", handler!(test_panic), Kind::Tracked, "Testing");
}

pub fn test_panic(_: &Args, _: &Ctx) -> Result<Reply, CommandError> {
    panic!("test_panic was asked to panic");
}

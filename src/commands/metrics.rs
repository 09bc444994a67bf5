//! `metrics`: the request metrics of the command daemon (also served by the
//! METRICS daemon).

use super::{CommandMap, Ctx, Kind};
use crate::config::ARKOUDA_VERSION;
use crate::error::CommandError;
use crate::handler;
use crate::metrics::{Category, SystemView};
use crate::protocol::{Args, Reply};

pub fn register(map: &mut CommandMap) {
    map.add("metrics", handler!(metrics), Kind::Tracked, "MetricsMsg");
}

pub fn metrics(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let name = args.str("category")?;
    let category = Category::parse(name).ok_or_else(|| {
        CommandError::IllegalArgument(format!(
            "bad cast from string '{name}' to enum 'MetricCategory'"
        ))
    })?;
    let s = ctx.shared;
    let view = SystemView {
        hostname: &s.machine.hostname,
        version: ARKOUDA_VERSION,
        server_port: s.config.server_port,
        num_pus: s.machine.num_pus,
        max_task_par: s.machine.max_task_par,
        physical_memory: s.machine.physical_memory,
        memory_used: s.memory_used(),
        memory_limit: s.memory_limit(),
    };
    Ok(Reply::normal(s.metrics.export(category, &view)))
}

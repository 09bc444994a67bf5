//! Configuration queries: getconfig, getRegistrationConfig, getCmdMap.

use std::fmt::Write;

use super::{CommandMap, Ctx, Kind};
use crate::config::{ARKOUDA_VERSION, CHPL_VERSION, Config, LogChannel};
use crate::error::CommandError;
use crate::handler;
use crate::machine::Machine;
use crate::protocol::reply::json_string;
use crate::protocol::{Args, Reply};
use crate::symbol_table::DType;

pub fn register(map: &mut CommandMap) {
    const M: &str = "ServerConfig";
    map.add("getconfig", handler!(getconfig), Kind::Tracked, M);
    map.add(
        "getRegistrationConfig",
        handler!(get_registration_config),
        Kind::Tracked,
        M,
    );
    map.add("getCmdMap", handler!(get_cmd_map), Kind::Tracked, M);
}

pub fn getconfig(_: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    Ok(Reply::normal(ctx.shared.config_json.clone()))
}

/// The ranks and element types this server implements, in the shape of
/// Arkouda's `registration-config.json` (`json.dumps(indent=2)`, framed by
/// newlines). The client builds typed command names from it.
pub fn get_registration_config(_: &Args, _: &Ctx) -> Result<Reply, CommandError> {
    Ok(Reply::normal(registration_config()))
}

pub fn registration_config() -> String {
    let dtypes: Vec<String> = DType::ALL
        .iter()
        .map(|d| format!("        {}", json_string(d.registration_name())))
        .collect();
    format!(
        "\n{{\n  \"parameter_classes\": {{\n    \"array\": {{\n      \"nd\": [\n        1\n      ],\n      \
         \"dtype\": [\n{}\n      ]\n    }}\n  }}\n}}\n",
        dtypes.join(",\n")
    )
}

pub fn get_cmd_map(_: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let entries: Vec<String> = ctx
        .commands
        .listed()
        .into_iter()
        .map(|(name, sig)| format!("  {}: {}", json_string(name), json_string(sig)))
        .collect();
    Ok(Reply::normal(format!("{{\n{}\n}}", entries.join(",\n"))))
}

/// The `getconfig` JSON, keys in the original's order and byte form.
pub fn config_json(config: &Config, m: &Machine, cluster: &crate::dist::Cluster) -> String {
    let (a, b, c) = zmq::version();
    let host = json_string(&m.hostname);
    // One entry per locale: rank 0's machine alone with one process.
    let locales: Vec<(String, usize, u64)> = if cluster.locales.is_empty() {
        vec![(m.hostname.clone(), m.num_pus, m.physical_memory)]
    } else {
        cluster
            .locales
            .iter()
            .map(|l| (l.hostname.clone(), l.cores, l.physical_memory))
            .collect()
    };
    let nodes = locales
        .iter()
        .map(|l| &l.0)
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let colocales = locales.len().div_ceil(nodes.max(1));
    let locale_configs: Vec<String> = locales
        .iter()
        .enumerate()
        .map(|(id, (name, pus, mem))| {
            format!(
                "{{\"id\":{id}, \"name\":{}, \"numPUs\":{pus}, \"numColocales\":{colocales}, \
                 \"maxTaskPar\":{pus}, \"physicalMemory\":{mem}}}",
                json_string(name)
            )
        })
        .collect();
    let mut s = String::with_capacity(1024);
    let _ = write!(
        s,
        "{{\"arkoudaVersion\":{}, \"chplVersion\":{}, \"pythonVersion\":\"none\", \
         \"ZMQVersion\":\"{a}.{b}.{c}\", \"HDF5Version\":\"none\", \"serverHostname\":{host}, \
         \"ServerPort\":{}, \"numLocales\":{}, \"numNodes\":{nodes}, \"numPUs\":{}, \"maxTaskPar\":{}, \
         \"physicalMemory\":{}, \"distributionType\":\"{}\", \
         \"LocaleConfigs\":[{}], \"authenticate\":{}, \"logLevel\":\"{}\", \
         \"logChannel\":\"{}\", \"regexMaxCaptures\":20, \"byteorder\":\"{}\", \"autoShutdown\":{}, \
         \"serverInfoNoSplash\":{}}}",
        json_string(ARKOUDA_VERSION),
        json_string(CHPL_VERSION),
        config.server_port,
        locales.len(),
        m.num_pus,
        m.max_task_par,
        m.physical_memory,
        // The original's names for a local and a block-distributed domain.
        if locales.len() == 1 {
            "domain(1,int(64),one)"
        } else {
            "BlockDom(1,int(64),one,unmanaged DefaultDist)"
        },
        locale_configs.join(", "),
        config.authenticate,
        config.log_level.name(),
        if config.log_channel == LogChannel::File {
            "FILE"
        } else {
            "CONSOLE"
        },
        if cfg!(target_endian = "little") {
            "little"
        } else {
            "big"
        },
        config.auto_shutdown,
        config.server_info_no_splash,
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registration_config_is_indented_json() {
        let text = registration_config();
        assert!(text.starts_with("\n{\n  \"parameter_classes\"") && text.ends_with("}\n"));
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            v["parameter_classes"]["array"]["nd"],
            serde_json::json!([1])
        );
        assert_eq!(
            v["parameter_classes"]["array"]["dtype"],
            serde_json::json!(["int", "uint", "uint(8)", "real", "bool"])
        );
    }
}

//! File helpers used by the client's I/O functions: lsany, getfiletype,
//! globExpansion, deleteMatchingFilenames.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::{CommandMap, Ctx, Kind};
use crate::error::CommandError;
use crate::handler;
use crate::protocol::reply::json_string;
use crate::protocol::{Args, Reply};

pub fn register(map: &mut CommandMap) {
    map.add("lsany", handler!(lsany), Kind::Tracked, "FileIO");
    map.add(
        "getfiletype",
        handler!(getfiletype),
        Kind::Tracked,
        "FileIO",
    );
    map.add(
        "globExpansion",
        handler!(glob_expansion),
        Kind::Tracked,
        "FileIO",
    );
    map.add(
        "deleteMatchingFilenames",
        handler!(delete_matching_filenames),
        Kind::Tracked,
        "FileIO",
    );
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum FileType {
    Parquet,
    Hdf5,
    Csv,
    Unknown,
}

/// The file a `filename` argument names: itself, or the first match of a
/// trailing-`*` glob.
fn resolve(filename: &str) -> Result<PathBuf, CommandError> {
    if filename.is_empty() {
        return Err(CommandError::plain("Empty Filename Provided."));
    }
    let path = if filename.ends_with('*') {
        glob_sorted(filename).into_iter().next().ok_or_else(|| {
            CommandError::plain(format!(
                "Cannot retrieve filename from glob expression {filename}, check file name or format"
            ))
        })?
    } else {
        PathBuf::from(filename)
    };
    if !path.exists() {
        return Err(CommandError::plain(format!(
            "File {} does not exist in a location accessible to Arkouda",
            path.display()
        )));
    }
    Ok(path)
}

fn glob_sorted(pattern: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = glob::glob(pattern)
        .map(|paths| paths.filter_map(Result::ok).collect())
        .unwrap_or_default();
    v.sort();
    v
}

fn file_type(path: &Path) -> Result<FileType, CommandError> {
    let mut head = [0u8; 8];
    let mut file =
        std::fs::File::open(path).map_err(|e| CommandError::io(&path.display().to_string(), e))?;
    let mut n = 0;
    while n < head.len() {
        match file.read(&mut head[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) => return Err(CommandError::io(&path.display().to_string(), e)),
        }
    }
    let head = &head[..n];
    Ok(if head.starts_with(b"PAR1") {
        FileType::Parquet
    } else if head == b"\x89HDF\r\n\x1a\n" {
        FileType::Hdf5
    } else if head == b"**HEADER" {
        FileType::Csv
    } else {
        FileType::Unknown
    })
}

pub fn getfiletype(args: &Args, _: &Ctx) -> Result<Reply, CommandError> {
    let path = resolve(args.str("filename")?)?;
    Ok(Reply::normal(match file_type(&path)? {
        FileType::Parquet => "Parquet",
        FileType::Hdf5 => "HDF5",
        FileType::Csv => "CSV",
        FileType::Unknown => {
            return Err(CommandError::plain(
                "Unsupported file type; Parquet, HDF5 and CSV are only supported formats",
            ));
        }
    }))
}

/// Probes the file type, then hands the same arguments to the format's
/// listing command.
pub fn lsany(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let path = resolve(args.str("filename")?)?;
    let target = match file_type(&path)? {
        FileType::Parquet => "lspq",
        FileType::Hdf5 => "lshdf",
        FileType::Csv => "lscsv",
        FileType::Unknown => {
            return Err(CommandError::plain(
                "Unsupported file type; Parquet and HDF5 are only supported formats",
            ));
        }
    };
    let command = ctx.commands.get(target).ok_or_else(|| {
        CommandError::plain(format!(
            "lsany: this server has no {target} command to list {}",
            path.display()
        ))
    })?;
    (command.handler)(args, ctx)
}

pub fn glob_expansion(args: &Args, _: &Ctx) -> Result<Reply, CommandError> {
    let count = args.int("file_count")?;
    let raw = args.str("filenames")?;
    let names: Vec<String> = serde_json::from_str(raw).map_err(|_| {
        let shown = if raw.chars().count() > 2000 {
            let head: String = raw.chars().take(1000).collect();
            let tail: String = raw.chars().skip(raw.chars().count() - 1000).collect();
            format!("{head}...{tail}")
        } else {
            raw.to_string()
        };
        CommandError::plain(format!(
            "Could not decode json filenames via tempfile ({count} files: {shown})"
        ))
    })?;
    let expanded = match names.as_slice() {
        [one] if one.trim().is_empty() => return Err(CommandError::plain("filelist was empty.")),
        [one] => {
            let matches = glob_sorted(one);
            if matches.is_empty() {
                return Err(CommandError::plain(format!(
                    "The wildcarded filename {one} either corresponds to files inaccessible to Arkouda or files of an invalid format"
                )));
            }
            matches
                .into_iter()
                .map(|p| p.display().to_string())
                .collect()
        }
        _ => names,
    };
    let items: Vec<String> = expanded.iter().map(|s| json_string(s)).collect();
    Ok(Reply::normal(format!("[{}]", items.join(", "))))
}

/// Deletes `<prefix-without-extension>_LOCALE*<extension>`.
pub fn delete_matching_filenames(args: &Args, _: &Ctx) -> Result<Reply, CommandError> {
    let prefix = args.str("prefix")?;
    let name_start = prefix.rfind('/').map(|i| i + 1).unwrap_or(0);
    let (stem, ext) = match prefix[name_start..].rfind('.') {
        Some(dot) => prefix.split_at(name_start + dot),
        None => (prefix, ""),
    };
    let pattern = format!(
        "{}_LOCALE*{}",
        glob::Pattern::escape(stem),
        glob::Pattern::escape(ext)
    );
    for path in glob_sorted(&pattern) {
        std::fs::remove_file(&path)
            .map_err(|e| CommandError::io(&path.display().to_string(), e))?;
    }
    Ok(Reply::normal("Files deleted successfully!"))
}

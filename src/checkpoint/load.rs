//! `load_checkpoint` (spec §8.3), all or nothing: every metadata file is
//! parsed and every data file's footer checked first (by every locale), then
//! each locale reads and verifies the parts of the chunk files that overlap
//! its blocks, and only once every locale has succeeded are the arrays put
//! into the symbol table. Failures change nothing (the original keeps what it
//! loaded before one).

use std::fs;
use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};

use super::format::{ENTRY_TYPE, LAYOUT_FILE, MdReader, SERVER_MD, STRINGS_ENTRY_TYPE, join_path};
use super::save::is_entry_file_name;
use super::{CkptError, agree, format};
use super::{data, text};
use crate::dist::exchange::overlap;
use crate::dist::{Block, Comm};
use crate::kernels::string::StrsBuilder;
use crate::state::Shared;
use crate::symbol_table::{ArrayEntry, DType, StringsEntry};

/// One array to load: its chunk files (footers already checked) and their
/// element counts. Files are reopened for reading so that a checkpoint of many
/// arrays does not hold a descriptor per array.
struct Planned {
    name: String,
    /// `None` for strings.
    dtype: Option<DType>,
    size: usize,
    /// Strings: their bytes over every locale, NULs included.
    nbytes: u64,
    chunks: Vec<(PathBuf, usize)>,
}

/// One entry read by this locale, to be stored once every locale has read.
enum Loaded {
    Array(ArrayEntry),
    Strings(StringsEntry),
}

/// Loads `<base>/<name>`, replacing same-named arrays and keeping the others.
/// Returns `name`. The caller holds the activity guard. A collective: every
/// locale reads its blocks, and the arrays are stored only once every locale
/// has read its own.
pub fn load(shared: &Shared, comm: &dyn Comm, base: &str, name: &str) -> Result<String, CkptError> {
    let started = std::time::Instant::now();
    let loading = shared.readiness.loading_checkpoint();
    let result = load_inner(shared, comm, base, name);
    drop(loading);
    shared
        .metrics
        .record_checkpoint(started.elapsed().as_secs_f64(), result.is_ok());
    match &result {
        Ok(n) => log::info!(
            "loaded {n} arrays from checkpoint {}",
            join_path(base, name)
        ),
        Err(e) => log::error!("loading checkpoint {} failed: {e}", join_path(base, name)),
    }
    result.map(|_| name.to_string())
}

fn load_inner(
    shared: &Shared,
    comm: &dyn Comm,
    base: &str,
    name: &str,
) -> Result<usize, CkptError> {
    let read = agree(comm, read_all(shared, comm, base, name))?;
    // Every locale has its blocks: storing them cannot fail anywhere now.
    let count = read.len();
    for (name, entry) in read {
        match entry {
            Loaded::Array(a) => shared.symbols.insert(name, a),
            Loaded::Strings(s) => shared.symbols.insert_strings(name, s),
        }
    }
    shared.activity.record_checkpoint();
    Ok(count)
}

/// Checks the whole checkpoint and reads this locale's block of every array.
fn read_all(
    shared: &Shared,
    comm: &dyn Comm,
    base: &str,
    name: &str,
) -> Result<Vec<(String, Loaded)>, CkptError> {
    if !format::is_plain_name(name) {
        return Err(CkptError::Value(format!(
            "invalid checkpoint name '{name}': it must not contain '/' or '..'"
        )));
    }
    if !Path::new(base).exists() {
        return Err(CkptError::Bare(format!(
            "The base checkpoint directory not found: {base}"
        )));
    }
    let cp_path = join_path(base, name);
    let cp_dir = Path::new(&cp_path);
    if !cp_dir.exists() {
        return Err(CkptError::Bare(format!(
            "The checkpoint directory not found: {cp_path}"
        )));
    }
    let now = comm.size() as i64;
    let locales = Locales {
        saved: check_server_md(&cp_path, now)?,
        now,
    };
    let dsetname = &shared.config.checkpoint.dsetname;
    let mut plan = Vec::new();
    for md_name in md_files(cp_dir).map_err(|e| io_err("cannot list", &cp_path, e))? {
        plan.push(plan_entry(
            &join_path(&cp_path, &md_name),
            cp_dir,
            dsetname,
            locales,
        )?);
    }
    // Read everything (memory is reserved before each array is allocated).
    let mut loaded = Vec::with_capacity(plan.len());
    for p in plan {
        let mine = Block::new(p.size, comm.size()).range(comm.rank());
        // The part of each chunk in this locale's block, in the chunk's rows.
        let mut start = 0;
        let parts: Vec<(&PathBuf, usize, Range<usize>)> = p
            .chunks
            .iter()
            .filter_map(|(path, rows)| {
                let chunk = start..start + rows;
                start = chunk.end;
                let wanted = overlap(&chunk, &mine);
                (!wanted.is_empty()).then(|| {
                    (
                        path,
                        *rows,
                        wanted.start - chunk.start..wanted.end - chunk.start,
                    )
                })
            })
            .collect();
        let entry = match p.dtype {
            Some(dtype) => Loaded::Array(read_array(shared, dsetname, &p, dtype, &parts)?),
            None => Loaded::Strings(read_strings(shared, dsetname, &p, mine.len(), &parts)?),
        };
        loaded.push((p.name, entry));
    }
    Ok(loaded)
}

type Parts<'a> = [(&'a PathBuf, usize, Range<usize>)];

fn read_array(
    shared: &Shared,
    dsetname: &str,
    p: &Planned,
    dtype: DType,
    parts: &Parts,
) -> Result<ArrayEntry, CkptError> {
    let mut failure = None;
    let entry = shared.symbols.new_entry(dtype, vec![p.size], |n| {
        let mut values = data::with_capacity(dtype, n);
        for (path, rows, keep) in parts {
            let read = data::open(path, dsetname, dtype, *rows)
                .and_then(|file| file.read_range_into(&mut values, keep.clone()));
            if let Err(e) = read {
                failure = Some(e);
                // Zeroed pages cost nothing; the entry is dropped below.
                return crate::symbol_table::ArrayData::zeros(dtype, n);
            }
        }
        values
    });
    let entry = entry.map_err(memory_or_value)?;
    match failure {
        Some(e) => Err(CkptError::checkpoint(e)),
        None => Ok(entry),
    }
}

fn read_strings(
    shared: &Shared,
    dsetname: &str,
    p: &Planned,
    n: usize,
    parts: &Parts,
) -> Result<StringsEntry, CkptError> {
    let mut out = StrsBuilder::with_capacity(n, 0);
    for (path, rows, keep) in parts {
        text::open(path, dsetname, *rows)
            .and_then(|file| text::read_range_into(&file, &mut out, keep.clone()))
            .map_err(CkptError::checkpoint)?;
    }
    let (offsets, bytes) = out.finish();
    shared
        .symbols
        .new_strings(offsets, bytes, p.size, p.nbytes)
        .map_err(memory_or_value)
}

fn memory_or_value(e: crate::error::CommandError) -> CkptError {
    match e {
        crate::error::CommandError::OverMemoryLimit(m) => CkptError::Memory(m),
        other => CkptError::Value(other.to_string()),
    }
}

/// The locale count a checkpoint was saved at, and ours.
#[derive(Clone, Copy)]
struct Locales {
    saved: i64,
    now: i64,
}

fn io_err(what: &str, path: &str, e: io::Error) -> CkptError {
    CkptError::Io(format!("{what} {path}: {e}"))
}

fn read_text(path: &str) -> Result<String, CkptError> {
    fs::read_to_string(path).map_err(|e| io_err("cannot read", path, e))
}

fn locales_differ(saved: i64, conjunction: &str, now: i64) -> CkptError {
    CkptError::checkpoint(format!(
        "Attempting to load a checkpoint that was made with a different number of locales \
         ({saved}) {conjunction} the current execution ({now})"
    ))
}

/// Reads `server.md` of the checkpoint at `cp_path`; returns the locale count
/// it was saved at. One saved at another count than ours loads when its
/// chunks can be cut into our blocks: a single chunk per array always can, and
/// several when our layout file says they are blocks in locale order. Other
/// multi-locale checkpoints (the original's) load only at their own count,
/// as in the original.
fn check_server_md(cp_path: &str, now: i64) -> Result<i64, CkptError> {
    let md = join_path(cp_path, SERVER_MD);
    let text = read_text(&md)?;
    let mut reader = MdReader::new(&md, &text);
    let server = reader.next("server metadata")?;
    server.str("serverid")?;
    let saved = server.int("numLocales")?;
    if saved != now && saved != 1 && layout_locales(cp_path)? != Some(saved) {
        return Err(locales_differ(saved, "than", now));
    }
    Ok(saved)
}

/// The locale count in the checkpoint's layout file, if it has one.
fn layout_locales(cp_path: &str) -> Result<Option<i64>, CkptError> {
    let path = join_path(cp_path, LAYOUT_FILE);
    let text = match fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_err("cannot read", &path, e)),
    };
    let mut reader = MdReader::new(&path, &text);
    let layout = reader.next("layout metadata")?;
    if layout.str("distribution")? != "block" {
        return Ok(None);
    }
    layout.int("numLocales").map(Some)
}

/// The names the original's `glob(<dir>/*md)` finds, in its (sorted) order,
/// without `server.md`.
fn md_files(dir: &Path) -> io::Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        if name.ends_with("md")
            && !name.starts_with('.')
            && name != SERVER_MD
            && !entry.file_type()?.is_dir()
        {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

/// The data file a chunk line names. The checkpoint's own copy (same base
/// name, in the directory being loaded) wins, so that `.prev` checkpoints and
/// moved checkpoints load their own data; otherwise the recorded path is used
/// as the original does (relative to the server's working directory).
fn resolve(cp_dir: &Path, recorded: &str) -> PathBuf {
    if let Some(base) = Path::new(recorded).file_name() {
        let local = cp_dir.join(base);
        if local.is_file() {
            return local;
        }
    }
    PathBuf::from(recorded)
}

fn plan_entry(
    md: &str,
    cp_dir: &Path,
    dsetname: &str,
    locales: Locales,
) -> Result<Planned, CkptError> {
    let text = read_text(md)?;
    let mut reader = MdReader::new(md, &text);
    let entry = reader.next("entry metadata")?;
    let name = entry.str("entryName")?.to_string();
    let entry_type = entry.str("entryType")?.to_string();
    // The original saves strings as an entry line alone, which it cannot
    // load either; ours carry their array metadata and data files.
    let strings = entry_type == STRINGS_ENTRY_TYPE && text.lines().nth(1).is_some();
    if entry_type != ENTRY_TYPE && !strings {
        return Err(CkptError::NotImplemented(format!(
            "Loading a checkpoint is not implemented for entry {name} which is a {entry_type} \
             with metadata file {md}"
        )));
    }
    let array = reader.next("array metadata")?;
    let dtype_name = array.str("dtype")?.to_string();
    let size = array.count("size")?;
    let ndim = array.int("ndim")?;
    let target_locales = array.int("numTargetLocales")?;
    let num_chunks = array.count("numChunks")?;
    // Chunks are the saved locales' blocks (the count the original checks
    // against its own).
    if target_locales != locales.saved {
        return Err(locales_differ(target_locales, "then", locales.now));
    }
    let nbytes = if strings {
        array.count("nbytes")? as u64
    } else {
        0
    };
    let dtype = DType::from_name(&dtype_name)
        .map(Some)
        .or_else(|| (strings && dtype_name == "str").then_some(None))
        .filter(|d| ndim == 1 && d.is_none() == strings)
        .ok_or_else(|| {
            CkptError::NotImplemented(format!(
                "Loading an array with {ndim} dimensions and {dtype_name} element type from a \
                 checkpoint is not implemented for entry {name} which is a {entry_type} with \
                 metadata file {md}"
            ))
        })?;
    let mut chunk_lines = Vec::with_capacity(num_chunks.min(1024));
    for k in 1..=num_chunks {
        let what = format!("chunk {k} metadata");
        let chunk = reader.next(&what)?;
        chunk_lines.push((chunk.str("filename")?.to_string(), chunk.count("numElems")?));
    }
    if name.is_empty() {
        return Err(CkptError::checkpoint(format!(
            "Entry in {md} has empty name"
        )));
    }
    if !is_entry_file_name(&name) {
        return Err(CkptError::checkpoint(format!(
            "Entry in {md} has the name '{name}', which is not usable as a file name"
        )));
    }
    let total: u128 = chunk_lines.iter().map(|(_, n)| *n as u128).sum();
    if total != size as u128 {
        return Err(CkptError::checkpoint(format!(
            "Entry {name} in {md} has size {size} but its chunks hold {total} elements"
        )));
    }
    let mut chunks = Vec::with_capacity(chunk_lines.len());
    for (recorded, n) in chunk_lines {
        let path = resolve(cp_dir, &recorded);
        match dtype {
            Some(dtype) => data::open(&path, dsetname, dtype, n).map(drop),
            None => text::open(&path, dsetname, n).map(drop),
        }
        .map_err(CkptError::checkpoint)?;
        chunks.push((path, n));
    }
    Ok(Planned {
        name,
        dtype,
        size,
        nbytes,
        chunks,
    })
}

//! The metadata files of the original's layout (spec §8.2): `server.md` and one
//! `<entry>.md` per array, each a sequence of JSON objects, one per line, with
//! Chapel's `", "` spacing. Reading is lenient about whitespace, key order and
//! extra keys, and reports problems in the original's words.

use serde_json::{Map, Value};

use super::CkptError;
use crate::symbol_table::DType;

pub const SERVER_MD: &str = "server.md";
pub const ENTRY_TYPE: &str = "PrimitiveTypedArraySymEntry";
/// Strings' entry type, as the original names it.
pub const STRINGS_ENTRY_TYPE: &str = "SegStringSymEntry";

/// Chapel's `Path.joinPath(a, b)`: `b` if absolute, else `a` and `b` joined by
/// exactly one `/`.
pub fn join_path(a: &str, b: &str) -> String {
    if b.starts_with('/') || a.is_empty() {
        b.to_string()
    } else if a.ends_with('/') {
        format!("{a}{b}")
    } else {
        format!("{a}/{b}")
    }
}

/// Base name of the data file of locale (rank) `locale` of an entry: the
/// original's `_LOCALE%04d` inserted before the extension.
pub fn data_file_name(entry: &str, locale: usize) -> String {
    format!("{entry}_LOCALE{locale:04}.data")
}

/// Written beside `server.md` by saves at more than one locale: says that the
/// chunks of every entry are its blocks in locale order, which lets a load at
/// another locale count redistribute them. The original's load globs `*md`
/// and never sees it; the original's own multi-locale checkpoints lack it and
/// so load only at their own locale count, as there.
pub const LAYOUT_FILE: &str = "layout.json";

pub fn layout_json(num_locales: usize) -> String {
    format!("{{\"distribution\":\"block\", \"numLocales\":{num_locales}}}\n")
}

/// Whether `name` can be a checkpoint or entry file name: no path separator,
/// no `..`, not empty, no NUL.
pub fn is_plain_name(name: &str) -> bool {
    !name.is_empty() && !name.contains('/') && !name.contains("..") && !name.contains('\0')
}

fn quote(s: &str) -> String {
    serde_json::to_string(s).expect("strings serialize")
}

pub fn server_md(server_id: &str, num_locales: usize) -> String {
    format!(
        "{{\"serverid\":{}, \"numLocales\":{num_locales}}}\n",
        quote(server_id)
    )
}

/// The lines of a 1-D array's metadata file: one chunk per locale, each the
/// path the original server would record
/// (`<path>/<name>/<entry>_LOCALE<NNNN>.data`) and its element count.
pub fn entry_md(entry: &str, dtype: DType, size: usize, chunks: &[(String, usize)]) -> String {
    let head = format!("\"dtype\":\"{}\", \"size\":{size}", dtype.name());
    md_lines(entry, ENTRY_TYPE, &head, chunks)
}

/// The lines of a strings entry's metadata file: as an array's, with the
/// entry type of strings, dtype `str`, the byte count (NULs included) and
/// one chunk per locale holding its block of strings.
pub fn strings_md(entry: &str, size: usize, nbytes: u64, chunks: &[(String, usize)]) -> String {
    let head = format!("\"dtype\":\"str\", \"size\":{size}, \"nbytes\":{nbytes}");
    md_lines(entry, STRINGS_ENTRY_TYPE, &head, chunks)
}

fn md_lines(entry: &str, entry_type: &str, head: &str, chunks: &[(String, usize)]) -> String {
    let mut md = format!(
        "{{\"entryName\":{}, \"entryType\":\"{entry_type}\"}}\n\
         {{{head}, \"ndim\":1, \"numTargetLocales\":{n}, \"numChunks\":{n}}}\n",
        quote(entry),
        n = chunks.len(),
    );
    for (path, elems) in chunks {
        md += &format!("{{\"filename\":{}, \"numElems\":{elems}}}\n", quote(path));
    }
    md
}

/// Successive JSON objects of one metadata file.
pub struct MdReader<'a> {
    md: &'a str,
    stream: serde_json::StreamDeserializer<'a, serde_json::de::StrRead<'a>, Value>,
}

/// One JSON object of a metadata file, with typed field access.
pub struct MdObject<'a> {
    map: Map<String, Value>,
    what: &'a str,
    md: &'a str,
}

impl<'a> MdReader<'a> {
    pub fn new(md: &'a str, text: &'a str) -> Self {
        MdReader {
            md,
            stream: serde_json::Deserializer::from_str(text).into_iter(),
        }
    }

    /// The next object, described as `what` (e.g. `chunk 1 metadata`) in errors.
    pub fn next<'w>(&mut self, what: &'w str) -> Result<MdObject<'w>, CkptError>
    where
        'a: 'w,
    {
        match self.stream.next() {
            None => Err(CkptError::checkpoint(format!(
                "could not read {what} from {}",
                self.md
            ))),
            Some(Err(e)) if e.is_eof() => Err(CkptError::checkpoint(format!(
                "could not read {what} from {}",
                self.md
            ))),
            Some(Err(e)) => Err(invalid(what, self.md, &e.to_string())),
            Some(Ok(Value::Object(map))) => Ok(MdObject {
                map,
                what,
                md: self.md,
            }),
            Some(Ok(_)) => Err(invalid(what, self.md, "not a JSON object")),
        }
    }
}

fn invalid(what: &str, md: &str, why: &str) -> CkptError {
    CkptError::checkpoint(format!("invalid {what} in {md}: {why}"))
}

impl MdObject<'_> {
    fn field(&self, name: &str) -> Result<&Value, CkptError> {
        self.map
            .get(name)
            .ok_or_else(|| invalid(self.what, self.md, &format!("field '{name}' not found.")))
    }

    pub fn str(&self, name: &str) -> Result<&str, CkptError> {
        self.field(name)?.as_str().ok_or_else(|| {
            invalid(
                self.what,
                self.md,
                &format!("field '{name}' is not a string."),
            )
        })
    }

    pub fn int(&self, name: &str) -> Result<i64, CkptError> {
        self.field(name)?.as_i64().ok_or_else(|| {
            invalid(
                self.what,
                self.md,
                &format!("field '{name}' is not an integer."),
            )
        })
    }

    /// A count: a non-negative integer.
    pub fn count(&self, name: &str) -> Result<usize, CkptError> {
        let n = self.int(name)?;
        usize::try_from(n).map_err(|_| {
            invalid(
                self.what,
                self.md,
                &format!("field '{name}' is negative ({n})."),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_like_chapel() {
        assert_eq!(join_path(".akdata", "cp"), ".akdata/cp");
        assert_eq!(join_path(".akdata/", "cp"), ".akdata/cp");
        assert_eq!(join_path("/a", "/b"), "/b");
    }

    #[test]
    fn md_lines() {
        assert_eq!(
            server_md("id_aB3dE9x_", 1),
            "{\"serverid\":\"id_aB3dE9x_\", \"numLocales\":1}\n"
        );
        assert_eq!(
            entry_md(
                "id_x_1",
                DType::Float64,
                10,
                &[(".akdata/cp/id_x_1_LOCALE0000.data".into(), 10)]
            ),
            "{\"entryName\":\"id_x_1\", \"entryType\":\"PrimitiveTypedArraySymEntry\"}\n\
             {\"dtype\":\"float64\", \"size\":10, \"ndim\":1, \"numTargetLocales\":1, \"numChunks\":1}\n\
             {\"filename\":\".akdata/cp/id_x_1_LOCALE0000.data\", \"numElems\":10}\n"
        );
        assert_eq!(
            entry_md(
                "a",
                DType::Int64,
                3,
                &[
                    ("cp/a_LOCALE0000.data".into(), 1),
                    ("cp/a_LOCALE0001.data".into(), 2)
                ]
            ),
            "{\"entryName\":\"a\", \"entryType\":\"PrimitiveTypedArraySymEntry\"}\n\
             {\"dtype\":\"int64\", \"size\":3, \"ndim\":1, \"numTargetLocales\":2, \"numChunks\":2}\n\
             {\"filename\":\"cp/a_LOCALE0000.data\", \"numElems\":1}\n\
             {\"filename\":\"cp/a_LOCALE0001.data\", \"numElems\":2}\n"
        );
        assert_eq!(data_file_name("a", 12), "a_LOCALE0012.data");
    }

    #[test]
    fn reader_errors() {
        let text = "{\"a\": 1}\n{\"junk\": 2}\n";
        let mut r = MdReader::new("x.md", text);
        assert_eq!(r.next("entry metadata").unwrap().int("a").unwrap(), 1);
        let second = r.next("array metadata").unwrap();
        assert_eq!(
            second.int("size").unwrap_err().to_string(),
            "invalid array metadata in x.md: field 'size' not found."
        );
        assert_eq!(
            r.next("chunk 1 metadata").err().unwrap().to_string(),
            "could not read chunk 1 metadata from x.md"
        );
        let mut bad = MdReader::new("y.md", "{\"a\": ");
        assert!(
            bad.next("server metadata")
                .err()
                .unwrap()
                .to_string()
                .starts_with("could not read server metadata from y.md")
        );
        let mut bad = MdReader::new("y.md", "{\"a\" 1}");
        assert!(
            bad.next("server metadata")
                .err()
                .unwrap()
                .to_string()
                .starts_with("invalid server metadata in y.md: ")
        );
    }
}

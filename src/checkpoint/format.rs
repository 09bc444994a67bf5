//! The metadata files of the original's layout (spec §8.2): `server.md` and one
//! `<entry>.md` per array, each a sequence of JSON objects, one per line, with
//! Chapel's `", "` spacing. Reading is lenient about whitespace, key order and
//! extra keys, and reports problems in the original's words.

use serde_json::{Map, Value};

use super::CkptError;
use crate::symbol_table::DType;

pub const SERVER_MD: &str = "server.md";
pub const ENTRY_TYPE: &str = "PrimitiveTypedArraySymEntry";

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

/// Base name of an entry's only data file.
pub fn data_file_name(entry: &str) -> String {
    format!("{entry}_LOCALE0000.data")
}

/// Whether `name` can be a checkpoint or entry file name: no path separator,
/// no `..`, not empty, no NUL.
pub fn is_plain_name(name: &str) -> bool {
    !name.is_empty() && !name.contains('/') && !name.contains("..") && !name.contains('\0')
}

fn quote(s: &str) -> String {
    serde_json::to_string(s).expect("strings serialize")
}

pub fn server_md(server_id: &str) -> String {
    format!("{{\"serverid\":{}, \"numLocales\":1}}\n", quote(server_id))
}

/// The three lines of a rank-1 array's metadata file. `data_path` is the path
/// the original server would record: `<path>/<name>/<entry>_LOCALE0000.data`.
pub fn entry_md(entry: &str, dtype: DType, size: usize, data_path: &str) -> String {
    format!(
        "{{\"entryName\":{}, \"entryType\":\"{ENTRY_TYPE}\"}}\n\
         {{\"dtype\":\"{}\", \"size\":{size}, \"ndim\":1, \"numTargetLocales\":1, \"numChunks\":1}}\n\
         {{\"filename\":{}, \"numElems\":{size}}}\n",
        quote(entry),
        dtype.name(),
        quote(data_path)
    )
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
            server_md("id_aB3dE9x_"),
            "{\"serverid\":\"id_aB3dE9x_\", \"numLocales\":1}\n"
        );
        assert_eq!(
            entry_md(
                "id_x_1",
                DType::Float64,
                10,
                ".akdata/cp/id_x_1_LOCALE0000.data"
            ),
            "{\"entryName\":\"id_x_1\", \"entryType\":\"PrimitiveTypedArraySymEntry\"}\n\
             {\"dtype\":\"float64\", \"size\":10, \"ndim\":1, \"numTargetLocales\":1, \"numChunks\":1}\n\
             {\"filename\":\".akdata/cp/id_x_1_LOCALE0000.data\", \"numElems\":10}\n"
        );
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

//! Command arguments: the doubly encoded parameter list and the optional
//! binary payload, with the typed accessors handlers use.

use std::fmt;

use serde::Deserialize;

use crate::error::{CommandError, RequestError};

/// One `{"key", "dtype", "val"}` parameter; `val` is always a string on the wire.
#[derive(Debug, Clone)]
pub struct Param {
    pub key: String,
    pub dtype: String,
    pub val: String,
}

#[derive(Default, Debug)]
pub struct Args {
    params: Vec<Param>,
    payload: Option<zmq::Message>,
}

#[derive(Deserialize)]
struct RawParam {
    key: Option<String>,
    dtype: Option<String>,
    val: Option<String>,
    // Clients before mid-2024 also send `objType`; serde ignores unknown fields.
}

impl Args {
    pub fn new(params: Vec<Param>, payload: Option<zmq::Message>) -> Self {
        Args { params, payload }
    }

    /// Parses the `args` string of a request holding `size` parameters.
    pub fn parse(
        args: &str,
        size: i64,
        payload: Option<zmq::Message>,
    ) -> Result<Self, RequestError> {
        if size <= 0 {
            return Ok(Args {
                params: Vec::new(),
                payload,
            });
        }
        let items: Vec<String> =
            serde_json::from_str(args).map_err(|e| RequestError::Json(format!("args: {e}")))?;
        let size = usize::try_from(size).unwrap_or(usize::MAX);
        if items.len() < size {
            return Err(RequestError::Framing(format!(
                "size is {size} but args holds {} parameters",
                items.len()
            )));
        }
        let params = items[..size]
            .iter()
            .map(|item| {
                let raw: RawParam = serde_json::from_str(item)
                    .map_err(|e| RequestError::Json(format!("parameter {item}: {e}")))?;
                Ok(Param {
                    key: raw.key.ok_or(RequestError::MissingField("key"))?,
                    dtype: raw.dtype.ok_or(RequestError::MissingField("dtype"))?,
                    val: raw.val.ok_or(RequestError::MissingField("val"))?,
                })
            })
            .collect::<Result<Vec<_>, RequestError>>()?;
        Ok(Args { params, payload })
    }

    pub fn params(&self) -> &[Param] {
        &self.params
    }

    /// The first parameter named `key` (in wire order).
    pub fn get(&self, key: &str) -> Result<&Param, CommandError> {
        self.params
            .iter()
            .find(|p| p.key == key)
            .ok_or_else(|| CommandError::KeyNotFound(key.into()))
    }

    pub fn contains(&self, key: &str) -> bool {
        self.params.iter().any(|p| p.key == key)
    }

    pub fn str(&self, key: &str) -> Result<&str, CommandError> {
        Ok(&self.get(key)?.val)
    }

    pub fn int(&self, key: &str) -> Result<i64, CommandError> {
        let val = &self.get(key)?.val;
        parse_int(val).ok_or_else(|| bad_scalar(val, "int(64)"))
    }

    pub fn real(&self, key: &str) -> Result<f64, CommandError> {
        let val = &self.get(key)?.val;
        val.trim()
            .parse::<f64>()
            .map_err(|_| bad_scalar(val, "real(64)"))
    }

    /// `True...`/`False...` as the original reads them; otherwise an integer,
    /// non-zero meaning true. Lower-case `true` is rejected, as in the original.
    pub fn bool(&self, key: &str) -> Result<bool, CommandError> {
        let val = &self.get(key)?.val;
        parse_bool(val).ok_or_else(|| bad_scalar(val, "bool"))
    }

    /// A `val` holding a JSON list of strings (numbers are accepted too).
    pub fn str_list(&self, key: &str) -> Result<Vec<String>, CommandError> {
        let val = &self.get(key)?.val;
        let items: Vec<serde_json::Value> = serde_json::from_str(val).map_err(|_| {
            CommandError::value(format!("argument '{key}' is not a JSON list: {val}"))
        })?;
        items
            .into_iter()
            .map(|i| match i {
                serde_json::Value::String(s) => Ok(s),
                serde_json::Value::Number(n) => Ok(n.to_string()),
                other => Err(CommandError::value(format!(
                    "argument '{key}' holds a non-scalar item {other}"
                ))),
            })
            .collect()
    }

    pub fn int_list(&self, key: &str) -> Result<Vec<i64>, CommandError> {
        self.str_list(key)?
            .iter()
            .map(|s| parse_int(s).ok_or_else(|| bad_scalar(s, "int(64)")))
            .collect()
    }

    pub fn payload(&self) -> Option<&[u8]> {
        self.payload.as_deref()
    }

    /// Lazily formatted for the log: keys and values, long values cut, and the
    /// payload only by size, so that logging never copies data.
    pub fn dump(&self) -> ArgsDump<'_> {
        ArgsDump(self)
    }
}

pub fn parse_int(s: &str) -> Option<i64> {
    s.trim().parse::<i64>().ok()
}

pub fn parse_bool(s: &str) -> Option<bool> {
    if s.starts_with("True") {
        Some(true)
    } else if s.starts_with("False") {
        Some(false)
    } else {
        parse_int(s).map(|i| i != 0)
    }
}

fn bad_scalar(val: &str, ty: &'static str) -> CommandError {
    CommandError::BadScalar {
        val: val.to_string(),
        ty,
    }
}

pub struct ArgsDump<'a>(&'a Args);

impl fmt::Display for ArgsDump<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const MAX: usize = 200;
        write!(f, "[")?;
        for (i, p) in self.0.params.iter().enumerate() {
            if i > 0 {
                write!(f, ", ")?;
            }
            if p.val.len() > MAX {
                let cut = (0..=MAX)
                    .rev()
                    .find(|&i| p.val.is_char_boundary(i))
                    .unwrap_or(0);
                write!(f, "{}={}... ({} bytes)", p.key, &p.val[..cut], p.val.len())?;
            } else {
                write!(f, "{}={}", p.key, p.val)?;
            }
        }
        write!(f, "]")?;
        if let Some(p) = &self.0.payload {
            write!(f, " + {} payload bytes", p.len())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubly_encoded() {
        let args = r#"["{\"key\": \"seconds\", \"dtype\": \"float64\", \"val\": \"6.0\"}", "{\"key\": \"b\", \"dtype\": \"bool\", \"val\": \"True\", \"objType\": \"VALUE\"}"]"#;
        let a = Args::parse(args, 2, None).unwrap();
        assert_eq!(a.real("seconds").unwrap(), 6.0);
        assert!(a.bool("b").unwrap());
        assert!(
            a.int("seconds")
                .unwrap_err()
                .to_string()
                .contains("cannot be cast as a scalar int(64)")
        );
        assert!(
            a.get("nope")
                .unwrap_err()
                .to_string()
                .contains("JSON argument key Not Found: nope")
        );
        // size 0: args are not even looked at.
        assert!(Args::parse("garbage", 0, None).unwrap().params().is_empty());
        assert!(Args::parse(args, 3, None).is_err());
        assert!(
            Args::parse(
                r#"["{\"key\": \"a\", \"dtype\": \"int64\", \"val\": 1}"]"#,
                1,
                None
            )
            .is_err()
        );
    }
}

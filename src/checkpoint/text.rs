//! Strings in checkpoint data files: one Parquet BYTE_ARRAY column (one row
//! a string, NUL not stored, no logical type: bytes are kept as given), so
//! pandas and pyarrow read the files too. The footer carries the XXH64 of
//! the strings' bytes, each followed by a NUL, checked on load. The original
//! server saves no strings it can load again; the layout is otherwise its
//! own (one file per locale, named as its array files are).

use std::fs::OpenOptions;
use std::io::BufWriter;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use parquet::basic::{Repetition, Type as PhysicalType};
use parquet::column::reader::ColumnReader;
use parquet::data_type::{ByteArray, ByteArrayType};
use parquet::file::metadata::KeyValue;
use parquet::file::reader::FileReader;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::Type;

use super::data::{self, BATCH, CHECKSUM_KEY, DataFile, WRITE_BUFFER};
use super::hash::Xxh64;
use crate::kernels::string::{Strs, StrsBuilder};

fn schema(dsetname: &str) -> Result<Arc<Type>, String> {
    let column = Type::primitive_type_builder(dsetname, PhysicalType::BYTE_ARRAY)
        .with_repetition(Repetition::REQUIRED)
        .build()
        .map_err(|e| e.to_string())?;
    Type::group_type_builder("schema")
        .with_fields(vec![Arc::new(column)])
        .build()
        .map(Arc::new)
        .map_err(|e| e.to_string())
}

/// Writes `strs` to a new file at `path` (synced later by the caller);
/// returns its size in bytes.
pub fn write(path: &Path, dsetname: &str, strs: Strs) -> Result<u64, String> {
    let fail = |e: &dyn std::fmt::Display| format!("cannot write {}: {e}", path.display());
    let file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| fail(&e))?;
    let file = BufWriter::with_capacity(WRITE_BUFFER.min(strs.bytes.len() + 4096), file);
    let mut writer = SerializedFileWriter::new(file, schema(dsetname)?, data::properties())
        .map_err(|e| fail(&e))?;
    let mut hash = Xxh64::default();
    if !strs.is_empty() {
        let mut group = writer.next_row_group().map_err(|e| fail(&e))?;
        let mut column = group
            .next_column()
            .map_err(|e| fail(&e))?
            .ok_or_else(|| fail(&"the schema has no column"))?;
        let w = column.typed::<ByteArrayType>();
        let mut batch: Vec<ByteArray> = Vec::with_capacity(BATCH);
        let mut start = 0;
        while start < strs.len() {
            let end = (start + BATCH).min(strs.len());
            batch.clear();
            batch.extend((start..end).map(|i| ByteArray::from(strs.get(i).to_vec())));
            let (_, bytes) = strs.slice(start..end);
            hash.update(bytes);
            w.write_batch(&batch, None, None).map_err(|e| fail(&e))?;
            start = end;
        }
        column.close().map_err(|e| fail(&e))?;
        group.close().map_err(|e| fail(&e))?;
    }
    writer.append_key_value_metadata(KeyValue::new(
        CHECKSUM_KEY.to_string(),
        format!("{:016x}", hash.finish()),
    ));
    let file = writer
        .into_inner()
        .map_err(|e| fail(&e))?
        .into_inner()
        .map_err(|e| fail(&e.into_error()))?;
    super::fsops::start_writeback(&file);
    file.metadata().map(|m| m.len()).map_err(|e| fail(&e))
}

/// Opens a strings data file of `rows` strings (footer and column checked).
pub fn open(path: &Path, dsetname: &str, rows: usize) -> Result<DataFile, String> {
    data::open_column(path, dsetname, PhysicalType::BYTE_ARRAY, "str", rows)
}

/// Appends strings `keep` (rows of the file) to `out`, verifying the whole
/// file's checksum if it has one.
pub fn read_range_into(
    file: &DataFile,
    out: &mut StrsBuilder,
    keep: Range<usize>,
) -> Result<(), String> {
    let mut hash = Xxh64::default();
    let mut read = 0;
    let mut buf: Vec<ByteArray> = Vec::with_capacity(BATCH);
    for g in 0..file.reader.num_row_groups() {
        let group = file.reader.get_row_group(g).map_err(|e| file.corrupt(&e))?;
        let rows = usize::try_from(group.metadata().num_rows()).unwrap_or(usize::MAX);
        let start = keep.start.saturating_sub(read).min(rows);
        let kept = start..keep.end.saturating_sub(read).clamp(start, rows);
        let ColumnReader::ByteArrayColumnReader(mut r) = group
            .get_column_reader(file.column)
            .map_err(|e| file.corrupt(&e))?
        else {
            return Err(file.corrupt(&"unexpected column type"));
        };
        read += file.read_batches(&mut r, &mut buf, rows, kept, true, |b, k| {
            for s in b {
                hash.update(s.data());
                hash.update(&[0]);
            }
            for s in &b[k] {
                out.push(s.data());
            }
            Ok(())
        })?;
    }
    file.check_read(read, &hash, "strings", "strings")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_ranges() {
        let dir = tempfile::tempdir().unwrap();
        let mut b = StrsBuilder::default();
        let words: Vec<String> = (0..20_000).map(|i| "é".repeat(i % 7)).collect();
        for w in &words {
            b.push(w.as_bytes());
        }
        let (o, by) = b.finish();
        let path = dir.path().join("s.data");
        write(&path, "data", Strs::new(&o, &by)).unwrap();
        for keep in [0..0, 0..20_000, 9_000..12_345] {
            let f = open(&path, "data", words.len()).unwrap();
            let mut out = StrsBuilder::default();
            read_range_into(&f, &mut out, keep.clone()).unwrap();
            let (o2, b2) = out.finish();
            let got: Vec<&[u8]> = Strs::new(&o2, &b2).iter().collect();
            let want: Vec<&[u8]> = words[keep].iter().map(|w| w.as_bytes()).collect();
            assert_eq!(got, want);
        }
        assert!(
            open(&path, "data", 3)
                .err()
                .unwrap()
                .contains("holds 20000")
        );
        let empty = dir.path().join("e.data");
        write(&empty, "data", Strs::new(&[], &[])).unwrap();
        let f = open(&empty, "data", 0).unwrap();
        read_range_into(&f, &mut StrsBuilder::default(), 0..0).unwrap();
    }
}

//! The `<entry>_LOCALE<NNNN>.data` files (one per locale): Parquet with one required column named
//! by `--dsetname`, uncompressed and PLAIN, typed as the original server types
//! it (int64 → INT64, uint64 → INT64/UINT_64, float64 → DOUBLE, bool →
//! BOOLEAN; uint8, which the original does not save, → INT32/UINT_8 as pyarrow
//! writes it). Files we write also carry the XXH64 of the values in the footer's
//! key-value metadata, checked on load; files without it (the original's) load
//! unchecked.

use std::fs::{File, OpenOptions};
use std::io::BufWriter;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use parquet::basic::{
    Compression, ConvertedType, Encoding, LogicalType, Repetition, Type as PhysicalType,
};
use parquet::column::reader::{ColumnReader, ColumnReaderImpl};
use parquet::data_type::{BoolType, DataType, DoubleType, Int32Type, Int64Type};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::{EnabledStatistics, WriterProperties, WriterVersion};
use parquet::file::reader::FileReader;
use parquet::file::serialized_reader::SerializedFileReader;
use parquet::file::writer::{SerializedColumnWriter, SerializedFileWriter};
use parquet::schema::types::Type;

use super::hash::Xxh64;
use crate::symbol_table::{ArrayData, DType};

/// Footer key of our checksum of the values' little-endian bytes.
pub const CHECKSUM_KEY: &str = "arkouda_server.values_xxh64";
/// Rows per row group, as the original writes them (512 MiB of int64).
const ROW_GROUP_ROWS: usize = 64 * 1024 * 1024;
/// Values handed to the encoder (and hashed while cache-hot) at a time, and
/// the page size: 64 KiB of int64. The encoder allocates fresh buffers for
/// every page; pages below glibc's mmap threshold (128 KiB) reuse heap memory
/// instead of faulting in new pages each time, which made 1 MiB pages save at
/// half the speed.
pub(super) const BATCH: usize = 8 * 1024;
const PAGE_BYTES: usize = 64 << 10;
pub(super) const WRITE_BUFFER: usize = 4 << 20;

fn schema(dsetname: &str, dtype: DType) -> Result<Arc<Type>, String> {
    let (physical, converted, logical) = match dtype {
        DType::Int64 => (PhysicalType::INT64, ConvertedType::NONE, None),
        DType::UInt64 => (
            PhysicalType::INT64,
            ConvertedType::UINT_64,
            Some(LogicalType::integer(64, false)),
        ),
        DType::UInt8 => (
            PhysicalType::INT32,
            ConvertedType::UINT_8,
            Some(LogicalType::integer(8, false)),
        ),
        DType::Float64 => (PhysicalType::DOUBLE, ConvertedType::NONE, None),
        DType::Bool => (PhysicalType::BOOLEAN, ConvertedType::NONE, None),
    };
    let column = Type::primitive_type_builder(dsetname, physical)
        .with_repetition(Repetition::REQUIRED)
        .with_converted_type(converted)
        .with_logical_type(logical)
        .build()
        .map_err(|e| e.to_string())?;
    Type::group_type_builder("schema")
        .with_fields(vec![Arc::new(column)])
        .build()
        .map(Arc::new)
        .map_err(|e| e.to_string())
}

pub(super) fn properties() -> Arc<WriterProperties> {
    Arc::new(
        WriterProperties::builder()
            .set_writer_version(WriterVersion::PARQUET_1_0)
            .set_compression(Compression::UNCOMPRESSED)
            .set_dictionary_enabled(false)
            .set_encoding(Encoding::PLAIN)
            .set_statistics_enabled(EnabledStatistics::None)
            .set_data_page_size_limit(PAGE_BYTES)
            .set_data_page_row_count_limit(usize::MAX)
            .set_write_batch_size(BATCH)
            .build(),
    )
}

/// Writes `data` to a new file at `path` and starts its writeback (the caller
/// fsyncs it later, with the others); returns its size in bytes.
pub fn write(path: &Path, dsetname: &str, data: &ArrayData) -> Result<u64, String> {
    let fail = |e: &dyn std::fmt::Display| format!("cannot write {}: {e}", path.display());
    let file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| fail(&e))?;
    // Each page is a header and its values, two writes; batching them into
    // large writes costs a copy but saves tens of thousands of system calls.
    let size = data.len().saturating_mul(data.dtype().itemsize());
    let file = BufWriter::with_capacity(WRITE_BUFFER.min(size + 4096), file);
    let mut writer = SerializedFileWriter::new(file, schema(dsetname, data.dtype())?, properties())
        .map_err(|e| fail(&e))?;
    let mut hash = Xxh64::default();
    let mut start = 0;
    while start < data.len() {
        let end = (start + ROW_GROUP_ROWS).min(data.len());
        let mut group = writer.next_row_group().map_err(|e| fail(&e))?;
        let mut column = group
            .next_column()
            .map_err(|e| fail(&e))?
            .ok_or_else(|| fail(&"the schema has no column"))?;
        write_group(&mut column, data, start..end, &mut hash).map_err(|e| fail(&e))?;
        column.close().map_err(|e| fail(&e))?;
        group.close().map_err(|e| fail(&e))?;
        start = end;
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

/// One row group's values, in batches that are hashed while cache-hot.
fn write_group(
    column: &mut SerializedColumnWriter<'_>,
    data: &ArrayData,
    rows: std::ops::Range<usize>,
    hash: &mut Xxh64,
) -> parquet::errors::Result<()> {
    match data {
        ArrayData::Int64(v) => {
            let w = column.typed::<Int64Type>();
            for b in v[rows].chunks(BATCH) {
                hash.update_words(b, |x| x as u64);
                w.write_batch(b, None, None)?;
            }
        }
        ArrayData::Float64(v) => {
            let w = column.typed::<DoubleType>();
            for b in v[rows].chunks(BATCH) {
                hash.update_words(b, f64::to_bits);
                w.write_batch(b, None, None)?;
            }
        }
        ArrayData::UInt64(v) => {
            let w = column.typed::<Int64Type>();
            let mut buf = Vec::with_capacity(BATCH);
            for b in v[rows].chunks(BATCH) {
                hash.update_words(b, |x| x);
                buf.clear();
                buf.extend(b.iter().map(|x| *x as i64));
                w.write_batch(&buf, None, None)?;
            }
        }
        ArrayData::UInt8(v) => {
            let w = column.typed::<Int32Type>();
            let mut buf = Vec::with_capacity(BATCH);
            for b in v[rows].chunks(BATCH) {
                hash.update(b);
                buf.clear();
                buf.extend(b.iter().map(|x| *x as i32));
                w.write_batch(&buf, None, None)?;
            }
        }
        ArrayData::Bool(v) => {
            let w = column.typed::<BoolType>();
            let mut bytes = Vec::with_capacity(BATCH);
            for b in v[rows].chunks(BATCH) {
                bytes.clear();
                bytes.extend(b.iter().map(|x| *x as u8));
                hash.update(&bytes);
                w.write_batch(b, None, None)?;
            }
        }
    }
    Ok(())
}

/// A data file whose footer has been read and checked against the metadata.
pub struct DataFile {
    pub(super) reader: SerializedFileReader<File>,
    pub(super) column: usize,
    pub(super) rows: usize,
    pub(super) optional: bool,
    pub(super) checksum: Option<u64>,
    pub(super) shown: String,
}

/// Opens `path` and checks that it is a Parquet file whose column `dsetname`
/// can hold `dtype` and that it has `rows` rows.
pub fn open(path: &Path, dsetname: &str, dtype: DType, rows: usize) -> Result<DataFile, String> {
    let wanted = match dtype {
        DType::Int64 | DType::UInt64 => PhysicalType::INT64,
        DType::UInt8 => PhysicalType::INT32,
        DType::Float64 => PhysicalType::DOUBLE,
        DType::Bool => PhysicalType::BOOLEAN,
    };
    open_column(path, dsetname, wanted, dtype.name(), rows)
}

/// [`open`] for a column of physical type `wanted`, for values of `what`.
pub(super) fn open_column(
    path: &Path,
    dsetname: &str,
    wanted: PhysicalType,
    what: &str,
    rows: usize,
) -> Result<DataFile, String> {
    let shown = path.display().to_string();
    let file = File::open(path).map_err(|e| format!("cannot open data file {shown}: {e}"))?;
    let reader = SerializedFileReader::new(file)
        .map_err(|e| format!("corrupt or truncated data file {shown}: {e}"))?;
    let meta = reader.metadata().file_metadata();
    let schema = meta.schema_descr();
    let column = (0..schema.num_columns())
        .find(|&i| schema.column(i).path().parts() == [dsetname])
        .ok_or_else(|| format!("data file {shown} has no column named '{dsetname}'"))?;
    let descr = schema.column(column);
    let physical = descr.physical_type();
    if physical != wanted || descr.max_rep_level() != 0 || descr.max_def_level() > 1 {
        return Err(format!(
            "column '{dsetname}' of data file {shown} is {physical}{} but {what} needs {wanted}",
            if descr.max_rep_level() != 0 {
                " (repeated)"
            } else {
                ""
            },
        ));
    }
    let found = meta.num_rows();
    if usize::try_from(found).ok() != Some(rows) {
        return Err(format!(
            "data file {shown} holds {found} elements but its metadata says {rows}"
        ));
    }
    let checksum = match meta
        .key_value_metadata()
        .and_then(|kv| kv.iter().find(|kv| kv.key == CHECKSUM_KEY))
    {
        None => None,
        Some(kv) => Some(
            kv.value
                .as_deref()
                .and_then(|v| u64::from_str_radix(v, 16).ok())
                .ok_or_else(|| format!("corrupt data file {shown}: unreadable checksum"))?,
        ),
    };
    Ok(DataFile {
        optional: descr.max_def_level() == 1,
        reader,
        column,
        rows,
        checksum,
        shown,
    })
}

/// An empty array of `dtype` with room for `n` elements.
pub fn with_capacity(dtype: DType, n: usize) -> ArrayData {
    match dtype {
        DType::Int64 => ArrayData::Int64(Vec::with_capacity(n)),
        DType::UInt64 => ArrayData::UInt64(Vec::with_capacity(n)),
        DType::UInt8 => ArrayData::UInt8(Vec::with_capacity(n)),
        DType::Float64 => ArrayData::Float64(Vec::with_capacity(n)),
        DType::Bool => ArrayData::Bool(Vec::with_capacity(n)),
    }
}

impl DataFile {
    /// Appends the values of rows `keep` of the file to `out` (whose dtype
    /// was checked by `open`) and verifies the checksum if the file has one:
    /// every row is decoded and hashed, only `keep` is stored.
    pub fn read_range_into(&self, out: &mut ArrayData, keep: Range<usize>) -> Result<(), String> {
        let mut hash = Xxh64::default();
        let mut read = 0;
        for g in 0..self.reader.num_row_groups() {
            let group = self.reader.get_row_group(g).map_err(|e| self.corrupt(&e))?;
            let rows = usize::try_from(group.metadata().num_rows()).unwrap_or(usize::MAX);
            // `keep` in this group's rows.
            let start = keep.start.saturating_sub(read).min(rows);
            let keep = start..keep.end.saturating_sub(read).clamp(start, rows);
            let column = group
                .get_column_reader(self.column)
                .map_err(|e| self.corrupt(&e))?;
            let h = &mut hash;
            read += match (column, &mut *out) {
                // Straight into the array; hashed batch by batch while cache-hot.
                (ColumnReader::Int64ColumnReader(mut r), ArrayData::Int64(v)) => self
                    .read_batches(&mut r, v, rows, keep, false, |b, _| {
                        h.update_words(b, |x| x as u64);
                        Ok(())
                    })?,
                (ColumnReader::DoubleColumnReader(mut r), ArrayData::Float64(v)) => self
                    .read_batches(&mut r, v, rows, keep, false, |b, _| {
                        h.update_words(b, f64::to_bits);
                        Ok(())
                    })?,
                (ColumnReader::BoolColumnReader(mut r), ArrayData::Bool(v)) => {
                    let mut bytes = Vec::with_capacity(BATCH);
                    self.read_batches(&mut r, v, rows, keep, false, |b, _| {
                        bytes.clear();
                        bytes.extend(b.iter().map(|x| *x as u8));
                        h.update(&bytes);
                        Ok(())
                    })?
                }
                // Through a batch buffer of the physical type.
                (ColumnReader::Int64ColumnReader(mut r), ArrayData::UInt64(v)) => {
                    let mut buf = Vec::with_capacity(BATCH);
                    self.read_batches(&mut r, &mut buf, rows, keep, true, |b, k| {
                        h.update_words(b, |x| x as u64);
                        v.extend(b[k].iter().map(|x| *x as u64));
                        Ok(())
                    })?
                }
                (ColumnReader::Int32ColumnReader(mut r), ArrayData::UInt8(v)) => {
                    let mut buf = Vec::with_capacity(BATCH);
                    let mut bytes = Vec::with_capacity(BATCH);
                    self.read_batches(&mut r, &mut buf, rows, keep, true, |b, k| {
                        bytes.clear();
                        for x in b {
                            bytes.push(u8::try_from(*x).map_err(|_| {
                                format!("data file {} holds {x}, which is not a uint8", self.shown)
                            })?);
                        }
                        h.update(&bytes);
                        v.extend_from_slice(&bytes[k]);
                        Ok(())
                    })?
                }
                _ => return Err(self.corrupt(&"unexpected column type")),
            };
        }
        self.check_read(read, &hash, "elements", "values")
    }

    /// After reading every row (`read` of them, hashed into `hash`): the
    /// row count and the checksum, if the file has one, must match.
    pub(super) fn check_read(
        &self,
        read: usize,
        hash: &Xxh64,
        items: &str,
        subject: &str,
    ) -> Result<(), String> {
        if read != self.rows {
            return Err(format!(
                "corrupt data file {}: read {read} {items} but it holds {}",
                self.shown, self.rows
            ));
        }
        match self.checksum {
            Some(sum) if sum != hash.finish() => Err(format!(
                "corrupt data file {}: the {subject} do not match their checksum",
                self.shown
            )),
            _ => Ok(()),
        }
    }

    pub(super) fn corrupt(&self, e: &dyn std::fmt::Display) -> String {
        format!("corrupt or truncated data file {}: {e}", self.shown)
    }

    /// Decodes `rows` values of one column chunk, appending them to `buf` in
    /// batches and handing each new batch to `sink` with the part of it in
    /// `keep` (rows of this chunk). `staged`: `buf` is only a staging buffer,
    /// emptied after each batch (the sink stores what it keeps); otherwise
    /// `buf` is the array and only the kept part of each batch stays in it.
    pub(super) fn read_batches<T: DataType>(
        &self,
        reader: &mut ColumnReaderImpl<T>,
        buf: &mut Vec<T::T>,
        rows: usize,
        keep: Range<usize>,
        staged: bool,
        mut sink: impl FnMut(&[T::T], Range<usize>) -> Result<(), String>,
    ) -> Result<usize, String> {
        let mut levels = Vec::new();
        let mut total = 0;
        while total < rows {
            let before = buf.len();
            let def = self.optional.then_some(&mut levels);
            let (records, values, _) = reader
                .read_records(BATCH.min(rows - total), def, None, buf)
                .map_err(|e| self.corrupt(&e))?;
            if records == 0 {
                return Err(self.corrupt(&"it holds fewer values than its row count"));
            }
            if values != records {
                return Err(format!("data file {} contains nulls", self.shown));
            }
            levels.clear();
            // `keep` in this batch's positions.
            let lo = keep.start.clamp(total, total + records);
            let kept = lo - total..keep.end.clamp(lo, total + records) - total;
            sink(&buf[before..], kept.clone())?;
            if staged {
                buf.clear();
            } else {
                buf.truncate(before + kept.end);
                buf.drain(before..before + kept.start);
            }
            total += records;
        }
        Ok(total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn samples(n: usize) -> Vec<ArrayData> {
        vec![
            ArrayData::Int64((0..n as i64).map(|i| i * 7 - 3 * i * i).collect()),
            ArrayData::UInt64((0..n as u64).map(|i| u64::MAX - i * 13).collect()),
            ArrayData::UInt8((0..n).map(|i| (i * 31 % 256) as u8).collect()),
            ArrayData::Float64(
                (0..n)
                    .map(|i| match i % 4 {
                        0 => -0.0,
                        1 => f64::NAN,
                        2 => f64::INFINITY,
                        _ => i as f64 / 3.0,
                    })
                    .collect(),
            ),
            ArrayData::Bool((0..n).map(|i| i % 3 == 0).collect()),
        ]
    }

    fn same_bits(a: &ArrayData, b: &ArrayData) -> bool {
        a.to_le_bytes() == b.to_le_bytes()
    }

    #[test]
    fn round_trip_every_dtype() {
        let dir = tempfile::tempdir().unwrap();
        for n in [0, 1, 5, BATCH + 3] {
            for data in samples(n) {
                let path = dir.path().join(format!("{}_{n}.data", data.dtype().name()));
                write(&path, "data", &data).unwrap();
                let file = open(&path, "data", data.dtype(), n).unwrap();
                let mut back = with_capacity(data.dtype(), n);
                file.read_range_into(&mut back, 0..n).unwrap();
                assert!(same_bits(&data, &back), "{} x {n}", data.dtype().name());
                // Parts, as locales of another count read them.
                for (lo, hi) in [(0, 0), (0, 1.min(n)), (n / 3, n), (1.min(n), n / 2), (n, n)] {
                    let keep = lo..hi.max(lo);
                    let mut part = with_capacity(data.dtype(), n);
                    file.read_range_into(&mut part, keep.clone()).unwrap();
                    let whole = data.to_le_bytes();
                    let size = data.dtype().itemsize();
                    assert_eq!(
                        part.to_le_bytes(),
                        whole[keep.start * size..keep.end * size],
                        "{} x {n}, rows {keep:?}",
                        data.dtype().name()
                    );
                }
            }
        }
    }

    #[test]
    fn detects_bad_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.data");
        let data = ArrayData::Int64((0..1000).collect());
        write(&path, "data", &data).unwrap();
        let shown = path.display();
        let err = |r: Result<DataFile, String>| r.err().expect("an error");
        assert_eq!(
            err(open(&path, "data", DType::Int64, 999)),
            format!("data file {shown} holds 1000 elements but its metadata says 999")
        );
        assert_eq!(
            err(open(&path, "other", DType::Int64, 1000)),
            format!("data file {shown} has no column named 'other'")
        );
        assert_eq!(
            err(open(&path, "data", DType::Float64, 1000)),
            format!("column 'data' of data file {shown} is INT64 but float64 needs DOUBLE")
        );
        // A flipped bit among the values: only the checksum notices.
        let mut bytes = std::fs::read(&path).unwrap();
        bytes[100] ^= 0x10;
        std::fs::write(&path, &bytes).unwrap();
        let file = open(&path, "data", DType::Int64, 1000).unwrap();
        let mut back = with_capacity(DType::Int64, 1000);
        assert_eq!(
            file.read_range_into(&mut back, 0..10).unwrap_err(),
            format!("corrupt data file {shown}: the values do not match their checksum")
        );
        // Truncated: the footer is gone.
        std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
        assert!(
            err(open(&path, "data", DType::Int64, 1000))
                .starts_with(&format!("corrupt or truncated data file {shown}: "))
        );
    }
}

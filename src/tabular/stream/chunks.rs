//! [`CsvChunks`]: a CSV file cut into chunks of consecutive rows by one pass, and
//! [`ChunkReader`], which reads any chunk back by seeking to it, after checking that its bytes
//! are those the pass saw.

use std::fs::File;
use std::path::{Path, PathBuf};

use super::checksum::checksum;
use super::scan::Scan;
use crate::base::file::read_at;
use crate::tabular::read::{line_at, reader_builder};
use crate::tabular::transform::BadCell;
use crate::{Error, Result};

/// A CSV file indexed by one pass, so that a later pass can read any chunk of its rows by
/// seeking to it: the header, the number of data rows m, and for each chunk of
/// [`rows_per_chunk`](CsvChunks::rows_per_chunk) consecutive rows its byte offset, its first
/// line and a checksum of its bytes.
///
/// [`TabularConfig::fit_csv`](super::super::TabularConfig::fit_csv) builds it while fitting;
/// [`CsvChunks::scan`] builds it alone (for a validation file, or a file whose preprocessing
/// was fitted elsewhere). It holds 32 bytes per chunk, never the rows.
///
/// Every chunk read later is checked against it: a file whose length changed, or a chunk whose
/// bytes no longer have the checksum of the pass, is an error naming the file and the chunk's
/// first line — values are never read from a file that changed since it was indexed.
///
/// ```
/// use ndnet::tabular::CsvChunks;
///
/// let path = std::env::temp_dir().join(format!("ndnet-doc-chunks-{}.csv", std::process::id()));
/// std::fs::write(&path, "x,y\n1,a\n2,b\n3,a\n4,b\n5,a\n")?;
/// let chunks = CsvChunks::scan(&path, 2)?;
/// assert_eq!((chunks.n_rows(), chunks.n_chunks()), (5, 3)); // rows 0–1, 2–3, 4
/// assert_eq!(chunks.headers(), ["x", "y"]);
/// assert_eq!(chunks.offset(1), Some(12)); // "x,y\n1,a\n2,b\n" is 12 bytes
/// std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct CsvChunks {
    pub(super) path: PathBuf,
    /// The file's length when indexed.
    pub(super) len: u64,
    pub(super) headers: Vec<String>,
    pub(super) header_line: u64,
    /// The checksum of the bytes before the first row (the header).
    pub(super) header_sum: u64,
    pub(super) rows_per_chunk: usize,
    pub(super) rows: usize,
    pub(super) chunks: Vec<Chunk>,
}

/// Where one chunk of rows is and what its bytes were.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Chunk {
    /// The byte offset of its first row (before any blank lines the parser skips).
    pub(super) offset: u64,
    /// The line at that offset.
    pub(super) line: u64,
    /// Its rows: `rows_per_chunk`, fewer for the last chunk.
    pub(super) rows: usize,
    /// The checksum of its bytes, up to the next chunk's offset (the file's end for the last).
    pub(super) sum: u64,
}

impl CsvChunks {
    /// Reads the CSV file at `path` once and indexes it in chunks of `rows_per_chunk` rows,
    /// without holding its rows: memory does not grow with the file (32 bytes a chunk).
    ///
    /// The file is read as [`Table::from_path`](super::super::Table::from_path) reads it:
    /// comma-separated, double-quoted fields, UTF-8, a header first, cells trimmed.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] if `rows_per_chunk` is 0; [`Error::Io`] if the file cannot
    /// be read; [`Error::Format`] naming the file, line and column for what
    /// [`Table::from_path`](super::super::Table::from_path) refuses (no header, an empty or
    /// repeated column name, no data rows, a row of the wrong width, a quoted field holding a
    /// line break, text that is not UTF-8), a quote opened in the last row and never closed,
    /// and a row longer than 16 MiB (a quote left open, most likely); [`Error::TooLarge`] if the bytes of one chunk, or the index
    /// (32 bytes a chunk), exceed the [memory limit](crate::memory_limit).
    ///
    /// ```
    /// let path = std::env::temp_dir().join(format!("ndnet-doc-scan-{}.csv", std::process::id()));
    /// std::fs::write(&path, "x,y\n1,a\n2\n")?;
    /// let err = ndnet::tabular::CsvChunks::scan(&path, 1024).unwrap_err();
    /// assert!(err.to_string().ends_with(", line 3, column y: row has 1 field but the header has 2"));
    /// std::fs::remove_file(&path)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn scan(path: impl AsRef<Path>, rows_per_chunk: usize) -> Result<CsvChunks> {
        let mut scan = Scan::open(path.as_ref(), rows_per_chunk)?;
        while scan.next()? {}
        scan.finish()
    }

    /// The file indexed.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The column names, in file order.
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// The number of data rows m.
    pub fn n_rows(&self) -> usize {
        self.rows
    }

    /// The rows of each chunk (the last one may have fewer).
    pub fn rows_per_chunk(&self) -> usize {
        self.rows_per_chunk
    }

    /// The number of chunks, ⌈m / rows_per_chunk⌉.
    pub fn n_chunks(&self) -> usize {
        self.chunks.len()
    }

    /// The byte offset at which chunk `chunk` (from 0) starts, `None` past the last.
    pub fn offset(&self, chunk: usize) -> Option<u64> {
        self.chunks.get(chunk).map(|c| c.offset)
    }

    /// The index of column `name`, or an error naming the header line (`what` says its role).
    pub(super) fn find_column(&self, name: &str, what: &str) -> Result<usize> {
        crate::tabular::table::find_column(&self.path, self.header_line, &self.headers, name, what)
    }

    /// The error for a file that is not what it was when indexed.
    fn changed(&self, line: Option<u64>, what: String) -> Error {
        let message = format!("the file changed since it was indexed ({what}); fit or scan it again (CsvChunks::scan)");
        Error::format(&self.path, line, None, message)
    }
}

/// Reads chunks of an indexed file back.
pub(super) struct ChunkReader {
    file: File,
    bytes: Vec<u8>,
    record: csv::StringRecord,
}

impl ChunkReader {
    /// Opens the file of `chunks` and checks that its length and header are as indexed.
    ///
    /// # Errors
    /// [`Error::Io`] if the file cannot be opened or read; [`Error::Format`] if it changed.
    pub(super) fn open(chunks: &CsvChunks) -> Result<ChunkReader> {
        let file = File::open(&chunks.path).map_err(|e| Error::io(&chunks.path, e))?;
        let mut reader = ChunkReader {
            file,
            bytes: Vec::new(),
            record: csv::StringRecord::new(),
        };
        let header_end = chunks.chunks.first().map_or(chunks.len, |c| c.offset);
        reader.load(chunks, 0, header_end)?;
        if checksum(&reader.bytes) != chunks.header_sum {
            return Err(chunks.changed(Some(chunks.header_line), "its header differs".into()));
        }
        Ok(reader)
    }

    /// Reads chunk `c` of `chunks` and calls `each(i, row)` for its rows i = 0, 1, … below
    /// `rows`, in file order.
    ///
    /// # Errors
    /// [`Error::Format`] if the file changed since it was indexed (its length, or this chunk's
    /// checksum), or naming the line and column of the cell `each` refuses; [`Error::Io`] if
    /// reading fails; [`Error::TooLarge`] if the chunk's bytes exceed the memory limit.
    pub(super) fn read(
        &mut self,
        chunks: &CsvChunks,
        c: usize,
        rows: usize,
        mut each: impl FnMut(usize, &csv::StringRecord) -> std::result::Result<(), BadCell>,
    ) -> Result<()> {
        let chunk = chunks.chunks[c];
        let end = chunks.chunks.get(c + 1).map_or(chunks.len, |next| next.offset);
        self.load(chunks, chunk.offset, end)?;
        if checksum(&self.bytes) != chunk.sum {
            let what = format!("the bytes of its {} rows from this line differ", chunk.rows);
            return Err(chunks.changed(Some(chunk.line), what));
        }
        let line_of = |record: &csv::StringRecord, bytes: &[u8]| {
            let position = record.position().cloned().unwrap_or_else(csv::Position::new);
            let start = usize::try_from(position.byte()).unwrap_or(usize::MAX);
            chunk.line + line_at(&position, bytes.get(start..).unwrap_or_default()) - 1
        };
        let rows = rows.min(chunk.rows);
        let mut csv = reader_builder().from_reader(&self.bytes[..]);
        for i in 0..rows {
            let read = csv.read_record(&mut self.record);
            if !matches!(read, Ok(true)) || self.record.len() != chunks.headers.len() {
                let what = format!("row {} of the chunk from this line differs", i + 1);
                return Err(chunks.changed(Some(chunk.line), what));
            }
            each(i, &self.record).map_err(|bad| {
                let line = line_of(&self.record, &self.bytes);
                Error::format(
                    &chunks.path,
                    Some(line),
                    Some(chunks.headers[bad.column].clone()),
                    bad.message,
                )
            })?;
        }
        Ok(())
    }

    /// Reads bytes `start..end` of the file into `self.bytes`, after checking the file's length.
    fn load(&mut self, chunks: &CsvChunks, start: u64, end: u64) -> Result<()> {
        let len = self.file.metadata().map_err(|e| Error::io(&chunks.path, e))?.len();
        if len != chunks.len {
            let what = format!("it was {} bytes long, it is now {len}", chunks.len);
            return Err(chunks.changed(None, what));
        }
        let size = end - start;
        let what = || format!("the bytes {start}..{end} of {}", chunks.path.display());
        crate::base::limits::check_bytes(what, Some(u128::from(size)))?;
        // Fits the memory limit, so a usize.
        self.bytes.resize(usize::try_from(size).unwrap_or(usize::MAX), 0);
        read_at(&self.file, &mut self.bytes, start).map_err(|e| Error::io(&chunks.path, e))
    }
}

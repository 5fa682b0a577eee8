//! The first pass over a CSV file ([`Scan`]): the header, then every data row in order, with
//! the rows counted and cut into chunks as they go — each chunk's byte offset, first line,
//! row count and checksum — so that later passes read any chunk by seeking to it.
//!
//! The bytes the csv parser reads go through a [`Tee`] that keeps those of the current chunk
//! (its checksum is taken when the next chunk starts) and refuses a row longer than
//! [`max_row_bytes`] — most likely a quote left open, which would swallow the rest of the file
//! into one field — before it is read whole into memory.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use super::checksum::checksum;
use super::chunks::{Chunk, CsvChunks};
use crate::tabular::read::{
    check_row, csv_error, line_at, no_rows, open_quote, read_header, reader_builder, unclosed_quote,
};
use crate::{Error, Result};

/// The longest row read, unless the memory limit is lower.
pub(super) const MAX_ROW_BYTES: u64 = 16 << 20;

/// The longest row read: [`MAX_ROW_BYTES`] or the memory limit, whichever is lower.
pub(super) fn max_row_bytes() -> u64 {
    MAX_ROW_BYTES.min(crate::memory_limit())
}

/// The csv parser's own buffer: large reads, few system calls.
const READ_BUFFER: usize = 1 << 16;

/// A reader that keeps the bytes it hands out since `kept_from` and refuses to go more than
/// `max_row` bytes past the start of the row being read.
struct Tee {
    file: File,
    kept: Vec<u8>,
    kept_from: u64,
    delivered: u64,
    row_start: u64,
    max_row: u64,
}

/// The marker of the error a [`Tee`] returns for a row that is too long.
#[derive(Debug)]
struct RowTooLong;

impl std::fmt::Display for RowTooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("row too long")
    }
}

impl std::error::Error for RowTooLong {}

impl Read for Tee {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.delivered - self.row_start > self.max_row {
            return Err(io::Error::new(io::ErrorKind::InvalidData, RowTooLong));
        }
        let n = self.file.read(buf)?;
        self.kept.extend_from_slice(&buf[..n]);
        self.delivered += n as u64;
        Ok(n)
    }
}

impl Tee {
    /// The bytes kept from file offset `from` (at least `kept_from`) on.
    fn from(&self, from: u64) -> &[u8] {
        let start = usize::try_from(from.saturating_sub(self.kept_from)).unwrap_or(usize::MAX);
        self.kept.get(start..).unwrap_or_default()
    }

    /// The checksum of the bytes kept before file offset `to`, which are then dropped.
    fn take_until(&mut self, to: u64) -> u64 {
        let end = usize::try_from(to - self.kept_from).map_or(self.kept.len(), |e| e.min(self.kept.len()));
        let sum = checksum(&self.kept[..end]);
        self.kept.drain(..end);
        self.kept_from = to;
        sum
    }
}

/// One pass over a CSV file from its start.
pub(super) struct Scan {
    reader: csv::Reader<Tee>,
    record: csv::StringRecord,
    path: PathBuf,
    headers: Vec<String>,
    header_line: u64,
    header_sum: Option<u64>,
    rows_per_chunk: usize,
    rows: usize,
    chunks: Vec<Chunk>,
    /// Where the last row read starts.
    last: Option<csv::Position>,
}

impl Scan {
    /// Opens the CSV file at `path` and reads its header.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] if `rows_per_chunk` is 0; [`Error::Io`] if the file cannot
    /// be opened or read; [`Error::Format`] if it is empty or its header has an empty or a
    /// repeated name, or as [`Scan::next`] for the header line.
    pub(super) fn open(path: &Path, rows_per_chunk: usize) -> Result<Scan> {
        if rows_per_chunk == 0 {
            return Err(Error::invalid_argument("rows_per_chunk", "must be at least 1"));
        }
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        let tee = Tee {
            file,
            kept: Vec::new(),
            kept_from: 0,
            delivered: 0,
            row_start: 0,
            max_row: max_row_bytes(),
        };
        let mut scan = Scan {
            reader: reader_builder().buffer_capacity(READ_BUFFER).from_reader(tee),
            record: csv::StringRecord::new(),
            path: path.to_path_buf(),
            headers: Vec::new(),
            header_line: 0,
            header_sum: None,
            rows_per_chunk,
            rows: 0,
            chunks: Vec::new(),
            last: None,
        };
        if !scan.read()? {
            return Err(Error::format(path, None, None, "empty file: no header line"));
        }
        scan.header_line = scan.line();
        scan.headers = read_header(path, scan.header_line, &scan.record)?;
        Ok(scan)
    }

    /// Reads the next data row; `false` at the end of the file.
    ///
    /// # Errors
    /// [`Error::Format`] naming the file and line for a row of the wrong width or with a field
    /// spanning lines, text that is not UTF-8, or a row longer than [`max_row_bytes`]; [`Error::TooLarge`] if a chunk's
    /// bytes or the index exceed the memory limit; [`Error::Io`] if reading fails.
    pub(super) fn next(&mut self) -> Result<bool> {
        if !self.read()? {
            return Ok(false);
        }
        check_row(&self.path, self.line(), &self.headers, &self.record)?;
        let position = self.record.position().cloned().unwrap_or_else(csv::Position::new);
        if self.rows.is_multiple_of(self.rows_per_chunk) {
            self.begin_chunk(&position)?;
        }
        if let Some(chunk) = self.chunks.last_mut() {
            chunk.rows += 1;
        }
        self.rows += 1;
        self.last = Some(position);
        // The chunk's bytes so far (the parser's read-ahead, at most its buffer, aside).
        let kept = self.reader.position().byte() - self.reader.get_ref().kept_from;
        crate::base::limits::check_bytes(
            || {
                let first = self.chunks.last().map_or(0, |c| c.line);
                format!(
                    "the bytes of the chunk of rows from line {first} of {}",
                    self.path.display()
                )
            },
            Some(kept as u128),
        )?;
        Ok(true)
    }

    /// Reads the next record (header or row) into `self.record`.
    fn read(&mut self) -> Result<bool> {
        let start = self.reader.position().clone();
        self.reader.get_mut().row_start = start.byte();
        match self.reader.read_record(&mut self.record) {
            Ok(more) => Ok(more),
            Err(e) => Err(self.read_error(e, &start)),
        }
    }

    /// Closes the chunk before the row at `position` (or the header) and begins one there.
    ///
    /// # Errors
    /// [`Error::TooLarge`] if the index, one [`Chunk`] per chunk, would exceed the memory limit
    /// (a small `rows_per_chunk` on a file of many rows).
    fn begin_chunk(&mut self, position: &csv::Position) -> Result<()> {
        let what = || {
            format!(
                "the index of {} (the offset, line, rows and checksum of each chunk; rows_per_chunk = {})",
                self.path.display(),
                self.rows_per_chunk
            )
        };
        crate::base::limits::check_alloc(what, &[self.chunks.len() + 1], std::mem::size_of::<Chunk>())?;
        let sum = self.reader.get_mut().take_until(position.byte());
        match self.chunks.last_mut() {
            Some(previous) => previous.sum = sum,
            None => self.header_sum = Some(sum),
        }
        self.chunks.push(Chunk {
            offset: position.byte(),
            line: position.line(),
            rows: 0,
            sum: 0,
        });
        Ok(())
    }

    /// The error for a failed read of the record starting at `start`.
    fn read_error(&self, error: csv::Error, start: &csv::Position) -> Error {
        let too_long = matches!(error.kind(), csv::ErrorKind::Io(e)
            if e.get_ref().is_some_and(|inner| inner.is::<RowTooLong>()));
        if too_long {
            let line = line_at(start, self.reader.get_ref().from(start.byte()));
            let message = format!(
                "the row from this line runs past {} bytes: is a quote left open? (an open quote swallows the \
                 rest of the file into one field)",
                max_row_bytes()
            );
            return Error::format(&self.path, Some(line), None, message);
        }
        csv_error(&self.path, error)
    }

    /// The line of the file on which the current record starts.
    pub(super) fn line(&self) -> u64 {
        match self.record.position() {
            Some(position) => line_at(position, self.reader.get_ref().from(position.byte())),
            None => 0,
        }
    }

    /// The current data row's cells.
    pub(super) fn record(&self) -> &csv::StringRecord {
        &self.record
    }

    /// The index of the current data row (from 0).
    pub(super) fn row(&self) -> usize {
        self.rows - 1
    }

    /// The column names.
    pub(super) fn headers(&self) -> &[String] {
        &self.headers
    }

    /// The header's line.
    pub(super) fn header_line(&self) -> u64 {
        self.header_line
    }

    /// The file read.
    pub(super) fn path(&self) -> &Path {
        &self.path
    }

    /// After the last row: the chunks of the file.
    ///
    /// # Errors
    /// [`Error::Format`] if the file has no data rows, or its last row opens a quote that is
    /// never closed.
    pub(super) fn finish(mut self) -> Result<CsvChunks> {
        let Some(last) = self.last.take() else {
            return Err(no_rows(&self.path, self.header_line));
        };
        let tee = self.reader.get_mut();
        if let Some(field) = open_quote(tee.from(last.byte())) {
            let line = line_at(&last, tee.from(last.byte()));
            return Err(unclosed_quote(&self.path, line, &self.headers, field));
        }
        let len = tee.delivered;
        let sum = tee.take_until(len);
        if let Some(chunk) = self.chunks.last_mut() {
            chunk.sum = sum;
        }
        Ok(CsvChunks {
            path: self.path,
            len,
            headers: self.headers,
            header_line: self.header_line,
            header_sum: self.header_sum.unwrap_or_default(),
            rows_per_chunk: self.rows_per_chunk,
            rows: self.rows,
            chunks: self.chunks,
        })
    }
}

//! Reading a CSV file into a [`Table`] ([`Table::from_path`], [`Table::from_reader`]), with
//! errors naming path, line and column.

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::Table;
use crate::base::limits;
use crate::{Error, Result};

/// The memory of a row of a [`Table`] besides its cells: its vector and its line number.
const ROW_BYTES: u128 = 24 + 8;
/// The memory of a cell besides its text: its `String`.
const CELL_BYTES: u128 = 24;

impl Table {
    /// Reads the CSV file at `path` (comma-separated, double-quoted fields, UTF-8, header first).
    ///
    /// One row per line: a quoted field may hold commas and doubled quotes (`"a, ""b"""`) but
    /// not a line break, so the file's non-blank lines after the header are its rows, and a
    /// quote left open cannot swallow the lines after it into one field. Blank lines are
    /// skipped (and counted in line numbers).
    ///
    /// # Errors
    /// [`Error::Io`] if the file cannot be opened or read; [`Error::Format`] (with path, line
    /// and column) if it has no header, no data rows, an empty or repeated column name, a row
    /// with the wrong number of fields, a quoted field holding a line break (named by the line
    /// where its row, and so its quote, starts) or a quote never closed, or invalid UTF-8.
    ///
    /// ```
    /// use ndnet::tabular::Table;
    ///
    /// let err = Table::from_path("no/such/file.csv").unwrap_err();
    /// assert!(err.to_string().starts_with("no/such/file.csv: "));
    /// ```
    pub fn from_path(path: impl AsRef<Path>) -> Result<Table> {
        let path = path.as_ref();
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        Table::from_reader(std::io::BufReader::new(file), path)
    }

    /// Reads CSV text from any reader; `path` only names the source in error messages.
    ///
    /// The bytes read and then the table's rows and cells count against
    /// [`memory_limit`](crate::memory_limit) as they grow, so a reader that never ends, or
    /// text of many small cells, is refused before it takes more.
    ///
    /// # Errors
    /// As [`Table::from_path`], with `path` in the messages; [`Error::TooLarge`] naming `path`
    /// and the line reached when the bytes read, or the bytes and the table built from them,
    /// would take more than the memory limit.
    ///
    /// ```
    /// use ndnet::tabular::Table;
    ///
    /// let err = Table::from_reader("a,b\n1,2\n3\n".as_bytes(), "mem.csv").unwrap_err();
    /// assert_eq!(err.to_string(),
    ///            "mem.csv, line 3, column b: row has 1 field but the header has 2");
    /// ```
    pub fn from_reader(reader: impl Read, path: impl Into<PathBuf>) -> Result<Table> {
        let path = path.into();
        let bytes = read_within_limit(reader, &path)?;
        parse(&bytes, path)
    }
}

/// Everything `reader` gives, read only up to one byte past the memory limit: a reader may
/// never end.
fn read_within_limit(reader: impl Read, path: &Path) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader
        .take(crate::memory_limit().saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    limits::check_bytes(
        || {
            format!(
                "the bytes read from {} (up to line {})",
                path.display(),
                lines_in(&bytes) + 1
            )
        },
        Some(bytes.len() as u128),
    )?;
    Ok(bytes)
}

/// The number of line feeds in `bytes`.
fn lines_in(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

/// The one way ndnet reads CSV: no header row of its own (the first record is the header),
/// rows of any width (checked against the header by the caller, who names the line). Every
/// cell is then [`trimmed`](trimmed) of surrounding whitespace. [`Table`] and the streaming
/// readers parse with it, so both see the same cells.
pub(super) fn reader_builder() -> csv::ReaderBuilder {
    let mut builder = csv::ReaderBuilder::new();
    builder.has_headers(false).flexible(true);
    builder
}

/// A cell as ndnet reads it: without leading and trailing (Unicode) whitespace, as the csv
/// crate's `Trim::All` gives it, which costs twice the parse itself (it copies every record).
pub(super) fn trimmed(field: &str) -> &str {
    field.trim()
}

/// Parses `bytes` (a whole CSV file) read from `path`.
fn parse(bytes: &[u8], path: PathBuf) -> Result<Table> {
    let mut csv = reader_builder().from_reader(bytes);
    let mut records = csv.records();
    let header = match records.next() {
        Some(record) => record.map_err(|e| csv_error(&path, e))?,
        None => {
            return Err(Error::format(&path, None, None, "empty file: no header line"));
        }
    };
    let header_line = line_of(&header, bytes);
    let headers = read_header(&path, header_line, &header)?;

    let mut rows = Vec::new();
    let mut lines = Vec::new();
    let mut last_start = 0;
    // The bytes read and what the table holds so far, checked against the limit row by row.
    let mut held = bytes.len() as u128 + CELL_BYTES * headers.len() as u128;
    for record in records {
        let record = record.map_err(|e| csv_error(&path, e))?;
        let line = line_of(&record, bytes);
        check_row(&path, line, &headers, &record)?;
        held += ROW_BYTES + CELL_BYTES * record.len() as u128 + record.as_slice().len() as u128;
        limits::check_bytes(
            || format!("the table read from {} (up to line {line})", path.display()),
            Some(held),
        )?;
        last_start = start_of(&record);
        rows.push(record.iter().map(|f| trimmed(f).to_owned()).collect());
        lines.push(line);
    }
    let Some(&last_line) = lines.last() else {
        return Err(no_rows(&path, header_line));
    };
    if let Some(field) = open_quote(bytes.get(last_start..).unwrap_or_default()) {
        return Err(unclosed_quote(&path, last_line, &headers, field));
    }
    Ok(Table::new(headers, rows, lines, header_line, path))
}

/// The column names of the header `record` read on `line`: its cells [`trimmed`], none empty,
/// none repeated, none spanning lines. [`Table`] and the streaming readers both read their
/// header with it.
pub(super) fn read_header(path: &Path, line: u64, record: &csv::StringRecord) -> Result<Vec<String>> {
    check_one_line(path, line, &[], record)?;
    let headers: Vec<String> = record.iter().map(|f| trimmed(f).to_owned()).collect();
    check_headers(path, line, &headers)?;
    Ok(headers)
}

/// Checks the data row `record` read on `line` as every reader does ([`Table`], the
/// streaming scan): one field per column of `headers`, and no field spanning lines, so that
/// a file's data lines and its rows are the same (blank lines aside), and a quote left open
/// cannot swallow the lines after it into one row.
///
/// # Errors
/// [`Error::Format`] naming `path`, `line` (where the row, and so the quote, starts) and the
/// column.
pub(super) fn check_row(path: &Path, line: u64, headers: &[String], record: &csv::StringRecord) -> Result<()> {
    if record.len() != headers.len() {
        return Err(ragged(path, line, headers, record));
    }
    check_one_line(path, line, headers, record)
}

/// Refuses a field of `record` (read on `line`) that holds a line break: only a quoted field
/// can, and its quote opened on `line`, since every field before it is on that line.
fn check_one_line(path: &Path, line: u64, headers: &[String], record: &csv::StringRecord) -> Result<()> {
    let Some(field) = record.iter().position(|f| f.contains(['\n', '\r'])) else {
        return Ok(());
    };
    let message = "a quoted field opened on this line is never closed on it: it holds a line break, and ndnet \
                   reads one row per line (a quote left open swallows the lines after it); close the quote on \
                   the same line (write \"\" for a quote inside a quoted field) or remove the line break";
    Err(Error::format(
        path,
        Some(line),
        Some(column_name(headers, field)),
        message,
    ))
}

/// The name of column `field` (0-based) of `headers`, or its number from 1 past them.
fn column_name(headers: &[String], field: usize) -> String {
    headers.get(field).cloned().unwrap_or_else(|| (field + 1).to_string())
}

/// The byte offset at which `record` starts (before any blank lines the csv crate skipped).
fn start_of(record: &csv::StringRecord) -> usize {
    record
        .position()
        .map_or(0, |p| usize::try_from(p.byte()).unwrap_or(usize::MAX))
}

/// The 1-based line on which `record` starts in `bytes`.
fn line_of(record: &csv::StringRecord, bytes: &[u8]) -> u64 {
    match record.position() {
        Some(position) => line_at(position, bytes.get(start_of(record)..).unwrap_or_default()),
        None => 0,
    }
}

/// The 1-based line on which the record at `position` starts, `after` being the bytes from
/// that position on.
///
/// The csv crate places a record's position before the blank lines it skips, so the
/// newlines right after that position are counted here.
pub(super) fn line_at(position: &csv::Position, after: &[u8]) -> u64 {
    let skipped = after
        .iter()
        .take_while(|&&b| b == b'\n' || b == b'\r')
        .filter(|&&b| b == b'\n')
        .count();
    position.line() + skipped as u64
}

/// Which field (0-based) of the last record of a file, given as the bytes from that record's
/// start to the end of the file, opens a quote that is never closed, if one does.
///
/// The csv crate reads such a field to the end of the file without an error, silently
/// swallowing every line after the quote; this follows its states (a field is quoted when its
/// first byte is `"`; `""` inside is a quote; after the closing quote the field goes on
/// unquoted) to find it.
pub(super) fn open_quote(record: &[u8]) -> Option<usize> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let (mut state, mut field) = (State::FieldStart, 0);
    for &b in record {
        state = match (state, b) {
            (State::Quoted, b'"') => State::QuoteInQuoted,
            (State::Quoted, _) => State::Quoted,
            (State::FieldStart | State::QuoteInQuoted, b'"') => State::Quoted,
            (_, b',') => {
                field += 1;
                State::FieldStart
            }
            (_, b'\n' | b'\r') => {
                field = 0;
                State::FieldStart
            }
            _ => State::Unquoted,
        };
    }
    (state == State::Quoted).then_some(field)
}

/// The error for a quote opened in field `field` of the row on `line` and never closed.
pub(super) fn unclosed_quote(path: &Path, line: u64, headers: &[String], field: usize) -> Error {
    let column = column_name(headers, field);
    let message = "a quoted field opened on this line is never closed, so it would run to the end \
                   of the file; close the quote (write \"\" for a quote inside a quoted field)";
    Error::format(path, Some(line), Some(column), message)
}

/// The error for a file with a header and no data rows.
pub(super) fn no_rows(path: &Path, header_line: u64) -> Error {
    Error::format(path, Some(header_line), None, "no data rows after the header")
}

/// Checks the column names: none empty, none repeated (in one pass, O(n) for n columns).
fn check_headers(path: &Path, line: u64, headers: &[String]) -> Result<()> {
    let mut seen = HashSet::with_capacity(headers.len());
    for (j, name) in headers.iter().enumerate() {
        let column = Some((j + 1).to_string());
        if name.is_empty() {
            return Err(Error::format(path, Some(line), column, "empty column name"));
        }
        if !seen.insert(name.as_str()) {
            let message = format!("column name {name:?} appears twice in the header");
            return Err(Error::format(path, Some(line), column, message));
        }
    }
    Ok(())
}

/// The error for a row of `record.len()` fields under a header of `headers.len()` columns.
fn ragged(path: &Path, line: u64, headers: &[String], record: &csv::StringRecord) -> Error {
    // Name the first column that is missing, or the first extra field by its number.
    let fields = record.len();
    let column = headers
        .get(fields)
        .cloned()
        .unwrap_or_else(|| (headers.len() + 1).to_string());
    let plural = if fields == 1 { "" } else { "s" };
    let mut message = format!("row has {fields} field{plural} but the header has {}", headers.len());
    if record.iter().any(|field| field.contains('\n')) {
        message.push_str(" (a field holds a line break: is a quote left open?)");
    }
    Error::format(path, Some(line), Some(column), message)
}

/// An error of the csv crate as ndnet's, naming `path`.
pub(super) fn csv_error(path: &Path, error: csv::Error) -> Error {
    let line = error.position().map(csv::Position::line);
    match error.into_kind() {
        csv::ErrorKind::Io(e) => Error::io(path, e),
        kind => Error::format(path, line, None, csv_message(kind)),
    }
}

fn csv_message(kind: csv::ErrorKind) -> String {
    match kind {
        csv::ErrorKind::Utf8 { err, .. } => format!("not valid UTF-8 text ({err})"),
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Table> {
        parse(text.as_bytes(), PathBuf::from("test.csv"))
    }

    #[test]
    fn empty_file_and_header_only_are_errors() {
        let err = read("").unwrap_err();
        assert_eq!(err.to_string(), "test.csv: empty file: no header line");
        let err = read("a,b\n").unwrap_err();
        assert_eq!(err.to_string(), "test.csv, line 1: no data rows after the header");
    }

    #[test]
    fn ragged_rows_name_line_and_column() {
        let err = read("a,b,c\n1,2,3\n4,5\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "test.csv, line 3, column c: row has 2 fields but the header has 3"
        );
        let err = read("a,b\n1,2,3\n").unwrap_err();
        assert!(matches!(err, Error::Format { line: Some(2), column: Some(ref c), .. } if c == "3"));
    }

    #[test]
    fn bad_headers_are_errors() {
        let err = read("a,,c\n1,2,3\n").unwrap_err();
        assert_eq!(err.to_string(), "test.csv, line 1, column 2: empty column name");
        let err = read("a,b,a\n1,2,3\n").unwrap_err();
        assert!(err.to_string().contains("\"a\" appears twice"));
    }

    #[test]
    fn a_quote_left_open_in_the_last_row_is_an_error_naming_it() {
        let err = read("a,b\n1,2\n3,\"x").unwrap_err();
        assert_eq!(
            err.to_string(),
            "test.csv, line 3, column b: a quoted field opened on this line is never closed, so it would run to \
             the end of the file; close the quote (write \"\" for a quote inside a quoted field)"
        );
        // Closed on a later line, or never: the line where it opened.
        for text in ["a,b\n1,2\n3,\"x\n4,5\n", "a,b\n1,2\n3,\"x\n4,\"5\n6,7\n"] {
            let err = read(text).unwrap_err();
            assert!(
                err.to_string().starts_with(
                    "test.csv, line 3, column b: a quoted field opened on this line is never \
                                             closed on it: it holds a line break"
                ),
                "{err}"
            );
        }
        // Closed quotes, doubled quotes, quotes inside unquoted fields and after a closed one are fine.
        let t = read("a,b\n\"1\",\"x \"\"y\"\"\"\nx\"y,\"z\"w\n").unwrap();
        assert_eq!(t.rows(), [["1", "x \"y\""], ["x\"y", "zw"]]);
    }

    #[test]
    fn open_quote_follows_the_parser() {
        assert_eq!(open_quote(b"1,\"a\n"), Some(1));
        assert_eq!(open_quote(b"\"a\"\"b,c"), Some(0)); // "" is a quote inside
        assert_eq!(open_quote(b"\"a\"\"\",\"b\n"), Some(1));
        assert_eq!(open_quote(b"\"a\"\",\"b\n"), None); // the field is a", then b
        assert_eq!(open_quote(b"\n\r\n1,\"2\"\n"), None);
        assert_eq!(open_quote(b"x\"y,z"), None); // a quote inside an unquoted field
        assert_eq!(open_quote(b" \"y,z"), None); // after a space: not a quoted field
    }

    #[test]
    fn invalid_utf8_is_a_format_error_with_line() {
        let err = Table::from_reader(&b"a\n1\n\xff\n"[..], "bin.csv").unwrap_err();
        assert!(matches!(err, Error::Format { line: Some(3), .. }), "{err}");
    }
}

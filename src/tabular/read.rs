//! Reading a CSV file into a [`Table`] ([`Table::from_path`], [`Table::from_reader`]), with
//! errors naming path, line and column.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::Table;
use crate::{Error, Result};

impl Table {
    /// Reads the CSV file at `path` (comma-separated, double-quoted fields, UTF-8, header first).
    ///
    /// # Errors
    /// [`Error::Io`] if the file cannot be opened or read; [`Error::Format`] (with path, line
    /// and column) if it has no header, no data rows, an empty or repeated column name, a row
    /// with the wrong number of fields, or invalid UTF-8.
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
    /// # Errors
    /// As [`Table::from_path`], with `path` in the messages.
    ///
    /// ```
    /// use ndnet::tabular::Table;
    ///
    /// let err = Table::from_reader("a,b\n1,2\n3\n".as_bytes(), "mem.csv").unwrap_err();
    /// assert_eq!(err.to_string(),
    ///            "mem.csv, line 3, column b: row has 1 field but the header has 2");
    /// ```
    pub fn from_reader(mut reader: impl Read, path: impl Into<PathBuf>) -> Result<Table> {
        let path = path.into();
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes).map_err(|e| Error::io(&path, e))?;
        parse(&bytes, path)
    }
}

/// Parses `bytes` (a whole CSV file) read from `path`.
fn parse(bytes: &[u8], path: PathBuf) -> Result<Table> {
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let mut records = csv.records();
    let header = match records.next() {
        Some(record) => record.map_err(|e| csv_error(&path, e))?,
        None => {
            return Err(Error::format(&path, None, None, "empty file: no header line"));
        }
    };
    let header_line = line_of(&header, bytes);
    let headers: Vec<String> = header.iter().map(str::to_owned).collect();
    check_headers(&path, header_line, &headers)?;

    let mut rows = Vec::new();
    let mut lines = Vec::new();
    for record in records {
        let record = record.map_err(|e| csv_error(&path, e))?;
        let line = line_of(&record, bytes);
        if record.len() != headers.len() {
            return Err(ragged(&path, line, &headers, record.len()));
        }
        rows.push(record.iter().map(str::to_owned).collect());
        lines.push(line);
    }
    if rows.is_empty() {
        return Err(Error::format(
            &path,
            Some(header_line),
            None,
            "no data rows after the header",
        ));
    }
    Ok(Table::new(headers, rows, lines, header_line, path))
}

/// The 1-based line on which `record` starts in `bytes`.
///
/// The csv crate places a record's position before the blank lines it skips, so the
/// newlines right after that position are counted here.
fn line_of(record: &csv::StringRecord, bytes: &[u8]) -> u64 {
    let Some(position) = record.position() else {
        return 0;
    };
    let start = usize::try_from(position.byte()).unwrap_or(usize::MAX);
    let skipped = bytes
        .get(start..)
        .unwrap_or_default()
        .iter()
        .take_while(|&&b| b == b'\n' || b == b'\r')
        .filter(|&&b| b == b'\n')
        .count();
    position.line() + skipped as u64
}

fn check_headers(path: &Path, line: u64, headers: &[String]) -> Result<()> {
    for (j, name) in headers.iter().enumerate() {
        let column = Some((j + 1).to_string());
        if name.is_empty() {
            return Err(Error::format(path, Some(line), column, "empty column name"));
        }
        if headers[..j].contains(name) {
            let message = format!("column name {name:?} appears twice in the header");
            return Err(Error::format(path, Some(line), column, message));
        }
    }
    Ok(())
}

fn ragged(path: &Path, line: u64, headers: &[String], fields: usize) -> Error {
    // Name the first column that is missing, or the first extra field by its number.
    let column = headers
        .get(fields)
        .cloned()
        .unwrap_or_else(|| (headers.len() + 1).to_string());
    let plural = if fields == 1 { "" } else { "s" };
    let message = format!("row has {fields} field{plural} but the header has {}", headers.len());
    Error::format(path, Some(line), Some(column), message)
}

fn csv_error(path: &Path, error: csv::Error) -> Error {
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
    fn invalid_utf8_is_a_format_error_with_line() {
        let err = Table::from_reader(&b"a\n1\n\xff\n"[..], "bin.csv").unwrap_err();
        assert!(matches!(err, Error::Format { line: Some(3), .. }), "{err}");
    }
}

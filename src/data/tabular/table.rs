//! [`Table`]: a parsed CSV file with a header, every cell kept as text.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// A CSV file with a header, parsed into rows of text cells, one example per row.
///
/// Cells are trimmed of surrounding whitespace; an empty cell is a missing value. Every row
/// has exactly as many cells as the header, and the file's line number of each row is kept so
/// that later errors (text in a numeric column, an unknown label) can name it. The table knows
/// nothing about targets or column kinds: that is [`TabularConfig`](super::TabularConfig)'s
/// job, so one table can be fitted on some rows and transformed on others (k-fold CV).
///
/// ```
/// use ndnet::data::tabular::Table;
///
/// let csv = "id,age,city\n1,30,Paris\n2,,Lyon\n";
/// let table = Table::from_reader(csv.as_bytes(), "people.csv").unwrap();
/// assert_eq!(table.headers(), ["id", "age", "city"]);
/// assert_eq!(table.n_rows(), 2);
/// assert_eq!(table.rows()[1], ["2", "", "Lyon"]);
/// assert_eq!(table.line(1), Some(3)); // the second data row is the file's third line
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
    lines: Vec<u64>,
    header_line: u64,
    path: PathBuf,
}

impl Table {
    /// Reads the CSV file at `path` (comma-separated, double-quoted fields, UTF-8, header first).
    ///
    /// # Errors
    /// [`Error::Io`] if the file cannot be opened or read; [`Error::Format`] (with path, line
    /// and column) if it has no header, no data rows, an empty or repeated column name, a row
    /// with the wrong number of fields, or invalid UTF-8.
    ///
    /// ```
    /// use ndnet::data::tabular::Table;
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
    /// use ndnet::data::tabular::Table;
    ///
    /// let err = Table::from_reader("a,b\n1,2\n3\n".as_bytes(), "mem.csv").unwrap_err();
    /// assert_eq!(err.to_string(),
    ///            "mem.csv, line 3, column b: row has 1 field but the header has 2");
    /// ```
    pub fn from_reader(mut reader: impl Read, path: impl Into<PathBuf>) -> Result<Table> {
        let path = path.into();
        let mut bytes = Vec::new();
        reader
            .read_to_end(&mut bytes)
            .map_err(|e| Error::io(&path, e))?;
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(bytes.as_slice());
        let mut records = csv.records();
        let header = match records.next() {
            Some(record) => record.map_err(|e| csv_error(&path, e))?,
            None => {
                return Err(Error::format(
                    &path,
                    None,
                    None,
                    "empty file: no header line",
                ));
            }
        };
        let header_line = line_of(&header, &bytes);
        let headers: Vec<String> = header.iter().map(str::to_owned).collect();
        check_headers(&path, header_line, &headers)?;

        let mut rows = Vec::new();
        let mut lines = Vec::new();
        for record in records {
            let record = record.map_err(|e| csv_error(&path, e))?;
            let line = line_of(&record, &bytes);
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
        Ok(Table {
            headers,
            rows,
            lines,
            header_line,
            path,
        })
    }

    /// The column names, in file order.
    ///
    /// ```
    /// # use ndnet::data::tabular::Table;
    /// let t = Table::from_reader("x,y\n1,2\n".as_bytes(), "t.csv").unwrap();
    /// assert_eq!(t.headers(), ["x", "y"]);
    /// ```
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// The data rows (header excluded), each with one trimmed cell per column; `""` is missing.
    ///
    /// ```
    /// # use ndnet::data::tabular::Table;
    /// let t = Table::from_reader("x,y\n1, 2 \n".as_bytes(), "t.csv").unwrap();
    /// assert_eq!(t.rows(), [["1", "2"]]);
    /// ```
    pub fn rows(&self) -> &[Vec<String>] {
        &self.rows
    }

    /// The number of data rows m.
    ///
    /// ```
    /// # use ndnet::data::tabular::Table;
    /// let t = Table::from_reader("x\n1\n2\n3\n".as_bytes(), "t.csv").unwrap();
    /// assert_eq!(t.n_rows(), 3);
    /// ```
    pub fn n_rows(&self) -> usize {
        self.rows.len()
    }

    /// The file (or the name given to [`Table::from_reader`]) the table was read from.
    ///
    /// ```
    /// # use ndnet::data::tabular::Table;
    /// let t = Table::from_reader("x\n1\n".as_bytes(), "t.csv").unwrap();
    /// assert_eq!(t.path(), std::path::Path::new("t.csv"));
    /// ```
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The 1-based line of the file on which data row `row` (0-based) starts, `None` past the end.
    ///
    /// ```
    /// # use ndnet::data::tabular::Table;
    /// let t = Table::from_reader("x\n\n1\n".as_bytes(), "t.csv").unwrap();
    /// assert_eq!(t.line(0), Some(3)); // blank lines are skipped but counted
    /// assert_eq!(t.line(1), None);
    /// ```
    pub fn line(&self, row: usize) -> Option<u64> {
        self.lines.get(row).copied()
    }

    /// The position of the column named `name`, if there is one.
    ///
    /// ```
    /// # use ndnet::data::tabular::Table;
    /// let t = Table::from_reader("x,y\n1,2\n".as_bytes(), "t.csv").unwrap();
    /// assert_eq!(t.column_index("y"), Some(1));
    /// assert_eq!(t.column_index("z"), None);
    /// ```
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }

    /// The cells of the column named `name`, one per row (for example the IDs of the examples).
    ///
    /// # Errors
    /// [`Error::Format`] naming the file and the column if there is no such column.
    ///
    /// ```
    /// # use ndnet::data::tabular::Table;
    /// let t = Table::from_reader("id,x\nA7,1\nB2,2\n".as_bytes(), "t.csv").unwrap();
    /// assert_eq!(t.column("id").unwrap(), ["A7", "B2"]);
    /// assert!(t.column("name").is_err());
    /// ```
    pub fn column(&self, name: &str) -> Result<Vec<&str>> {
        let j = self.require_column(name, "column")?;
        Ok(self.rows.iter().map(|row| row[j].as_str()).collect())
    }

    /// The index of column `name`, or a [`Error::Format`] saying it is missing (`what` says
    /// which role the column has, e.g. "target column").
    pub(crate) fn require_column(&self, name: &str, what: &str) -> Result<usize> {
        self.column_index(name).ok_or_else(|| {
            Error::format(
                &self.path,
                Some(self.header_line),
                Some(name.to_owned()),
                format!(
                    "missing {what} {name:?}; the header has {}",
                    self.headers.join(",")
                ),
            )
        })
    }

    /// An [`Error::Format`] about the cell in data row `row`, column `column`.
    pub(crate) fn cell_error(&self, row: usize, column: usize, message: String) -> Error {
        Error::format(
            &self.path,
            Some(self.lines[row]),
            Some(self.headers[column].clone()),
            message,
        )
    }
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
    let message = format!(
        "row has {fields} field{plural} but the header has {}",
        headers.len()
    );
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
        Table::from_reader(text.as_bytes(), "test.csv")
    }

    #[test]
    fn reads_quoted_fields_trims_cells_and_keeps_lines() {
        let t = read("\na,b\n\"x, y\", 2\n\n\r\n3,\n").unwrap();
        assert_eq!(t.rows(), [vec!["x, y", "2"], vec!["3", ""]]);
        assert_eq!((t.line(0), t.line(1)), (Some(3), Some(6)));
        assert_eq!(t.header_line, 2);
    }

    #[test]
    fn empty_file_and_header_only_are_errors() {
        let err = read("").unwrap_err();
        assert_eq!(err.to_string(), "test.csv: empty file: no header line");
        let err = read("a,b\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "test.csv, line 1: no data rows after the header"
        );
    }

    #[test]
    fn ragged_rows_name_line_and_column() {
        let err = read("a,b,c\n1,2,3\n4,5\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "test.csv, line 3, column c: row has 2 fields but the header has 3"
        );
        let err = read("a,b\n1,2,3\n").unwrap_err();
        assert!(
            matches!(err, Error::Format { line: Some(2), column: Some(ref c), .. } if c == "3")
        );
    }

    #[test]
    fn bad_headers_are_errors() {
        let err = read("a,,c\n1,2,3\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "test.csv, line 1, column 2: empty column name"
        );
        let err = read("a,b,a\n1,2,3\n").unwrap_err();
        assert!(err.to_string().contains("\"a\" appears twice"));
    }

    #[test]
    fn invalid_utf8_is_a_format_error_with_line() {
        let err = Table::from_reader(&b"a\n1\n\xff\n"[..], "bin.csv").unwrap_err();
        assert!(matches!(err, Error::Format { line: Some(3), .. }), "{err}");
    }

    #[test]
    fn missing_file_is_an_io_error() {
        let err = Table::from_path("/nonexistent/x.csv").unwrap_err();
        assert!(matches!(err, Error::Io { .. }));
    }
}

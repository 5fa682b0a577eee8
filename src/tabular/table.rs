//! [`Table`]: a parsed CSV file with a header, every cell kept as text.

use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// A CSV file with a header, parsed into rows of text cells, one example per row.
///
/// Cells are trimmed of surrounding whitespace; an empty cell is a missing value (the only
/// one: `NA` or `-` in a numeric column is an error when fitting). One row per line: a quoted
/// field may not hold a line break. Every row
/// has exactly as many cells as the header, and the file's line number of each row is kept so
/// that later errors (text in a numeric column, an unknown label) can name it. The table knows
/// nothing about targets or column kinds: that is [`TabularConfig`](super::TabularConfig)'s
/// job, so one table can be fitted on some rows and transformed on others (k-fold CV).
///
/// ```
/// use ndnet::tabular::Table;
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
    /// The column names, in file order.
    ///
    /// ```
    /// # use ndnet::tabular::Table;
    /// let t = Table::from_reader("x,y\n1,2\n".as_bytes(), "t.csv").unwrap();
    /// assert_eq!(t.headers(), ["x", "y"]);
    /// ```
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// The data rows (header excluded), each with one trimmed cell per column; `""` is missing.
    ///
    /// ```
    /// # use ndnet::tabular::Table;
    /// let t = Table::from_reader("x,y\n1, 2 \n".as_bytes(), "t.csv").unwrap();
    /// assert_eq!(t.rows(), [["1", "2"]]);
    /// ```
    pub fn rows(&self) -> &[Vec<String>] {
        &self.rows
    }

    /// The number of data rows m.
    ///
    /// ```
    /// # use ndnet::tabular::Table;
    /// let t = Table::from_reader("x\n1\n2\n3\n".as_bytes(), "t.csv").unwrap();
    /// assert_eq!(t.n_rows(), 3);
    /// ```
    pub fn n_rows(&self) -> usize {
        self.rows.len()
    }

    /// The file (or the name given to [`Table::from_reader`]) the table was read from.
    ///
    /// ```
    /// # use ndnet::tabular::Table;
    /// let t = Table::from_reader("x\n1\n".as_bytes(), "t.csv").unwrap();
    /// assert_eq!(t.path(), std::path::Path::new("t.csv"));
    /// ```
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The 1-based line of the file on which data row `row` (0-based) starts, `None` past the end.
    ///
    /// ```
    /// # use ndnet::tabular::Table;
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
    /// # use ndnet::tabular::Table;
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
    /// # use ndnet::tabular::Table;
    /// let t = Table::from_reader("id,x\nA7,1\nB2,2\n".as_bytes(), "t.csv").unwrap();
    /// assert_eq!(t.column("id").unwrap(), ["A7", "B2"]);
    /// assert!(t.column("name").is_err());
    /// ```
    pub fn column(&self, name: &str) -> Result<Vec<&str>> {
        let j = self.require_column(name, "column")?;
        Ok(self.rows.iter().map(|row| row[j].as_str()).collect())
    }

    /// The data rows `rows` (0-based, in that order, repeats allowed) as a table of their
    /// own, with the same header and file name and each row's line number kept, so that an
    /// error about one of them still names its line in the file. Every function that takes a
    /// table takes a selection: fit a [`TabularModel`](crate::TabularModel) on some rows,
    /// evaluate it on the others.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] if `rows` is empty or holds an index ≥ the number of rows;
    /// [`Error::TooLarge`] if the selection's cells would exceed the
    /// [memory limit](crate::memory_limit).
    ///
    /// ```
    /// # use ndnet::tabular::Table;
    /// let t = Table::from_reader("x,y\n1,a\n2,b\n3,c\n".as_bytes(), "t.csv")?;
    /// let picked = t.select_rows(&[2, 0])?;
    /// assert_eq!(picked.rows(), [["3", "c"], ["1", "a"]]);
    /// assert_eq!((picked.line(0), picked.path()), (Some(4), t.path())); // line 4 of t.csv
    /// assert!(t.select_rows(&[3]).is_err());
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn select_rows(&self, rows: &[usize]) -> Result<Table> {
        super::fit::check_rows(self, rows)?;
        let what = || "the selected rows (rows, columns)".to_owned();
        crate::base::limits::check_alloc(what, &[rows.len(), self.headers.len()], std::mem::size_of::<String>())?;
        Ok(Table {
            headers: self.headers.clone(),
            rows: rows.iter().map(|&i| self.rows[i].clone()).collect(),
            lines: rows.iter().map(|&i| self.lines[i]).collect(),
            header_line: self.header_line,
            path: self.path.clone(),
        })
    }

    /// The index of column `name`, or a [`Error::Format`] saying it is missing (`what` says
    /// which role the column has, e.g. "target column").
    pub(crate) fn require_column(&self, name: &str, what: &str) -> Result<usize> {
        find_column(&self.path, self.header_line, &self.headers, name, what)
    }

    /// Assembles a table from parsed parts (rows already checked against the header).
    pub(super) fn new(
        headers: Vec<String>,
        rows: Vec<Vec<String>>,
        lines: Vec<u64>,
        header_line: u64,
        path: PathBuf,
    ) -> Table {
        Table {
            headers,
            rows,
            lines,
            header_line,
            path,
        }
    }

    /// An [`Error::Format`] about the whole column `column`, located at the header line.
    pub(crate) fn column_error(&self, column: usize, message: String) -> Error {
        Error::format(
            &self.path,
            Some(self.header_line),
            Some(self.headers[column].clone()),
            message,
        )
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

/// The index of column `name` in `headers` (read from line `header_line` of `path`), or a
/// [`Error::Format`] saying it is missing (`what` says which role the column has).
pub(super) fn find_column(path: &Path, header_line: u64, headers: &[String], name: &str, what: &str) -> Result<usize> {
    headers.iter().position(|h| h == name).ok_or_else(|| {
        Error::format(
            path,
            Some(header_line),
            Some(name.to_owned()),
            format!("missing {what} {name:?}; the header has {}", headers.join(",")),
        )
    })
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
    fn missing_file_is_an_io_error() {
        let err = Table::from_path("/nonexistent/x.csv").unwrap_err();
        assert!(matches!(err, Error::Io { .. }));
    }
}

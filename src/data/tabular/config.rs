//! [`TabularConfig`]: which column is the target, which columns to leave out, and the column
//! kinds that override automatic detection.

use super::{FittedPreprocessing, Table};
use crate::{Error, Result};

/// How a feature column is encoded.
///
/// ```
/// use ndnet::data::tabular::ColumnKind;
/// assert_ne!(ColumnKind::Numeric, ColumnKind::Categorical);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ColumnKind {
    /// Parsed as a number, missing cells imputed with the median, then standardized.
    Numeric,
    /// Kept as text, missing cells imputed with the most frequent value, then one-hot encoded.
    Categorical,
}

/// What to do with each column of a [`Table`]: a builder, then [`fit`](TabularConfig::fit).
///
/// Defaults (everything but the target is optional):
/// * **no ID columns** — list them with [`id_column`](TabularConfig::id_column); they are left
///   out of X and their values are available through [`FittedPreprocessing::ids`];
/// * **no dropped columns** — leave other columns out with
///   [`drop_column`](TabularConfig::drop_column);
/// * **automatic column kinds** — a column is [`ColumnKind::Numeric`] if every non-empty cell
///   of the rows fitted on parses as a finite number, [`ColumnKind::Categorical`] otherwise;
///   override with [`column_kind`](TabularConfig::column_kind) (e.g. a numeric code that is
///   really a category).
///
/// Every other column becomes one or more features of X, in file order.
///
/// ```
/// use ndnet::data::tabular::{ColumnKind, TabularConfig};
///
/// let config = TabularConfig::new("Loan_Status", "Y")
///     .id_column("Loan_ID")
///     .column_kind("Credit_History", ColumnKind::Categorical);
/// assert_eq!(config.target(), "Loan_Status");
/// assert_eq!(config.id_columns(), ["Loan_ID"]);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct TabularConfig {
    target: String,
    positive_label: String,
    id_columns: Vec<String>,
    dropped: Vec<String>,
    kinds: Vec<(String, ColumnKind)>,
}

impl TabularConfig {
    /// A configuration whose label Y is 1 where column `target` holds `positive_label`.
    ///
    /// The target must hold exactly one other value (the negative label, Y = 0), found when
    /// fitting; see [`FittedPreprocessing`] for what is an error.
    ///
    /// ```
    /// let config = ndnet::data::tabular::TabularConfig::new("Survived", "1");
    /// assert_eq!(config.positive_label(), "1");
    /// ```
    pub fn new(target: impl Into<String>, positive_label: impl Into<String>) -> Self {
        TabularConfig {
            target: target.into(),
            positive_label: positive_label.into(),
            id_columns: Vec::new(),
            dropped: Vec::new(),
            kinds: Vec::new(),
        }
    }

    /// Marks `name` as an ID column: not a feature, its values kept for writing predictions.
    ///
    /// ```
    /// let c = ndnet::data::tabular::TabularConfig::new("y", "1").id_column("id");
    /// assert_eq!(c.id_columns(), ["id"]);
    /// ```
    pub fn id_column(mut self, name: impl Into<String>) -> Self {
        self.id_columns.push(name.into());
        self
    }

    /// Leaves column `name` out of X altogether.
    ///
    /// ```
    /// let c = ndnet::data::tabular::TabularConfig::new("y", "1").drop_column("notes");
    /// assert_eq!(c.dropped_columns(), ["notes"]);
    /// ```
    pub fn drop_column(mut self, name: impl Into<String>) -> Self {
        self.dropped.push(name.into());
        self
    }

    /// Forces column `name` to be encoded as `kind` instead of detecting it (the last call for
    /// a column wins).
    ///
    /// ```
    /// use ndnet::data::tabular::{ColumnKind, TabularConfig};
    /// let c = TabularConfig::new("y", "1").column_kind("zip", ColumnKind::Categorical);
    /// assert_eq!(c.kind_override("zip"), Some(ColumnKind::Categorical));
    /// assert_eq!(c.kind_override("age"), None);
    /// ```
    pub fn column_kind(mut self, name: impl Into<String>, kind: ColumnKind) -> Self {
        let name = name.into();
        self.kinds.retain(|(n, _)| *n != name);
        self.kinds.push((name, kind));
        self
    }

    /// The target column's name.
    ///
    /// ```
    /// assert_eq!(ndnet::data::tabular::TabularConfig::new("y", "1").target(), "y");
    /// ```
    pub fn target(&self) -> &str {
        &self.target
    }

    /// The target value that means Y = 1.
    ///
    /// ```
    /// assert_eq!(ndnet::data::tabular::TabularConfig::new("y", "yes").positive_label(), "yes");
    /// ```
    pub fn positive_label(&self) -> &str {
        &self.positive_label
    }

    /// The ID columns, in the order given.
    ///
    /// ```
    /// assert!(ndnet::data::tabular::TabularConfig::new("y", "1").id_columns().is_empty());
    /// ```
    pub fn id_columns(&self) -> &[String] {
        &self.id_columns
    }

    /// The dropped columns, in the order given.
    ///
    /// ```
    /// assert!(ndnet::data::tabular::TabularConfig::new("y", "1").dropped_columns().is_empty());
    /// ```
    pub fn dropped_columns(&self) -> &[String] {
        &self.dropped
    }

    /// The kind forced on column `name`, if any.
    ///
    /// ```
    /// assert_eq!(ndnet::data::tabular::TabularConfig::new("y", "1").kind_override("x"), None);
    /// ```
    pub fn kind_override(&self, name: &str) -> Option<ColumnKind> {
        self.kinds.iter().find(|(n, _)| n == name).map(|&(_, k)| k)
    }

    /// Fits the preprocessing (kinds, medians, modes, categories, means, standard deviations,
    /// labels) on every row of `table`.
    ///
    /// # Errors
    /// See [`TabularConfig::fit_rows`].
    ///
    /// ```
    /// use ndnet::data::tabular::{Table, TabularConfig};
    ///
    /// let table = Table::from_reader("x,c,y\n1,a,Y\n3,b,N\n".as_bytes(), "t.csv").unwrap();
    /// let fitted = TabularConfig::new("y", "Y").fit(&table).unwrap();
    /// assert_eq!(fitted.feature_names(), ["x", "c=a", "c=b"]);
    /// ```
    pub fn fit(&self, table: &Table) -> Result<FittedPreprocessing> {
        let rows: Vec<usize> = (0..table.n_rows()).collect();
        self.fit_rows(table, &rows)
    }

    /// Fits the preprocessing on the rows `rows` of `table` only (0-based data-row indices;
    /// repeats allowed), e.g. the training folds of a k-fold cross-validation, so that no
    /// statistic of the validation rows leaks into the fit.
    ///
    /// # Errors
    /// * [`Error::InvalidArgument`] if `rows` is empty or holds an index ≥ the number of rows,
    ///   or if a column is named twice among target, ID, dropped and kind-overridden columns
    ///   in conflicting roles;
    /// * [`Error::Format`] (path, line, column) if a configured column is not in the header,
    ///   a column declared numeric holds text, a feature column is empty in every row fitted
    ///   on, a target cell is empty, the positive label never occurs, or the target holds more
    ///   than two distinct values.
    ///
    /// ```
    /// use ndnet::data::tabular::{Table, TabularConfig};
    ///
    /// let table = Table::from_reader("x,y\n1,Y\n3,N\n100,Y\n".as_bytes(), "t.csv").unwrap();
    /// let fitted = TabularConfig::new("y", "Y").fit_rows(&table, &[0, 1]).unwrap();
    /// // Mean 2 and std 1 from rows 0 and 1 only: row 2 becomes (100 − 2) / 1.
    /// let (x, _) = fitted.transform_rows::<f64>(&table, &[2]).unwrap();
    /// assert_eq!(x[[0, 0]], 98.0);
    /// ```
    pub fn fit_rows(&self, table: &Table, rows: &[usize]) -> Result<FittedPreprocessing> {
        check_rows(table, rows)?;
        self.check_roles()?;
        table.require_column(&self.target, "target column")?;
        for name in &self.id_columns {
            table.require_column(name, "ID column")?;
        }
        for name in &self.dropped {
            table.require_column(name, "dropped column")?;
        }
        for (name, _) in &self.kinds {
            table.require_column(name, "column with a kind override")?;
        }
        FittedPreprocessing::fit(self, table, rows)
    }

    /// Whether column `name` is a feature (not the target, an ID or a dropped column).
    pub(crate) fn is_feature(&self, name: &str) -> bool {
        name != self.target
            && !self.id_columns.iter().any(|n| n == name)
            && !self.dropped.iter().any(|n| n == name)
    }

    fn check_roles(&self) -> Result<()> {
        let conflict = |message: String| Error::InvalidArgument {
            argument: "config",
            message,
        };
        if let Some(name) = self
            .id_columns
            .iter()
            .chain(&self.dropped)
            .find(|n| **n == self.target)
        {
            return Err(conflict(format!(
                "{name:?} is the target column; it cannot also be an ID or dropped column"
            )));
        }
        if let Some((name, _)) = self.kinds.iter().find(|(n, _)| !self.is_feature(n)) {
            return Err(conflict(format!(
                "{name:?} has a kind override but is the target, an ID or a dropped column"
            )));
        }
        Ok(())
    }
}

/// Fails unless `rows` is a non-empty list of valid row indices of `table`.
pub(crate) fn check_rows(table: &Table, rows: &[usize]) -> Result<()> {
    if rows.is_empty() {
        return Err(Error::InvalidArgument {
            argument: "rows",
            message: "no row indices given; at least one row is needed".to_owned(),
        });
    }
    if let Some(&bad) = rows.iter().find(|&&i| i >= table.n_rows()) {
        return Err(Error::InvalidArgument {
            argument: "rows",
            message: format!(
                "row index {bad} is out of range: {} has {} data rows",
                table.path().display(),
                table.n_rows()
            ),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Table {
        Table::from_reader(text.as_bytes(), "t.csv").expect("test CSV is well formed")
    }

    #[test]
    fn missing_configured_columns_are_format_errors_naming_the_column() {
        let t = table("id,x,y\n1,2,Y\n2,3,N\n");
        let err = TabularConfig::new("label", "Y").fit(&t).unwrap_err();
        assert!(
            matches!(err, Error::Format { line: Some(1), column: Some(ref c), .. } if c == "label")
        );
        assert!(
            err.to_string().contains("missing target column \"label\""),
            "{err}"
        );
        let err = TabularConfig::new("y", "Y")
            .id_column("ID")
            .fit(&t)
            .unwrap_err();
        assert!(
            err.to_string().contains("missing ID column \"ID\""),
            "{err}"
        );
        let err = TabularConfig::new("y", "Y")
            .column_kind("z", ColumnKind::Numeric)
            .fit(&t)
            .unwrap_err();
        assert!(err.to_string().contains("column z:"), "{err}");
    }

    #[test]
    fn conflicting_roles_and_bad_rows_are_invalid_arguments() {
        let t = table("id,x,y\n1,2,Y\n2,3,N\n");
        let err = TabularConfig::new("y", "Y")
            .id_column("y")
            .fit(&t)
            .unwrap_err();
        assert!(matches!(
            err,
            Error::InvalidArgument {
                argument: "config",
                ..
            }
        ));
        let err = TabularConfig::new("y", "Y")
            .id_column("id")
            .column_kind("id", ColumnKind::Numeric)
            .fit(&t)
            .unwrap_err();
        assert!(matches!(
            err,
            Error::InvalidArgument {
                argument: "config",
                ..
            }
        ));
        let config = TabularConfig::new("y", "Y");
        assert!(matches!(
            config.fit_rows(&t, &[]),
            Err(Error::InvalidArgument {
                argument: "rows",
                ..
            })
        ));
        let err = config.fit_rows(&t, &[0, 2]).unwrap_err();
        assert!(
            err.to_string().contains("row index 2 is out of range"),
            "{err}"
        );
    }

    #[test]
    fn later_kind_override_wins() {
        let c = TabularConfig::new("y", "1")
            .column_kind("a", ColumnKind::Numeric)
            .column_kind("a", ColumnKind::Categorical);
        assert_eq!(c.kind_override("a"), Some(ColumnKind::Categorical));
    }
}

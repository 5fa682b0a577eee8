//! Fitting a [`TabularConfig`] on a [`Table`], on all rows or on a subset (k-fold CV).

use super::{FittedPreprocessing, Table, TabularConfig};
use crate::{Error, Result};

impl TabularConfig {
    /// Fits the preprocessing (kinds, medians, modes, categories, means, standard deviations,
    /// labels) on every row of `table`.
    ///
    /// # Errors
    /// See [`TabularConfig::fit_rows`].
    ///
    /// ```
    /// use ndnet::tabular::{Table, TabularConfig};
    ///
    /// let table = Table::from_reader("x,c,y\n1,a,Y\n3,b,N\n".as_bytes(), "t.csv").unwrap();
    /// let fitted = TabularConfig::binary("y", "Y").fit(&table).unwrap();
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
    ///   on, a text column holds nearly one distinct value per row (an undeclared ID, see
    ///   [`TabularConfig`]), or a target cell is empty; and by the target's kind: binary, the
    ///   positive label never occurs or a third value does (its line named); multi-class, fewer
    ///   than 2 classes, or nearly one class per row; regression, a cell that is text, NaN or
    ///   ±inf (its line named).
    ///
    /// ```
    /// use ndnet::tabular::{Table, TabularConfig};
    ///
    /// let table = Table::from_reader("x,y\n1,Y\n3,N\n100,Y\n".as_bytes(), "t.csv").unwrap();
    /// let fitted = TabularConfig::binary("y", "Y").fit_rows(&table, &[0, 1]).unwrap();
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
    use crate::tabular::ColumnKind;

    fn table(text: &str) -> Table {
        Table::from_reader(text.as_bytes(), "t.csv").expect("test CSV is well formed")
    }

    #[test]
    fn missing_configured_columns_are_format_errors_naming_the_column() {
        let t = table("id,x,y\n1,2,Y\n2,3,N\n");
        let err = TabularConfig::binary("label", "Y").fit(&t).unwrap_err();
        assert!(matches!(err, Error::Format { line: Some(1), column: Some(ref c), .. } if c == "label"));
        assert!(err.to_string().contains("missing target column \"label\""), "{err}");
        let err = TabularConfig::binary("y", "Y").id_column("ID").fit(&t).unwrap_err();
        assert!(err.to_string().contains("missing ID column \"ID\""), "{err}");
        let err = TabularConfig::binary("y", "Y")
            .column_kind("z", ColumnKind::Numeric)
            .fit(&t)
            .unwrap_err();
        assert!(err.to_string().contains("column z:"), "{err}");
    }

    #[test]
    fn conflicting_roles_and_bad_rows_are_invalid_arguments() {
        let t = table("id,x,y\n1,2,Y\n2,3,N\n");
        let err = TabularConfig::binary("y", "Y").id_column("y").fit(&t).unwrap_err();
        assert!(matches!(err, Error::InvalidArgument { argument: "config", .. }));
        let err = TabularConfig::binary("y", "Y")
            .id_column("id")
            .column_kind("id", ColumnKind::Numeric)
            .fit(&t)
            .unwrap_err();
        assert!(matches!(err, Error::InvalidArgument { argument: "config", .. }));
        let config = TabularConfig::binary("y", "Y");
        assert!(matches!(
            config.fit_rows(&t, &[]),
            Err(Error::InvalidArgument { argument: "rows", .. })
        ));
        let err = config.fit_rows(&t, &[0, 2]).unwrap_err();
        assert!(err.to_string().contains("row index 2 is out of range"), "{err}");
    }
}

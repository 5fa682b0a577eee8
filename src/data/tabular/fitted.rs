//! [`FittedPreprocessing`]: the fitted imputation, encoding and scaling, applied to any table.

use ndarray::Array2;

use super::config::check_rows;
use super::target::FittedTarget;
use super::{FittedColumn, Table, TabularConfig};
use crate::{Error, Float, Result};

/// Preprocessing fitted on a [`Table`] by [`TabularConfig::fit`], that turns tables with the
/// same columns into X (n_x, m) and Y (1, m) identically.
///
/// * Numeric columns: empty cells get the fitted median, then `(x − mean) / std` with the
///   fitted mean and population standard deviation (std 1 for a constant column, so no NaN).
/// * Categorical columns: empty cells get the fitted most frequent category, then one 0/1
///   feature per category seen when fitting, categories sorted; a category never seen when
///   fitting gives all zeros (no error).
/// * Target: Y = 1 for the positive label, 0 for the one other label seen when fitting. An
///   empty target cell, or a third value, is an error naming its line — a binary target must
///   hold exactly two values. A table without the target column (unlabelled data) is fine:
///   [`transform`](FittedPreprocessing::transform) then returns no Y.
///
/// ```
/// use ndnet::data::tabular::{Table, TabularConfig};
///
/// let train = "id,income,area,ok\n\
///              a1,1000,Urban,Y\n\
///              a2,3000,Rural,N\n\
///              a3,,Urban,Y\n";
/// let table = Table::from_reader(train.as_bytes(), "train.csv").unwrap();
/// let fitted = TabularConfig::new("ok", "Y").id_column("id").fit(&table).unwrap();
/// assert_eq!(fitted.feature_names(), ["income", "area=Rural", "area=Urban"]);
///
/// let (x, y) = fitted.transform::<f64>(&table).unwrap();
/// // income: median 2000 fills a3; imputed 1000, 3000, 2000 has mean 2000 and std √(2/3)·1000.
/// let s = (2.0f64 / 3.0).sqrt() * 1000.0;
/// assert!((x[[0, 0]] - (-1000.0 / s)).abs() < 1e-12);
/// assert_eq!(x.row(1).to_vec(), [0.0, 1.0, 0.0]); // area=Rural: only a2
/// assert_eq!(y.unwrap(), ndarray::array![[1.0, 0.0, 1.0]]);
///
/// // Unlabelled data, with a category never seen: no Y, all-zero one-hot.
/// let test = Table::from_reader("id,income,area\nb1,2000,Suburb\n".as_bytes(), "test.csv").unwrap();
/// let (x, y) = fitted.transform::<f32>(&test).unwrap();
/// assert_eq!(x.column(0).to_vec(), [0.0, 0.0, 0.0]);
/// assert!(y.is_none());
/// assert_eq!(fitted.ids(&test).unwrap(), ["b1"]);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct FittedPreprocessing {
    target: FittedTarget,
    id_columns: Vec<String>,
    columns: Vec<FittedColumn>,
    feature_names: Vec<String>,
}

impl FittedPreprocessing {
    /// Fits every feature column and the target of `config` on `rows` of `table` (already
    /// checked by the caller: rows valid, configured columns present).
    pub(crate) fn fit(config: &TabularConfig, table: &Table, rows: &[usize]) -> Result<Self> {
        let target = FittedTarget::fit(table, rows, config.target(), config.positive_label())?;
        let mut columns = Vec::new();
        for (j, name) in table.headers().iter().enumerate() {
            if config.is_feature(name) {
                columns.push(FittedColumn::fit(
                    table,
                    j,
                    rows,
                    config.kind_override(name),
                )?);
            }
        }
        if columns.is_empty() {
            return Err(Error::format(
                table.path(),
                None,
                None,
                "no feature column left once the target, ID and dropped columns are removed",
            ));
        }
        let feature_names = columns
            .iter()
            .flat_map(FittedColumn::feature_names)
            .collect();
        Ok(FittedPreprocessing {
            target,
            id_columns: config.id_columns().to_vec(),
            columns,
            feature_names,
        })
    }

    /// X (n_x, m) for every row of `table`, and Y (1, m) if `table` has the target column.
    ///
    /// # Shapes
    /// X is (n_x, m) with n_x = [`n_features`](FittedPreprocessing::n_features) and m the
    /// number of rows; Y is (1, m).
    ///
    /// # Errors
    /// See [`FittedPreprocessing::transform_rows`].
    ///
    /// ```
    /// use ndnet::data::tabular::{Table, TabularConfig};
    /// let t = Table::from_reader("x,y\n1,Y\n3,N\n".as_bytes(), "t.csv").unwrap();
    /// let (x, y) = TabularConfig::new("y", "Y").fit(&t).unwrap().transform::<f64>(&t).unwrap();
    /// assert_eq!(x, ndarray::array![[-1.0, 1.0]]); // mean 2, std 1
    /// assert_eq!(y.unwrap(), ndarray::array![[1.0, 0.0]]);
    /// ```
    pub fn transform<F: Float>(&self, table: &Table) -> Result<(Array2<F>, Option<Array2<F>>)> {
        let rows: Vec<usize> = (0..table.n_rows()).collect();
        self.transform_rows(table, &rows)
    }

    /// X and Y for the rows `rows` of `table` only, in that order (e.g. a validation fold).
    ///
    /// # Shapes
    /// X is (n_x, rows.len()); Y is (1, rows.len()).
    ///
    /// # Errors
    /// * [`Error::InvalidArgument`] if `rows` is empty or holds an out-of-range index;
    /// * [`Error::Format`] (path, line, column) if a feature column fitted on is missing from
    ///   `table`, a numeric cell is not a number, or a target cell is empty or neither label.
    ///
    /// ```
    /// use ndnet::data::tabular::{Table, TabularConfig};
    /// let t = Table::from_reader("x,y\n1,Y\n3,N\n5,N\n".as_bytes(), "t.csv").unwrap();
    /// let fitted = TabularConfig::new("y", "Y").fit_rows(&t, &[0, 1]).unwrap();
    /// let (x, y) = fitted.transform_rows::<f64>(&t, &[2, 0]).unwrap();
    /// assert_eq!(x, ndarray::array![[3.0, -1.0]]);
    /// assert_eq!(y.unwrap(), ndarray::array![[0.0, 1.0]]);
    /// ```
    pub fn transform_rows<F: Float>(
        &self,
        table: &Table,
        rows: &[usize],
    ) -> Result<(Array2<F>, Option<Array2<F>>)> {
        check_rows(table, rows)?;
        let positions = self
            .columns
            .iter()
            .map(|c| table.require_column(&c.name, "feature column"))
            .collect::<Result<Vec<_>>>()?;
        let mut x = Array2::zeros((self.n_features(), rows.len()));
        let mut features = vec![0.0; self.n_features()];
        for (k, &i) in rows.iter().enumerate() {
            let mut start = 0;
            for (column, &j) in self.columns.iter().zip(&positions) {
                let end = start + column.encoding.n_features();
                column
                    .encode(&table.rows()[i][j], &mut features[start..end])
                    .map_err(|message| table.cell_error(i, j, message))?;
                start = end;
            }
            for (f, &value) in features.iter().enumerate() {
                x[[f, k]] = F::from_f64(value);
            }
        }
        let y = self.target.encode(table, rows)?;
        Ok((x, y))
    }

    /// The values of the first ID column for every row of `table`, to write predictions
    /// next to them (e.g. `Loan_ID,Loan_Status`).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] if no ID column was configured; [`Error::Format`] if
    /// `table` lacks it.
    ///
    /// ```
    /// use ndnet::data::tabular::{Table, TabularConfig};
    /// let t = Table::from_reader("id,x,y\nP1,1,Y\nP2,3,N\n".as_bytes(), "t.csv").unwrap();
    /// let fitted = TabularConfig::new("y", "Y").id_column("id").fit(&t).unwrap();
    /// assert_eq!(fitted.ids(&t).unwrap(), ["P1", "P2"]);
    /// ```
    pub fn ids(&self, table: &Table) -> Result<Vec<String>> {
        let name = self
            .id_columns
            .first()
            .ok_or_else(|| Error::InvalidArgument {
                argument: "config",
                message: "no ID column was configured (TabularConfig::id_column)".to_owned(),
            })?;
        let j = table.require_column(name, "ID column")?;
        Ok(table.rows().iter().map(|row| row[j].clone()).collect())
    }

    /// The names of the rows of X: a numeric column's name, `name=category` for one-hot
    /// features, e.g. `"ApplicantIncome"`, `"Property_Area=Urban"`.
    ///
    /// ```
    /// use ndnet::data::tabular::{Table, TabularConfig};
    /// let t = Table::from_reader("a,c,y\n1,u,1\n2,r,0\n".as_bytes(), "t.csv").unwrap();
    /// let fitted = TabularConfig::new("y", "1").fit(&t).unwrap();
    /// assert_eq!(fitted.feature_names(), ["a", "c=r", "c=u"]);
    /// ```
    pub fn feature_names(&self) -> &[String] {
        &self.feature_names
    }

    /// n_x, the number of rows of X.
    ///
    /// ```
    /// use ndnet::data::tabular::{Table, TabularConfig};
    /// let t = Table::from_reader("a,c,y\n1,u,1\n2,r,0\n".as_bytes(), "t.csv").unwrap();
    /// assert_eq!(TabularConfig::new("y", "1").fit(&t).unwrap().n_features(), 3);
    /// ```
    pub fn n_features(&self) -> usize {
        self.feature_names.len()
    }

    /// The fitted feature columns, in file order, with their statistics.
    ///
    /// ```
    /// use ndnet::data::tabular::{Table, TabularConfig};
    /// let t = Table::from_reader("a,y\n1,1\n2,0\n".as_bytes(), "t.csv").unwrap();
    /// assert_eq!(TabularConfig::new("y", "1").fit(&t).unwrap().columns()[0].name, "a");
    /// ```
    pub fn columns(&self) -> &[FittedColumn] {
        &self.columns
    }

    /// The target column's name.
    ///
    /// ```
    /// use ndnet::data::tabular::{Table, TabularConfig};
    /// let t = Table::from_reader("a,y\n1,1\n2,0\n".as_bytes(), "t.csv").unwrap();
    /// assert_eq!(TabularConfig::new("y", "1").fit(&t).unwrap().target(), "y");
    /// ```
    pub fn target(&self) -> &str {
        &self.target.name
    }

    /// The target text for a predicted class: the positive label for `true`, the negative
    /// label found when fitting for `false` (`None` if fitting saw only positive labels).
    ///
    /// ```
    /// use ndnet::data::tabular::{Table, TabularConfig};
    /// let t = Table::from_reader("a,y\n1,Y\n2,N\n".as_bytes(), "t.csv").unwrap();
    /// let fitted = TabularConfig::new("y", "Y").fit(&t).unwrap();
    /// assert_eq!((fitted.label(true), fitted.label(false)), (Some("Y"), Some("N")));
    /// ```
    pub fn label(&self, positive: bool) -> Option<&str> {
        if positive {
            Some(&self.target.positive)
        } else {
            self.target.negative.as_deref()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::tabular::ColumnKind;

    const TRAIN: &str = "id,num,cat,y\n\
                         1,1,b,Y\n\
                         2,,a,N\n\
                         3,3,,Y\n\
                         4,5,b,N\n";

    fn table(text: &str) -> Table {
        Table::from_reader(text.as_bytes(), "t.csv").expect("test CSV is well formed")
    }

    #[test]
    fn whole_pipeline_by_hand() {
        let t = table(TRAIN);
        let fitted = TabularConfig::new("y", "Y")
            .id_column("id")
            .fit(&t)
            .unwrap();
        assert_eq!(fitted.feature_names(), ["num", "cat=a", "cat=b"]);
        let (x, y) = fitted.transform::<f64>(&t).unwrap();
        // num: median of 1, 3, 5 is 3; imputed 1, 3, 3, 5: mean 3, variance (4+0+0+4)/4 = 2.
        let s = 2.0f64.sqrt();
        let expected_num = [-2.0 / s, 0.0, 0.0, 2.0 / s];
        for (got, want) in x.row(0).iter().zip(expected_num) {
            assert!((got - want).abs() < 1e-12);
        }
        // cat: b twice, a once, so the missing cell of row 3 becomes b.
        assert_eq!(x.row(1).to_vec(), [0.0, 1.0, 0.0, 0.0]);
        assert_eq!(x.row(2).to_vec(), [1.0, 0.0, 1.0, 1.0]);
        assert_eq!(y.unwrap(), ndarray::array![[1.0, 0.0, 1.0, 0.0]]);
    }

    #[test]
    fn columns_are_found_by_name_in_any_order_and_missing_ones_are_errors() {
        let fitted = TabularConfig::new("y", "Y")
            .id_column("id")
            .fit(&table(TRAIN))
            .unwrap();
        let (x, y) = fitted.transform::<f64>(&table("cat,num\nc,3\n")).unwrap();
        assert_eq!(x.column(0).to_vec(), [0.0, 0.0, 0.0]);
        assert!(y.is_none());
        let err = fitted
            .transform::<f64>(&table("id,num\n1,2\n"))
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("column cat: missing feature column"),
            "{err}"
        );
        assert!(fitted.ids(&table("num,cat\n1,a\n")).is_err());
    }

    #[test]
    fn text_in_a_numeric_column_when_transforming_names_line_and_column() {
        let fitted = TabularConfig::new("y", "Y").fit(&table(TRAIN)).unwrap();
        let err = fitted
            .transform::<f64>(&table("id,num,cat\n9,1,a\n9,lots,a\n"))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.csv, line 3, column num: \"lots\" is not a finite number, but the column is numeric"
        );
    }

    #[test]
    fn overrides_dropped_columns_and_no_features() {
        let t = table(TRAIN);
        let fitted = TabularConfig::new("y", "Y")
            .drop_column("cat")
            .column_kind("id", ColumnKind::Categorical)
            .fit(&t)
            .unwrap();
        assert_eq!(
            fitted.feature_names(),
            ["id=1", "id=2", "id=3", "id=4", "num"]
        );
        assert!(fitted.ids(&t).is_err()); // no ID column configured
        let err = TabularConfig::new("y", "Y")
            .drop_column("num")
            .drop_column("cat")
            .id_column("id")
            .fit(&t);
        assert!(
            err.unwrap_err()
                .to_string()
                .contains("no feature column left")
        );
    }

    #[test]
    fn fitting_on_a_subset_uses_only_its_statistics() {
        let t = table(TRAIN);
        let fitted = TabularConfig::new("y", "Y")
            .id_column("id")
            .fit_rows(&t, &[0, 3])
            .unwrap();
        // num from rows 0 and 3 only: 1 and 5, mean 3, std 2; cat saw only b.
        assert_eq!(fitted.feature_names(), ["num", "cat=b"]);
        let (x, _) = fitted.transform_rows::<f64>(&t, &[1, 2]).unwrap();
        // Row 1: num missing → median 3 → 0; cat a unseen → 0. Row 2: num 3 → 0; cat missing → b.
        assert_eq!(x, ndarray::array![[0.0, 0.0], [0.0, 1.0]]);
    }
}

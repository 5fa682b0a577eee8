//! Applying a [`FittedPreprocessing`] to a [`Table`]: X (n_x, m) and, if labelled, Y `(n_y, m)`.

use ndarray::{Array2, ArrayViewMut1};

use super::fit::check_rows;
use super::{FittedPreprocessing, Table};
use crate::{Float, Result};

impl FittedPreprocessing {
    /// X (n_x, m) for every row of `table`, and Y `(n_y, m)` if `table` has the target column.
    ///
    /// # Shapes
    /// X is (n_x, m) with n_x = [`n_features`](FittedPreprocessing::n_features) and m the
    /// number of rows; Y is `(n_y, m)`, n_y = [`n_outputs`](FittedPreprocessing::n_outputs):
    /// 1 for binary (0/1) and regression (the number, standardized if chosen), k for a
    /// multi-class target (one-hot, classes in sorted order).
    ///
    /// # Errors
    /// See [`FittedPreprocessing::transform_rows`].
    ///
    /// ```
    /// use ndnet::tabular::{Table, TabularConfig};
    /// let t = Table::from_reader("x,y\n1,Y\n3,N\n".as_bytes(), "t.csv").unwrap();
    /// let (x, y) = TabularConfig::binary("y", "Y").fit(&t).unwrap().transform::<f64>(&t).unwrap();
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
    /// X is (n_x, rows.len()); Y is (n_y, rows.len()).
    ///
    /// # Errors
    /// * [`Error::InvalidArgument`](crate::Error::InvalidArgument) if `rows` is empty or holds an out-of-range index;
    /// * [`Error::Format`](crate::Error::Format) (path, line, column) if a feature column fitted on is missing from
    ///   `table`, a numeric cell is not a number, or a target cell is empty, neither label of a
    ///   binary target, a class never seen when fitting, or not a finite number for regression.
    ///
    /// ```
    /// use ndnet::tabular::{Table, TabularConfig};
    /// let t = Table::from_reader("x,y\n1,Y\n3,N\n5,N\n".as_bytes(), "t.csv").unwrap();
    /// let fitted = TabularConfig::binary("y", "Y").fit_rows(&t, &[0, 1]).unwrap();
    /// let (x, y) = fitted.transform_rows::<f64>(&t, &[2, 0]).unwrap();
    /// assert_eq!(x, ndarray::array![[3.0, -1.0]]);
    /// assert_eq!(y.unwrap(), ndarray::array![[0.0, 1.0]]);
    /// ```
    pub fn transform_rows<F: Float>(&self, table: &Table, rows: &[usize]) -> Result<(Array2<F>, Option<Array2<F>>)> {
        let x = self.features_rows(table, rows)?;
        let y = self.target.encode(table, rows)?;
        Ok((x, y))
    }

    /// X alone for the rows `rows` of `table` (the target column is not read: predictions).
    pub(crate) fn features_rows<F: Float>(&self, table: &Table, rows: &[usize]) -> Result<Array2<F>> {
        check_rows(table, rows)?;
        let positions = self.feature_positions(|name, what| table.require_column(name, what))?;
        let what = || "X (features after one-hot encoding, rows)".to_string();
        crate::base::limits::check_alloc(what, &[self.n_features(), rows.len()], std::mem::size_of::<F>())?;
        let mut x = Array2::zeros((self.n_features(), rows.len()));
        let mut features = vec![0.0; self.n_features()];
        for (k, &i) in rows.iter().enumerate() {
            self.encode_features(&table.rows()[i], &positions, &mut features, x.column_mut(k))
                .map_err(|bad| table.cell_error(i, bad.column, bad.message))?;
        }
        Ok(x)
    }

    /// Where each fitted column is in a file, found by name with `find` (which says why a
    /// column is missing).
    pub(super) fn feature_positions(&self, mut find: impl FnMut(&str, &str) -> Result<usize>) -> Result<Vec<usize>> {
        self.columns.iter().map(|c| find(&c.name, "feature column")).collect()
    }

    /// Writes the n_x features of one row into `out`, reading fitted column c from cell
    /// `positions[c]` of `row`: the one encoding of a row, for a [`Table`] and for a CSV file
    /// read in chunks alike. `features` (n_x values) is scratch space.
    ///
    /// # Errors
    /// The cell that cannot be encoded, and why.
    pub(super) fn encode_features<F: Float>(
        &self,
        row: &(impl Cells + ?Sized),
        positions: &[usize],
        features: &mut [f64],
        mut out: ArrayViewMut1<F>,
    ) -> std::result::Result<(), BadCell> {
        let mut start = 0;
        for (column, &j) in self.columns.iter().zip(positions) {
            let end = start + column.encoding.n_features();
            let cell = row.cell(j);
            column
                .encode(cell, &mut features[start..end])
                .map_err(|message| BadCell { column: j, message })?;
            for (f, &value) in (start..end).zip(&features[start..end]) {
                // Finite in f64, but a standardized 1e300 is inf in f32.
                let converted = F::from_f64(value);
                if !converted.is_finite() {
                    let message = format!(
                        "{cell:?} standardizes to {value:e}, beyond the range of the model's {}-bit floats",
                        8 * std::mem::size_of::<F>()
                    );
                    return Err(BadCell { column: j, message });
                }
                out[f] = converted;
            }
            start = end;
        }
        Ok(())
    }
}

/// The cells of one row, by column position: a [`Table`]'s row or a record read from a file.
pub(super) trait Cells {
    /// The trimmed text of cell `j` (`""` when missing).
    fn cell(&self, j: usize) -> &str;
}

impl Cells for Vec<String> {
    fn cell(&self, j: usize) -> &str {
        &self[j]
    }
}

impl Cells for csv::StringRecord {
    fn cell(&self, j: usize) -> &str {
        super::read::trimmed(&self[j])
    }
}

/// A cell that cannot be used: its column's position in the file, and why.
#[derive(Debug)]
pub(super) struct BadCell {
    pub(super) column: usize,
    pub(super) message: String,
}

#[cfg(test)]
mod tests {
    use crate::tabular::{Table, TabularConfig};

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
        let fitted = TabularConfig::binary("y", "Y").id_column("id").fit(&t).unwrap();
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
        let fitted = TabularConfig::binary("y", "Y")
            .id_column("id")
            .fit(&table(TRAIN))
            .unwrap();
        let (x, y) = fitted.transform::<f64>(&table("cat,num\nc,3\n")).unwrap();
        assert_eq!(x.column(0).to_vec(), [0.0, 0.0, 0.0]);
        assert!(y.is_none());
        let err = fitted.transform::<f64>(&table("id,num\n1,2\n")).unwrap_err();
        assert!(err.to_string().contains("column cat: missing feature column"), "{err}");
        assert!(fitted.ids(&table("num,cat\n1,a\n")).is_err());
    }

    #[test]
    fn text_in_a_numeric_column_when_transforming_names_line_and_column() {
        let fitted = TabularConfig::binary("y", "Y").fit(&table(TRAIN)).unwrap();
        let err = fitted
            .transform::<f64>(&table("id,num,cat\n9,1,a\n9,lots,a\n"))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.csv, line 3, column num: \"lots\" is not a finite number, but the column is numeric"
        );
    }

    #[test]
    fn a_value_beyond_f32_after_standardizing_names_line_and_column() {
        let fitted = TabularConfig::binary("y", "Y").fit(&table(TRAIN)).unwrap();
        let new = table("id,num,cat\n9,1,a\n9,1e300,a\n");
        assert!(fitted.transform::<f64>(&new).is_ok());
        let err = fitted.transform::<f32>(&new).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("t.csv, line 3, column num: \"1e300\" standardizes to"),
            "{err}"
        );
        assert!(err.to_string().contains("32-bit"), "{err}");
    }

    #[test]
    fn fitting_on_a_subset_uses_only_its_statistics() {
        let t = table(TRAIN);
        let fitted = TabularConfig::binary("y", "Y")
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

//! [`FittedPreprocessing`]: the fitted imputation, encoding and scaling, applied to any table
//! (`transform`); its printable report (`report`) and the invariants every loaded one is
//! checked against (`check`).

use super::target::TargetColumn;
use super::{FittedColumn, FittedTarget, Table, TabularConfig};
use crate::{Error, Result};

mod check;
mod report;

#[cfg(feature = "serde")]
use check::Unchecked;

/// Preprocessing fitted on a [`Table`] by [`TabularConfig::fit`], that turns tables with the
/// same columns into X (n_x, m) and Y `(n_y, m)` identically.
///
/// * Numeric columns: empty cells get the fitted median, then `(x − mean) / std` with the
///   fitted mean and population standard deviation (std 1 for a constant column, so no NaN).
/// * Categorical columns: empty cells get the fitted most frequent category, then one 0/1
///   feature per category seen when fitting, categories sorted; a category never seen when
///   fitting gives all zeros (no error).
/// * Target ([`FittedTarget`]), by the kind chosen in the config: binary, Y (1, m) = 1 for
///   the positive label, 0 for the one other label seen when fitting (a third value is an error
///   naming its line); multi-class, Y (k, m) one-hot over the k classes seen when fitting,
///   sorted (a class never seen is an error naming its line); regression, Y (1, m) the number,
///   standardized if chosen (text, NaN or ±inf is an error naming its line). An empty target
///   cell is an error naming its line. A table without the target column, or whose target
///   column is empty in every row transformed (unlabelled data), is fine:
///   [`transform`](FittedPreprocessing::transform) then returns no Y.
///
/// Printing it (`Display`) gives a report of every column: its kind, the value that fills its
/// empty cells, its categories or mean and std, and the target's kind with its classes or
/// scaling.
///
/// ```
/// use ndnet::tabular::{Table, TabularConfig};
///
/// let train = "id,income,area,ok\n\
///              a1,1000,Urban,Y\n\
///              a2,3000,Rural,N\n\
///              a3,,Urban,Y\n";
/// let table = Table::from_reader(train.as_bytes(), "train.csv").unwrap();
/// let fitted = TabularConfig::binary("ok", "Y").id_column("id").fit(&table).unwrap();
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
///
/// With feature `serde` it deserializes only if it holds what fitting guarantees (distinct
/// column names, finite statistics with std > 0, categories sorted and distinct with the mode
/// among them, feature names that match, two distinct binary labels, at least 2 classes sorted
/// and distinct, a finite target scaling with std > 0): a hand-edited or hostile file is
/// refused when read, not trusted later.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "Unchecked"))]
pub struct FittedPreprocessing {
    pub(super) target: TargetColumn,
    pub(super) id_columns: Vec<String>,
    pub(super) columns: Vec<FittedColumn>,
    pub(super) feature_names: Vec<String>,
}

impl FittedPreprocessing {
    /// Fits every feature column and the target of `config` on `rows` of `table` (already
    /// checked by the caller: rows valid, configured columns present).
    pub(crate) fn fit(config: &TabularConfig, table: &Table, rows: &[usize]) -> Result<Self> {
        let target = TargetColumn::fit(table, rows, config.target(), config.target_kind())?;
        let mut columns = Vec::new();
        for (j, name) in table.headers().iter().enumerate() {
            if config.is_feature(name) {
                columns.push(FittedColumn::fit(table, j, rows, config.kind_override(name))?);
            }
        }
        if columns.is_empty() {
            return Err(no_features(table.path()));
        }
        let fitted = FittedPreprocessing::from_parts(target, config.id_columns().to_vec(), columns);
        // The validation a loaded preprocessing gets: what fitting makes must pass it too.
        fitted
            .check()
            .map_err(|message| Error::format(table.path(), None, None, message))?;
        Ok(fitted)
    }

    /// The preprocessing of a fitted target and fitted feature columns (at least one).
    pub(super) fn from_parts(target: TargetColumn, id_columns: Vec<String>, columns: Vec<FittedColumn>) -> Self {
        let feature_names = columns.iter().flat_map(FittedColumn::feature_names).collect();
        FittedPreprocessing {
            target,
            id_columns,
            columns,
            feature_names,
        }
    }

    /// The values of the first ID column for every row of `table`, to write predictions
    /// next to them (e.g. `Loan_ID,Loan_Status`).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] if no ID column was configured; [`Error::Format`] if
    /// `table` lacks it.
    ///
    /// ```
    /// use ndnet::tabular::{Table, TabularConfig};
    /// let t = Table::from_reader("id,x,y\nP1,1,Y\nP2,3,N\n".as_bytes(), "t.csv").unwrap();
    /// let fitted = TabularConfig::binary("y", "Y").id_column("id").fit(&t).unwrap();
    /// assert_eq!(fitted.ids(&t).unwrap(), ["P1", "P2"]);
    /// ```
    pub fn ids(&self, table: &Table) -> Result<Vec<String>> {
        let name = self.id_columns.first().ok_or_else(|| Error::InvalidArgument {
            argument: "config",
            message: "no ID column was configured (TabularConfig::id_column)".to_owned(),
        })?;
        let j = table.require_column(name, "ID column")?;
        Ok(table.rows().iter().map(|row| row[j].clone()).collect())
    }

    /// The ID columns, in the order configured (the first is the one
    /// [`ids`](FittedPreprocessing::ids) reads and predictions are written with).
    ///
    /// ```
    /// use ndnet::tabular::{Table, TabularConfig};
    /// let t = Table::from_reader("id,x,y\nP1,1,Y\nP2,3,N\n".as_bytes(), "t.csv")?;
    /// assert_eq!(TabularConfig::binary("y", "Y").id_column("id").fit(&t)?.id_columns(), ["id"]);
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn id_columns(&self) -> &[String] {
        &self.id_columns
    }

    /// The names of the rows of X: a numeric column's name, `name=category` for one-hot
    /// features, e.g. `"ApplicantIncome"`, `"Property_Area=Urban"`.
    ///
    /// ```
    /// use ndnet::tabular::{Table, TabularConfig};
    /// let t = Table::from_reader("a,c,y\n1,u,1\n2,r,0\n".as_bytes(), "t.csv").unwrap();
    /// let fitted = TabularConfig::binary("y", "1").fit(&t).unwrap();
    /// assert_eq!(fitted.feature_names(), ["a", "c=r", "c=u"]);
    /// ```
    pub fn feature_names(&self) -> &[String] {
        &self.feature_names
    }

    /// n_x, the number of rows of X.
    ///
    /// ```
    /// use ndnet::tabular::{Table, TabularConfig};
    /// let t = Table::from_reader("a,c,y\n1,u,1\n2,r,0\n".as_bytes(), "t.csv").unwrap();
    /// assert_eq!(TabularConfig::binary("y", "1").fit(&t).unwrap().n_features(), 3);
    /// ```
    pub fn n_features(&self) -> usize {
        self.feature_names.len()
    }

    /// The fitted feature columns, in file order, with their statistics.
    ///
    /// ```
    /// use ndnet::tabular::{Table, TabularConfig};
    /// let t = Table::from_reader("a,y\n1,1\n2,0\n".as_bytes(), "t.csv").unwrap();
    /// assert_eq!(TabularConfig::binary("y", "1").fit(&t).unwrap().columns()[0].name, "a");
    /// ```
    pub fn columns(&self) -> &[FittedColumn] {
        &self.columns
    }

    /// The target column's name.
    ///
    /// ```
    /// use ndnet::tabular::{Table, TabularConfig};
    /// let t = Table::from_reader("a,y\n1,1\n2,0\n".as_bytes(), "t.csv").unwrap();
    /// assert_eq!(TabularConfig::binary("y", "1").fit(&t).unwrap().target(), "y");
    /// ```
    pub fn target(&self) -> &str {
        &self.target.name
    }

    /// What fitting found in the target: its kind with the labels, classes or scaling.
    ///
    /// ```
    /// use ndnet::tabular::{FittedTarget, Table, TabularConfig};
    /// let t = Table::from_reader("a,y\n1,Y\n2,N\n".as_bytes(), "t.csv")?;
    /// let fitted = TabularConfig::binary("y", "Y").fit(&t)?;
    /// assert_eq!(fitted.fitted_target(), &FittedTarget::Binary { positive: "Y".into(), negative: Some("N".into()) });
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn fitted_target(&self) -> &FittedTarget {
        &self.target.fitted
    }

    /// n_y, the number of rows of Y and of outputs the network needs: k classes for a
    /// multi-class target, 1 for binary and regression.
    ///
    /// ```
    /// use ndnet::tabular::{Table, TabularConfig};
    /// let t = Table::from_reader("a,y\n1,x\n2,y\n3,z\n".as_bytes(), "t.csv")?;
    /// assert_eq!(TabularConfig::multi_class("y").fit(&t)?.n_outputs(), 3);
    /// assert_eq!(TabularConfig::binary("y", "x").fit_rows(&t, &[0, 1])?.n_outputs(), 1);
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn n_outputs(&self) -> usize {
        self.target.fitted.n_outputs()
    }

    /// The target text for a predicted class of a binary target: the positive label for
    /// `true`, the negative label found when fitting for `false` (`None` if fitting saw only
    /// positive labels, or if the target is not binary).
    ///
    /// ```
    /// use ndnet::tabular::{Table, TabularConfig};
    /// let t = Table::from_reader("a,y\n1,Y\n2,N\n".as_bytes(), "t.csv").unwrap();
    /// let fitted = TabularConfig::binary("y", "Y").fit(&t).unwrap();
    /// assert_eq!((fitted.label(true), fitted.label(false)), (Some("Y"), Some("N")));
    /// ```
    pub fn label(&self, positive: bool) -> Option<&str> {
        match &self.target.fitted {
            FittedTarget::Binary { positive: p, .. } if positive => Some(p),
            FittedTarget::Binary { negative, .. } => negative.as_deref(),
            FittedTarget::MultiClass { .. } | FittedTarget::Regression { .. } => None,
        }
    }

    /// The target column's fitted state, for the model's predictions and scores.
    pub(crate) fn target_column(&self) -> &TargetColumn {
        &self.target
    }
}

/// The error for a file of `path` with no feature column once the others are set aside.
pub(super) fn no_features(path: &std::path::Path) -> Error {
    Error::format(
        path,
        None,
        None,
        "no feature column left once the target, ID and dropped columns are removed",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tabular::ColumnKind;

    pub(super) const TRAIN: &str = "id,num,cat,y\n\
                                    1,1,b,Y\n\
                                    2,,a,N\n\
                                    3,3,,Y\n\
                                    4,5,b,N\n";

    pub(super) fn table(text: &str) -> Table {
        Table::from_reader(text.as_bytes(), "t.csv").expect("test CSV is well formed")
    }

    #[test]
    fn overrides_dropped_columns_and_no_features() {
        let t = table(TRAIN);
        let fitted = TabularConfig::binary("y", "Y")
            .drop_column("cat")
            .column_kind("id", ColumnKind::Categorical)
            .fit(&t)
            .unwrap();
        assert_eq!(fitted.feature_names(), ["id=1", "id=2", "id=3", "id=4", "num"]);
        assert!(fitted.ids(&t).is_err()); // no ID column configured
        let err = TabularConfig::binary("y", "Y")
            .drop_column("num")
            .drop_column("cat")
            .id_column("id")
            .fit(&t);
        assert!(err.unwrap_err().to_string().contains("no feature column left"));
    }

    /// 25 rows whose `code` is distinct in 23 (92 %) and `town` in 3: `code` is refused as
    /// an ID-like text column unless declared, dropped or forced categorical.
    #[test]
    fn a_nearly_unique_text_column_is_an_error_naming_it() {
        let rows: Vec<String> = (0..25)
            .map(|i| format!("P{},{},{}", i.min(22), ["a", "b", "c"][i % 3], i % 2))
            .collect();
        let t = table(&format!("code,town,y\n{}\n", rows.join("\n")));
        let err = TabularConfig::binary("y", "1").fit(&t).unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.csv, line 1, column code: text column with 23 distinct values in 25 non-empty cells: it looks \
             like an ID, and one-hot encoding it would make one feature per row; declare it with \
             .id_column(\"code\"), leave it out with .drop_column(\"code\"), or keep it with \
             .column_kind(\"code\", ColumnKind::Categorical)"
        );
        assert!(TabularConfig::binary("y", "1").id_column("code").fit(&t).is_ok());
        assert!(TabularConfig::binary("y", "1").drop_column("code").fit(&t).is_ok());
        let forced = TabularConfig::binary("y", "1")
            .column_kind("code", ColumnKind::Categorical)
            .fit(&t)
            .unwrap();
        assert_eq!(forced.n_features(), 23 + 3);
        // 20 rows all distinct: at or below the 20-row floor, kept (a small table proves nothing).
        let t = table(&format!(
            "code,y\n{}\n",
            (0..20)
                .map(|i| format!("P{i},{}", i % 2))
                .collect::<Vec<_>>()
                .join("\n")
        ));
        assert_eq!(TabularConfig::binary("y", "1").fit(&t).unwrap().n_features(), 20);
    }
}

//! [`FittedPreprocessing`]: the fitted imputation, encoding and scaling, applied to any table.

use super::target::FittedTarget;
use super::{FittedColumn, Table, TabularConfig};
use crate::{Error, Result};

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
///   hold exactly two values. A table without the target column, or whose target column is
///   empty in every row transformed (unlabelled data), is fine:
///   [`transform`](FittedPreprocessing::transform) then returns no Y.
///
/// ```
/// use ndnet::tabular::{Table, TabularConfig};
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
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FittedPreprocessing {
    pub(super) target: FittedTarget,
    pub(super) id_columns: Vec<String>,
    pub(super) columns: Vec<FittedColumn>,
    pub(super) feature_names: Vec<String>,
}

impl FittedPreprocessing {
    /// Fits every feature column and the target of `config` on `rows` of `table` (already
    /// checked by the caller: rows valid, configured columns present).
    pub(crate) fn fit(config: &TabularConfig, table: &Table, rows: &[usize]) -> Result<Self> {
        let target = FittedTarget::fit(table, rows, config.target(), config.positive_label())?;
        let mut columns = Vec::new();
        for (j, name) in table.headers().iter().enumerate() {
            if config.is_feature(name) {
                columns.push(FittedColumn::fit(table, j, rows, config.kind_override(name))?);
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
        let feature_names = columns.iter().flat_map(FittedColumn::feature_names).collect();
        Ok(FittedPreprocessing {
            target,
            id_columns: config.id_columns().to_vec(),
            columns,
            feature_names,
        })
    }

    /// Checks what a saved model holds: feature names that match the columns, finite
    /// statistics, a positive standard deviation, a mode among the categories.
    #[cfg(feature = "serde")]
    pub(crate) fn check_loaded(&self) -> std::result::Result<(), String> {
        let names: Vec<String> = self.columns.iter().flat_map(FittedColumn::feature_names).collect();
        if names != self.feature_names {
            return Err("the feature names do not match the columns' encodings".to_owned());
        }
        for column in &self.columns {
            match &column.encoding {
                super::ColumnEncoding::Numeric { median, mean, std } => {
                    if !(median.is_finite() && mean.is_finite() && std.is_finite() && *std > 0.0) {
                        return Err(format!(
                            "column {}: median {median}, mean {mean}, std {std} must be finite with std > 0",
                            column.name
                        ));
                    }
                }
                super::ColumnEncoding::Categorical { categories, mode } => {
                    if !categories.contains(mode) {
                        return Err(format!("column {}: the mode {mode:?} is not a category", column.name));
                    }
                }
            }
        }
        Ok(())
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
    /// let fitted = TabularConfig::new("y", "Y").id_column("id").fit(&t).unwrap();
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

    /// The names of the rows of X: a numeric column's name, `name=category` for one-hot
    /// features, e.g. `"ApplicantIncome"`, `"Property_Area=Urban"`.
    ///
    /// ```
    /// use ndnet::tabular::{Table, TabularConfig};
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
    /// use ndnet::tabular::{Table, TabularConfig};
    /// let t = Table::from_reader("a,c,y\n1,u,1\n2,r,0\n".as_bytes(), "t.csv").unwrap();
    /// assert_eq!(TabularConfig::new("y", "1").fit(&t).unwrap().n_features(), 3);
    /// ```
    pub fn n_features(&self) -> usize {
        self.feature_names.len()
    }

    /// The fitted feature columns, in file order, with their statistics.
    ///
    /// ```
    /// use ndnet::tabular::{Table, TabularConfig};
    /// let t = Table::from_reader("a,y\n1,1\n2,0\n".as_bytes(), "t.csv").unwrap();
    /// assert_eq!(TabularConfig::new("y", "1").fit(&t).unwrap().columns()[0].name, "a");
    /// ```
    pub fn columns(&self) -> &[FittedColumn] {
        &self.columns
    }

    /// The target column's name.
    ///
    /// ```
    /// use ndnet::tabular::{Table, TabularConfig};
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
    /// use ndnet::tabular::{Table, TabularConfig};
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
    use crate::tabular::ColumnKind;

    const TRAIN: &str = "id,num,cat,y\n\
                         1,1,b,Y\n\
                         2,,a,N\n\
                         3,3,,Y\n\
                         4,5,b,N\n";

    fn table(text: &str) -> Table {
        Table::from_reader(text.as_bytes(), "t.csv").expect("test CSV is well formed")
    }

    #[test]
    fn overrides_dropped_columns_and_no_features() {
        let t = table(TRAIN);
        let fitted = TabularConfig::new("y", "Y")
            .drop_column("cat")
            .column_kind("id", ColumnKind::Categorical)
            .fit(&t)
            .unwrap();
        assert_eq!(fitted.feature_names(), ["id=1", "id=2", "id=3", "id=4", "num"]);
        assert!(fitted.ids(&t).is_err()); // no ID column configured
        let err = TabularConfig::new("y", "Y")
            .drop_column("num")
            .drop_column("cat")
            .id_column("id")
            .fit(&t);
        assert!(err.unwrap_err().to_string().contains("no feature column left"));
    }
}

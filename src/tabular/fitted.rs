//! [`FittedPreprocessing`]: the fitted imputation, encoding and scaling, applied to any table,
//! and its printable report.

use std::fmt;

use super::target::{TargetColumn, quoted_list};
use super::{ColumnEncoding, FittedColumn, FittedTarget, Table, TabularConfig};
use crate::{Error, Result};

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

    /// Checks the invariants that fitting guarantees and transforming relies on: at least one
    /// column; column names distinct and not the target's; feature names that match the
    /// columns' encodings; numeric statistics finite with std > 0; categories non-empty,
    /// strictly sorted (so distinct) with the mode among them; the target's own invariants
    /// ([`FittedTarget::check`]: two distinct labels, ≥ 2 classes sorted and distinct, a finite
    /// scaling with std > 0).
    ///
    /// # Errors
    /// The first broken invariant, as text naming the column.
    #[cfg(any(feature = "serde", test))]
    fn check(&self) -> std::result::Result<(), String> {
        if self.columns.is_empty() {
            return Err("no feature column".to_owned());
        }
        let mut names: Vec<&str> = self.columns.iter().map(|c| c.name.as_str()).collect();
        names.push(&self.target.name);
        names.sort_unstable();
        if let Some(pair) = names.windows(2).find(|pair| pair[0] == pair[1]) {
            return Err(format!("column {:?} is listed twice (or is also the target)", pair[0]));
        }
        self.target
            .fitted
            .check()
            .map_err(|message| format!("target {}: {message}", self.target.name))?;
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
                    if let Some(pair) = categories.windows(2).find(|pair| pair[0] >= pair[1]) {
                        return Err(format!(
                            "column {}: categories must be sorted and distinct, but {:?} comes before {:?}",
                            column.name, pair[0], pair[1]
                        ));
                    }
                    if categories.binary_search(mode).is_err() {
                        return Err(format!("column {}: the mode {mode:?} is not a category", column.name));
                    }
                }
            }
        }
        let expected: Vec<String> = self.columns.iter().flat_map(FittedColumn::feature_names).collect();
        if expected != self.feature_names {
            return Err("the feature names do not match the columns' encodings".to_owned());
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

    /// The ID columns, in the order configured (the first is the one
    /// [`ids`](FittedPreprocessing::ids) reads and predictions are written with).
    ///
    /// ```
    /// use ndnet::tabular::{Table, TabularConfig};
    /// let t = Table::from_reader("id,x,y\nP1,1,Y\nP2,3,N\n".as_bytes(), "t.csv")?;
    /// assert_eq!(TabularConfig::new("y", "Y").id_column("id").fit(&t)?.id_columns(), ["id"]);
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

    /// What fitting found in the target: its kind with the labels, classes or scaling.
    ///
    /// ```
    /// use ndnet::tabular::{FittedTarget, Table, TabularConfig};
    /// let t = Table::from_reader("a,y\n1,Y\n2,N\n".as_bytes(), "t.csv")?;
    /// let fitted = TabularConfig::new("y", "Y").fit(&t)?;
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
    /// assert_eq!(TabularConfig::new("y", "x").fit_rows(&t, &[0, 1])?.n_outputs(), 1);
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
    /// let fitted = TabularConfig::new("y", "Y").fit(&t).unwrap();
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

impl fmt::Display for FittedPreprocessing {
    /// A report, one line per column: the target's kind with its classes or scaling, the ID
    /// columns, then each feature column with its kind, the value that fills its empty cells,
    /// and its categories or mean and standard deviation.
    ///
    /// ```
    /// use ndnet::tabular::{Table, TabularConfig};
    /// let t = Table::from_reader("id,age,city,y\nA,30,Paris,b\nB,,Lyon,a\nC,50,Paris,c\n".as_bytes(), "t.csv")?;
    /// let fitted = TabularConfig::multi_class("y").id_column("id").fit(&t)?;
    /// assert_eq!(fitted.to_string(), "\
    /// target y: multi-class, 3 classes in output order: \"a\", \"b\", \"c\"
    /// ID columns: \"id\"
    /// 2 feature columns → 3 features:
    ///   age   numeric      empty → 40         standardized: (x − 40) / 8.16497
    ///   city  categorical  empty → \"Paris\"    one-hot, 2 categories: \"Lyon\", \"Paris\"
    /// ");
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "target {}: {}", self.target.name, self.target.fitted)?;
        if !self.id_columns.is_empty() {
            writeln!(f, "ID columns: {}", quoted_list(&self.id_columns, usize::MAX))?;
        }
        writeln!(
            f,
            "{} feature columns → {} features:",
            self.columns.len(),
            self.n_features()
        )?;
        let width = self.columns.iter().map(|c| c.name.chars().count()).max().unwrap_or(0);
        for column in &self.columns {
            let (kind, fill, encoding) = match &column.encoding {
                ColumnEncoding::Numeric { median, mean, std } => (
                    "numeric",
                    short(*median),
                    format!("standardized: (x − {}) / {}", short(*mean), short(*std)),
                ),
                ColumnEncoding::Categorical { categories, mode } => (
                    "categorical",
                    format!("{mode:?}"),
                    format!(
                        "one-hot, {} categories: {}",
                        categories.len(),
                        quoted_list(categories, 20)
                    ),
                ),
            };
            let fill = format!("empty → {fill}");
            writeln!(f, "  {:<width$}  {kind:<11}  {fill:<17}  {encoding}", column.name)?;
        }
        Ok(())
    }
}

/// `v` with 6 significant digits: plain for magnitudes in [1e-3, 1e6), scientific otherwise.
fn short(v: f64) -> String {
    if v == 0.0 {
        "0".to_owned()
    } else if (1e-3..1e6).contains(&v.abs()) {
        let digits = 5_i32.saturating_sub(v.abs().log10().floor() as i32).max(0) as usize;
        let text = format!("{v:.digits$}");
        if text.contains('.') {
            text.trim_end_matches('0').trim_end_matches('.').to_owned()
        } else {
            text
        }
    } else {
        format!("{v:.5e}")
    }
}

/// The serialized form, checked by [`FittedPreprocessing::check`] before it becomes one.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct Unchecked {
    target: super::target::SavedTarget,
    id_columns: Vec<String>,
    columns: Vec<FittedColumn>,
    feature_names: Vec<String>,
}

#[cfg(feature = "serde")]
impl TryFrom<Unchecked> for FittedPreprocessing {
    type Error = String;

    fn try_from(raw: Unchecked) -> std::result::Result<Self, String> {
        let fitted = FittedPreprocessing {
            target: TargetColumn::try_from(raw.target)?,
            id_columns: raw.id_columns,
            columns: raw.columns,
            feature_names: raw.feature_names,
        };
        fitted.check()?;
        Ok(fitted)
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

    #[test]
    fn what_fitting_makes_passes_the_check() {
        for config in [
            TabularConfig::new("y", "Y"),
            TabularConfig::multi_class("y"),
            TabularConfig::regression("id").drop_column("y"),
        ] {
            let fitted = config.fit(&table(TRAIN)).unwrap();
            assert_eq!(fitted.check(), Ok(()));
        }
    }

    /// 25 rows whose `code` is distinct in 23 (92 %) and `town` in 3: `code` is refused as
    /// an ID-like text column unless declared, dropped or forced categorical.
    #[test]
    fn a_nearly_unique_text_column_is_an_error_naming_it() {
        let rows: Vec<String> = (0..25)
            .map(|i| format!("P{},{},{}", i.min(22), ["a", "b", "c"][i % 3], i % 2))
            .collect();
        let t = table(&format!("code,town,y\n{}\n", rows.join("\n")));
        let err = TabularConfig::new("y", "1").fit(&t).unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.csv, line 1, column code: text column with 23 distinct values in 25 non-empty cells: it looks \
             like an ID, and one-hot encoding it would make one feature per row; declare it with \
             .id_column(\"code\"), leave it out with .drop_column(\"code\"), or keep it with \
             .column_kind(\"code\", ColumnKind::Categorical)"
        );
        assert!(TabularConfig::new("y", "1").id_column("code").fit(&t).is_ok());
        assert!(TabularConfig::new("y", "1").drop_column("code").fit(&t).is_ok());
        let forced = TabularConfig::new("y", "1")
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
        assert_eq!(TabularConfig::new("y", "1").fit(&t).unwrap().n_features(), 20);
    }

    #[test]
    fn the_report_shows_binary_labels_and_regression_scaling() {
        let t = table(TRAIN);
        let binary = TabularConfig::new("y", "Y")
            .id_column("id")
            .fit(&t)
            .unwrap()
            .to_string();
        assert!(
            binary.starts_with("target y: binary: \"Y\" is 1, \"N\" is 0\n"),
            "{binary}"
        );
        // num: 1, 3, 5 and one missing (median 3): mean 3, std √2 = 1.41421.
        assert!(
            binary.contains("num  numeric      empty → 3          standardized: (x − 3) / 1.41421"),
            "{binary}"
        );
        assert!(binary.contains("cat  categorical  empty → \"b\""), "{binary}");
        let regression = TabularConfig::regression("id")
            .drop_column("y")
            .fit(&t)
            .unwrap()
            .to_string();
        // id: 1, 2, 3, 4: mean 2.5, population std √1.25 = 1.118034.
        assert!(
            regression.starts_with("target id: regression, standardized with mean 2.5 and std 1.118033988749895"),
            "{regression}"
        );
    }

    #[test]
    fn short_numbers_keep_six_significant_digits() {
        assert_eq!(short(0.0), "0");
        assert_eq!(short(13.000617977), "13.0006");
        assert_eq!(short(-0.01234567), "-0.0123457");
        assert_eq!(short(152.0), "152");
        assert_eq!(short(1234567.0), "1.23457e6");
        assert_eq!(short(0.00001234), "1.23400e-5");
    }

    #[cfg(feature = "serde")]
    #[test]
    fn deserializing_refuses_every_broken_invariant() {
        let fitted = TabularConfig::new("y", "Y").id_column("id").fit(&table(TRAIN)).unwrap();
        let json = serde_json::to_value(&fitted).unwrap();
        let back: FittedPreprocessing = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(back, fitted);
        type Edit = fn(&mut serde_json::Value);
        let cases: [(&str, Edit); 8] = [
            ("sorted and distinct", |j| {
                j["columns"][1]["encoding"]["Categorical"]["categories"] = serde_json::json!(["b", "a"]);
                j["feature_names"] = serde_json::json!(["num", "cat=b", "cat=a"]);
            }),
            ("sorted and distinct", |j| {
                j["columns"][1]["encoding"]["Categorical"]["categories"] = serde_json::json!(["b", "b"]);
                j["feature_names"] = serde_json::json!(["num", "cat=b", "cat=b"]);
            }),
            ("is not a category", |j| {
                j["columns"][1]["encoding"]["Categorical"]["mode"] = "z".into()
            }),
            ("is not a category", |j| {
                j["columns"][1]["encoding"]["Categorical"]["categories"] = serde_json::json!([]);
                j["feature_names"] = serde_json::json!(["num"]);
            }),
            ("std > 0", |j| {
                j["columns"][0]["encoding"]["Numeric"]["std"] = 0.0.into()
            }),
            ("feature names do not match", |j| {
                j["feature_names"] = serde_json::json!(["num"])
            }),
            ("listed twice", |j| j["columns"][1]["name"] = "num".into()),
            ("no feature column", |j| {
                j["columns"] = serde_json::json!([]);
                j["feature_names"] = serde_json::json!([]);
            }),
        ];
        for (expected, edit) in cases {
            let mut json = json.clone();
            edit(&mut json);
            let err = serde_json::from_value::<FittedPreprocessing>(json).unwrap_err();
            assert!(err.to_string().contains(expected), "{expected}: {err}");
        }
    }

    #[cfg(feature = "serde")]
    #[test]
    fn deserializing_refuses_broken_targets_and_reads_the_old_binary_form() {
        let t = table(TRAIN);
        let classes = TabularConfig::multi_class("y").id_column("id").fit(&t).unwrap();
        let json = serde_json::to_value(&classes).unwrap();
        assert_eq!(
            json["target"],
            serde_json::json!({"name": "y", "kind": {"MultiClass": {"classes": ["N", "Y"]}}})
        );
        assert_eq!(
            serde_json::from_value::<FittedPreprocessing>(json.clone()).unwrap(),
            classes
        );
        let regression = TabularConfig::regression("id").drop_column("y").fit(&t).unwrap();
        let scaled = serde_json::to_value(&regression).unwrap();
        type Edit = fn(&mut serde_json::Value);
        let cases: [(&serde_json::Value, &str, Edit); 7] = [
            (&json, "sorted and distinct", |j| {
                j["target"]["kind"]["MultiClass"]["classes"] = serde_json::json!(["Y", "N"])
            }),
            (&json, "sorted and distinct", |j| {
                j["target"]["kind"]["MultiClass"]["classes"] = serde_json::json!(["N", "N"])
            }),
            (&json, "at least 2", |j| {
                j["target"]["kind"]["MultiClass"]["classes"] = serde_json::json!(["N"])
            }),
            (&scaled, "std > 0", |j| {
                j["target"]["kind"]["Regression"]["scaling"]["std"] = 0.0.into()
            }),
            (&scaled, "std > 0", |j| {
                j["target"]["kind"]["Regression"]["scaling"]["std"] = (-2.0).into()
            }),
            (&scaled, "either \"kind\" or", |j| j["target"]["positive"] = "Y".into()),
            (&scaled, "either \"kind\" or", |j| {
                j["target"] = serde_json::json!({"name": "id"})
            }),
        ];
        for (original, expected, edit) in cases {
            let mut json = original.clone();
            edit(&mut json);
            let err = serde_json::from_value::<FittedPreprocessing>(json).unwrap_err();
            assert!(err.to_string().contains(expected), "{expected}: {err}");
        }
        // A preprocessing saved before target kinds: a binary target as name, positive, negative.
        let binary = TabularConfig::new("y", "Y").id_column("id").fit(&t).unwrap();
        let mut old = serde_json::to_value(&binary).unwrap();
        old["target"] = serde_json::json!({"name": "y", "positive": "Y", "negative": "N"});
        assert_eq!(serde_json::from_value::<FittedPreprocessing>(old).unwrap(), binary);
    }
}

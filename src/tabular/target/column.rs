//! The target column of a table: fitting its kind on the training rows (two labels, k
//! classes, or a number and its scaling), encoding its cells as Y, and reading labels and
//! values back, with errors naming the file, line and column of a bad cell.

use std::collections::BTreeSet;

use ndarray::{Array2, ArrayViewMut1};

use super::{FittedTarget, TargetScaling};
use crate::tabular::column::{looks_unique, parse_number, standardize};
use crate::tabular::spread::mean_and_std;
use crate::tabular::{Table, TargetKind};
use crate::{Error, Float, Result};

/// Why an empty target cell is refused.
pub(crate) const EMPTY: &str = "empty target cell; every labelled row needs a label";

/// The target column's name and what fitting found in it; saved as `{"name", "kind"}`.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub(crate) struct TargetColumn {
    pub(crate) name: String,
    #[cfg_attr(feature = "serde", serde(rename = "kind"))]
    pub(crate) fitted: FittedTarget,
}

/// A saved target: `{"name", "kind"}`, or `{"name", "positive", "negative"}` as saved before
/// target kinds existed (binary).
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
pub(crate) struct SavedTarget {
    name: String,
    kind: Option<FittedTarget>,
    positive: Option<String>,
    #[serde(default)]
    negative: Option<String>,
}

#[cfg(feature = "serde")]
impl TryFrom<SavedTarget> for TargetColumn {
    type Error = String;

    fn try_from(saved: SavedTarget) -> std::result::Result<Self, String> {
        let fitted = match (saved.kind, saved.positive) {
            (Some(kind), None) if saved.negative.is_none() => kind,
            (None, Some(positive)) => FittedTarget::Binary {
                positive,
                negative: saved.negative,
            },
            _ => {
                return Err(format!(
                    "target {}: give either \"kind\" or the binary \"positive\" label",
                    saved.name
                ));
            }
        };
        Ok(TargetColumn {
            name: saved.name,
            fitted,
        })
    }
}

impl TargetColumn {
    /// Fits column `name` of `table` on `rows` as a target of kind `kind`.
    pub(crate) fn fit(table: &Table, rows: &[usize], name: &str, kind: &TargetKind) -> Result<Self> {
        let j = table.require_column(name, "target column")?;
        let fitted = match kind {
            TargetKind::Binary { positive_label } => fit_binary(table, rows, j, positive_label)?,
            TargetKind::MultiClass => fit_classes(table, rows, j)?,
            TargetKind::Regression { standardize } => fit_regression(table, rows, j, *standardize)?,
        };
        Ok(TargetColumn {
            name: name.to_owned(),
            fitted,
        })
    }

    /// Y `(n_y, m)` for `rows` of `table`, or `None` if `table` has no target column or it is
    /// empty in every one of `rows` (an unlabelled file with a blank target column).
    pub(crate) fn encode<F: Float>(&self, table: &Table, rows: &[usize]) -> Result<Option<Array2<F>>> {
        let Some(j) = table.column_index(&self.name) else {
            return Ok(None);
        };
        if rows.iter().all(|&i| table.rows()[i][j].is_empty()) {
            return Ok(None);
        }
        let n_y = self.fitted.n_outputs();
        let what = || "Y (outputs, rows)".to_owned();
        crate::base::limits::check_alloc(what, &[n_y, rows.len()], std::mem::size_of::<F>())?;
        let mut y = Array2::zeros((n_y, rows.len()));
        for (k, &i) in rows.iter().enumerate() {
            let cell = table.rows()[i][j].as_str();
            self.encode_cell(cell, y.column_mut(k))
                .map_err(|message| table.cell_error(i, j, message))?;
        }
        Ok(Some(y))
    }

    /// Writes the `n_y` values of Y for target cell `cell` into `out`: the one encoding of a
    /// target, for a [`Table`] and for a CSV file read in chunks alike.
    ///
    /// # Errors
    /// Why `cell` is not a target value this fit knows.
    pub(crate) fn encode_cell<F: Float>(
        &self,
        cell: &str,
        mut out: ArrayViewMut1<F>,
    ) -> std::result::Result<(), String> {
        let fail = || self.label_message(cell);
        match &self.fitted {
            FittedTarget::Binary { positive, negative } => {
                if cell == positive {
                    out[0] = F::one();
                } else if negative.as_deref() == Some(cell) {
                    out[0] = F::zero();
                } else {
                    return Err(fail());
                }
            }
            FittedTarget::MultiClass { classes } => {
                let c = classes.binary_search_by(|c| c.as_str().cmp(cell)).map_err(|_| fail())?;
                out.fill(F::zero());
                out[c] = F::one();
            }
            FittedTarget::Regression { scaling } => {
                let value = parse_number(cell).ok_or_else(fail)?;
                if scaling.is_none() && !crate::base::check::normal_in::<F>(value) {
                    // Trained on raw values: 1e-300 would be a 0 (or a subnormal) in f32.
                    return Err(format!(
                        "target {cell:?} is {} in the model's {}-bit floats, which hold magnitudes from \
                         {:e} to {:e}: standardize the target (TabularConfig::regression), rescale it, or \
                         use f64",
                        F::from_f64(value),
                        8 * std::mem::size_of::<F>(),
                        F::min_positive_value().as_f64(),
                        F::max_value().as_f64()
                    ));
                }
                let scaled = scaling.map_or(value, |s| standardize(value, s.mean, s.std));
                let converted = F::from_f64(scaled);
                if !converted.is_finite() {
                    return Err(format!(
                        "target {cell:?} is {scaled:e} once scaled, beyond the range of the model's {}-bit floats",
                        8 * std::mem::size_of::<F>()
                    ));
                }
                out[0] = converted;
            }
        }
        Ok(())
    }

    /// The target text of each of `rows`, for scoring predicted labels: an empty cell or a
    /// missing target column is an error.
    pub(crate) fn labels<'t>(&self, table: &'t Table, rows: &[usize]) -> Result<Vec<&'t str>> {
        let j = table.require_column(&self.name, "target column")?;
        rows.iter()
            .map(|&i| {
                let cell = table.rows()[i][j].as_str();
                if cell.is_empty() {
                    Err(table.cell_error(i, j, EMPTY.to_owned()))
                } else {
                    Ok(cell)
                }
            })
            .collect()
    }

    /// The target number of each of `rows`, in the target's own units (not standardized).
    pub(crate) fn values(&self, table: &Table, rows: &[usize]) -> Result<Vec<f64>> {
        let j = table.require_column(&self.name, "target column")?;
        rows.iter()
            .map(|&i| {
                let cell = table.rows()[i][j].as_str();
                parse_number(cell).ok_or_else(|| self.label_error(table, i, j, cell))
            })
            .collect()
    }

    /// Why `cell` (row `i`, column `j`) is not a valid target value.
    fn label_error(&self, table: &Table, i: usize, j: usize, cell: &str) -> Error {
        table.cell_error(i, j, self.label_message(cell))
    }

    /// Why `cell` is not a valid target value.
    pub(crate) fn label_message(&self, cell: &str) -> String {
        if cell.is_empty() {
            EMPTY.to_owned()
        } else {
            match &self.fitted {
                FittedTarget::Binary {
                    positive,
                    negative: Some(negative),
                } => format!(
                    "target value {cell:?} is neither the positive label {positive:?} nor the negative label \
                     {negative:?}; a binary target holds exactly two values (for more, use \
                     TabularConfig::multi_class)"
                ),
                FittedTarget::Binary {
                    positive,
                    negative: None,
                } => format!(
                    "target value {cell:?} is not the positive label {positive:?}, and only the positive \
                     label was seen when fitting"
                ),
                FittedTarget::MultiClass { classes } => format!(
                    "target value {cell:?} is not one of the {} classes seen when fitting ({})",
                    classes.len(),
                    quoted_list(classes, 10)
                ),
                FittedTarget::Regression { .. } => not_a_target_number(cell),
            }
        }
    }
}

/// The positive label and the one other value in `rows` of column `j`.
fn fit_binary(table: &Table, rows: &[usize], j: usize, positive: &str) -> Result<FittedTarget> {
    // Distinct labels with the first row holding each, in row order.
    let mut labels: Vec<(&str, usize)> = Vec::new();
    for &i in rows {
        let cell = table.rows()[i][j].as_str();
        if cell.is_empty() {
            return Err(table.cell_error(i, j, EMPTY.to_owned()));
        }
        if !labels.iter().any(|&(l, _)| l == cell) {
            labels.push((cell, i));
        }
    }
    if !labels.iter().any(|&(l, _)| l == positive) {
        let seen: Vec<&str> = labels.iter().map(|&(l, _)| l).collect();
        let message = no_positive(positive, &seen, false);
        return Err(Error::format(
            table.path(),
            None,
            Some(table.headers()[j].clone()),
            message,
        ));
    }
    let mut negatives = labels.into_iter().filter(|&(l, _)| l != positive);
    let target = TargetColumn {
        name: table.headers()[j].clone(),
        fitted: FittedTarget::Binary {
            positive: positive.to_owned(),
            negative: negatives.next().map(|(l, _)| l.to_owned()),
        },
    };
    match negatives.next() {
        Some((third, i)) => Err(target.label_error(table, i, j, third)),
        None => Ok(target.fitted),
    }
}

/// Every distinct label of `rows` of column `j`, sorted: at least 2, and not one per row.
fn fit_classes(table: &Table, rows: &[usize], j: usize) -> Result<FittedTarget> {
    let mut classes = BTreeSet::new();
    for &i in rows {
        let cell = table.rows()[i][j].as_str();
        if cell.is_empty() {
            return Err(table.cell_error(i, j, EMPTY.to_owned()));
        }
        classes.insert(cell);
    }
    let classes: Vec<String> = classes.into_iter().map(str::to_owned).collect();
    if classes.len() < 2 {
        return Err(table.column_error(j, one_class(rows.len(), &classes)));
    }
    if looks_unique(classes.len(), rows.len()) {
        let message = one_class_per_row(&classes.len().to_string(), rows.len());
        return Err(table.column_error(j, message));
    }
    Ok(FittedTarget::MultiClass { classes })
}

/// Why a binary target whose rows hold only the labels `seen` (and more, if `more`) is refused.
pub(crate) fn no_positive(positive: &str, seen: &[&str], more: bool) -> String {
    let mut seen: Vec<String> = seen.iter().map(|l| format!("{l:?}")).collect();
    if more {
        seen.push("…".to_owned());
    }
    format!(
        "the positive label {positive:?} never occurs in the rows fitted on (they hold {}); \
         check the spelling",
        seen.join(", ")
    )
}

/// Why a multi-class target whose `rows` rows all hold the one class of `classes` is refused.
pub(crate) fn one_class(rows: usize, classes: &[String]) -> String {
    format!(
        "a multi-class target needs at least 2 classes, but the {rows} rows fitted on all hold {}",
        quoted_list(classes, 1)
    )
}

/// Why a multi-class target with `distinct` classes (a number, or "more than n") in `rows`
/// rows is refused.
pub(crate) fn one_class_per_row(distinct: &str, rows: usize) -> String {
    format!(
        "{distinct} distinct labels in {rows} rows fitted on: nearly one class per row cannot be learnt; \
         for a number to predict use TabularConfig::regression"
    )
}

/// The numbers of `rows` of column `j`, and their mean and std if `standardize`.
fn fit_regression(table: &Table, rows: &[usize], j: usize, standardize: bool) -> Result<FittedTarget> {
    let mut values = Vec::with_capacity(rows.len());
    for &i in rows {
        let cell = table.rows()[i][j].as_str();
        if cell.is_empty() {
            return Err(table.cell_error(i, j, EMPTY.to_owned()));
        }
        values.push(parse_number(cell).ok_or_else(|| table.cell_error(i, j, not_a_target_number(cell)))?);
    }
    let scaling = standardize.then(|| {
        let (mean, std) = mean_and_std(&values, 0.0, 0);
        TargetScaling { mean, std }
    });
    Ok(FittedTarget::Regression { scaling })
}

/// Why `cell` is not a regression target.
pub(crate) fn not_a_target_number(cell: &str) -> String {
    let what = if cell.parse::<f64>().is_ok() {
        "is not a finite number (NaN or beyond ±1.8e308)"
    } else {
        "is not a number"
    };
    format!(
        "target value {cell:?} {what}; a regression target holds a finite number in every labelled row \
         (for labels use TabularConfig::binary or TabularConfig::multi_class)"
    )
}

/// `"a", "b", "c"`, at most `most` of them, then `… (n more)`.
pub(crate) fn quoted_list(items: &[String], most: usize) -> String {
    let mut shown: Vec<String> = items.iter().take(most).map(|s| format!("{s:?}")).collect();
    if items.len() > most {
        shown.push(format!("… ({} more)", items.len() - most));
    }
    shown.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Table {
        Table::from_reader(text.as_bytes(), "t.csv").expect("test CSV is well formed")
    }

    fn all(t: &Table) -> Vec<usize> {
        (0..t.n_rows()).collect()
    }

    fn binary(positive: &str) -> TargetKind {
        TargetKind::Binary {
            positive_label: positive.to_owned(),
        }
    }

    #[test]
    fn labels_become_ones_and_zeros() {
        let t = table("y\nN\nY\nY\nN\n");
        let target = TargetColumn::fit(&t, &all(&t), "y", &binary("Y")).unwrap();
        assert_eq!(target.fitted.classes(), ["N", "Y"]);
        let y = target.encode::<f32>(&t, &all(&t)).unwrap().unwrap();
        assert_eq!(y, ndarray::array![[0.0, 1.0, 1.0, 0.0]]);
    }

    #[test]
    fn third_label_and_empty_cell_are_errors_with_line() {
        let t = table("y\nY\nN\nMaybe\n");
        let err = TargetColumn::fit(&t, &all(&t), "y", &binary("Y")).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("t.csv, line 4, column y: target value \"Maybe\" is neither"),
            "{err}"
        );
        let t = table("x,y\n1,Y\n2,\n");
        let err = TargetColumn::fit(&t, &all(&t), "y", &binary("Y")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.csv, line 3, column y: empty target cell; every labelled row needs a label"
        );
    }

    #[test]
    fn a_blank_target_column_means_unlabelled() {
        let t = table("x,y\n1,Y\n2,N\n");
        let target = TargetColumn::fit(&t, &all(&t), "y", &binary("Y")).unwrap();
        let blank = table("x,y\n3,\n4,\n");
        assert_eq!(target.encode::<f64>(&blank, &all(&blank)).unwrap(), None);
        let partly = table("x,y\n3,\n4,Y\n");
        let err = target.encode::<f64>(&partly, &all(&partly)).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("t.csv, line 2, column y: empty target cell"),
            "{err}"
        );
    }

    #[test]
    fn positive_label_must_occur() {
        let t = table("y\nyes\nno\n");
        let err = TargetColumn::fit(&t, &all(&t), "y", &binary("Y")).unwrap_err();
        assert!(err.to_string().contains("positive label \"Y\" never occurs"), "{err}");
    }

    #[test]
    fn only_positive_when_fitting_rejects_other_labels_later() {
        let t = table("y\nY\nY\nN\n");
        let target = TargetColumn::fit(&t, &[0, 1], "y", &binary("Y")).unwrap();
        assert_eq!(target.fitted.classes(), ["Y"]);
        let err = target.encode::<f64>(&t, &[2]).unwrap_err();
        assert!(err.to_string().contains("only the positive label was seen"), "{err}");
    }

    #[test]
    fn classes_are_sorted_by_bytes_and_one_hot_by_hand() {
        // Byte order: "10" < "9" < "B" < "a".
        let t = table("y\na\n9\nB\n10\na\n");
        let target = TargetColumn::fit(&t, &all(&t), "y", &TargetKind::MultiClass).unwrap();
        assert_eq!(target.fitted.classes(), ["10", "9", "B", "a"]);
        let y = target.encode::<f64>(&t, &all(&t)).unwrap().unwrap();
        assert_eq!(
            y,
            ndarray::array![
                [0.0, 0.0, 0.0, 1.0, 0.0],
                [0.0, 1.0, 0.0, 0.0, 0.0],
                [0.0, 0.0, 1.0, 0.0, 0.0],
                [1.0, 0.0, 0.0, 0.0, 1.0]
            ]
        );
        // A class never seen when fitting names its line and the classes.
        let new = table("y\na\nzebra\n");
        let err = target.encode::<f64>(&new, &all(&new)).unwrap_err();
        assert!(
            err.to_string().starts_with(
                "t.csv, line 3, column y: target value \"zebra\" is not one of the 4 classes seen when fitting"
            ),
            "{err}"
        );
    }

    #[test]
    fn one_class_and_one_class_per_row_are_errors() {
        let t = table("y\na\na\na\n");
        let err = TargetColumn::fit(&t, &all(&t), "y", &TargetKind::MultiClass).unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.csv, line 1, column y: a multi-class target needs at least 2 classes, but the 3 rows fitted on all hold \"a\""
        );
        // 21 rows, 19 distinct labels (≥ 90 %): refused; 20 rows of 20 labels: below the rule.
        let labels: Vec<String> = (0..21).map(|i| (i.min(18)).to_string()).collect();
        let t = table(&format!("y\n{}\n", labels.join("\n")));
        let err = TargetColumn::fit(&t, &all(&t), "y", &TargetKind::MultiClass).unwrap_err();
        assert!(err.to_string().contains("19 distinct labels in 21 rows"), "{err}");
        let t = table(&format!(
            "y\n{}\n",
            (0..20).map(|i| i.to_string()).collect::<Vec<_>>().join("\n")
        ));
        assert!(TargetColumn::fit(&t, &all(&t), "y", &TargetKind::MultiClass).is_ok());
    }

    #[test]
    fn regression_standardizes_by_hand_and_names_bad_cells() {
        // 1, 2, 6: mean 3, population variance (4 + 1 + 9) / 3 = 14 / 3.
        let t = table("y\n1\n2\n6\n");
        let kind = TargetKind::Regression { standardize: true };
        let target = TargetColumn::fit(&t, &all(&t), "y", &kind).unwrap();
        let FittedTarget::Regression { scaling: Some(s) } = target.fitted else {
            panic!("{:?}", target.fitted)
        };
        let std = (14.0f64 / 3.0).sqrt();
        assert_eq!(s.mean, 3.0);
        assert!((s.std - std).abs() < 1e-12);
        let y = target.encode::<f64>(&t, &all(&t)).unwrap().unwrap();
        for (got, want) in y.iter().zip([-2.0 / std, -1.0 / std, 3.0 / std]) {
            assert!((got - want).abs() < 1e-12);
        }
        let raw = TargetColumn::fit(&t, &all(&t), "y", &TargetKind::Regression { standardize: false }).unwrap();
        assert_eq!(
            raw.encode::<f32>(&t, &all(&t)).unwrap().unwrap(),
            ndarray::array![[1.0, 2.0, 6.0]]
        );
        // Text, NaN and inf name their line.
        for (cell, what) in [
            ("high", "is not a number"),
            ("NaN", "is not a finite number"),
            ("inf", "is not a finite number"),
        ] {
            let t = table(&format!("y\n1\n{cell}\n"));
            let err = TargetColumn::fit(&t, &all(&t), "y", &kind).unwrap_err();
            assert!(
                err.to_string()
                    .starts_with(&format!("t.csv, line 3, column y: target value \"{cell}\" {what}")),
                "{err}"
            );
        }
        // A constant target gets std 1.
        let t = table("y\n5\n5\n");
        let target = TargetColumn::fit(&t, &all(&t), "y", &kind).unwrap();
        assert_eq!(
            target.fitted,
            FittedTarget::Regression {
                scaling: Some(TargetScaling { mean: 5.0, std: 1.0 })
            }
        );
    }
}

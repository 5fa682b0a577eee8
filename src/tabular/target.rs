//! The fitted binary target: which text means Y = 1 and which means Y = 0.

use ndarray::Array2;

use super::Table;
use crate::{Error, Float, Result};

const EMPTY: &str = "empty target cell; every labelled row needs a label";

/// The target column's name and its two labels, as found when fitting.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub(crate) struct FittedTarget {
    pub(crate) name: String,
    pub(crate) positive: String,
    /// `None` only if every row fitted on held the positive label.
    pub(crate) negative: Option<String>,
}

impl FittedTarget {
    /// Finds the negative label in `rows` of column `name`: the one value other than `positive`.
    pub(crate) fn fit(table: &Table, rows: &[usize], name: &str, positive: &str) -> Result<Self> {
        let j = table.require_column(name, "target column")?;
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
            let seen: Vec<String> = labels.iter().map(|(l, _)| format!("{l:?}")).collect();
            let message = format!(
                "the positive label {positive:?} never occurs in the rows fitted on (they hold {}); \
                 check the spelling",
                seen.join(", ")
            );
            return Err(Error::format(table.path(), None, Some(name.to_owned()), message));
        }
        let mut negatives = labels.into_iter().filter(|&(l, _)| l != positive);
        let target = FittedTarget {
            name: name.to_owned(),
            positive: positive.to_owned(),
            negative: negatives.next().map(|(l, _)| l.to_owned()),
        };
        match negatives.next() {
            Some((third, i)) => Err(target.label_error(table, i, j, third)),
            None => Ok(target),
        }
    }

    /// Y (1, m) for `rows` of `table`, or `None` if `table` has no target column or it is
    /// empty in every one of `rows` (an unlabelled file with a blank target column).
    pub(crate) fn encode<F: Float>(&self, table: &Table, rows: &[usize]) -> Result<Option<Array2<F>>> {
        let Some(j) = table.column_index(&self.name) else {
            return Ok(None);
        };
        if rows.iter().all(|&i| table.rows()[i][j].is_empty()) {
            return Ok(None);
        }
        let mut y = Array2::zeros((1, rows.len()));
        for (k, &i) in rows.iter().enumerate() {
            let cell = table.rows()[i][j].as_str();
            if cell == self.positive {
                y[[0, k]] = F::one();
            } else if self.negative.as_deref() != Some(cell) {
                return Err(self.label_error(table, i, j, cell));
            }
        }
        Ok(Some(y))
    }

    /// Why `cell` (row `i`, column `j`) is neither label.
    fn label_error(&self, table: &Table, i: usize, j: usize, cell: &str) -> Error {
        let message = if cell.is_empty() {
            EMPTY.to_owned()
        } else {
            match &self.negative {
                Some(negative) => format!(
                    "target value {cell:?} is neither the positive label {:?} nor the negative label \
                     {negative:?}; a binary target holds exactly two values",
                    self.positive
                ),
                None => format!(
                    "target value {cell:?} is not the positive label {:?}, and only the positive \
                     label was seen when fitting",
                    self.positive
                ),
            }
        };
        table.cell_error(i, j, message)
    }
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

    #[test]
    fn labels_become_ones_and_zeros() {
        let t = table("y\nN\nY\nY\nN\n");
        let target = FittedTarget::fit(&t, &all(&t), "y", "Y").unwrap();
        assert_eq!(target.negative.as_deref(), Some("N"));
        let y = target.encode::<f32>(&t, &all(&t)).unwrap().unwrap();
        assert_eq!(y, ndarray::array![[0.0, 1.0, 1.0, 0.0]]);
    }

    #[test]
    fn third_label_and_empty_cell_are_errors_with_line() {
        let t = table("y\nY\nN\nMaybe\n");
        let err = FittedTarget::fit(&t, &all(&t), "y", "Y").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("t.csv, line 4, column y: target value \"Maybe\" is neither"),
            "{err}"
        );
        let t = table("x,y\n1,Y\n2,\n");
        let err = FittedTarget::fit(&t, &all(&t), "y", "Y").unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.csv, line 3, column y: empty target cell; every labelled row needs a label"
        );
    }

    #[test]
    fn a_blank_target_column_means_unlabelled() {
        let t = table("x,y\n1,Y\n2,N\n");
        let target = FittedTarget::fit(&t, &all(&t), "y", "Y").unwrap();
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
        let err = FittedTarget::fit(&t, &all(&t), "y", "Y").unwrap_err();
        assert!(err.to_string().contains("positive label \"Y\" never occurs"), "{err}");
    }

    #[test]
    fn only_positive_when_fitting_rejects_other_labels_later() {
        let t = table("y\nY\nY\nN\n");
        let target = FittedTarget::fit(&t, &[0, 1], "y", "Y").unwrap();
        assert_eq!(target.negative, None);
        let err = target.encode::<f64>(&t, &[2]).unwrap_err();
        assert!(err.to_string().contains("only the positive label was seen"), "{err}");
    }
}

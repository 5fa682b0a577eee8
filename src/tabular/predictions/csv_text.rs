//! [`Predictions::to_csv`]: the predictions as CSV text that ndnet's reader (and Python's `csv`
//! module) reads back with the same header and cells, or an error naming what would not.

use std::collections::HashMap;

use super::{Predictions, not_a_cell};
use crate::{Error, Float, Result};

impl<F: Float> Predictions<F> {
    /// The predictions as CSV text with a header: the ID column if `ids` gives its name and
    /// values, then a column named `target` holding the label or the number, then for
    /// classification one column `p_<class>` per class with its probability. Numbers are
    /// written in the model's float type, shortest form that reads back exactly.
    ///
    /// What is written reads back, with [`Table`](super::super::Table) or Python's `csv`
    /// module, as the same header and cells, one row per prediction: every name and cell is
    /// checked to be one a reader keeps as it is (no surrounding whitespace, no line break,
    /// names not empty), and no column name may appear twice — an ID column or a target named
    /// like a probability column (`p_Y` beside class `Y`) is refused rather than renamed, so
    /// a column never holds something other than its name says.
    ///
    /// # Errors
    /// As [`Predictions::validate`]; [`Error::InvalidArgument`] naming `target` or `ids` for a
    /// name or ID that would not read back (or `ids` without one value per prediction), and
    /// naming `target` or `classes` with both columns for a name the header would repeat.
    ///
    /// ```
    /// use ndarray::array;
    /// use ndnet::tabular::Predictions;
    ///
    /// let p = Predictions::Values { values: array![[1.5f32, -2.0]] };
    /// assert_eq!(p.to_csv("price", None)?, "price\n1.5\n-2\n");
    ///
    /// let p = Predictions::Classes {
    ///     classes: vec!["N".into(), "Y".into()],
    ///     labels: vec!["Y".into()],
    ///     probabilities: array![[0.25], [0.75]],
    /// };
    /// let err = p.to_csv("p_N", None).unwrap_err();
    /// assert_eq!(err.to_string(), "classes: the header would name two columns \"p_N\": the target column \
    ///                              \"p_N\" and the probability of class \"N\"; rename one of them");
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn to_csv(&self, target: &str, ids: Option<(&str, &[String])>) -> Result<String> {
        self.validate()?;
        let header = self.header(target, ids)?;
        if let Some((name, ids)) = ids {
            if ids.len() != self.len() {
                return Err(Error::invalid_argument(
                    "ids",
                    format!("{} values of {name:?} for {} predictions", ids.len(), self.len()),
                ));
            }
            if let Some((j, (id, why))) = ids
                .iter()
                .enumerate()
                .find_map(|(j, id)| not_a_cell(id, true).map(|why| (j, (id, why))))
            {
                let message = format!("value {} of {name:?}, {id:?}, {why}", j + 1);
                return Err(Error::invalid_argument("ids", message));
            }
        }
        let mut csv = csv::Writer::from_writer(Vec::new());
        let mut record = |fields: &[String]| {
            csv.write_record(fields)
                .map_err(|e| Error::invalid_argument("predictions", e.to_string()))
        };
        record(&header)?;
        for j in 0..self.len() {
            let mut fields: Vec<String> = ids.iter().map(|(_, ids)| ids[j].clone()).collect();
            match self {
                Predictions::Classes {
                    labels, probabilities, ..
                } => {
                    fields.push(labels[j].clone());
                    fields.extend(probabilities.column(j).iter().map(F::to_string));
                }
                Predictions::Values { values } => fields.push(values[[0, j]].to_string()),
            }
            record(&fields)?;
        }
        let bytes = csv
            .into_inner()
            .map_err(|e| Error::invalid_argument("predictions", e.to_string()))?;
        String::from_utf8(bytes).map_err(|e| Error::invalid_argument("predictions", e.to_string()))
    }

    /// The header [`Predictions::to_csv`] writes: each name one a reader keeps, none twice.
    fn header(&self, target: &str, ids: Option<(&str, &[String])>) -> Result<Vec<String>> {
        // (argument, what the column is, its name), in header order.
        let mut columns: Vec<(&'static str, String, String)> = Vec::new();
        if let Some((name, _)) = ids {
            columns.push(("ids", format!("the ID column {name:?}"), name.to_owned()));
        }
        columns.push(("target", format!("the target column {target:?}"), target.to_owned()));
        if let Predictions::Classes { classes, .. } = self {
            for class in classes {
                columns.push((
                    "classes",
                    format!("the probability of class {class:?}"),
                    format!("p_{class}"),
                ));
            }
        }
        let what = || "the set of column names".to_owned();
        crate::base::limits::check_alloc(what, &[columns.len()], 3 * std::mem::size_of::<&str>())?;
        // Name → the column that has it: one lookup per column, however many classes.
        let mut seen: HashMap<&str, &str> = HashMap::with_capacity(columns.len());
        for (argument, what, name) in &columns {
            if let Some(why) = not_a_cell(name, false) {
                let message = format!("the column name {name:?} {why}");
                return Err(Error::invalid_argument(argument, message));
            }
            if let Some(first) = seen.insert(name.as_str(), what.as_str()) {
                let message =
                    format!("the header would name two columns {name:?}: {first} and {what}; rename one of them");
                return Err(Error::invalid_argument(argument, message));
            }
        }
        Ok(columns.into_iter().map(|(_, _, name)| name).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn csv_quotes_what_needs_quoting_and_checks_the_ids() {
        let p = Predictions::Classes {
            classes: vec!["a,b".to_owned(), "c".to_owned()],
            labels: vec!["a,b".to_owned()],
            probabilities: array![[0.5f64], [0.5]],
        };
        assert_eq!(p.to_csv("y", None).unwrap(), "y,\"p_a,b\",p_c\n\"a,b\",0.5,0.5\n");
        let err = p.to_csv("y", Some(("id", &[]))).unwrap_err();
        assert!(
            err.to_string().contains("0 values of \"id\" for 1 predictions"),
            "{err}"
        );
    }
}

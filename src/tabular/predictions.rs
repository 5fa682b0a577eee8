//! [`Predictions`]: what a [`TabularModel`](super::TabularModel) predicts for the rows of a
//! table — labels with the probability of every class, or numbers — and their CSV form.

use ndarray::Array2;

use crate::{Error, Float, Result};

/// The predictions of a [`TabularModel`](super::TabularModel) for the m rows of a table, from
/// [`TabularModel::predict`](super::TabularModel::predict).
///
/// ```
/// use ndarray::array;
/// use ndnet::tabular::Predictions;
///
/// let p = Predictions::Classes {
///     classes: vec!["N".into(), "Y".into()],
///     labels: vec!["Y".into(), "N".into()],
///     probabilities: array![[0.25, 0.875], [0.75, 0.125]],
/// };
/// assert_eq!(p.len(), 2);
/// assert_eq!(p.labels(), Some(&["Y".to_owned(), "N".to_owned()][..]));
/// assert_eq!(p.to_csv("ok", Some(("id", &["a".to_owned(), "b".to_owned()])))?,
///            "id,ok,p_N,p_Y\na,Y,0.25,0.75\nb,N,0.875,0.125\n");
/// # Ok::<(), ndnet::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Predictions<F: Float> {
    /// A binary or multi-class target.
    Classes {
        /// The labels, in the order of the rows of `probabilities`: the classes sorted for a
        /// multi-class target; the negative label (if known) then the positive one for binary.
        classes: Vec<String>,
        /// The predicted label of each row: the class with the highest probability (the first
        /// on a tie); for binary, the positive label where its probability is > 0.5.
        labels: Vec<String>,
        /// `(classes.len(), m)`: the probability of each class for each row; each column sums
        /// to 1.
        probabilities: Array2<F>,
    },
    /// A regression target.
    Values {
        /// (1, m): the predicted number for each row, in the target's units (standardization
        /// undone).
        values: Array2<F>,
    },
}

impl<F: Float> Predictions<F> {
    /// m, the number of rows predicted.
    ///
    /// ```
    /// let p = ndnet::tabular::Predictions::Values { values: ndarray::array![[1.5, 2.0, 7.0]] };
    /// assert_eq!(p.len(), 3);
    /// ```
    pub fn len(&self) -> usize {
        match self {
            Predictions::Classes { labels, .. } => labels.len(),
            Predictions::Values { values } => values.ncols(),
        }
    }

    /// Whether no row was predicted (never the case for what a model returns).
    ///
    /// ```
    /// let p = ndnet::tabular::Predictions::Values { values: ndarray::Array2::<f64>::zeros((1, 0)) };
    /// assert!(p.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The predicted labels (classification), `None` for regression.
    ///
    /// ```
    /// let p = ndnet::tabular::Predictions::Values { values: ndarray::array![[1.5]] };
    /// assert_eq!(p.labels(), None);
    /// ```
    pub fn labels(&self) -> Option<&[String]> {
        match self {
            Predictions::Classes { labels, .. } => Some(labels),
            Predictions::Values { .. } => None,
        }
    }

    /// The probabilities of each class (classification), `None` for regression.
    ///
    /// ```
    /// let p = ndnet::tabular::Predictions::Values { values: ndarray::array![[1.5]] };
    /// assert!(p.probabilities().is_none());
    /// ```
    pub fn probabilities(&self) -> Option<&Array2<F>> {
        match self {
            Predictions::Classes { probabilities, .. } => Some(probabilities),
            Predictions::Values { .. } => None,
        }
    }

    /// The predicted numbers (regression), `None` for classification.
    ///
    /// ```
    /// let p = ndnet::tabular::Predictions::Values { values: ndarray::array![[1.5]] };
    /// assert_eq!(p.values(), Some(&ndarray::array![[1.5]]));
    /// ```
    pub fn values(&self) -> Option<&Array2<F>> {
        match self {
            Predictions::Values { values } => Some(values),
            Predictions::Classes { .. } => None,
        }
    }

    /// The predictions as CSV text with a header: the ID column if `ids` gives its name and
    /// values, then a column named `target` holding the label or the number, then for
    /// classification one column `p_<class>` per class with its probability. Numbers are
    /// written in the model's float type, shortest form that reads back exactly.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] if `ids` does not hold one value per prediction.
    ///
    /// ```
    /// let p = ndnet::tabular::Predictions::Values { values: ndarray::array![[1.5f32, -2.0]] };
    /// assert_eq!(p.to_csv("price", None)?, "price\n1.5\n-2\n");
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn to_csv(&self, target: &str, ids: Option<(&str, &[String])>) -> Result<String> {
        if let Some((name, ids)) = ids
            && ids.len() != self.len()
        {
            return Err(Error::invalid_argument(
                "ids",
                format!("{} values of {name:?} for {} predictions", ids.len(), self.len()),
            ));
        }
        let mut header: Vec<String> = ids.iter().map(|(name, _)| (*name).to_owned()).collect();
        header.push(target.to_owned());
        if let Predictions::Classes { classes, .. } = self {
            header.extend(classes.iter().map(|c| format!("p_{c}")));
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

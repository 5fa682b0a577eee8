//! [`Predictions`]: what a [`TabularModel`](super::TabularModel) predicts for the rows of a
//! table — labels with the probability of every class, or numbers — checked
//! ([`Predictions::validate`]) and written as CSV ([`Predictions::to_csv`], in `csv_text.rs`).

mod csv_text;

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

    /// Checks what [`TabularModel::predict`](super::TabularModel::predict) guarantees, for a
    /// value built by hand (every field is public): for regression, `values` is (1, m) and
    /// finite; for classification, the classes are distinct, non-empty, without surrounding
    /// whitespace or line breaks (as the CSV reader leaves a cell), `probabilities` is
    /// `(classes.len(), labels.len())` with every value in [0, 1], and every label is one of
    /// the classes. [`Predictions::to_csv`] runs it first.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] whose argument is the field (`values`, `classes`, `labels`,
    /// `probabilities`), naming the value and where it is.
    ///
    /// ```
    /// use ndarray::array;
    /// use ndnet::tabular::Predictions;
    ///
    /// let p = Predictions::Classes {
    ///     classes: vec!["N".into(), "Y".into()],
    ///     labels: vec!["Y".into(), "maybe".into()],
    ///     probabilities: array![[0.25, 0.5], [0.75, 0.5]],
    /// };
    /// assert_eq!(p.validate().unwrap_err().to_string(),
    ///            "labels: label 2 of 2, \"maybe\", is not one of the 2 classes");
    /// let p = Predictions::Values { values: array![[1.5], [2.0]] };
    /// assert!(p.validate().is_err()); // (2, 1), not (1, m)
    /// ```
    pub fn validate(&self) -> Result<()> {
        match self {
            Predictions::Values { values } => {
                if values.nrows() != 1 {
                    let message = format!("{:?}, but a prediction of numbers is (1, m)", values.dim());
                    return Err(Error::invalid_argument("values", message));
                }
                check_values("values", values, |v| v.is_finite(), "not finite")
            }
            Predictions::Classes {
                classes,
                labels,
                probabilities,
            } => {
                // A set, not a scan per class or label: k may be large (65 536 classes).
                let what = || "the set of classes".to_owned();
                crate::base::limits::check_alloc(what, &[classes.len()], 2 * std::mem::size_of::<&str>())?;
                let mut known = std::collections::HashSet::with_capacity(classes.len());
                for (k, class) in classes.iter().enumerate() {
                    let why = if known.insert(class.as_str()) {
                        not_a_cell(class, false)
                    } else {
                        Some("is repeated")
                    };
                    if let Some(why) = why {
                        let message = format!("class {} of {}, {class:?}, {why}", k + 1, classes.len());
                        return Err(Error::invalid_argument("classes", message));
                    }
                }
                if probabilities.dim() != (classes.len(), labels.len()) {
                    let message = format!(
                        "{:?}, but {} classes and {} labels make ({}, {})",
                        probabilities.dim(),
                        classes.len(),
                        labels.len(),
                        classes.len(),
                        labels.len()
                    );
                    return Err(Error::invalid_argument("probabilities", message));
                }
                if let Some((j, label)) = labels.iter().enumerate().find(|(_, l)| !known.contains(l.as_str())) {
                    let message = format!(
                        "label {} of {}, {label:?}, is not one of the {} classes",
                        j + 1,
                        labels.len(),
                        classes.len()
                    );
                    return Err(Error::invalid_argument("labels", message));
                }
                let probability = |p: F| p.is_finite() && p >= F::zero() && p <= F::one();
                check_values(
                    "probabilities",
                    probabilities,
                    probability,
                    "not a probability in [0, 1]",
                )
            }
        }
    }
}

/// The error for the first entry of `values` (field `field`) that is not `ok`.
fn check_values<F: Float>(field: &'static str, values: &Array2<F>, ok: impl Fn(F) -> bool, why: &str) -> Result<()> {
    match values.indexed_iter().find(|&(_, &v)| !ok(v)) {
        None => Ok(()),
        Some(((i, j), v)) => Err(Error::invalid_argument(
            field,
            format!(
                "the entry at row {i}, column {j} (row {} of the table) is {v}: {why}",
                j + 1
            ),
        )),
    }
}

/// Why `text` would not read back as the same CSV cell, `None` if it would: the reader trims
/// cells and reads one row per line; an empty cell (allowed if `empty_allowed`) is a missing
/// value, and an empty column name an error.
pub(super) fn not_a_cell(text: &str, empty_allowed: bool) -> Option<&'static str> {
    if text.is_empty() && !empty_allowed {
        Some("is empty")
    } else if text.trim() != text {
        Some("has surrounding whitespace, which CSV readers trim")
    } else if text.contains(['\n', '\r']) {
        Some("holds a line break (ndnet reads one row per line)")
    } else {
        None
    }
}

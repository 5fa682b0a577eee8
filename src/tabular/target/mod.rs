//! The fitted target: [`FittedTarget`] says how the target column became Y — two labels, k
//! classes, or a number and its scaling; `column` fits it and turns a table's target cells
//! into Y.

use std::fmt;

mod column;

#[cfg(feature = "serde")]
pub(crate) use column::SavedTarget;
pub(crate) use column::TargetColumn;
pub(crate) use column::quoted_list;
pub(crate) use column::{EMPTY, no_positive, not_a_target_number, one_class, one_class_per_row};

/// What fitting found in the target column: how it becomes Y, how many outputs the network
/// needs, and how predictions are read back.
///
/// ```
/// use ndnet::tabular::{FittedTarget, Table, TabularConfig};
///
/// let t = Table::from_reader("x,y\n1,b\n2,a\n3,c\n4,a\n".as_bytes(), "t.csv")?;
/// let fitted = TabularConfig::multi_class("y").fit(&t)?;
/// let classes = vec!["a".to_owned(), "b".to_owned(), "c".to_owned()]; // sorted, not file order
/// assert_eq!(fitted.fitted_target(), &FittedTarget::MultiClass { classes });
/// assert_eq!(fitted.fitted_target().n_outputs(), 3);
/// # Ok::<(), ndnet::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum FittedTarget {
    /// Y (1, m) is 1 for `positive`, 0 for `negative`.
    Binary {
        /// The label that is Y = 1.
        positive: String,
        /// The other label; `None` only if every row fitted on held the positive label.
        negative: Option<String>,
    },
    /// Y (k, m) is one-hot, one row per class.
    MultiClass {
        /// The classes, distinct and sorted in byte order, at least 2: class k is row k of Y,
        /// output k of the network and probability k of a prediction.
        classes: Vec<String>,
    },
    /// Y (1, m) is the number, standardized with `scaling` if there is one.
    Regression {
        /// The mean and std the target was standardized with (`None`: trained on raw values).
        scaling: Option<TargetScaling>,
    },
}

/// The mean and standard deviation a regression target was standardized with:
/// Y = (y − mean) / std in training, and a prediction is ŷ · std + mean.
///
/// ```
/// use ndnet::tabular::{FittedTarget, Table, TabularConfig, TargetScaling};
/// let t = Table::from_reader("x,y\n1,10\n2,20\n3,30\n".as_bytes(), "t.csv")?;
/// let fitted = TabularConfig::regression("y").fit(&t)?;
/// let FittedTarget::Regression { scaling: Some(TargetScaling { mean, std }) } = fitted.fitted_target() else {
///     panic!("a standardized regression target")
/// };
/// // Mean 20; population variance (100 + 0 + 100) / 3.
/// assert_eq!(*mean, 20.0);
/// assert!((std - (200.0f64 / 3.0).sqrt()).abs() < 1e-12);
/// # Ok::<(), ndnet::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TargetScaling {
    /// The mean of the training rows' target.
    pub mean: f64,
    /// Their population standard deviation (1 for a constant target).
    pub std: f64,
}

impl FittedTarget {
    /// n_y, the number of rows of Y and of outputs the network needs: k for a multi-class
    /// target, 1 otherwise.
    ///
    /// ```
    /// use ndnet::tabular::FittedTarget;
    /// assert_eq!(FittedTarget::Regression { scaling: None }.n_outputs(), 1);
    /// ```
    pub fn n_outputs(&self) -> usize {
        match self {
            FittedTarget::MultiClass { classes } => classes.len(),
            FittedTarget::Binary { .. } | FittedTarget::Regression { .. } => 1,
        }
    }

    /// The labels a prediction can take, in the order of the probabilities predicted: the
    /// classes for multi-class; the negative label (if known) then the positive one for binary;
    /// none for regression.
    ///
    /// ```
    /// use ndnet::tabular::FittedTarget;
    /// let binary = FittedTarget::Binary { positive: "Y".into(), negative: Some("N".into()) };
    /// assert_eq!(binary.classes(), ["N", "Y"]);
    /// assert!(FittedTarget::Regression { scaling: None }.classes().is_empty());
    /// ```
    pub fn classes(&self) -> Vec<&str> {
        match self {
            FittedTarget::Binary { positive, negative } => {
                negative.iter().chain([positive]).map(String::as_str).collect()
            }
            FittedTarget::MultiClass { classes } => classes.iter().map(String::as_str).collect(),
            FittedTarget::Regression { .. } => Vec::new(),
        }
    }

    /// Whether this is a regression target (a number), not labels.
    ///
    /// ```
    /// use ndnet::tabular::FittedTarget;
    /// assert!(FittedTarget::Regression { scaling: None }.is_regression());
    /// ```
    pub fn is_regression(&self) -> bool {
        matches!(self, FittedTarget::Regression { .. })
    }

    /// Checks what fitting guarantees: two different binary labels; at least 2 classes, sorted
    /// and distinct; a finite scaling with std > 0.
    pub(crate) fn check(&self) -> std::result::Result<(), String> {
        match self {
            FittedTarget::Binary { positive, negative } => {
                if negative.as_deref() == Some(positive.as_str()) {
                    return Err(format!("both labels are {positive:?}"));
                }
            }
            FittedTarget::MultiClass { classes } => {
                if classes.len() < 2 {
                    return Err(format!(
                        "{} class(es) {classes:?}; a multi-class target has at least 2",
                        classes.len()
                    ));
                }
                if let Some(pair) = classes.windows(2).find(|pair| pair[0] >= pair[1]) {
                    return Err(format!(
                        "classes must be sorted and distinct, but {:?} comes before {:?}",
                        pair[0], pair[1]
                    ));
                }
            }
            FittedTarget::Regression {
                scaling: Some(TargetScaling { mean, std }),
            } => {
                if !(mean.is_finite() && std.is_finite() && *std > 0.0) {
                    return Err(format!("scaling mean {mean}, std {std} must be finite with std > 0"));
                }
            }
            FittedTarget::Regression { scaling: None } => {}
        }
        Ok(())
    }
}

impl fmt::Display for FittedTarget {
    /// One line: the kind, then the labels (classes in output order) or the scaling.
    ///
    /// ```
    /// use ndnet::tabular::{FittedTarget, TargetScaling};
    /// let target = FittedTarget::Regression { scaling: Some(TargetScaling { mean: 150.0, std: 75.0 }) };
    /// assert_eq!(target.to_string(), "regression, standardized with mean 150 and std 75 (undone on prediction)");
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FittedTarget::Binary {
                positive,
                negative: Some(negative),
            } => {
                write!(f, "binary: {positive:?} is 1, {negative:?} is 0")
            }
            FittedTarget::Binary {
                positive,
                negative: None,
            } => {
                write!(f, "binary: {positive:?} is 1 (no other label seen when fitting)")
            }
            FittedTarget::MultiClass { classes } => {
                let quoted: Vec<String> = classes.iter().map(|c| format!("{c:?}")).collect();
                write!(
                    f,
                    "multi-class, {} classes in output order: {}",
                    classes.len(),
                    quoted.join(", ")
                )
            }
            FittedTarget::Regression {
                scaling: Some(TargetScaling { mean, std }),
            } => {
                write!(
                    f,
                    "regression, standardized with mean {mean} and std {std} (undone on prediction)"
                )
            }
            FittedTarget::Regression { scaling: None } => write!(f, "regression, not standardized"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_check_refuses_what_fitting_never_makes() {
        let classes = |c: &[&str]| FittedTarget::MultiClass {
            classes: c.iter().map(|s| (*s).to_owned()).collect(),
        };
        assert!(classes(&["a", "b"]).check().is_ok());
        assert!(
            classes(&["b", "a"])
                .check()
                .unwrap_err()
                .contains("sorted and distinct")
        );
        assert!(
            classes(&["a", "a"])
                .check()
                .unwrap_err()
                .contains("sorted and distinct")
        );
        assert!(classes(&["a"]).check().unwrap_err().contains("at least 2"));
        let scaled = |mean, std| FittedTarget::Regression {
            scaling: Some(TargetScaling { mean, std }),
        };
        assert!(scaled(1.0, 2.0).check().is_ok());
        for (mean, std) in [(0.0, 0.0), (0.0, -1.0), (f64::NAN, 1.0), (0.0, f64::INFINITY)] {
            assert!(scaled(mean, std).check().is_err(), "{mean} {std}");
        }
    }
}

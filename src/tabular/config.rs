//! [`TabularConfig`]: which column is the target and what kind of target it is
//! ([`TargetKind`]), which columns to leave out, and the column kinds that override automatic
//! detection.

use crate::{Error, Result};

/// How a feature column is encoded.
///
/// ```
/// use ndnet::tabular::ColumnKind;
/// assert_ne!(ColumnKind::Numeric, ColumnKind::Categorical);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ColumnKind {
    /// Parsed as a number, missing cells imputed with the median, then standardized.
    Numeric,
    /// Kept as text, missing cells imputed with the most frequent value, then one-hot encoded.
    Categorical,
}

/// What a target column holds, chosen by the user: it decides how the target becomes Y and
/// which output the network needs.
///
/// | kind | Y | output layer and cost |
/// | --- | --- | --- |
/// | `Binary` | (1, m): 1 for the positive label, 0 for the one other label | 1 sigmoid unit, binary cross-entropy |
/// | `MultiClass` | (k, m) one-hot, one row per class, classes in sorted (byte) order | k softmax units, categorical cross-entropy |
/// | `Regression` | (1, m): the number, standardized with the training rows' mean and std if `standardize` | 1 linear unit, mean squared error |
///
/// ```
/// use ndnet::tabular::{TabularConfig, TargetKind};
/// let config = TabularConfig::with_target("price", TargetKind::Regression { standardize: false });
/// assert_eq!(config.target_kind(), &TargetKind::Regression { standardize: false });
/// assert_eq!(TabularConfig::multi_class("species").target_kind(), &TargetKind::MultiClass);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TargetKind {
    /// Two labels: `positive_label` is Y = 1, the one other value found when fitting is Y = 0.
    Binary {
        /// The target text that means Y = 1.
        positive_label: String,
    },
    /// Every distinct label found when fitting is a class (at least 2), in sorted byte order
    /// (`"10"` before `"9"`, `"B"` before `"a"`): that order is the order of Y's rows, of the
    /// network's outputs and of the probabilities predicted.
    MultiClass,
    /// A number (finite, in every labelled row).
    Regression {
        /// Train on (y − mean) / std, with the mean and population std of the training rows,
        /// and undo it on every prediction; a constant target gets std 1.
        standardize: bool,
    },
}

/// What to do with each column of a [`Table`](super::Table): a builder, then [`fit`](TabularConfig::fit).
///
/// The target kind is chosen explicitly: [`TabularConfig::binary`],
/// [`TabularConfig::multi_class`], [`TabularConfig::regression`], or
/// [`TabularConfig::with_target`] with any [`TargetKind`]. Fitting fails with an error naming
/// the line when the data do not fit the choice (a third label for a binary target, text in a
/// regression target, a multi-class target with one class).
///
/// Defaults (everything but the target is optional):
/// * **no ID columns** — list them with [`id_column`](TabularConfig::id_column); they are left
///   out of X and their values are available through [`FittedPreprocessing::ids`](super::FittedPreprocessing::ids);
/// * **no dropped columns** — leave other columns out with
///   [`drop_column`](TabularConfig::drop_column);
/// * **automatic column kinds** — a column is [`ColumnKind::Categorical`] if a non-empty cell
///   of the rows fitted on is text, [`ColumnKind::Numeric`] otherwise; override with
///   [`column_kind`](TabularConfig::column_kind) (e.g. a numeric code that is really a
///   category). A number that is not finite and a placeholder for a missing value (`-`, `--`,
///   `?`, `.`, `NA`, `N/A`, `null`, `None`, `#N/A`, `#DIV/0!` and the rest of pandas' and
///   spreadsheets' missing-value strings, any ASCII case) are not text: a column of numbers
///   and such cells, or of such cells only, is numeric, and so an error naming the cell (next
///   point) rather than categories;
/// * **no identifiers as features** — a column detected as text (not declared with
///   [`column_kind`](TabularConfig::column_kind)) whose non-empty cells are at least 90 %
///   distinct over more than 20 rows fitted on is an error naming it: it looks like an ID
///   (one-hot encoding it would make one feature per row); declare it with
///   [`id_column`](TabularConfig::id_column), leave it out with
///   [`drop_column`](TabularConfig::drop_column), or force
///   [`ColumnKind::Categorical`] if it really is a category;
/// * **numbers are finite** — a numeric cell that parses to NaN or ±inf (`NaN`, `inf`, or
///   `1e400`, beyond f64's range), or is a placeholder for a missing value, is an error naming
///   its line and column, when fitting and when transforming: it neither turns the column
///   categorical (one feature per distinct number) nor counts as missing. Leave the cell
///   empty for a missing value: an empty cell is the one missing value.
///
/// Every other column becomes one or more features of X, in file order.
///
/// ```
/// use ndnet::tabular::{ColumnKind, TabularConfig};
///
/// let config = TabularConfig::binary("Loan_Status", "Y")
///     .id_column("Loan_ID")
///     .column_kind("Credit_History", ColumnKind::Categorical);
/// assert_eq!(config.target(), "Loan_Status");
/// assert_eq!(config.id_columns(), ["Loan_ID"]);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct TabularConfig {
    pub(super) target: String,
    pub(super) kind: TargetKind,
    pub(super) id_columns: Vec<String>,
    pub(super) dropped: Vec<String>,
    pub(super) kinds: Vec<(String, ColumnKind)>,
}

impl TabularConfig {
    /// A binary target: Y is 1 where column `target` holds `positive_label`, 0 where it holds
    /// the one other label found when fitting.
    ///
    /// ```
    /// use ndnet::tabular::{TabularConfig, TargetKind};
    /// let config = TabularConfig::binary("Loan_Status", "Y");
    /// assert_eq!(config.target_kind(), &TargetKind::Binary { positive_label: "Y".into() });
    /// ```
    pub fn binary(target: impl Into<String>, positive_label: impl Into<String>) -> Self {
        let positive_label = positive_label.into();
        Self::with_target(target, TargetKind::Binary { positive_label })
    }

    /// A multi-class target: every distinct label of column `target` found when fitting is a
    /// class, in sorted byte order; Y is one-hot (k, m).
    ///
    /// ```
    /// let config = ndnet::tabular::TabularConfig::multi_class("cultivar");
    /// assert_eq!(config.positive_label(), None);
    /// ```
    pub fn multi_class(target: impl Into<String>) -> Self {
        Self::with_target(target, TargetKind::MultiClass)
    }

    /// A regression target: column `target` holds numbers, standardized for training with the
    /// training rows' mean and std (undone on prediction). For raw targets use
    /// [`with_target`](TabularConfig::with_target) with
    /// `TargetKind::Regression { standardize: false }`.
    ///
    /// ```
    /// use ndnet::tabular::{TabularConfig, TargetKind};
    /// let config = TabularConfig::regression("progression");
    /// assert_eq!(config.target_kind(), &TargetKind::Regression { standardize: true });
    /// ```
    pub fn regression(target: impl Into<String>) -> Self {
        Self::with_target(target, TargetKind::Regression { standardize: true })
    }

    /// A configuration for column `target` of kind `kind`, nothing else set.
    ///
    /// ```
    /// use ndnet::tabular::{TabularConfig, TargetKind};
    /// let config = TabularConfig::with_target("y", TargetKind::MultiClass);
    /// assert_eq!((config.target(), config.target_kind()), ("y", &TargetKind::MultiClass));
    /// ```
    pub fn with_target(target: impl Into<String>, kind: TargetKind) -> Self {
        TabularConfig {
            target: target.into(),
            kind,
            id_columns: Vec::new(),
            dropped: Vec::new(),
            kinds: Vec::new(),
        }
    }

    /// Marks `name` as an ID column: not a feature, its values kept for writing predictions.
    ///
    /// ```
    /// let c = ndnet::tabular::TabularConfig::binary("y", "1").id_column("id");
    /// assert_eq!(c.id_columns(), ["id"]);
    /// ```
    #[must_use]
    pub fn id_column(mut self, name: impl Into<String>) -> Self {
        self.id_columns.push(name.into());
        self
    }

    /// Leaves column `name` out of X altogether.
    ///
    /// ```
    /// let c = ndnet::tabular::TabularConfig::binary("y", "1").drop_column("notes");
    /// assert_eq!(c.dropped_columns(), ["notes"]);
    /// ```
    #[must_use]
    pub fn drop_column(mut self, name: impl Into<String>) -> Self {
        self.dropped.push(name.into());
        self
    }

    /// Forces column `name` to be encoded as `kind` instead of detecting it (the last call for
    /// a column wins).
    ///
    /// ```
    /// use ndnet::tabular::{ColumnKind, TabularConfig};
    /// let c = TabularConfig::binary("y", "1").column_kind("zip", ColumnKind::Categorical);
    /// assert_eq!(c.kind_override("zip"), Some(ColumnKind::Categorical));
    /// assert_eq!(c.kind_override("age"), None);
    /// ```
    #[must_use]
    pub fn column_kind(mut self, name: impl Into<String>, kind: ColumnKind) -> Self {
        let name = name.into();
        self.kinds.retain(|(n, _)| *n != name);
        self.kinds.push((name, kind));
        self
    }

    /// The target column's name.
    ///
    /// ```
    /// assert_eq!(ndnet::tabular::TabularConfig::binary("y", "1").target(), "y");
    /// ```
    pub fn target(&self) -> &str {
        &self.target
    }

    /// What kind of target the target column is.
    ///
    /// ```
    /// use ndnet::tabular::{TabularConfig, TargetKind};
    /// assert_eq!(TabularConfig::multi_class("y").target_kind(), &TargetKind::MultiClass);
    /// ```
    pub fn target_kind(&self) -> &TargetKind {
        &self.kind
    }

    /// The target value that means Y = 1, for a binary target (`None` otherwise).
    ///
    /// ```
    /// use ndnet::tabular::TabularConfig;
    /// assert_eq!(TabularConfig::binary("y", "yes").positive_label(), Some("yes"));
    /// assert_eq!(TabularConfig::regression("y").positive_label(), None);
    /// ```
    pub fn positive_label(&self) -> Option<&str> {
        match &self.kind {
            TargetKind::Binary { positive_label } => Some(positive_label),
            TargetKind::MultiClass | TargetKind::Regression { .. } => None,
        }
    }

    /// The ID columns, in the order given.
    ///
    /// ```
    /// assert!(ndnet::tabular::TabularConfig::binary("y", "1").id_columns().is_empty());
    /// ```
    pub fn id_columns(&self) -> &[String] {
        &self.id_columns
    }

    /// The dropped columns, in the order given.
    ///
    /// ```
    /// assert!(ndnet::tabular::TabularConfig::binary("y", "1").dropped_columns().is_empty());
    /// ```
    pub fn dropped_columns(&self) -> &[String] {
        &self.dropped
    }

    /// The kind forced on column `name`, if any.
    ///
    /// ```
    /// assert_eq!(ndnet::tabular::TabularConfig::binary("y", "1").kind_override("x"), None);
    /// ```
    pub fn kind_override(&self, name: &str) -> Option<ColumnKind> {
        self.kinds.iter().find(|(n, _)| n == name).map(|&(_, k)| k)
    }

    /// Whether column `name` is a feature (not the target, an ID or a dropped column).
    pub(crate) fn is_feature(&self, name: &str) -> bool {
        name != self.target && !self.id_columns.iter().any(|n| n == name) && !self.dropped.iter().any(|n| n == name)
    }

    pub(super) fn check_roles(&self) -> Result<()> {
        let conflict = |message: String| Error::InvalidArgument {
            argument: "config",
            message,
        };
        if let Some(name) = self.id_columns.iter().chain(&self.dropped).find(|n| **n == self.target) {
            return Err(conflict(format!(
                "{name:?} is the target column; it cannot also be an ID or dropped column"
            )));
        }
        if let Some((name, _)) = self.kinds.iter().find(|(n, _)| !self.is_feature(n)) {
            return Err(conflict(format!(
                "{name:?} has a kind override but is the target, an ID or a dropped column"
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_kind_override_wins() {
        let c = TabularConfig::binary("y", "1")
            .column_kind("a", ColumnKind::Numeric)
            .column_kind("a", ColumnKind::Categorical);
        assert_eq!(c.kind_override("a"), Some(ColumnKind::Categorical));
    }
}

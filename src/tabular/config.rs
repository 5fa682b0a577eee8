//! [`TabularConfig`]: which column is the target, which columns to leave out, and the column
//! kinds that override automatic detection.

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

/// What to do with each column of a [`Table`](super::Table): a builder, then [`fit`](TabularConfig::fit).
///
/// Defaults (everything but the target is optional):
/// * **no ID columns** — list them with [`id_column`](TabularConfig::id_column); they are left
///   out of X and their values are available through [`FittedPreprocessing::ids`](super::FittedPreprocessing::ids);
/// * **no dropped columns** — leave other columns out with
///   [`drop_column`](TabularConfig::drop_column);
/// * **automatic column kinds** — a column is [`ColumnKind::Numeric`] if every non-empty cell
///   of the rows fitted on parses as a finite number, [`ColumnKind::Categorical`] otherwise;
///   override with [`column_kind`](TabularConfig::column_kind) (e.g. a numeric code that is
///   really a category).
///
/// Every other column becomes one or more features of X, in file order.
///
/// ```
/// use ndnet::tabular::{ColumnKind, TabularConfig};
///
/// let config = TabularConfig::new("Loan_Status", "Y")
///     .id_column("Loan_ID")
///     .column_kind("Credit_History", ColumnKind::Categorical);
/// assert_eq!(config.target(), "Loan_Status");
/// assert_eq!(config.id_columns(), ["Loan_ID"]);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct TabularConfig {
    pub(super) target: String,
    pub(super) positive_label: String,
    pub(super) id_columns: Vec<String>,
    pub(super) dropped: Vec<String>,
    pub(super) kinds: Vec<(String, ColumnKind)>,
}

impl TabularConfig {
    /// A configuration whose label Y is 1 where column `target` holds `positive_label`.
    ///
    /// The target must hold exactly one other value (the negative label, Y = 0), found when
    /// fitting; see [`FittedPreprocessing`](super::FittedPreprocessing) for what is an error.
    ///
    /// ```
    /// let config = ndnet::tabular::TabularConfig::new("Survived", "1");
    /// assert_eq!(config.positive_label(), "1");
    /// ```
    pub fn new(target: impl Into<String>, positive_label: impl Into<String>) -> Self {
        TabularConfig {
            target: target.into(),
            positive_label: positive_label.into(),
            id_columns: Vec::new(),
            dropped: Vec::new(),
            kinds: Vec::new(),
        }
    }

    /// Marks `name` as an ID column: not a feature, its values kept for writing predictions.
    ///
    /// ```
    /// let c = ndnet::tabular::TabularConfig::new("y", "1").id_column("id");
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
    /// let c = ndnet::tabular::TabularConfig::new("y", "1").drop_column("notes");
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
    /// let c = TabularConfig::new("y", "1").column_kind("zip", ColumnKind::Categorical);
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
    /// assert_eq!(ndnet::tabular::TabularConfig::new("y", "1").target(), "y");
    /// ```
    pub fn target(&self) -> &str {
        &self.target
    }

    /// The target value that means Y = 1.
    ///
    /// ```
    /// assert_eq!(ndnet::tabular::TabularConfig::new("y", "yes").positive_label(), "yes");
    /// ```
    pub fn positive_label(&self) -> &str {
        &self.positive_label
    }

    /// The ID columns, in the order given.
    ///
    /// ```
    /// assert!(ndnet::tabular::TabularConfig::new("y", "1").id_columns().is_empty());
    /// ```
    pub fn id_columns(&self) -> &[String] {
        &self.id_columns
    }

    /// The dropped columns, in the order given.
    ///
    /// ```
    /// assert!(ndnet::tabular::TabularConfig::new("y", "1").dropped_columns().is_empty());
    /// ```
    pub fn dropped_columns(&self) -> &[String] {
        &self.dropped
    }

    /// The kind forced on column `name`, if any.
    ///
    /// ```
    /// assert_eq!(ndnet::tabular::TabularConfig::new("y", "1").kind_override("x"), None);
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
        let c = TabularConfig::new("y", "1")
            .column_kind("a", ColumnKind::Numeric)
            .column_kind("a", ColumnKind::Categorical);
        assert_eq!(c.kind_override("a"), Some(ColumnKind::Categorical));
    }
}

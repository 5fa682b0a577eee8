//! The invariants fitting guarantees and transforming relies on, checked again for every
//! preprocessing that did not come from fitting (a deserialized file).

#[cfg(feature = "serde")]
use super::super::target::{SavedTarget, TargetColumn};
use super::FittedPreprocessing;
use crate::tabular::FittedColumn;

impl FittedPreprocessing {
    /// Checks the invariants that fitting guarantees and transforming relies on, the one
    /// validation shared by fitting (which runs it on what it made) and loading (which runs it
    /// on what it read): at least one column; every name (target, ID and feature columns) and
    /// every label and category a cell could hold: non-empty and trimmed, as the reader leaves
    /// cells; column names distinct, the ID columns neither the target nor a feature column;
    /// feature names that match the columns' encodings; numeric statistics finite with
    /// std > 0; categories strictly sorted (so distinct) with the mode among them; the target's
    /// own invariants ([`FittedTarget::check`]: two distinct labels, ≥ 2 classes sorted and
    /// distinct, a finite scaling with std > 0).
    ///
    /// # Errors
    /// The first broken invariant, as text naming the column.
    pub(in crate::tabular) fn check(&self) -> std::result::Result<(), String> {
        if self.columns.is_empty() {
            return Err("no feature column".to_owned());
        }
        let cell = |what: &str, text: &str| match text {
            "" => Err(format!("{what} is empty; a cell the reader keeps is never empty")),
            _ if text.trim() != text => Err(format!(
                "{what} {text:?} has surrounding whitespace; the reader trims every cell, so no cell would match it"
            )),
            _ => Ok(()),
        };
        cell("the target column's name", &self.target.name)?;
        for column in &self.columns {
            cell("a column name", &column.name)?;
        }
        for id in &self.id_columns {
            cell("an ID column's name", id)?;
            if *id == self.target.name {
                return Err(format!("the ID column {id:?} is the target column"));
            }
            if self.columns.iter().any(|c| c.name == *id) {
                return Err(format!("the ID column {id:?} is also a feature column"));
            }
        }
        for label in self.target.fitted.classes() {
            cell(&format!("target {}: the label", self.target.name), label)?;
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
                crate::tabular::ColumnEncoding::Numeric { median, mean, std } => {
                    if !(median.is_finite() && mean.is_finite() && std.is_finite() && *std > 0.0) {
                        return Err(format!(
                            "column {}: median {median}, mean {mean}, std {std} must be finite with std > 0",
                            column.name
                        ));
                    }
                }
                crate::tabular::ColumnEncoding::Categorical { categories, mode } => {
                    for category in categories {
                        cell(&format!("column {}: the category", column.name), category)?;
                    }
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
}

/// The serialized form, checked by [`FittedPreprocessing::check`] before it becomes one.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
pub(super) struct Unchecked {
    target: SavedTarget,
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
    use super::super::tests::{TRAIN, table};
    #[cfg(feature = "serde")]
    use super::*;
    use crate::tabular::TabularConfig;

    #[test]
    fn what_fitting_makes_passes_the_check() {
        for config in [
            TabularConfig::binary("y", "Y"),
            TabularConfig::multi_class("y"),
            TabularConfig::regression("id").drop_column("y"),
        ] {
            let fitted = config.fit(&table(TRAIN)).unwrap();
            assert_eq!(fitted.check(), Ok(()));
        }
    }

    #[cfg(feature = "serde")]
    #[test]
    fn deserializing_refuses_every_broken_invariant() {
        let fitted = TabularConfig::binary("y", "Y")
            .id_column("id")
            .fit(&table(TRAIN))
            .unwrap();
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
        let binary = TabularConfig::binary("y", "Y").id_column("id").fit(&t).unwrap();
        let mut old = serde_json::to_value(&binary).unwrap();
        old["target"] = serde_json::json!({"name": "y", "positive": "Y", "negative": "N"});
        assert_eq!(serde_json::from_value::<FittedPreprocessing>(old).unwrap(), binary);
    }
}

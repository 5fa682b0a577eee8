//! The printable report of a [`FittedPreprocessing`]: one line per column.

use std::fmt;

use super::FittedPreprocessing;
use crate::tabular::ColumnEncoding;
use crate::tabular::target::quoted_list;

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

#[cfg(test)]
mod tests {
    use super::super::tests::{TRAIN, table};
    use super::*;
    use crate::tabular::TabularConfig;

    #[test]
    fn the_report_shows_binary_labels_and_regression_scaling() {
        let t = table(TRAIN);
        let binary = TabularConfig::binary("y", "Y")
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
}

//! [`FittedColumn`]: one feature column's fitted imputation and encoding.

use std::collections::BTreeMap;

use super::{ColumnKind, Table};
use crate::{Error, Result};

/// How one input column was fitted, and so how it becomes features of X.
///
/// ```
/// use ndnet::tabular::{ColumnEncoding, Table, TabularConfig};
///
/// let t = Table::from_reader("x,y\n1,Y\n,N\n5,Y\n".as_bytes(), "t.csv").unwrap();
/// let fitted = TabularConfig::binary("y", "Y").fit(&t).unwrap();
/// let column = &fitted.columns()[0];
/// assert_eq!(column.name, "x");
/// // Median of {1, 5} = 3 fills the empty cell; mean and std are of the imputed 1, 3, 5.
/// let ColumnEncoding::Numeric { median, mean, .. } = column.encoding else { panic!() };
/// assert_eq!((median, mean), (3.0, 3.0));
/// ```
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FittedColumn {
    /// The column's name in the header.
    pub name: String,
    /// Its fitted encoding.
    pub encoding: ColumnEncoding,
}

/// The statistics a feature column was fitted with.
///
/// ```
/// use ndnet::tabular::ColumnEncoding;
/// let e = ColumnEncoding::Categorical { categories: vec!["a".into(), "b".into()], mode: "a".into() };
/// assert_eq!(e.n_features(), 2);
/// ```
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ColumnEncoding {
    /// One feature, `(value − mean) / std`, with missing values replaced by `median`.
    Numeric {
        /// The median of the non-missing values (the mean of the two middle ones for an even count).
        median: f64,
        /// The mean after imputation.
        mean: f64,
        /// The population standard deviation after imputation; 1 for a constant column.
        std: f64,
    },
    /// One 0/1 feature per category, in sorted (byte) order; missing values count as `mode`,
    /// categories never seen when fitting give all zeros.
    Categorical {
        /// The categories seen when fitting, sorted.
        categories: Vec<String>,
        /// The most frequent category (the first in sorted order on a tie).
        mode: String,
    },
}

impl ColumnEncoding {
    /// The number of features (rows of X) this column produces.
    ///
    /// ```
    /// use ndnet::tabular::ColumnEncoding;
    /// let e = ColumnEncoding::Numeric { median: 0.0, mean: 0.0, std: 1.0 };
    /// assert_eq!(e.n_features(), 1);
    /// ```
    pub fn n_features(&self) -> usize {
        match self {
            ColumnEncoding::Numeric { .. } => 1,
            ColumnEncoding::Categorical { categories, .. } => categories.len(),
        }
    }
}

impl FittedColumn {
    /// Fits column `j` of `table` on rows `rows`, detecting its kind unless `kind` is given.
    pub(crate) fn fit(table: &Table, j: usize, rows: &[usize], kind: Option<ColumnKind>) -> Result<Self> {
        let name = table.headers()[j].clone();
        let present: Vec<(usize, &str)> = rows
            .iter()
            .map(|&i| (i, table.rows()[i][j].as_str()))
            .filter(|(_, c)| !c.is_empty())
            .collect();
        if present.is_empty() {
            return Err(Error::format(table.path(), None, Some(name), ALL_EMPTY));
        }
        let forced = kind.is_some();
        let kind = kind.unwrap_or_else(|| {
            if present.iter().any(|(_, c)| classify(c) == Cell::Text) {
                ColumnKind::Categorical
            } else {
                ColumnKind::Numeric
            }
        });
        let encoding = match kind {
            ColumnKind::Numeric => fit_numeric(table, j, rows, &present)?,
            ColumnKind::Categorical => fit_categorical(table, j, &present, forced)?,
        };
        Ok(FittedColumn { name, encoding })
    }

    /// The names of the features this column produces: its name, or `name=category` each.
    pub(crate) fn feature_names(&self) -> Vec<String> {
        match &self.encoding {
            ColumnEncoding::Numeric { .. } => vec![self.name.clone()],
            ColumnEncoding::Categorical { categories, .. } => {
                categories.iter().map(|c| format!("{}={c}", self.name)).collect()
            }
        }
    }

    /// Writes the features of `cell` into `out` (length [`ColumnEncoding::n_features`]),
    /// or returns why the cell cannot be encoded.
    pub(crate) fn encode(&self, cell: &str, out: &mut [f64]) -> std::result::Result<(), String> {
        match &self.encoding {
            ColumnEncoding::Numeric { median, mean, std } => {
                let value = if cell.is_empty() {
                    *median
                } else {
                    parse_number(cell).ok_or_else(|| not_a_number(cell))?
                };
                out[0] = standardize(value, *mean, *std);
            }
            ColumnEncoding::Categorical { categories, mode } => {
                let cell = if cell.is_empty() { mode.as_str() } else { cell };
                out.fill(0.0);
                if let Ok(k) = categories.binary_search_by(|c| c.as_str().cmp(cell)) {
                    out[k] = 1.0;
                }
            }
        }
        Ok(())
    }
}

fn fit_numeric(table: &Table, j: usize, rows: &[usize], present: &[(usize, &str)]) -> Result<ColumnEncoding> {
    let mut values = Vec::with_capacity(present.len());
    for &(i, cell) in present {
        values.push(parse_number(cell).ok_or_else(|| table.cell_error(i, j, not_a_number(cell)))?);
    }
    let mut sorted = values.clone();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let median = median(n % 2 == 1, sorted[(n - 1) / 2], sorted[n / 2]);
    // Statistics of the imputed column: every fitted row, missing ones at the median, summed
    // in row order (as a file read in passes sums them).
    let (mean, std) = super::spread::mean_and_std(&values, median, rows.len() - n);
    Ok(ColumnEncoding::Numeric { median, mean, std })
}

/// The median of values whose middle ones in sorted order are `lower` (rank ⌊(n−1)/2⌋) and
/// `upper` (rank ⌊n/2⌋, the same value when the count n is `odd`).
pub(super) fn median(odd: bool, lower: f64, upper: f64) -> f64 {
    if odd {
        upper
    } else {
        // Halves first: (a + b) / 2 overflows for two values near f64::MAX.
        lower / 2.0 + upper / 2.0
    }
}

/// Whether `distinct` different values among `count` non-empty cells look like one per row
/// (an ID, a free-text note): more than [`UNIQUE_MIN_ROWS`] cells, at least 90 % distinct.
pub(super) fn looks_unique(distinct: usize, count: usize) -> bool {
    count > UNIQUE_MIN_ROWS && distinct.saturating_mul(10) >= count.saturating_mul(9)
}

/// Below this many non-empty cells a column is never refused for having all-distinct values.
pub(super) const UNIQUE_MIN_ROWS: usize = 20;

fn fit_categorical(table: &Table, j: usize, present: &[(usize, &str)], forced: bool) -> Result<ColumnEncoding> {
    let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
    for &(_, cell) in present {
        *counts.entry(cell).or_default() += 1;
    }
    if !forced && looks_unique(counts.len(), present.len()) {
        let message = id_like(&table.headers()[j], &counts.len().to_string(), present.len());
        return Err(table.column_error(j, message));
    }
    Ok(categorical(&counts))
}

/// The encoding of a column whose categories occur `counts` times: the categories sorted, the
/// mode the most frequent (the first in sorted order on a tie).
pub(super) fn categorical<K: AsRef<str>>(counts: &BTreeMap<K, u64>) -> ColumnEncoding {
    let mut mode = ("", 0);
    for (category, &count) in counts {
        if count > mode.1 {
            mode = (category.as_ref(), count);
        }
    }
    ColumnEncoding::Categorical {
        categories: counts.keys().map(|c| c.as_ref().to_owned()).collect(),
        mode: mode.0.to_owned(),
    }
}

/// Why a column fitted on is empty in every row.
pub(super) const ALL_EMPTY: &str = "every cell of this column is empty in the rows fitted on; drop it with drop_column";

/// Why text column `name` with `distinct` different values (a number, or "more than n") in
/// `count` non-empty cells is refused.
pub(super) fn id_like(name: &str, distinct: &str, count: usize) -> String {
    format!(
        "text column with {distinct} distinct values in {count} non-empty cells: it looks like an ID, and \
         one-hot encoding it would make one feature per row; declare it with \
         .id_column({name:?}), leave it out with .drop_column({name:?}), or keep it with \
         .column_kind({name:?}, ColumnKind::Categorical)"
    )
}

/// (value − mean) / std without overflow in the difference (1.7e308 − (−1e308) is inf); a
/// std that is not positive and finite (only from a hand-edited file) counts as 1.
pub(super) fn standardize(value: f64, mean: f64, std: f64) -> f64 {
    let std = if std > 0.0 && std.is_finite() { std } else { 1.0 };
    let difference = value - mean;
    if difference.is_finite() {
        difference / std
    } else {
        (value / 2.0 - mean / 2.0) / std * 2.0
    }
}

/// What a non-empty cell of a feature column says about the column's kind: the one reading
/// the in-memory and the streamed fit share. A column is numeric unless a cell is
/// [`Cell::Text`], so a cell that is not a usable number but no text either (`NaN`, `inf`,
/// `-`, `NA`) cannot turn a column of numbers into categories: it is an error naming it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Cell {
    /// A finite number.
    Number(f64),
    /// A number that is not finite (`NaN`, `inf`, `-Infinity`, `1e400`), or one of the
    /// [`PLACEHOLDERS`] that stand for a missing value.
    Unusable,
    /// Anything else.
    Text,
}

/// Cells (compared ignoring ASCII case) that stand for a missing number: pandas' default
/// missing-value strings (`NaN` and `-NaN` parse as numbers, so are not listed), spreadsheet
/// errors, and the usual dashes and marks. In a column of
/// numbers they are an error (an empty cell is the one missing value); a column with other
/// text is categorical and they are categories like any other text.
pub(super) const PLACEHOLDERS: [&str; 25] = [
    "-", "--", "?", ".", "na", "n/a", "#n/a", "#na", "#n/a n/a", "<na>", "null", "none", "nil", "missing", "1.#ind",
    "-1.#ind", "1.#qnan", "-1.#qnan", "#div/0!", "#value!", "#num!", "#ref!", "#name?", "#null!", "n.a.",
];

/// How `cell` (non-empty, trimmed) counts when a column's kind is told.
pub(super) fn classify(cell: &str) -> Cell {
    match cell.parse::<f64>() {
        Ok(value) if value.is_finite() => Cell::Number(value),
        Ok(_) => Cell::Unusable,
        Err(_) if is_placeholder(cell) => Cell::Unusable,
        Err(_) => Cell::Text,
    }
}

/// Whether `cell` is one of the [`PLACEHOLDERS`].
fn is_placeholder(cell: &str) -> bool {
    PLACEHOLDERS.iter().any(|p| p.eq_ignore_ascii_case(cell))
}

/// A finite number, or `None` (text, `NaN`, `inf`, or `1e400`, which overflows f64).
pub(super) fn parse_number(cell: &str) -> Option<f64> {
    cell.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Why `cell` of a numeric column cannot be used.
pub(super) fn not_a_number(cell: &str) -> String {
    if is_placeholder(cell) {
        return format!(
            "{cell:?} stands for a missing value, but the column is numeric (it holds no other text); \
             leave the cell empty for a missing value, or declare the column categorical with column_kind"
        );
    }
    match cell.parse::<f64>() {
        Ok(_) => format!(
            "{cell:?} is not a finite number (NaN or beyond ±1.8e308), but the column is numeric; \
             leave the cell empty for a missing value"
        ),
        Err(_) => format!("{cell:?} is not a finite number, but the column is numeric"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standardize_never_overflows_the_difference_nor_divides_by_zero() {
        assert_eq!(standardize(1.5e308, -1.5e308, 1.5e308), 2.0);
        assert_eq!(standardize(3.0, 1.0, 0.0), 2.0);
        assert_eq!(standardize(3.0, 1.0, f64::INFINITY), 2.0);
        assert_eq!(standardize(3.0, 1.0, 4.0), 0.5);
    }

    fn fit(text: &str, kind: Option<ColumnKind>) -> Result<FittedColumn> {
        let t = Table::from_reader(text.as_bytes(), "t.csv").expect("test CSV is well formed");
        let rows: Vec<usize> = (0..t.n_rows()).collect();
        FittedColumn::fit(&t, 0, &rows, kind)
    }

    #[test]
    fn numeric_median_mean_and_population_std_by_hand() {
        // Values 1, 2, 4, 9 and one missing: median (2 + 4) / 2 = 3; imputed 1, 2, 4, 9, 3 has
        // mean 19 / 5 = 3.8 and variance (7.84 + 3.24 + 0.04 + 27.04 + 0.64) / 5 = 7.76.
        let c = fit("a\n1\n2\n\n4\n9\n\"\"\n", None).unwrap();
        let ColumnEncoding::Numeric { median, mean, std } = c.encoding else {
            panic!("{c:?}")
        };
        assert_eq!(median, 3.0);
        assert!((mean - 3.8).abs() < 1e-12);
        assert!((std - 7.76_f64.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn constant_column_has_std_one_and_encodes_to_zero() {
        let c = fit("a\n0.1\n0.1\n0.1\n", None).unwrap();
        let ColumnEncoding::Numeric { std, .. } = c.encoding else {
            panic!("{c:?}")
        };
        assert_eq!(std, 1.0);
        let mut out = [f64::NAN];
        c.encode("0.1", &mut out).unwrap();
        assert!(out[0].abs() < 1e-12);
    }

    #[test]
    fn categorical_sorted_mode_tie_and_unseen() {
        // b twice, a twice, c once, one missing: the a/b tie goes to a (first in sorted order).
        let c = fit("a\nb\na\nc\na\nb\n\"\"\n", None).unwrap();
        assert!(matches!(&c.encoding, ColumnEncoding::Categorical { mode, .. } if mode == "a"));
        assert_eq!(c.feature_names(), ["a=a", "a=b", "a=c"]);
        let mut out = [9.0; 3];
        c.encode("c", &mut out).unwrap();
        assert_eq!(out, [0.0, 0.0, 1.0]);
        c.encode("", &mut out).unwrap();
        assert_eq!(out, [1.0, 0.0, 0.0]);
        c.encode("zebra", &mut out).unwrap();
        assert_eq!(out, [0.0, 0.0, 0.0]);
    }

    #[test]
    fn detection_and_overrides() {
        assert!(matches!(
            fit("a\n1\nx\n", None).unwrap().encoding,
            ColumnEncoding::Categorical { .. }
        ));
        // A non-finite number among numbers keeps the column numeric and is an error naming
        // its line and column (not a categorical column with one feature per number).
        for (cell, line) in [("NaN", 3), ("inf", 3), ("-inf", 3), ("1e400", 3), ("-1E999", 3)] {
            let err = fit(&format!("a\n1\n{cell}\n2.5\n"), None).unwrap_err();
            assert!(
                err.to_string().starts_with(&format!(
                    "t.csv, line {line}, column a: \"{cell}\" is not a finite number"
                )),
                "{err}"
            );
            assert!(err.to_string().contains("leave the cell empty"), "{err}");
        }
        assert!(matches!(
            fit("a\n1\nNaN\n", Some(ColumnKind::Categorical)).unwrap().encoding,
            ColumnEncoding::Categorical { .. }
        ));
        let c = fit("a\n2\n1\n", Some(ColumnKind::Categorical)).unwrap();
        assert_eq!(c.feature_names(), ["a=1", "a=2"]);
        let err = fit("a\n1\n\nabc\n", Some(ColumnKind::Numeric)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.csv, line 4, column a: \"abc\" is not a finite number, but the column is numeric"
        );
    }

    #[test]
    fn placeholders_and_non_finite_numbers_are_never_text() {
        assert_eq!(classify("1e3"), Cell::Number(1000.0));
        for cell in [
            "-", "--", "NA", "n/a", "NULL", "#N/A", "?", ".", "NaN", "-nan", "-inf", "Infinity", "1e400",
        ] {
            assert_eq!(classify(cell), Cell::Unusable, "{cell}");
        }
        for cell in ["x", "-x", "NAN2", "n/a/b", "1,5"] {
            assert_eq!(classify(cell), Cell::Text, "{cell}");
        }
        let err = fit("a\n1\n\nN/A\n", None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.csv, line 4, column a: \"N/A\" stands for a missing value, but the column is numeric (it holds no \
             other text); leave the cell empty for a missing value, or declare the column categorical with column_kind"
        );
        assert!(matches!(
            fit("a\n1\nN/A\nx\n", None).unwrap().encoding,
            ColumnEncoding::Categorical { .. }
        ));
    }

    #[test]
    fn all_empty_column_is_an_error() {
        let err = fit("a,b\n,1\n,2\n", None).unwrap_err();
        assert!(
            matches!(err, Error::Format { column: Some(ref c), .. } if c == "a"),
            "{err}"
        );
    }
}

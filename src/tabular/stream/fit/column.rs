//! One feature column fitted over passes ([`ColumnFit`]): the first pass detects its kind and
//! counts what it can; the later passes sum the mean and the deviations in row order and
//! narrow down the median (numeric), or count the categories of rows read before the first
//! text cell (a column detected as text late in the file).

use std::collections::BTreeMap;

use super::median::Median;
use crate::tabular::column::{
    ALL_EMPTY, Cell, categorical, classify, id_like, looks_unique, not_a_number, parse_number,
};
use crate::tabular::spread::{Deviations, Sum};
use crate::tabular::{ColumnEncoding, ColumnKind};

/// A column detected as text (not forced categorical) with more distinct values than this is
/// refused when fitting from a file: one-hot encoding would make more features than that, and
/// counting its values would hold memory that grows with the rows.
pub(crate) const MAX_TEXT_CATEGORIES: usize = 1 << 16;

/// Bytes counted for each category held, beyond its text (the map's node, the count).
pub(super) const CATEGORY_OVERHEAD: usize = 64;

/// A feature column being fitted.
pub(super) struct ColumnFit {
    pub(super) name: String,
    /// Its position in the header.
    pub(super) j: usize,
    forced: Option<ColumnKind>,
    /// Non-empty cells.
    present: u64,
    /// Whether no non-empty cell is text ([`Cell::Text`]).
    all_numbers: bool,
    /// The first non-empty cell that is not a finite number, and its line.
    first_unusable: Option<(u64, String)>,
    /// The least and greatest finite number (by `<`, so −0.0 equals 0.0), and the greatest magnitude.
    least: f64,
    greatest: f64,
    magnitude: f64,
    /// The median, from the first pass on (while the column may be numeric).
    median: Median,
    /// Category counts, from row `counted_from` on (`None` until the column may be categorical).
    counts: Option<BTreeMap<String, u64>>,
    counted_from: usize,
    /// More than [`MAX_TEXT_CATEGORIES`] distinct values in a column detected as text.
    too_many: bool,
    pub(super) stage: Stage,
}

/// What a column still needs after the first pass.
pub(super) enum Stage {
    Scanning,
    /// Numeric: the mean's sum and the median in the same passes, then the deviations.
    Numeric {
        sum: Sum,
        summed: bool,
        median: Median,
        deviations: Option<Deviations>,
        rows: u64,
    },
    /// Categorical, detected late: the rows before `counted_from` are counted in the next pass.
    Recount,
    Done(ColumnEncoding),
}

/// Why a column cannot be fitted, and where: reported once its turn comes, in the order the
/// in-memory fit finds errors.
pub(super) struct Refusal {
    pub(super) at: At,
    pub(super) message: String,
}

/// Where a [`Refusal`] points.
pub(super) enum At {
    /// The column as a whole (no line).
    Column,
    /// The column's name in the header line.
    Header,
    /// A cell on this line.
    Line(u64),
}

impl ColumnFit {
    pub(super) fn new(name: String, j: usize, forced: Option<ColumnKind>) -> Self {
        ColumnFit {
            name,
            j,
            forced,
            present: 0,
            all_numbers: true,
            first_unusable: None,
            least: f64::INFINITY,
            greatest: f64::NEG_INFINITY,
            magnitude: 0.0,
            median: Median::new(),
            counts: (forced == Some(ColumnKind::Categorical)).then(BTreeMap::new),
            counted_from: 0,
            too_many: false,
            stage: Stage::Scanning,
        }
    }

    /// Sees the cell of data row `row` in the first pass; `line` gives its line if needed.
    /// Returns the bytes newly held by the category counts.
    pub(super) fn observe_first(&mut self, cell: &str, row: usize, line: &dyn Fn() -> u64) -> usize {
        if cell.is_empty() {
            return 0;
        }
        self.present += 1;
        if self.forced != Some(ColumnKind::Categorical) && (self.all_numbers || self.forced.is_some()) {
            match classify(cell) {
                Cell::Number(v) => {
                    self.least = self.least.min(v);
                    self.greatest = self.greatest.max(v);
                    self.magnitude = self.magnitude.max(v.abs());
                    self.median.observe(v);
                }
                kind => {
                    if self.first_unusable.is_none() {
                        self.first_unusable = Some((line(), cell.to_owned()));
                    }
                    if kind == Cell::Text && self.forced.is_none() {
                        self.all_numbers = false;
                        self.counts = Some(BTreeMap::new());
                        self.counted_from = row;
                        self.median = Median::new(); // not numeric: its memory back
                    }
                }
            }
        }
        self.count(cell)
    }

    /// Counts `cell` as a category, if the column is counted; returns the bytes newly held.
    fn count(&mut self, cell: &str) -> usize {
        let Some(counts) = self.counts.as_mut() else {
            return 0;
        };
        if let Some(count) = counts.get_mut(cell) {
            *count += 1;
            return 0;
        }
        if self.forced.is_none() && counts.len() >= MAX_TEXT_CATEGORIES {
            self.too_many = true;
            self.counts = None;
            return 0;
        }
        counts.insert(cell.to_owned(), 1);
        cell.len() + CATEGORY_OVERHEAD
    }

    /// After the first pass over `rows` rows: the kind, and what later passes must do; or the
    /// error the in-memory fit would give.
    pub(super) fn end_first_pass(&mut self, rows: usize) -> Result<(), Refusal> {
        if self.present == 0 {
            return Err(Refusal {
                at: At::Column,
                message: ALL_EMPTY.to_owned(),
            });
        }
        let numeric = match self.forced {
            Some(kind) => kind == ColumnKind::Numeric,
            None => self.all_numbers,
        };
        self.stage = if numeric {
            if let Some((line, cell)) = self.first_unusable.take() {
                return Err(Refusal {
                    at: At::Line(line),
                    message: not_a_number(&cell),
                });
            }
            let mut median = std::mem::replace(&mut self.median, Median::new());
            median.end_pass().map_err(|message| Refusal {
                at: At::Column,
                message,
            })?;
            Stage::Numeric {
                sum: Sum::new(self.magnitude),
                summed: false,
                median,
                deviations: None,
                rows: rows as u64,
            }
        } else if self.counted_from > 0 {
            Stage::Recount
        } else {
            Stage::Done(self.categorical()?)
        };
        Ok(())
    }

    /// The categorical encoding from the counts, or why a column detected as text is refused.
    fn categorical(&self) -> Result<ColumnEncoding, Refusal> {
        let refuse = |message| {
            Err(Refusal {
                at: At::Header,
                message,
            })
        };
        let counts = match (&self.counts, self.too_many) {
            (Some(counts), false) => counts,
            _ => {
                let distinct = format!("more than {MAX_TEXT_CATEGORIES}");
                return refuse(id_like(&self.name, &distinct, self.present as usize));
            }
        };
        if self.forced.is_none() && looks_unique(counts.len(), self.present as usize) {
            return refuse(id_like(&self.name, &counts.len().to_string(), self.present as usize));
        }
        Ok(categorical(counts))
    }

    /// Whether the column needs another pass.
    pub(super) fn needs_pass(&self) -> bool {
        !matches!(self.stage, Stage::Done(_) | Stage::Scanning)
    }

    /// Sees the cell of data row `row` in a later pass; returns the bytes newly held.
    pub(super) fn observe(&mut self, cell: &str, row: usize) -> usize {
        if cell.is_empty() {
            return 0;
        }
        if matches!(self.stage, Stage::Recount) {
            return if row < self.counted_from { self.count(cell) } else { 0 };
        }
        match &mut self.stage {
            Stage::Numeric {
                sum,
                summed,
                median,
                deviations,
                ..
            } => {
                // A finite number: the first pass refused every other cell.
                let value = parse_number(cell).unwrap_or(0.0);
                if !*summed {
                    sum.add(value);
                }
                median.observe(value);
                if let Some(deviations) = deviations {
                    deviations.add(value);
                }
                0
            }
            Stage::Recount | Stage::Scanning | Stage::Done(_) => 0,
        }
    }

    /// Ends a later pass.
    ///
    /// # Errors
    /// The refusal of a column detected as text once all its rows are counted; a message if a
    /// pass saw other values than the one before.
    pub(super) fn end_pass(&mut self) -> Result<(), Refusal> {
        if matches!(self.stage, Stage::Recount) {
            self.stage = Stage::Done(self.categorical()?);
            return Ok(());
        }
        let present = self.present;
        let (least, constant) = (self.least, self.least == self.greatest);
        let next = match &mut self.stage {
            Stage::Numeric {
                sum,
                summed,
                median,
                deviations,
                rows,
            } => {
                let missing = *rows - present;
                if let Some(deviations) = deviations.take() {
                    let mut deviations = deviations;
                    let fill = median.value().unwrap_or(0.0);
                    deviations.add_repeated(fill, missing);
                    // As the in-memory fit: every value equal, and so the imputed one.
                    let constant = constant && (missing == 0 || fill == least);
                    let (mean, std) = deviations.mean_and_std(constant);
                    Some(Stage::Done(ColumnEncoding::Numeric {
                        median: fill,
                        mean,
                        std,
                    }))
                } else {
                    *summed = true;
                    median.end_pass().map_err(|message| Refusal {
                        at: At::Column,
                        message,
                    })?;
                    if let Some(fill) = median.value() {
                        let mut complete = sum.clone();
                        complete.add_repeated(fill, missing);
                        *deviations = Some(complete.deviations());
                    }
                    None
                }
            }
            Stage::Recount | Stage::Scanning | Stage::Done(_) => None,
        };
        if let Some(next) = next {
            self.stage = next;
        }
        Ok(())
    }

    /// The fitted encoding, once done.
    pub(super) fn encoding(self) -> Option<ColumnEncoding> {
        match self.stage {
            Stage::Done(encoding) => Some(encoding),
            Stage::Scanning | Stage::Numeric { .. } | Stage::Recount => None,
        }
    }
}

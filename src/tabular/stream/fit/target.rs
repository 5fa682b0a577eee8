//! The target column fitted over passes ([`TargetFit`]): labels and classes in the first pass;
//! a regression target's mean and deviations in two more, summed in row order.

use std::collections::BTreeSet;

use super::column::{At, MAX_TEXT_CATEGORIES, Refusal};
use crate::tabular::column::{looks_unique, parse_number};
use crate::tabular::spread::{Deviations, Sum};
use crate::tabular::target::{EMPTY, TargetColumn, no_positive, not_a_target_number, one_class, one_class_per_row};
use crate::tabular::{FittedTarget, TargetKind, TargetScaling};

/// The labels of a binary target listed when the positive one never occurs.
const LISTED: usize = 16;

/// The target column being fitted.
pub(super) struct TargetFit {
    pub(super) name: String,
    /// Its position in the header.
    pub(super) j: usize,
    /// The first empty cell's line (or, for regression, of the first cell that is not a number).
    first_bad: Option<(u64, String)>,
    kind: Kind,
}

enum Kind {
    Binary {
        positive: String,
        seen_positive: bool,
        /// The other labels, in the order they first occur, with that line; `more` past [`LISTED`].
        others: Vec<(String, u64)>,
        more: bool,
    },
    MultiClass {
        classes: BTreeSet<String>,
        too_many: bool,
    },
    Regression {
        standardize: bool,
        magnitude: f64,
        least: f64,
        greatest: f64,
        sum: Option<Sum>,
        deviations: Option<Deviations>,
    },
    Done(FittedTarget),
}

impl TargetFit {
    pub(super) fn new(name: String, j: usize, kind: &TargetKind) -> Self {
        let kind = match kind {
            TargetKind::Binary { positive_label } => Kind::Binary {
                positive: positive_label.clone(),
                seen_positive: false,
                others: Vec::new(),
                more: false,
            },
            TargetKind::MultiClass => Kind::MultiClass {
                classes: BTreeSet::new(),
                too_many: false,
            },
            TargetKind::Regression { standardize } => Kind::Regression {
                standardize: *standardize,
                magnitude: 0.0,
                least: f64::INFINITY,
                greatest: f64::NEG_INFINITY,
                sum: None,
                deviations: None,
            },
        };
        TargetFit {
            name,
            j,
            first_bad: None,
            kind,
        }
    }

    /// Sees a target cell in the first pass; returns the bytes newly held by the classes.
    pub(super) fn observe_first(&mut self, cell: &str, line: &dyn Fn() -> u64) -> usize {
        if self.first_bad.is_some() {
            return 0;
        }
        if cell.is_empty() {
            self.first_bad = Some((line(), String::new()));
            return 0;
        }
        match &mut self.kind {
            Kind::Binary {
                positive,
                seen_positive,
                others,
                more,
            } => {
                if cell == positive.as_str() {
                    *seen_positive = true;
                } else if !others.iter().any(|(l, _)| l == cell) {
                    if others.len() < LISTED {
                        others.push((cell.to_owned(), line()));
                    } else {
                        *more = true;
                    }
                }
            }
            Kind::MultiClass { classes, too_many } => {
                if !*too_many && !classes.contains(cell) {
                    if classes.len() >= MAX_TEXT_CATEGORIES {
                        *too_many = true;
                        classes.clear();
                    } else {
                        classes.insert(cell.to_owned());
                        return cell.len() + super::column::CATEGORY_OVERHEAD;
                    }
                }
            }
            Kind::Regression {
                magnitude,
                least,
                greatest,
                ..
            } => match parse_number(cell) {
                Some(v) => {
                    *magnitude = magnitude.max(v.abs());
                    *least = least.min(v);
                    *greatest = greatest.max(v);
                }
                None => self.first_bad = Some((line(), cell.to_owned())),
            },
            Kind::Done(_) => {}
        }
        0
    }

    /// After the first pass over `rows` rows: the fitted labels or classes, or the passes a
    /// standardized regression target still needs; or the error the in-memory fit would give.
    pub(super) fn end_first_pass(&mut self, rows: usize) -> Result<(), Refusal> {
        if let Some((line, cell)) = self.first_bad.take() {
            let message = if cell.is_empty() {
                EMPTY.to_owned()
            } else {
                not_a_target_number(&cell)
            };
            return Err(Refusal {
                at: At::Line(line),
                message,
            });
        }
        let refuse = |at, message| Err(Refusal { at, message });
        let fitted = match &mut self.kind {
            Kind::Binary {
                positive,
                seen_positive,
                others,
                more,
            } => {
                if !*seen_positive {
                    let seen: Vec<&str> = others.iter().map(|(l, _)| l.as_str()).collect();
                    return refuse(At::Column, no_positive(positive, &seen, *more));
                }
                let target = TargetColumn {
                    name: self.name.clone(),
                    fitted: FittedTarget::Binary {
                        positive: positive.clone(),
                        negative: others.first().map(|(l, _)| l.clone()),
                    },
                };
                if let Some((third, line)) = others.get(1) {
                    return refuse(At::Line(*line), target.label_message(third));
                }
                target.fitted
            }
            Kind::MultiClass { classes, too_many } => {
                if *too_many {
                    return refuse(
                        At::Header,
                        one_class_per_row(&format!("more than {MAX_TEXT_CATEGORIES}"), rows),
                    );
                }
                let classes: Vec<String> = std::mem::take(classes).into_iter().collect();
                if classes.len() < 2 {
                    return refuse(At::Header, one_class(rows, &classes));
                }
                if looks_unique(classes.len(), rows) {
                    return refuse(At::Header, one_class_per_row(&classes.len().to_string(), rows));
                }
                FittedTarget::MultiClass { classes }
            }
            Kind::Regression { standardize: false, .. } => FittedTarget::Regression { scaling: None },
            Kind::Regression { magnitude, sum, .. } => {
                *sum = Some(Sum::new(*magnitude));
                return Ok(());
            }
            Kind::Done(_) => return Ok(()),
        };
        self.kind = Kind::Done(fitted);
        Ok(())
    }

    /// Whether the target needs another pass.
    pub(super) fn needs_pass(&self) -> bool {
        !matches!(self.kind, Kind::Done(_))
    }

    /// Sees a target cell in a later pass (a number: the first pass refused anything else).
    pub(super) fn observe(&mut self, cell: &str) {
        if let Kind::Regression { sum, deviations, .. } = &mut self.kind {
            let value = parse_number(cell).unwrap_or(0.0);
            match (deviations, sum) {
                (Some(deviations), _) => deviations.add(value),
                (None, Some(sum)) => sum.add(value),
                (None, None) => {}
            }
        }
    }

    /// Ends a later pass: the sum becomes the deviations' mean, the deviations the scaling.
    pub(super) fn end_pass(&mut self) {
        if let Kind::Regression {
            least,
            greatest,
            sum,
            deviations,
            ..
        } = &mut self.kind
        {
            if let Some(done) = deviations.take() {
                let (mean, std) = done.mean_and_std(least == greatest);
                self.kind = Kind::Done(FittedTarget::Regression {
                    scaling: Some(TargetScaling { mean, std }),
                });
            } else if let Some(sum) = sum.take() {
                *deviations = Some(sum.deviations());
            }
        }
    }

    /// The fitted target, once done.
    pub(super) fn fitted(self) -> Option<TargetColumn> {
        match self.kind {
            Kind::Done(fitted) => Some(TargetColumn {
                name: self.name,
                fitted,
            }),
            Kind::Binary { .. } | Kind::MultiClass { .. } | Kind::Regression { .. } => None,
        }
    }
}

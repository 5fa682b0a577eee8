//! Final metrics of one evaluated set: accuracy, precision, recall, F1 and the confusion matrix
//! as a heat map for classes; RMSE, MAE, R² and the predicted-vs-true scatter for numbers.

use std::fmt::Write as _;

use ndarray::{Array2, ArrayView2, Axis};

use super::charts::scatter_chart;
use super::html::{escape, facts, table};
use crate::base::check;
use crate::metrics::{ConfusionMatrix, mae, r2, rmse};
use crate::{Cost, Float, Network, Result};

/// What the network predicted for each example of a set, and the truth.
#[derive(Clone, Debug)]
pub(crate) enum Outcome {
    /// Class indices into `classes`.
    Classes {
        classes: Vec<String>,
        truth: Vec<usize>,
        predicted: Vec<usize>,
    },
    /// Numbers (every output of every example, in the target's units).
    Values { truth: Vec<f64>, predicted: Vec<f64> },
}

/// One evaluated set, e.g. "test".
#[derive(Clone, Debug)]
pub(crate) struct Evaluation {
    /// The set's name as the user gave it.
    pub set: String,
    pub outcome: Outcome,
}

/// The class names to show: the user's, else "0", "1", …
fn class_names(names: Option<&[String]>, k: usize) -> Vec<String> {
    match names {
        Some(names) if names.len() == k => names.to_vec(),
        _ => (0..k).map(|c| c.to_string()).collect(),
    }
}

impl Evaluation {
    /// Runs `net` on X and compares with Y: numbers for a network trained on the mean squared
    /// error, 0/1 (p ≥ 0.5) for one sigmoid output, the argmax class otherwise.
    pub(crate) fn of_network<F: Float>(
        set: &str,
        net: &Network<F>,
        x: ArrayView2<F>,
        y: ArrayView2<F>,
        names: Option<&[String]>,
    ) -> Result<Self> {
        let probabilities = net.predict_proba(&x)?;
        let (n_y, m) = probabilities.dim();
        check::shape(
            || format!("Y of the {set} set, for m = {m} examples"),
            y.dim(),
            n_y,
            Some(m),
        )?;
        // The labels the network's cost accepts (as `Network::accuracy` checks them).
        net.cost_function().check_labels(y)?;
        let outcome = if net.cost_function() == Cost::MeanSquaredError {
            Outcome::Values {
                truth: y.iter().map(|v| v.as_f64()).collect(),
                predicted: probabilities.iter().map(|v| v.as_f64()).collect(),
            }
        } else if n_y == 1 {
            let class = |v: &F| usize::from(v.as_f64() >= 0.5);
            Outcome::Classes {
                classes: class_names(names, 2),
                truth: y.iter().map(class).collect(),
                predicted: probabilities.iter().map(class).collect(),
            }
        } else {
            let argmax = |a: ArrayView2<F>| -> Vec<usize> {
                a.axis_iter(Axis(1))
                    .map(|col| (0..col.len()).fold(0, |best, k| if col[k] > col[best] { k } else { best }))
                    .collect()
            };
            Outcome::Classes {
                classes: class_names(names, n_y),
                truth: argmax(y),
                predicted: argmax(probabilities.view()),
            }
        };
        Ok(Evaluation {
            set: set.into(),
            outcome,
        })
    }

    /// The number of examples.
    pub(crate) fn len(&self) -> usize {
        match &self.outcome {
            Outcome::Classes { truth, .. } => truth.len(),
            Outcome::Values { truth, .. } => truth.len(),
        }
    }

    /// The body of this set's part of the metrics section.
    pub(crate) fn html(&self) -> Result<String> {
        let mut out = format!("<h3>The {} set</h3>\n", escape(&self.set));
        match &self.outcome {
            Outcome::Classes {
                classes,
                truth,
                predicted,
            } => {
                let counts = confusion(classes.len(), truth, predicted);
                out.push_str(&class_metrics(classes, &counts));
                out.push_str(&heat_map(classes, &counts));
            }
            Outcome::Values { truth, predicted } => {
                let row = |v: &[f64]| Array2::from_shape_fn((1, v.len()), |(_, j)| v[j]);
                let (t, p) = (row(truth), row(predicted));
                let pairs = vec![
                    ("examples".to_string(), truth.len().to_string()),
                    ("RMSE".to_string(), format!("{:.4}", rmse(&p, &t)?)),
                    ("MAE".to_string(), format!("{:.4}", mae(&p, &t)?)),
                    ("R²".to_string(), format!("{:.4}", r2(&p, &t)?)),
                ];
                out.push_str(&facts(&pairs));
                let points: Vec<(f64, f64)> = truth.iter().copied().zip(predicted.iter().copied()).collect();
                let title = format!("Predicted vs true, {} set", self.set);
                let _ = writeln!(
                    out,
                    "<figure>{}<figcaption>Each dot is one example (at most 2,500 drawn); \
                     on the grey line the prediction is exact.</figcaption></figure>",
                    scatter_chart(&title, &points)?
                );
            }
        }
        Ok(out)
    }
}

/// counts[true][predicted].
fn confusion(k: usize, truth: &[usize], predicted: &[usize]) -> Vec<Vec<usize>> {
    let mut counts = vec![vec![0; k]; k];
    for (&t, &p) in truth.iter().zip(predicted) {
        if t < k && p < k {
            counts[t][p] += 1;
        }
    }
    counts
}

/// Class `c` against the rest, as the crate's binary confusion matrix.
fn one_vs_rest(counts: &[Vec<usize>], c: usize) -> ConfusionMatrix {
    let total: usize = counts.iter().flatten().sum();
    let tp = counts[c][c];
    let fn_ = counts[c].iter().sum::<usize>() - tp;
    let fp = counts.iter().map(|row| row[c]).sum::<usize>() - tp;
    ConfusionMatrix {
        tp,
        fp,
        tn: total - tp - fn_ - fp,
        fn_,
    }
}

/// Accuracy and, for two classes, precision/recall/F1 of the second (positive) class; for more,
/// a table per class and their macro average.
fn class_metrics(classes: &[String], counts: &[Vec<usize>]) -> String {
    let total: usize = counts.iter().flatten().sum();
    let right: usize = (0..classes.len()).map(|c| counts[c][c]).sum();
    let accuracy = if total == 0 { 0.0 } else { right as f64 / total as f64 };
    let mut pairs = vec![
        ("examples".to_string(), total.to_string()),
        (
            "accuracy".to_string(),
            format!("{:.4} ({right} of {total} right)", accuracy),
        ),
    ];
    if classes.len() == 2 {
        let cm = one_vs_rest(counts, 1);
        let positive = &classes[1];
        pairs.push((
            format!("precision (positive class “{positive}”)"),
            format!("{:.4}", cm.precision()),
        ));
        pairs.push((
            format!("recall (positive class “{positive}”)"),
            format!("{:.4}", cm.recall()),
        ));
        pairs.push((format!("F1 (positive class “{positive}”)"), format!("{:.4}", cm.f1())));
        return facts(&pairs);
    }
    let per_class: Vec<ConfusionMatrix> = (0..classes.len()).map(|c| one_vs_rest(counts, c)).collect();
    let macro_of = |f: fn(&ConfusionMatrix) -> f64| per_class.iter().map(f).sum::<f64>() / per_class.len() as f64;
    pairs.push((
        "macro precision".into(),
        format!("{:.4}", macro_of(ConfusionMatrix::precision)),
    ));
    pairs.push((
        "macro recall".into(),
        format!("{:.4}", macro_of(ConfusionMatrix::recall)),
    ));
    pairs.push(("macro F1".into(), format!("{:.4}", macro_of(ConfusionMatrix::f1))));
    let rows: Vec<Vec<String>> = classes
        .iter()
        .zip(&per_class)
        .map(|(name, cm)| {
            vec![
                name.clone(),
                format!("{:.4}", cm.precision()),
                format!("{:.4}", cm.recall()),
                format!("{:.4}", cm.f1()),
                (cm.tp + cm.fn_).to_string(),
            ]
        })
        .collect();
    facts(&pairs)
        + &table(
            &["class", "precision", "recall", "F1", "examples"],
            &rows,
            &[1, 2, 3, 4],
        )
}

/// The confusion matrix as a table whose cells are shaded by the share of their row (the
/// recall of the true class in the diagonal).
fn heat_map(classes: &[String], counts: &[Vec<usize>]) -> String {
    let mut out = String::from(
        "<p class=\"note\">Confusion matrix: one row per true class, one column per predicted class; \
         the shade is the share of the row.</p>\n<table class=\"heat\">\n<thead><tr>\
         <th class=\"corner\">true ↓ predicted →</th>",
    );
    for name in classes {
        let _ = write!(out, "<th>{}</th>", escape(name));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for (t, row) in counts.iter().enumerate() {
        let total: usize = row.iter().sum();
        let _ = write!(out, "<tr><th>{}</th>", escape(&classes[t]));
        for (p, &n) in row.iter().enumerate() {
            let share = if total == 0 { 0.0 } else { n as f64 / total as f64 };
            let (r, g, b) = if p == t { (36, 86, 200) } else { (200, 40, 40) };
            let ink = if share > 0.55 { "#fff" } else { "#1d2430" };
            let _ = write!(
                out,
                "<td class=\"cell\" style=\"background: rgba({r}, {g}, {b}, {:.3}); color: {ink}\" \
                 title=\"{:.1} % of this row\">{n}</td>",
                share.max(0.0) * 0.9,
                100.0 * share
            );
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn one_vs_rest_counts_add_up() {
        // true 0: 5 right, 1 called 1; true 1: 2 called 0, 7 right.
        let counts = vec![vec![5, 1], vec![2, 7]];
        let cm = one_vs_rest(&counts, 1);
        assert_eq!(
            cm,
            ConfusionMatrix {
                tp: 7,
                fp: 1,
                tn: 5,
                fn_: 2
            }
        );
    }

    #[test]
    fn a_binary_network_evaluation_names_its_classes() {
        let net =
            Network::from_parameters(vec![(array![[1.0]], array![[0.0]])], &[crate::Activation::Sigmoid]).unwrap();
        let names = ["no".to_string(), "<yes>".to_string()];
        let x = array![[-2.0, -1.0, 1.0, 2.0]];
        let y = array![[0.0, 1.0, 1.0, 1.0]];
        let e = Evaluation::of_network("test", &net, x.view(), y.view(), Some(&names)).unwrap();
        let html = e.html().unwrap();
        assert!(html.contains("0.7500 (3 of 4 right)"), "{html}");
        assert!(html.contains("&lt;yes&gt;") && !html.contains("<yes>"), "{html}");
        let wrong_y = array![[0.0, 1.0]];
        assert!(Evaluation::of_network("test", &net, x.view(), wrong_y.view(), None).is_err());
    }
}

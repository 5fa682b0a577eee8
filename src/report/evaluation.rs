//! Final metrics of one evaluated set: accuracy, precision, recall, F1 and the confusion matrix
//! as a heat map for classes (above 30 classes, the classes with the lowest F1 and the most
//! frequent confusions: see [`super::classes`]); RMSE, MAE, R² and the predicted-vs-true
//! scatter for numbers.

use std::fmt::Write as _;

use ndarray::{Array2, ArrayView2, Axis};

use super::charts::scatter_chart;
use super::classes::class_section;
use super::html::{escape, facts};
use crate::base::check;
use crate::metrics::{mae, r2, rmse};
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
                out.push_str(&class_section(&self.set, classes, truth, predicted)?);
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

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

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

//! The "run" section (architecture, cost, optimizer, training settings, path, time, data) and
//! the divergence section.

use std::fmt::Write as _;

use super::html::{Section, escape, facts, number, table};
use crate::nn::network::thousands;
use crate::{
    Adam, Error, Float, GradientDescent, History, Momentum, Network, Optimizer, RmsProp, TrainConfig, TrainLength,
};

/// The optimizer's name and its hyperparameters, as shown.
#[derive(Clone, Debug)]
pub(crate) struct OptimizerInfo {
    pub name: String,
    pub hyperparameters: String,
}

impl OptimizerInfo {
    /// Recognises the crate's optimizers (their configs are shown whole); any other shows its
    /// learning rate.
    pub(crate) fn of<F: Float, O: Optimizer<F> + ?Sized>(optimizer: &O) -> Self {
        let any = optimizer.as_any();
        let fields = |debug: String| match (debug.find('{'), debug.rfind('}')) {
            (Some(a), Some(b)) if a < b => debug[a + 1..b].trim().to_string(),
            _ => debug,
        };
        let (name, hyperparameters) = if any.downcast_ref::<GradientDescent>().is_some() {
            (
                "gradient descent",
                format!("learning_rate: {}", optimizer.learning_rate()),
            )
        } else if let Some(adam) = any.downcast_ref::<Adam<F>>() {
            ("Adam", fields(format!("{:?}", adam.config())))
        } else if let Some(momentum) = any.downcast_ref::<Momentum<F>>() {
            ("momentum", fields(format!("{:?}", momentum.config())))
        } else if let Some(rmsprop) = any.downcast_ref::<RmsProp<F>>() {
            ("RMSprop", fields(format!("{:?}", rmsprop.config())))
        } else {
            (
                "a custom optimizer",
                format!("learning_rate: {}", optimizer.learning_rate()),
            )
        };
        OptimizerInfo {
            name: name.into(),
            hyperparameters,
        }
    }
}

/// What the report knows about the run besides the history and the network.
#[derive(Clone, Debug, Default)]
pub(crate) struct RunInfo {
    pub optimizer: Option<OptimizerInfo>,
    pub config: Option<TrainConfig>,
    pub seconds: Option<f64>,
    /// (name, shape or description), e.g. ("X, training set", "(12288, 209)").
    pub data: Vec<(String, String)>,
    /// A tabular model's most influential features: (name, weight or importance).
    pub top_features: Vec<(String, f64)>,
}

/// The network's summary (its `Display`) as a table: layer, W, b, activation, parameters.
fn architecture<F: Float>(net: &Network<F>) -> String {
    let dropout = net.layers().iter().any(|layer| layer.keep_prob() < 1.0);
    let rows: Vec<Vec<String>> = net
        .layers()
        .iter()
        .enumerate()
        .map(|(i, layer)| {
            let (n, n_prev) = (layer.units(), layer.inputs());
            let mut row = vec![
                (i + 1).to_string(),
                format!("({n}, {n_prev})"),
                format!("({n}, 1)"),
                layer.activation().to_string(),
                thousands(n.saturating_mul(n_prev + 1)),
            ];
            if dropout {
                row.push(layer.keep_prob().to_string());
            }
            row
        })
        .collect();
    let mut headers = vec!["layer", "W", "b", "activation", "parameters"];
    if dropout {
        headers.push("keep_prob");
    }
    format!(
        "<h3>Architecture</h3>\n<p>Network&lt;{}&gt;: n_x = {}, L = {} layers, {} parameters in total.</p>\n{}",
        F::NAME,
        net.layers().first().map_or(0, |l| l.inputs()),
        net.depth(),
        thousands(net.parameter_count()),
        table(&headers, &rows, &[0, 4])
    )
}

/// "run": everything about how the network was trained.
pub(crate) fn run_section<F: Float>(net: &Network<F>, history: &History, info: &RunInfo) -> Section {
    let mut pairs = vec![("element type".to_string(), F::NAME.to_string())];
    let mut cost = net.cost_function().name().to_string();
    if net.l2() > 0.0 {
        let _ = write!(cost, " + L2 (λ = {})", net.l2());
    }
    pairs.push(("cost function".into(), cost));
    if let Some(o) = &info.optimizer {
        pairs.push(("optimizer".into(), o.name.clone()));
        pairs.push(("hyperparameters".into(), o.hyperparameters.clone()));
    }
    if let Some(c) = &info.config {
        let length = match c.length {
            TrainLength::Iterations(n) => format!("{n} iterations"),
            TrainLength::Epochs(n) => format!("{n} epochs"),
        };
        pairs.push(("length".into(), length));
        let batch = c
            .batch_size
            .map_or("the whole training set (batch gradient descent)".to_string(), |b| {
                format!("{b} examples")
            });
        pairs.push(("batch size".into(), batch));
        if c.batch_size.is_some() {
            pairs.push(("seed (mini-batch shuffling)".into(), c.seed.to_string()));
        }
        let every = match c.record_every {
            1 => "iteration".to_string(),
            n => format!("{n} iterations"),
        };
        pairs.push(("cost recorded every".into(), every));
        pairs.push(("learning-rate schedule".into(), format!("{:?}", c.schedule)));
    }
    if let Some(last) = history.records.last() {
        pairs.push(("iterations run".into(), (last.iteration + 1).to_string()));
    }
    let iterations = history.records.last().map(|r| r.iteration + 1);
    if !history.epochs.is_empty() && iterations != Some(history.epochs.len()) {
        pairs.push(("epochs run".into(), history.epochs.len().to_string()));
    }
    pairs.push(("training path".into(), history.plan.path.to_string()));
    if !history.plan.reasons.is_empty() {
        pairs.push(("why no faster path".into(), history.plan.reasons.join("; ")));
    }
    if let Some(s) = info.seconds {
        pairs.push(("training time".into(), format!("{s:.3} s")));
    }
    pairs.extend(info.data.iter().cloned());
    let mut body = facts(&pairs) + &architecture(net);
    if !info.top_features.is_empty() {
        let rows: Vec<Vec<String>> = info
            .top_features
            .iter()
            .map(|(name, weight)| vec![name.clone(), format!("{weight:+.4}")])
            .collect();
        body.push_str(
            "<h3>Most influential features</h3>\n<p class=\"note\">The largest weights on the \
             standardized features (one output: signed, + favours the positive label or a larger \
             value; otherwise the norm of the feature's column of W[1]).</p>\n",
        );
        body.push_str(&table(&["feature", "weight"], &rows, &[1]));
    }
    Section {
        id: "run",
        heading: "The run".into(),
        body,
    }
}

/// Why training stopped with an error, as the report shows it.
#[derive(Clone, Debug)]
pub(crate) struct Failure {
    pub iteration: Option<usize>,
    pub what: String,
    pub last_finite_cost: Option<f64>,
}

impl Failure {
    pub(crate) fn of(error: &Error) -> Self {
        match error {
            Error::Diverged {
                iteration,
                what,
                last_finite_cost,
            } => Failure {
                iteration: Some(*iteration),
                what: what.clone(),
                last_finite_cost: *last_finite_cost,
            },
            other => Failure {
                iteration: None,
                what: other.to_string(),
                last_finite_cost: None,
            },
        }
    }

    /// "divergence": an alert naming the first non-finite matrix.
    pub(crate) fn section(&self) -> Section {
        let mut body = String::from("<div class=\"alert\">");
        match self.iteration {
            Some(i) => {
                let _ = write!(
                    body,
                    "<p><strong>Training diverged at iteration {i}.</strong> The first non-finite matrix: {}</p>",
                    escape(&self.what)
                );
            }
            None => {
                let _ = write!(
                    body,
                    "<p><strong>Training stopped with an error:</strong> {}</p>",
                    escape(&self.what)
                );
            }
        }
        if let Some(c) = self.last_finite_cost {
            let _ = write!(body, "<p>The last finite cost was {}.</p>", number(c));
        }
        body.push_str(
            "<p class=\"note\">A lower learning rate, inputs scaled to a small range, or a smaller \
             initialisation usually keep the numbers finite.</p></div>\n",
        );
        Section {
            id: "divergence",
            heading: "Divergence".into(),
            body,
        }
    }
}

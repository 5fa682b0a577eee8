//! The one place that decides how `fit` runs its iterations, and says why.
//!
//! ```text
//! mini-batches (batch_size < m)                       → MiniBatch
//! plain full-batch GD, no L2/dropout, m ≤ n_x / 4       → GramForm
//! plain full-batch GD, logistic regression, no L2       → FusedLogistic
//! anything else                                          → Textbook
//! ```
//!
//! "Plain full-batch gradient descent" is [`GradientDescent`] at a constant rate on the whole
//! batch, with no validation set and no diagnostics. Both look at the network between steps,
//! which the fast paths do not keep up to date: the Gram form forms `W[1]` only when training
//! ends, and neither path keeps the caches `Z[l]`, `A[l]` of the network that diagnostics read.
//! A validation split ([`Validation::split`](crate::Validation::split)) is a validation set
//! like any other here, so the reason names it and the number of examples held out.

use std::fmt;

use super::data::Data;
use crate::{Activation, Cost, Float, GradientDescent, LearningRateSchedule, Network, Optimizer, TrainConfig};

/// The way [`Network::fit`](crate::Network::fit) ran its iterations. All give the iterates of
/// the textbook loop up to rounding; the faster ones apply to fewer cases.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum TrainingPath {
    /// Batch gradient descent with `Z[1]` updated through the Gram matrix XᵀX (see
    /// [`TrainConfig::gram`](crate::TrainConfig::gram)).
    GramForm,
    /// Logistic regression with one fused pass over X per iteration (dW, the update and the
    /// next Z from the same read of each row of X).
    FusedLogistic,
    /// The textbook step on the whole batch: forward, cost, backward, update.
    #[default]
    Textbook,
    /// The textbook step on shuffled mini-batches.
    MiniBatch,
}

impl fmt::Display for TrainingPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TrainingPath::GramForm => "the Gram form",
            TrainingPath::FusedLogistic => "the fused logistic pass",
            TrainingPath::Textbook => "textbook",
            TrainingPath::MiniBatch => "mini-batches",
        })
    }
}

/// The path `fit` took and why each faster one did not apply.
///
/// ```
/// use ndnet::{data, Activation, GradientDescent, Initializer, Network, TrainConfig, TrainingPath};
/// use rand::SeedableRng;
/// let (x, y) = data::xor::<f64>();
/// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
/// let mut net = Network::new(&[2, 4, 1], Activation::Tanh, Activation::Sigmoid, Initializer::Xavier, &mut rng)?
///     .with_l2(0.01)?;
/// let history = net.fit((&x, &y), &mut GradientDescent::new(0.5)?, &TrainConfig::new(10))?;
/// assert_eq!(history.plan.path, TrainingPath::Textbook);
/// assert_eq!(
///     history.plan.to_string(),
///     "textbook (the Gram form does not apply: L2 is on, m = 4 > n_x / 4 = 0; \
///      the fused logistic pass does not apply: the network is not logistic regression)"
/// );
/// # Ok::<(), ndnet::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Plan {
    /// What the examples were read from, e.g. `"X and Y in memory"` or `"x.npy and y.npy"`.
    pub source: String,
    /// The path that ran.
    pub path: TrainingPath,
    /// Whether the mini-batches were read one batch ahead, on a thread of their own.
    pub prefetch: bool,
    /// For each path faster than `path`: why it did not apply, e.g. "the Gram form does not
    /// apply: L2 is on". Empty when the fastest path for the network ran.
    pub reasons: Vec<String>,
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path)?;
        if self.source != IN_MEMORY {
            write!(f, " of {}", self.source)?;
        }
        if self.prefetch {
            write!(f, ", read one batch ahead")?;
        }
        if !self.reasons.is_empty() {
            write!(f, " ({})", self.reasons.join("; "))?;
        }
        Ok(())
    }
}

/// Whether the Gram form is the cheaper one for X of shape (n_x, m): m ≤ n_x / 4 (a step
/// costs `n[1]`·m² against 2·`n[1]`·n_x·m), and G small (at most 2048², 32 MB in f64).
pub(super) fn gram_pays(n_x: usize, m: usize) -> bool {
    m <= 2048 && m.saturating_mul(4) <= n_x
}

/// What [`Examples::describe`](crate::data::Examples::describe) says of an in-memory (X, Y).
const IN_MEMORY: &str = "X and Y in memory";

/// Decides the path for training `net` on `data` with `optimizer` and `config`; `validation`
/// is the number of examples a validation split held out of the data (0 for a set given
/// apart), `None` without validation.
pub(super) fn plan<F: Float, O: Optimizer<F> + ?Sized>(
    net: &Network<F>,
    data: &Data<'_, F>,
    optimizer: &O,
    config: &TrainConfig,
    validation: Option<usize>,
    checkpoints: bool,
    ranks: Option<usize>,
) -> Plan {
    let source = data.describe();
    if let Some(ranks) = ranks {
        let m = data.m();
        let b = config.batch_size.unwrap_or(m).min(m);
        return Plan {
            source,
            path: TrainingPath::MiniBatch,
            prefetch: data.in_memory().is_none(),
            reasons: vec![format!(
                "distributed over {ranks} ranks: every step is a global batch of {b} examples shared out \
                 between them; the Gram form and the fused logistic pass run on one process"
            )],
        };
    }
    let Some((x, _)) = data.in_memory() else {
        return Plan {
            source,
            path: TrainingPath::MiniBatch,
            prefetch: true,
            reasons: vec![
                "examples read batch by batch: the Gram form and the fused logistic pass need X in memory".into(),
            ],
        };
    };
    let (n_x, m) = x.dim();
    if let Some(b) = config.batch_size.filter(|&b| b < m) {
        return Plan {
            source,
            path: TrainingPath::MiniBatch,
            prefetch: false,
            reasons: vec![format!(
                "mini-batches of {b} < m = {m}: the Gram form and the fused logistic pass need full-batch gradient descent"
            )],
        };
    }
    // What both fast paths need: plain full-batch gradient descent, nothing looking in between.
    let mut common = Vec::new();
    if optimizer.as_any().downcast_ref::<GradientDescent>().is_none() {
        common.push("the optimizer is not GradientDescent".to_string());
    }
    if config.schedule != LearningRateSchedule::Constant {
        common.push("the learning rate follows a schedule".into());
    }
    match validation {
        Some(0) => common.push("a validation set is watched".into()),
        Some(held_out) => common.push(format!("a validation split ({held_out} examples held out) is watched")),
        None => {}
    }
    if checkpoints {
        common.push("checkpoints are written".into());
    }
    if config.diagnostics {
        common.push("diagnostics are recorded".into());
    }
    if net.l2() != 0.0 {
        common.push("L2 is on".into());
    }

    let mut gram = common.clone();
    if !config.gram {
        gram.push("TrainConfig::gram is off".into());
    }
    if net.layers().iter().any(|layer| layer.keep_prob() < 1.0) {
        gram.push("dropout is on".into());
    }
    if !gram_pays(n_x, m) {
        gram.push(match m > 2048 {
            true => format!("m = {m} > 2048"),
            false => format!("m = {m} > n_x / 4 = {}", n_x / 4),
        });
    }
    if gram.is_empty() {
        return Plan {
            source,
            path: TrainingPath::GramForm,
            prefetch: false,
            reasons: Vec::new(),
        };
    }

    let mut fused = common;
    if !is_logistic_regression(net) {
        fused = vec!["the network is not logistic regression".into()];
    } else if !x.is_standard_layout() {
        fused.push("X is not in standard layout".into());
    }
    let reasons = vec![
        format!("the Gram form does not apply: {}", gram.join(", ")),
        format!("the fused logistic pass does not apply: {}", fused.join(", ")),
    ];
    let path = match fused.is_empty() {
        true => TrainingPath::FusedLogistic,
        false => TrainingPath::Textbook,
    };
    let reasons = match path {
        TrainingPath::FusedLogistic => reasons[..1].to_vec(),
        _ => reasons,
    };
    Plan {
        source,
        path,
        prefetch: false,
        reasons,
    }
}

/// One sigmoid unit on the inputs, trained on binary cross-entropy.
fn is_logistic_regression<F: Float>(net: &Network<F>) -> bool {
    net.depth() == 1
        && net.layers()[0].units() == 1
        && net.layers()[0].activation() == Activation::Sigmoid
        && net.cost_function() == Cost::BinaryCrossEntropy
}

#[cfg(test)]
mod tests {
    use ndarray::Array2;

    use super::*;
    use crate::data::InMemory;
    use crate::{Adam, AdamConfig};

    fn in_memory(x: &Array2<f64>) -> Data<'_, f64> {
        Data::InMemory(InMemory::from_views(x.view(), x.slice(ndarray::s![..1, ..])))
    }

    #[test]
    fn the_gram_form_is_chosen_for_few_examples_only() {
        assert!(gram_pays(12288, 209));
        assert!(!gram_pays(700, 300));
        assert!(!gram_pays(1_000_000, 4096));
        assert!(!gram_pays(usize::MAX, usize::MAX / 2));
    }

    #[test]
    fn each_path_is_chosen_with_its_reasons() {
        let gd = GradientDescent::new(0.1).unwrap();
        let logistic = Network::<f64>::logistic_regression(100).unwrap();
        let wide = Array2::<f64>::zeros((100, 20));
        let tall = Array2::<f64>::zeros((100, 50));
        let full = TrainConfig::new(5);

        let gram = plan(&logistic, &in_memory(&wide), &gd, &full, None, false, None);
        assert_eq!((gram.path, gram.reasons.len()), (TrainingPath::GramForm, 0));

        let fused = plan(&logistic, &in_memory(&tall), &gd, &full, None, false, None);
        assert_eq!(fused.path, TrainingPath::FusedLogistic);
        assert_eq!(fused.reasons, ["the Gram form does not apply: m = 50 > n_x / 4 = 25"]);

        let adam = Adam::<f64>::new(AdamConfig::default()).unwrap();
        let textbook = plan(&logistic, &in_memory(&wide), &adam, &full, Some(0), false, None);
        assert_eq!(textbook.path, TrainingPath::Textbook);
        assert_eq!(
            textbook.to_string(),
            "textbook (the Gram form does not apply: the optimizer is not GradientDescent, \
             a validation set is watched; the fused logistic pass does not apply: the optimizer \
             is not GradientDescent, a validation set is watched)"
        );

        let split = plan(&logistic, &in_memory(&wide), &gd, &full, Some(4), false, None);
        assert_eq!(split.path, TrainingPath::Textbook);
        assert_eq!(
            split.reasons[0],
            "the Gram form does not apply: a validation split (4 examples held out) is watched"
        );

        let batches = plan(
            &logistic,
            &in_memory(&wide),
            &gd,
            &full.clone().batch_size(8),
            None,
            false,
            None,
        );
        assert_eq!(batches.path, TrainingPath::MiniBatch);
        // A batch as large as m is batch gradient descent.
        let whole = plan(
            &logistic,
            &in_memory(&wide),
            &gd,
            &full.batch_size(20),
            None,
            false,
            None,
        );
        assert_eq!(whole.path, TrainingPath::GramForm);

        // A `dyn Optimizer` holding gradient descent is still recognised.
        let boxed: Box<dyn Optimizer<f64>> = Box::new(gd);
        assert_eq!(
            plan(
                &logistic,
                &in_memory(&wide),
                &*boxed,
                &TrainConfig::new(5),
                None,
                false,
                None
            )
            .path,
            TrainingPath::GramForm
        );
    }
}

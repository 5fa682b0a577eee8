//! The checkpoint file: a `.safetensors` file (through `base::tensors`, as saved models are)
//! whose tensors are the parameters, the optimizer's arrays and early stopping's best
//! parameters, and whose metadata holds the rest as one JSON document, every number written
//! exactly.
//!
//! ```text
//! tensors   W1, b1, …, WL, bL                  the parameters
//!           optimizer/<l>/<W|b>/<name>         the optimizer's arrays (Adam's v and s, …)
//!           best/W1, best/b1, …                early stopping's best parameters
//! metadata  format = "ndnet-checkpoint", version = "1", float = "f32" | "f64", run = { … }
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use ndarray::Array2;
use serde::{Deserialize, Serialize};

use super::run::{Parameters, RunKey, Snapshot};
use crate::base::tensors::{Tensors, to_safetensors};
use crate::train::{EpochRecord, History, Record};
use crate::{Diagnostics, Error, Float, OptimizerState, ParamId, ParamKind, Result};

const FORMAT: &str = "ndnet-checkpoint";
const VERSION: &str = "1";

/// Early stopping's state but the best parameters (tensors `best/…`).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Stopper {
    patience: usize,
    since_best: usize,
    /// The epoch with the lowest validation cost so far and that cost.
    best: Option<(usize, f64)>,
}

/// Everything but the tensors.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    key: Vec<(String, String)>,
    step: usize,
    last_finite_cost: Option<f64>,
    initial_rate: f64,
    epoch_cost: f64,
    epoch_steps: usize,
    records: Vec<Record>,
    epochs: Vec<EpochRecord>,
    diagnostics: Vec<Diagnostics>,
    best_epoch: Option<usize>,
    stopped_early: bool,
    /// Early stopping, when on.
    stopper: Option<Stopper>,
    dropout_rng: Option<rand::rngs::Xoshiro256PlusPlus>,
    layers: usize,
    optimizer_name: String,
    optimizer_hyperparameters: Vec<(String, f64)>,
    optimizer_counters: Vec<(String, f64)>,
    /// The optimizer's arrays: (layer, "W" or "b", name), in the order of its state.
    optimizer_arrays: Vec<(usize, String, String)>,
}

/// Writes `snapshot` at `path`, atomically (the old checkpoint stays whole until the new one
/// is complete).
pub(super) fn write<'s, F: Float>(path: &Path, snapshot: &'s Snapshot<F>) -> Result<()> {
    let kind = |kind: ParamKind| match kind {
        ParamKind::Weights => "W",
        ParamKind::Bias => "b",
    };
    let stopper = snapshot.stopper.as_ref().map(|(patience, since, best)| Stopper {
        patience: *patience,
        since_best: *since,
        best: best.as_ref().map(|(e, c, _)| (*e, *c)),
    });
    let document = Document {
        key: snapshot.key.0.clone(),
        step: snapshot.step,
        last_finite_cost: snapshot.last_finite_cost,
        initial_rate: snapshot.initial_rate,
        epoch_cost: snapshot.epoch_cost,
        epoch_steps: snapshot.epoch_steps,
        records: snapshot.history.records.clone(),
        epochs: snapshot.history.epochs.clone(),
        diagnostics: snapshot.history.diagnostics.clone(),
        best_epoch: snapshot.history.best_epoch,
        stopped_early: snapshot.history.stopped_early,
        stopper,
        dropout_rng: snapshot.dropout_rng.clone(),
        layers: snapshot.parameters.len(),
        optimizer_name: snapshot.optimizer.name.clone(),
        optimizer_hyperparameters: snapshot.optimizer.hyperparameters.clone(),
        optimizer_counters: snapshot.optimizer.counters.clone(),
        optimizer_arrays: snapshot
            .optimizer
            .arrays
            .iter()
            .map(|(id, name, _)| (id.layer, kind(id.kind).to_owned(), name.clone()))
            .collect(),
    };
    let run = serde_json::to_string(&document).map_err(|e| Error::InvalidArgument {
        argument: "checkpoints",
        message: format!("the run's state cannot be written as JSON: {e}"),
    })?;
    let metadata = BTreeMap::from([
        ("format".to_owned(), FORMAT.to_owned()),
        ("version".to_owned(), VERSION.to_owned()),
        ("float".to_owned(), F::NAME.to_owned()),
        ("run".to_owned(), run),
    ]);
    let mut matrices = Vec::new();
    let mut parameters = |prefix: &str, parameters: &'s Parameters<F>| {
        for (l, (w, b)) in parameters.iter().enumerate() {
            matrices.push((format!("{prefix}W{}", l + 1), w.view()));
            matrices.push((format!("{prefix}b{}", l + 1), b.view()));
        }
    };
    parameters("", &snapshot.parameters);
    if let Some((_, _, Some((_, _, best)))) = &snapshot.stopper {
        parameters("best/", best);
    }
    for (id, name, values) in &snapshot.optimizer.arrays {
        matrices.push((
            format!("optimizer/{}/{}/{name}", id.layer, kind(id.kind)),
            values.view(),
        ));
    }
    let bytes = to_safetensors(matrices, metadata)?;
    crate::base::atomic::write(path, &bytes)
}

/// The checkpoint in `bytes`, read from `path` (named in errors).
///
/// # Errors
/// [`Error::Format`] naming the file and what is wrong if it is not a whole ndnet checkpoint
/// of float type F (truncated, another format or version, a missing or malformed tensor or
/// field, a non-finite number).
pub(super) fn parse<F: Float>(path: &Path, bytes: &[u8]) -> Result<Snapshot<F>> {
    let tensors = Tensors::parse(path, bytes)?;
    let format = |message: String| Error::Format {
        path: path.to_path_buf(),
        line: None,
        column: None,
        message,
    };
    if tensors.metadata("format") != Some(FORMAT) {
        return Err(format(
            "not an ndnet checkpoint (no \"format\": \"ndnet-checkpoint\" in its metadata)".into(),
        ));
    }
    if tensors.metadata("version") != Some(VERSION) {
        return Err(format(format!(
            "checkpoint version {:?}; this ndnet reads version {VERSION}",
            tensors.metadata("version")
        )));
    }
    if tensors.metadata("float") != Some(F::NAME) {
        return Err(format(format!(
            "a checkpoint of an {} network; this run trains an {} one",
            tensors.metadata("float").unwrap_or("unknown"),
            F::NAME
        )));
    }
    let run = tensors
        .metadata("run")
        .ok_or_else(|| format("no \"run\" in its metadata".into()))?;
    let document: Document =
        serde_json::from_str(run).map_err(|e| format(format!("its \"run\" metadata is not the run's state: {e}")))?;
    document.check().map_err(format)?;
    let parameters_named = |prefix: &str| -> Result<Parameters<F>> {
        (1..=document.layers)
            .map(|l| {
                let w = tensors.matrix::<F>(&format!("{prefix}W{l}"))?;
                let b = tensors.matrix::<F>(&format!("{prefix}b{l}"))?;
                Ok((w, b))
            })
            .collect()
    };
    let parameters = parameters_named("")?;
    let stopper = match document.stopper {
        None => None,
        Some(Stopper {
            patience,
            since_best: since,
            best,
        }) => {
            let best = match best {
                None => None,
                Some((epoch, cost)) => Some((epoch, cost, parameters_named("best/")?)),
            };
            Some((patience, since, best))
        }
    };
    let mut arrays: Vec<(ParamId, String, Array2<F>)> = Vec::new();
    for (layer, kind, name) in &document.optimizer_arrays {
        let values = tensors.matrix::<F>(&format!("optimizer/{layer}/{kind}/{name}"))?;
        let kind = match kind.as_str() {
            "W" => ParamKind::Weights,
            _ => ParamKind::Bias,
        };
        arrays.push((ParamId { layer: *layer, kind }, name.clone(), values));
    }
    let mut optimizer = OptimizerState::new(document.optimizer_name, document.optimizer_hyperparameters);
    optimizer.counters = document.optimizer_counters;
    optimizer.arrays = arrays;
    let history = History {
        records: document.records,
        epochs: document.epochs,
        best_epoch: document.best_epoch,
        stopped_early: document.stopped_early,
        diagnostics: document.diagnostics,
        plan: Default::default(),
        held_out: 0,
    };
    Ok(Snapshot {
        key: RunKey(document.key),
        step: document.step,
        last_finite_cost: document.last_finite_cost,
        initial_rate: document.initial_rate,
        epoch_cost: document.epoch_cost,
        epoch_steps: document.epoch_steps,
        history,
        stopper,
        dropout_rng: document.dropout_rng,
        parameters,
        optimizer,
    })
}

impl Document {
    /// What a checkpoint written by `fit` always satisfies.
    fn check(&self) -> std::result::Result<(), String> {
        let finite = [
            ("initial_rate", Some(self.initial_rate)),
            ("epoch_cost", Some(self.epoch_cost)),
            ("last_finite_cost", self.last_finite_cost),
        ];
        if let Some((name, value)) = finite.iter().find(|(_, v)| v.is_some_and(|v| !v.is_finite())) {
            return Err(format!("its {name} is {value:?}, not a finite number"));
        }
        if self.layers == 0 {
            return Err("it holds no layer".into());
        }
        if let Some((layer, kind, _)) = self
            .optimizer_arrays
            .iter()
            .find(|(l, k, _)| *l == 0 || *l > self.layers || (k != "W" && k != "b"))
        {
            return Err(format!(
                "it holds an optimizer array for layer {layer} {kind}, not a parameter of its network"
            ));
        }
        if self
            .records
            .iter()
            .any(|r| r.iteration >= self.step || !r.cost.is_finite())
        {
            return Err(format!(
                "it records a cost at or after its step {} or a non-finite one",
                self.step
            ));
        }
        if self.epochs.iter().enumerate().any(|(i, e)| e.epoch != i) {
            return Err("its epochs are not numbered 0, 1, 2, …".into());
        }
        if self.best_epoch.is_some_and(|b| b >= self.epochs.len()) {
            return Err("its best epoch is past its epochs".into());
        }
        Ok(())
    }
}

//! Why a network does (not) learn: per-layer figures recorded during training.
//!
//! - **gradient norms** ‖`dW[l]`‖, ‖`db[l]`‖: vanishing (≈ 0 in the first layers) or exploding;
//! - **dead ReLU units**: the fraction of ReLU units whose Z ≤ 0 for every example of the batch
//!   (they get no gradient and stop learning);
//! - **saturated units**: the fraction of sigmoid/tanh activations in the flat tails
//!   (|z| > 4 for sigmoid, |z| > 2 for tanh), where g′ is tiny;
//! - **identical units**: hidden units whose incoming weights and bias equal another unit's —
//!   the symmetry that zero initialisation never breaks.
//!
//! ```
//! use ndnet::{data, Activation, GradientDescent, Initializer, Network, TrainConfig};
//! use rand::SeedableRng;
//!
//! let mut rng = rand::rngs::StdRng::seed_from_u64(0);
//! let (x, y) = data::planar_flower::<f64, _>(100, &mut rng)?;
//! let mut net = Network::new(&[2, 4, 1], Activation::Tanh, Activation::Sigmoid, Initializer::Zeros, &mut rng)?;
//! let history = net.fit((&x, &y), &mut GradientDescent::new(0.5)?, &TrainConfig::new(200).diagnostics(true))?;
//! let last = history.diagnostics.last().unwrap();
//! assert_eq!(last.layers[0].identical_units, 4); // zero init: all four hidden units alike
//! println!("{last}");
//! # Ok::<(), ndnet::Error>(())
//! ```

use std::fmt;

use ndarray::{ArrayView2, Axis};

use crate::{Activation, Dense, Float, Network};

/// The figures of every layer at one iteration.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Diagnostics {
    /// The iteration (step) they were taken at, after its update.
    pub iteration: usize,
    /// One entry per layer, layer 1 first.
    pub layers: Vec<LayerDiagnostics>,
}

/// One layer's figures.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LayerDiagnostics {
    /// The layer's number l.
    pub layer: usize,
    /// ‖`dW[l]`‖ (Frobenius norm).
    pub dw_norm: f64,
    /// ‖`db[l]`‖.
    pub db_norm: f64,
    /// ReLU layers: the fraction of units with Z ≤ 0 on every example of the batch.
    pub dead_fraction: Option<f64>,
    /// Sigmoid/tanh layers: the fraction of activations in the saturated tails.
    pub saturated_fraction: Option<f64>,
    /// The number of units whose (W row, b) equals another unit's (0 when all differ).
    pub identical_units: usize,
}

impl Diagnostics {
    pub(crate) fn of<F: Float>(net: &Network<F>, iteration: usize) -> Self {
        let layers = net
            .layers()
            .iter()
            .enumerate()
            .map(|(i, layer)| LayerDiagnostics::of(i + 1, layer))
            .collect();
        Diagnostics { iteration, layers }
    }
}

impl LayerDiagnostics {
    fn of<F: Float>(l: usize, layer: &Dense<F>) -> Self {
        let norm = |a: ArrayView2<F>| a.iter().map(|v| v.as_f64().powi(2)).sum::<f64>().sqrt();
        let z = layer.z();
        let dead_fraction = (layer.activation() == Activation::Relu && !z.is_empty()).then(|| {
            let dead = z
                .axis_iter(Axis(0))
                .filter(|row| row.iter().all(|&v| v <= F::zero()))
                .count();
            dead as f64 / z.nrows() as f64
        });
        let tail = match layer.activation() {
            Activation::Sigmoid => Some(4.0),
            Activation::Tanh => Some(2.0),
            _ => None,
        };
        let saturated_fraction = tail
            .filter(|_| !z.is_empty())
            .map(|tail| z.iter().filter(|v| v.as_f64().abs() > tail).count() as f64 / z.len() as f64);
        LayerDiagnostics {
            layer: l,
            dw_norm: norm(layer.dw()),
            db_norm: norm(layer.db()),
            dead_fraction,
            saturated_fraction,
            identical_units: identical_units(layer),
        }
    }
}

/// Units whose incoming weights and bias equal those of another unit.
fn identical_units<F: Float>(layer: &Dense<F>) -> usize {
    let (w, b) = (layer.w(), layer.b());
    let same = |i: usize, j: usize| w.row(i) == w.row(j) && b[[i, 0]] == b[[j, 0]];
    let n = layer.units();
    (0..n)
        .filter(|&i| n > 1 && (0..n).any(|j| j != i && same(i, j)))
        .count()
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "iteration {}:", self.iteration)?;
        writeln!(
            f,
            "  layer  ‖dW‖        ‖db‖        dead ReLU  saturated  identical units"
        )?;
        let percent = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{:.1} %", 100.0 * v));
        for d in &self.layers {
            writeln!(
                f,
                "  {:<5}  {:<10.3e}  {:<10.3e}  {:<9}  {:<9}  {}",
                d.layer,
                d.dw_norm,
                d.db_norm,
                percent(d.dead_fraction),
                percent(d.saturated_fraction),
                d.identical_units
            )?;
        }
        for d in &self.layers {
            if d.dw_norm < 1e-10 {
                writeln!(f, "  layer {}: ‖dW‖ ≈ 0 — vanishing gradients or a dead layer", d.layer)?;
            }
            if d.dead_fraction.is_some_and(|v| v > 0.5) {
                writeln!(
                    f,
                    "  layer {}: most ReLU units are dead — lower the learning rate or use He init / leaky ReLU",
                    d.layer
                )?;
            }
            if d.saturated_fraction.is_some_and(|v| v > 0.5) {
                writeln!(
                    f,
                    "  layer {}: most units are saturated — scale the inputs or the initial weights down",
                    d.layer
                )?;
            }
            if d.identical_units > 0 {
                writeln!(
                    f,
                    "  layer {}: {} units are identical — symmetry not broken (random initialisation?)",
                    d.layer, d.identical_units
                )?;
            }
        }
        Ok(())
    }
}

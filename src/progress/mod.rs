//! A terminal progress bar for long training runs (feature `progress`, on
//! [`indicatif`](https://docs.rs/indicatif)).
//!
//! The library never draws anything by itself: build a bar with [`bar`] and pass
//! [`callback`] to [`FitOptions::callback`](crate::FitOptions::callback). The bar shows the
//! step, the last recorded cost and the estimated time left; it is drawn on stderr, and hides
//! itself when stderr is not a terminal (a pipe, a file, CI), so a callback is always safe to run.
//!
//! The bar moves with every [`Record`], so train with
//! [`TrainConfig::record_every(1)`](crate::TrainConfig::record_every) (or a small k) for a
//! smooth bar.
//!
//! ```
//! use ndnet::{data, progress, Activation, Adam, AdamConfig, FitOptions, Initializer, Network, TrainConfig};
//! use rand::SeedableRng;
//!
//! let mut rng = rand::rngs::StdRng::seed_from_u64(0);
//! let (x, y) = data::planar_flower::<f32, _>(200, &mut rng)?;
//! let mut net = Network::new(&[2, 8, 1], Activation::Tanh, Activation::Sigmoid, Initializer::Xavier, &mut rng)?;
//! let config = TrainConfig::epochs(5).batch_size(50).record_every(1);
//! let bar = progress::bar(config.steps(x.ncols()));
//! net.fit((&x, &y), &mut Adam::new(AdamConfig::default())?, FitOptions::new(config).callback(progress::callback(bar.clone())))?;
//! bar.finish_and_clear();
//! assert_eq!(bar.position(), 20); // 5 epochs of 4 mini-batches
//! # Ok::<(), ndnet::Error>(())
//! ```

// Not inlined: indicatif's own page renders its docs (inlined here, their links to indicatif's
// other items break).
#[doc(no_inline)]
pub use indicatif::ProgressBar;
use indicatif::ProgressStyle;

use crate::Record;

/// What the bar shows: elapsed time, the bar, step / total, the cost and the time left.
const TEMPLATE: &str = "[{elapsed_precise}] {wide_bar} {pos}/{len} steps  {msg}  ETA {eta}";

/// A progress bar for `total_steps` gradient steps, drawn on stderr (hidden when stderr is not a
/// terminal). [`TrainConfig::steps`](crate::TrainConfig::steps) gives the total.
///
/// ```
/// let bar = ndnet::progress::bar(100);
/// assert_eq!(bar.length(), Some(100));
/// ```
pub fn bar(total_steps: usize) -> ProgressBar {
    let style = ProgressStyle::with_template(TEMPLATE).expect("the constant template is valid");
    ProgressBar::new(total_steps as u64).with_style(style)
}

/// Moves `bar` to the step after `record` and shows its cost.
///
/// ```
/// use ndnet::{progress, Record};
/// let bar = progress::bar(10);
/// progress::update(&bar, &Record { iteration: 4, cost: 0.25 });
/// assert_eq!((bar.position(), bar.message()), (5, "cost 0.250000".to_string()));
/// ```
pub fn update(bar: &ProgressBar, record: &Record) {
    // A record built by hand may hold iteration = usize::MAX.
    bar.set_position((record.iteration as u64).saturating_add(1));
    bar.set_message(format!("cost {:.6}", record.cost));
}

/// A training callback that [`update`]s `bar` with every record (pass a clone and keep the bar
/// to finish it after training).
///
/// ```
/// use ndnet::{progress, Record};
/// let bar = progress::bar(3);
/// let mut on_record = progress::callback(bar.clone());
/// (0..3).for_each(|i| on_record(&Record { iteration: i, cost: 1.0 / (i + 1) as f64 }));
/// assert_eq!(bar.position(), 3);
/// ```
pub fn callback(bar: ProgressBar) -> impl FnMut(&Record) {
    move |record| update(&bar, record)
}

#[cfg(test)]
mod tests {
    use indicatif::ProgressDrawTarget;

    use super::*;

    #[test]
    fn callback_runs_on_a_hidden_bar() {
        // A hidden target is what indicatif uses when stderr is not a terminal.
        let bar = bar(4);
        bar.set_draw_target(ProgressDrawTarget::hidden());
        assert!(bar.is_hidden());
        let mut on_record = callback(bar.clone());
        for iteration in 0..4 {
            on_record(&Record { iteration, cost: 0.5 });
        }
        assert_eq!(bar.position(), 4);
        assert_eq!(bar.message(), "cost 0.500000");
        bar.finish_and_clear();
        assert!(bar.is_finished());
    }
}

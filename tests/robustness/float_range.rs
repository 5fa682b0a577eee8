//! Precision lost in the model's float type: a value finite in f64 that is 0, subnormal or
//! infinite in f32 (a learning rate, a rate a schedule decays to, an ε, an initial scale, the
//! scale of a regression target) is an error naming it, never training that changes nothing.

use ndarray::{ArrayView2, ArrayViewMut2, array};
use ndnet::{
    Adam, AdamConfig, FitOptions, GradientDescent, Initializer, LearningRateSchedule, Network, Optimizer, ParamId,
    TrainConfig,
};

#[test]
fn learning_rates_and_epsilons_that_f32_holds_as_subnormals_are_refused() {
    for rate in [1e-40, 1e-44] {
        let err = GradientDescent::new(rate).and_then(|mut gd| Optimizer::<f32>::set_learning_rate(&mut gd, rate));
        assert!(err.unwrap_err().to_string().contains("is subnormal in this float type"));
        assert!(Adam::<f32>::new(AdamConfig::default().learning_rate(rate)).is_err());
        assert!(Adam::<f32>::new(AdamConfig::default().epsilon(rate)).is_err());
        // f64 holds them as normal numbers.
        assert!(Adam::<f64>::new(AdamConfig::default().learning_rate(rate)).is_ok());
        let (x, y) = (array![[1.0f32, -1.0]], array![[1.0f32, 0.0]]);
        let mut net = Network::<f32>::logistic_regression(1).unwrap();
        let err = net
            .fit((&x, &y), &mut GradientDescent::new(rate).unwrap(), TrainConfig::new(5))
            .unwrap_err();
        assert!(err.to_string().starts_with(&format!("learning_rate = {rate}")), "{err}");
    }
    assert!(Initializer::RandnScaled(1e-50).validate::<f32>().is_err());
    assert!(Initializer::RandnScaled(1e-40).validate::<f32>().is_err());
    assert!(Initializer::RandnScaled(1e-40).validate::<f64>().is_ok());
}

/// Gradient descent that takes any learning rate (a user's optimizer need not check it in F).
struct Lenient(f64);

impl Optimizer<f32> for Lenient {
    fn update(&mut self, _: ParamId, mut theta: ArrayViewMut2<f32>, grad: ArrayView2<f32>) -> ndnet::Result<()> {
        theta.scaled_add(-(self.0 as f32), &grad);
        Ok(())
    }
    fn learning_rate(&self) -> f64 {
        self.0
    }
    fn set_learning_rate(&mut self, learning_rate: f64) -> ndnet::Result<()> {
        self.0 = learning_rate;
        Ok(())
    }
}

/// α0 = 0.1 decayed by 1e-20 per epoch: 1e-21 at epoch 1 (normal in f32), 1e-41 at epoch 2
/// (subnormal), 0 after. Training stops at epoch 2 with an error naming the rate, for a built-in
/// optimizer and for one that would take any rate.
#[test]
fn a_schedule_decaying_below_the_range_of_f32_is_an_error_naming_the_rate() {
    let (x, y) = (array![[1.0f32, -1.0]], array![[1.0f32, 0.0]]);
    let config = TrainConfig::epochs(6)
        .record_every(1)
        .schedule(LearningRateSchedule::Exponential { rate: 1e-20 });
    let mut net = Network::<f32>::logistic_regression(1).unwrap();
    let err = net
        .fit((&x, &y), &mut GradientDescent::new(0.1).unwrap(), &config)
        .unwrap_err();
    assert!(err.to_string().contains("is subnormal in this float type"), "{err}");
    let mut records = 0;
    let options = FitOptions::new(config.clone()).callback(|_| records += 1);
    let err = Network::<f32>::logistic_regression(1)
        .unwrap()
        .fit((&x, &y), &mut Lenient(0.1), options)
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with("learning_rate = 0.0000") && text.contains("is subnormal"),
        "{text}"
    );
    assert_eq!(records, 2, "epochs 0 and 1 ran, epoch 2 did not");
}

#[cfg(feature = "csv")]
mod tabular {
    use ndnet::tabular::{Table, TabularConfig, TargetKind};
    use ndnet::{GradientDescent, TabularModel, TrainConfig};

    use crate::common::linear_regression;

    fn fit<F: ndnet::Float>(text: &str, config: &TabularConfig) -> ndnet::Result<TabularModel<F>> {
        let table = Table::from_reader(text.as_bytes(), "tiny.csv").unwrap();
        let mut gd = GradientDescent::new(0.1).unwrap();
        TabularModel::<F>::fit(
            &table,
            config,
            |n_x, n_y| linear_regression(n_x, n_y),
            &mut gd,
            TrainConfig::new(5),
        )
        .map(|(model, _)| model)
    }

    /// Targets around 1e-300: standardized, their std is 0 in f32 (every prediction would be
    /// the mean, itself 0 in f32); raw, every Y is 0. Both are errors naming the value; f64
    /// holds them.
    #[test]
    fn a_regression_target_that_f32_cannot_hold_is_an_error_naming_the_value() {
        let text = "x,y\n1,1e-300\n2,2e-300\n3,3e-300\n4,5e-300\n";
        let err = fit::<f32>(text, &TabularConfig::regression("y"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("the regression target \"y\" has std 1.4"), "{err}");
        assert!(err.contains("which is 0 in the model's 32-bit floats"), "{err}");
        let raw = TabularConfig::with_target("y", TargetKind::Regression { standardize: false });
        let err = fit::<f32>(text, &raw).unwrap_err().to_string();
        assert!(
            err.starts_with("tiny.csv, line 2, column y: target \"1e-300\" is 0 in the model's 32-bit floats"),
            "{err}"
        );
        let model = fit::<f64>(text, &TabularConfig::regression("y")).unwrap();
        let table = Table::from_reader(text.as_bytes(), "tiny.csv").unwrap();
        let predicted = model.predict_values(&table).unwrap();
        assert!(predicted.iter().all(|&v| v > 1e-301 && v < 1e-299), "{predicted:?}");
        // Large targets are fine in f32 when standardized: std 1.1e37.
        let large = "x,y\n1,1e37\n2,2e37\n3,3e37\n4,4e37\n";
        assert!(fit::<f32>(large, &TabularConfig::regression("y")).is_ok());
    }
}

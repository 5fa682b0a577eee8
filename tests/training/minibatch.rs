//! Mini-batch gradient descent.

use ndnet::{GradientDescent, Network, TrainConfig, data};
use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::common;
use crate::common::parameter_bits as bits;

fn setup() -> (ndarray::Array2<f64>, ndarray::Array2<f64>, Network<f64>) {
    let mut rng = StdRng::seed_from_u64(4);
    let (x, y) = data::planar_flower::<f64, _>(200, &mut rng).unwrap();
    let net = common::tanh_network(&[2, 6, 1], &mut rng);
    (x, y, net)
}

#[test]
fn a_batch_of_size_m_is_batch_gradient_descent_exactly() {
    let (x, y, net) = setup();
    let (mut batch, mut mini) = (net.clone(), net);
    batch
        .fit((&x, &y), &mut GradientDescent::new(0.5).unwrap(), TrainConfig::new(40))
        .unwrap();
    mini.fit(
        (&x, &y),
        &mut GradientDescent::new(0.5).unwrap(),
        TrainConfig::epochs(40).batch_size(200),
    )
    .unwrap();
    assert_eq!(bits(&batch), bits(&mini));
    let mut larger = setup().2;
    larger
        .fit(
            (&x, &y),
            &mut GradientDescent::new(0.5).unwrap(),
            TrainConfig::epochs(40).batch_size(10_000),
        )
        .unwrap();
    assert_eq!(bits(&batch), bits(&larger));
}

#[test]
fn mini_batches_learn_and_are_reproducible() {
    let (x, y, net) = setup();
    let train = |seed| {
        let mut net = net.clone();
        // 200 examples in batches of 32: 6 full batches and one of 8 per epoch.
        let config = TrainConfig::epochs(300).batch_size(32).seed(seed).record_every(7);
        let history = net
            .fit((&x, &y), &mut GradientDescent::new(0.3).unwrap(), &config)
            .unwrap();
        assert_eq!(history.records.last().unwrap().iteration, 300 * 7 - 1);
        (bits(&net), net.accuracy(&x, &y).unwrap())
    };
    let (a, accuracy) = train(1);
    assert!(accuracy > 0.85, "{accuracy}");
    assert_eq!(a, train(1).0);
    assert_ne!(a, train(2).0);
}

#[test]
fn stochastic_gradient_descent_with_batches_of_one() {
    let (x, y, mut net) = common::xor_setup::<f64>(0);
    let config = TrainConfig::epochs(3000).batch_size(1);
    assert_eq!(config.steps(4), 12_000);
    net.fit((&x, &y), &mut GradientDescent::new(0.5).unwrap(), &config)
        .unwrap();
    assert_eq!(net.accuracy(&x, &y).unwrap(), 1.0);
}

#[test]
fn zero_batch_size_or_epochs_are_errors() {
    let (x, y, mut net) = setup();
    let mut gd = GradientDescent::new(0.1).unwrap();
    for config in [TrainConfig::epochs(0), TrainConfig::new(5).batch_size(0)] {
        assert!(matches!(
            net.fit((&x, &y), &mut gd, &config),
            Err(ndnet::Error::InvalidHyperparameter { .. })
        ));
    }
}

#[test]
fn the_learning_rate_schedule_is_applied_every_epoch() {
    use ndnet::{LearningRateSchedule, Optimizer};
    let (x, y, mut net) = setup();
    let mut gd = GradientDescent::new(0.4).unwrap();
    let schedule = LearningRateSchedule::InverseTime { decay: 0.5 };
    net.fit(
        (&x, &y),
        &mut gd,
        TrainConfig::epochs(5).batch_size(50).schedule(schedule),
    )
    .unwrap();
    // The last epoch (4) ran at 0.4 / (1 + 0.5 · 4).
    assert!((Optimizer::<f64>::learning_rate(&gd) - 0.4 / 3.0).abs() < 1e-15);
    let bad = TrainConfig::new(5).schedule(LearningRateSchedule::InverseTime { decay: -1.0 });
    assert!(net.fit((&x, &y), &mut gd, &bad).is_err());
}

#[test]
fn column_major_x_gives_the_same_training_as_row_major_x() {
    // A row-major X read in mini-batches is copied once into column-major order (each example
    // contiguous for the gather), so both train on the same batches through the same kernels:
    // the same bits (gathered from the rows as they are, they differed in the last bits).
    let mut rng = StdRng::seed_from_u64(9);
    let x = ndarray::Array2::from_shape_fn((20, 150), |(i, j)| ((i * 7 + j * 13) % 17) as f64 / 8.0 - 1.0);
    let y = x.row(3).mapv(|v| f64::from(v > 0.0)).insert_axis(ndarray::Axis(0));
    let net = common::tanh_network(&[20, 8, 1], &mut rng);
    let columns = x.t().as_standard_layout().reversed_axes().to_owned();
    assert_eq!(columns.strides(), &[1, 20]);
    let config = TrainConfig::epochs(5).batch_size(32).seed(3);
    let (mut rows_net, mut columns_net) = (net.clone(), net);
    let a = rows_net
        .fit((&x, &y), &mut GradientDescent::new(0.3).unwrap(), &config)
        .unwrap();
    let b = columns_net
        .fit((&columns, &y), &mut GradientDescent::new(0.3).unwrap(), &config)
        .unwrap();
    assert_eq!(a.records.len(), b.records.len());
    for (ra, rb) in a.records.iter().zip(&b.records) {
        assert_eq!(ra.cost.to_bits(), rb.cost.to_bits(), "{ra:?} vs {rb:?}");
    }
    for (la, lb) in rows_net.layers().iter().zip(columns_net.layers()) {
        for (p, q) in la.w().iter().chain(la.b()).zip(lb.w().iter().chain(lb.b())) {
            assert_eq!(p.to_bits(), q.to_bits(), "{p} vs {q}");
        }
    }
    assert!(a.last_cost().unwrap() < a.first_cost().unwrap(), "training learns");
}

/// Examples read batch by batch, one batch ahead on a thread of their own, give the bits of the
/// in-memory mini-batch loop on a column-major X (both copy whole examples into column-major
/// batches), for every shuffle, whatever the layout of the X they are read from.
#[test]
fn examples_read_ahead_train_as_x_and_y_in_memory_do() {
    use ndnet::{Adam, AdamConfig, Shuffle, TrainingPath, data::InMemory};
    let (x, y, net) = setup();
    let x_columns = x.t().as_standard_layout().into_owned().reversed_axes();
    for shuffle in [
        Shuffle::Full,
        Shuffle::None,
        Shuffle::Blocks {
            chunk: 7,
            chunks_per_block: 3,
        },
    ] {
        let config = TrainConfig::epochs(3).batch_size(32).seed(5).shuffle(shuffle);
        let mut in_memory = net.clone();
        let adam = || Adam::new(AdamConfig::default().learning_rate(0.01)).unwrap();
        let history = in_memory.fit((&x_columns, &y), &mut adam(), &config).unwrap();
        assert_eq!(history.plan.path, TrainingPath::MiniBatch);
        assert!(!history.plan.prefetch);
        for x in [x.view(), x_columns.view()] {
            let mut streamed = net.clone();
            let mut examples = InMemory::new(&x, &y).unwrap();
            let read = streamed.fit(&mut examples, &mut adam(), &config).unwrap();
            assert!(read.plan.prefetch, "{}", read.plan);
            assert_eq!(bits(&streamed), bits(&in_memory), "{shuffle:?}");
            assert_eq!(read.records, history.records, "{shuffle:?}");
        }
    }
}

/// A NaN read from examples is an error naming the example and the feature, before any update
/// uses it: the parameters are those of the steps before its batch.
#[test]
fn a_nan_in_streamed_examples_is_an_error_naming_the_example() {
    use ndnet::{Error, data::InMemory};
    let (mut x, y, net) = setup();
    x[[1, 123]] = f64::NAN;
    let mut trained = net.clone();
    let mut examples = InMemory::new(&x, &y).unwrap();
    let config = TrainConfig::epochs(2).batch_size(50).shuffle(ndnet::Shuffle::None);
    let err = trained
        .fit(&mut examples, &mut GradientDescent::new(0.1).unwrap(), &config)
        .unwrap_err();
    match &err {
        Error::BadExample { example, message, .. } => {
            assert_eq!(*example, 123);
            assert!(message.contains("X holds NaN at feature 1"), "{err}");
        }
        other => panic!("{other}"),
    }
    // Batches 0 and 1 (examples 0..100) were stepped on; batch 2 holds example 123.
    let mut two_steps = net.clone();
    let (x_ok, y_ok) = (
        x.slice(ndarray::s![.., ..100]).to_owned(),
        y.slice(ndarray::s![.., ..100]).to_owned(),
    );
    two_steps
        .fit(
            (&x_ok, &y_ok),
            &mut GradientDescent::new(0.1).unwrap(),
            TrainConfig::epochs(1).batch_size(50).shuffle(ndnet::Shuffle::None),
        )
        .unwrap();
    assert_eq!(bits(&trained), bits(&two_steps));
}

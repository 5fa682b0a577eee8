//! The cat-vs-non-cat loader on the course's real files (ignored by default).
//!
//! Run with `NDNET_DATA=../shared/data cargo test --features hdf5 -- --ignored`.
//! Expected values were read with h5py 3.16 / numpy from the same files, e.g.
//! `h5py.File("train_catvnoncat.h5")["train_set_x"][1, 10, 20]` → `[54, 70, 82]`.
#![cfg(feature = "hdf5")]

use std::path::PathBuf;

use ndnet::data::{CatSplit, load_cat_h5, load_catvnoncat};

fn cat_dir() -> PathBuf {
    crate::common::data_path("catvnoncat", "train_catvnoncat.h5")
}

#[test]
#[ignore = "needs the real data: NDNET_DATA=../shared/data cargo test -- --ignored"]
fn real_cat_files_match_h5py() {
    let (train, test) = load_catvnoncat::<f64>(cat_dir()).expect("the real cat files load");
    assert_eq!(train.x().dim(), (12288, 209));
    assert_eq!(train.y().dim(), (1, 209));
    assert_eq!(test.x().dim(), (12288, 50));
    assert_eq!(train.image_shape(), (64, 64, 3));
    assert_eq!(train.classes(), vec!["non-cat", "cat"]);
    assert_eq!(train.class_counts(), vec![137, 72]); // 72 cats (numpy: train_set_y.sum())
    assert_eq!(test.class_counts(), vec![17, 33]); // 33 cats
    assert!(
        train
            .x()
            .iter()
            .chain(test.x().iter())
            .all(|&v| (0.0..=1.0).contains(&v))
    );

    // h5py: train_set_x[0, 0, 0] = [17, 31, 56]; train_set_x[1, 10, 20] = [54, 70, 82]
    // (feature (10·64 + 20)·3 = 1980); test_set_x[0, 0, 0] = [158, 104, 83];
    // test_set_x[49, 63, 63] = [5, 22, 5] (features 12285..12288).
    let px = |x: &ndarray::Array2<f64>, f: usize, i: usize| (x[[f, i]] * 255.0).round() as u8;
    assert_eq!([0, 1, 2].map(|f| px(train.x(), f, 0)), [17, 31, 56]);
    assert_eq!([1980, 1981, 1982].map(|f| px(train.x(), f, 1)), [54, 70, 82]);
    assert_eq!([0, 1, 2].map(|f| px(test.x(), f, 0)), [158, 104, 83]);
    assert_eq!([12285, 12286, 12287].map(|f| px(test.x(), f, 49)), [5, 22, 5]);
    assert_eq!(train.image(1).unwrap()[[10, 20, 1]], 70.0 / 255.0);
    // numpy: train_set_y[:10] = [0, 0, 1, 0, 0, 0, 0, 1, 0, 0].
    let first: Vec<f64> = train.y().iter().take(10).copied().collect();
    assert_eq!(first, [0., 0., 1., 0., 0., 0., 0., 1., 0., 0.]);
    // numpy: train_set_x.sum() = 264542077, test_set_x.sum() = 65969547.
    let sum = |x: &ndarray::Array2<f64>| x.iter().map(|v| (v * 255.0).round() as u64).sum::<u64>();
    assert_eq!((sum(train.x()), sum(test.x())), (264_542_077, 65_969_547));
}

#[test]
#[ignore = "needs the real data: NDNET_DATA=../shared/data cargo test -- --ignored"]
fn real_test_file_in_f32() {
    let path = cat_dir().join("test_catvnoncat.h5");
    let test = load_cat_h5::<f32>(path, CatSplit::Test).expect("the real test file loads");
    assert_eq!(test.x().dim(), (12288, 50));
    assert_eq!(test.x()[[0, 0]], 158.0 / 255.0);
}

// ---------------------------------------------------------------------------------------------
// The course's cat-vs-non-cat results, reproduced on the real files. Reference numbers were
// measured with the course's own numpy code (f64) on the same files; see
// /work/shared/data/README.md and the examples cat_logistic_regression, cat_two_layer, cat_deep.

use ndnet::data::ImageDataset;
use ndnet::numpy_random::{course_initialize_parameters, course_initialize_parameters_deep};
use ndnet::{Activation, GradientDescent, Network, TrainConfig};

fn cat_data() -> (ImageDataset<f64>, ImageDataset<f64>) {
    load_catvnoncat::<f64>(cat_dir()).expect("the real cat files load")
}

fn close(what: &str, got: f64, expected: f64, tolerance: f64) {
    assert!(
        (got - expected).abs() <= tolerance,
        "{what}: got {got}, the course has {expected} (tolerance {tolerance})"
    );
}

/// "Logistic Regression with a Neural Network mindset": zero init, α = 0.005, 2000 iterations.
/// The course's numpy code gives cost 0.6931471805599453 (= ln 2, zero weights) at i = 0 and
/// 0.13565884743936965 at i = 1999, train accuracy 99.04 % = 207/209, test 70 % = 35/50.
#[test]
#[ignore = "needs the real data: NDNET_DATA=../shared/data cargo test --release --all-features -- --ignored"]
fn logistic_regression_reproduces_the_course() {
    // The Gram form (the default here) and the one-pass loop over X.
    for gram in [true, false] {
        logistic_regression_reproduces_the_course_with(gram);
    }
}

fn logistic_regression_reproduces_the_course_with(gram: bool) {
    let (train, test) = cat_data();
    let mut net = Network::<f64>::logistic_regression(12288).unwrap();
    let history = net
        .fit(
            (train.x(), train.y()),
            &mut GradientDescent::new(0.005).unwrap(),
            TrainConfig::new(2000).gram(gram),
        )
        .unwrap();
    assert_eq!(history.records.len(), 21); // 0, 100, …, 1900 and 1999
    assert_eq!(history.records.last().unwrap().iteration, 1999);
    close(
        "cost at iteration 0",
        history.first_cost().unwrap(),
        std::f64::consts::LN_2, // 0.6931471805599453 in numpy
        1e-6,
    );
    close(
        "cost at iteration 1999",
        history.last_cost().unwrap(),
        0.13565884743936965,
        1e-6,
    );
    assert_eq!(net.accuracy(train.x(), train.y()).unwrap(), 207.0 / 209.0);
    assert_eq!(net.accuracy(test.x(), test.y()).unwrap(), 35.0 / 50.0);
}

/// The two-layer model [12288, 7, 1] with the course's `initialize_parameters(n_x, 7, 1)`
/// (numpy seed 1, randn · 0.01): the course prints "Cost after iteration 0: 0.6930497356599888".
#[test]
#[ignore = "needs the real data: NDNET_DATA=../shared/data cargo test --release --all-features -- --ignored"]
fn two_layer_first_cost_matches_the_course() {
    let (train, _) = cat_data();
    let parameters = course_initialize_parameters::<f64>(12288, 7, 1, 1).unwrap();
    let mut net = Network::from_parameters(parameters, &[Activation::Relu, Activation::Sigmoid]).unwrap();
    close(
        "cost before training",
        net.cost(train.x(), train.y()).unwrap(),
        0.693049735659989,
        1e-9,
    );
    // The cost that training reports at iteration 0 is the same number.
    let cost = net
        .train_step(train.x(), train.y(), &mut GradientDescent::new(0.0075).unwrap())
        .unwrap();
    close("cost at iteration 0", cost, 0.693049735659989, 1e-9);
}

/// The L-layer model [12288, 20, 7, 5, 1] with the course's `initialize_parameters_deep`
/// (numpy seed 1, randn / √n[l−1]), α = 0.0075, 2500 iterations. numpy f64 (the course's code,
/// run here): costs 0.7717493284237686 at i = 0, 0.6720534400822913 at 100,
/// 0.6482632048575212 at 200, 0.0928782 at 2400; train accuracy 0.9856459330143541 (206/209),
/// test 0.8 (40/50). ndnet measured the same 206/209 and 40/50 (costs agree to ~1e-14).
#[test]
#[ignore = "needs the real data: NDNET_DATA=../shared/data cargo test --release --all-features -- --ignored"]
fn deep_network_reproduces_the_course() {
    // Both ways of running batch gradient descent: the Gram form (the default for these 209
    // examples of 12288 features) and the textbook products with X.
    for gram in [true, false] {
        deep_network_reproduces_the_course_with(gram);
    }
}

fn deep_network_reproduces_the_course_with(gram: bool) {
    let (train, test) = cat_data();
    let parameters = course_initialize_parameters_deep::<f64>(&[12288, 20, 7, 5, 1], 1).unwrap();
    let activations = [
        Activation::Relu,
        Activation::Relu,
        Activation::Relu,
        Activation::Sigmoid,
    ];
    let mut net = Network::from_parameters(parameters, &activations).unwrap();
    let history = net
        .fit(
            (train.x(), train.y()),
            &mut GradientDescent::new(0.0075).unwrap(),
            TrainConfig::new(2500).gram(gram),
        )
        .unwrap();
    let cost_at = |i: usize| history.records.iter().find(|r| r.iteration == i).unwrap().cost;
    close("cost at iteration 0", cost_at(0), 0.7717493284237686, 1e-6);
    close("cost at iteration 100", cost_at(100), 0.6720534400822913, 1e-6);
    close("cost at iteration 200", cost_at(200), 0.6482632048575212, 1e-6);
    close("cost at iteration 2400", cost_at(2400), 0.0928782, 1e-6);
    let (train_accuracy, test_accuracy) = (
        net.accuracy(train.x(), train.y()).unwrap(),
        net.accuracy(test.x(), test.y()).unwrap(),
    );
    assert!(
        train_accuracy >= 0.95 && test_accuracy >= 0.76,
        "gram {gram}: {train_accuracy} / {test_accuracy}"
    );
    assert_eq!(train_accuracy, 206.0 / 209.0);
    assert_eq!(test_accuracy, 40.0 / 50.0);
}

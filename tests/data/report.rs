//! Training reports (feature `report`) of runs on the real data sets, rendered in headless
//! Chromium as the examples `cat_deep`, `mnist_mlp` and `loan_logistic_regression` write them:
//! no console message, every section the run has data for in the DOM, a screenshot that is
//! not blank (see `tests/common/browser.rs`; `NDNET_SKIP_BROWSER=1` skips without Chromium).
#![cfg(all(feature = "report", feature = "hdf5", feature = "mnist", feature = "csv"))]

use std::path::{Path, PathBuf};

use ndnet::report::Report;
use ndnet::{Adam, AdamConfig, FitOptions, GradientDescent, Network, TrainConfig, Validation};
use rand::SeedableRng;

use crate::common::{browser, data_path};

/// A fresh path in the temp folder for report `name`.
fn temp_html(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("ndnet_data_report_{name}_{}.html", std::process::id()))
}

/// Renders the report at `path`, checks it shows `sections`, and removes it and its screenshot.
fn check_in_browser(path: &Path, sections: &[&str]) {
    if let Some(page) = browser::render(path) {
        page.check(sections);
    }
    std::fs::remove_file(path).unwrap();
    let _ = std::fs::remove_file(path.with_extension("png"));
}

#[test]
#[ignore = "needs the real data and Chromium: NDNET_DATA=../shared/data cargo test -- --ignored"]
fn cat_report_renders_with_its_misclassified_pictures() {
    let dir = data_path("catvnoncat", "train_catvnoncat.h5");
    let (train, test) = ndnet::data::load_catvnoncat::<f64>(dir).unwrap();
    let mut net = Network::<f64>::logistic_regression(12288).unwrap();
    let mut optimizer = GradientDescent::new(0.005).unwrap();
    let config = TrainConfig::new(300);
    let history = net.fit((train.x(), train.y()), &mut optimizer, &config).unwrap();
    let path = temp_html("cat");
    Report::new(&history, &net)
        .title("Cat vs non-cat: logistic regression")
        .optimizer(&optimizer)
        .train_config(&config)
        .class_names(["non-cat", "cat"])
        .image_shape(64, 64, 3)
        .evaluate("training", train.x(), train.y())
        .unwrap()
        .evaluate("test", test.x(), test.y())
        .unwrap()
        .write(&path)
        .unwrap();
    check_in_browser(&path, &["run", "cost", "metrics", "misclassified"]);
}

#[test]
#[ignore = "needs the real data and Chromium: NDNET_DATA=../shared/data cargo test -- --ignored"]
fn mnist_report_renders_with_validation_and_diagnostics() {
    let dir = data_path("mnist", "t10k-images-idx3-ubyte.gz");
    let digits = ndnet::data::load_mnist::<f32>(
        dir.join("t10k-images-idx3-ubyte.gz"),
        dir.join("t10k-labels-idx1-ubyte.gz"),
    )
    .unwrap();
    let y = ndnet::data::one_hot::<f32, _>(&digits.labels, 10).unwrap();
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    let split = ndnet::data::train_test_split(&digits.x, &y, 0.2, true, &mut rng).unwrap();
    let mut net = Network::<f32>::softmax_regression(784, 10).unwrap();
    let mut adam = Adam::new(AdamConfig::default().learning_rate(0.002)).unwrap();
    let config = TrainConfig::epochs(4).batch_size(200).record_every(5).diagnostics(true);
    let validation = Validation::new(&split.x_test, &split.y_test).early_stopping(2);
    let options = FitOptions::new(config.clone()).validation(validation);
    let history = net.fit((&split.x_train, &split.y_train), &mut adam, options).unwrap();
    let path = temp_html("mnist");
    Report::new(&history, &net)
        .title("MNIST digits: softmax regression")
        .optimizer(&adam)
        .train_config(&config)
        .class_names((0..10).map(|d| d.to_string()))
        .image_shape(28, 28, 1)
        .evaluate("test", &split.x_test, &split.y_test)
        .unwrap()
        .write(&path)
        .unwrap();
    let sections = ["run", "cost", "accuracy", "diagnostics", "metrics", "misclassified"];
    check_in_browser(&path, &sections);
}

#[test]
#[ignore = "needs the real data and Chromium: NDNET_DATA=../shared/data cargo test -- --ignored"]
fn loan_report_renders_with_its_labels() {
    use ndnet::TabularModel;
    use ndnet::tabular::{Table, TabularConfig};
    let file = data_path("loan", "loan_train.csv").join("loan_train.csv");
    let table = Table::from_path(file).unwrap();
    let config = TabularConfig::binary("Loan_Status", "Y").id_column("Loan_ID");
    let (model, history) = TabularModel::<f64>::fit(
        &table,
        &config,
        |n_x, _| Network::logistic_regression(n_x),
        &mut GradientDescent::new(0.1).unwrap(),
        TrainConfig::new(3000),
    )
    .unwrap();
    let path = temp_html("loan");
    Report::tabular(&history, &model)
        .title("Loan approval: logistic regression")
        .evaluate_table("training", &table)
        .unwrap()
        .write(&path)
        .unwrap();
    let html = std::fs::read_to_string(&path).unwrap();
    assert!(html.contains("<th>N</th><th>Y</th>") && html.contains("Credit_History"));
    check_in_browser(&path, &["run", "cost", "metrics"]);
}

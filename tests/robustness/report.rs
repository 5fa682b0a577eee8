//! Training reports (feature `report`) of hostile and extreme runs: labels and column names
//! holding markup, a diverged run, a run of one record, runs of 10^5 records and examples.
//! The file checks run everywhere; rendering them in headless Chromium is `#[ignore]`d (about
//! 10 s) and run by `.ci/run` with the other ignored tests.

use std::path::PathBuf;

/// A change to a history that fit would never return.
type Edit<'a> = Box<dyn Fn(&mut History) + 'a>;

use ndarray::Array2;
use ndnet::report::Report;
use ndnet::{
    Activation, Diagnostics, EpochRecord, Error, FitOptions, GradientDescent, History, Initializer, LayerDiagnostics,
    Network, Record, TrainConfig,
};

use crate::common::{self, browser};

/// A fresh path in the temp folder for report `name`.
fn temp_html(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("ndnet_report_{name}_{}.html", std::process::id()))
}

/// The markup every hostile string carries.
#[cfg(feature = "csv")]
const SCRIPT: &str = "<script>alert(1)</script>";

/// A CSV whose file name, column names, category values and labels hold markup, quotes and
/// non-ASCII text; its report and its path (named after `test`). Needs feature `csv`.
#[cfg(feature = "csv")]
fn hostile_report(test: &str) -> (String, PathBuf) {
    use ndnet::TabularModel;
    use ndnet::tabular::{Table, TabularConfig};
    let csv = "\"<script>alert(1)</script>\",\"café — 猫 \"\"quoted\"\"\",\"<b>label</b>\"\n\
               1,a,<script>alert(1)</script>\n2,\"x\"\"y\",<script>alert(1)</script>\n\
               3,café — 猫,\"'Oui' & \"\"non\"\"\"\n4,a,\"'Oui' & \"\"non\"\"\"\n\
               1.5,café — 猫,<script>alert(1)</script>\n3.5,\"x\"\"y\",\"'Oui' & \"\"non\"\"\"\n";
    let table = Table::from_reader(csv.as_bytes(), "<img src=x onerror=alert(2)>.csv").unwrap();
    let config = TabularConfig::binary("<b>label</b>", SCRIPT);
    let (model, history) = TabularModel::<f64>::fit(
        &table,
        &config,
        |n_x, _| ndnet::Network::logistic_regression(n_x),
        &mut ndnet::GradientDescent::new(0.5).unwrap(),
        ndnet::TrainConfig::new(50),
    )
    .unwrap();
    let path = temp_html(&format!("{test}_hostile"));
    Report::tabular(&history, &model)
        .title(format!("{SCRIPT} café — 猫 \"title\""))
        .evaluate_table(SCRIPT, &table)
        .unwrap()
        .write(&path)
        .unwrap();
    (std::fs::read_to_string(&path).unwrap(), path)
}

#[test]
#[cfg(feature = "csv")]
fn hostile_strings_are_written_as_text() {
    let (html, path) = hostile_report("text");
    assert!(
        !html.to_lowercase().contains("<script"),
        "markup from the data reached the page"
    );
    assert!(!html.contains("<img src=x") && !html.contains("<b>label"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(
        html.contains("&lt;img src=x onerror=alert(2)&gt;.csv"),
        "the file name is escaped"
    );
    assert!(
        html.contains("café — 猫 &quot;quoted&quot;"),
        "non-ASCII text and quotes are kept"
    );
    assert!(
        html.contains("&#39;Oui&#39; &amp; &quot;non&quot;"),
        "the other label is escaped"
    );
    std::fs::remove_file(path).unwrap();
}

/// A linear regression on large inputs with a huge learning rate: the error and the records
/// the callback saw before it.
fn diverged_run() -> (Network<f64>, History, Error) {
    let x = Array2::from_shape_fn((1, 8), |(_, j)| 1e3 * (j as f64 + 1.0));
    let y = x.mapv(|v| 2.0 * v);
    let mut net = common::linear_regression::<f64>(1, 1).unwrap();
    let mut records = Vec::new();
    let config = TrainConfig::new(500).record_every(1);
    let options = FitOptions::new(config).callback(|r: &Record| records.push(*r));
    let error = net
        .fit((&x, &y), &mut GradientDescent::new(10.0).unwrap(), options)
        .unwrap_err();
    assert!(matches!(error, Error::Diverged { .. }), "{error}");
    (
        net,
        History {
            records,
            ..History::default()
        },
        error,
    )
}

/// One step on one example: one record, one epoch, a set of one.
fn one_record_run() -> (Network<f64>, History) {
    let mut rng = common::rng(0);
    let mut net = common::tanh_network::<f64>(&[2, 3, 1], &mut rng);
    let (x, y) = (ndarray::array![[0.5], [-1.0]], ndarray::array![[1.0]]);
    let config = TrainConfig::new(1).diagnostics(true);
    let history = net
        .fit((&x, &y), &mut GradientDescent::new(0.1).unwrap(), &config)
        .unwrap();
    assert_eq!(history.records.len(), 1);
    (net, history)
}

/// A history of 10^5 records and epochs (with validation figures) and 10^4 diagnostics.
fn long_history(layers: usize) -> History {
    let n = 100_000;
    let cost = |i: usize| 0.7 / (1.0 + i as f64 / 100.0) + 0.01 * ((i * 7919) % 13) as f64;
    let layer = |l: usize, i: usize| LayerDiagnostics {
        layer: l,
        dw_norm: 1.0 / (1.0 + i as f64),
        db_norm: 0.1,
        dead_fraction: Some(((i % 50) as f64) / 100.0),
        saturated_fraction: None,
        identical_units: 0,
    };
    History {
        records: (0..n)
            .map(|i| Record {
                iteration: i,
                cost: cost(i),
            })
            .collect(),
        epochs: (0..n)
            .map(|e| EpochRecord {
                epoch: e,
                train_cost: cost(e),
                valid_cost: Some(cost(e) + 0.05),
                valid_accuracy: Some(0.5 + 0.4 * (e as f64 / n as f64)),
            })
            .collect(),
        best_epoch: Some(n - 10),
        stopped_early: true,
        diagnostics: (0..n / 10)
            .map(|i| Diagnostics {
                iteration: 10 * i,
                layers: (1..=layers).map(|l| layer(l, i)).collect(),
            })
            .collect(),
        plan: ndnet::Plan::default(),
        held_out: 0,
    }
}

/// Reports of 10^5 records: a classifier evaluated on 10^5 two-feature examples (confusion
/// matrix, decision boundary) and a regression on 10^5 values (scatter); `test` keeps the
/// file names of tests running at the same time apart.
fn large_reports(test: &str) -> Vec<(PathBuf, Vec<&'static str>)> {
    let mut rng = common::rng(1);
    let m = 100_000;
    let x = Array2::from_shape_fn((2, m), |(r, j)| ((j * (r + 3)) % 1000) as f64 / 500.0 - 1.0);
    let y = Array2::from_shape_fn((1, m), |(_, j)| f64::from(u8::from(x[[0, j]] * x[[1, j]] > 0.0)));
    let classifier = common::tanh_network::<f64>(&[2, 4, 1], &mut rng);
    let history = long_history(2);
    let classes = temp_html(&format!("{test}_large_classes"));
    Report::new(&history, &classifier)
        .evaluate("training", &x, &y)
        .unwrap()
        .write(&classes)
        .unwrap();
    let linear = Network::from_layers(2, &[(1, Activation::Linear)], Initializer::He, &mut rng).unwrap();
    let values = temp_html(&format!("{test}_large_values"));
    let truth = x.row(0).mapv(|v| 3.0 * v + 1.0).insert_axis(ndarray::Axis(0));
    Report::new(&long_history(1), &linear)
        .evaluate("training", &x, &truth)
        .unwrap()
        .write(&values)
        .unwrap();
    let common = ["run", "cost", "accuracy", "diagnostics", "metrics"];
    vec![
        (classes, [&common[..], &["boundary"]].concat()),
        (values, common.to_vec()),
    ]
}

#[test]
fn a_diverged_run_names_the_first_non_finite_matrix() {
    let (net, history, error) = diverged_run();
    let html = Report::new(&history, &net).diverged(&error).to_html().unwrap();
    let Error::Diverged { iteration, what, .. } = &error else {
        unreachable!()
    };
    assert!(
        html.contains(&format!("Training diverged at iteration {iteration}.")),
        "{html}"
    );
    let first_matrix = what.split_whitespace().next().unwrap();
    assert!(html.contains(first_matrix), "{what}");
    assert!(html.contains("<section id=\"divergence\">") && html.contains("<section id=\"cost\">"));
}

#[test]
fn a_run_of_one_record_has_every_section_it_has_data_for() {
    let (net, history) = one_record_run();
    let html = Report::new(&history, &net)
        .evaluate("training", &ndarray::array![[0.5], [-1.0]], &ndarray::array![[1.0]])
        .unwrap()
        .to_html()
        .unwrap();
    for id in ["run", "cost", "diagnostics", "metrics", "boundary"] {
        assert!(html.contains(&format!("<section id=\"{id}\">")), "{id} missing");
    }
    assert!(
        !html.contains("<section id=\"accuracy\">"),
        "no validation set, no accuracy chart"
    );
}

#[test]
fn reports_of_a_hundred_thousand_records_stay_small() {
    for (path, _) in large_reports("size") {
        let bytes = std::fs::metadata(&path).unwrap().len();
        assert!(bytes < 2_000_000, "{}: {bytes} bytes", path.display());
        std::fs::remove_file(path).unwrap();
    }
}

#[test]
#[ignore = "runs headless Chromium (about 10 s); .ci/run runs it"]
fn reports_render_in_chromium() {
    let mut pages: Vec<(PathBuf, Vec<&str>)> = large_reports("browser");
    let (net, history, error) = diverged_run();
    let diverged = temp_html("diverged");
    Report::new(&history, &net).diverged(&error).write(&diverged).unwrap();
    pages.push((diverged, vec!["run", "divergence", "cost"]));
    let (net, history) = one_record_run();
    let one = temp_html("one_record");
    Report::new(&history, &net)
        .evaluate("training", &ndarray::array![[0.5], [-1.0]], &ndarray::array![[1.0]])
        .unwrap()
        .write(&one)
        .unwrap();
    pages.push((one, vec!["run", "cost", "diagnostics", "metrics", "boundary"]));
    #[cfg(feature = "csv")]
    {
        let (_, hostile) = hostile_report("browser");
        pages.push((hostile, vec!["run", "cost", "metrics"]));
    }
    for (path, sections) in &pages {
        let Some(page) = browser::render(path) else { break };
        page.check(sections);
        if path.to_string_lossy().contains("hostile") {
            let dom = page.dom.to_lowercase();
            assert!(
                !dom.contains("<script") && !dom.contains("<img src=\"x\""),
                "markup was injected"
            );
            assert!(page.dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && page.dom.contains("café — 猫"));
        }
    }
    for (path, _) in pages {
        std::fs::remove_file(&path).unwrap();
        let _ = std::fs::remove_file(path.with_extension("png"));
    }
}

#[test]
fn evaluation_labels_are_checked_as_accuracy_checks_them() {
    let net = Network::<f64>::logistic_regression(2).unwrap();
    let history = History::default();
    let x = ndarray::array![[1.0, 2.0], [0.0, 1.0]];
    let bad = [(ndarray::array![[1.0, 7.0]], "7"), (ndarray::array![[-1.0, 0.0]], "-1")];
    for (y, value) in bad {
        let report = Report::new(&history, &net).evaluate("test", &x, &y);
        let accuracy = net.accuracy(&x, &y);
        assert!(
            matches!(report, Err(Error::LabelOutOfRange { .. })),
            "label {value}: {:?}",
            report.err()
        );
        assert!(matches!(accuracy, Err(Error::LabelOutOfRange { .. })));
    }
    let nan = ndarray::array![[f64::NAN, 1.0]];
    let report = Report::new(&history, &net).evaluate("test", &x, &nan);
    assert!(matches!(report, Err(Error::NonFinite { .. })));
}

/// A history no run could have returned (every field is public): counts at `usize::MAX`, a
/// best epoch after the last, epochs out of order, a best epoch that is not the best, NaN
/// costs, stray diagnostics. Each is an error naming the field, never a panic (an overflow in
/// debug) or a page stating it as fact; so are a training time and a config no run has.
#[test]
fn a_history_no_run_could_return_is_an_error_naming_the_field() {
    let net = Network::<f64>::logistic_regression(2).unwrap();
    let epoch = |epoch, valid_cost| EpochRecord {
        epoch,
        train_cost: 0.5,
        valid_cost,
        valid_accuracy: valid_cost.map(|_| 0.75),
    };
    let record = |iteration, cost| Record { iteration, cost };
    let base = History {
        records: vec![record(0, 0.7), record(9, 0.4)],
        epochs: vec![epoch(0, Some(0.6)), epoch(1, Some(0.5)), epoch(2, Some(0.55))],
        best_epoch: Some(1),
        ..History::default()
    };
    let valid = Report::new(&base, &net).to_html().unwrap();
    assert!(valid.contains("epoch 2, the one with the lowest validation cost"));
    // A best epoch that is not the lowest is shown as the history names it, and said so.
    let named = History {
        best_epoch: Some(2),
        ..base.clone()
    };
    let html = Report::new(&named, &net).to_html().unwrap();
    assert!(
        html.contains("epoch 3, which the history names as the best, though another"),
        "{html}"
    );
    let diagnostics = |iteration, dw_norm| Diagnostics {
        iteration,
        layers: vec![LayerDiagnostics {
            layer: 1,
            dw_norm,
            db_norm: 0.1,
            dead_fraction: None,
            saturated_fraction: Some(0.2),
            identical_units: 0,
        }],
    };
    let cases: Vec<(&str, Edit<'_>)> = vec![
        (
            "records[1].iteration = 18446744073709551615",
            Box::new(|h| h.records[1].iteration = usize::MAX),
        ),
        (
            "records[1].iteration = 0 does not come after",
            Box::new(|h| h.records[1].iteration = 0),
        ),
        ("records[0].cost = NaN", Box::new(|h| h.records[0].cost = f64::NAN)),
        (
            "best_epoch = 7, but there are 3 epochs",
            Box::new(|h| h.best_epoch = Some(7)),
        ),
        (
            "best_epoch = 18446744073709551615",
            Box::new(|h| h.best_epoch = Some(usize::MAX)),
        ),
        (
            "best_epoch = 0, but epochs[0] has no validation cost",
            Box::new(|h| {
                h.best_epoch = Some(0);
                h.epochs[0].valid_cost = None;
            }),
        ),
        (
            "epochs[2].epoch = 18446744073709551615",
            Box::new(|h| h.epochs[2].epoch = usize::MAX),
        ),
        (
            "epochs[0].valid_accuracy = 1.5",
            Box::new(|h| h.epochs[0].valid_accuracy = Some(1.5)),
        ),
        (
            "epochs[1].train_cost = inf",
            Box::new(|h| h.epochs[1].train_cost = f64::INFINITY),
        ),
        (
            "12 epochs, but the records end at iteration 9",
            Box::new(|h| {
                h.epochs = (0..12).map(|e| epoch(e, None)).collect();
                h.best_epoch = None;
            }),
        ),
        (
            "stopped_early is true but there is no best_epoch",
            Box::new(|h| {
                h.best_epoch = None;
                h.stopped_early = true;
            }),
        ),
        (
            "diagnostics[1].iteration = 5 is not a recorded iteration",
            Box::new(move |h| {
                h.diagnostics = vec![diagnostics(0, 1.0), diagnostics(5, 1.0)];
            }),
        ),
        (
            "diagnostics[1].iteration = 0 is not a recorded iteration",
            Box::new(move |h| {
                h.diagnostics = vec![diagnostics(0, 1.0), diagnostics(0, 1.0)];
            }),
        ),
        (
            "diagnostics[1].layers[0].dw_norm = NaN",
            Box::new(move |h| {
                h.diagnostics = vec![diagnostics(0, 1.0), diagnostics(9, f64::NAN)];
            }),
        ),
    ];
    for (field, edit) in &cases {
        let mut history = base.clone();
        edit(&mut history);
        let result = std::panic::catch_unwind(|| Report::new(&history, &net).to_html());
        match result {
            Ok(Err(err)) => {
                let text = err.to_string();
                assert!(text.starts_with("history: ") && text.contains(field), "{field}: {text}");
            }
            Ok(Ok(_)) => panic!("{field}: the report was written"),
            Err(_) => panic!("{field}: the report panicked"),
        }
    }
    let err = Report::new(&base, &net)
        .training_seconds(f64::NAN)
        .to_html()
        .unwrap_err();
    assert!(err.to_string().starts_with("training_seconds = NaN"), "{err}");
    let err = Report::new(&base, &net)
        .train_config(&TrainConfig::new(10).record_every(0))
        .to_html()
        .unwrap_err();
    assert!(err.to_string().contains("record_every"), "{err}");
    let diverged = Error::Diverged {
        iteration: usize::MAX,
        what: "Z[1]".into(),
        last_finite_cost: Some(f64::NAN),
    };
    assert!(Report::new(&base, &net).diverged(&diverged).to_html().is_err());
}

//! Hostile tables and files for the three target kinds: each is an error that names the file,
//! the line and the column (or the saved file), never a panic and never a silent guess.
#![cfg(all(feature = "csv", feature = "serde"))]

use ndnet::io::Format;
use ndnet::tabular::{Table, TabularConfig};
use ndnet::{Activation, Error, GradientDescent, Initializer, Network, TabularModel, TrainConfig};

use crate::common::linear_regression;

fn table(text: &str) -> Table {
    Table::from_reader(text.as_bytes(), "hostile.csv").unwrap()
}

fn message(config: &TabularConfig, text: &str) -> String {
    config.fit(&table(text)).unwrap_err().to_string()
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("ndnet-hostile-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_target_that_does_not_fit_the_kind_chosen_names_its_line() {
    // One class for a multi-class target: the header line and the column.
    assert_eq!(
        message(&TabularConfig::multi_class("y"), "x,y\n1,a\n2,a\n"),
        "hostile.csv, line 1, column y: a multi-class target needs at least 2 classes, but the 2 rows fitted on all hold \"a\""
    );
    // A third label for a binary target: its line.
    assert!(
        message(&TabularConfig::binary("y", "a"), "x,y\n1,a\n2,b\n3,c\n")
            .starts_with("hostile.csv, line 4, column y: target value \"c\" is neither the positive label \"a\""),
    );
    // Text, NaN, inf and an overflowing number in a regression target: their line.
    for (cell, what) in [
        ("seven", "is not a number"),
        ("NaN", "is not a finite number"),
        ("-inf", "is not a finite number"),
        ("1e999", "is not a finite number"),
    ] {
        let text = format!("x,y\n1,2.5\n2,{cell}\n3,4\n");
        let got = message(&TabularConfig::regression("y"), &text);
        assert!(
            got.starts_with(&format!(
                "hostile.csv, line 3, column y: target value \"{cell}\" {what}"
            )),
            "{got}"
        );
    }
    // An empty target cell in a labelled file.
    assert!(message(&TabularConfig::regression("y"), "x,y\n1,2\n2,\n").contains("line 3, column y: empty target cell"));
}

#[test]
fn unknown_classes_and_bad_numbers_when_transforming_name_their_line() {
    let fitted = TabularConfig::multi_class("y").fit(&table("x,y\n1,a\n2,b\n")).unwrap();
    let err = fitted.transform::<f64>(&table("x,y\n1,a\n2,z\n")).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("hostile.csv, line 3, column y: target value \"z\" is not one of the 2 classes"),
        "{err}"
    );
    let fitted = TabularConfig::regression("y").fit(&table("x,y\n1,1\n2,3\n")).unwrap();
    let err = fitted.transform::<f64>(&table("x,y\n1,1\n2,inf\n")).unwrap_err();
    assert!(matches!(err, Error::Format { line: Some(3), .. }), "{err}");
    // A standardized target beyond f32: named, not inf.
    let err = fitted.transform::<f32>(&table("x,y\n1,1e300\n")).unwrap_err();
    assert!(
        err.to_string()
            .contains("beyond the range of the model's 32-bit floats"),
        "{err}"
    );
}

#[test]
fn an_undeclared_id_column_is_refused_by_name() {
    let rows: Vec<String> = (0..30).map(|i| format!("patient{i},{},{}", i % 7, i % 2)).collect();
    let text = format!("patient_id,age,y\n{}\n", rows.join("\n"));
    let got = message(&TabularConfig::binary("y", "1"), &text);
    assert!(
        got.starts_with("hostile.csv, line 1, column patient_id: text column with 30 distinct values"),
        "{got}"
    );
    assert!(got.contains(".id_column(\"patient_id\")"), "{got}");
    assert!(
        TabularConfig::binary("y", "1")
            .id_column("patient_id")
            .fit(&table(&text))
            .is_ok()
    );
}

#[test]
fn networks_that_do_not_fit_the_target_are_refused() {
    let t = table("x,y\n1,a\n2,b\n3,c\n");
    let classes = TabularConfig::multi_class("y").fit(&t).unwrap();
    // Three classes need three softmax outputs trained on categorical cross-entropy.
    let err = TabularModel::new(classes.clone(), Network::<f64>::logistic_regression(1).unwrap()).unwrap_err();
    assert!(
        err.to_string().contains("a multi-class target \"y\" needs 3 outputs"),
        "{err}"
    );
    // Three sigmoid outputs (one-vs-rest probabilities that need not sum to 1) are refused.
    let sigmoids = Network::<f64>::from_layers(
        1,
        &[(3, Activation::Sigmoid)],
        Initializer::Zeros,
        &mut crate::common::rng(0),
    );
    let err = TabularModel::new(classes.clone(), sigmoids.unwrap()).unwrap_err();
    assert!(
        err.to_string()
            .contains("needs a softmax output trained on categorical_cross_entropy"),
        "{err}"
    );
    assert!(TabularModel::new(classes, Network::<f64>::softmax_regression(1, 3).unwrap()).is_ok());
}

#[test]
fn saved_models_with_broken_targets_are_refused_on_load() {
    let t = table("x,y\n1,a\n2,a\n3,b\n4,b\n5,c\n6,c\n");
    let config = TabularConfig::multi_class("y");
    let (model, _) = TabularModel::fit(
        &t,
        &config,
        Network::<f64>::softmax_regression,
        &mut GradientDescent::new(0.5).unwrap(),
        TrainConfig::new(10),
    )
    .unwrap();
    let dir = scratch("classes");
    model.save(dir.join("good.json"), Format::Json).unwrap();
    let good = std::fs::read_to_string(dir.join("good.json")).unwrap();
    // The saved class list, whatever its indentation: `"classes": [ … ]`.
    let start = good.find("\"classes\": [").unwrap();
    let classes = &good[start..=start + good[start..].find(']').unwrap()];
    let compact: String = classes.split_whitespace().collect();
    assert_eq!(compact, "\"classes\":[\"a\",\"b\",\"c\"]");
    for (bad, expected) in [
        ("\"classes\": [\"b\", \"a\", \"c\"]", "sorted and distinct"),
        ("\"classes\": [\"a\", \"a\", \"c\"]", "sorted and distinct"),
        (
            "\"classes\": [\"a\", \"b\", \"c\", \"d\"]",
            "a multi-class target \"y\" needs 4 outputs",
        ),
    ] {
        let path = dir.join("bad.json");
        std::fs::write(&path, good.replace(classes, bad)).unwrap();
        let err = TabularModel::<f64>::load(&path).unwrap_err();
        assert!(matches!(err, Error::Format { .. }), "{err}");
        assert!(err.to_string().starts_with(&path.display().to_string()), "{err}");
        assert!(err.to_string().contains(expected), "{expected}: {err}");
    }
    // A regression model whose saved target std is 0 (or negative).
    let t = table("x,y\n1,10\n2,20\n3,40\n");
    let (model, _) = TabularModel::<f64>::fit(
        &t,
        &TabularConfig::regression("y"),
        linear_regression,
        &mut GradientDescent::new(0.1).unwrap(),
        TrainConfig::new(10),
    )
    .unwrap();
    model.save(dir.join("regression.json"), Format::Json).unwrap();
    let text = std::fs::read_to_string(dir.join("regression.json")).unwrap();
    let std_field = text.find("\"std\"").unwrap();
    let end = std_field + text[std_field..].find('\n').unwrap();
    for bad in ["\"std\": 0.0", "\"std\": -3.0"] {
        std::fs::write(
            dir.join("bad.json"),
            format!("{}{bad}{}", &text[..std_field], &text[end..]),
        )
        .unwrap();
        let err = TabularModel::<f64>::load(dir.join("bad.json")).unwrap_err();
        assert!(err.to_string().contains("std > 0"), "{err}");
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn predicting_an_empty_or_missing_csv_is_an_error_and_writes_nothing() {
    let t = table("x,y\n1,a\n2,a\n3,b\n4,b\n");
    let (model, _) = TabularModel::fit(
        &t,
        &TabularConfig::multi_class("y"),
        Network::<f64>::softmax_regression,
        &mut GradientDescent::new(0.5).unwrap(),
        TrainConfig::new(10),
    )
    .unwrap();
    let dir = scratch("empty");
    for (name, content, expected) in [
        ("empty.csv", "", "empty file: no header line"),
        ("header.csv", "x\n", "line 1: no data rows after the header"),
        ("other.csv", "z\n1\n", "missing feature column \"x\""),
    ] {
        std::fs::write(dir.join(name), content).unwrap();
        let err = model.predict_csv(dir.join(name), dir.join("out.csv")).unwrap_err();
        assert!(err.to_string().contains(expected), "{name}: {err}");
        assert!(err.to_string().contains(name), "{name}: {err}");
        assert!(!dir.join("out.csv").exists());
    }
    let err = model
        .predict_csv(dir.join("missing.csv"), dir.join("out.csv"))
        .unwrap_err();
    assert!(matches!(err, Error::Io { .. }), "{err}");
    std::fs::remove_dir_all(dir).unwrap();
}

/// A saved model no fit could have made: an empty or untrimmed label, category or column name
/// (cells are trimmed when read, so none would ever match), an ID column that is the target
/// or a feature. Loading runs the validation fitting runs, and refuses each, naming it.
#[test]
fn a_saved_model_no_fit_could_make_is_refused_when_loaded() {
    let t = table(
        "rid,x,c,y\nr1,1,red,alpha\nr2,2,blue,alpha\nr3,3,red,beta\nr4,4,blue,beta\nr5,5,red,gamma\nr6,6,blue,gamma\n",
    );
    let config = TabularConfig::multi_class("y").id_column("rid");
    let (model, _) = TabularModel::fit(
        &t,
        &config,
        Network::<f64>::softmax_regression,
        &mut GradientDescent::new(0.5).unwrap(),
        TrainConfig::new(10),
    )
    .unwrap();
    let good = String::from_utf8(model.to_bytes(Format::Json).unwrap()).unwrap();
    assert!(TabularModel::<f64>::from_bytes(good.as_bytes()).is_ok());
    let edits: [(&[(&str, &str)], &str); 6] = [
        (&[("\"alpha\"", "\"\"")], "the label is empty"),
        (
            &[("\"alpha\"", "\" alpha\"")],
            "the label \" alpha\" has surrounding whitespace",
        ),
        (&[("\"rid\"", "\"y\"")], "the ID column \"y\" is the target column"),
        (&[("\"rid\"", "\"x\"")], "the ID column \"x\" is also a feature column"),
        (
            &[("\"blue\"", "\" blue\""), ("\"c=blue\"", "\"c= blue\"")],
            "column c: the category \" blue\" has surrounding whitespace",
        ),
        (
            &[("\"x\"", "\"x \"")],
            "a column name \"x \" has surrounding whitespace",
        ),
    ];
    for (replacements, expected) in edits {
        let mut bad = good.clone();
        for (from, to) in replacements {
            assert!(bad.contains(from), "{from}");
            bad = bad.replace(from, to);
        }
        let err = TabularModel::<f64>::from_bytes(bad.as_bytes()).unwrap_err();
        assert!(matches!(err, Error::Format { .. }), "{err}");
        assert!(err.to_string().contains(expected), "{expected}: {err}");
    }
}

/// A network swapped in through `network_mut` that no longer fits the preprocessing (a softmax
/// of 2 outputs for a binary target, a network of other inputs) is refused at the model's next
/// use, naming the mismatch: never (2, m) probabilities for a binary target.
#[test]
fn a_network_swapped_in_through_network_mut_is_refused_at_the_next_use() {
    let t = table("x,z,y\n1,0,N\n2,1,N\n3,0,Y\n4,1,Y\n");
    let (model, _) = TabularModel::fit(
        &t,
        &TabularConfig::binary("y", "Y"),
        |n_x, _| Network::<f64>::logistic_regression(n_x),
        &mut GradientDescent::new(0.5).unwrap(),
        TrainConfig::new(10),
    )
    .unwrap();
    let dir = scratch("swapped");
    std::fs::write(dir.join("in.csv"), "x,z\n1,1\n").unwrap();
    for other in [
        Network::<f64>::softmax_regression(2, 2).unwrap(),
        Network::<f64>::logistic_regression(5).unwrap(),
    ] {
        let mut swapped = model.clone();
        *swapped.network_mut() = other;
        let errors = [
            swapped.predict_proba(&t).map(drop),
            swapped.predict(&t).map(drop),
            swapped.predict_labels(&t).map(drop),
            swapped.confusion_matrix(&t).map(drop),
            swapped.top_features(3).map(drop),
            swapped.to_bytes(Format::Json).map(drop),
            swapped.predict_csv(dir.join("in.csv"), dir.join("out.csv")).map(drop),
        ];
        for result in errors {
            let err = result.unwrap_err().to_string();
            assert!(
                err.contains("the model's network no longer fits its preprocessing"),
                "{err}"
            );
        }
        assert!(!dir.join("out.csv").exists());
    }
    std::fs::remove_dir_all(dir).unwrap();
}

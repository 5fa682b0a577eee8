//! CSV that parses into something else (issue 24, class 4): a quote that swallows lines, a
//! column of missing-value placeholders taken for categories, a header written twice, a
//! `Predictions` value no model returns. Each is an error naming the file, line and column (or
//! the field), read the same in memory and streamed; whatever ndnet writes, ndnet reads back
//! with the same header and cells, and `predict_csv` writes one prediction per data line.
#![cfg(all(feature = "csv", feature = "serde"))]

use ndarray::{Array2, array};
use ndnet::tabular::{CsvChunks, FittedTarget, Predictions, Table, TabularConfig};
use ndnet::{Activation, Network, TabularModel};

use crate::common::{scratch_dir, write_file};

/// A model with zero weights for `config` fitted on `csv`: its output activation suits the
/// target (sigmoid, softmax or linear).
fn model(config: &TabularConfig, csv: &str) -> TabularModel<f64> {
    let table = Table::from_reader(csv.as_bytes(), "train.csv").unwrap();
    let fitted = config.fit(&table).unwrap();
    let output = match fitted.fitted_target() {
        FittedTarget::MultiClass { .. } => Activation::Softmax,
        FittedTarget::Regression { .. } => Activation::Linear,
        _ => Activation::Sigmoid,
    };
    let zeros = (
        Array2::zeros((fitted.n_outputs(), fitted.n_features())),
        Array2::zeros((fitted.n_outputs(), 1)),
    );
    let network = Network::from_parameters(vec![zeros], &[output]).unwrap();
    TabularModel::new(fitted, network).unwrap()
}

#[test]
fn a_quoted_field_spanning_lines_is_an_error_naming_the_line_where_it_opened() {
    let dir = scratch_dir("csv-files-quotes");
    // The quote opened on line 3 is closed by the stray one on line 5: three data lines would
    // have become one row whose `note` is "a\n4,b,Y\n5,c". And a quote opened in the header.
    let cases = [
        ("id,note,y\n1,x,N\n2,\"a\n4,b,Y\n5,\"c,N\n6,d,Y\n", 3, "note"),
        ("id,note,y\n1,x,N\n2,y,Y\n3,\"two\nlines\",N\n", 4, "note"),
        ("id,\"no\nte\",y\n1,x,N\n2,y,Y\n", 1, "2"),
        ("id,note,y\n1,x,N\r\n\"2\r3\",y,Y\n", 3, "id"),
    ];
    let config = TabularConfig::binary("y", "Y").id_column("id");
    let trained = model(&config, "id,note,y\n1,x,N\n2,y,Y\n3,x,Y\n");
    for (text, line, column) in cases {
        let path = write_file(&dir, "hostile.csv", text);
        let expected = format!("{}, line {line}, column {column}: ", path.display());
        let in_memory = Table::from_path(&path).unwrap_err().to_string();
        assert!(in_memory.starts_with(&expected), "{text:?}: {in_memory}");
        assert!(in_memory.contains("line break"), "{in_memory}");
        let streamed = CsvChunks::scan(&path, 1).unwrap_err().to_string();
        assert_eq!(streamed, in_memory, "{text:?}");
        let fitted = config.fit_csv(&path, 2).map(|_| ()).unwrap_err().to_string();
        assert_eq!(fitted, in_memory, "{text:?}");
        let predicted = trained.predict_csv(&path, dir.join("out.csv")).unwrap_err().to_string();
        assert_eq!(predicted, in_memory, "{text:?}");
        assert!(!dir.join("out.csv").exists());
    }
}

#[test]
fn predict_csv_writes_one_prediction_per_data_line_or_names_the_line() {
    let dir = scratch_dir("csv-files-rows");
    let config = TabularConfig::multi_class("y").id_column("id");
    let trained = model(&config, "id,c,y\n1,u,a\n2,v,b\n3,u,c\n");
    // Five data lines; the third opens a quote that the fifth closes.
    let path = write_file(&dir, "new.csv", "id,c\n1,u\n2,v\n3,\"u\n4,v\n5,\"\n6,u\n");
    let err = trained.predict_csv(&path, dir.join("out.csv")).unwrap_err().to_string();
    assert!(err.contains("new.csv, line 4, column c: "), "{err}");
    // Blank lines are skipped (and counted in line numbers): one prediction per other line.
    let path = write_file(&dir, "ok.csv", "id,c\n\n1,u\n2,\"v\"\n\n3,\"u,\"\"w\"\"\"\n");
    let predictions = trained.predict_csv(&path, dir.join("out.csv")).unwrap();
    assert_eq!(predictions.len(), 3);
    let written = Table::from_path(dir.join("out.csv")).unwrap();
    assert_eq!(written.n_rows(), 3);
    assert_eq!(written.column("id").unwrap(), ["1", "2", "3"]);
}

#[test]
fn a_column_of_missing_value_placeholders_is_an_error_not_a_category() {
    let dir = scratch_dir("csv-files-placeholders");
    let config = TabularConfig::binary("y", "Y");
    // Each column would have become categorical (one feature per distinct cell), silently.
    for (column, line, cell) in [
        ("-\n-\n-\n-", 2, "-"),
        ("NaN\n-\ninf\nNaN", 2, "NaN"),
        ("1.5\n2\n-\n4", 4, "-"),
        ("1\nNA\n3\n", 3, "NA"),
        ("\nn/a\n2\nnull", 3, "n/a"),
        ("?\n1\n?\n2", 2, "?"),
        ("Infinity\n-inf\n1\n2", 2, "Infinity"),
        ("#N/A\n0\n0\n1", 2, "#N/A"),
    ] {
        let cells: Vec<&str> = column.split('\n').collect();
        let text: String = cells
            .iter()
            .zip(["Y", "N", "Y", "N"])
            .fold("x,y\n".to_owned(), |text, (cell, y)| text + &format!("{cell},{y}\n"));
        let path = write_file(&dir, "placeholders.csv", &text);
        let in_memory = Table::from_path(&path)
            .and_then(|t| config.fit(&t))
            .unwrap_err()
            .to_string();
        let expected = format!("{}, line {line}, column x: {cell:?} ", path.display());
        assert!(in_memory.starts_with(&expected), "{text:?}: {in_memory}");
        assert!(in_memory.contains("leave the cell empty"), "{in_memory}");
        for chunk in [1, 3] {
            let streamed = config.fit_csv(&path, chunk).map(|_| ()).unwrap_err().to_string();
            assert_eq!(streamed, in_memory, "{text:?}");
        }
    }
    // Declared categorical, the same cells are categories; among text they are text.
    let path = write_file(&dir, "declared.csv", "x,y\n-,Y\nNA,N\n-,Y\n");
    let declared = config.clone().column_kind("x", ndnet::tabular::ColumnKind::Categorical);
    assert_eq!(declared.fit(&Table::from_path(&path).unwrap()).unwrap().n_features(), 2);
    let path = write_file(&dir, "text.csv", "x,y\nred,Y\nNA,N\nblue,Y\n");
    assert_eq!(config.fit(&Table::from_path(&path).unwrap()).unwrap().n_features(), 3);
}

#[test]
fn a_header_predict_csv_would_write_twice_is_an_error_naming_both() {
    let dir = scratch_dir("csv-files-header");
    let new = write_file(&dir, "new.csv", "p_Y,x\nq,1\nr,2\n");
    // The ID column is named like the probability column of class Y.
    let trained = model(
        &TabularConfig::binary("y", "Y").id_column("p_Y"),
        "p_Y,x,y\na,1,N\nb,2,Y\n",
    );
    let err = trained.predict_csv(&new, dir.join("out.csv")).unwrap_err().to_string();
    assert!(
        err.contains("\"p_Y\"") && err.contains("ID column") && err.contains("class \"Y\""),
        "{err}"
    );
    assert!(!dir.join("out.csv").exists());
    // The target is named like the probability column of class a.
    let trained = model(&TabularConfig::multi_class("p_a"), "x,p_a\n1,a\n2,b\n");
    let new = write_file(&dir, "new2.csv", "x\n1\n");
    let err = trained.predict_csv(&new, dir.join("out.csv")).unwrap_err().to_string();
    assert!(
        err.contains("\"p_a\"") && err.contains("target column") && err.contains("class \"a\""),
        "{err}"
    );
    // Two classes whose columns the reader would read as one name, and names it would trim.
    let p = Predictions::Classes {
        classes: vec!["Y".into(), "Y ".into()],
        labels: vec!["Y".into()],
        probabilities: array![[0.5f64], [0.5]],
    };
    let err = p.to_csv("y", None).unwrap_err().to_string();
    assert!(err.contains("classes"), "{err}");
    let p = Predictions::Values {
        values: array![[1.0f64]],
    };
    for (target, ids) in [
        (" y", None),
        ("", None),
        ("y", Some(("y", &["a".to_owned()][..]))),
        ("y", Some(("id ", &["a".to_owned()][..]))),
    ] {
        let err = p.to_csv(target, ids).unwrap_err();
        assert!(
            matches!(err, ndnet::Error::InvalidArgument { .. }),
            "{target:?} {ids:?}: {err}"
        );
    }
}

#[test]
fn predictions_to_csv_on_fields_no_model_returns_is_an_error_naming_the_field() {
    let labels = || vec!["a".to_owned(), "b".to_owned()];
    let classes = || vec!["a".to_owned(), "b".to_owned()];
    let cases: Vec<(Predictions<f64>, &str)> = vec![
        (
            Predictions::Values {
                values: Array2::zeros((0, 3)),
            },
            "values",
        ),
        (
            Predictions::Values {
                values: Array2::zeros((2, 3)),
            },
            "values",
        ),
        (
            Predictions::Values {
                values: array![[1.0, f64::NAN]],
            },
            "values",
        ),
        (
            Predictions::Classes {
                classes: classes(),
                labels: labels(),
                probabilities: array![[0.5], [0.5]],
            },
            "probabilities",
        ),
        (
            Predictions::Classes {
                classes: classes(),
                labels: labels(),
                probabilities: array![[0.5, 0.5]],
            },
            "probabilities",
        ),
        (
            Predictions::Classes {
                classes: classes(),
                labels: vec!["a".into(), "zebra".into()],
                probabilities: array![[0.5, 0.5], [0.5, 0.5]],
            },
            "labels",
        ),
        (
            Predictions::Classes {
                classes: classes(),
                labels: labels(),
                probabilities: array![[0.5, f64::INFINITY], [0.5, 0.5]],
            },
            "probabilities",
        ),
        (
            Predictions::Classes {
                classes: vec!["a".into(), "a".into()],
                labels: vec!["a".into(), "a".into()],
                probabilities: array![[0.5, 0.5], [0.5, 0.5]],
            },
            "classes",
        ),
    ];
    for (p, field) in cases {
        let got = std::panic::catch_unwind(|| p.to_csv("y", None));
        let err = got.unwrap_or_else(|_| panic!("to_csv panicked on {p:?}")).unwrap_err();
        assert!(
            matches!(&err, ndnet::Error::InvalidArgument { argument, .. } if *argument == field),
            "{p:?}: {err:?}"
        );
    }
}

#[test]
fn what_to_csv_writes_reads_back_with_the_same_header_and_cells_or_is_refused() {
    // Hostile labels and IDs: what the reader keeps as written is written; what it would read
    // differently (surrounding spaces, line breaks, empty names) is refused.
    let hostile = [
        "a,b",
        "say \"hi\"",
        "=1+2",
        "@SUM(A1)",
        "p_x",
        "y",
        "#",
        "'quoted'",
        "tab\tin",
        "é ü",
        "a;b",
        "id",
        "target",
    ];
    let classes: Vec<String> = hostile.iter().map(|s| (*s).to_owned()).collect();
    let mut sorted = classes.clone();
    sorted.sort();
    let k = sorted.len();
    let p = Predictions::Classes {
        classes: sorted.clone(),
        labels: sorted.clone(),
        probabilities: Array2::from_elem((k, k), 1.0 / k as f64),
    };
    let ids: Vec<String> = sorted.iter().map(|s| format!("id {s}")).collect();
    let text = p.to_csv("target", Some(("id", &ids))).unwrap();
    let table = Table::from_reader(text.as_bytes(), "written.csv").unwrap();
    let mut header = vec!["id".to_owned(), "target".to_owned()];
    header.extend(sorted.iter().map(|c| format!("p_{c}")));
    assert_eq!(table.headers(), header);
    assert_eq!(
        table.column("target").unwrap(),
        sorted.iter().map(String::as_str).collect::<Vec<_>>()
    );
    assert_eq!(
        table.column("id").unwrap(),
        ids.iter().map(String::as_str).collect::<Vec<_>>()
    );
    for bad in [" a", "b ", "two\nlines", "cr\r", ""] {
        let p = Predictions::Classes {
            classes: vec![bad.to_owned(), "z".to_owned()],
            labels: vec![bad.to_owned()],
            probabilities: array![[0.5], [0.5]],
        };
        let err = p.to_csv("y", None).unwrap_err();
        assert!(
            matches!(&err, ndnet::Error::InvalidArgument { argument, .. } if *argument == "classes"),
            "{bad:?}: {err:?}"
        );
        let values = Predictions::Values {
            values: array![[1.0f64]],
        };
        match values.to_csv("y", Some(("id", &[bad.to_owned()]))) {
            // An empty ID is a missing value: written as such, and read back as one.
            Ok(text) if bad.is_empty() => {
                let table = Table::from_reader(text.as_bytes(), "written.csv").unwrap();
                assert_eq!(table.column("id").unwrap(), [""]);
            }
            Ok(text) => panic!("{bad:?} written as {text:?}"),
            Err(err) => assert!(
                matches!(&err, ndnet::Error::InvalidArgument { argument, .. } if *argument == "ids"),
                "{bad:?}: {err:?}"
            ),
        }
    }
}

//! The CSV files ndnet writes, read by Python's `csv` module (ignored by default: it needs
//! Python; only the standard library). Run with
//! `NDNET_PYTHON=python3 cargo test --features full --test data csv_interop -- --ignored`.
//!
//! `predict_csv` of a model whose classes and IDs are hostile (commas, quotes, `=` formulas,
//! names equal to the columns', tabs, accents), and `Predictions::to_csv` of labels as hostile:
//! Python must see the header and every cell ndnet wrote and ndnet's own reader reads back.
//! Labels a reader would not keep (surrounding spaces, line breaks) cannot come from a fit:
//! the reader trims the one and refuses the other.
#![cfg(all(feature = "csv", feature = "serde"))]

use std::path::Path;

use ndarray::Array2;
use ndnet::tabular::{Predictions, Table, TabularConfig};
use ndnet::{Activation, Network, TabularModel};

use crate::common::{run_python, scratch_dir};

/// Prints each file's rows, as Python's `csv` module reads them, as one JSON list per file.
const PYTHON_READS: &str = r#"
import csv, json, sys
for path in sys.argv[1:]:
    with open(path, newline="", encoding="utf-8") as f:
        print(json.dumps(list(csv.reader(f))))
"#;

/// Classes of the target: hostile to CSV writers, readers and spreadsheets.
const HOSTILE: [&str; 12] = [
    "a,b",
    "say \"hi\"",
    "=1+2",
    "@SUM(A1)",
    "+cmd",
    "id",
    "y",
    "x",
    "p_x",
    "tab\there",
    "é;ü",
    "'",
];

/// ndnet's reading of `path`: the header, then the rows.
fn ndnet_rows(path: &Path) -> Vec<Vec<String>> {
    let table = Table::from_path(path).expect("ndnet reads what it wrote");
    std::iter::once(table.headers().to_vec())
        .chain(table.rows().iter().cloned())
        .collect()
}

/// A CSV cell written with quotes doubled.
fn quoted(cell: &str) -> String {
    format!("\"{}\"", cell.replace('"', "\"\""))
}

#[test]
#[ignore = "needs Python: NDNET_PYTHON=python3 cargo test --features full --test data csv_interop -- --ignored"]
fn python_reads_the_header_and_cells_ndnet_writes() {
    let dir = scratch_dir("csv-interop");
    // Training rows: one per class, IDs as hostile, a numeric feature.
    let mut train = String::from("id,x,y\n");
    for (i, class) in HOSTILE.iter().enumerate() {
        train += &format!("{},{i},{}\n", quoted(&format!("={class}")), quoted(class));
    }
    let table = Table::from_reader(train.as_bytes(), "train.csv").unwrap();
    let fitted = TabularConfig::multi_class("y").id_column("id").fit(&table).unwrap();
    let (k, n_x) = (fitted.n_outputs(), fitted.n_features());
    assert_eq!(k, HOSTILE.len());
    let network = Network::from_parameters(
        vec![(Array2::zeros((k, n_x)), Array2::zeros((k, 1)))],
        &[Activation::Softmax],
    )
    .unwrap();
    let model = TabularModel::<f64>::new(fitted, network).unwrap();
    let input = dir.join("train.csv");
    std::fs::write(&input, &train).unwrap();
    let predicted = dir.join("predicted.csv");
    let predictions = model.predict_csv(&input, &predicted).unwrap();
    assert_eq!(predictions.len(), HOSTILE.len());

    // Hand-built predictions whose labels are every class in turn.
    let mut classes: Vec<String> = HOSTILE.iter().map(|c| (*c).to_owned()).collect();
    classes.sort();
    let ids: Vec<String> = classes.iter().map(|c| format!("\"{c}\", {c}")).collect();
    let by_hand = Predictions::Classes {
        classes: classes.clone(),
        labels: classes.clone(),
        probabilities: Array2::from_elem((k, k), 1.0 / k as f64),
    };
    let written = dir.join("by_hand.csv");
    std::fs::write(&written, by_hand.to_csv("x", Some(("y", &ids))).unwrap()).unwrap();

    let python = run_python(PYTHON_READS, &[&predicted, &written]);
    let python: Vec<Vec<Vec<String>>> = python
        .lines()
        .map(|line| serde_json::from_str(line).expect("Python prints JSON"))
        .collect();
    assert_eq!(python.len(), 2);
    for (rows, path) in python.iter().zip([&predicted, &written]) {
        assert_eq!(rows, &ndnet_rows(path), "{}", path.display());
    }
    // And both are what ndnet meant to write.
    let mut header = vec!["id".to_owned(), "y".to_owned()];
    header.extend(classes.iter().map(|c| format!("p_{c}")));
    assert_eq!(python[0][0], header);
    let expected_ids: Vec<String> = HOSTILE.iter().map(|c| format!("={c}")).collect();
    assert_eq!(
        python[0][1..].iter().map(|r| r[0].clone()).collect::<Vec<_>>(),
        expected_ids
    );
    assert_eq!(python[1][1..].iter().map(|r| r[1].clone()).collect::<Vec<_>>(), classes);
    assert_eq!(python[1][1..].iter().map(|r| r[0].clone()).collect::<Vec<_>>(), ids);

    // Labels a reader would not keep never reach a model: trimmed, or refused naming the line.
    let spaced = Table::from_reader("x,y\n1,\" a\"\n2,\"b \"\n".as_bytes(), "spaced.csv").unwrap();
    assert_eq!(spaced.column("y").unwrap(), ["a", "b"]);
    let err = Table::from_reader("x,y\n1,a\n2,\"two\nlines\"\n".as_bytes(), "broken.csv").unwrap_err();
    assert!(err.to_string().starts_with("broken.csv, line 3, column y: "), "{err}");
    std::fs::remove_dir_all(dir).unwrap();
}

//! A CSV file streamed in chunks (feature `csv`): `TabularConfig::fit_csv` equals
//! `TabularConfig::fit` on the same file bit for bit, `CsvExamples` reads the values of
//! `FittedPreprocessing::transform` bit for bit, training on them equals training on those values
//! in memory for every shuffle, a validation file streams the same way (early stopping
//! included), and `csv_to_npy` (feature `npy`) writes them.
#![cfg(feature = "csv")]

use std::fmt::Write as _;
use std::path::Path;

use ndarray::Array2;
use ndnet::data::{Examples, InMemory};
use ndnet::tabular::{ColumnKind, CsvChunks, CsvExamples, Table, TabularConfig};
use ndnet::{Adam, AdamConfig, Float, Network, Shuffle, TrainConfig};
use rand::RngExt;

use crate::common::{self, parameter_bits, scratch_dir, write_file};

/// A table of `rows` rows meant to reach every path of the fit: an ID; an income with 10 %
/// missing and a long tail (spread values: the median needs a histogram once 65 536 are
/// present); an age of 63 integers (many equal values: the histogram narrows to one); a constant
/// column with missing cells; values near ±1e300 and −0 (the scaled sums); a colour with ties
/// and missing cells; a code that looks numeric until its last quarter (detected as text late: its
/// early rows are counted in a later pass); a zip forced categorical; free text dropped; and the
/// three targets (binary `ok`, classes `grade`, a number `price`). Quoted fields, blank lines,
/// CRLF and spaces around cells are scattered about.
fn table_text(rows: usize, seed: u64) -> String {
    let mut rng = common::rng(seed);
    let mut text = String::from("id,income,age,constant,big,colour,code,zip,notes,ok,grade,price\r\n");
    for i in 0..rows {
        let missing = |rng: &mut rand::rngs::StdRng, p: f64| rng.random::<f64>() < p;
        let income = if missing(&mut rng, 0.1) {
            String::new()
        } else {
            format!("{:.3}", (rng.random::<f64>() * 4.0).exp() * 1000.0)
        };
        let age = if missing(&mut rng, 0.05) {
            String::new()
        } else {
            rng.random_range(18..81u32).to_string()
        };
        let constant = if missing(&mut rng, 0.2) { "" } else { "2.5" };
        let big = match rng.random_range(0..4u8) {
            0 => "-0".to_owned(),
            1 => format!("{:e}", rng.random::<f64>() * 1.7e308),
            2 => format!("{:e}", -rng.random::<f64>() * 1.7e308),
            _ => format!("{}", rng.random::<f64>()),
        };
        let colour = if missing(&mut rng, 0.1) {
            ""
        } else {
            ["red", "blue", "green", "Grey", "\"dark, red\""][i % 5]
        };
        let code = if i >= rows * 3 / 4 && i % 3 == 0 {
            format!("X{}", i % 11)
        } else {
            (i % 40).to_string()
        };
        let zip = 75000 + i % 13;
        let label = rng.random::<f64>();
        let ok = if label < 0.4 { "Y" } else { "N" };
        let grade = ["a", "b", "c"][usize::from(label > 0.3) + usize::from(label > 0.7)];
        let price = format!("{:.2}", label * 500.0 - 100.0);
        let notes = format!("\"note {i}, \"\"quoted\"\"\"");
        let blank = if i % 997 == 5 { "\n" } else { "" };
        let ending = if i % 2 == 0 { "\r\n" } else { "\n" };
        write!(
            text,
            "{blank}r{i}, {income},{age},{constant},{big},{colour},{code},{zip},{notes},{ok},{grade} ,{price}{ending}"
        )
        .unwrap();
    }
    text
}

/// The three target kinds on the columns of [`table_text`].
fn configs() -> Vec<TabularConfig> {
    let common = |config: TabularConfig, others: [&str; 2]| {
        others
            .iter()
            .fold(config.id_column("id").drop_column("notes"), |c, other| {
                c.drop_column(*other)
            })
            .column_kind("zip", ColumnKind::Categorical)
    };
    vec![
        common(TabularConfig::binary("ok", "Y"), ["grade", "price"]),
        common(TabularConfig::multi_class("grade"), ["ok", "price"]),
        common(TabularConfig::regression("price"), ["ok", "grade"]),
        common(
            TabularConfig::with_target("price", ndnet::tabular::TargetKind::Regression { standardize: false }),
            ["ok", "grade"],
        ),
    ]
}

#[test]
fn the_streamed_fit_equals_the_in_memory_fit_bit_for_bit() {
    let dir = scratch_dir("csv-stream-fit");
    // 100 000 rows: 90 000 incomes present, more than the 65 536 values a last pass keeps.
    for (rows, chunk_sizes) in [
        (1, &[1, 4096][..]),
        (2, &[1][..]),
        (57, &[1, 7, 4096][..]),
        (100_000, &[4096][..]),
    ] {
        let path = write_file(&dir, "table.csv", &table_text(rows, rows as u64));
        let table = Table::from_path(&path).unwrap();
        for config in configs() {
            let in_memory = config.fit(&table);
            for &chunk in chunk_sizes {
                let streamed = config.fit_csv(&path, chunk).map(|(fitted, _)| fitted);
                match (&streamed, &in_memory) {
                    (Ok(streamed), Ok(in_memory)) => assert_eq!(streamed, in_memory, "{rows} rows, chunks of {chunk}"),
                    // One row is too few for some targets (one class, one label): the same error.
                    (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{rows} rows"),
                    _ => panic!("{rows} rows, chunks of {chunk}: {streamed:?} but in memory {in_memory:?}"),
                }
            }
        }
    }
    // The large table reached every path: a late text column, a numeric median from a histogram.
    let fitted = configs()[0].fit_csv(dir.join("table.csv"), 4096).unwrap().0;
    assert!(fitted.feature_names().iter().any(|f| f == "code=X1"));
    assert!(fitted.feature_names().iter().any(|f| f == "income"));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn chunks_hold_their_rows_and_name_their_lines() {
    let dir = scratch_dir("csv-stream-chunks");
    // A quoted field (on one line: one spanning lines is refused, naming the line it opens on).
    let spanning = write_file(&dir, "spanning.csv", "a,b\r\n\r\n1,\"x\ny\"\n2,z\n");
    let err = CsvChunks::scan(&spanning, 2).unwrap_err().to_string();
    assert!(err.contains("spanning.csv, line 3, column b: "), "{err}");
    let text = "a,b\r\n\r\n1,\"x, y\"\n\n2,z\n\n\n3,w\n4,v";
    let path = write_file(&dir, "lines.csv", text);
    let chunks = CsvChunks::scan(&path, 2).unwrap();
    assert_eq!((chunks.n_rows(), chunks.n_chunks(), chunks.rows_per_chunk()), (4, 2, 2));
    // Each chunk starts where its first row does, or at the line breaks before it.
    let at = |c: usize| text[chunks.offset(c).unwrap() as usize..].trim_start_matches(['\r', '\n']);
    assert!(at(0).starts_with("1,\"x, y\""));
    assert!(at(1).starts_with("3,w"));
    assert_eq!(chunks.offset(2), None);
    // A bad row names the line the in-memory table names.
    let fitted = TabularConfig::multi_class("b")
        .fit(&Table::from_path(&path).unwrap())
        .unwrap();
    let bad = write_file(&dir, "bad.csv", "a,b\r\n\r\n1,\"x, y\"\n\n2,z\n\n\nthree,w\n4,v");
    let expected = fitted
        .transform::<f64>(&Table::from_path(&bad).unwrap())
        .unwrap_err()
        .to_string();
    assert!(expected.contains("line 8, column a"), "{expected}");
    let mut examples = CsvExamples::<f64>::new(&CsvChunks::scan(&bad, 2).unwrap(), &fitted).unwrap();
    let (mut x, mut y) = (Array2::zeros((1, 1)), Array2::zeros((4, 1)));
    let err = examples.gather(&[2], x.view_mut(), y.view_mut()).unwrap_err();
    assert_eq!(err.to_string(), expected);
    std::fs::remove_dir_all(dir).unwrap();
}

/// Gathers `indices` from `examples` in batches of `batch`.
fn gather_all<F: Float>(examples: &mut CsvExamples<F>, indices: &[usize], batch: usize) -> (Array2<F>, Array2<F>) {
    let (mut x, mut y) = (Array2::zeros((examples.n_x(), 0)), Array2::zeros((examples.n_y(), 0)));
    for part in indices.chunks(batch) {
        let (mut xb, mut yb) = (
            Array2::zeros((examples.n_x(), part.len())),
            Array2::zeros((examples.n_y(), part.len())),
        );
        examples.gather(part, xb.view_mut(), yb.view_mut()).unwrap();
        x = ndarray::concatenate![ndarray::Axis(1), x, xb];
        y = ndarray::concatenate![ndarray::Axis(1), y, yb];
    }
    (x, y)
}

fn examples_equal_the_transform<F: Float>(dir: &Path) {
    let path = write_file(dir, "table.csv", &table_text(1000, 3));
    let table = Table::from_path(&path).unwrap();
    let mut rng = common::rng(9);
    for config in configs() {
        let (fitted, chunks) = config.fit_csv(&path, 64).unwrap();
        let (x, y) = fitted.transform::<F>(&table).unwrap();
        let y = y.unwrap();
        let mut examples = CsvExamples::<F>::new(&chunks, &fitted).unwrap();
        let in_order: Vec<usize> = (0..1000).collect();
        let random: Vec<usize> = (0..1500).map(|_| rng.random_range(0..1000)).collect();
        let blocks: Vec<usize> = [5, 0, 15, 9]
            .iter()
            .flat_map(|&c| c * 64..((c + 1) * 64).min(1000))
            .collect();
        for (indices, batch) in [(&in_order, 50), (&in_order, 1000), (&random, 37), (&blocks, 256)] {
            let (xs, ys) = gather_all(&mut examples, indices, batch);
            assert_eq!(xs, x.select(ndarray::Axis(1), indices), "X, batches of {batch}");
            assert_eq!(ys, y.select(ndarray::Axis(1), indices), "Y, batches of {batch}");
        }
    }
}

#[test]
fn examples_read_from_chunks_equal_the_in_memory_transform_bit_for_bit() {
    let dir = scratch_dir("csv-stream-examples");
    examples_equal_the_transform::<f64>(&dir);
    examples_equal_the_transform::<f32>(&dir);
    std::fs::remove_dir_all(dir).unwrap();
}

/// Trains a [n_x, 5, 1] network on the CSV's examples and on the same values in memory (read
/// batch by batch too), for every shuffle: the same parameters, bit for bit.
fn training_equals_training_in_memory<F: Float>(dir: &Path) {
    let path = write_file(dir, "table.csv", &table_text(700, 11));
    let config = configs().remove(0);
    let (fitted, chunks) = config.fit_csv(&path, 50).unwrap();
    let (x, y) = fitted.transform::<F>(&Table::from_path(&path).unwrap()).unwrap();
    let y = y.unwrap();
    let net: Network<F> = common::tanh_network(&[fitted.n_features(), 5, 1], &mut common::rng(2));
    let shuffles = [
        Shuffle::Full,
        Shuffle::None,
        Shuffle::Blocks {
            chunk: 50,
            chunks_per_block: 3,
        },
    ];
    for shuffle in shuffles {
        let train = TrainConfig::epochs(3).batch_size(32).seed(8).shuffle(shuffle);
        let adam = || Adam::new(AdamConfig::default().learning_rate(0.01)).unwrap();
        let mut from_csv = net.clone();
        let mut examples = CsvExamples::<F>::new(&chunks, &fitted).unwrap();
        let csv_history = from_csv.fit(&mut examples, &mut adam(), &train).unwrap();
        let mut from_memory = net.clone();
        let memory_history = from_memory
            .fit(&mut InMemory::new(&x, &y).unwrap(), &mut adam(), &train)
            .unwrap();
        assert_eq!(parameter_bits(&from_csv), parameter_bits(&from_memory), "{shuffle:?}");
        assert_eq!(csv_history.records, memory_history.records, "{shuffle:?}");
    }
}

#[test]
fn training_from_the_csv_equals_training_on_its_values_in_memory() {
    let dir = scratch_dir("csv-stream-training");
    training_equals_training_in_memory::<f64>(&dir);
    training_equals_training_in_memory::<f32>(&dir);
    std::fs::remove_dir_all(dir).unwrap();
}

/// A validation file read chunk by chunk (`Validation::streamed` over the `CsvExamples` of a file
/// indexed alone by `CsvChunks::scan`, through the preprocessing fitted on the training file)
/// gives the figures of its transform read batch by batch from memory, bit for bit, and early
/// stopping keeps the same epoch.
#[test]
fn a_validation_file_read_in_chunks_stops_as_its_values_in_memory() {
    use ndnet::{FitOptions, Validation};
    let dir = scratch_dir("csv-stream-validation");
    // The labels are drawn apart from the features: a wide network overfits within a few epochs.
    let train = write_file(&dir, "train.csv", &table_text(400, 21));
    let valid = write_file(&dir, "valid.csv", &table_text(300, 22));
    let (fitted, chunks) = configs().remove(0).fit_csv(&train, 64).unwrap();
    let valid_chunks = CsvChunks::scan(&valid, 32).unwrap();
    let (x_valid, y_valid) = fitted.transform::<f64>(&Table::from_path(&valid).unwrap()).unwrap();
    let y_valid = y_valid.unwrap();
    let net: Network<f64> = common::tanh_network(&[fitted.n_features(), 32, 1], &mut common::rng(4));
    let config = TrainConfig::epochs(200)
        .batch_size(50)
        .seed(3)
        .shuffle(Shuffle::Blocks {
            chunk: 64,
            chunks_per_block: 2,
        });
    let adam = || Adam::new(AdamConfig::default().learning_rate(0.02)).unwrap();
    let run = |validation: &mut dyn Examples<f64>| {
        let mut net = net.clone();
        let mut examples = CsvExamples::<f64>::new(&chunks, &fitted).unwrap();
        let options = FitOptions::new(config.clone()).validation(Validation::streamed(validation).early_stopping(3));
        let history = net.fit(&mut examples, &mut adam(), options).unwrap();
        (net, history)
    };
    let (from_csv, csv_history) = run(&mut CsvExamples::<f64>::new(&valid_chunks, &fitted).unwrap());
    let (from_memory, memory_history) = run(&mut InMemory::new(&x_valid, &y_valid).unwrap());
    assert!(csv_history.stopped_early, "the labels are noise: training stops early");
    assert_eq!(csv_history.best_epoch, memory_history.best_epoch);
    assert_eq!(csv_history.epochs, memory_history.epochs);
    assert_eq!(parameter_bits(&from_csv), parameter_bits(&from_memory));
    std::fs::remove_dir_all(dir).unwrap();
}

#[cfg(feature = "npy")]
#[test]
fn the_converter_writes_the_transform_as_npy_files() {
    use ndnet::data::NpyExamples;
    let dir = scratch_dir("csv-stream-npy");
    let path = write_file(&dir, "table.csv", &table_text(300, 5));
    let table = Table::from_path(&path).unwrap();
    for config in configs() {
        let (fitted, chunks) = config.fit_csv(&path, 64).unwrap();
        fitted
            .csv_to_npy::<f32>(&chunks, dir.join("x.npy"), dir.join("y.npy"))
            .unwrap();
        let mut examples = NpyExamples::<f32>::open(dir.join("x.npy"), dir.join("y.npy")).unwrap();
        let (x, y) = fitted.transform::<f32>(&table).unwrap();
        let (mut xs, mut ys) = (Array2::zeros(x.dim()), Array2::zeros((fitted.n_outputs(), 300)));
        let all: Vec<usize> = (0..300).collect();
        examples.gather(&all, xs.view_mut(), ys.view_mut()).unwrap();
        assert_eq!((xs, ys), (x, y.unwrap()));
        // In f64, the X file is 128 bytes of header and then the values, example by example.
        fitted
            .csv_to_npy::<f64>(&chunks, dir.join("x.npy"), dir.join("y.npy"))
            .unwrap();
        let (x, _) = fitted.transform::<f64>(&table).unwrap();
        let bytes = std::fs::read(dir.join("x.npy")).unwrap();
        let values: Vec<u8> = x.t().iter().flat_map(|v| v.to_le_bytes()).collect();
        assert_eq!(bytes[128..], values[..]);
    }
    std::fs::remove_dir_all(dir).unwrap();
}

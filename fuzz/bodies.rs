// The fuzz targets' bodies, shared by the cargo-fuzz targets (fuzz/fuzz_targets/*.rs, nightly)
// and the stable poor man's fuzzer tests/robustness/fuzz_regressions.rs, which `include!` this file.
// Each body takes arbitrary bytes and must return without panicking (an Err is fine).

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A fresh temporary file holding `bytes`, removed when dropped.
pub struct TempFile(pub PathBuf);

impl TempFile {
    /// Writes `bytes` to a new file named `…<suffix>` in the temporary directory.
    pub fn new(bytes: &[u8], suffix: &str) -> TempFile {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("ndnet-fuzz-{}-{n}{suffix}", std::process::id()));
        std::fs::write(&path, bytes).expect("the temporary directory is writable");
        TempFile(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Model loading, whatever the format (JSON or safetensors, told from the bytes): as a network
/// in f32 and f64 and as a tabular model. What loads must predict; a tabular model must hold
/// fitting's invariants, so encoding a row built from its own column names never panics.
pub fn fuzz_model(data: &[u8]) {
    if let Ok(net) = ndnet::Network::<f32>::from_bytes(data) {
        let n_x = net.layer_sizes()[0];
        if n_x <= 4096 {
            let _ = net.predict_proba(&ndarray::Array2::<f32>::ones((n_x, 2)));
        }
    }
    if let Ok(net) = ndnet::Network::<f64>::from_bytes(data) {
        let n_x = net.layer_sizes()[0];
        if n_x <= 4096 {
            let _ = net.predict_proba(&ndarray::Array2::<f64>::ones((n_x, 2)));
        }
    }
    if let Ok(model) = ndnet::TabularModel::<f64>::from_bytes(data) {
        let names: Vec<&str> = model
            .preprocessing()
            .columns()
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        let row: Vec<&str> = names.iter().map(|_| "1").collect();
        let csv = format!(
            "{}\n{}\n{}\n",
            names.join(","),
            row.join(","),
            vec![""; names.len()].join(",")
        );
        if let Ok(table) = ndnet::tabular::Table::from_reader(csv.as_bytes(), "fuzz.csv") {
            let _ = model.predict(&table);
        }
    }
}

/// The CSV loader, then fitting and applying the preprocessing with the last column as a
/// binary, multi-class and regression target; what fits also gets its report printed to a
/// string, and a tiny model of the target's kind trained for a few steps predicts the table
/// and writes its predictions as CSV text.
pub fn fuzz_csv(data: &[u8]) {
    use ndnet::tabular::{Table, TabularConfig};
    use ndnet::{Activation, GradientDescent, Network, TabularModel, TrainConfig};
    let Ok(table) = Table::from_reader(data, "fuzz.csv") else { return };
    let (Some(target), Some(first)) = (table.headers().last(), table.rows().first()) else { return };
    let positive = first.last().cloned().unwrap_or_default();
    let configs = [
        TabularConfig::binary(target.clone(), positive),
        TabularConfig::binary(target.clone(), "1"),
        TabularConfig::multi_class(target.clone()),
        TabularConfig::regression(target.clone()),
    ];
    for config in configs {
        let Ok(fitted) = config.fit(&table) else { continue };
        let _ = fitted.to_string();
        let _ = fitted.transform::<f64>(&table);
        let _ = fitted.transform::<f32>(&table);
        let _ = fitted.transform_rows::<f64>(&table, &[0, table.n_rows().saturating_sub(1)]);
        // A one-layer model with the output of the target's kind (its cost follows); a few
        // features only.
        if fitted.n_features() > 64 || fitted.n_outputs() > 64 {
            continue;
        }
        let output = match fitted.fitted_target() {
            ndnet::tabular::FittedTarget::MultiClass { .. } => Activation::Softmax,
            ndnet::tabular::FittedTarget::Regression { .. } => Activation::Linear,
            _ => Activation::Sigmoid,
        };
        let build = |n_x, n_y| {
            let zeros = (ndarray::Array2::zeros((n_y, n_x)), ndarray::Array2::zeros((n_y, 1)));
            Network::<f32>::from_parameters(vec![zeros], &[output])
        };
        let Ok(mut gd) = GradientDescent::new(0.1) else { return };
        if let Ok((model, _)) = TabularModel::fit(&table, &config, build, &mut gd, TrainConfig::new(3))
            && let Ok(predictions) = model.predict(&table)
        {
            let _ = predictions.to_csv(model.preprocessing().target(), None);
        }
    }
}

/// `predict_csv` of a fixed tiny model (an ID column, a numeric and a categorical feature, a
/// binary target; zero weights) on a file of these bytes. When it succeeds: one prediction per
/// data record as the csv crate reads the input on its own, and so per non-blank line after the
/// header (ndnet refuses a field spanning lines); the file written reads back with ndnet's
/// reader, its header unique, with the same IDs and labels, one row per prediction.
pub fn fuzz_predict_csv(data: &[u8]) {
    use ndnet::tabular::{Predictions, Table, TabularConfig};
    use ndnet::{Activation, Network, TabularModel};
    let train = "id,x,c,y\n1,1.5,a,Y\n2,,b,N\n3,4,a,Y\n4,2,,N\n";
    let table = Table::from_reader(train.as_bytes(), "train.csv").expect("a valid training table");
    let fitted = TabularConfig::binary("y", "Y")
        .id_column("id")
        .fit(&table)
        .expect("a valid configuration");
    let zeros = (ndarray::Array2::zeros((1, fitted.n_features())), ndarray::Array2::zeros((1, 1)));
    let network = Network::<f32>::from_parameters(vec![zeros], &[Activation::Sigmoid]).expect("valid parameters");
    let model = TabularModel::new(fitted, network).expect("a sigmoid output suits a binary target");
    let input = TempFile::new(data, ".csv");
    let output = TempFile::new(b"", ".predictions.csv");
    let Ok(predictions) = model.predict_csv(&input.0, &output.0) else { return };
    let records = csv::Reader::from_reader(data).byte_records().count();
    assert_eq!(predictions.len(), records, "predictions for the records of {data:?}");
    // The csv crate skips a byte-order mark before the header.
    let text = data.strip_prefix(b"\xef\xbb\xbf").unwrap_or(data);
    let lines = text.split(|&b| b == b'\n' || b == b'\r').filter(|line| !line.is_empty()).count();
    assert_eq!(predictions.len() + 1, lines, "predictions for the lines of {data:?}");
    let written = Table::from_path(&output.0).expect("predict_csv writes a file ndnet reads");
    assert_eq!(written.headers(), ["id", "y", "p_N", "p_Y"]);
    assert_eq!(written.n_rows(), predictions.len());
    let read = Table::from_reader(data, "input.csv").expect("the input predict_csv read");
    assert_eq!(written.column("id").expect("an id column"), read.column("id").expect("an id column"));
    let Predictions::Classes { labels, .. } = &predictions else { panic!("a binary model predicts classes") };
    assert_eq!(written.column("y").expect("a target column"), labels.iter().map(String::as_str).collect::<Vec<_>>());
}

/// The IDX reader (images and labels) on a file of these bytes.
pub fn fuzz_idx(data: &[u8]) {
    let file = TempFile::new(data, ".idx");
    let _ = ndnet::data::read_idx_images::<f32>(&file.0);
    let _ = ndnet::data::read_idx_labels(&file.0);
}

/// The HDF5 image loader on a file of these bytes.
pub fn fuzz_h5(data: &[u8]) {
    let file = TempFile::new(data, ".h5");
    let _ = ndnet::data::load_h5_images::<f64>(&file.0, "train_set_x", "y_int32", None);
    let _ = ndnet::data::load_h5_images::<f32>(&file.0, "train_set_x", "y_int32", Some("list_classes"));
}

/// The image loader (PNG, JPEG) on a file of these bytes.
pub fn fuzz_image(data: &[u8]) {
    for suffix in [".png", ".jpg"] {
        let file = TempFile::new(data, suffix);
        let _ = ndnet::data::load_image::<f32>(&file.0, (8, 8));
    }
}

/// The `.npy` reader on a file of these bytes, as X and as Y, in f32 and f64: what opens must
/// gather its first, middle and last rows, and (when small) write back through the writer and
/// read back the same values.
pub fn fuzz_npy(data: &[u8]) {
    use ndnet::data::Examples;
    let file = TempFile::new(data, ".npy");
    let _ = ndnet::data::NpyExamples::<f32>::open(&file.0, &file.0).map(|mut examples| {
        let (n_x, n_y, m) = (examples.n_x(), examples.n_y(), examples.m());
        let indices = [0, m / 2, m - 1, (m / 2 + 1).min(m - 1)];
        let mut x = ndarray::Array2::zeros((n_x, indices.len()));
        let mut y = ndarray::Array2::zeros((n_y, indices.len()));
        let _ = examples.gather(&indices, x.view_mut(), y.view_mut());
    });
    let Ok(mut examples) = ndnet::data::NpyExamples::<f64>::open(&file.0, &file.0) else { return };
    let (n_x, n_y, m) = (examples.n_x(), examples.n_y(), examples.m());
    if m.saturating_mul(n_x) > 1 << 16 {
        return;
    }
    let all: Vec<usize> = (0..m).collect();
    let (mut x, mut y) = (ndarray::Array2::zeros((n_x, m)), ndarray::Array2::zeros((n_y, m)));
    if examples.gather(&all, x.view_mut(), y.view_mut()).is_err() {
        return;
    }
    let copy = TempFile::new(&[], "-x.npy");
    let copy_y = TempFile::new(&[], "-y.npy");
    ndnet::data::save_npy_examples(&x, &y, &copy.0, &copy_y.0).expect("a temporary file is writable");
    let mut again = ndnet::data::NpyExamples::<f64>::open(&copy.0, &copy_y.0).expect("ndnet reads what it writes");
    let (mut x2, mut y2) = (ndarray::Array2::zeros((n_x, m)), ndarray::Array2::zeros((n_y, m)));
    again.gather(&all, x2.view_mut(), y2.view_mut()).expect("ndnet reads what it writes");
    let bits = |a: &ndarray::Array2<f64>| a.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
    assert_eq!((bits(&x), bits(&y)), (bits(&x2), bits(&y2)), "a .npy round trip changed a value");
}

/// Bytes read front to back as small numbers; 0 once they run out.
struct Taken<'a>(&'a [u8]);

impl Taken<'_> {
    fn byte(&mut self) -> u8 {
        let Some((&b, rest)) = self.0.split_first() else { return 0 };
        self.0 = rest;
        b
    }

    fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.byte(), self.byte()])
    }

    /// A cost or norm: NaN, ±inf, a negative or huge value, or an ordinary one.
    fn cost(&mut self) -> f64 {
        match self.byte() {
            0 => f64::NAN,
            1 => f64::INFINITY,
            2 => -1.0,
            3 => f64::MAX,
            v => f64::from(v) / 64.0,
        }
    }

    /// An iteration or epoch after `previous`: usually the next few, sometimes `usize::MAX`, 0
    /// or the same again.
    fn after(&mut self, previous: Option<usize>) -> usize {
        match self.byte() {
            255 => usize::MAX,
            254 => 0,
            253 => previous.unwrap_or(0),
            v => previous.map_or(0, |p| p.saturating_add(1 + usize::from(v % 4))),
        }
    }
}

/// A [`ndnet::History`] decoded from bytes: usually one a run could return, often not (counts
/// at `usize::MAX`, a best epoch after the last, NaN costs, empty or out-of-order lists).
fn hostile_history(b: &mut Taken<'_>) -> ndnet::History {
    let mut records: Vec<ndnet::Record> = Vec::new();
    for _ in 0..b.byte() % 6 {
        let iteration = b.after(records.last().map(|r| r.iteration));
        records.push(ndnet::Record { iteration, cost: b.cost() });
    }
    let epochs = (0..usize::from(b.byte() % 5))
        .map(|e| {
            let hostile = b.byte() == 255;
            ndnet::EpochRecord {
                epoch: if hostile { usize::MAX } else { e },
                train_cost: b.cost(),
                valid_cost: (b.byte() % 2 == 1).then(|| b.cost()),
                valid_accuracy: (b.byte() % 2 == 1).then(|| f64::from(b.byte()) / 200.0),
            }
        })
        .collect();
    let diagnostics = (0..b.byte() % 3)
        .map(|_| ndnet::Diagnostics {
            iteration: b.after(None),
            layers: vec![ndnet::LayerDiagnostics {
                layer: usize::from(b.byte() % 3),
                dw_norm: b.cost(),
                db_norm: b.cost(),
                dead_fraction: Some(f64::from(b.byte()) / 200.0),
                saturated_fraction: None,
                identical_units: usize::from(b.byte()),
            }],
        })
        .collect();
    ndnet::History {
        records,
        epochs,
        best_epoch: match b.byte() {
            0 | 1 => None,
            255 => Some(usize::MAX),
            v => Some(usize::from(v % 6)),
        },
        stopped_early: b.byte().is_multiple_of(4),
        diagnostics,
        held_out: if b.byte() == 255 { usize::MAX } else { 0 },
        ..ndnet::History::default()
    }
}

/// A class label: empty, long, HTML, a duplicate, padded, or the class's number.
fn hostile_label(b: &mut Taken<'_>, class: usize) -> String {
    match b.byte() % 6 {
        0 => String::new(),
        1 => "<é&\"'>".repeat(if class < 64 { 700 } else { 40 }),
        2 => "<script>alert(\"&'\")</script>".into(),
        3 => "same".into(),
        4 => format!(" {class}\n"),
        _ => class.to_string(),
    }
}

/// The most bytes a report page may take when it shows `classes` classes: a fixed part (the
/// run, the charts of a few records, the style sheet) and a part per row or cell shown, which
/// is every class and cell up to 30 classes and 50 classes and 30 confusions above.
pub fn report_page_bound(classes: usize) -> usize {
    let shown = if classes <= 30 { classes * classes + 2 * classes } else { 50 + 30 };
    600_000 + 2_500 * shown
}

/// The training report of a hostile history, class count (0 to a few thousand), labels (empty,
/// long, HTML, duplicated, one too many or too few) and predictions, all decoded from the
/// bytes: Ok or an error, never a panic, and a page under [`report_page_bound`].
pub fn fuzz_report(data: &[u8]) {
    let mut b = Taken(data);
    let classes = match b.byte() % 4 {
        0 => usize::from(b.byte() % 40),
        1 => usize::from(b.u16() % 400),
        2 => usize::from(b.u16() % 3001),
        _ => 2,
    };
    let m = usize::from(b.byte()) + 1;
    let history = hostile_history(&mut b);
    let names: Option<Vec<String>> = match b.byte() % 3 {
        0 => None,
        kind => {
            let count = if kind == 1 { classes } else { (classes + usize::from(b.byte() % 3)).saturating_sub(1) };
            Some((0..count.min(4096)).map(|c| hostile_label(&mut b, c)).collect())
        }
    };
    // The class nearest to x wins (logits c · x − c² / 2): x is the predicted class.
    let w = ndarray::Array2::from_shape_fn((classes, 1), |(c, _)| c as f64);
    let bias = ndarray::Array2::from_shape_fn((classes, 1), |(c, _)| -((c * c) as f64) / 2.0);
    let Ok(net) = ndnet::Network::from_parameters(vec![(w, bias)], &[ndnet::Activation::Softmax]) else { return };
    if classes == 0 {
        return;
    }
    let mut x = ndarray::Array2::<f64>::zeros((1, m));
    let mut y = ndarray::Array2::<f64>::zeros((classes, m));
    for j in 0..m {
        let truth = usize::from(b.u16()) % classes;
        x[[0, j]] = match b.byte() {
            0..=159 => truth as f64,
            255 => f64::NAN,
            _ => f64::from(b.u16() % 4096),
        };
        y[[truth, j]] = if b.byte() == 255 { 2.0 } else { 1.0 };
    }
    let mut report = ndnet::report::Report::new(&history, &net).title(hostile_label(&mut b, 0));
    if let Some(names) = names {
        report = report.class_names(names);
    }
    let Ok(report) = report.evaluate(&hostile_label(&mut b, 1), &x, &y) else { return };
    if let Ok(html) = report.to_html() {
        let bound = report_page_bound(classes);
        assert!(html.len() <= bound, "{classes} classes: a page of {} bytes, more than {bound}", html.len());
    }
}

//! Training on `.npy` files of examples (feature `npy`): what the files hold trains exactly as
//! the same examples in memory, for every shuffle, for f32 and f64, whatever the file's float
//! type, byte order and Y shape.
#![cfg(feature = "npy")]

use std::path::Path;

use ndarray::Array2;
use ndnet::data::{Examples, NpyExamples, save_npy_examples};
use ndnet::{Adam, AdamConfig, Float, History, Network, Shuffle, TrainConfig};

use crate::common::{self, f32_bytes, npy_bytes, parameter_bits as bits, scratch_dir};

const SHUFFLES: [Shuffle; 3] = [
    Shuffle::Full,
    Shuffle::None,
    Shuffle::Blocks {
        chunk: 7,
        chunks_per_block: 3,
    },
];

/// The flower (m = 200) and a [2, 6, 1] tanh network, in `F`.
fn setup<F: Float>() -> (Array2<F>, Array2<F>, Network<F>) {
    let mut rng = common::rng(4);
    let (x, y) = ndnet::data::planar_flower::<F, _>(200, &mut rng).unwrap();
    (x, y, common::tanh_network(&[2, 6, 1], &mut rng))
}

fn config(shuffle: Shuffle) -> TrainConfig {
    TrainConfig::epochs(3).batch_size(32).seed(5).shuffle(shuffle)
}

fn adam<F: Float>() -> Adam<F> {
    Adam::new(AdamConfig::default().learning_rate(0.01)).unwrap()
}

/// Trains `net` on the files and returns it with its history.
fn train_on_files<F: Float>(net: &Network<F>, x: &Path, y: &Path, shuffle: Shuffle) -> (Network<F>, History) {
    let mut examples = NpyExamples::<F>::open(x, y).unwrap();
    let mut trained = net.clone();
    let history = trained.fit(&mut examples, &mut adam(), config(shuffle)).unwrap();
    assert!(history.plan.prefetch, "{}", history.plan);
    (trained, history)
}

/// The same examples in memory, X column-major (each example contiguous, as the batches are).
fn train_in_memory<F: Float>(
    net: &Network<F>,
    x: &Array2<F>,
    y: &Array2<F>,
    shuffle: Shuffle,
) -> (Network<F>, History) {
    let x_columns = x.t().as_standard_layout().into_owned().reversed_axes();
    let mut trained = net.clone();
    let history = trained.fit((&x_columns, y), &mut adam(), config(shuffle)).unwrap();
    (trained, history)
}

fn files_train_as_memory_does<F: Float>() {
    let (x, y, net) = setup::<F>();
    let dir = scratch_dir(&format!("npy-train-{}", F::NAME));
    let (x_path, y_path) = (dir.join("x.npy"), dir.join("y.npy"));
    save_npy_examples(&x, &y, &x_path, &y_path).unwrap();
    for shuffle in SHUFFLES {
        let (from_files, read) = train_on_files(&net, &x_path, &y_path, shuffle);
        let (in_memory, history) = train_in_memory(&net, &x, &y, shuffle);
        assert_eq!(bits(&from_files), bits(&in_memory), "{} {shuffle:?}", F::NAME);
        assert_eq!(read.records, history.records, "{} {shuffle:?}", F::NAME);
        assert!(read.plan.to_string().contains("x.npy and "), "{}", read.plan);
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn npy_files_train_as_the_same_examples_in_memory_do() {
    files_train_as_memory_does::<f32>();
    files_train_as_memory_does::<f64>();
}

/// A float64 file trains an f32 model as its values rounded to f32 in memory do; a big-endian
/// file as its little-endian twin; Y of shape (m,) as Y of shape (m, 1).
#[test]
fn float_type_byte_order_and_y_shape_do_not_change_what_trains() {
    let (x, y, net) = setup::<f64>();
    let m = x.ncols();
    let dir = scratch_dir("npy-kinds");
    let rows: Vec<f64> = x.t().iter().copied().collect();
    let write = |name: &str, bytes: Vec<u8>| {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    };
    let le: Vec<u8> = rows.iter().flat_map(|v| v.to_le_bytes()).collect();
    let be: Vec<u8> = rows.iter().flat_map(|v| v.to_be_bytes()).collect();
    let x_le = write("x_le.npy", npy_bytes("<f8", false, &format!("({m}, 2)"), &le));
    let x_be = write("x_be.npy", npy_bytes(">f8", false, &format!("({m}, 2)"), &be));
    let y_flat = write(
        "y_flat.npy",
        npy_bytes(
            "<f4",
            false,
            &format!("({m},)"),
            &f32_bytes(y.iter().map(|&v| v as f32)),
        ),
    );
    let y_column = write(
        "y_column.npy",
        npy_bytes(
            "<f4",
            false,
            &format!("({m}, 1)"),
            &f32_bytes(y.iter().map(|&v| v as f32)),
        ),
    );

    let net32: Network<f32> = {
        let params = net
            .layers()
            .iter()
            .map(|l| (l.w().mapv(|v| v as f32), l.b().mapv(|v| v as f32)))
            .collect();
        let activations: Vec<_> = net.layers().iter().map(|l| l.activation()).collect();
        Network::from_parameters(params, &activations).unwrap()
    };
    let (x32, y32) = (x.mapv(|v| v as f32), y.mapv(|v| v as f32));
    let shuffle = SHUFFLES[2];
    let (expected, _) = train_in_memory(&net32, &x32, &y32, shuffle);
    for (x_path, y_path) in [
        (&x_le, &y_flat),
        (&x_be, &y_flat),
        (&x_le, &y_column),
        (&x_be, &y_column),
    ] {
        let (trained, _) = train_on_files(&net32, x_path, y_path, shuffle);
        assert_eq!(
            bits(&trained),
            bits(&expected),
            "{} {}",
            x_path.display(),
            y_path.display()
        );
    }
    // An f64 model reads the float64 files exactly.
    let (expected, _) = train_in_memory(&net, &x, &y, shuffle);
    let (trained, _) = train_on_files(&net, &x_be, &y_column, shuffle);
    assert_eq!(bits(&trained), bits(&expected));
    std::fs::remove_dir_all(dir).unwrap();
}

/// Y of shape (m, n_y): a softmax network reads one-hot rows.
#[test]
fn y_of_several_outputs_trains_a_softmax_network() {
    let mut rng = common::rng(8);
    let (x, y) = ndnet::data::planar_flower::<f64, _>(120, &mut rng).unwrap();
    let labels: Vec<usize> = y.iter().map(|&v| v as usize).collect();
    let y = ndnet::data::one_hot::<f64, usize>(&labels, 2).unwrap();
    let net = Network::new(
        &[2, 5, 2],
        ndnet::Activation::Tanh,
        ndnet::Activation::Softmax,
        ndnet::Initializer::Xavier,
        &mut rng,
    )
    .unwrap();
    let dir = scratch_dir("npy-softmax");
    let (x_path, y_path) = (dir.join("x.npy"), dir.join("y.npy"));
    save_npy_examples(&x, &y, &x_path, &y_path).unwrap();
    let examples = NpyExamples::<f64>::open(&x_path, &y_path).unwrap();
    assert_eq!((examples.n_x(), examples.n_y(), examples.m()), (2, 2, 120));
    let (from_files, _) = train_on_files(&net, &x_path, &y_path, Shuffle::Full);
    let (in_memory, _) = train_in_memory(&net, &x, &y, Shuffle::Full);
    assert_eq!(bits(&from_files), bits(&in_memory));
    std::fs::remove_dir_all(dir).unwrap();
}

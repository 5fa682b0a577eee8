//! Every size from a user or a file is checked against the one memory limit before it is
//! allocated: no panic, no abort, no overflow, in debug and release alike, and an error that
//! names the quantity and the bytes.
//!
//! The limit is process-wide, so every test here holds `LIMIT_LOCK` and sets the limit it
//! relies on; no other test binary changes it.

use std::sync::{Mutex, MutexGuard};

#[path = "../common/mod.rs"]
mod common;

use ndnet::limits::DEFAULT_MEMORY_LIMIT;
use ndnet::{Activation, Dense, Error, Initializer, Network, data};
use proptest::prelude::*;
use rand::SeedableRng;
use rand::rngs::StdRng;

static LIMIT_LOCK: Mutex<()> = Mutex::new(());

/// Holds the lock and sets the limit to `bytes`; the default comes back when it is dropped.
struct Limit(#[allow(dead_code)] MutexGuard<'static, ()>);

impl Limit {
    fn set(bytes: u64) -> Self {
        // A test that failed while holding the lock poisons it; the limit is reset anyway.
        let guard = LIMIT_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        ndnet::set_memory_limit(bytes);
        Limit(guard)
    }
}

impl Drop for Limit {
    fn drop(&mut self) {
        ndnet::set_memory_limit(DEFAULT_MEMORY_LIMIT);
    }
}

fn rng() -> StdRng {
    StdRng::seed_from_u64(0)
}

fn too_large<T: std::fmt::Debug>(result: ndnet::Result<T>) -> String {
    let err = result.unwrap_err();
    assert!(matches!(err, Error::TooLarge { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("memory limit") && text.contains("set_memory_limit"),
        "{text}"
    );
    text
}

fn network(sizes: &[usize]) -> ndnet::Result<Network<f64>> {
    Network::new(
        sizes,
        Activation::Relu,
        Activation::Sigmoid,
        Initializer::He,
        &mut rng(),
    )
}

#[test]
fn absurd_layer_sizes_are_refused_before_allocating() {
    let _limit = Limit::set(DEFAULT_MEMORY_LIMIT);
    // Used to panic in ndarray ("Shape too large") and to abort on 8 TiB respectively.
    let text = too_large(network(&[usize::MAX / 2, 2, 1]));
    assert!(text.contains("the parameters and gradients"), "{text}");
    assert!(text.contains("more than 2^128") || text.contains("bytes ("), "{text}");
    let text = too_large(network(&[1 << 20, 1 << 20, 1]));
    // 2 · (2^20 · (2^20 + 1) + 1 · (2^20 + 1)) values of 8 bytes.
    let bytes = 2 * ((1u128 << 20) * ((1 << 20) + 1) + (1 << 20) + 1) * 8;
    assert!(text.contains(&format!("would take {bytes} bytes")), "{text}");
    assert!(text.contains("[1048576, 1048576, 1]"), "{text}");
    too_large(network(&[1, usize::MAX, usize::MAX, 1]));
    too_large(Network::<f32>::from_layers(
        usize::MAX,
        &[(usize::MAX, Activation::Relu)],
        Initializer::He,
        &mut rng(),
    ));
    too_large(Dense::<f64>::new(
        1 << 40,
        1 << 40,
        Activation::Tanh,
        Initializer::Xavier,
        &mut rng(),
    ));
    too_large(Network::<f64>::logistic_regression(usize::MAX));
    too_large(ndnet::numpy_random::course_initialize_parameters_deep::<f64>(
        &[usize::MAX, 3, 1],
        1,
    ));
    too_large(ndnet::numpy_random::course_initialize_parameters::<f32>(
        3,
        usize::MAX,
        1,
        1,
    ));
    // Ordinary sizes still work.
    assert!(network(&[12288, 20, 7, 5, 1]).is_ok());
}

/// Σ n[l] · (n[l−1] + 1) parameters, each with its gradient, in f64; `None` on overflow.
fn network_bytes(sizes: &[usize]) -> Option<u128> {
    sizes
        .windows(2)
        .try_fold(0u128, |acc, p| {
            acc.checked_add((p[1] as u128).checked_mul(p[0] as u128 + 1)?)
        })?
        .checked_mul(16)
}

fn layer_size() -> impl Strategy<Value = usize> {
    prop_oneof![
        1usize..64,
        1usize..4096,
        (0u32..usize::BITS).prop_map(|bits| 1usize << bits),
        any::<usize>(),
        Just(usize::MAX),
        Just(0usize),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any layer sizes: never a panic; Ok exactly when the size is not 0 and the parameters
    /// and their gradients fit the limit.
    #[test]
    fn network_new_never_panics_and_is_ok_only_within_the_limit(
        sizes in proptest::collection::vec(layer_size(), 0..6),
    ) {
        const LIMIT: u64 = 1 << 20;
        let _limit = Limit::set(LIMIT);
        let result = std::panic::catch_unwind(|| network(&sizes).map(|net| net.layer_sizes()));
        let result = result.map_err(|_| TestCaseError::fail(format!("Network::new panicked on {sizes:?}")))?;
        let valid = sizes.len() >= 2 && !sizes.contains(&0);
        let fits = network_bytes(&sizes).is_some_and(|b| b <= u128::from(LIMIT));
        match result {
            Ok(built) => {
                prop_assert!(valid && fits, "{sizes:?} was accepted");
                prop_assert_eq!(built, sizes);
            }
            Err(Error::TooLarge { bytes, limit, .. }) => {
                prop_assert!(valid && !fits, "{:?} was refused as too large", sizes);
                prop_assert_eq!(limit, LIMIT);
                prop_assert_eq!(bytes, network_bytes(&sizes));
            }
            Err(Error::Architecture(_)) => prop_assert!(!valid, "{:?} is a valid architecture", sizes),
            Err(other) => prop_assert!(false, "unexpected error {other:?}"),
        }
    }
}

#[test]
fn parity_refuses_bit_counts_whose_examples_do_not_fit() {
    let _limit = Limit::set(DEFAULT_MEMORY_LIMIT);
    // 1 << 64 used to overflow the shift (a panic in debug, 1 example in release).
    for n in [64, 65, 127, 128, 1000, usize::MAX] {
        let text = too_large(data::parity::<f64>(n));
        assert!(text.contains(&format!("n = {n}")), "{text}");
    }
    // 2^40 examples of 41 values: 360 TiB.
    let text = too_large(data::parity::<f32>(40));
    assert!(text.contains("bytes ("), "{text}");
    assert_eq!(data::parity::<f64>(4).unwrap().0.dim(), (4, 16));
    assert_eq!(data::parity::<f64>(0).unwrap().1.dim(), (1, 1));
}

#[test]
fn parity_networks_past_the_limit_are_refused_before_allocating() {
    let _limit = Limit::set(DEFAULT_MEMORY_LIMIT);
    // One hidden unit per odd pattern: 2^39 units of 40 weights.
    let text = too_large(Network::<f32>::parity_shallow(40));
    assert!(text.contains("parity network"), "{text}");
    too_large(Network::<f64>::parity_shallow(usize::MAX));
    too_large(Network::<f64>::parity_deep(1 << 40));
    drop(_limit);
    // 2^11 units of 12 weights and a bias, with their gradients, in f64: 2 · 8 · (2048 · 13 +
    // 2049) = 458,768 bytes.
    let _limit = Limit::set(400_000);
    let text = too_large(Network::<f64>::parity_shallow(12));
    assert!(text.contains("458768 bytes"), "{text}");
    assert!(Network::<f64>::parity_deep(12).is_ok());
}

#[cfg(feature = "safetensors")]
#[test]
fn a_safetensors_file_past_the_limit_is_refused_naming_it() {
    use ndnet::io::Format;
    let _limit = Limit::set(DEFAULT_MEMORY_LIMIT);
    let bytes = network(&[30, 30, 1]).unwrap().to_bytes(Format::Safetensors).unwrap();
    assert!(Network::<f64>::from_bytes(&bytes).is_ok());
    drop(_limit);
    // Parameters and gradients: 2 · 8 · (30 · 31 + 31) = 15,376 bytes (the header, 16 times
    // its ~500 bytes, fits 12 KiB).
    let _limit = Limit::set(12 << 10);
    let text = too_large(Network::<f64>::from_bytes(&bytes));
    assert!(text.contains("of <bytes>") && text.contains("15376 bytes"), "{text}");
}

/// A header listing 100,000 tensors (6.5 MB of text, which the `safetensors` crate would parse
/// into maps of about 70 MB, 11 bytes per byte) is refused by its declared length, before it is
/// parsed: 16 bytes of memory per byte of header are past a 64 MiB limit.
#[cfg(feature = "safetensors")]
#[test]
fn a_safetensors_header_listing_many_tensors_is_refused_by_its_length() {
    let entries: Vec<String> = (0..100_000)
        .map(|k| format!(r#""t{k}":{{"dtype":"U8","shape":[1],"data_offsets":[{k},{}]}}"#, k + 1))
        .collect();
    let header = format!("{{{}}}", entries.join(","));
    let mut bytes = (header.len() as u64).to_le_bytes().to_vec();
    bytes.extend_from_slice(header.as_bytes());
    bytes.extend(std::iter::repeat_n(0u8, 100_000));
    let _limit = Limit::set(64 << 20);
    let text = too_large(Network::<f64>::from_bytes(&bytes));
    let what = format!("the safetensors header of <bytes> ({} bytes, parsed)", header.len());
    assert!(text.starts_with(&what), "{text}");
}

/// A model file longer than the limit is refused as it is read, whatever its metadata says.
#[cfg(feature = "serde")]
#[test]
fn a_model_file_past_the_limit_is_refused_while_it_is_read() {
    use ndnet::io::Format;
    let path = std::env::temp_dir().join(format!("ndnet-limits-model-{}.json", std::process::id()));
    network(&[30, 30, 1]).unwrap().save(&path, Format::Json).unwrap();
    let length = std::fs::metadata(&path).unwrap().len();
    let _limit = Limit::set(length - 1);
    let text = too_large(Network::<f64>::load(&path));
    let what = format!("the file {} (at least) would take {length} bytes", path.display());
    assert!(text.contains(&what), "{text}");
    drop(_limit);
    let _limit = Limit::set(DEFAULT_MEMORY_LIMIT);
    assert!(Network::<f64>::load(&path).is_ok());
    std::fs::remove_file(path).unwrap();
}

#[test]
fn generated_data_and_random_matrices_of_absurd_sizes_are_errors() {
    use ndnet::numpy_random::NumpyRandomState;
    let _limit = Limit::set(DEFAULT_MEMORY_LIMIT);
    for m in [usize::MAX, usize::MAX / 2, 1 << 40] {
        let text = too_large(data::planar_flower::<f64, _>(m, &mut rng()));
        assert!(text.contains(&format!("planar_flower(m) for m = {m}")), "{text}");
        let text = too_large(data::circles::<f32, _>(m, 0.1, 0.5, &mut rng()));
        assert!(text.contains(&format!("circles(m) for m = {m}")), "{text}");
        too_large(NumpyRandomState::new(1).permutation(m));
    }
    let mut rs = NumpyRandomState::new(1);
    for (rows, cols) in [(usize::MAX, 2), (1 << 40, 1 << 40), (2, usize::MAX)] {
        assert!(too_large(rs.randn::<f64>(rows, cols)).contains("np.random.randn(rows, cols)"));
        assert!(too_large(rs.rand::<f32>(rows, cols)).contains("np.random.rand(rows, cols)"));
        let text = too_large(Initializer::He.weights::<f64, _>(rows, cols, &mut rng()));
        assert!(
            text.contains(&format!("W of a layer of {rows} units fed by {cols} inputs")),
            "{text}"
        );
    }
    // The refused calls drew nothing: the state goes on exactly as numpy's after randn(2, 3).
    let mut fresh = NumpyRandomState::new(1);
    assert_eq!(rs.randn::<f64>(2, 3).unwrap(), fresh.randn::<f64>(2, 3).unwrap());
    assert_eq!(data::planar_flower::<f64, _>(6, &mut rng()).unwrap().0.dim(), (2, 6));
}

/// The caches `Z[l]`, `A[l]`, `dZ[l]` grow with m: a small network on a small X can still ask
/// for far more than X (here a 2^20-unit layer on 2^20 examples of one feature: 8 MiB of X,
/// 24 TiB of caches). Every entry point that takes X checks them before running.
#[test]
fn caches_for_a_wide_layer_on_a_long_x_are_refused_before_the_forward_pass() {
    let _limit = Limit::set(1 << 30);
    let mut net = network(&[1, 1 << 20, 1]).unwrap();
    let x = ndarray::Array2::<f64>::zeros((1, 1 << 20));
    let y = ndarray::Array2::<f64>::zeros((1, 1 << 20));
    let text = too_large(net.forward(&x).map(|a| a.to_owned()));
    assert!(text.contains("for m = 1048576 examples"), "{text}");
    too_large(net.predict_proba(&x));
    too_large(net.cost(&x, &y));
    too_large(net.train_step(&x, &y, &mut ndnet::GradientDescent::new(0.1).unwrap()));
    too_large(net.fit(
        (&x, &y),
        &mut ndnet::GradientDescent::new(0.1).unwrap(),
        ndnet::TrainConfig::new(1),
    ));
    let layer = net.layer(1).unwrap().clone();
    let text = too_large(layer.linear(x.view()));
    assert!(text.contains("layer 1's caches"), "{text}");
    // A few examples are fine.
    assert_eq!(net.predict_proba(&x.slice(ndarray::s![.., ..4])).unwrap().dim(), (1, 4));
}

/// Training in mini-batches copies a row-major X into column-major order only when the limit
/// allows a second X; when it does not, the batches are gathered from X's rows: the same
/// training up to rounding, never an error for the copy.
#[test]
fn a_row_major_x_with_no_room_for_a_copy_trains_from_its_rows() {
    let x = ndarray::Array2::from_shape_fn((40, 300), |(i, j)| ((i * 7 + j * 13) % 17) as f64 / 8.0 - 1.0);
    let y = x.row(3).mapv(|v| f64::from(v > 0.0)).insert_axis(ndarray::Axis(0));
    let columns = x.t().as_standard_layout().into_owned().reversed_axes();
    let config = ndnet::TrainConfig::epochs(3).batch_size(32).seed(3);
    let train = |x: &ndarray::Array2<f64>| {
        let mut net = network(&[40, 8, 1]).unwrap();
        net.fit((x, &y), &mut ndnet::GradientDescent::new(0.3).unwrap(), &config)
            .unwrap();
        net
    };
    let (copied, from_rows, reference) = {
        let _limit = Limit::set(DEFAULT_MEMORY_LIMIT);
        let copied = train(&x);
        // X is 96,000 bytes: no room for its copy, room for the caches (57,600 bytes).
        ndnet::set_memory_limit(80_000);
        (copied, train(&x), train(&columns))
    };
    let params = |net: &Network<f64>| -> Vec<f64> {
        net.layers()
            .iter()
            .flat_map(|l| l.w().iter().chain(l.b()).copied().collect::<Vec<_>>())
            .collect()
    };
    assert_eq!(
        params(&copied),
        params(&reference),
        "the copy trains as a column-major X does, bit for bit"
    );
    for (p, q) in params(&from_rows).iter().zip(params(&reference)) {
        assert!((p - q).abs() < 1e-12, "{p} vs {q}");
    }
}

#[test]
fn one_hot_with_a_huge_class_count_is_an_error() {
    let _limit = Limit::set(DEFAULT_MEMORY_LIMIT);
    let text = too_large(data::one_hot::<f64, u8>(&[1, 2, 3], usize::MAX));
    assert!(text.contains("Y (classes, m) of one_hot"), "{text}");
    too_large(data::one_hot::<f64, u8>(&[], usize::MAX));
    too_large(data::one_hot::<f32, u8>(&[0; 1000], 1 << 40));
    assert!(data::one_hot::<f64, u8>(&[1, 2], 3).is_ok());
}

#[test]
fn k_folds_of_a_huge_m_are_an_error() {
    let _limit = Limit::set(DEFAULT_MEMORY_LIMIT);
    too_large(data::k_fold_indices(usize::MAX, 2, None, &mut rng()));
    too_large(data::k_fold_indices(1 << 40, 1 << 20, None, &mut rng()));
    assert_eq!(data::k_fold_indices(10, 5, None, &mut rng()).unwrap().len(), 5);
}

#[test]
fn selecting_many_columns_is_checked() {
    let _limit = Limit::set(1 << 10);
    let x = ndarray::Array2::<f64>::zeros((100, 3));
    too_large(data::select_columns(&x, &[0; 2]));
    assert!(data::select_columns(&x, &[0; 1]).is_ok());
}

#[test]
fn a_search_space_whose_trial_count_overflows_is_refused() {
    let _limit = Limit::set(DEFAULT_MEMORY_LIMIT);
    use ndnet::search::SearchSpace;
    // 2^11 values in each of the six lists: 2^66 trials, more than usize.
    let space = SearchSpace {
        learning_rates: vec![0.1; 1 << 11],
        hidden_units: vec![4; 1 << 11],
        depths: vec![1; 1 << 11],
        optimizers: vec![ndnet::search::SearchOptimizer::GradientDescent; 1 << 11],
        l2: vec![0.0; 1 << 11],
        batch_sizes: vec![None; 1 << 11],
        ..Default::default()
    };
    assert_eq!(space.trial_count(), usize::MAX);
    let text = too_large(space.validate());
    assert!(
        text.contains("the trials") && !text.contains("more than 2^128"),
        "{text}"
    );
    // A depth whose list of layer sizes alone exceeds the limit.
    let deep = SearchSpace {
        depths: vec![usize::MAX],
        ..Default::default()
    };
    too_large(deep.validate());
    assert!(SearchSpace::default().validate().is_ok());
}

#[test]
fn an_overflowing_image_shape_is_refused() {
    let _limit = Limit::set(DEFAULT_MEMORY_LIMIT);
    let x = ndarray::Array2::<f64>::zeros((12, 1));
    let y = ndarray::Array2::<f64>::zeros((1, 1));
    let err = data::ImageDataset::new(x, y, vec!["a".into()], (1 << 32, 1 << 32, 3)).unwrap_err();
    assert!(err.to_string().contains("overflows"), "{err}");
}

#[test]
fn a_lower_limit_makes_an_ordinary_allocation_fail_clearly() {
    let _limit = Limit::set(1000);
    assert_eq!(ndnet::memory_limit(), 1000);
    // [2, 4, 1]: 2 · (4 · 3 + 1 · 5) = 34 values of 8 bytes = 272 bytes: fits.
    assert!(network(&[2, 4, 1]).is_ok());
    // [20, 20, 1]: 2 · (20 · 21 + 21) = 882 values = 7056 bytes: does not.
    let err = network(&[20, 20, 1]).unwrap_err();
    assert!(
        matches!(
            err,
            Error::TooLarge {
                bytes: Some(7056),
                limit: 1000,
                ..
            }
        ),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(
        text.contains("7056 bytes (6.9 KiB)") && text.contains("limit of 1000 bytes"),
        "{text}"
    );
    // Raised again, the same call works: the limit is read at each call.
    ndnet::set_memory_limit(DEFAULT_MEMORY_LIMIT);
    assert!(network(&[20, 20, 1]).is_ok());
}

#[cfg(feature = "mnist")]
mod idx {
    use super::*;

    fn idx_file(name: &str, dims: &[u32], data: &[u8], gzip: bool) -> std::path::PathBuf {
        use std::io::Write;
        let mut bytes = vec![0, 0, 0x08, dims.len() as u8];
        for d in dims {
            bytes.extend_from_slice(&d.to_be_bytes());
        }
        bytes.extend_from_slice(data);
        if gzip {
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            enc.write_all(&bytes).unwrap();
            bytes = enc.finish().unwrap();
        }
        let path = std::env::temp_dir().join(format!("ndnet-limits-{}-{name}", std::process::id()));
        std::fs::write(&path, bytes).unwrap();
        path
    }

    #[test]
    fn a_gzip_idx_file_claiming_2_pow_31_pixels_is_refused_before_reading() {
        let _limit = Limit::set(DEFAULT_MEMORY_LIMIT);
        // 2^31 pixels as f64 are 16 GiB, plus the bytes read: over the default limit.
        let path = idx_file("claim", &[1 << 11, 1 << 10, 1 << 10], &[0; 64], true);
        let text = too_large(data::read_idx_images::<f64>(&path));
        assert!(text.contains("images claimed by the IDX header"), "{text}");
        assert!(text.contains("(2048 × 1024 × 1024)"), "{text}");
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn a_lower_limit_makes_an_ordinary_idx_load_fail_clearly() {
        let _limit = Limit::set(100);
        // 2 images of 4 × 4 = 32 pixels, each kept as a byte, its copy and an f64: 320 bytes.
        let path = idx_file("small", &[2, 4, 4], &[7; 32], false);
        let err = data::read_idx_images::<f64>(&path).unwrap_err();
        assert!(
            matches!(
                err,
                Error::TooLarge {
                    bytes: Some(320),
                    limit: 100,
                    ..
                }
            ),
            "{err:?}"
        );
        ndnet::set_memory_limit(DEFAULT_MEMORY_LIMIT);
        assert_eq!(data::read_idx_images::<f64>(&path).unwrap().0.dim(), (16, 2));
        std::fs::remove_file(path).unwrap();
    }
}

#[cfg(feature = "image")]
#[test]
fn a_huge_target_image_size_is_refused_before_decoding() {
    let _limit = Limit::set(DEFAULT_MEMORY_LIMIT);
    let path = std::env::temp_dir().join(format!("ndnet-limits-{}.png", std::process::id()));
    image::RgbImage::from_pixel(4, 3, image::Rgb([1, 2, 3]))
        .save(&path)
        .unwrap();
    // u32::MAX × u32::MAX used to abort in the resize.
    let side = u32::MAX as usize;
    let text = too_large(data::load_image::<f64>(&path, (side, side)));
    assert!(text.contains("the picture resized to (h, w, 3)"), "{text}");
    too_large(data::load_image::<f32>(&path, (1 << 20, 1 << 20)));
    assert_eq!(data::load_image::<f32>(&path, (2, 2)).unwrap().dim(), (12, 1));
    std::fs::remove_file(path).unwrap();
}

/// A `.npy` file's rows are read one run at a time: opening checks one row against the limit
/// (the reader's buffer holds at least a row), never the whole file; writing checks a row too.
#[cfg(feature = "npy")]
#[test]
fn npy_rows_are_checked_against_the_limit_and_files_are_not() {
    use ndnet::data::{Examples, NpyExamples, NpyWriter, save_npy_examples};
    let dir = std::env::temp_dir().join(format!("ndnet-limits-npy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (x_path, y_path) = (dir.join("x.npy"), dir.join("y.npy"));
    // 64 examples of 256 f64 features: rows of 2048 bytes, 128 KiB of X.
    let x = ndarray::Array2::from_shape_fn((256, 64), |(i, j)| (i + j) as f64);
    save_npy_examples(&x, &ndarray::Array2::zeros((1, 64)), &x_path, &y_path).unwrap();
    {
        let _limit = Limit::set(4 << 10);
        // The file (128 KiB) is over the limit, one row (2 KiB) is not: it opens and reads.
        let mut examples = NpyExamples::<f64>::open(&x_path, &y_path).unwrap();
        let (mut xb, mut yb) = (ndarray::Array2::zeros((256, 1)), ndarray::Array2::zeros((1, 1)));
        examples.gather(&[63], xb.view_mut(), yb.view_mut()).unwrap();
        assert_eq!(xb.column(0), x.column(63));
    }
    {
        let _limit = Limit::set(1 << 10);
        let text = too_large(NpyExamples::<f64>::open(&x_path, &y_path));
        assert!(
            text.contains("a row of") && text.contains("x.npy of shape (256)"),
            "{text}"
        );
        assert!(text.contains("would take 2048 bytes"), "{text}");
        too_large(NpyWriter::<f64>::create(dir.join("z.npy"), 1, 256));
        assert!(!dir.join("z.npy").exists());
    }
    std::fs::remove_dir_all(dir).unwrap();
}

/// A CSV file streamed in chunks holds one chunk of bytes, one chunk of values, the index of
/// the chunks and the categories found: each is checked against the limit (and a row against 16 MiB or the limit,
/// whichever is lower), while the file itself may be any size.
#[cfg(feature = "csv")]
#[test]
fn csv_chunks_rows_and_categories_are_checked_against_the_limit() {
    use ndnet::tabular::{ColumnKind, CsvChunks, CsvExamples, TabularConfig};
    let dir = std::env::temp_dir().join(format!("ndnet-limits-csv-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("wide.csv");
    // 3000 rows of about 40 bytes (117 KiB), each with a category of its own in `code`.
    let rows: String = (0..3000)
        .map(|i| format!("{i},category-number-{i:08},{}\n", ["Y", "N"][i % 2]))
        .collect();
    std::fs::write(&path, format!("x,code,y\n{rows}")).unwrap();
    let forced = TabularConfig::binary("y", "Y").column_kind("code", ColumnKind::Categorical);
    {
        let _limit = Limit::set(64 << 10);
        // Chunks of 100 rows (4 KiB) fit, the file (117 KiB) does not need to.
        let chunks = CsvChunks::scan(&path, 100).unwrap();
        assert_eq!(chunks.n_rows(), 3000);
        // Chunks of 3000 rows do not: their bytes are refused as the pass reads them.
        let text = too_large(CsvChunks::scan(&path, 3000));
        assert!(text.contains("the bytes of the chunk of rows from line 2 of"), "{text}");
        // Chunks of 1 row: an index of 3000 chunks of 32 bytes (94 KiB), refused as it grows.
        let text = too_large(CsvChunks::scan(&path, 1));
        assert!(
            text.contains("the index of") && text.contains("of each chunk; rows_per_chunk = 1) of shape (2049)"),
            "{text}"
        );
        // 3000 categories of 26 bytes and their counts are more than 64 KiB.
        let text = too_large(forced.fit_csv(&path, 100));
        assert!(
            text.contains("the categories counted (the last in column code of"),
            "{text}"
        );
    }
    let (fitted, chunks) = {
        // Holding the lock: another test may be running under a limit of a few bytes.
        let _limit = Limit::set(DEFAULT_MEMORY_LIMIT);
        forced.fit_csv(&path, 100).unwrap()
    };
    {
        // One chunk of values: 100 rows of 3001 features and 1 target in f64, 2.4 MB.
        let _limit = Limit::set(1 << 20);
        let text = too_large(CsvExamples::<f64>::new(&chunks, &fitted).map(|_| ()));
        assert!(
            text.contains("the values of one chunk of") && text.contains("(3002 × 100)"),
            "{text}"
        );
    }
    {
        // A quote left open swallows the rest of the file into one row: refused once it runs
        // past the limit (8 KiB here), naming the line where it opened.
        let _limit = Limit::set(8 << 10);
        std::fs::write(&path, format!("x,code,y\n1,\"open,Y\n{rows}")).unwrap();
        let err = CsvChunks::scan(&path, 100).unwrap_err().to_string();
        assert!(
            err.contains("wide.csv, line 2: the row from this line runs past 8192 bytes: is a quote left open?"),
            "{err}"
        );
    }
    std::fs::remove_dir_all(dir).unwrap();
}
mod limit_as_input;
mod readers;
#[cfg(feature = "report")]
mod report;

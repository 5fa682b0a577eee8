//! NumPy's `.npy` files of examples (feature `npy`): [`NpyExamples`] trains on an X file of
//! shape (m, n_x) and a Y file of shape (m,) or (m, n_y), one example per row, read batch by
//! batch; [`NpyWriter`] streams rows into such a file, [`save_npy_examples`] writes an
//! in-memory X and Y as the pair.
//!
//! The files are numpy's own (`np.save("x.npy", x)` with `x` float32 or float64, C order),
//! so data prepared in Python train here, and files written here load with `np.load`.
//!
//! ```
//! use ndarray::array;
//! use ndnet::data::{NpyExamples, save_npy_examples};
//! use ndnet::{Activation, GradientDescent, Initializer, Network, Shuffle, TrainConfig};
//! use ndnet::rand::SeedableRng;
//!
//! let dir = std::env::temp_dir().join(format!("ndnet-npy-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir)?;
//! let (x_path, y_path) = (dir.join("x.npy"), dir.join("y.npy"));
//! // X (n_x, m) and Y (1, m) in ndnet's layout become files of one example per row.
//! let x = array![[0.0f32, 1.0, 2.0, 3.0], [1.0, 0.0, 1.0, 0.0]];
//! let y = array![[0.0f32, 1.0, 1.0, 1.0]];
//! save_npy_examples(&x, &y, &x_path, &y_path)?;
//!
//! let mut examples = NpyExamples::<f32>::open(&x_path, &y_path)?;
//! let mut rng = ndnet::rand::rngs::StdRng::seed_from_u64(0);
//! let mut net = Network::new(&[2, 1], Activation::Relu, Activation::Sigmoid, Initializer::He, &mut rng)?;
//! let config = TrainConfig::epochs(2).batch_size(2).shuffle(Shuffle::Blocks { chunk: 2, chunks_per_block: 2 });
//! let history = net.fit(&mut examples, &mut GradientDescent::new(0.1)?, &config)?;
//! assert_eq!(history.records.len(), 2); // iterations 0 and 3
//! std::fs::remove_dir_all(&dir)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod header;
mod read;
mod write;

pub use read::NpyExamples;
pub use write::{NpyWriter, save_npy_examples};

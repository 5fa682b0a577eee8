//! The everyday jobs of `examples/user_jobs.rs` and `../torch_jobs.py` in burn (Flex CPU
//! backend, f32), as a burn user writes them: a `Module` of `nn::Linear` + ReLU, He (Kaiming
//! normal) weights and zero biases, `CrossEntropyLoss` / binary cross-entropy on logits, Adam
//! (lr 1e-3, ε 1e-8, β 0.9/0.999), a fresh random permutation of the examples every epoch, and
//! inference on the plain (non-autodiff) device one (1, n_x) example at a time.
//!
//! Usage: burn_jobs {mnist|wide|tiny|infer}
//! mnist and wide read $NDNET_DATA/mnist (the t10k files; default data/). Prints one key=value
//! line like user_jobs and torch_jobs.py; only training (or inference) is timed. Flex runs on
//! rayon's global pool, built here with 2 threads (or `RAYON_NUM_THREADS`), as torch_jobs.py
//! calls `torch.set_num_threads(2)`.

use std::hint::black_box;
use std::process::ExitCode;
use std::time::Instant;

use burn::module::Param;
use burn::nn::loss::{BinaryCrossEntropyLossConfig, CrossEntropyLossConfig};
use burn::nn::{Initializer, Linear, LinearConfig, Relu};
use burn::optim::{AdamConfig, GradientsParams};
use burn::prelude::*;
use burn::tensor::TensorData;
use burn::tensor::activation::{sigmoid, softmax};
use ndnet::data::{load_mnist, require_file};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};

type Outcome = Result<(), Box<dyn std::error::Error>>;

/// A multilayer perceptron: Linear layers with ReLU between them, logits out (the softmax or
/// sigmoid is in the loss, or applied at inference), like torch_jobs.py's `nn.Sequential`.
#[derive(Module, Debug)]
struct Mlp {
    layers: Vec<Linear>,
    activation: Relu,
}

impl Mlp {
    /// Layers of `sizes`, weights Kaiming-normal with the ReLU gain √2 (std √(2 / fan_in), as
    /// `nn.init.kaiming_normal_(w, nonlinearity="relu")`), biases zero.
    fn new(sizes: &[usize], device: &Device) -> Self {
        let he = Initializer::KaimingNormal {
            gain: std::f64::consts::SQRT_2,
            fan_out_only: false,
        };
        let layers = sizes
            .windows(2)
            .map(|pair| {
                let mut linear = LinearConfig::new(pair[0], pair[1])
                    .with_initializer(he.clone())
                    .init(device);
                linear.bias = Some(Param::from_tensor(Tensor::zeros([pair[1]], device)));
                // burn draws parameters lazily, on first use; draw them now so that the first
                // timed step does not include the initialization (PyTorch draws them eagerly).
                let _ = linear.weight.val();
                linear
            })
            .collect();
        Self {
            layers,
            activation: Relu::new(),
        }
    }

    fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        let last = self.layers.len() - 1;
        self.layers.iter().enumerate().fold(x, |a, (l, layer)| {
            let z = layer.forward(a);
            if l < last { self.activation.forward(z) } else { z }
        })
    }
}

/// Mini-batch Adam on the rows of `x` for `epochs`, a fresh permutation each epoch;
/// `loss_of(logits, batch_indices)` gives the batch's loss. Returns the model and the seconds.
fn train(
    mut model: Mlp,
    x: &Tensor<2>,
    loss_of: impl Fn(Tensor<2>, Tensor<1, Int>) -> Tensor<1>,
    batch: usize,
    epochs: usize,
    rng: &mut StdRng,
) -> (Mlp, f64) {
    let mut optim = AdamConfig::new()
        .with_beta_1(0.9)
        .with_beta_2(0.999)
        .with_epsilon(1e-8)
        .init();
    let device = x.device();
    let [m, _] = x.dims();
    let start = Instant::now();
    for _ in 0..epochs {
        let mut order: Vec<i64> = (0..m as i64).collect();
        order.shuffle(rng);
        let order = Tensor::<1, Int>::from_data(TensorData::new(order, [m]), &device);
        for i in (0..m).step_by(batch) {
            let indices = order.clone().slice(i..(i + batch).min(m));
            let logits = model.forward(x.clone().select(0, indices.clone()));
            let loss = loss_of(logits, indices);
            let grads = GradientsParams::from_grads(loss.backward(), &model);
            model = optim.step(1e-3, model, grads);
        }
    }
    device.sync().expect("device sync");
    (model, start.elapsed().as_secs_f64())
}

/// Row-major (rows, cols) values as a 2-D f32 tensor.
fn matrix(values: Vec<f32>, rows: usize, cols: usize, device: &Device) -> Tensor<2> {
    Tensor::from_data(TensorData::new(values, [rows, cols]), device)
}

fn digits(sizes: &[usize], batch: usize, epochs: usize) -> Outcome {
    let images = require_file("mnist/t10k-images-idx3-ubyte.gz", "MNIST's t10k test images")?;
    let labels = require_file("mnist/t10k-labels-idx1-ubyte.gz", "MNIST's t10k test labels")?;
    // X comes (784, m), pixels / 255 as f32; burn wants one example per row, (m, 784).
    let digits = load_mnist::<f32>(images, labels)?;
    let (n_x, m) = digits.x.dim();
    let device = Device::flex().autodiff();
    device.seed(0);
    let x = matrix(digits.x.t().iter().copied().collect(), m, n_x, &device);
    let y_values: Vec<i64> = digits.labels.iter().map(|&l| i64::from(l)).collect();
    let y = Tensor::<1, Int>::from_data(TensorData::new(y_values, [m]), &device);

    let model = Mlp::new(sizes, &device);
    let cross_entropy = CrossEntropyLossConfig::new().init(&device);
    let loss_of = |logits, indices| cross_entropy.forward(logits, y.clone().select(0, indices));
    let (model, seconds) = train(model, &x, loss_of, batch, epochs, &mut StdRng::seed_from_u64(1));

    let model = model.valid();
    let predicted = model.forward(x.inner()).argmax(1).reshape([m]);
    let accuracy: f32 = predicted.equal(y.inner()).float().mean().into_scalar();
    println!("job={sizes:?} train_accuracy={accuracy:.4} train_seconds={seconds:.3}");
    Ok(())
}

/// m × 30 features uniform in (−2, 2), row-major; label 1 when the first five sum above 0.
fn tabular(m: usize, rng: &mut StdRng) -> (Vec<f32>, Vec<i64>) {
    let x: Vec<f32> = (0..m * 30).map(|_| rng.random_range(-2.0f32..2.0)).collect();
    let y = x
        .chunks(30)
        .map(|row| i64::from(row[..5].iter().sum::<f32>() > 0.0))
        .collect();
    (x, y)
}

fn tiny() -> Outcome {
    let device = Device::flex().autodiff();
    device.seed(0);
    let mut rng = StdRng::seed_from_u64(0);
    let m = 455;
    let (x, y) = tabular(m, &mut rng);
    let x = matrix(x, m, 30, &device);
    let y = Tensor::<2, Int>::from_data(TensorData::new(y, [m, 1]), &device);

    let model = Mlp::new(&[30, 16, 1], &device);
    let bce = BinaryCrossEntropyLossConfig::new().with_logits(true).init(&device);
    let loss_of = |logits, indices| bce.forward(logits, y.clone().select(0, indices));
    let (model, seconds) = train(model, &x, loss_of, 32, 200, &mut rng);

    let model = model.valid();
    let predicted = model.forward(x.inner()).greater_elem(0.0).int();
    let accuracy: f32 = predicted.equal(y.inner()).float().mean().into_scalar();
    println!("job=tiny train_accuracy={accuracy:.4} train_seconds={seconds:.3}");
    Ok(())
}

/// The median time of one prediction on a single (1, n_x) row of `x`, in microseconds, over
/// 2,000 calls after 200 to warm up. The result is read back (`into_data`) inside the timing.
fn one_at_a_time(predict: impl Fn(Tensor<2>) -> Tensor<2>, x: &Tensor<2>) -> f64 {
    let [m, n_x] = x.dims();
    let mut times = Vec::with_capacity(2000);
    for i in 0..2200 {
        let row = x.clone().slice([i % m..i % m + 1, 0..n_x]);
        let start = Instant::now();
        black_box(predict(row).into_data());
        if i >= 200 {
            times.push(start.elapsed().as_secs_f64() * 1e6);
        }
    }
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn infer() -> Outcome {
    // Inference only: the plain Flex device, no autodiff graph.
    let device = Device::flex();
    device.seed(0);
    let mut rng = StdRng::seed_from_u64(0);
    let digits_net = Mlp::new(&[784, 128, 10], &device);
    let tiny_net = Mlp::new(&[30, 16, 1], &device);
    let images = (0..10_000 * 784).map(|_| rng.random_range(0.0f32..1.0)).collect();
    let images = matrix(images, 10_000, 784, &device);
    let (table, _) = tabular(455, &mut rng);
    let table = matrix(table, 455, 30, &device);

    let one_digit = one_at_a_time(|row| softmax(digits_net.forward(row), 1), &images);
    let one_row = one_at_a_time(|row| sigmoid(tiny_net.forward(row)), &table);
    let best = (0..5)
        .map(|_| {
            let start = Instant::now();
            black_box(softmax(digits_net.forward(images.clone()), 1).into_data());
            start.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min);
    println!(
        "job=infer one_784_128_10_us={one_digit:.2} one_30_16_1_us={one_row:.3} \
         batch_10000_784_128_10_ms={:.2}",
        best * 1e3
    );
    Ok(())
}

fn main() -> ExitCode {
    let job = std::env::args().nth(1).unwrap_or_else(|| "mnist".into());
    // Flex parallelizes on rayon's global pool: 2 threads, like the other sides of the comparison.
    let threads = std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2);
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global()
        .expect("the global rayon pool is built once, before any burn operation");
    let result = match job.as_str() {
        "mnist" => digits(&[784, 128, 10], 200, 10),
        "wide" => digits(&[784, 512, 256, 10], 64, 3),
        "tiny" => tiny(),
        "infer" => infer(),
        other => Err(format!("unknown job {other:?}: mnist, wide, tiny or infer").into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

//! The course's two cat-vs-non-cat jobs in burn (Flex CPU backend, f32, autodiff), as a burn
//! user would write them: the same data and initial weights as ndnet and torch_course.py,
//! burn's autodiff for the gradients and plain full-batch gradient descent (param − α·grad).
//!
//! Usage: burn_course {logistic|deep} [iterations]
//! Reads $NDNET_DATA/catvnoncat (default data/). Prints the same final line as ndnet's examples:
//! train_accuracy=… test_accuracy=… train_seconds=…  Only training is timed (not loading).

use std::path::PathBuf;
use std::time::Instant;

use burn::prelude::*;
use burn::tensor::TensorData;
use burn::tensor::activation::{relu, sigmoid};
use ndnet::data::{CatSplit, load_cat_h5};

/// A matrix, given by its (rows, cols) and its values in logical row-major order (as
/// `ndarray::Array2::iter` yields them), as a 2-D f32 burn tensor on `device`.
fn to_tensor(dim: (usize, usize), values: impl Iterator<Item = f32>, device: &Device) -> Tensor<2> {
    let (rows, cols) = dim;
    Tensor::from_data(TensorData::new(values.collect::<Vec<f32>>(), [rows, cols]), device)
}

/// −mean(y log a + (1−y) log(1−a)), a scalar tensor.
fn bce(a: Tensor<2>, y: Tensor<2>) -> Tensor<1> {
    let one_minus_y = y.clone().neg().add_scalar(1.0);
    let one_minus_a = a.clone().neg().add_scalar(1.0);
    (y * a.log() + one_minus_y * one_minus_a.log()).mean().neg()
}

/// Full-batch gradient descent: `iterations` times, backward through the cost and
/// p ← p − α·∂cost/∂p for every parameter. Returns the trained parameters (leaves with grad).
fn train(
    mut params: Vec<Tensor<2>>,
    forward: impl Fn(&[Tensor<2>], Tensor<2>) -> Tensor<2>,
    x: &Tensor<2>,
    y: &Tensor<2>,
    iterations: usize,
    alpha: f32,
) -> Vec<Tensor<2>> {
    for _ in 0..iterations {
        let loss = bce(forward(&params, x.clone()), y.clone());
        let mut grads = loss.backward();
        for p in params.iter_mut() {
            let g = p.grad_remove(&mut grads).expect("every parameter has a gradient");
            *p = (p.clone().inner() - g.mul_scalar(alpha)).autodiff().require_grad();
        }
    }
    params
}

fn logistic_forward(params: &[Tensor<2>], x: Tensor<2>) -> Tensor<2> {
    // w (n_x, 1), b (1, 1): A = sigmoid(wᵀX + b)
    sigmoid(params[0].clone().transpose().matmul(x) + params[1].clone())
}

fn deep_forward(params: &[Tensor<2>], x: Tensor<2>) -> Tensor<2> {
    let mut a = x;
    let layers = params.len() / 2;
    for l in 0..layers {
        let z = params[2 * l].clone().matmul(a) + params[2 * l + 1].clone();
        a = if l + 1 < layers { relu(z) } else { sigmoid(z) };
    }
    a
}

/// Fraction of predictions (a > 0.5) equal to the labels.
fn accuracy(a: Tensor<2>, y: &Tensor<2>) -> f64 {
    let pred = a.greater_elem(0.5).float();
    let pred = pred.into_data();
    let truth = y.clone().inner().into_data();
    let pred = pred.as_slice::<f32>().expect("f32 predictions");
    let truth = truth.as_slice::<f32>().expect("f32 labels");
    let right = pred.iter().zip(truth).filter(|(p, t)| p == t).count();
    right as f64 / truth.len() as f64
}

fn main() {
    let mut args = std::env::args().skip(1);
    let job = args.next().unwrap_or_else(|| "deep".into());
    let iterations: Option<usize> = args.next().map(|s| s.parse().expect("iterations: a number"));
    if job != "logistic" && job != "deep" {
        eprintln!("usage: burn_course {{logistic|deep}} [iterations]");
        std::process::exit(2);
    }

    let dir = PathBuf::from(std::env::var("NDNET_DATA").unwrap_or_else(|_| "data".into())).join("catvnoncat");
    let train_set = load_cat_h5::<f32>(dir.join(CatSplit::Train.file_name()), CatSplit::Train).expect("train file");
    let test_set = load_cat_h5::<f32>(dir.join(CatSplit::Test.file_name()), CatSplit::Test).expect("test file");

    let device = Device::flex().autodiff();
    let x_train = to_tensor(train_set.x().dim(), train_set.x().iter().copied(), &device);
    let y_train = to_tensor(train_set.y().dim(), train_set.y().iter().copied(), &device);
    let x_test = to_tensor(test_set.x().dim(), test_set.x().iter().copied(), &device);
    let y_test = to_tensor(test_set.y().dim(), test_set.y().iter().copied(), &device);
    assert_eq!(x_train.dtype(), burn::tensor::DType::F32);

    let (params, forward): (Vec<Tensor<2>>, fn(&[Tensor<2>], Tensor<2>) -> Tensor<2>) = if job == "logistic" {
        let n_x = train_set.x().nrows();
        let w = Tensor::zeros([n_x, 1], &device).require_grad();
        let b = Tensor::zeros([1, 1], &device).require_grad();
        (vec![w, b], logistic_forward)
    } else {
        let init = ndnet::numpy_random::course_initialize_parameters_deep::<f32>(&[12288, 20, 7, 5, 1], 1)
            .expect("course initial weights");
        let params = init
            .iter()
            .flat_map(|(w, b)| {
                [
                    to_tensor(w.dim(), w.iter().copied(), &device).require_grad(),
                    to_tensor(b.dim(), b.iter().copied(), &device).require_grad(),
                ]
            })
            .collect();
        (params, deep_forward)
    };
    let (default_iterations, alpha) = if job == "logistic" {
        (2000, 0.005)
    } else {
        (2500, 0.0075)
    };

    let start = Instant::now();
    let params = train(
        params,
        forward,
        &x_train,
        &y_train,
        iterations.unwrap_or(default_iterations),
        alpha,
    );
    device.sync().expect("device sync");
    let seconds = start.elapsed().as_secs_f64();

    let params: Vec<Tensor<2>> = params.into_iter().map(|p| p.inner()).collect();
    let predict = |x: &Tensor<2>| forward(&params, x.clone().inner());
    println!(
        "train_accuracy={:.4} test_accuracy={:.4} train_seconds={:.3}",
        accuracy(predict(&x_train), &y_train),
        accuracy(predict(&x_test), &y_test),
        seconds
    );
}

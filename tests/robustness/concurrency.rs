//! Concurrency: a trained network is Send + Sync, predicts identically from many threads, and
//! trains reproducibly (same seed → bit-identical; 1 vs 2 matrix-product threads → equal to rounding).

use ndarray::Array2;
use ndnet::{Adam, AdamConfig, GradientDescent, Network, TrainConfig, data};
use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::common;

const fn assert_send_sync<T: Send + Sync>() {}
const _: () = assert_send_sync::<Network<f32>>();
const _: () = assert_send_sync::<Network<f64>>();

/// A (2, 4, 4, 1) tanh network trained on the planar flower with mini-batch Adam.
fn trained(seed: u64, m: usize) -> (Network<f64>, Array2<f64>, Array2<f64>) {
    let mut rng = StdRng::seed_from_u64(seed);
    let (x, y) = data::planar_flower::<f64, _>(m, &mut rng).unwrap();
    let mut net = common::tanh_network(&[2, 16, 8, 1], &mut rng);
    let config = TrainConfig::epochs(20).batch_size(64).seed(seed);
    net.fit(
        (&x, &y),
        &mut Adam::new(AdamConfig::default().learning_rate(0.01)).expect("valid rate"),
        &config,
    )
    .expect("training converges");
    (net, x, y)
}

fn parameters(net: &Network<f64>) -> Vec<f64> {
    net.layers()
        .iter()
        .flat_map(|l| l.w().iter().chain(l.b().iter()).copied().collect::<Vec<_>>())
        .collect()
}

#[test]
fn eight_threads_predict_bit_identically_to_one() {
    let (net, x, _) = trained(3, 400);
    let expected = net.predict_proba(&x).expect("shapes match");
    let results: Vec<Array2<f64>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|_| {
                s.spawn(|| {
                    // Several calls per thread so they overlap in time.
                    let mut last = None;
                    for _ in 0..20 {
                        last = Some(net.predict_proba(&x).expect("shapes match"));
                    }
                    last.expect("20 iterations ran")
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("no thread panicked"))
            .collect()
    });
    for r in &results {
        assert_eq!(r.shape(), expected.shape());
        assert!(r.iter().zip(expected.iter()).all(|(a, b)| a.to_bits() == b.to_bits()));
    }
}

#[test]
fn same_seed_trains_bit_identically() {
    let (a, _, _) = trained(11, 300);
    let (b, _, _) = trained(11, 300);
    let (pa, pb) = (parameters(&a), parameters(&b));
    assert_eq!(pa.len(), pb.len());
    assert!(pa.iter().zip(&pb).all(|(u, v)| u.to_bits() == v.to_bits()));
}

/// The only test of this file that changes the global thread count; the others do not depend on it
/// (the products are deterministic whatever the count), so no serialisation is needed.
///
/// Tolerance: the products compute every element in the same order whichever thread does it, so
/// the results should be bit-identical; we assert a relative difference ≤ 1e-12 per parameter
/// ("equal to rounding" in f64) so that a legitimate change of summation order would still pass.
#[test]
fn one_and_two_threads_train_equal_to_rounding() {
    let mut rng = StdRng::seed_from_u64(5);
    // Big enough (256 hidden units, 512 examples) that the products really split between threads.
    let (x, y) = data::planar_flower::<f64, _>(512, &mut rng).unwrap();
    let net0 = common::relu_network(&[2, 256, 64, 1], &mut rng);
    let run = |threads: usize| {
        ndnet::set_num_threads(threads);
        let mut net = net0.clone();
        net.fit(
            (&x, &y),
            &mut GradientDescent::new(0.05).expect("valid rate"),
            TrainConfig::new(30),
        )
        .expect("training converges");
        parameters(&net)
    };
    let one = run(1);
    let two = run(2);
    ndnet::set_num_threads(0);
    let worst = one
        .iter()
        .zip(&two)
        .map(|(a, b)| (a - b).abs() / a.abs().max(b.abs()).max(1e-300))
        .fold(0.0, f64::max);
    assert!(worst <= 1e-12, "largest relative difference {worst:e}");
}

/// Audit 2026-12-01: `set_num_threads(usize::MAX)` overflowed `2 · nr · threads` in the
/// product's split (a panic in debug builds) and made the fused logistic path start a worker per
/// 8 rows of X. Any count is accepted; a product uses at most 16 pieces.
#[test]
fn any_thread_count_is_safe() {
    use rand::RngExt as _;
    let mut rng = StdRng::seed_from_u64(3);
    let a = Array2::from_shape_fn((300, 200), |_| rng.random::<f64>());
    let expected = a.dot(&a.t());
    ndnet::set_num_threads(usize::MAX);
    let mut c = Array2::zeros((300, 300));
    let product = ndnet::linalg::gemm(1.0, a.view(), a.t(), 0.0, c.view_mut());
    let x = Array2::<f64>::ones((2000, 300));
    let y = Array2::<f64>::ones((1, 300));
    let mut net = ndnet::Network::<f64>::logistic_regression(2000).unwrap();
    let fused = net.fit(
        (&x, &y),
        &mut GradientDescent::new(0.1).unwrap(),
        TrainConfig::new(2).gram(false),
    );
    ndnet::set_num_threads(0);
    product.unwrap();
    assert!((&c - &expected).iter().all(|d| d.abs() < 1e-9));
    assert_eq!(fused.unwrap().plan.path, ndnet::TrainingPath::FusedLogistic);
}

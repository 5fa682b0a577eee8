//! Checks against numbers printed by real numpy.
//!
//! Every expected value was printed by numpy 2.4.6 with `'%.17g' % v` (or `.tolist()` for
//! integers); the Python that produced it is quoted above each assertion. Floats must match
//! bit for bit.

use super::*;
use rand::Rng;

fn flat(a: &Array2<f64>) -> Vec<f64> {
    a.iter().copied().collect()
}

#[test]
fn randn_seed_1_matches_numpy() {
    // np.random.seed(1); np.random.randn(2, 3)
    let w = NumpyRandomState::new(1).randn::<f64>(2, 3).unwrap();
    assert_eq!(
        flat(&w),
        [
            1.6243453636632417,
            -0.61175641365007538,
            -0.5281717522634557,
            -1.0729686221561705,
            0.86540762932467852,
            -2.3015386968802827
        ]
    );
}

#[test]
fn odd_counts_carry_the_cached_gaussian_to_the_next_call() {
    // np.random.seed(1); a = np.random.randn(3, 1); b = np.random.randn(1, 2)
    // -> a = [1.6243453636632417, -0.61175641365007538, -0.5281717522634557]
    //    b = [-1.0729686221561705, 0.86540762932467852]
    let mut rs = NumpyRandomState::new(1);
    let a = rs.randn::<f64>(3, 1).unwrap();
    let b = rs.randn::<f64>(1, 2).unwrap();
    assert_eq!(a.dim(), (3, 1));
    assert_eq!(
        flat(&a),
        [1.6243453636632417, -0.61175641365007538, -0.5281717522634557]
    );
    assert_eq!(flat(&b), [-1.0729686221561705, 0.86540762932467852]);
}

#[test]
fn randn_seed_3_odd_count_matches_numpy() {
    // np.random.seed(3); np.random.randn(5)
    let w = NumpyRandomState::new(3).randn::<f64>(1, 5).unwrap();
    assert_eq!(
        flat(&w),
        [
            1.7886284734303186,
            0.43650985051198943,
            0.096497468072008624,
            -1.8634927033644908,
            -0.27738820251439905
        ]
    );
}

#[test]
fn largest_seed_matches_numpy() {
    // np.random.seed(4294967295); np.random.randn(3)
    let w = NumpyRandomState::new(u32::MAX).randn::<f64>(3, 1).unwrap();
    assert_eq!(
        flat(&w),
        [0.64840867423065274, 0.66932353063381611, -1.0805437227474493]
    );
}

#[test]
fn thousandth_values_match_numpy() {
    // np.random.seed(2); a = np.random.randn(1001); a[999], a[1000]
    let w = NumpyRandomState::new(2).randn::<f64>(1, 1001).unwrap();
    assert_eq!((w[[0, 999]], w[[0, 1000]]), (0.1967852699696977, 0.19774991367911982));
    // np.random.seed(2); np.random.rand(1001)[1000]
    let u = NumpyRandomState::new(2).rand::<f64>(1001, 1).unwrap();
    assert_eq!(u[[1000, 0]], 0.62184259422872534);
}

#[test]
fn rand_matches_numpy() {
    // np.random.seed(1); np.random.rand(2, 2)
    let u = NumpyRandomState::new(1).rand::<f64>(2, 2).unwrap();
    assert_eq!(
        flat(&u),
        [
            0.417022004702574,
            0.7203244934421581,
            0.00011437481734488664,
            0.30233257263183977
        ]
    );
    // np.random.seed(3); np.random.rand(3)
    let u = NumpyRandomState::new(3).rand::<f64>(1, 3).unwrap();
    assert_eq!(flat(&u), [0.5507979025745755, 0.70814782261810483, 0.29090473891294433]);
}

#[test]
fn uniform_draws_skip_the_cached_gaussian() {
    // np.random.seed(1); np.random.randn(); np.random.rand()
    // -> 1.6243453636632417, 0.00011437481734488664 (the third double of the stream)
    let mut rs = NumpyRandomState::new(1);
    assert_eq!(rs.standard_normal(), 1.6243453636632417);
    assert_eq!(rs.random_sample(), 0.00011437481734488664);
}

#[test]
fn permutation_matches_numpy() {
    // np.random.seed(1); np.random.permutation(10)
    assert_eq!(
        NumpyRandomState::new(1).permutation(10).unwrap(),
        [2, 9, 6, 4, 0, 3, 1, 7, 8, 5]
    );
    // np.random.seed(3); np.random.permutation(7)
    assert_eq!(NumpyRandomState::new(3).permutation(7).unwrap(), [4, 6, 5, 3, 1, 0, 2]);
    // np.random.seed(0); np.random.permutation(209)[:10]
    let p = NumpyRandomState::new(0).permutation(209).unwrap();
    assert_eq!(p[..10], [12, 80, 33, 5, 187, 83, 116, 122, 90, 154]);
    let mut sorted = p.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, (0..209).collect::<Vec<_>>());
    assert!(NumpyRandomState::new(0).permutation(0).unwrap().is_empty());
    assert_eq!(NumpyRandomState::new(0).permutation(1).unwrap(), [0]);
}

#[test]
fn permutation_keeps_the_cached_gaussian() {
    // np.random.seed(1); np.random.randn(); np.random.permutation(5); np.random.randn()
    // -> 1.6243453636632417, [0, 2, 4, 3, 1], -0.61175641365007538
    let mut rs = NumpyRandomState::new(1);
    assert_eq!(rs.standard_normal(), 1.6243453636632417);
    assert_eq!(rs.permutation(5).unwrap(), [0, 2, 4, 3, 1]);
    assert_eq!(rs.standard_normal(), -0.61175641365007538);
}

#[test]
fn reseeding_drops_the_cached_gaussian() {
    let mut rs = NumpyRandomState::new(1);
    rs.standard_normal();
    rs.seed(1);
    assert_eq!(rs.standard_normal(), 1.6243453636632417);
}

#[test]
fn rng_trait_gives_raw_mt19937_words() {
    // The reference's init_genrand(5489) outputs 3499211612, 581869302, 3890346734, ...
    let mut rs = NumpyRandomState::new(5489);
    assert_eq!(rs.next_u32(), 3_499_211_612);
    assert_eq!(rs.next_u64(), (581_869_302u64 << 32) | 3_890_346_734);
    let mut bytes = [0u8; 6];
    let mut rs = NumpyRandomState::new(5489);
    rs.fill_bytes(&mut bytes);
    let first = 3_499_211_612u32.to_le_bytes();
    let second = 581_869_302u32.to_le_bytes();
    assert_eq!(bytes[..4], first);
    assert_eq!(bytes[4..], second[..2]);
}

#[test]
fn usable_as_an_ordinary_rng() {
    use rand::RngExt;
    let mut rs = NumpyRandomState::new(0);
    let x: f64 = rs.random();
    assert!((0.0..1.0).contains(&x));
    let generic = |rng: &mut dyn rand::Rng| rng.next_u32();
    generic(&mut rs);
}

#[test]
fn f32_matrices_are_rounded_f64_draws() {
    let w = NumpyRandomState::new(1).randn::<f32>(1, 2).unwrap();
    assert_eq!(w[[0, 0]], 1.6243453636632417f64 as f32);
}

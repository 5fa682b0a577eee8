//! n-bit parity computed by networks built by hand, not trained: the course's circuit-theory
//! claim (depth against width) made exact.
//!
//! Each takes the bits of [`parity`](crate::data::parity) (0 or 1, one example per column),
//! has ReLU hidden units and a linear output, and outputs exactly 0.0 or 1.0, the parity — every weight
//! and bias is a small integer, so no rounding happens in f32 or f64:
//!
//! ```text
//! construction     hidden layers     hidden units   how
//! parity_deep      ⌈log2 n⌉          ≈ 2(n − 1)     a balanced tree of XOR blocks, 2 units each:
//!                                                   XOR(u, v) = relu(u + v) − 2 relu(u + v − 1)
//! parity_shallow   1                 2^(n−1)        one AND unit per odd input pattern p
//!                                                   (fires only on x = p), output their sum (OR)
//! parity_bit_sum   1                 n              s = Σ x: parity(s) = Σ_k c_k relu(s − k),
//!                                                   c_0 = 1, c_k = 2(−1)^k
//! ```
//!
//! The first two are the course's two circuits: O(log n) layers of O(n) XOR gates, against one
//! layer of AND gates and an OR, which needs 2^(n−1) of them (every AND term of a formula for
//! parity must fix all n bits, so each covers one odd pattern). The third shows what that claim
//! is about: gates. One hidden layer of ReLU units with real weights computes parity with n units
//! (sum the bits, then a zig-zag of the sum), so the exponential gap is a fact about AND/OR
//! circuits, not about every network of one hidden layer.
//!
//! ```
//! use ndnet::data;
//! let (x, y) = data::parity::<f64>(6)?;
//! for net in [ndnet::Network::<f64>::parity_deep(6)?, ndnet::Network::parity_shallow(6)?, ndnet::Network::parity_bit_sum(6)?] {
//!     assert_eq!(net.predict_proba(&x)?, y); // exactly, on all 64 inputs
//! }
//! assert_eq!(ndnet::Network::<f64>::parity_deep(6)?.layer_sizes(), vec![6, 6, 3, 2, 1]);
//! assert_eq!(ndnet::Network::<f64>::parity_shallow(6)?.layer_sizes(), vec![6, 32, 1]);
//! # Ok::<(), ndnet::Error>(())
//! ```

use ndarray::Array2;

use crate::nn::network::check_parameter_memory;
use crate::{Activation, Error, Float, Network, Result};

/// What [`checked_network`] allocates.
const WHAT: &str = "the parameters and gradients of the parity network";

/// One value of a layer of the tree as a combination of the previous layer's units:
/// (unit, coefficient) pairs; all biases of these combinations are 0.
type Combination = Vec<(usize, f64)>;

impl<F: Float> Network<F> {
    /// The deep parity network: a balanced tree of XOR blocks over the n bits, ⌈log2 n⌉ hidden ReLU
    /// layers and a linear output that is exactly the parity (0.0 or 1.0) of the bits in X.
    ///
    /// Each layer pairs up the values of the layer below: a pair (u, v) takes two units,
    /// relu(u + v) and relu(u + v − 1), and XOR(u, v) = relu(u + v) − 2 relu(u + v − 1) is folded
    /// into the next layer's weights; an odd value out passes through one unit, relu(u) = u. For n a
    /// power of two that is n − 1 blocks, 2(n − 1) hidden units.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] if `n_bits` is 0; [`Error::TooLarge`] if the parameters would
    /// exceed the [memory limit](crate::memory_limit) (the first layer is (n, n)).
    ///
    /// ```
    /// let net = ndnet::Network::<f32>::parity_deep(16)?;
    /// assert_eq!(net.depth(), 5); // 4 hidden layers of 16, 8, 4, 2 units, then the output
    /// let hidden: usize = net.layer_sizes()[1..net.depth()].iter().sum();
    /// assert_eq!(hidden, 30);
    /// let (x, y) = ndnet::data::parity::<f32>(16)?;
    /// assert_eq!(net.predict_proba(&x)?, y); // all 65,536 inputs
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn parity_deep(n_bits: usize) -> Result<Self> {
        check_bits(n_bits)?;
        // The sizes of every layer first, to check the memory before anything is allocated.
        let mut sizes = vec![n_bits];
        let mut values = n_bits;
        while values > 1 {
            sizes.push(values);
            values = values.div_ceil(2);
        }
        sizes.push(1);
        check_parameter_memory(&sizes, 2 * std::mem::size_of::<F>(), WHAT)?;

        let mut values: Vec<Combination> = (0..n_bits).map(|i| vec![(i, 1.0)]).collect();
        let mut n_prev = n_bits;
        let mut parameters = Vec::with_capacity(sizes.len() - 1);
        while values.len() > 1 {
            // Pairs take two units each, an odd one out one: as many units as values.
            let units = values.len();
            let mut w = Array2::<F>::zeros((units, n_prev));
            let mut b = Array2::<F>::zeros((units, 1));
            let mut next = Vec::with_capacity(units.div_ceil(2));
            let mut unit = 0;
            for pair in values.chunks(2) {
                let sum = pair.iter().flatten();
                if pair.len() == 2 {
                    for &(j, c) in sum {
                        w[[unit, j]] += F::from_f64(c);
                        w[[unit + 1, j]] += F::from_f64(c);
                    }
                    b[[unit + 1, 0]] = F::from_f64(-1.0);
                    next.push(vec![(unit, 1.0), (unit + 1, -2.0)]);
                    unit += 2;
                } else {
                    for &(j, c) in sum {
                        w[[unit, j]] += F::from_f64(c);
                    }
                    next.push(vec![(unit, 1.0)]);
                    unit += 1;
                }
            }
            parameters.push((w, b));
            values = next;
            n_prev = units;
        }
        let mut w = Array2::<F>::zeros((1, n_prev));
        for &(j, c) in &values[0] {
            w[[0, j]] += F::from_f64(c);
        }
        parameters.push((w, Array2::zeros((1, 1))));
        checked_network(parameters)
    }

    /// The course's one-hidden-layer parity network: one ReLU "AND" unit for each of the 2^(n−1)
    /// input patterns p of odd parity, and a linear output that sums them (an OR of disjoint terms).
    ///
    /// Unit p has weights +1 where p has a 1 and −1 where it has a 0, and bias 1 − |p| (|p| its
    /// number of ones): z = 1 on x = p and z ≤ 0 elsewhere, so relu(z) is 1 on p alone.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] if `n_bits` is 0; [`Error::TooLarge`] if the 2^(n−1) × n weights
    /// would exceed the [memory limit](crate::memory_limit) (with the default limit, n ≤ 25 in f64).
    ///
    /// ```
    /// let net = ndnet::Network::<f64>::parity_shallow(3)?;
    /// // The patterns 001, 010, 100 and 111.
    /// assert_eq!(net.layer(1).unwrap().w(), ndnet::ndarray::array![
    ///     [-1.0, -1.0, 1.0], [-1.0, 1.0, -1.0], [1.0, -1.0, -1.0], [1.0, 1.0, 1.0]]);
    /// assert_eq!(net.layer(1).unwrap().b(), ndnet::ndarray::array![[0.0], [0.0], [0.0], [-2.0]]);
    /// assert!(ndnet::Network::<f64>::parity_shallow(64).is_err()); // 2^63 units
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn parity_shallow(n_bits: usize) -> Result<Self> {
        check_bits(n_bits)?;
        let units = u32::try_from(n_bits - 1)
            .ok()
            .and_then(|shift| 1usize.checked_shl(shift))
            .unwrap_or(usize::MAX);
        check_parameter_memory(&[n_bits, units, 1], 2 * std::mem::size_of::<F>(), WHAT)?;
        // Fits the memory limit, so 2ⁿ = 2 · units fits in usize.
        let odd = (0..1usize << n_bits).filter(|k| k.count_ones() % 2 == 1);
        let mut w = Array2::<F>::zeros((units, n_bits));
        let mut b = Array2::<F>::zeros((units, 1));
        for (unit, pattern) in odd.enumerate() {
            for bit in 0..n_bits {
                // Most significant bit first, as in `parity`.
                let one = (pattern >> (n_bits - 1 - bit)) & 1 == 1;
                w[[unit, bit]] = F::from_f64(if one { 1.0 } else { -1.0 });
            }
            b[[unit, 0]] = F::from_f64(1.0 - f64::from(pattern.count_ones()));
        }
        checked_network(vec![(w, b), (Array2::ones((1, units)), Array2::zeros((1, 1)))])
    }

    /// One hidden layer of n ReLU units on the sum of the bits s = Σ x: unit k is relu(s − k), and
    /// the linear output Σ_k c_k relu(s − k) with c_0 = 1, c_k = 2(−1)^k is the zig-zag 0, 1, 0, 1, …
    /// at s = 0, 1, 2, 3, …: the parity, with n units where AND gates need 2^(n−1).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] if `n_bits` is 0; [`Error::TooLarge`] past the
    /// [memory limit](crate::memory_limit) (the hidden layer is (n, n)).
    ///
    /// ```
    /// let net = ndnet::Network::<f64>::parity_bit_sum(4)?;
    /// assert_eq!(net.layer(2).unwrap().w(), ndnet::ndarray::array![[1.0, -2.0, 2.0, -2.0]]);
    /// let (x, y) = ndnet::data::parity::<f64>(4)?;
    /// assert_eq!(net.predict_proba(&x)?, y);
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn parity_bit_sum(n_bits: usize) -> Result<Self> {
        check_bits(n_bits)?;
        check_parameter_memory(&[n_bits, n_bits, 1], 2 * std::mem::size_of::<F>(), WHAT)?;
        let w1 = Array2::<F>::ones((n_bits, n_bits));
        let b1 = Array2::from_shape_fn((n_bits, 1), |(k, _)| F::from_f64(-(k as f64)));
        let w2 = Array2::from_shape_fn((1, n_bits), |(_, k)| match k {
            0 => F::one(),
            k if k % 2 == 1 => F::from_f64(-2.0),
            _ => F::from_f64(2.0),
        });
        checked_network(vec![(w1, b1), (w2, Array2::zeros((1, 1)))])
    }
}

fn check_bits(n_bits: usize) -> Result<()> {
    if n_bits == 0 {
        return Err(Error::invalid_argument(
            "n_bits",
            "the parity of 0 bits needs no network; n_bits must be at least 1",
        ));
    }
    Ok(())
}

/// The network of ReLU hidden layers and a linear output with these parameters.
fn checked_network<F: Float>(parameters: Vec<(Array2<F>, Array2<F>)>) -> Result<Network<F>> {
    let mut activations = vec![Activation::Relu; parameters.len()];
    activations[parameters.len() - 1] = Activation::Linear;
    Network::from_parameters(parameters, &activations)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every construction, exactly right on all 2ⁿ inputs, in f32 and f64.
    fn exact<F: Float>(n: usize) {
        let (x, y) = crate::data::parity::<F>(n).unwrap();
        for (name, net) in [
            ("deep", Network::<F>::parity_deep(n).unwrap()),
            ("shallow", Network::<F>::parity_shallow(n).unwrap()),
            ("bit sum", Network::<F>::parity_bit_sum(n).unwrap()),
        ] {
            assert_eq!(net.predict_proba(&x).unwrap(), y, "{name}, n = {n}");
            assert_eq!(net.accuracy(&x, &y).unwrap(), 1.0, "{name}, n = {n}");
        }
    }

    #[test]
    fn every_construction_is_exact_on_all_inputs() {
        for n in 1..=10 {
            exact::<f64>(n);
            exact::<f32>(n);
        }
    }

    /// The unit counts of the module's table: the tree has ⌈log2 n⌉ hidden layers and, for
    /// n = 2^d, 2(n − 1) units; one layer of AND units has 2^(n−1); the bit sum has n.
    #[test]
    fn unit_counts() {
        let hidden = |net: &Network<f64>| -> usize { net.layer_sizes()[1..net.depth()].iter().sum() };
        for n in 1..=40usize {
            let deep = Network::<f64>::parity_deep(n).unwrap();
            let log2 = usize::BITS - (n - 1).leading_zeros(); // ⌈log2 n⌉
            assert_eq!(deep.depth() - 1, log2 as usize, "n = {n}");
            if n.is_power_of_two() {
                assert_eq!(hidden(&deep), 2 * (n - 1), "n = {n}");
            }
            assert!(hidden(&deep) <= 2 * n + log2 as usize, "n = {n}");
            assert_eq!(hidden(&Network::<f64>::parity_bit_sum(n).unwrap()), n);
        }
        assert_eq!(Network::<f64>::parity_deep(3).unwrap().layer_sizes(), vec![3, 3, 2, 1]);
        assert_eq!(Network::<f64>::parity_deep(1).unwrap().layer_sizes(), vec![1, 1]);
        for n in 1..=12 {
            assert_eq!(hidden(&Network::<f64>::parity_shallow(n).unwrap()), 1 << (n - 1));
        }
    }

    #[test]
    fn bad_sizes_are_errors() {
        for result in [
            Network::<f64>::parity_deep(0),
            Network::<f64>::parity_shallow(0),
            Network::<f64>::parity_bit_sum(0),
        ] {
            assert!(matches!(result, Err(Error::InvalidArgument { argument: "n_bits", .. })));
        }
        for n in [40, 64, 65, usize::MAX] {
            assert!(
                matches!(Network::<f32>::parity_shallow(n), Err(Error::TooLarge { .. })),
                "{n}"
            );
        }
        assert!(matches!(
            Network::<f64>::parity_deep(1 << 40),
            Err(Error::TooLarge { .. })
        ));
        assert!(matches!(
            Network::<f64>::parity_bit_sum(1 << 40),
            Err(Error::TooLarge { .. })
        ));
    }
}

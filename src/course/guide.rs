//! # The course, step by step, in ndnet
//!
//! Every formula of the first course of the deep-learning curriculum next to the ndnet call
//! that computes it. Shapes follow the course: X is `(n_x, m)` with one example per **column**,
//! Y is `(1, m)`, `W[l]` is `(n[l], n[l−1])`, `b[l]` is `(n[l], 1)`. Layers are counted from 1.
//!
//! | course step | formula | ndnet |
//! | --- | --- | --- |
//! | data layout | `X = [x(1) … x(m)]`, `Y = [y(1) … y(m)]` | [`data::from_rows`](crate::data::from_rows) (row-per-example → column-per-example), [`data::labels_row`](crate::data::labels_row) |
//! | sigmoid | `σ(z) = 1 / (1 + e^(−z))` | [`Activation::Sigmoid`](crate::Activation::Sigmoid)`.apply(&z)` |
//! | activations and g′ | tanh, ReLU, leaky ReLU (0.01 z), linear | [`Activation`](crate::Activation): [`apply`](crate::Activation::apply), [`derivative`](crate::Activation::derivative); your own: [`CustomActivation`](crate::CustomActivation) |
//! | initialize parameters (zeros) | `w = 0`, `b = 0` | [`Network::logistic_regression`](crate::Network::logistic_regression), [`Initializer::Zeros`](crate::Initializer::Zeros) |
//! | initialize parameters (deep) | `W[l] = randn(n[l], n[l−1]) · 0.01` or `/ √n[l−1]`, `b[l] = 0` | [`Network::new`](crate::Network::new) with [`Initializer::randn_scaled`](crate::Initializer::randn_scaled) / [`Initializer::RandnOverSqrtFanIn`](crate::Initializer::RandnOverSqrtFanIn) / [`Initializer::He`](crate::Initializer::He); given arrays: [`Network::from_parameters`](crate::Network::from_parameters) |
//! | linear forward | `Z[l] = W[l] A[l−1] + b[l]` | [`Dense::linear`](crate::Dense::linear) |
//! | linear-activation forward | `A[l] = g[l](Z[l])`, cache `Z[l]` | [`Dense::forward`](crate::Dense::forward), then [`Dense::z`](crate::Dense::z), [`Dense::a`](crate::Dense::a) |
//! | L-model forward | `A[0] = X`, …, `ŷ = A[L]` | [`Network::forward`](crate::Network::forward) |
//! | compute cost | `J = −(1/m) Σ [y log a + (1 − y) log(1 − a)]` | [`Network::cost`](crate::Network::cost), [`Cost::compute`](crate::Cost::compute), stable form [`binary_cross_entropy_with_logits`](crate::binary_cross_entropy_with_logits) |
//! | output gradient | `dZ[L] = A[L] − Y` (sigmoid + cross-entropy); `dA[L] = −(Y/A − (1 − Y)/(1 − A))` | inside [`Network::backward`](crate::Network::backward); [`Cost::derivative`](crate::Cost::derivative) |
//! | activation backward | `dZ[l] = dA[l] ⊙ g′(Z[l])` | inside [`Dense::backward`](crate::Dense::backward), read [`Dense::dz`](crate::Dense::dz) |
//! | linear backward | `dW[l] = (1/m) dZ[l] A[l−1]ᵀ`, `db[l] = (1/m) Σ dZ[l]`, `dA[l−1] = W[l]ᵀ dZ[l]` | [`Dense::backward`](crate::Dense::backward) returns `dA[l−1]`; [`Dense::dw`](crate::Dense::dw), [`Dense::db`](crate::Dense::db) |
//! | L-model backward | `for l = L … 1` | [`Network::backward`](crate::Network::backward) |
//! | update parameters | `θ := θ − α dθ` | [`Network::update`](crate::Network::update) with [`GradientDescent`](crate::GradientDescent) (any [`Optimizer`](crate::Optimizer)) |
//! | model (optimize) | repeat: forward, cost, backward, update; costs every 100 | [`Network::fit`](crate::Network::fit) → [`History`](crate::History), [`TrainConfig`](crate::TrainConfig) |
//! | predict | `ŷ > 0.5 → 1` | [`Network::predict`](crate::Network::predict), [`Network::predict_proba`](crate::Network::predict_proba), [`Network::accuracy`](crate::Network::accuracy) |
//! | gradient checking | `(J(θ + ε) − J(θ − ε)) / 2ε`, `‖dθ − dθ_approx‖ / (‖dθ‖ + ‖dθ_approx‖)` | [`gradient_check`](crate::gradient_check) |
//! | computation graph | `J = 3(a + bc)`, backward by the chain rule | [`graph::Graph`](crate::graph::Graph) |
//! | for-loop vs vectorized | `for i in 1..m: dw += x(i) dz(i)` | [`looped::propagate`](crate::course::looped::propagate), [`looped::optimize`](crate::course::looped::optimize), [`looped::dot`](crate::course::looped::dot) |
//! | planar data, XOR, parity | | [`data::planar_flower`](crate::data::planar_flower), [`data::circles`](crate::data::circles), [`data::xor`](crate::data::xor), [`data::parity`](crate::data::parity) |
//!
//! ## The whole course model in one place
//!
//! The course's `L_layer_model`, written out with the step-by-step calls (what
//! [`Network::fit`](crate::Network::fit) does for you):
//!
//! ```
//! use ndnet::{data, Activation, GradientDescent, Initializer, Network};
//! use rand::SeedableRng;
//!
//! let mut rng = rand::rngs::StdRng::seed_from_u64(1);
//! let (x, y) = data::planar_flower::<f64, _>(100, &mut rng)?;
//! // initialize_parameters_deep
//! let mut net = Network::new(&[2, 5, 3, 1], Activation::Relu, Activation::Sigmoid,
//!                            Initializer::RandnOverSqrtFanIn, &mut rng)?;
//! let mut optimizer = GradientDescent::new(0.0075)?;
//! let mut costs = Vec::new();
//! for i in 0..300 {
//!     let _al = net.forward(&x)?;          // L_model_forward
//!     if i % 100 == 0 {
//!         costs.push(net.cost(&x, &y)?);   // compute_cost
//!     }
//!     net.backward(&x, &y)?;               // L_model_backward
//!     net.update(&mut optimizer)?;         // update_parameters
//! }
//! let dw1 = net.layer(1).unwrap().dw();    // grads["dW1"]
//! assert_eq!(dw1.dim(), (5, 2));
//! let predictions = net.predict(&x, 0.5)?; // predict
//! assert_eq!(predictions.dim(), (1, 100));
//! # Ok::<(), ndnet::Error>(())
//! ```
//!
//! ## Coming from numpy or row-per-example libraries
//!
//! scikit-learn, pandas and most files put one example per **row**. ndnet, like the course,
//! puts one example per **column**. Passing the transposed matrix is the most common mistake,
//! and the error says so:
//!
//! ```
//! use ndarray::Array2;
//! let net = ndnet::Network::<f64>::logistic_regression(3).unwrap();
//! let rows = Array2::<f64>::zeros((10, 3)); // 10 examples, one per row
//! let err = net.predict(&rows, 0.5).unwrap_err();
//! assert!(err.to_string().contains("its transpose would fit"));
//! let x = ndnet::data::from_rows(rows.view()); // (3, 10)
//! assert!(net.predict(&x, 0.5).is_ok());
//! ```

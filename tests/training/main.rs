//! Training behaviour: networks learn, mini-batches, optimizers, validation and early stopping,
//! dropout, softmax outputs, `.npy` files of examples. Each file is one concept; see `tests/README.md`.

#[path = "../common/mod.rs"]
mod common;

mod csv_stream;
mod dropout;
mod learning;
mod minibatch;
mod multiclass;
mod npy;
mod optimizers;
mod validation;

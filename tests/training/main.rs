//! Training behaviour: networks learn, mini-batches, optimizers, validation and early stopping,
//! dropout, softmax outputs. Each file is one concept; see `tests/README.md`.

#[path = "../common/mod.rs"]
mod common;

mod dropout;
mod learning;
mod minibatch;
mod multiclass;
mod optimizers;
mod validation;

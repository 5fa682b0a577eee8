//! The network's concepts, one per module: activations g and g′, costs J and their
//! derivatives, weight initialisers, inverted dropout, the dense layer (forward and backward in
//! the course's symbols) and the network that stacks layers. The trainer (`crate::train`) and
//! the optimizers drive them; nothing here knows how training is scheduled.

pub(crate) mod activation;
pub(crate) mod cost;
pub(crate) mod dropout;
pub(crate) mod init;
pub(crate) mod layer;
pub(crate) mod network;

//! Graph nodes and what each graph owns: a node is valid only in the graph that made it.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::{Error, Result};

/// Every graph (and every clone of one) gets the next id.
static NEXT_GRAPH_ID: AtomicU64 = AtomicU64::new(0);

/// A node of a [`Graph`](super::Graph): a handle returned by each operation, valid in that graph (and in
/// clones made after it was created).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Node {
    pub(super) graph: u64,
    pub(super) index: usize,
}

/// Which nodes belong to a graph: its own, and those its ancestors had when it was cloned.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Lineage {
    pub(super) id: u64,
    /// (ancestor id, number of its nodes shared), oldest first.
    pub(super) forks: Vec<(u64, usize)>,
}

impl Lineage {
    pub(super) fn fresh(forks: Vec<(u64, usize)>) -> Self {
        let id = NEXT_GRAPH_ID.fetch_add(1, Ordering::Relaxed);
        Lineage { id, forks }
    }

    /// The index of `node` among `len` nodes, or an error naming `argument`.
    pub(super) fn index(&self, node: Node, len: usize, argument: &'static str) -> Result<usize> {
        let shared = node.graph == self.id || self.forks.iter().any(|&(id, n)| id == node.graph && node.index < n);
        if shared && node.index < len {
            return Ok(node.index);
        }
        Err(Error::InvalidArgument {
            argument,
            message: format!(
                "node {} of graph {} does not belong to this graph (graph {})",
                node.index, node.graph, self.id
            ),
        })
    }
}

/// dJ/d(node) for every node of the graph [`Graph::backward`](super::Graph::backward) ran on.
#[derive(Clone, Debug, PartialEq)]
pub struct Derivatives {
    pub(super) lineage: Lineage,
    pub(super) d: Vec<f64>,
}

impl Derivatives {
    /// dJ/d(`node`).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] naming `node` if it is not a node of the graph these
    /// derivatives were computed on.
    ///
    /// ```
    /// let mut g = ndnet::graph::Graph::new();
    /// let x = g.input(4.0);
    /// let y = g.mul(x, x)?;
    /// assert_eq!(g.backward(y)?.get(x)?, 8.0); // d(x²)/dx = 2x
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn get(&self, node: Node) -> Result<f64> {
        Ok(self.d[self.lineage.index(node, self.d.len(), "node")?])
    }
}

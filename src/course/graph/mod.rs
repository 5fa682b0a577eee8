//! A computation graph of single numbers, to follow the course's derivatives by hand.
//!
//! Each operation records its inputs; [`Graph::backward`] walks the graph from the output back
//! to the inputs with the chain rule, each node's local derivative written beside its forward
//! formula. It is a teaching tool (the layers compute the same derivatives in matrix form).
//!
//! Nodes remember their graph: passing a node of another graph is an
//! [`Error::InvalidArgument`](crate::Error::InvalidArgument), never a wrong answer or a panic.
//! An operation whose value, or a derivative whose value, is not finite (ln of 0, an overflow, a
//! NaN input) is an [`Error::NonFiniteOutput`](crate::Error::NonFiniteOutput), never a NaN.
//!
//! The course's example J = 3(a + bc) with a = 5, b = 3, c = 2:
//!
//! ```
//! use ndnet::graph::Graph;
//!
//! let mut g = Graph::new();
//! let (a, b, c) = (g.input(5.0), g.input(3.0), g.input(2.0));
//! let u = g.mul(b, c)?;       // u = bc = 6
//! let v = g.add(a, u)?;       // v = a + u = 11
//! let j = g.scale(v, 3.0)?;   // J = 3v = 33
//! assert_eq!(g.value(j)?, 33.0);
//! let d = g.backward(j)?;
//! let dj = |n| d.get(n);
//! assert_eq!((dj(v)?, dj(u)?, dj(a)?, dj(b)?, dj(c)?), (3.0, 3.0, 3.0, 6.0, 9.0));
//! # Ok::<(), ndnet::Error>(())
//! ```

mod node;
mod ops;

use node::Lineage;
pub use node::{Derivatives, Node};

#[cfg(test)]
use crate::Error;
use crate::Result;

#[derive(Clone, Copy, Debug)]
enum Op {
    Input,
    Add(usize, usize),
    Sub(usize, usize),
    Mul(usize, usize),
    Scale(usize, f64),
    Sigmoid(usize),
    Ln(usize),
}

/// A recorded computation on `f64` values.
///
/// Cloning gives a new graph that shares the nodes made so far: they are valid in both, nodes
/// made afterwards only in the graph that made them.
///
/// ```
/// let mut g = ndnet::graph::Graph::new();
/// let x = g.input(2.0);
/// let mut h = g.clone();
/// let y = h.scale(x, 3.0)?;
/// assert_eq!(h.value(y)?, 6.0);
/// assert!(g.value(y).is_err()); // y was made in the clone
/// # Ok::<(), ndnet::Error>(())
/// ```
#[derive(Debug)]
pub struct Graph {
    lineage: Lineage,
    ops: Vec<Op>,
    values: Vec<f64>,
}

impl Default for Graph {
    fn default() -> Self {
        Graph {
            lineage: Lineage::fresh(Vec::new()),
            ops: Vec::new(),
            values: Vec::new(),
        }
    }
}

impl Clone for Graph {
    fn clone(&self) -> Self {
        let mut forks = self.lineage.forks.clone();
        forks.push((self.lineage.id, self.ops.len()));
        Graph {
            lineage: Lineage::fresh(forks),
            ops: self.ops.clone(),
            values: self.values.clone(),
        }
    }
}

impl Graph {
    /// An empty graph.
    ///
    /// ```
    /// let g = ndnet::graph::Graph::new();
    /// assert!(g.is_empty());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// The number of nodes.
    ///
    /// ```
    /// let mut g = ndnet::graph::Graph::new();
    /// g.input(1.0);
    /// assert_eq!(g.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.ops.len()
    }

    /// Whether the graph has no nodes.
    ///
    /// ```
    /// assert!(ndnet::graph::Graph::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    fn push(&mut self, op: Op, value: f64) -> Node {
        self.ops.push(op);
        self.values.push(value);
        Node {
            graph: self.lineage.id,
            index: self.ops.len() - 1,
        }
    }

    fn index(&self, node: Node, argument: &'static str) -> Result<usize> {
        self.lineage.index(node, self.ops.len(), argument)
    }

    /// The value computed at `node` in the forward pass.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`](crate::Error::InvalidArgument) naming `node` if it belongs to another graph.
    ///
    /// ```
    /// let mut g = ndnet::graph::Graph::new();
    /// let x = g.input(0.0);
    /// let s = g.sigmoid(x)?;
    /// assert_eq!(g.value(s)?, 0.5);
    /// let other = ndnet::graph::Graph::new();
    /// assert!(other.value(s).is_err());
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn value(&self, node: Node) -> Result<f64> {
        Ok(self.values[self.index(node, "node")?])
    }

    /// An input (a parameter or a data value).
    ///
    /// ```
    /// let mut g = ndnet::graph::Graph::new();
    /// let w = g.input(0.3);
    /// assert_eq!(g.value(w)?, 0.3);
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn input(&mut self, value: f64) -> Node {
        self.push(Op::Input, value)
    }

    /// Backpropagation: dJ/d(node) for every node, where J is `output`.
    ///
    /// Nodes are visited in reverse order of creation, which is a topological order.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`](crate::Error::InvalidArgument) naming `output` if it belongs to another graph;
    /// [`Error::NonFiniteOutput`](crate::Error::NonFiniteOutput) if a derivative overflows.
    ///
    /// ```
    /// let mut g = ndnet::graph::Graph::new();
    /// let (x, y) = (g.input(2.0), g.input(3.0));
    /// let p = g.mul(x, y)?;
    /// let d = g.backward(p)?;
    /// assert_eq!((d.get(x)?, d.get(y)?), (3.0, 2.0));
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn backward(&self, output: Node) -> Result<Derivatives> {
        let output = self.index(output, "output")?;
        let mut d = vec![0.0; self.ops.len()];
        d[output] = 1.0;
        // Every index stored in an op came from `self.index` and is below the op's own index.
        for i in (0..=output).rev() {
            let upstream = d[i];
            let value = self.values[i];
            match self.ops[i] {
                Op::Input => {}
                Op::Add(x, y) => {
                    d[x] += upstream;
                    d[y] += upstream;
                }
                Op::Sub(x, y) => {
                    d[x] += upstream;
                    d[y] -= upstream;
                }
                Op::Mul(x, y) => {
                    d[x] += upstream * self.values[y];
                    d[y] += upstream * self.values[x];
                }
                Op::Scale(x, k) => d[x] += upstream * k,
                Op::Sigmoid(x) => d[x] += upstream * value * (1.0 - value),
                Op::Ln(x) => d[x] += upstream / self.values[x],
            }
        }
        if let Some(i) = d.iter().position(|v| !v.is_finite()) {
            return Err(crate::Error::NonFiniteOutput {
                what: format!("the derivative of node {output} with respect to node {i} is {}", d[i]),
            });
        }
        Ok(Derivatives {
            lineage: self.lineage.clone(),
            d,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The course's logistic-regression graph for one example: z = w1 x1 + w2 x2 + b,
    /// a = σ(z), L = −(y ln a + (1 − y) ln(1 − a)); backpropagation gives dz = a − y,
    /// dw1 = x1 dz, dw2 = x2 dz, db = dz.
    #[test]
    fn logistic_regression_graph_gives_dz_equals_a_minus_y() -> Result<()> {
        let mut g = Graph::new();
        let (w1, w2, b) = (g.input(0.3), g.input(-0.2), g.input(0.1));
        let (x1, x2, y) = (g.input(1.5), g.input(2.0), g.input(1.0));
        let (p1, p2) = (g.mul(w1, x1)?, g.mul(w2, x2)?);
        let s = g.add(p1, p2)?;
        let z = g.add(s, b)?;
        let a = g.sigmoid(z)?;
        let one = g.input(1.0);
        let (ln_a, one_minus_a) = (g.ln(a)?, g.sub(one, a)?);
        let ln_one_minus_a = g.ln(one_minus_a)?;
        let one_minus_y = g.sub(one, y)?;
        let (t1, t2) = (g.mul(y, ln_a)?, g.mul(one_minus_y, ln_one_minus_a)?);
        let sum = g.add(t1, t2)?;
        let loss = g.scale(sum, -1.0)?;
        let d = g.backward(loss)?;
        let dz = g.value(a)? - 1.0;
        assert!((d.get(z)? - dz).abs() < 1e-15);
        assert!((d.get(w1)? - 1.5 * dz).abs() < 1e-15);
        assert!((d.get(w2)? - 2.0 * dz).abs() < 1e-15);
        assert!((d.get(b)? - dz).abs() < 1e-15);
        Ok(())
    }

    pub(super) fn names(err: Error, argument: &str) {
        match err {
            Error::InvalidArgument { argument: a, message } => {
                assert_eq!(a, argument, "{message}");
                assert!(message.contains("does not belong to this graph"), "{message}");
            }
            other => panic!("expected InvalidArgument, got {other:?}"),
        }
    }

    /// A clone shares the nodes made before it; later nodes belong only to their own graph,
    /// through any number of clones of clones.
    #[test]
    fn clones_share_earlier_nodes_only() -> Result<()> {
        let mut g = Graph::new();
        let x = g.input(3.0);
        let mut h = g.clone();
        let in_g = g.scale(x, 2.0)?; // index 1 in g
        let in_h = h.scale(x, 10.0)?; // index 1 in h
        assert_eq!((g.value(in_g)?, h.value(in_h)?), (6.0, 30.0));
        names(g.value(in_h).unwrap_err(), "node");
        names(h.value(in_g).unwrap_err(), "node");
        let mut k = h.clone();
        let y = k.mul(x, in_h)?;
        assert_eq!(k.value(y)?, 90.0);
        let d = k.backward(y)?;
        assert_eq!((d.get(x)?, d.get(in_h)?), (30.0 + 10.0 * 3.0, 3.0));
        names(d.get(in_g).unwrap_err(), "node");
        names(h.value(y).unwrap_err(), "node");
        assert_ne!(Graph::default().lineage.id, Graph::default().lineage.id);
        Ok(())
    }
}

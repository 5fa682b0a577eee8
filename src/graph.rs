//! A computation graph of single numbers, to follow the course's derivatives by hand.
//!
//! Each operation records its inputs; [`Graph::backward`] walks the graph from the output back
//! to the inputs with the chain rule, each node's local derivative written beside its forward
//! formula. It is a teaching tool (the layers compute the same derivatives in matrix form).
//!
//! The course's example J = 3(a + bc) with a = 5, b = 3, c = 2:
//!
//! ```
//! use ndnet::graph::Graph;
//!
//! let mut g = Graph::new();
//! let (a, b, c) = (g.input(5.0), g.input(3.0), g.input(2.0));
//! let u = g.mul(b, c);        // u = bc = 6
//! let v = g.add(a, u);        // v = a + u = 11
//! let j = g.scale(v, 3.0);    // J = 3v = 33
//! assert_eq!(g.value(j), 33.0);
//! let d = g.backward(j);
//! assert_eq!((d[v], d[u], d[a], d[b], d[c]), (3.0, 3.0, 3.0, 6.0, 9.0));
//! ```

use std::ops::Index;

/// A node of a [`Graph`]: a handle returned by each operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Node(usize);

#[derive(Clone, Copy, Debug)]
enum Op {
    Input,
    Add(Node, Node),
    Sub(Node, Node),
    Mul(Node, Node),
    Scale(Node, f64),
    Sigmoid(Node),
    Ln(Node),
}

/// A recorded computation on `f64` values.
#[derive(Clone, Debug, Default)]
pub struct Graph {
    ops: Vec<Op>,
    values: Vec<f64>,
}

/// dJ/d(node) for every node, indexed by [`Node`].
#[derive(Clone, Debug, PartialEq)]
pub struct Derivatives(Vec<f64>);

impl Index<Node> for Derivatives {
    type Output = f64;
    fn index(&self, node: Node) -> &f64 {
        &self.0[node.0]
    }
}

impl Graph {
    /// An empty graph.
    pub fn new() -> Self {
        Self::default()
    }

    fn push(&mut self, op: Op, value: f64) -> Node {
        self.ops.push(op);
        self.values.push(value);
        Node(self.ops.len() - 1)
    }

    /// The value computed at `node` in the forward pass.
    pub fn value(&self, node: Node) -> f64 {
        self.values[node.0]
    }

    /// An input (a parameter or a data value).
    pub fn input(&mut self, value: f64) -> Node {
        self.push(Op::Input, value)
    }

    /// x + y.
    pub fn add(&mut self, x: Node, y: Node) -> Node {
        self.push(Op::Add(x, y), self.value(x) + self.value(y))
    }

    /// x − y.
    pub fn sub(&mut self, x: Node, y: Node) -> Node {
        self.push(Op::Sub(x, y), self.value(x) - self.value(y))
    }

    /// x · y.
    pub fn mul(&mut self, x: Node, y: Node) -> Node {
        self.push(Op::Mul(x, y), self.value(x) * self.value(y))
    }

    /// k · x for a constant k.
    pub fn scale(&mut self, x: Node, k: f64) -> Node {
        self.push(Op::Scale(x, k), k * self.value(x))
    }

    /// σ(x) = 1 / (1 + e^(−x)).
    pub fn sigmoid(&mut self, x: Node) -> Node {
        self.push(Op::Sigmoid(x), 1.0 / (1.0 + (-self.value(x)).exp()))
    }

    /// ln x.
    pub fn ln(&mut self, x: Node) -> Node {
        self.push(Op::Ln(x), self.value(x).ln())
    }

    /// Backpropagation: dJ/d(node) for every node, where J is `output`.
    ///
    /// Nodes are visited in reverse order of creation, which is a topological order.
    pub fn backward(&self, output: Node) -> Derivatives {
        let mut d = vec![0.0; self.ops.len()];
        d[output.0] = 1.0;
        for i in (0..=output.0).rev() {
            let upstream = d[i];
            let value = self.values[i];
            match self.ops[i] {
                Op::Input => {}
                Op::Add(x, y) => {
                    d[x.0] += upstream;
                    d[y.0] += upstream;
                }
                Op::Sub(x, y) => {
                    d[x.0] += upstream;
                    d[y.0] -= upstream;
                }
                Op::Mul(x, y) => {
                    d[x.0] += upstream * self.values[y.0];
                    d[y.0] += upstream * self.values[x.0];
                }
                Op::Scale(x, k) => d[x.0] += upstream * k,
                Op::Sigmoid(x) => d[x.0] += upstream * value * (1.0 - value),
                Op::Ln(x) => d[x.0] += upstream / self.values[x.0],
            }
        }
        Derivatives(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The course's logistic-regression graph for one example: z = w1 x1 + w2 x2 + b,
    /// a = σ(z), L = −(y ln a + (1 − y) ln(1 − a)); backpropagation gives dz = a − y,
    /// dw1 = x1 dz, dw2 = x2 dz, db = dz.
    #[test]
    fn logistic_regression_graph_gives_dz_equals_a_minus_y() {
        let mut g = Graph::new();
        let (w1, w2, b) = (g.input(0.3), g.input(-0.2), g.input(0.1));
        let (x1, x2, y) = (g.input(1.5), g.input(2.0), g.input(1.0));
        let (p1, p2) = (g.mul(w1, x1), g.mul(w2, x2));
        let s = g.add(p1, p2);
        let z = g.add(s, b);
        let a = g.sigmoid(z);
        let one = g.input(1.0);
        let (ln_a, one_minus_a) = (g.ln(a), g.sub(one, a));
        let ln_one_minus_a = g.ln(one_minus_a);
        let one_minus_y = g.sub(one, y);
        let (t1, t2) = (g.mul(y, ln_a), g.mul(one_minus_y, ln_one_minus_a));
        let sum = g.add(t1, t2);
        let loss = g.scale(sum, -1.0);
        let d = g.backward(loss);
        let dz = g.value(a) - 1.0;
        assert!((d[z] - dz).abs() < 1e-15);
        assert!((d[w1] - 1.5 * dz).abs() < 1e-15);
        assert!((d[w2] - 2.0 * dz).abs() < 1e-15);
        assert!((d[b] - dz).abs() < 1e-15);
    }
}

//! The operations a [`Graph`] records: sums, products, scaling, σ and ln.

use super::{Graph, Node, Op};
use crate::Result;

impl Graph {
    /// Records a binary operation on `x` and `y`.
    fn binary(&mut self, x: Node, y: Node, op: fn(usize, usize) -> Op, f: fn(f64, f64) -> f64) -> Result<Node> {
        let (i, j) = (self.index(x, "x")?, self.index(y, "y")?);
        let value = finite(
            op(i, j),
            f(self.values[i], self.values[j]),
            &[self.values[i], self.values[j]],
        )?;
        Ok(self.push(op(i, j), value))
    }

    /// Records a unary operation on `x`.
    fn unary(&mut self, x: Node, op: fn(usize) -> Op, f: impl Fn(f64) -> f64) -> Result<Node> {
        let i = self.index(x, "x")?;
        let value = finite(op(i), f(self.values[i]), &[self.values[i]])?;
        Ok(self.push(op(i), value))
    }

    /// x + y.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`](crate::Error::InvalidArgument) naming `x` or `y` if it belongs to another graph;
    /// [`Error::NonFiniteOutput`](crate::Error::NonFiniteOutput) if the result is not finite (a NaN or
    /// infinite input, an overflow, ln of a number ≤ 0).
    ///
    /// ```
    /// let mut g = ndnet::graph::Graph::new();
    /// let (x, y) = (g.input(2.0), g.input(3.0));
    /// let s = g.add(x, y)?;
    /// assert_eq!(g.value(s)?, 5.0);
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn add(&mut self, x: Node, y: Node) -> Result<Node> {
        self.binary(x, y, Op::Add, |a, b| a + b)
    }

    /// x − y.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`](crate::Error::InvalidArgument) naming `x` or `y` if it belongs to another graph;
    /// [`Error::NonFiniteOutput`](crate::Error::NonFiniteOutput) if the result is not finite (a NaN or
    /// infinite input, an overflow, ln of a number ≤ 0).
    ///
    /// ```
    /// let mut g = ndnet::graph::Graph::new();
    /// let (x, y) = (g.input(2.0), g.input(3.0));
    /// let s = g.sub(x, y)?;
    /// assert_eq!(g.value(s)?, -1.0);
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn sub(&mut self, x: Node, y: Node) -> Result<Node> {
        self.binary(x, y, Op::Sub, |a, b| a - b)
    }

    /// x · y.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`](crate::Error::InvalidArgument) naming `x` or `y` if it belongs to another graph;
    /// [`Error::NonFiniteOutput`](crate::Error::NonFiniteOutput) if the result is not finite (a NaN or
    /// infinite input, an overflow, ln of a number ≤ 0).
    ///
    /// ```
    /// let mut g = ndnet::graph::Graph::new();
    /// let (x, y) = (g.input(2.0), g.input(3.0));
    /// let p = g.mul(x, y)?;
    /// assert_eq!(g.value(p)?, 6.0);
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn mul(&mut self, x: Node, y: Node) -> Result<Node> {
        self.binary(x, y, Op::Mul, |a, b| a * b)
    }

    /// k · x for a constant k.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`](crate::Error::InvalidArgument) naming `x` if it belongs to another graph;
    /// [`Error::NonFiniteOutput`](crate::Error::NonFiniteOutput) if the result is not finite (a NaN or
    /// infinite input, an overflow, ln of a number ≤ 0).
    ///
    /// ```
    /// let mut g = ndnet::graph::Graph::new();
    /// let x = g.input(2.0);
    /// let y = g.scale(x, -1.5)?;
    /// assert_eq!(g.value(y)?, -3.0);
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn scale(&mut self, x: Node, k: f64) -> Result<Node> {
        let i = self.index(x, "x")?;
        let value = finite(Op::Scale(i, k), k * self.values[i], &[self.values[i], k])?;
        Ok(self.push(Op::Scale(i, k), value))
    }

    /// σ(x) = 1 / (1 + e^(−x)).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`](crate::Error::InvalidArgument) naming `x` if it belongs to another graph;
    /// [`Error::NonFiniteOutput`](crate::Error::NonFiniteOutput) if the result is not finite (a NaN or
    /// infinite input, an overflow, ln of a number ≤ 0).
    ///
    /// ```
    /// let mut g = ndnet::graph::Graph::new();
    /// let x = g.input(0.0);
    /// let a = g.sigmoid(x)?;
    /// assert_eq!(g.value(a)?, 0.5);
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn sigmoid(&mut self, x: Node) -> Result<Node> {
        self.unary(x, Op::Sigmoid, |v| 1.0 / (1.0 + (-v).exp()))
    }

    /// ln x.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`](crate::Error::InvalidArgument) naming `x` if it belongs to another graph;
    /// [`Error::NonFiniteOutput`](crate::Error::NonFiniteOutput) if the result is not finite (a NaN or
    /// infinite input, an overflow, ln of a number ≤ 0).
    ///
    /// ```
    /// let mut g = ndnet::graph::Graph::new();
    /// let x = g.input(1.0);
    /// let l = g.ln(x)?;
    /// assert_eq!(g.value(l)?, 0.0);
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn ln(&mut self, x: Node) -> Result<Node> {
        self.unary(x, Op::Ln, f64::ln)
    }
}

/// The value of a new node, unless it is NaN or ±inf: the graph never holds a non-finite value
/// it made itself (its derivatives would be NaN too).
fn finite(op: Op, value: f64, operands: &[f64]) -> Result<f64> {
    if value.is_finite() {
        return Ok(value);
    }
    Err(crate::Error::NonFiniteOutput {
        what: format!("{op:?} of {operands:?} is {value}"),
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::names;
    use super::*;

    /// Every method taking a node refuses one from another graph, naming the argument, where the
    /// index-only handles of before would have read (or panicked on) the wrong node.
    #[test]
    fn nodes_of_another_graph_are_errors_naming_the_argument() -> Result<()> {
        let mut g = Graph::new();
        let mut other = Graph::new();
        let (a, b) = (g.input(1.0), g.input(2.0));
        for k in 0..5 {
            other.input(k as f64);
        }
        // `near` has index 5 in `other`, beyond g's 2 nodes; `first` has the index of `a`.
        let near = other.input(7.0);
        let first = Node {
            graph: other.lineage.id,
            index: 0,
        };
        for foreign in [near, first] {
            names(g.add(foreign, b).unwrap_err(), "x");
            names(g.add(a, foreign).unwrap_err(), "y");
            names(g.sub(a, foreign).unwrap_err(), "y");
            names(g.mul(foreign, a).unwrap_err(), "x");
            names(g.scale(foreign, 2.0).unwrap_err(), "x");
            names(g.sigmoid(foreign).unwrap_err(), "x");
            names(g.ln(foreign).unwrap_err(), "x");
            names(g.value(foreign).unwrap_err(), "node");
            names(g.backward(foreign).unwrap_err(), "output");
            names(g.backward(a)?.get(foreign).unwrap_err(), "node");
        }
        assert_eq!(g.len(), 2, "failed operations record nothing");
        assert_eq!(other.value(near)?, 7.0);
        Ok(())
    }
}

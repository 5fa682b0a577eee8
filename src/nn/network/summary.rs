//! A network's summary, like Keras' `model.summary()`: one row per layer, the cost and the
//! number of parameters, printed with `{}`.

use std::fmt;

use crate::{Float, Network};

/// The column titles, in order.
const HEADERS: [&str; 5] = ["layer", "W", "b", "activation", "parameters"];

impl<F: Float> fmt::Display for Network<F> {
    /// One line for the float type and n_x, one row per layer (l, the shapes of `W[l]` and
    /// `b[l]`, `g[l]`, its parameter count `n[l] (n[l−1] + 1)`), then the cost (with L2 and
    /// dropout when on) and the total number of parameters. Counts have thousands separators.
    ///
    /// ```
    /// use ndnet::{Activation, Initializer, Network};
    /// use ndnet::rand::SeedableRng;
    /// let mut rng = ndnet::rand::rngs::StdRng::seed_from_u64(0);
    /// let net = Network::<f64>::new(&[2, 4, 1], Activation::Tanh, Activation::Sigmoid, Initializer::Xavier, &mut rng)?;
    /// assert_eq!(net.to_string(), "\
    /// Network<f64>: n_x = 2, L = 2 layers
    /// layer  W       b       activation  parameters
    /// 1      (4, 2)  (4, 1)  tanh                12
    /// 2      (1, 4)  (1, 1)  sigmoid              5
    /// cost: binary_cross_entropy
    /// total parameters: 17
    /// ");
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rows: Vec<[String; 5]> = self
            .layers
            .iter()
            .enumerate()
            .map(|(i, layer)| {
                let (n, n_prev) = (layer.units(), layer.inputs());
                [
                    (i + 1).to_string(),
                    format!("({n}, {n_prev})"),
                    format!("({n}, 1)"),
                    layer.activation().to_string(),
                    thousands(n * (n_prev + 1)),
                ]
            })
            .collect();
        let width = |c: usize| {
            rows.iter()
                .map(|r| r[c].chars().count())
                .fold(HEADERS[c].len(), usize::max)
        };
        let widths: [usize; 5] = std::array::from_fn(width);
        writeln!(
            f,
            "Network<{}>: n_x = {}, L = {} layers",
            F::NAME,
            self.layers[0].inputs(),
            self.depth()
        )?;
        let headers = HEADERS.map(String::from);
        for row in std::iter::once(&headers).chain(&rows) {
            for c in 0..4 {
                write!(f, "{:<w$}  ", row[c], w = widths[c])?;
            }
            writeln!(f, "{:>w$}", row[4], w = widths[4])?;
        }
        write!(f, "cost: {}", self.cost.name())?;
        if self.l2 > 0.0 {
            write!(f, " + L2 (λ = {})", self.l2)?;
        }
        writeln!(f)?;
        if self.layers.iter().any(|layer| layer.keep_prob() < 1.0) {
            let keep: Vec<String> = self.layers.iter().map(|layer| layer.keep_prob().to_string()).collect();
            writeln!(f, "dropout keep_prob per layer: [{}]", keep.join(", "))?;
        }
        writeln!(f, "total parameters: {}", thousands(self.parameter_count()))
    }
}

/// `n` with a comma every three digits: 1234567 → "1,234,567".
pub(crate) fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Activation, Initializer};
    use rand::SeedableRng;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(241_345), "241,345");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    /// The course's deep cat network `[12288, 20, 7, 5, 1]`: 12288·20 + 20 = 245,780, 20·7 + 7 =
    /// 147, 7·5 + 5 = 40 and 5 + 1 = 6 parameters, 245,973 in all; with L2 and dropout shown.
    #[test]
    fn the_cat_network_with_l2_and_dropout() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let net = Network::<f32>::new(
            &[12288, 20, 7, 5, 1],
            Activation::Relu,
            Activation::Sigmoid,
            Initializer::He,
            &mut rng,
        )
        .unwrap()
        .with_l2(0.7)
        .unwrap()
        .with_dropout(&[0.8, 0.8, 1.0, 1.0], &mut rng)
        .unwrap();
        assert_eq!(
            net.to_string(),
            "\
Network<f32>: n_x = 12288, L = 4 layers
layer  W            b        activation  parameters
1      (20, 12288)  (20, 1)  relu           245,780
2      (7, 20)      (7, 1)   relu               147
3      (5, 7)       (5, 1)   relu                40
4      (1, 5)       (1, 1)   sigmoid              6
cost: binary_cross_entropy + L2 (λ = 0.7)
dropout keep_prob per layer: [0.8, 0.8, 1, 1]
total parameters: 245,973
"
        );
    }
}

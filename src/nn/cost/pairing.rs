//! Which cost belongs with which output activation: the default of every constructor, and the
//! pairings [`Network::with_cost`](crate::Network::with_cost) refuses.
//!
//! ```text
//! output      default cost               also accepted            refused
//! sigmoid     binary cross-entropy       mean squared error       categorical cross-entropy
//! softmax     categorical cross-entropy  mean squared error       binary cross-entropy
//! linear,     mean squared error         —                        both cross-entropies
//! tanh, ReLU,
//! leaky ReLU
//! custom      binary cross-entropy       every cost (your g, your choice)
//! ```
//!
//! Cross-entropy is the log-likelihood of a probability: binary cross-entropy needs each output
//! in (0, 1) (a sigmoid), categorical cross-entropy needs each column to be a distribution over
//! the classes (a softmax). Any other output makes it a number without meaning that training
//! still lowers, which is why such a pairing is an error rather than a silent choice.

use crate::{Activation, Cost, Error, Result};

impl Cost {
    /// The cost that belongs with an output activation, the one every [`Network`](crate::Network)
    /// constructor chooses: binary cross-entropy for a sigmoid, categorical cross-entropy for a
    /// softmax, mean squared error for a linear, tanh, ReLU or leaky ReLU output; binary
    /// cross-entropy, as before, for a custom output.
    ///
    /// ```
    /// use ndnet::{Activation, Cost};
    /// assert_eq!(Cost::for_output(Activation::Sigmoid), Cost::BinaryCrossEntropy);
    /// assert_eq!(Cost::for_output(Activation::Softmax), Cost::CategoricalCrossEntropy);
    /// assert_eq!(Cost::for_output(Activation::Linear), Cost::MeanSquaredError);
    /// ```
    pub fn for_output(output: Activation) -> Cost {
        match output {
            Activation::Sigmoid | Activation::Custom(_) => Cost::BinaryCrossEntropy,
            Activation::Softmax => Cost::CategoricalCrossEntropy,
            Activation::Linear | Activation::Tanh | Activation::Relu | Activation::LeakyRelu { .. } => {
                Cost::MeanSquaredError
            }
        }
    }

    /// Checks that this cost belongs with the output activation `output` of layer `l` (see the
    /// module's table); the error names the cost, the layer and its activation, and the cost to
    /// use instead.
    pub(crate) fn check_output(&self, output: Activation, l: usize) -> Result<()> {
        let fits = match self {
            Cost::MeanSquaredError => true,
            Cost::BinaryCrossEntropy => matches!(output, Activation::Sigmoid | Activation::Custom(_)),
            Cost::CategoricalCrossEntropy => matches!(output, Activation::Softmax | Activation::Custom(_)),
        };
        if fits {
            return Ok(());
        }
        let needs = match self {
            Cost::CategoricalCrossEntropy => "needs a softmax output (each column a distribution over the classes)",
            _ => "needs a sigmoid output (each unit a probability in (0, 1))",
        };
        let instead = match output {
            Activation::Softmax => "use Cost::CategoricalCrossEntropy (the default for softmax)".to_string(),
            Activation::Sigmoid => "use Cost::BinaryCrossEntropy (the default for sigmoid), \
                                    or a softmax output for one-hot classes"
                .to_string(),
            other => format!(
                "use Cost::MeanSquaredError (the default for {}), or a sigmoid or softmax output for classes",
                other.name()
            ),
        };
        Err(Error::InvalidArgument {
            argument: "cost",
            message: format!(
                "{} {needs}, but the output layer {l} is {}: {instead}",
                self.name(),
                output
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CustomActivation;

    const OUTPUTS: [Activation; 6] = [
        Activation::Sigmoid,
        Activation::Softmax,
        Activation::Linear,
        Activation::Tanh,
        Activation::Relu,
        Activation::LeakyRelu { slope: 0.01 },
    ];

    #[test]
    fn the_default_cost_of_every_output_is_accepted() {
        for output in OUTPUTS {
            Cost::for_output(output).check_output(output, 1).unwrap();
        }
    }

    /// The whole table of the module's docs, row by row.
    #[test]
    fn cross_entropy_is_refused_where_the_output_is_not_its_probability() {
        let accepted = |cost: Cost| -> Vec<bool> { OUTPUTS.map(|o| cost.check_output(o, 3).is_ok()).to_vec() };
        assert_eq!(accepted(Cost::MeanSquaredError), [true; 6]);
        assert_eq!(
            accepted(Cost::BinaryCrossEntropy),
            [true, false, false, false, false, false]
        );
        assert_eq!(
            accepted(Cost::CategoricalCrossEntropy),
            [false, true, false, false, false, false]
        );
        let custom = Activation::Custom(CustomActivation {
            name: "mine",
            g: |z| z,
            derivative: |_| 1.0,
        });
        for cost in [
            Cost::MeanSquaredError,
            Cost::BinaryCrossEntropy,
            Cost::CategoricalCrossEntropy,
        ] {
            assert!(cost.check_output(custom, 1).is_ok());
        }
    }

    #[test]
    fn the_error_names_the_cost_the_layer_and_what_to_use() {
        let text = |cost: Cost, output| cost.check_output(output, 3).unwrap_err().to_string();
        assert_eq!(
            text(Cost::BinaryCrossEntropy, Activation::Softmax),
            "cost: binary_cross_entropy needs a sigmoid output (each unit a probability in (0, 1)), but the \
             output layer 3 is softmax: use Cost::CategoricalCrossEntropy (the default for softmax)"
        );
        let sigmoid = text(Cost::CategoricalCrossEntropy, Activation::Sigmoid);
        assert!(
            sigmoid.contains("categorical_cross_entropy needs a softmax output"),
            "{sigmoid}"
        );
        assert!(sigmoid.contains("use Cost::BinaryCrossEntropy"), "{sigmoid}");
        let linear = text(Cost::BinaryCrossEntropy, Activation::Linear);
        assert!(linear.contains("is linear: use Cost::MeanSquaredError"), "{linear}");
    }
}

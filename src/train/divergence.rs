//! Where a diverging step first went non-finite: `Z[l]`, `A[l]`, the gradients or the parameters.
//!
//! [`Error::Diverged`](crate::Error::Diverged)'s `what` names the first matrix holding NaN or
//! ±inf in the order the step computed them: `Z[1]`, `A[1]`, `Z[2]`, `A[2]`, … `Z[L]`, `A[L]` in the forward
//! pass, then `dZ[L]`, `dW[L]`, `db[L]`, `dA[L−1]`, `dZ[L−1]`, … `db[1]` in the backward pass, then `W[1]`,
//! `b[1]`, … after the update; with how many entries are non-finite and where the first one is.
//! A cost that overflows from finite values (a squared error of 1e200) names the largest entry
//! of `A[L]`, or of `Z[L]` when the cost is computed from the logits (sigmoid or softmax with
//! cross-entropy).

use crate::base::check::{describe_non_finite as describe, largest};
use crate::{Float, Network};

impl<F: Float> Network<F> {
    /// Why a forward pass gave a non-finite cost: the first non-finite `Z[l]` or `A[l]`, else the
    /// cost overflowed from a finite `A[L]`, described by its largest entry.
    pub(super) fn non_finite_cost_culprit(&self, cost: f64) -> String {
        if let Some(culprit) = self.first_non_finite_activation() {
            return format!("{culprit} in the forward pass; the cost is {cost}");
        }
        let l = self.layers().len();
        // With sigmoid or softmax and cross-entropy the cost is computed from the logits Z[L].
        let logits = self.uses_sigmoid_cross_entropy();
        let output = self
            .layers()
            .last()
            .map(|layer| if logits { layer.z() } else { layer.a() });
        let name = if logits { format!("Z[{l}]") } else { format!("A[{l}]") };
        let culprit = output.map_or_else(|| name.clone(), |m| largest(&name, m));
        format!("the cost is {cost}: it overflowed from a finite {culprit} in the forward pass")
    }

    /// The first of `Z[1]`, `A[1]`, …, `Z[L]`, `A[L]` (as cached by the last forward pass) holding NaN
    /// or ±inf, described.
    pub(crate) fn first_non_finite_activation(&self) -> Option<String> {
        self.layers().iter().enumerate().find_map(|(i, layer)| {
            let l = i + 1;
            describe(|| format!("Z[{l}]"), layer.z()).or_else(|| describe(|| format!("A[{l}]"), layer.a()))
        })
    }

    /// The first of `dZ[L]`, `dW[L]`, `db[L]`, `dA[L−1]`, `dZ[L−1]`, …, `db[1]` (the order
    /// backpropagation computes them) holding NaN or ±inf, described; `dW[1]` only with
    /// `first_dw`.
    pub(crate) fn first_non_finite_gradient(&self, first_dw: bool) -> Option<String> {
        self.layers().iter().enumerate().rev().find_map(|(i, layer)| {
            let l = i + 1;
            describe(|| format!("dZ[{l}]"), layer.dz())
                .or_else(|| match l > 1 || first_dw {
                    true => describe(|| format!("dW[{l}]"), layer.dw()),
                    false => None,
                })
                .or_else(|| describe(|| format!("db[{l}]"), layer.db()))
                .or_else(|| match l {
                    1 => None,
                    _ => describe(|| format!("dA[{}]", l - 1), layer.da_prev_view()),
                })
        })
    }

    /// Training starts from finite parameters only (one written through
    /// [`Dense::parameters_mut`](crate::Dense::parameters_mut) may not be): otherwise a
    /// divergence could not restore finite ones.
    pub(super) fn check_parameters(&self) -> crate::Result<()> {
        match self.first_non_finite_parameter(true) {
            None => Ok(()),
            Some(what) => Err(crate::Error::InvalidArgument {
                argument: "network",
                message: format!("training needs finite parameters, but {what}"),
            }),
        }
    }

    /// The first of `W[1]`, `b[1]`, …, `W[L]`, `b[L]` holding NaN or ±inf, described; `W[1]`
    /// only with `first_w`.
    pub(super) fn first_non_finite_parameter(&self, first_w: bool) -> Option<String> {
        self.layers().iter().enumerate().find_map(|(i, layer)| {
            let l = i + 1;
            let w = match l > 1 || first_w {
                true => describe(|| format!("W[{l}]"), layer.w()),
                false => None,
            };
            w.or_else(|| describe(|| format!("b[{l}]"), layer.b()))
        })
    }
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use super::*;

    #[test]
    fn describes_the_count_and_the_first_entry_in_row_major_order() {
        let m = array![[1.0, 2.0, f64::NAN], [f64::INFINITY, 0.0, f64::NEG_INFINITY]];
        assert_eq!(
            describe(|| "Z[2]".to_string(), m.view()).unwrap(),
            "Z[2] has 3 non-finite entries (first at row 0, column 2: NaN)"
        );
        let one = array![[0.0f32], [f32::INFINITY]];
        assert_eq!(
            describe(|| "dW[1]".to_string(), one.view()).unwrap(),
            "dW[1] has 1 non-finite entry (first at row 1, column 0: inf)"
        );
        assert_eq!(describe(|| "A[1]".to_string(), array![[1.0, -1e300]].view()), None);
        assert_eq!(
            largest("A[2]", array![[1.0, -1e300], [3.0, 1e299]].view()),
            "A[2] (largest magnitude 1.000e300 at row 0, column 1)"
        );
    }
}

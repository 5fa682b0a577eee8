//! A copy of the parameters kept in memory while training, to go back to when an update
//! overflows a parameter, so that every parameter is finite after an error.

use ndarray::Array2;

use crate::{Float, Network};

/// A copy of every `W[l]`, `b[l]` (buffers allocated once), to go back to when an update
/// overflows a parameter.
#[derive(Clone, Debug)]
pub(crate) struct Backup<F> {
    parameters: Vec<(Array2<F>, Array2<F>)>,
    /// The iteration the copy was taken before.
    pub(super) iteration: usize,
}

impl<F> Default for Backup<F> {
    /// No copy yet: the buffers are allocated by the first [`Backup::save`].
    fn default() -> Self {
        Backup {
            parameters: Vec::new(),
            iteration: 0,
        }
    }
}

impl<F: Float> Backup<F> {
    pub(super) fn of(net: &Network<F>) -> Self {
        let mut backup = Self::default();
        backup.save(net, 0);
        backup
    }

    /// Copies the parameters, allocating the buffers only when the layer shapes changed.
    pub(super) fn save(&mut self, net: &Network<F>, iteration: usize) {
        let fits = self.parameters.len() == net.depth()
            && self
                .parameters
                .iter()
                .zip(net.layers())
                .all(|((w, b), layer)| w.dim() == layer.w().dim() && b.dim() == layer.b().dim());
        if fits {
            for ((w, b), layer) in self.parameters.iter_mut().zip(net.layers()) {
                w.assign(&layer.w());
                b.assign(&layer.b());
            }
        } else {
            self.parameters = net
                .layers()
                .iter()
                .map(|l| (l.w().to_owned(), l.b().to_owned()))
                .collect();
        }
        self.iteration = iteration;
    }

    pub(super) fn restore(&self, net: &mut Network<F>) {
        for ((w, b), layer) in self.parameters.iter().zip(net.layers_mut()) {
            let (mut w_now, mut b_now) = layer.parameters_mut();
            w_now.assign(w);
            b_now.assign(b);
        }
    }
}

//! Per-parameter optimizer state and the checks shared by the optimizers' configs.

use crate::{Error, Result};

/// State per parameter, indexed by [`ParamId::index`](super::ParamId::index): `None` until the
/// parameter's first update.
pub(crate) type Slots<S> = Vec<Option<S>>;

/// The state of parameter `index`, made by `make` at its first update (or if `fits` says the
/// parameter's shape changed, e.g. the optimizer was moved to another network); after that the
/// same buffers are returned and nothing is allocated.
pub(crate) fn slot<S>(
    slots: &mut Slots<S>,
    index: usize,
    fits: impl Fn(&S) -> bool,
    make: impl FnOnce() -> S,
) -> &mut S {
    if slots.len() <= index {
        slots.resize_with(index + 1, || None);
    }
    let entry = &mut slots[index];
    if !entry.as_ref().is_some_and(fits) {
        *entry = Some(make());
    }
    entry.as_mut().expect("the entry was filled just above")
}

/// Checks a decay rate β: finite and in [0, 1).
pub(crate) fn check_beta(name: &'static str, value: f64) -> Result<()> {
    if value.is_finite() && (0.0..1.0).contains(&value) {
        Ok(())
    } else {
        Err(Error::InvalidHyperparameter {
            name,
            value,
            reason: "must be at least 0 and less than 1",
        })
    }
}

/// Checks ε: finite and positive.
pub(crate) fn check_epsilon(value: f64) -> Result<()> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(Error::InvalidHyperparameter {
            name: "epsilon",
            value,
            reason: "must be finite and greater than 0",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_made_once_and_remade_when_the_shape_changes() {
        let mut slots: Slots<Vec<u8>> = Vec::new();
        let mut made = 0;
        for len in [2, 2, 3] {
            let s = slot(
                &mut slots,
                3,
                |s| s.len() == len,
                || {
                    made += 1;
                    vec![0; len]
                },
            );
            assert_eq!(s.len(), len);
        }
        assert_eq!(made, 2);
        assert_eq!(slots.len(), 4);
    }

    #[test]
    fn beta_and_epsilon_ranges() {
        assert!(check_beta("beta", 0.0).is_ok());
        assert!(check_beta("beta", 0.999).is_ok());
        for bad in [1.0, -0.1, f64::NAN, f64::INFINITY] {
            assert!(check_beta("beta", bad).is_err(), "{bad}");
        }
        assert!(check_epsilon(1e-8).is_ok());
        for bad in [0.0, -1e-8, f64::NAN] {
            assert!(check_epsilon(bad).is_err(), "{bad}");
        }
    }
}

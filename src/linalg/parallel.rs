//! Element-wise loops over long slices, split between the threads of the matrix products'
//! [`pool`](super::pool): an optimizer's update of a large layer (the 100,352 weights of a
//! 784 → 128 layer take about 100 µs per Adam step on one core) runs on every core.

use std::sync::Mutex;

use super::pool;
use super::threads::{MAX_PARTS, num_threads};

/// Loops over fewer elements than this run on the calling thread: handing a piece to a worker
/// costs a few microseconds.
const PARALLEL_MIN_ELEMENTS: usize = 32 * 1024;

/// Pieces start at multiples of this many elements (a 64-byte cache line of f32), so that no
/// two threads write to the same line.
const ALIGN: usize = 16;

/// Equally long slices (or tuples of them) that can be cut at the same index and handed to
/// different threads.
pub(crate) trait Slices: Send + Sized {
    /// The length of each slice.
    fn len(&self) -> usize;
    /// The first `mid` elements of each slice, and the rest.
    fn split_at(self, mid: usize) -> (Self, Self);
}

impl<T: Send> Slices for &mut [T] {
    fn len(&self) -> usize {
        <[T]>::len(self)
    }
    fn split_at(self, mid: usize) -> (Self, Self) {
        self.split_at_mut(mid)
    }
}

impl<T: Sync> Slices for &[T] {
    fn len(&self) -> usize {
        <[T]>::len(self)
    }
    fn split_at(self, mid: usize) -> (Self, Self) {
        <[T]>::split_at(self, mid)
    }
}

impl<A: Slices, B: Slices, C: Slices> Slices for (A, B, C) {
    fn len(&self) -> usize {
        let len = self.0.len();
        assert!(
            self.1.len() == len && self.2.len() == len,
            "an element-wise loop over slices of different lengths"
        );
        len
    }
    fn split_at(self, mid: usize) -> (Self, Self) {
        let ((a0, a1), (b0, b1), (c0, c1)) = (self.0.split_at(mid), self.1.split_at(mid), self.2.split_at(mid));
        ((a0, b0, c0), (a1, b1, c1))
    }
}

impl<A: Slices, B: Slices, C: Slices, D: Slices> Slices for (A, B, C, D) {
    fn len(&self) -> usize {
        let len = self.0.len();
        assert!(
            self.1.len() == len && self.2.len() == len && self.3.len() == len,
            "an element-wise loop over slices of different lengths"
        );
        len
    }
    fn split_at(self, mid: usize) -> (Self, Self) {
        let ((a0, b0, c0), (a1, b1, c1)) = (self.0, self.1, self.2).split_at(mid);
        let (d0, d1) = self.3.split_at(mid);
        ((a0, b0, c0, d0), (a1, b1, c1, d1))
    }
}

/// Runs `f` on pieces of `data` that together cover it once, at the same time on
/// [`num_threads`] threads when the slices are long enough, else on the calling thread. For
/// element-wise work the result does not depend on the split.
///
/// # Panics
/// If the slices of a tuple differ in length, or `f` panics.
pub(crate) fn for_each_part<S: Slices>(data: S, f: impl Fn(S) + Sync) {
    split_between_threads(data, 1, ALIGN, f);
}

/// [`for_each_part`] for data each unit of whose length stands for `weight` elements (a column
/// of n_x values), cut between units only: whether to split counts the elements.
///
/// # Panics
/// As [`for_each_part`].
pub(crate) fn for_each_part_weighted<S: Slices>(data: S, weight: usize, f: impl Fn(S) + Sync) {
    split_between_threads(data, weight, 1, f);
}

/// Splits `data` into pieces starting at multiples of `align` units, one per thread when its
/// `weight` elements per unit are enough, and runs `f` on each.
fn split_between_threads<S: Slices>(data: S, weight: usize, align: usize, f: impl Fn(S) + Sync) {
    let len = data.len();
    let elements = len.saturating_mul(weight);
    let parts = if elements >= PARALLEL_MIN_ELEMENTS {
        num_threads()
            .min(elements / (PARALLEL_MIN_ELEMENTS / 2))
            .min(MAX_PARTS)
            .min(len.div_ceil(align))
    } else {
        1
    };
    if parts <= 1 {
        return f(data);
    }
    let units = len.div_ceil(align);
    let boundary = |t: usize| (units * t / parts * align).min(len);
    let work: [Mutex<Option<S>>; MAX_PARTS] = std::array::from_fn(|_| Mutex::new(None));
    let mut rest = data;
    for (t, slot) in work[..parts].iter().enumerate() {
        let (piece, tail) = rest.split_at(boundary(t + 1) - boundary(t));
        *pool::lock(slot) = Some(piece);
        rest = tail;
    }
    pool::run(parts, &|t| {
        if let Some(piece) = pool::lock(&work[t]).take() {
            f(piece);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_element_is_visited_once_whatever_the_length() {
        for len in [0, 1, 17, PARALLEL_MIN_ELEMENTS - 1, PARALLEL_MIN_ELEMENTS, 100_003] {
            let source: Vec<u32> = (0..len as u32).collect();
            let mut doubled = vec![0u32; len];
            let mut counts = vec![0u8; len];
            for_each_part((&mut doubled[..], &mut counts[..], &source[..]), |(d, c, s)| {
                for ((d, c), &s) in d.iter_mut().zip(c).zip(s) {
                    *d = 2 * s;
                    *c += 1;
                }
            });
            assert!(counts.iter().all(|&c| c == 1), "len {len}");
            assert!(doubled.iter().enumerate().all(|(i, &d)| d == 2 * i as u32), "len {len}");
        }
    }

    #[test]
    #[should_panic(expected = "different lengths")]
    fn slices_of_different_lengths_are_refused() {
        let (mut a, mut b, c, d) = (vec![0.0; 4], vec![0.0; 4], vec![0.0; 4], vec![0.0; 3]);
        for_each_part((&mut a[..], &mut b[..], &c[..], &d[..]), |_| ());
    }
}

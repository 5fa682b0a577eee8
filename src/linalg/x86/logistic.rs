//! The fused pass of logistic regression over a block of rows of X (see
//! `crate::train::paths::fused_logistic`): for each feature j,
//!
//! ```text
//! dw_j = (1/m) X_j · dZ;   w_j := w_j − α dw_j;   Z_part += w_j X_j
//! ```
//!
//! Rows are taken `ROWS` at a time: their dot products with dZ share each load of dZ and run
//! as independent chains of fused multiply-adds, and Z_part is loaded and stored once for all
//! of them while the rows are still in L1. X is read from memory once per iteration.

/// Generates `logistic_pass` inside a kernel module (see [`super`]).
macro_rules! logistic_kernel {
    ($t:ty, $v:ty, $setzero:ident, $loadu:ident, $storeu:ident, $set1:ident, $add:ident, $fmadd:ident, $hsum:path) => {
        /// Rows of X handled together by the fused logistic-regression pass.
        const ROWS: usize = 8;
        /// Vector accumulators of each dot product (independent chains of multiply-adds).
        const ACC: usize = 4;

        /// The fused logistic-regression pass over the rows of `x` (see the module
        /// `linalg::x86::logistic`): dW, the update of w and the partial next Z.
        ///
        /// # Panics
        /// If the CPU lacks AVX2 or FMA, if the lengths do not fit `x`, or if its rows are not
        /// contiguous (m > 1 and column stride ≠ 1): programming errors of the caller
        /// (`crate::train::paths::fused_logistic`, which only takes X in standard layout). Any row
        /// stride is accepted; `w`, `dw` and `z_part` cannot overlap (distinct `&mut`).
        pub(crate) fn logistic_pass(
            x: ArrayView2<$t>,
            dz: &[$t],
            inv_m: $t,
            alpha: $t,
            w: &mut [$t],
            dw: &mut [$t],
            z_part: &mut [$t],
        ) {
            let (n, m) = x.dim();
            assert!(
                available(),
                "logistic_pass is only handed out on CPUs with AVX2 and FMA"
            );
            assert!(
                dz.len() == m && z_part.len() == m && w.len() == n && dw.len() == n,
                "logistic_pass: X is {:?}, dZ has {}, Z_part {}, w {} and dW {} elements",
                x.dim(),
                dz.len(),
                z_part.len(),
                w.len(),
                dw.len()
            );
            assert!(
                m <= 1 || x.strides()[1] == 1,
                "logistic_pass: the rows of X must be contiguous, its strides are {:?}",
                x.strides()
            );
            let (x_p, rs) = (x.as_ptr(), x.strides()[0]);
            let mut j = 0;
            while j < n {
                let rows = if n - j >= ROWS { ROWS } else { 1 };
                let row0 = x_p.wrapping_offset(j as isize * rs);
                let (w, dw) = (&mut w[j..j + rows], &mut dw[j..j + rows]);
                // SAFETY: rows j..j+rows of X exist and hold m contiguous elements each; the
                // CPU has AVX2 and FMA (asserted above).
                unsafe {
                    if rows == ROWS {
                        logistic_rows::<ROWS>(row0, rs, dz, inv_m, alpha, w, dw, z_part)
                    } else {
                        logistic_rows::<1>(row0, rs, dz, inv_m, alpha, w, dw, z_part)
                    }
                }
                j += rows;
            }
        }

        /// The fused pass over R rows starting at `x` (row stride `rs`).
        ///
        /// # Safety
        /// Rows r < R must hold `dz.len()` contiguous readable elements; `w` and `dw` have
        /// R elements and `z_part` as many as `dz`.
        #[target_feature(enable = "avx2,fma")]
        #[allow(clippy::too_many_arguments)]
        unsafe fn logistic_rows<const R: usize>(
            x: *const $t,
            rs: isize,
            dz: &[$t],
            inv_m: $t,
            alpha: $t,
            w: &mut [$t],
            dw: &mut [$t],
            z_part: &mut [$t],
        ) {
            let m = dz.len();
            let full = m - m % W;
            let row = |r: usize| x.wrapping_offset(r as isize * rs);
            // The rows are read one after the other, in memory order: the hardware prefetcher
            // then sees one long stream (reading R short rows side by side halved the rate).
            let mut sums = [0.0; R];
            for (r, sum) in sums.iter_mut().enumerate() {
                let mut acc = [$setzero(); ACC];
                let mut k = 0;
                while k + ACC * W <= full {
                    for (a, acc) in acc.iter_mut().enumerate() {
                        let p = k + a * W;
                        // SAFETY: p + W ≤ m elements of dZ and of the row.
                        *acc = unsafe { $fmadd($loadu(row(r).add(p)), $loadu(dz.as_ptr().add(p)), *acc) };
                    }
                    k += ACC * W;
                }
                while k < full {
                    // SAFETY: k + W ≤ m elements of dZ and of the row.
                    acc[0] = unsafe { $fmadd($loadu(row(r).add(k)), $loadu(dz.as_ptr().add(k)), acc[0]) };
                    k += W;
                }
                let acc = $add($add(acc[0], acc[1]), $add(acc[2], acc[3]));
                *sum = $hsum(acc);
                for k in full..m {
                    // SAFETY: k < m.
                    *sum += unsafe { *row(r).add(k) } * dz[k];
                }
            }
            let mut wv = [$setzero(); R];
            for (r, sum) in sums.into_iter().enumerate() {
                dw[r] = sum * inv_m;
                w[r] -= alpha * dw[r];
                wv[r] = $set1(w[r]);
            }
            let z = z_part.as_mut_ptr();
            for k in (0..full).step_by(W) {
                // SAFETY: k + W ≤ m elements of Z_part and of every row.
                unsafe {
                    let mut zv = $loadu(z.add(k));
                    for (r, &wv) in wv.iter().enumerate() {
                        zv = $fmadd($loadu(row(r).add(k)), wv, zv);
                    }
                    $storeu(z.add(k), zv);
                }
            }
            for k in full..m {
                for r in 0..R {
                    // SAFETY: k < m.
                    z_part[k] = unsafe { *row(r).add(k) }.mul_add(w[r], z_part[k]);
                }
            }
        }
    };
}

//! The dot kernel: C = α A·Bᵀ + β C from rows of A and rows of Bᵗ (the (N, K) matrix `bt`),
//! both contiguous.
//!
//! A register tile of 4 rows of A × 3 rows of Bᵗ keeps 12 vector accumulators along K and
//! reduces them at the end with the one horizontal sum of its type, so each row of Bᵗ is read
//! from memory once for all rows of A, and each element of C is reduced in the same order
//! whichever tile computes it. The last partial vector of a row uses masked loads. K is cut in
//! blocks of a multiple of the vector width so that a block of A stays in L2.

/// Generates `dot` and its helpers inside a kernel module (see [`super`]).
macro_rules! dot_kernel {
    ($t:ty, $v:ty, features: $feat:literal, mask: $mty:ty, blocks: ($dkc:expr, $dmc:expr), $setzero:ident, $loadu:ident, $fmadd:ident, $maskload:ident, $hsum:path) => {
        /// Rows of Bᵗ in a dot register tile.
        const NB: usize = 3;

        /// `Σ_p A[r, p] Bᵗ[j, p]` over kc for R rows of A and J rows of Bᵗ.
        ///
        /// # Safety
        /// Rows r < R of `a` (row stride `a_rs`) and j < J of `bt` (row stride `bt_rs`)
        /// must hold kc contiguous readable elements each.
        #[target_feature(enable = $feat)]
        unsafe fn dot_tile<const R: usize, const J: usize>(
            kc: usize,
            a: *const $t,
            a_rs: isize,
            bt: *const $t,
            bt_rs: isize,
            out: &mut [[$t; NB]; MR],
        ) {
            let mut acc = [[$setzero(); J]; R];
            let full = kc - kc % W;
            for p in (0..full).step_by(W) {
                // SAFETY: p + W ≤ kc elements of every row.
                unsafe { dot_step::<R, J, false>(a.add(p), a_rs, bt.add(p), bt_rs, mask(W), &mut acc) };
            }
            if full < kc {
                // SAFETY: the lanes past kc are masked off.
                unsafe { dot_step::<R, J, true>(a.add(full), a_rs, bt.add(full), bt_rs, mask(kc - full), &mut acc) };
            }
            for (row, acc) in out.iter_mut().zip(&acc) {
                for (o, &acc) in row.iter_mut().zip(acc) {
                    *o = $hsum(acc);
                }
            }
        }

        /// One column of C when B has a single column (a matrix-vector product): R rows of A
        /// against B over all of `k`, in two sets of accumulators taking alternate vectors, so
        /// that 2R independent chains of multiply-adds hide the latency of each (with R
        /// chains alone the FMA units wait on each other half the time).
        ///
        /// # Safety
        /// Rows r < R of `a` (row stride `a_rs`) and `b` must hold `k` readable elements each.
        #[target_feature(enable = $feat)]
        unsafe fn matvec_tile<const R: usize>(
            k: usize,
            a: *const $t,
            a_rs: isize,
            b: *const $t,
            out: &mut [[$t; NB]; MR],
        ) {
            let (mut even, mut odd) = ([[$setzero(); 1]; R], [[$setzero(); 1]; R]);
            let full = k - k % W;
            let pairs = full - full % (2 * W);
            for p in (0..pairs).step_by(2 * W) {
                // SAFETY: p + 2W ≤ k elements of every row.
                unsafe { dot_step::<R, 1, false>(a.add(p), a_rs, b.add(p), 0, mask(W), &mut even) };
                // SAFETY: as above.
                unsafe { dot_step::<R, 1, false>(a.add(p + W), a_rs, b.add(p + W), 0, mask(W), &mut odd) };
            }
            if pairs < full {
                // SAFETY: pairs + W = full ≤ k.
                unsafe { dot_step::<R, 1, false>(a.add(pairs), a_rs, b.add(pairs), 0, mask(W), &mut even) };
            }
            if full < k {
                // SAFETY: the lanes past k are masked off.
                unsafe { dot_step::<R, 1, true>(a.add(full), a_rs, b.add(full), 0, mask(k - full), &mut odd) };
            }
            for ((row, even), odd) in out.iter_mut().zip(&even).zip(&odd) {
                row[0] = $hsum(even[0]) + $hsum(odd[0]);
            }
        }

        /// `acc[r][j] += A[r, p..p+W] ⊙ Bᵗ[j, p..p+W]`, lanes outside `m` skipped when `MASKED`.
        ///
        /// # Safety
        /// W elements (the masked-off ones excepted) must be readable from `a` + r·`a_rs`
        /// and `bt` + j·`bt_rs` for r < R, j < J.
        #[target_feature(enable = $feat)]
        unsafe fn dot_step<const R: usize, const J: usize, const MASKED: bool>(
            a: *const $t,
            a_rs: isize,
            bt: *const $t,
            bt_rs: isize,
            m: $mty,
            acc: &mut [[$v; J]; R],
        ) {
            let mut bv = [$setzero(); J];
            for (j, bv) in bv.iter_mut().enumerate() {
                let ptr = bt.wrapping_offset(j as isize * bt_rs);
                // SAFETY: the caller's contract.
                *bv = unsafe { if MASKED { $maskload(ptr, m) } else { $loadu(ptr) } };
            }
            for (r, acc) in acc.iter_mut().enumerate() {
                let ptr = a.wrapping_offset(r as isize * a_rs);
                // SAFETY: the caller's contract.
                let av = unsafe { if MASKED { $maskload(ptr, m) } else { $loadu(ptr) } };
                for (acc, &bv) in acc.iter_mut().zip(&bv) {
                    *acc = $fmadd(av, bv, *acc);
                }
            }
        }

        /// C = α A·Bᵀ + β C with A and `bt` = Bᵀ of unit column stride, any strides for C and
        /// any row strides (zero and negative included).
        ///
        /// # Panics
        /// If the CPU lacks the kernel's features, if k = 0, if the shapes do not fit, or if a row of A
        /// or of `bt` is not contiguous (k > 1 and column stride ≠ 1): programming errors of the
        /// caller ([`crate::linalg::gemm`] only picks this kernel for such views). The raw reads
        /// below rely on exactly these.
        pub(crate) fn dot(alpha: $t, a: ArrayView2<$t>, bt: ArrayView2<$t>, beta: $t, mut c: ArrayViewMut2<$t>) {
            let ((m, k), n) = (a.dim(), bt.nrows());
            assert!(available(), "the dot kernel needs {}", $feat);
            assert!(
                k > 0 && bt.ncols() == k && c.dim() == (m, n),
                "dot kernel: A {:?}, Bᵀ {:?} and C {:?} do not fit (or k = 0)",
                a.dim(),
                bt.dim(),
                c.dim()
            );
            assert!(
                k == 1 || (a.strides()[1] == 1 && bt.strides()[1] == 1),
                "dot kernel: the rows of A and Bᵀ must be contiguous, their strides are {:?} and {:?}",
                a.strides(),
                bt.strides()
            );
            let (a_p, a_rs) = (a.as_ptr(), a.strides()[0]);
            let (b_p, b_rs) = (bt.as_ptr(), bt.strides()[0]);
            let (c_p, c_s) = (c.as_mut_ptr(), (c.strides()[0], c.strides()[1]));
            let mut out = [[0.0; NB]; MR];
            if n == 1 {
                // A matrix-vector product: B stays in cache, A is read once, row tile by tile.
                for ir in (0..m).step_by(MR) {
                    let rows = MR.min(m - ir);
                    let a_t = a_p.wrapping_offset(ir as isize * a_rs);
                    // SAFETY: rows ir..ir + rows of A and the one row of Bᵀ hold k contiguous
                    // elements each (asserted above; k = 1 reads one element of each).
                    unsafe {
                        match rows {
                            4 => matvec_tile::<4>(k, a_t, a_rs, b_p, &mut out),
                            3 => matvec_tile::<3>(k, a_t, a_rs, b_p, &mut out),
                            2 => matvec_tile::<2>(k, a_t, a_rs, b_p, &mut out),
                            _ => matvec_tile::<1>(k, a_t, a_rs, b_p, &mut out),
                        }
                    };
                    // SAFETY: rows ir..ir + rows of C's one column, borrowed mutably; the CPU has
                    // the kernel's features (asserted above).
                    unsafe { write_back(&out[..rows], 1, alpha, beta, c_p.offset(ir as isize * c_s.0), c_s) };
                }
                return;
            }
            for pc in (0..k).step_by($dkc) {
                let kc = ($dkc).min(k - pc);
                let beta = if pc == 0 { beta } else { 1.0 };
                for ic in (0..m).step_by($dmc) {
                    let mc = ($dmc).min(m - ic);
                    for jr in (0..n).step_by(NB) {
                        let cols = NB.min(n - jr);
                        // Ask for the next tile's rows of Bᵗ now: the loads of this one otherwise
                        // wait on memory (prefetching never faults, wherever it points).
                        for j in jr + NB..(jr + 2 * NB).min(n) {
                            let row = b_p.wrapping_offset(j as isize * b_rs + pc as isize);
                            for q in (0..kc).step_by(64 / std::mem::size_of::<$t>()) {
                                // SAFETY: SSE is part of x86_64; a prefetch reads nothing.
                                unsafe { _mm_prefetch::<_MM_HINT_T0>(row.wrapping_add(q).cast()) };
                            }
                        }
                        for ir in (ic..ic + mc).step_by(MR) {
                            let rows = MR.min(ic + mc - ir);
                            let (ir, jr, pc) = (ir as isize, jr as isize, pc as isize);
                            let a_t = a_p.wrapping_offset(ir * a_rs + pc);
                            let b_t = b_p.wrapping_offset(jr * b_rs + pc);
                            // SAFETY: rows ir..ir+rows of A and jr..jr+cols of Bᵗ exist and
                            // hold elements pc..pc+kc, contiguous; the CPU has the kernel's
                            // features.
                            unsafe { tile_match!((rows, cols), dot_tile(kc, a_t, a_rs, b_t, b_rs, &mut out)) };
                            // SAFETY: the (rows, cols) block at (ir, jr) lies inside C; the CPU has
                            // the kernel's features.
                            unsafe {
                                write_back(
                                    &out[..rows],
                                    cols,
                                    alpha,
                                    beta,
                                    c_p.offset(ir * c_s.0 + jr * c_s.1),
                                    c_s,
                                )
                            };
                        }
                    }
                }
            }
        }
    };
}

//! The broadcast kernel: C = α A·B + β C for B with contiguous rows, any strides for A and C.
//!
//! GotoBLAS-style blocking on packed operands, with the packing buffers on the stack: for each
//! block of KC steps of the reduction, a block of MC rows of A is packed (tiles of BR rows,
//! interleaved along p) to stay in L2, then a block of NC columns of B is packed, read row
//! after row (sequential in memory, with software prefetch), into zero-padded micro-panels of
//! KC × NR; each micro-panel stays in L1 (or, for the longest f32 blocks on AVX-512, in L2,
//! read at a fraction of its bandwidth) while every row tile of the A block passes over it.
//! With AVX2 the register tile holds BR × NV vector accumulators: 6 × 2 for f32 (12 of the 16
//! ymm registers, with 2 vectors of B and a broadcast: 1–4 % faster than 5 × 2 on
//! 128 × 784 · 784 × 5,000, without spilling) and 5 × 2 for f64 (whose course-sized products,
//! 20 rows, measured slower at 6 × 2); a 4 × 3 tile needs all 16 and the compiler spilled one
//! accumulator, which put a store-forward in the FMA chain and halved the speed. Each step
//! broadcasts BR elements of A against NV vectors of B. AVX-512's 32 zmm registers hold a
//! 12 × 2 tile. Packing makes the access pattern independent of A's and B's strides
//! (power-of-two strides otherwise thrash the caches).
//!
//! Zero padding only adds lanes nobody reads back, so every element of C is the same sequence
//! of fused multiply-adds whatever tile or thread computes it. A step whose row of a B panel is
//! all zero is skipped when the packed A block is finite: it would add exactly +0 (see
//! `live_steps`), so the skip changes no bit, whichever columns share a panel.

/// Generates `broadcast` and its helpers inside a kernel module (see [`super`]).
macro_rules! broadcast_kernel {
    ($t:ty, features: $feat:literal, tile: ($mr:expr, $nv:expr), blocks: ($kc:expr, $mc:expr, $nc:expr), $setzero:ident, $loadu:ident, $storeu:ident, $bcast:ident, $fmadd:ident) => {
        /// Rows of C in a register tile.
        const BR: usize = $mr;
        /// Vectors of columns of C in a register tile.
        const NV: usize = $nv;
        /// Columns of C in a register tile.
        pub(crate) const NR: usize = NV * W;
        /// Reduction steps per block: C is read and written once per block; a packed
        /// micro-panel of B (KC × NR) stays in L1 or L2.
        pub(crate) const KC: usize = $kc;
        /// Rows of A per packed block (a multiple of BR): MC × KC fits in L2.
        const MC: usize = $mc;
        /// Columns of B per packed block (a multiple of NR): KC × NC fits in L2.
        const NC: usize = $nc;

        /// Stack storage aligned on a cache line.
        #[repr(C, align(64))]
        struct Aligned<const N: usize>([std::mem::MaybeUninit<$t>; N]);

        /// Packs the (mc, kc) block `a` as ⌈mc/BR⌉ tiles of (kc, BR), rows past mc zero.
        fn pack_a(a: ArrayView2<$t>, dst: &mut [std::mem::MaybeUninit<$t>]) {
            let (mc, kc) = a.dim();
            if kc == 1 || a.strides()[1] == 1 {
                // Rows contiguous (W in Z = W·A).
                for (t, rows) in a.axis_chunks_iter(ndarray::Axis(0), BR).enumerate() {
                    interleave::<BR>(rows, &mut dst[t * BR * kc..]);
                }
            } else if mc > 1 && a.strides()[0] == 1 {
                // Columns contiguous (Wᵀ in dA = Wᵀ·dZ): column p cut into the tiles' slots of
                // step p.
                for (p, column) in a.columns().into_iter().enumerate() {
                    let column = column.to_slice().expect("a column of stride 1 is a slice");
                    for (t, chunk) in column.chunks(BR).enumerate() {
                        let (head, tail) = dst[t * BR * kc + p * BR..][..BR].split_at_mut(chunk.len());
                        for (slot, &v) in head.iter_mut().zip(chunk) {
                            slot.write(v);
                        }
                        for slot in tail {
                            slot.write(0.0);
                        }
                    }
                }
            } else {
                for (r, row) in a.rows().into_iter().enumerate() {
                    let tile = &mut dst[(r / BR) * BR * kc..];
                    for (slot, &v) in tile[r % BR..].iter_mut().step_by(BR).zip(row) {
                        slot.write(v);
                    }
                }
                for r in mc..mc.next_multiple_of(BR) {
                    let tile = &mut dst[(r / BR) * BR * kc..(r / BR + 1) * BR * kc];
                    for slot in tile[r % BR..].iter_mut().step_by(BR) {
                        slot.write(0.0);
                    }
                }
            }
        }

        /// Packs the (kc, nc) block `b` as ⌈nc/NR⌉ panels of (kc, NR), columns past nc zero,
        /// reading B row after row (sequentially in memory for a row-major B).
        fn pack_b(b: ArrayView2<$t>, dst: &mut [std::mem::MaybeUninit<$t>]) {
            let (kc, nc) = b.dim();
            if kc > 1 && b.strides()[0] == 1 {
                return pack_b_columns(b, dst);
            }
            let (b_p, b_rs) = (b.as_ptr(), b.strides()[0]);
            for (p, row) in b.rows().into_iter().enumerate() {
                // Ask for row p + 8 now: the hardware prefetcher alone leaves the copy waiting
                // on memory (prefetching never faults, wherever it points).
                if p + 8 < kc {
                    let ahead = b_p.wrapping_offset((p + 8) as isize * b_rs);
                    for j in (0..nc).step_by(64 / std::mem::size_of::<$t>()) {
                        // SAFETY: SSE is part of x86_64; a prefetch reads nothing.
                        unsafe { _mm_prefetch::<_MM_HINT_T0>(ahead.wrapping_add(j).cast()) };
                    }
                }
                match row.as_slice() {
                    Some(row) => {
                        let (full, rest) = row.split_at(row.len() - row.len() % NR);
                        for (t, chunk) in full.chunks_exact(NR).enumerate() {
                            // Fixed length: copied with vector moves, not a memcpy call.
                            let slots: &mut [_; NR] = (&mut dst[t * kc * NR + p * NR..][..NR])
                                .try_into()
                                .expect("a slice of NR elements");
                            let chunk: &[$t; NR] = chunk.try_into().expect("an exact chunk of NR elements");
                            for (slot, &v) in slots.iter_mut().zip(chunk) {
                                slot.write(v);
                            }
                        }
                        if !rest.is_empty() {
                            let t = full.len() / NR;
                            let (head, tail) = dst[t * kc * NR + p * NR..][..NR].split_at_mut(rest.len());
                            for (slot, &v) in head.iter_mut().zip(rest) {
                                slot.write(v);
                            }
                            for slot in tail {
                                slot.write(0.0);
                            }
                        }
                    }
                    // A row of one element with another stride.
                    None => {
                        for (j, &v) in row.iter().enumerate() {
                            dst[(j / NR) * kc * NR + p * NR + j % NR].write(v);
                        }
                        for j in nc..nc.next_multiple_of(NR) {
                            dst[(j / NR) * kc * NR + p * NR + j % NR].write(0.0);
                        }
                    }
                }
            }
        }

        /// [`pack_b`] for a B with contiguous columns (the transpose of a row-major matrix, as
        /// in dW = dZ·A[l−1]ᵀ): reads each column once, in order.
        fn pack_b_columns(b: ArrayView2<$t>, dst: &mut [std::mem::MaybeUninit<$t>]) {
            let kc = b.nrows();
            for (t, columns) in b.t().axis_chunks_iter(ndarray::Axis(0), NR).enumerate() {
                interleave::<NR>(columns, &mut dst[t * kc * NR..]);
            }
        }

        /// Writes the n ≤ L `lanes` (rows of length kc ≤ KC, each contiguous) interleaved at the
        /// start of `dst`: slot p·L + r holds element p of lane r, and lanes n..L are zero. The
        /// L lanes are read side by side, one element of each at a time.
        ///
        /// # Panics
        /// If a lane is not contiguous, kc > KC or `dst` is shorter than L·kc.
        fn interleave<const L: usize>(lanes: ArrayView2<$t>, dst: &mut [std::mem::MaybeUninit<$t>]) {
            let (n, kc) = lanes.dim();
            let zeros = [0.0; KC];
            let srcs: [&[$t]; L] = std::array::from_fn(|r| {
                if r < n {
                    lanes.row(r).to_slice().expect("contiguous lanes")
                } else {
                    &zeros[..kc]
                }
            });
            // The first steps in registers where this kernel can, the rest one element at a time.
            let done = simd_interleave::<L>(&srcs, dst);
            for (p, slots) in dst[..L * kc].chunks_exact_mut(L).enumerate().skip(done) {
                for (slot, src) in slots.iter_mut().zip(&srcs) {
                    slot.write(src[p]);
                }
            }
        }

        /// `out[.., ..V·W] = Σ_p A[.., p] B[p, ..V·W]` over the reduction steps p of `steps`
        /// (all of 0..kc, or those [`live_steps`] keeps), for a packed A tile (kc, BR) and the
        /// first V ≤ NV vectors of a B panel (kc, NR): V < NV for the last, narrow panel of a
        /// block (the same operations on each element, fewer columns computed).
        ///
        /// # Safety
        /// `a` must address kc·BR and `b` kc·NR initialised elements, and every step be < kc.
        #[target_feature(enable = $feat)]
        unsafe fn broadcast_tile<const V: usize>(
            steps: impl Iterator<Item = usize>,
            a: *const $t,
            b: *const $t,
            out: &mut [[$t; NR]; BR],
        ) {
            const { assert!(V >= 1 && V <= NV) };
            let mut acc = [[$setzero(); V]; BR];
            for p in steps {
                let mut bv = [$setzero(); V];
                for (v, bv) in bv.iter_mut().enumerate() {
                    // SAFETY: p < kc and v < V ≤ NV: inside row p of the panel.
                    *bv = unsafe { $loadu(b.add(p * NR + v * W)) };
                }
                for (r, acc) in acc.iter_mut().enumerate() {
                    // SAFETY: element (p, r) of the packed A tile.
                    let av = $bcast(unsafe { &*a.add(p * BR + r) });
                    for (acc, &bv) in acc.iter_mut().zip(&bv) {
                        *acc = $fmadd(av, bv, *acc);
                    }
                }
            }
            for (row, acc) in out.iter_mut().zip(&acc) {
                for (v, &acc) in acc.iter().enumerate() {
                    // SAFETY: v·W + W ≤ V·W ≤ NR elements of the row.
                    unsafe { $storeu(row.as_mut_ptr().add(v * W), acc) };
                }
            }
        }

        /// Whether every element of `packed` is finite.
        ///
        /// # Safety
        /// Every element of `packed` must be initialised (by [`pack_a`]), and the CPU must have
        /// the kernel's features.
        #[target_feature(enable = $feat)]
        unsafe fn finite(packed: &[std::mem::MaybeUninit<$t>]) -> bool {
            // SAFETY: MaybeUninit<T> has T's layout, and the caller's contract.
            let values: &[$t] = unsafe { std::slice::from_raw_parts(packed.as_ptr().cast(), packed.len()) };
            // Without an early exit, so that the compiler vectorizes it.
            values.iter().fold(true, |finite, v| finite & v.is_finite())
        }

        /// Writes to the start of `steps` the reduction steps p < kc whose row of the packed B
        /// panel at `b` holds anything but zero (NaN and infinities included), in order, and
        /// returns how many. A step whose row is all zero adds a·0 to each accumulator: exactly
        /// nothing when every a is finite (an accumulator starts at +0 and a sum of products
        /// never turns it into −0), so [`broadcast`] skips such steps, bit for bit the same
        /// result. Images with a blank border (MNIST's digits: half the rows of a 16-digit
        /// panel) and one-hot columns have many.
        ///
        /// # Safety
        /// `b` must address kc·NR initialised elements, kc ≤ KC, and the CPU must have the
        /// kernel's features.
        #[target_feature(enable = $feat)]
        unsafe fn live_steps(kc: usize, b: *const $t, steps: &mut [u16; KC]) -> usize {
            let mut live = 0;
            for p in 0..kc {
                // SAFETY: row p of the panel, NR initialised elements.
                let row: &[$t; NR] = unsafe { &*b.add(p * NR).cast() };
                // A fold rather than `any`: no early exit, so the compiler vectorizes it.
                if row.iter().fold(false, |seen, &v| seen | (v != 0.0)) {
                    steps[live] = p as u16;
                    live += 1;
                }
            }
            live
        }

        // Two vectors per tile row: `linalg::gemm_unchecked` splits columns at half a tile,
        // which `broadcast` computes with one.
        const _: () = assert!(NV == 2);

        // pack_a and pack_b fill whole tiles and panels: the blocks must hold whole ones.
        const _: () = assert!(MC % BR == 0 && NC % NR == 0);
        // The packing buffers live on the caller's stack: at most the 380 KB that
        // `linalg::gemm` documents.
        const _: () = assert!((MC * KC + KC * NC) * std::mem::size_of::<$t>() + KC * 2 <= 380 * 1024);
        // Steps are numbered in u16.
        const _: () = assert!(KC <= u16::MAX as usize);

        /// C = α A·B + β C, any strides (fast when the rows of B are contiguous).
        ///
        /// # Panics
        /// If the CPU lacks AVX2 or FMA, if k = 0, or if the shapes do not fit: programming
        /// errors of the caller ([`crate::linalg::gemm`] checks them). Memory is only touched
        /// through `a` and `b` (safe indexing, any strides) and through C's (m, n) block, so
        /// these are the whole precondition.
        pub(crate) fn broadcast(alpha: $t, a: ArrayView2<$t>, b: ArrayView2<$t>, beta: $t, mut c: ArrayViewMut2<$t>) {
            let ((m, k), n) = (a.dim(), b.ncols());
            assert!(available(), "the broadcast kernel needs {}", $feat);
            assert!(
                k > 0 && b.nrows() == k && c.dim() == (m, n),
                "broadcast kernel: A {:?}, B {:?} and C {:?} do not fit (or k = 0)",
                a.dim(),
                b.dim(),
                c.dim()
            );
            // Uninitialised: pack_a and pack_b write every element the kernel reads.
            let mut a_pack: Aligned<{ MC * KC }> = Aligned([const { std::mem::MaybeUninit::uninit() }; MC * KC]);
            let mut b_pack: Aligned<{ KC * NC }> = Aligned([const { std::mem::MaybeUninit::uninit() }; KC * NC]);
            let mut out = [[0.0; NR]; BR];
            let mut steps = [0u16; KC];
            let (c_p, c_s) = (c.as_mut_ptr(), (c.strides()[0], c.strides()[1]));
            for pc in (0..k).step_by(KC) {
                let kc = KC.min(k - pc);
                let beta = if pc == 0 { beta } else { 1.0 };
                for ic in (0..m).step_by(MC) {
                    let mc = MC.min(m - ic);
                    pack_a(a.slice(s![ic..ic + mc, pc..pc + kc]), &mut a_pack.0);
                    // Steps of zeros in B are skipped only where A·0 is 0 (see live_steps):
                    // whether this block of A is finite, asked once, when a panel has such steps.
                    let mut a_finite = None;
                    for jc in (0..n).step_by(NC) {
                        let nc = NC.min(n - jc);
                        pack_b(b.slice(s![pc..pc + kc, jc..jc + nc]), &mut b_pack.0);
                        for jr in (0..nc).step_by(NR) {
                            let cols = NR.min(nc - jr);
                            let b_panel: *const $t = b_pack.0[jr * kc..].as_ptr().cast();
                            // SAFETY: pack_b wrote the kc·NR elements of the panel; kc ≤ KC; the CPU has the
                            // kernel's features (asserted above).
                            let mut live = unsafe { live_steps(kc, b_panel, &mut steps) };
                            // SAFETY: pack_a wrote the ⌈mc/BR⌉ tiles of kc·BR elements; the CPU has the
                            // kernel's features.
                            let a_tiles = || unsafe { finite(&a_pack.0[..mc.next_multiple_of(BR) * kc]) };
                            if live < kc && !*a_finite.get_or_insert_with(a_tiles) {
                                live = kc;
                            }
                            for ir in (0..mc).step_by(BR) {
                                let rows = BR.min(mc - ir);
                                let (i, j) = ((ic + ir) as isize, (jc + jr) as isize);
                                let a_tile: *const $t = a_pack.0[ir * kc..].as_ptr().cast();
                                let sparse = steps[..live].iter().map(|&p| usize::from(p));
                                // SAFETY: the packed A tile at ir·kc holds kc·BR elements and the
                                // B panel at jr·kc kc·NR, all written by pack_a and pack_b; every
                                // step is < kc; the CPU has the kernel's features (asserted
                                // above).
                                unsafe {
                                    match (cols <= W, live < kc) {
                                        (true, false) => broadcast_tile::<1>(0..kc, a_tile, b_panel, &mut out),
                                        (true, true) => broadcast_tile::<1>(sparse, a_tile, b_panel, &mut out),
                                        (false, false) => broadcast_tile::<NV>(0..kc, a_tile, b_panel, &mut out),
                                        (false, true) => broadcast_tile::<NV>(sparse, a_tile, b_panel, &mut out),
                                    }
                                }
                                // SAFETY: the (rows, cols) block at (i, j) lies inside C; the CPU
                                // has the kernel's features.
                                unsafe {
                                    let c_tile = c_p.offset(i * c_s.0 + j * c_s.1);
                                    write_back(&out[..rows], cols, alpha, beta, c_tile, c_s);
                                }
                            }
                        }
                    }
                }
            }
        }
    };
}

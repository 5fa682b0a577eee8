//! The Mersenne Twister MT19937 core, seeded like numpy's legacy `RandomState.seed(int)`.
//!
//! numpy's `_legacy_seeding` with an integer calls `mt19937_seed(state, seed)`, which is the
//! reference implementation's `init_genrand`; the output tempering is the reference one too.

/// Number of 32-bit words in the state.
const N: usize = 624;
/// The twist offset.
const M: usize = 397;
const MATRIX_A: u32 = 0x9908_b0df;
const UPPER_MASK: u32 = 0x8000_0000;
const LOWER_MASK: u32 = 0x7fff_ffff;

/// MT19937 state: 624 words and the position of the next word to temper.
#[derive(Clone)]
pub(crate) struct Mt19937 {
    key: [u32; N],
    pos: usize,
}

impl Mt19937 {
    /// Seeds like `init_genrand(seed)` (numpy's `mt19937_seed`).
    pub(crate) fn new(seed: u32) -> Self {
        let mut key = [0u32; N];
        key[0] = seed;
        for i in 1..N {
            let prev = key[i - 1];
            // `i < 624` so the cast is exact.
            key[i] = 1_812_433_253u32
                .wrapping_mul(prev ^ (prev >> 30))
                .wrapping_add(i as u32);
        }
        Self { key, pos: N }
    }

    /// Regenerates all 624 words (the "twist").
    fn twist(&mut self) {
        for i in 0..N {
            let y = (self.key[i] & UPPER_MASK) | (self.key[(i + 1) % N] & LOWER_MASK);
            let mag = if y & 1 == 1 { MATRIX_A } else { 0 };
            self.key[i] = self.key[(i + M) % N] ^ (y >> 1) ^ mag;
        }
        self.pos = 0;
    }

    /// The next tempered 32-bit output (`genrand_int32`, numpy's `mt19937_next32`).
    pub(crate) fn next_u32(&mut self) -> u32 {
        if self.pos >= N {
            self.twist();
        }
        let mut y = self.key[self.pos];
        self.pos += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    /// numpy's `mt19937_next64`: the first 32-bit output is the high half.
    pub(crate) fn next_u64(&mut self) -> u64 {
        let hi = u64::from(self.next_u32());
        let lo = u64::from(self.next_u32());
        (hi << 32) | lo
    }

    /// numpy's `mt19937_next_double`: 53 random bits from two outputs, in [0, 1).
    pub(crate) fn next_f64(&mut self) -> f64 {
        let a = self.next_u32() >> 5;
        let b = self.next_u32() >> 6;
        (f64::from(a) * 67_108_864.0 + f64::from(b)) / 9_007_199_254_740_992.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_outputs_for_the_default_seed() {
        // Expected: the MT19937 reference (mt19937ar.c, init_genrand(5489)), confirmed with numpy 2.4.6:
        // np.random.RandomState(5489).randint(0, 2**32, size=3, dtype=np.uint64)
        // -> [3499211612, 581869302, 3890346734]
        let mut mt = Mt19937::new(5489);
        assert_eq!(
            [mt.next_u32(), mt.next_u32(), mt.next_u32()],
            [3_499_211_612, 581_869_302, 3_890_346_734]
        );
    }

    #[test]
    fn ten_thousandth_output_matches_the_standard() {
        // The C++ standard requires the 10000th output of a default-constructed
        // std::mt19937 (seed 5489) to be 4123659995 ([rand.predef]).
        let mut mt = Mt19937::new(5489);
        let x = (0..10_000).map(|_| mt.next_u32()).last();
        assert_eq!(x, Some(4_123_659_995));
    }
}

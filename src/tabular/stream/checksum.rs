//! A fast 64-bit checksum of a chunk's bytes, to notice that a file changed between the pass
//! that indexed it and a later one. Not cryptographic: it guards against edits, not forgers.

/// The checksum of `bytes`: their length, then each 8-byte word, folded in by a bijection of
/// the state (xor, multiplication by an odd constant, xor-shift), so that any change confined
/// to one word always changes the result; other changes go unnoticed with probability about
/// 2^−64. It runs at several GB/s, well beyond the CSV parser, so checking every chunk read
/// costs little.
pub(super) fn checksum(bytes: &[u8]) -> u64 {
    const ODD: u64 = 0x9E37_79B9_7F4A_7C15;
    let mix = |state: u64, word: u64| {
        let x = (state ^ word).wrapping_mul(ODD);
        x ^ (x >> 29)
    };
    let mut words = bytes.chunks_exact(8);
    let mut state = mix(0, bytes.len() as u64);
    for word in &mut words {
        let mut le = [0u8; 8];
        le.copy_from_slice(word);
        state = mix(state, u64::from_le_bytes(le));
    }
    let mut last = [0u8; 8];
    last[..words.remainder().len()].copy_from_slice(words.remainder());
    mix(state, u64::from_le_bytes(last))
}

#[cfg(test)]
mod tests {
    use super::checksum;

    #[test]
    fn every_single_byte_change_and_every_length_changes_the_checksum() {
        let bytes: Vec<u8> = (0..37u8).collect();
        let base = checksum(&bytes);
        for i in 0..bytes.len() {
            for flip in [1u8, 0x80, 0xff] {
                let mut changed = bytes.clone();
                changed[i] ^= flip;
                assert_ne!(checksum(&changed), base, "byte {i} ^ {flip}");
            }
        }
        // A trailing zero byte is not the same file.
        let mut longer = bytes.clone();
        longer.push(0);
        assert_ne!(checksum(&longer), base);
        assert_ne!(checksum(b""), checksum(b"\0"));
    }
}

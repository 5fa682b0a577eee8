//! Reading a file at an offset, for the readers that seek to rows of large files (`.npy`
//! examples, chunks of a CSV file).

/// Fills `buf` from `file` at byte `offset`, without moving a shared cursor (`pread` on Unix).
///
/// # Errors
/// What the read fails with; [`std::io::ErrorKind::UnexpectedEof`] when the file ends first.
pub(crate) fn read_at(file: &std::fs::File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
    }
    #[cfg(not(unix))]
    {
        use std::io::{Read, Seek, SeekFrom};
        let mut file = file;
        file.seek(SeekFrom::Start(offset))?;
        file.read_exact(buf)
    }
}

//! Atomic file replacement: write a temporary file beside the target, flush it to disk, then
//! rename it over the target, so a reader sees the old file or the new one, never half of one.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::{Error, Result};

/// Writes `bytes` to `path` atomically. On any error the old file (if any) is untouched and the
/// temporary file is removed.
pub(super) fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    let temp = temp_path(path)?;
    let result = write_and_rename(&temp, path, bytes);
    if let Err(e) = result {
        // Best effort: the temporary file may not even exist (e.g. the folder is missing).
        let _ = fs::remove_file(&temp);
        return Err(Error::io(path, e));
    }
    sync_folder(path);
    Ok(())
}

fn write_and_rename(temp: &Path, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = OpenOptions::new().write(true).create_new(true).open(temp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    fs::rename(temp, path)
}

/// `.<name>.<pid>-<n>.tmp` in the target's folder (the same file system, so rename is atomic).
fn temp_path(path: &Path) -> Result<PathBuf> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = path.file_name().ok_or_else(|| Error::InvalidArgument {
        argument: "path",
        message: format!("{} does not name a file", path.display()),
    })?;
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let temp_name = format!(".{}.{}-{n}.tmp", name.to_string_lossy(), std::process::id());
    Ok(path.with_file_name(temp_name))
}

/// Flushes the folder entry of the rename to disk where the platform allows it (best effort:
/// the data itself is already synced).
fn sync_folder(path: &Path) {
    #[cfg(unix)]
    {
        let folder = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        if let Ok(dir) = File::open(folder) {
            let _ = dir.sync_all();
        }
    }
    #[cfg(not(unix))]
    let _ = (path, File::open::<&Path>);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("ndnet-atomic-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn replaces_the_file_and_leaves_no_temporary() {
        let dir = scratch("replace");
        let target = dir.join("model.bin");
        write(&target, b"old").unwrap();
        write(&target, b"new").unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"new");
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_failed_rename_leaves_the_target_and_removes_the_temporary() {
        let dir = scratch("fail");
        // A folder cannot be replaced by a file: the rename fails after the data was written.
        let target = dir.join("model.json");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("inside"), b"kept").unwrap();
        let err = write(&target, b"new").unwrap_err();
        assert!(matches!(&err, Error::Io { path, .. } if path == &target), "{err}");
        assert_eq!(fs::read(target.join("inside")).unwrap(), b"kept");
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 1, "the temporary file was removed");
        // A missing folder is an error naming the path.
        let missing = dir.join("no/such/folder/model.json");
        assert!(matches!(write(&missing, b"x"), Err(Error::Io { path, .. }) if path == missing));
        fs::remove_dir_all(dir).unwrap();
    }
}

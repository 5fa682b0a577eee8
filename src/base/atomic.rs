//! Atomic file replacement: write a temporary file beside the target, flush it to disk, then
//! rename it over the target, so a reader sees the old file or the new one, never half of one.
//! [`write`] writes bytes held in memory; [`Replacement`] streams a file of any size (a `.npy`
//! file of examples far larger than memory) and is put in place by its `commit`.
//!
//! What was there is never lost or weakened:
//!
//! * a symbolic link is written through: the file it points to (following every link in the
//!   chain) is replaced and the link is kept; a dangling link creates the file it names;
//! * a path that exists but is not a regular file (a folder, FIFO, socket or device) is refused
//!   with an [`Error::Io`] naming it and saying what it is; nothing is opened or created;
//! * a regular file with other hard links (other names for the same file, on Unix) is refused
//!   the same way: a rename gives one name the new file and leaves the other names with the old
//!   one, and no write can be both atomic and seen through every name;
//! * the replaced file's permission bits (and, on Unix, its owner and group where the process
//!   may set them) are copied onto the new file; if its group cannot be kept, the group bits
//!   are cleared rather than granted to another group; a new file gets the usual mode (0o666
//!   less the umask);
//! * the temporary name is short and bounded (`.ndnet-<pid>-<n>.tmp`, at most 46 bytes), never
//!   built from the target's name, so any valid file name can be saved to;
//! * the data are synced before the rename and the folder after it. A failure to sync the
//!   folder is not reported: the new file is already complete and in place, and after a crash
//!   the folder shows the old file or the new one, both whole.
//!
//! On any error before the rename, the old file is untouched and the temporary file removed.

use std::fs::{self, File, Metadata, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::{Error, Result};

/// Most links followed from the given path (Linux's own limit is 40).
const MAX_LINKS: usize = 40;

/// Writes `bytes` to `path` atomically; see the module's documentation.
// Used by the saves of features `serde` and `report`; `npy` streams through `Replacement`.
#[cfg_attr(not(any(feature = "serde", feature = "report")), allow(dead_code))]
pub(crate) fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    write_with(path, |file| file.write_all(bytes))
}

/// [`write`] with the temporary file filled by `fill` (tests make it fail half-way).
#[cfg_attr(not(any(feature = "serde", feature = "report")), allow(dead_code))]
fn write_with(path: &Path, fill: impl FnOnce(&mut File) -> io::Result<()>) -> Result<()> {
    let mut replacement = Replacement::begin(path)?;
    let filled = fill(replacement.file());
    if let Err(e) = filled {
        return Err(Error::io(replacement.target(), e));
    }
    replacement.commit()
}

/// A file being written beside the one it will replace: written through [`Write`] (as a
/// stream, so it may be far larger than memory), put in place by [`Replacement::commit`].
/// Dropped without a commit (an error half-way), it removes its temporary file and leaves the
/// target as it was.
pub(crate) struct Replacement {
    /// The temporary file; `None` once [`Replacement::commit`] has closed it.
    file: Option<File>,
    temp: PathBuf,
    target: PathBuf,
    /// Whether the temporary file has become the target (nothing left to remove).
    renamed: bool,
}

impl Replacement {
    /// Opens a temporary file beside the file `path` names (links followed), with the owner and
    /// mode of the file it will replace.
    ///
    /// # Errors
    /// [`Error::Io`] naming the target: something other than a regular file is there, a loop of
    /// links, or the temporary file cannot be created.
    pub(crate) fn begin(path: &Path) -> Result<Self> {
        let target = follow_links(path)?;
        let existing = existing_regular_file(&target)?;
        let temp = temp_path(folder_of(&target));
        match open_temp(&temp, existing.as_ref()) {
            Ok(file) => Ok(Replacement {
                file: Some(file),
                temp,
                target,
                renamed: false,
            }),
            Err(e) => {
                // Best effort: the temporary file may not even exist (e.g. the folder is missing).
                let _ = fs::remove_file(&temp);
                Err(Error::io(target, e))
            }
        }
    }

    /// The file finally written (the end of any chain of links), for messages.
    pub(crate) fn target(&self) -> &Path {
        &self.target
    }

    /// The temporary file.
    fn file(&mut self) -> &mut File {
        self.file
            .as_mut()
            .expect("the file is only taken by commit, which consumes self")
    }

    /// Flushes the temporary file to disk and renames it over the target.
    ///
    /// # Errors
    /// [`Error::Io`] naming the target; the target is then as it was and the temporary file
    /// removed.
    pub(crate) fn commit(mut self) -> Result<()> {
        let file = self
            .file
            .take()
            .expect("the file is only taken by commit, which consumes self");
        let done = file.sync_all().and_then(|()| {
            drop(file);
            fs::rename(&self.temp, &self.target)
        });
        match done {
            Ok(()) => {
                self.renamed = true;
                sync_folder(folder_of(&self.target));
                Ok(())
            }
            Err(e) => Err(Error::io(self.target.clone(), e)),
        }
    }
}

impl Write for Replacement {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file().write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file().flush()
    }
}

impl Drop for Replacement {
    fn drop(&mut self) {
        if !self.renamed {
            drop(self.file.take());
            let _ = fs::remove_file(&self.temp);
        }
    }
}

/// The file `path` finally names: `path` itself unless it is a symbolic link, else the end of
/// the chain of links (relative link targets are taken from the link's own folder).
fn follow_links(path: &Path) -> Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let to = fs::read_link(&current).map_err(|e| Error::io(&current, e))?;
                current = folder_of(&current).join(to); // an absolute `to` replaces the folder
            }
            _ => return Ok(current),
        }
    }
    Err(Error::io(
        path,
        io::Error::other(format!("more than {MAX_LINKS} symbolic links in a chain (a loop?)")),
    ))
}

/// The metadata of the file at `target` if there is one, or an error if something other than a
/// regular file with one name is there.
fn existing_regular_file(target: &Path) -> Result<Option<Metadata>> {
    match fs::symlink_metadata(target) {
        Ok(meta) if meta.is_file() => match other_links(&meta) {
            0 => Ok(Some(meta)),
            others => {
                let names = if others == 1 { "name" } else { "names" };
                let message = format!(
                    "has {others} other hard {names} (the same file under another path); an atomic save \
                     would give this name the new file and leave the other {names} with the old one: \
                     remove the other links (or copy the file to break them), or save to a new path"
                );
                Err(Error::io(target, io::Error::new(io::ErrorKind::InvalidInput, message)))
            }
        },
        Ok(meta) => {
            let what = kind_of(&meta);
            let kind = if meta.is_dir() {
                io::ErrorKind::IsADirectory
            } else {
                io::ErrorKind::InvalidInput
            };
            let message = format!("is {what}, not a regular file; ndnet only replaces regular files");
            Err(Error::io(target, io::Error::new(kind, message)))
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(target, e)),
    }
}

/// How many other hard links the file of `meta` has (0 where the platform does not say).
fn other_links(meta: &Metadata) -> u64 {
    #[cfg(unix)]
    {
        std::os::unix::fs::MetadataExt::nlink(meta).saturating_sub(1)
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        0
    }
}

/// "a folder", "a FIFO (named pipe)", … for an error message.
fn kind_of(meta: &Metadata) -> &'static str {
    let kind = meta.file_type();
    if kind.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO (named pipe)";
        } else if kind.is_socket() {
            return "a socket";
        } else if kind.is_block_device() {
            return "a block device";
        } else if kind.is_char_device() {
            return "a character device";
        }
    }
    "a special file"
}

/// The folder holding `path` (`.` for a bare file name).
fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// `.ndnet-<pid>-<n>.tmp` in `folder` (the target's, so the rename stays on one file system).
fn temp_path(folder: &Path) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    folder.join(format!(".ndnet-{}-{n}.tmp", std::process::id()))
}

/// Creates the temporary file `temp`, readable by no one else until the owner and mode of the
/// file it replaces (`existing`) are copied on.
fn open_temp(temp: &Path, existing: Option<&Metadata>) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    if existing.is_some() {
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    }
    let file = options.open(temp)?;
    if let Some(meta) = existing {
        keep_owner_and_mode(&file, meta)?;
    }
    Ok(file)
}

/// Copies the old file's owner, group and permission bits onto the new one (Unix); elsewhere
/// its read-only flag.
#[cfg(unix)]
fn keep_owner_and_mode(file: &File, old: &Metadata) -> io::Result<()> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt, fchown};
    // Only a privileged process may give a file away; anyone may set a group they belong to.
    if fchown(file, Some(old.uid()), Some(old.gid())).is_err() {
        let _ = fchown(file, None, Some(old.gid()));
    }
    let mut mode = old.mode() & 0o7777;
    if file.metadata()?.gid() != old.gid() {
        // Another group than the old file's must not gain what the old group had.
        mode &= !0o070;
    }
    file.set_permissions(fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn keep_owner_and_mode(file: &File, old: &Metadata) -> io::Result<()> {
    file.set_permissions(old.permissions())
}

/// Flushes the folder entry of the rename to disk where the platform allows it. Errors are
/// ignored: the data are synced and the rename done, so the folder holds a whole file either way.
fn sync_folder(folder: &Path) {
    #[cfg(unix)]
    if let Ok(dir) = File::open(folder) {
        let _ = dir.sync_all();
    }
    #[cfg(not(unix))]
    let _ = folder;
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

    fn names_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn replaces_the_file_and_leaves_no_temporary() {
        let dir = scratch("replace");
        let target = dir.join("model.bin");
        write(&target, b"old").unwrap();
        write(&target, b"new").unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"new");
        assert_eq!(names_in(&dir), ["model.bin"]);
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_failing_write_leaves_the_old_content_and_removes_the_temporary() {
        let dir = scratch("fail");
        let target = dir.join("model.json");
        fs::write(&target, b"old").unwrap();
        let err = write_with(&target, |file| {
            file.write_all(b"half of it")?;
            Err(io::Error::other("disk full"))
        })
        .unwrap_err();
        assert!(matches!(&err, Error::Io { path, .. } if path == &target), "{err}");
        assert!(err.to_string().contains("disk full"), "{err}");
        assert_eq!(fs::read(&target).unwrap(), b"old");
        assert_eq!(names_in(&dir), ["model.json"], "the temporary file was removed");
        // A missing folder is an error naming the path.
        let missing = dir.join("no/such/folder/model.json");
        assert!(matches!(write(&missing, b"x"), Err(Error::Io { path, .. }) if path == missing));
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_streamed_replacement_appears_only_when_committed() {
        let dir = scratch("stream");
        let target = dir.join("x.npy");
        fs::write(&target, b"old").unwrap();
        // Dropped half-way (an error while streaming): the old file stays, no temporary is left.
        let mut half = Replacement::begin(&target).unwrap();
        half.write_all(b"half of it").unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"old");
        assert_eq!(names_in(&dir).len(), 2, "the temporary file is beside the target");
        drop(half);
        assert_eq!(fs::read(&target).unwrap(), b"old");
        assert_eq!(names_in(&dir), ["x.npy"]);
        // Written in many pieces, then committed.
        let mut whole = Replacement::begin(&target).unwrap();
        assert_eq!(whole.target(), target);
        for piece in 0..100u8 {
            whole.write_all(&[piece; 1000]).unwrap();
        }
        whole.commit().unwrap();
        let written = fs::read(&target).unwrap();
        assert_eq!(written.len(), 100_000);
        assert!(
            written
                .chunks(1000)
                .enumerate()
                .all(|(i, c)| c.iter().all(|&b| b == i as u8))
        );
        assert_eq!(names_in(&dir), ["x.npy"]);
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_folder_at_the_path_is_refused_and_kept() {
        let dir = scratch("folder");
        let target = dir.join("model.json");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("inside"), b"kept").unwrap();
        let err = write(&target, b"new").unwrap_err();
        assert!(matches!(&err, Error::Io { path, .. } if path == &target), "{err}");
        assert!(err.to_string().contains("is a folder, not a regular file"), "{err}");
        assert_eq!(fs::read(target.join("inside")).unwrap(), b"kept");
        assert_eq!(names_in(&dir), ["model.json"], "no temporary file was made");
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_long_file_name_can_be_saved() {
        let dir = scratch("long");
        // 250 bytes: the old temporary name (`.<name>.<pid>-<n>.tmp`) went over the 255-byte limit.
        let name = format!("{}.json", "m".repeat(245));
        assert_eq!(name.len(), 250);
        let target = dir.join(&name);
        write(&target, b"first").unwrap();
        write(&target, b"second").unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"second");
        assert_eq!(names_in(&dir), [name]);
        let longest = dir.join("n".repeat(255));
        write(&longest, b"x").unwrap();
        assert_eq!(fs::read(&longest).unwrap(), b"x");
        // And through the public API: a network saved under a 250-byte name loads back.
        #[cfg(feature = "serde")]
        {
            use crate::io::Format;
            let net = crate::Network::<f64>::logistic_regression(3).unwrap();
            let path = dir.join(format!("{}.model", "b".repeat(244)));
            assert_eq!(path.file_name().unwrap().len(), 250);
            net.save(&path, Format::Json).unwrap();
            #[cfg(feature = "safetensors")]
            net.save(&target, Format::Safetensors).unwrap();
            assert_eq!(crate::Network::<f64>::load(&path).unwrap().layer_sizes(), vec![3, 1]);
            #[cfg(feature = "safetensors")]
            assert_eq!(crate::Network::<f64>::load(&target).unwrap().layer_sizes(), vec![3, 1]);
        }
        fs::remove_dir_all(dir).unwrap();
    }

    #[cfg(unix)]
    mod unix {
        use super::*;
        use std::os::unix::fs::{FileTypeExt, PermissionsExt, symlink};

        fn mode(path: &Path) -> u32 {
            fs::metadata(path).unwrap().permissions().mode() & 0o7777
        }

        // Root (as on the test machine) may read any file, so these check the mode bits, not access.
        #[test]
        fn the_permission_bits_are_kept() {
            let dir = scratch("mode");
            for wanted in [0o600, 0o640, 0o644, 0o400, 0o755] {
                let target = dir.join(format!("model-{wanted:o}.json"));
                fs::write(&target, b"old").unwrap();
                fs::set_permissions(&target, fs::Permissions::from_mode(wanted)).unwrap();
                write(&target, b"new").unwrap();
                assert_eq!(fs::read(&target).unwrap(), b"new");
                assert_eq!(mode(&target), wanted, "{wanted:o}");
            }
            fs::remove_dir_all(dir).unwrap();
        }

        #[test]
        fn the_owner_and_group_are_kept_where_allowed() {
            use std::os::unix::fs::{MetadataExt, chown};
            let dir = scratch("owner");
            let target = dir.join("model.json");
            fs::write(&target, b"old").unwrap();
            fs::set_permissions(&target, fs::Permissions::from_mode(0o640)).unwrap();
            if chown(&target, Some(4321), Some(4322)).is_err() {
                eprintln!("skipped: only root may give a file away");
                fs::remove_dir_all(dir).unwrap();
                return;
            }
            write(&target, b"new").unwrap();
            let meta = fs::metadata(&target).unwrap();
            assert_eq!((meta.uid(), meta.gid(), mode(&target)), (4321, 4322, 0o640));
            fs::remove_dir_all(dir).unwrap();
        }

        #[test]
        fn a_symlink_is_written_through_and_kept() {
            let dir = scratch("symlink");
            fs::create_dir(dir.join("real")).unwrap();
            let real = dir.join("real/model.json");
            fs::write(&real, b"old").unwrap();
            fs::set_permissions(&real, fs::Permissions::from_mode(0o600)).unwrap();
            // A relative link to a relative link to the file.
            symlink("real/model.json", dir.join("first")).unwrap();
            symlink("first", dir.join("link.json")).unwrap();
            write(&dir.join("link.json"), b"new").unwrap();
            assert_eq!(fs::read(&real).unwrap(), b"new");
            assert_eq!(mode(&real), 0o600);
            for link in ["first", "link.json"] {
                assert!(fs::symlink_metadata(dir.join(link)).unwrap().file_type().is_symlink());
            }
            assert_eq!(names_in(&dir.join("real")), ["model.json"]);
            // A dangling link creates the file it names; a loop is an error.
            symlink(dir.join("real/new.json"), dir.join("dangling")).unwrap();
            write(&dir.join("dangling"), b"made").unwrap();
            assert_eq!(fs::read(dir.join("real/new.json")).unwrap(), b"made");
            symlink("loop", dir.join("loop")).unwrap();
            let err = write(&dir.join("loop"), b"x").unwrap_err();
            assert!(err.to_string().contains("symbolic links"), "{err}");
            fs::remove_dir_all(dir).unwrap();
        }

        #[test]
        fn a_fifo_is_refused_and_left_a_fifo() {
            let dir = scratch("fifo");
            let target = dir.join("model.json");
            match std::process::Command::new("mkfifo").arg(&target).status() {
                Ok(status) if status.success() => {}
                other => {
                    eprintln!("skipped: `mkfifo` is not available ({other:?})");
                    fs::remove_dir_all(dir).unwrap();
                    return;
                }
            }
            // Through a link too: the link's target is what is checked.
            symlink("model.json", dir.join("link")).unwrap();
            for path in [target.clone(), dir.join("link")] {
                let err = write(&path, b"new").unwrap_err();
                assert!(matches!(&err, Error::Io { path, .. } if path == &target), "{err}");
                assert!(
                    err.to_string().contains("is a FIFO (named pipe), not a regular file"),
                    "{err}"
                );
            }
            assert!(fs::symlink_metadata(&target).unwrap().file_type().is_fifo());
            assert_eq!(names_in(&dir), ["link", "model.json"]);
            fs::remove_dir_all(dir).unwrap();
        }

        #[test]
        fn a_device_is_refused() {
            // A device made in a scratch folder (never /dev itself); mknod needs root, so skip otherwise.
            let dir = scratch("device");
            let target = dir.join("model.json");
            match std::process::Command::new("mknod")
                .arg(&target)
                .args(["c", "1", "3"])
                .output()
            {
                Ok(out) if out.status.success() => {}
                other => {
                    eprintln!("skipped: cannot make a device node with `mknod` ({other:?})");
                    fs::remove_dir_all(dir).unwrap();
                    return;
                }
            }
            let err = write(&target, b"new").unwrap_err();
            assert!(
                err.to_string().contains("is a character device, not a regular file"),
                "{err}"
            );
            assert!(fs::symlink_metadata(&target).unwrap().file_type().is_char_device());
            assert_eq!(names_in(&dir), ["model.json"]);
            fs::remove_dir_all(dir).unwrap();
        }
    }
}

//! One writer per output folder. Two builds into the same folder at once
//! would interleave their commits and leave a site that neither of them
//! built, so every writer holds an exclusive lock on a file beside the output
//! for as long as it touches the folder.
//!
//! The lock is an OS file lock (`flock` on Unix), not a file whose existence
//! means "locked": the kernel releases it when its holder dies, however it
//! dies, so a lock left by a killed build can never block the next one. The
//! file's text only says who holds it, for the message a waiting build shows.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// Held while a process writes an output folder; released on drop (and by
/// the kernel if the process dies).
#[derive(Debug)]
pub struct OutputLock {
    file: File,
    path: PathBuf,
}

impl OutputLock {
    /// Takes the lock on `output`, calling `waiting` with a description of
    /// the holder (pid, command, start time) when another process has it,
    /// then blocking until it is released.
    pub fn acquire(output: &Path, waiting: &dyn Fn(&str)) -> Result<OutputLock> {
        let path = super::sibling(output, "bantin-lock");
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            crate::fsx::create_dir_all(parent)?;
        }
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .with_context(|| format!("cannot open the lock file {}", path.display()))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                waiting(&format!(
                    "{} is being written by another bantin ({}); waiting for it to finish",
                    output.display(),
                    if holder.is_empty() {
                        "holder unknown"
                    } else {
                        holder
                    }
                ));
                file.lock()
                    .with_context(|| format!("cannot lock {}", path.display()))?;
            }
            Err(TryLockError::Error(e)) => {
                return Err(e).with_context(|| format!("cannot lock {}", path.display()));
            }
        }
        // Who holds it now, for the next one to wait.
        let who = format!(
            "pid {}, `{}`, since {}",
            std::process::id(),
            std::env::args().collect::<Vec<_>>().join(" "),
            jiff::Timestamp::now().strftime("%Y-%m-%d %H:%M:%S UTC")
        );
        let _ = file.set_len(0);
        let _ = file.rewind();
        let _ = file.write_all(who.as_bytes());
        Ok(OutputLock { file, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        let _ = self.file.set_len(0);
        let _ = self.file.unlock();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_writer_waits_for_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let first = OutputLock::acquire(&out, &|_| panic!("nobody holds it")).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let out2 = out.clone();
        let t = std::thread::spawn(move || {
            let said = std::sync::Mutex::new(String::new());
            let lock = OutputLock::acquire(&out2, &|m| *said.lock().unwrap() = m.to_string());
            tx.send(()).unwrap();
            (lock.is_ok(), said.into_inner().unwrap())
        });
        // The second holder is blocked while the first holds the lock.
        assert!(
            rx.recv_timeout(std::time::Duration::from_millis(300))
                .is_err()
        );
        drop(first);
        let (ok, said) = t.join().unwrap();
        assert!(ok);
        assert!(
            said.contains("being written by another bantin")
                && said.contains(&format!("pid {}", std::process::id())),
            "{said}"
        );
    }
}

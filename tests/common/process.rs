//! Child processes: free ports, a guard that kills its process however the
//! test ends, polling with a deadline, and `bantin serve` started and answering.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long [`wait_for`] polls before failing the test.
pub(crate) const WAIT: Duration = Duration::from_secs(20);

/// A port that was free a moment ago (the OS picks it).
pub(crate) fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("bind a free port")
        .local_addr()
        .expect("local address")
        .port()
}

/// A child process killed and reaped when the test ends, however it ends.
pub(crate) struct KillOnDrop(pub Child);

impl KillOnDrop {
    pub(crate) fn id(&self) -> u32 {
        self.0.id()
    }
}

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Polls `done` every 50 ms until it holds; fails the test naming `what`
/// after [`WAIT`]. Never returns without `done` having held.
#[track_caller]
pub(crate) fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < WAIT,
            "timed out after {WAIT:?} waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `bantin serve --port P --root ROOT EXTRA...` on a free port, returned once
/// `GET /` answers 200. Its terminal output is discarded unless `setup`
/// (applied last to the command) sends it elsewhere or sets its environment.
#[track_caller]
pub(crate) fn start_serve(
    root: &Path,
    extra: &[&str],
    setup: impl FnOnce(&mut Command),
) -> (KillOnDrop, u16) {
    let port = free_port();
    let mut cmd = super::bantin();
    cmd.args(["serve", "--port", &port.to_string(), "--root"])
        .arg(root)
        .args(extra)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    setup(&mut cmd);
    let mut serve = KillOnDrop(cmd.spawn().expect("bantin serve starts"));
    wait_for("bantin serve to answer GET /", || {
        if let Ok(Some(status)) = serve.0.try_wait() {
            panic!("bantin serve exited before answering: {status}");
        }
        super::http::try_get(port, "/").is_ok_and(|(status, _)| status == 200)
    });
    (serve, port)
}

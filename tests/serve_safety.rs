//! `detente serve` and its temporary folder: private, unguessable, and
//! removed on Ctrl-C.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Without `--output`, serve builds into a private temporary folder:
/// a random name, mode 0700, removed when Ctrl-C stops serve.
#[cfg(unix)]
#[test]
fn its_temporary_folder_is_private_and_removed_on_ctrl_c() {
    use std::os::unix::fs::PermissionsExt;

    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("site");
    minimal_site(&root);
    let tmp = dir.path().join("tmp");
    std::fs::create_dir(&tmp).expect("mkdir");
    let mut child = Command::new(env!("CARGO_BIN_EXE_detente"))
        .args(["serve", "--port", "0", "--root"])
        .arg(&root)
        .env("TMPDIR", &tmp)
        .env("RAYON_NUM_THREADS", "2")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start serve");
    let server_pid = child.id();
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let served = lines.any(|l| l.is_ok_and(|l| l.contains("http://")));
    let drain = std::thread::spawn(move || lines.map_while(Result::ok).collect::<Vec<_>>());
    let mut server = Server(child);
    assert!(served, "serve printed its address");

    let entries: Vec<_> = std::fs::read_dir(&tmp)
        .expect("read tmp")
        .flatten()
        .map(|e| e.path())
        .collect();
    assert_eq!(
        entries.len(),
        1,
        "one folder in the temp folder: {entries:?}"
    );
    let folder = &entries[0];
    let name = folder.file_name().expect("name").to_string_lossy();
    assert_ne!(
        name,
        format!("detente-serve-{server_pid}"),
        "a guessable name"
    );
    let mode = std::fs::metadata(folder)
        .expect("stat")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o700, "mode {:o}", mode & 0o777);
    assert!(
        folder.join("site/index.html").is_file(),
        "the site is built inside it"
    );

    let sent = Command::new("kill")
        .args(["-INT", &server_pid.to_string()])
        .status()
        .is_ok_and(|s| s.success());
    assert!(sent, "kill -INT");
    let deadline = Instant::now() + Duration::from_secs(5);
    let status = loop {
        if let Some(status) = server.0.try_wait().expect("poll") {
            break status;
        }
        assert!(Instant::now() < deadline, "serve stopped after Ctrl-C");
        std::thread::sleep(Duration::from_millis(20));
    };
    let said = drain.join().expect("stdout");
    assert!(status.success(), "{status:?}: {said:?}");
    let left: Vec<_> = std::fs::read_dir(&tmp)
        .expect("read tmp")
        .flatten()
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

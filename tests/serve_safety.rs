//! `detente serve` under hostile or careless clients, and its temporary
//! folder: idle and trickling connections delay no one, a foreign `Host`
//! (DNS rebinding) gets 421, dotfiles in the output are never served, and
//! the temporary folder is private, unguessable and removed on Ctrl-C.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use common::*;

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A site served from `dir/out`; returns the server and `host:port`.
fn serve(dir: &Path) -> (Server, String) {
    let root = dir.join("site");
    minimal_site(&root);
    let (child, url) = start_serve(&root, &dir.join("out"), &dir.join("serve.log"));
    let addr = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    (Server(child), addr)
}

/// One request with the given `Host`, on a connection of its own; returns
/// (status, body), or what went wrong (a timeout, say).
fn request(addr: &str, host: &str, path: &str, wait: Duration) -> Result<(u16, String), String> {
    let mut s = TcpStream::connect(addr).map_err(|e| format!("connect: {e}"))?;
    s.set_read_timeout(Some(wait)).map_err(|e| e.to_string())?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .map_err(|e| format!("send: {e}"))?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).map_err(|e| format!("read: {e}"))?;
    parse(&raw)
}

fn parse(raw: &[u8]) -> Result<(u16, String), String> {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("no end of headers")?;
    let head = String::from_utf8_lossy(&raw[..split]);
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or("no status")?;
    Ok((
        status,
        String::from_utf8_lossy(&raw[split + 4..]).into_owned(),
    ))
}

#[test]
fn idle_and_trickling_connections_delay_no_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (_server, addr) = serve(dir.path());
    assert_eq!(
        request(&addr, &addr, "/", Duration::from_secs(5)).map(|r| r.0),
        Ok(200)
    );

    // 20 connections that send nothing.
    let idle: Vec<TcpStream> = (0..20)
        .map(|_| TcpStream::connect(&addr).expect("connect"))
        .collect();
    // 8 that send a request head one byte every two seconds.
    let stop = Arc::new(AtomicBool::new(false));
    let tricklers: Vec<_> = (0..8)
        .map(|_| {
            let mut s = TcpStream::connect(&addr).expect("connect");
            let stop = Arc::clone(&stop);
            let head = format!("GET / HTTP/1.1\r\nHost: {addr}\r\n\r\n");
            std::thread::spawn(move || {
                for byte in head.bytes() {
                    if s.write_all(&[byte]).is_err() {
                        return;
                    }
                    let next = Instant::now() + Duration::from_secs(2);
                    while Instant::now() < next {
                        if stop.load(Ordering::SeqCst) {
                            return;
                        }
                        std::thread::sleep(Duration::from_millis(20));
                    }
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(200));

    let start = Instant::now();
    let got = request(&addr, &addr, "/", Duration::from_secs(3));
    let took = start.elapsed();
    stop.store(true, Ordering::SeqCst);
    for t in tricklers {
        t.join().expect("trickler");
    }
    drop(idle);
    let (status, body) = got.expect("answered while others idle and trickle");
    assert_eq!(status, 200);
    assert!(body.contains("Test timeline"), "{body}");
    assert!(took < Duration::from_secs(2), "took {took:?}");
}

#[test]
fn keeps_connections_alive() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (_server, addr) = serve(dir.path());
    let mut s = TcpStream::connect(&addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    let mut reader = BufReader::new(s.try_clone().expect("clone"));
    for path in ["/style.css", "/"] {
        write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n").expect("send");
        let mut length = None;
        let mut status = String::new();
        reader.read_line(&mut status).expect("status line");
        assert!(status.starts_with("HTTP/1.1 200"), "{path}: {status}");
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).expect("header");
            if line == "\r\n" {
                break;
            }
            if let Some(v) = line.strip_prefix("Content-Length: ") {
                length = v.trim().parse::<usize>().ok();
            }
        }
        let mut body = vec![0; length.expect("Content-Length")];
        reader.read_exact(&mut body).expect("body");
    }
}

#[test]
fn answers_only_its_own_host_names() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (_server, addr) = serve(dir.path());
    let port = addr.rsplit(':').next().expect("port");
    let wait = Duration::from_secs(5);
    for host in [
        "evil.example".to_string(),
        format!("evil.example:{port}"),
        format!("localhost.evil.example:{port}"),
    ] {
        for path in ["/", "/__detente/events"] {
            let (status, body) = request(&addr, &host, path, wait).expect("an answer");
            assert_eq!(status, 421, "Host: {host} {path}");
            assert!(
                !body.contains("Test timeline") && !body.contains("<html"),
                "Host: {host} {path}: {body}"
            );
        }
    }
    for host in [
        format!("localhost:{port}"),
        "localhost".to_string(),
        addr.clone(),
        format!("[::1]:{port}"),
    ] {
        let (status, body) = request(&addr, &host, "/", wait).expect("an answer");
        assert_eq!(status, 200, "Host: {host}");
        assert!(body.contains("Test timeline"), "Host: {host}");
    }
}

#[test]
fn never_serves_dotfiles() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (_server, addr) = serve(dir.path());
    let out = dir.path().join("out");
    write_files(
        &out,
        &[
            (".git/config", "[remote] top secret"),
            (".secret", "top secret"),
            ("sub/.env", "top secret"),
        ],
    );
    for path in [
        "/.git/config",
        "/.secret",
        "/%2Egit/config",
        "/%2esecret",
        "/sub/.env",
        "/./.secret",
    ] {
        let (status, body) = request(&addr, &addr, path, Duration::from_secs(5)).expect("answer");
        assert!(status == 403 || status == 404, "{path}: {status}");
        assert!(!body.contains("top secret"), "{path}: {body}");
    }
    // Ordinary files still are.
    let (status, _) = request(&addr, &addr, "/style.css", Duration::from_secs(5)).expect("answer");
    assert_eq!(status, 200);
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

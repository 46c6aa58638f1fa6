//! A small HTTP/1.1 server for the built site, with live reload.
//!
//! Owns request parsing, path safety (only files inside the output folder
//! are ever served: `..`, encoded traversal, absolute paths and symlinks
//! leaving the folder are refused), content types, the 404 page, and the
//! Server-Sent Events channel that tells open tabs to reload or to show a
//! build error. It reads the output folder and never writes it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The path of the live-reload event stream.
pub const EVENTS_PATH: &str = "/__detente/events";

/// What the server tells browsers after each rebuild.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Reload,
    /// The build failed; the text is shown in an overlay.
    Failed(String),
}

/// Shared between the server threads and the rebuild loop.
#[derive(Default)]
pub struct Hub {
    clients: Mutex<Vec<Sender<Event>>>,
    /// The current build error, shown to pages loaded while it lasts.
    error: Mutex<Option<String>>,
}

impl Hub {
    pub fn broadcast(&self, event: Event) {
        *self.error.lock().unwrap_or_else(|p| p.into_inner()) = match &event {
            Event::Failed(text) => Some(text.clone()),
            Event::Reload => None,
        };
        let mut clients = self.clients.lock().unwrap_or_else(|p| p.into_inner());
        clients.retain(|c| c.send(event.clone()).is_ok());
    }

    fn subscribe(&self) -> Receiver<Event> {
        let (tx, rx) = channel();
        if let Some(text) = self.error.lock().unwrap_or_else(|p| p.into_inner()).clone() {
            let _ = tx.send(Event::Failed(text));
        }
        self.clients
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(tx);
        rx
    }
}

/// The script injected before `</body>` of every HTML page served (never
/// in `build` output): reloads on a good build, shows an overlay on a bad one.
const LIVE_RELOAD: &str = r#"<script>(function(){if(!window.EventSource)return;var es=new EventSource("/__detente/events");function hide(){var o=document.getElementById("detente-error");if(o)o.remove();}es.addEventListener("reload",function(){location.reload();});es.addEventListener("failed",function(e){hide();var o=document.createElement("pre");o.id="detente-error";o.setAttribute("role","alert");o.textContent="detente: the last edit did not build\n\n"+JSON.parse(e.data);o.style.cssText="position:fixed;inset:1rem;z-index:2147483647;margin:0;padding:1rem;overflow:auto;background:#1b1b1b;color:#ffb4ab;font:14px/1.5 monospace;white-space:pre-wrap;border:2px solid #ff5449;border-radius:8px";document.body.appendChild(o);});})();</script>"#;

/// Serves `root` on `listener` until the process ends.
pub fn serve(listener: TcpListener, root: PathBuf, hub: Arc<Hub>) {
    let (tx, rx) = channel::<TcpStream>();
    let rx = Arc::new(Mutex::new(rx));
    for _ in 0..8 {
        let rx = Arc::clone(&rx);
        let root = root.clone();
        let hub = Arc::clone(&hub);
        std::thread::spawn(move || {
            loop {
                let stream = match rx.lock().unwrap_or_else(|p| p.into_inner()).recv() {
                    Ok(s) => s,
                    Err(_) => return,
                };
                handle(stream, &root, &hub);
            }
        });
    }
    for stream in listener.incoming().flatten() {
        if tx.send(stream).is_err() {
            return;
        }
    }
}

struct Request {
    method: String,
    target: String,
}

fn read_request(stream: &TcpStream) -> Option<Request> {
    let mut reader = BufReader::new(stream.take(16 * 1024));
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let target = parts.next()?.to_string();
    // Drain the headers; the server needs none of them.
    loop {
        let mut header = String::new();
        match reader.read_line(&mut header) {
            Ok(0) => break,
            Ok(_) if header == "\r\n" || header == "\n" => break,
            Ok(_) => {}
            Err(_) => return None,
        }
    }
    Some(Request { method, target })
}

fn handle(mut stream: TcpStream, root: &Path, hub: &Hub) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let Some(req) = read_request(&stream) else {
        return;
    };
    let head = match req.method.as_str() {
        "GET" => false,
        "HEAD" => true,
        _ => {
            let _ = respond(
                &mut stream,
                405,
                "text/plain; charset=utf-8",
                b"method not allowed\n",
                false,
                &[("Allow", "GET, HEAD")],
            );
            return;
        }
    };
    let path = req.target.split(['?', '#']).next().unwrap_or("/");
    if path == EVENTS_PATH {
        stream_events(stream, hub);
        return;
    }
    match resolve(root, path) {
        Resolved::File(file) => match std::fs::read(&file) {
            Ok(mut body) => {
                let kind = content_type(&file);
                if kind.starts_with("text/html") {
                    body = inject(body);
                }
                let _ = respond(&mut stream, 200, kind, &body, head, &[]);
            }
            Err(_) => not_found(&mut stream, root, head),
        },
        Resolved::Redirect(to) => {
            let _ = respond(
                &mut stream,
                301,
                "text/plain; charset=utf-8",
                b"moved\n",
                head,
                &[("Location", &to)],
            );
        }
        Resolved::Forbidden => {
            let _ = respond(
                &mut stream,
                403,
                "text/plain; charset=utf-8",
                b"forbidden\n",
                head,
                &[],
            );
        }
        Resolved::NotFound => not_found(&mut stream, root, head),
    }
}

fn not_found(stream: &mut TcpStream, root: &Path, head: bool) {
    let body = std::fs::read(root.join("404.html"))
        .map(inject)
        .unwrap_or_else(|_| b"not found\n".to_vec());
    let _ = respond(stream, 404, "text/html; charset=utf-8", &body, head, &[]);
}

fn inject(body: Vec<u8>) -> Vec<u8> {
    let marker = b"</body>";
    match body
        .windows(marker.len())
        .rposition(|w| w.eq_ignore_ascii_case(marker))
    {
        Some(at) => {
            let mut out = Vec::with_capacity(body.len() + LIVE_RELOAD.len());
            out.extend_from_slice(&body[..at]);
            out.extend_from_slice(LIVE_RELOAD.as_bytes());
            out.extend_from_slice(&body[at..]);
            out
        }
        None => body,
    }
}

fn respond(
    stream: &mut TcpStream,
    status: u16,
    kind: &str,
    body: &[u8],
    head: bool,
    extra: &[(&str, &str)],
) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        301 => "Moved Permanently",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "",
    };
    let mut header = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in extra {
        header.push_str(&format!("{k}: {v}\r\n"));
    }
    header.push_str("\r\n");
    stream.write_all(header.as_bytes())?;
    if !head {
        stream.write_all(body)?;
    }
    stream.flush()
}

/// Holds the connection open and forwards rebuild events as SSE. Runs on
/// its own thread so that open tabs never occupy the request workers.
fn stream_events(mut stream: TcpStream, hub: &Hub) {
    let rx = hub.subscribe();
    std::thread::spawn(move || {
        let header = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\nretry: 500\n\n";
        if stream.write_all(header.as_bytes()).is_err() {
            return;
        }
        loop {
            let message = match rx.recv_timeout(Duration::from_secs(15)) {
                Ok(Event::Reload) => "event: reload\ndata: {}\n\n".to_string(),
                Ok(Event::Failed(text)) => {
                    format!(
                        "event: failed\ndata: {}\n\n",
                        serde_json::to_string(&text).unwrap_or_else(|_| "\"\"".into())
                    )
                }
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => ": keep-alive\n\n".to_string(),
                Err(_) => return,
            };
            if stream
                .write_all(message.as_bytes())
                .and_then(|()| stream.flush())
                .is_err()
            {
                return;
            }
        }
    });
}

#[derive(Debug, PartialEq, Eq)]
enum Resolved {
    File(PathBuf),
    Redirect(String),
    Forbidden,
    NotFound,
}

/// Maps a URL path to a file inside `root`, refusing anything outside it.
fn resolve(root: &Path, url_path: &str) -> Resolved {
    let Some(decoded) = percent_decode(url_path) else {
        return Resolved::Forbidden;
    };
    if !decoded.starts_with('/') || decoded.contains('\\') || decoded.contains('\0') {
        return Resolved::Forbidden;
    }
    let mut rel = PathBuf::new();
    for seg in decoded.split('/') {
        match seg {
            "" | "." => {}
            ".." => return Resolved::Forbidden,
            s if s.contains(':') => return Resolved::Forbidden,
            s => rel.push(s),
        }
    }
    let Ok(root_real) = std::fs::canonicalize(root) else {
        return Resolved::NotFound;
    };
    let mut path = root_real.join(&rel);
    if path.is_dir() {
        if !decoded.ends_with('/') {
            return Resolved::Redirect(format!("{decoded}/"));
        }
        path.push("index.html");
    }
    match std::fs::canonicalize(&path) {
        Ok(real) if real.starts_with(&root_real) && real.is_file() => Resolved::File(real),
        Ok(_) => Resolved::Forbidden,
        Err(_) => Resolved::NotFound,
    }
}

/// Decodes `%XX` escapes; None if an escape is malformed or the result is
/// not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The Content-Type of a file, by extension.
pub fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "atom" => "application/atom+xml",
        "svg" => "image/svg+xml",
        "ics" => "text/calendar; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// The address to listen on; anything but loopback must be asked for.
pub fn bind(interface: &str, port: u16) -> std::io::Result<(TcpListener, SocketAddr)> {
    let listener = TcpListener::bind((interface, port))?;
    let addr = listener.local_addr()?;
    Ok((listener, addr))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_traversal() {
        let dir = std::env::temp_dir();
        for p in [
            "/../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/a/%2E%2E/%2e%2e/x",
            "/..%2fetc",
            "/%2e%2e%2fetc",
            "/C:/x",
            "/%00",
            "/%zz",
        ] {
            assert_eq!(resolve(&dir, p), Resolved::Forbidden, "{p}");
        }
    }

    #[test]
    fn decodes_escapes() {
        assert_eq!(percent_decode("/a%20b/").as_deref(), Some("/a b/"));
        assert_eq!(percent_decode("/%"), None);
    }

    #[test]
    fn injects_before_the_last_body_tag() {
        let out = String::from_utf8(inject(b"<p></body></html>".to_vec())).expect("utf-8");
        assert!(out.starts_with("<p><script>"));
        assert!(out.ends_with("</script></body></html>"));
    }
}

//! The web server of `detente serve`: the built site, with live reload.
//!
//! Owns everything between the socket and the output folder. Connections
//! are handled by hyper (HTTP/1.1, keep-alive) on a small tokio runtime
//! that runs on the server's own thread; the rest of detente stays
//! synchronous. An idle or trickling connection costs a parked task, never
//! a worker: a request head must arrive whole within [`HEAD_TIMEOUT`] (on a
//! new connection, and between requests on a kept-alive one) or the
//! connection is closed. This module also owns the `Host` check against DNS
//! rebinding ([`Hosts`]), path safety (only files inside the output folder
//! are served: `..`, encoded traversal, absolute paths and symlinks leaving
//! the folder are refused, and dotfiles are never served), content types,
//! the 404 page, and the Server-Sent Events channel that tells open tabs to
//! reload or to show a build error. It reads the output folder and never
//! writes it.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::net::{IpAddr, Ipv6Addr, SocketAddr, TcpListener};
use std::path::{Component, Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{Either, Full};
use hyper::body::{Body, Frame, Incoming};
use hyper::header::{self, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::sync::Semaphore;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

/// The path of the live-reload event stream.
pub const EVENTS_PATH: &str = "/__detente/events";

/// How long a connection may take to send a whole request head, and how
/// long a kept-alive connection may sit idle between requests.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(10);

/// At most this many connections are open at once; more wait to be
/// accepted until one closes (each idle one within [`HEAD_TIMEOUT`]).
const MAX_CONNECTIONS: usize = 512;

/// How often an idle event stream sends a comment, so that a closed tab is
/// noticed and proxies keep the stream open.
const EVENTS_KEEP_ALIVE: Duration = Duration::from_secs(15);

/// What the server tells browsers after each rebuild.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Reload,
    /// The build failed; the text is shown in an overlay.
    Failed(Failure),
}

/// A failed build, as the overlay shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Failure {
    /// The error, as the terminal prints it (in English, like every
    /// message of detente's).
    pub text: String,
    /// The overlay's heading in each language of the site, by tag.
    pub titles: BTreeMap<String, String>,
    /// The site's default language (for pages in none of them).
    pub default: String,
}

/// Shared between the server and the rebuild loop.
#[derive(Default)]
pub struct Hub {
    clients: Mutex<Vec<UnboundedSender<Event>>>,
    /// The current build error, shown to pages loaded while it lasts.
    error: Mutex<Option<Failure>>,
}

impl Hub {
    /// Tells every open tab; callable from any thread, never blocks on them.
    pub fn broadcast(&self, event: Event) {
        *self.error.lock().unwrap_or_else(|p| p.into_inner()) = match &event {
            Event::Failed(failure) => Some(failure.clone()),
            Event::Reload => None,
        };
        let mut clients = self.clients.lock().unwrap_or_else(|p| p.into_inner());
        clients.retain(|c| c.send(event.clone()).is_ok());
    }

    fn subscribe(&self) -> UnboundedReceiver<Event> {
        let (tx, rx) = unbounded_channel();
        if let Some(failure) = self.error.lock().unwrap_or_else(|p| p.into_inner()).clone() {
            let _ = tx.send(Event::Failed(failure));
        }
        self.clients
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(tx);
        rx
    }
}

/// Which `Host` headers are answered. A web page whose domain an attacker
/// points at 127.0.0.1 (DNS rebinding) reaches the server with its own
/// domain as the `Host`; only names that cannot be rebound are answered:
/// `localhost` and loopback addresses (any port: a forwarded port still
/// works), the address bound, and the `--interface` name as given. Bound to
/// every interface (`0.0.0.0` or `::`), any `Host` is answered: the site is
/// then open to the network anyway.
#[derive(Debug, Clone)]
pub struct Hosts {
    any: bool,
    ip: IpAddr,
    name: Option<String>,
}

impl Hosts {
    /// The hosts for a server asked to listen on `interface`, bound at `addr`.
    pub fn new(interface: &str, addr: SocketAddr) -> Hosts {
        let name = host_name(interface).filter(|n| n.parse::<IpAddr>().is_err());
        Hosts {
            any: addr.ip().is_unspecified(),
            ip: addr.ip(),
            name,
        }
    }

    /// Whether a request with this `Host` (or absolute-form authority) is
    /// answered.
    pub fn allows(&self, host: &str) -> bool {
        if self.any {
            return true;
        }
        let Some(name) = host_name(host) else {
            return false;
        };
        if name == "localhost" || self.name.as_deref() == Some(name.as_str()) {
            return true;
        }
        name.parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback() || ip == self.ip)
    }
}

/// The host of a `Host` value, lowercase, without the port, the brackets
/// of an IPv6 address or a final dot; None if it is malformed.
fn host_name(value: &str) -> Option<String> {
    let value = value.trim();
    let is_port = |p: &str| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit());
    let name = if let Some(rest) = value.strip_prefix('[') {
        let (inside, after) = rest.split_once(']')?;
        if !(after.is_empty() || after.strip_prefix(':').is_some_and(is_port)) {
            return None;
        }
        inside.parse::<Ipv6Addr>().ok()?;
        inside
    } else {
        match value.split_once(':') {
            Some((name, port)) if is_port(port) => name,
            Some(_) => return None,
            None => value,
        }
    };
    let name = name.strip_suffix('.').unwrap_or(name);
    if name.is_empty() || name.bytes().any(|b| b.is_ascii_whitespace() || b == b'/') {
        return None;
    }
    Some(name.to_ascii_lowercase())
}

/// The script injected before `</body>` of every HTML page served (never
/// in `build` output): reloads on a good build, shows an overlay on a bad
/// one, headed in the page's language (`<html lang>`, then its primary
/// subtag, then the site's default language).
const LIVE_RELOAD: &str = r#"<script>(function(){if(!window.EventSource)return;var es=new EventSource("/__detente/events");function hide(){var o=document.getElementById("detente-error");if(o)o.remove();}es.addEventListener("reload",function(){location.reload();});es.addEventListener("failed",function(e){hide();var d=JSON.parse(e.data),t=d.titles||{},l=document.documentElement.lang||"",k=t[l]?l:t[l.split("-")[0]]?l.split("-")[0]:d.default;var o=document.createElement("div");o.id="detente-error";o.setAttribute("role","alert");var h=document.createElement("p");h.lang=k||"en";h.textContent=t[k]||"detente: the last edit did not build";h.style.cssText="margin:0 0 1rem;font-weight:bold";var p=document.createElement("pre");p.lang="en";p.textContent=d.text;p.style.cssText="margin:0;white-space:pre-wrap;font:inherit";o.appendChild(h);o.appendChild(p);o.style.cssText="position:fixed;inset:1rem;z-index:2147483647;margin:0;padding:1rem;overflow:auto;background:#1b1b1b;color:#ffb4ab;font:14px/1.5 monospace;border:2px solid #ff5449;border-radius:8px";document.body.appendChild(o);});})();</script>"#;

/// What every request handler sees.
struct State {
    root: PathBuf,
    hub: Arc<Hub>,
    hosts: Hosts,
}

/// The server, ready to run: its runtime is built and its socket taken
/// over, so that what can fail has failed before [`Server::run`].
pub struct Server {
    runtime: tokio::runtime::Runtime,
    listener: tokio::net::TcpListener,
    state: Arc<State>,
}

impl Server {
    /// Serves `root` on `listener`, answering only the `hosts` allowed.
    pub fn new(
        listener: TcpListener,
        root: PathBuf,
        hub: Arc<Hub>,
        hosts: Hosts,
    ) -> std::io::Result<Server> {
        // One thread runs every connection; files are read on a few
        // blocking threads beside it, so a slow disk holds no connection.
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .max_blocking_threads(4)
            .thread_name("detente-serve")
            .build()?;
        listener.set_nonblocking(true)?;
        let listener = {
            let _inside = runtime.enter();
            tokio::net::TcpListener::from_std(listener)?
        };
        Ok(Server {
            runtime,
            listener,
            state: Arc::new(State { root, hub, hosts }),
        })
    }

    /// Serves until the process ends; call it on a thread of its own.
    pub fn run(self) {
        let Server {
            runtime,
            listener,
            state,
        } = self;
        runtime.block_on(accept(listener, state));
    }
}

async fn accept(listener: tokio::net::TcpListener, state: Arc<State>) {
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        let Ok(slot) = Arc::clone(&slots).acquire_owned().await else {
            return;
        };
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(_) => {
                // Out of file descriptors, or a connection reset before it
                // was accepted: wait a moment rather than spin.
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let state = Arc::clone(&state);
        tokio::spawn(async move {
            let service = service_fn(move |req| answer(req, Arc::clone(&state)));
            let _ = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEAD_TIMEOUT)
                .keep_alive(true)
                .title_case_headers(true)
                .serve_connection(TokioIo::new(stream), service)
                .await;
            drop(slot);
        });
    }
}

type Reply = Response<Either<Full<Bytes>, EventStream>>;

async fn answer(req: Request<Incoming>, state: Arc<State>) -> Result<Reply, Infallible> {
    // The authority of an absolute-form target takes the place of `Host`.
    let host = match req.uri().authority() {
        Some(authority) => Some(authority.as_str()),
        None => {
            let mut values = req.headers().get_all(header::HOST).iter();
            match (values.next(), values.next()) {
                (Some(value), None) => Some(value.to_str().unwrap_or("")),
                _ => None,
            }
        }
    };
    let Some(host) = host else {
        return Ok(text(
            StatusCode::BAD_REQUEST,
            "one Host header is required\n",
        ));
    };
    if !state.hosts.allows(host) {
        return Ok(text(
            StatusCode::MISDIRECTED_REQUEST,
            "misdirected request: detente serve answers to localhost and the address it \
             listens on (see --interface)\n",
        ));
    }
    let head = match *req.method() {
        Method::GET => false,
        Method::HEAD => true,
        _ => {
            let mut reply = text(StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n");
            reply
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
            return Ok(reply);
        }
    };
    let path = req.uri().path().to_string();
    if path == EVENTS_PATH {
        return Ok(events(&state.hub, head));
    }
    let found = {
        let state = Arc::clone(&state);
        let path = path.clone();
        tokio::task::spawn_blocking(move || find(&state.root, &path)).await
    };
    Ok(match found {
        Ok(found) => found.into_reply(&path),
        Err(_) => text(StatusCode::INTERNAL_SERVER_ERROR, "internal error\n"),
    })
}

/// What a path leads to, read from the output folder.
enum Lookup {
    File(&'static str, Vec<u8>),
    /// A folder named without its final `/`.
    Folder,
    Forbidden,
    /// The site's 404 page, if it has one.
    NotFound(Option<Vec<u8>>),
}

fn find(root: &Path, url_path: &str) -> Lookup {
    let not_found = || Lookup::NotFound(nearest_404(root, url_path).map(inject));
    match resolve(root, url_path) {
        Resolved::File(file) => match std::fs::read(&file) {
            Ok(body) => {
                let kind = content_type(&file);
                let body = if kind.starts_with("text/html") {
                    inject(body)
                } else {
                    body
                };
                Lookup::File(kind, body)
            }
            Err(_) => not_found(),
        },
        Resolved::Redirect => Lookup::Folder,
        Resolved::Forbidden => Lookup::Forbidden,
        Resolved::NotFound => not_found(),
    }
}

impl Lookup {
    fn into_reply(self, url_path: &str) -> Reply {
        match self {
            Lookup::File(kind, body) => reply(StatusCode::OK, kind, body.into()),
            Lookup::Folder => {
                let mut reply = text(StatusCode::MOVED_PERMANENTLY, "moved\n");
                // The path as requested (still percent-encoded, so a valid
                // header), with one leading `/`: `//host` would leave the site.
                let to = format!("/{}/", url_path.trim_start_matches('/'));
                if let Ok(to) = HeaderValue::from_str(&to) {
                    reply.headers_mut().insert(header::LOCATION, to);
                }
                reply
            }
            Lookup::Forbidden => text(StatusCode::FORBIDDEN, "forbidden\n"),
            Lookup::NotFound(page) => reply(
                StatusCode::NOT_FOUND,
                "text/html; charset=utf-8",
                page.map_or(Bytes::from_static(b"not found\n"), Bytes::from),
            ),
        }
    }
}

fn reply(status: StatusCode, kind: &'static str, body: Bytes) -> Reply {
    let mut reply = Response::new(Either::Left(Full::new(body)));
    *reply.status_mut() = status;
    let headers = reply.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    reply
}

fn text(status: StatusCode, body: &'static str) -> Reply {
    reply(
        status,
        "text/plain; charset=utf-8",
        Bytes::from_static(body.as_bytes()),
    )
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

/// The live-reload stream: open until the tab closes, a parked task in
/// the meantime.
fn events(hub: &Hub, head: bool) -> Reply {
    let body = if head {
        Either::Left(Full::new(Bytes::new()))
    } else {
        Either::Right(EventStream {
            first: Some(Bytes::from_static(b"retry: 500\n\n")),
            events: hub.subscribe(),
            keep_alive: tokio::time::interval_at(
                tokio::time::Instant::now() + EVENTS_KEEP_ALIVE,
                EVENTS_KEEP_ALIVE,
            ),
        })
    };
    let mut reply = Response::new(body);
    let headers = reply.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    reply
}

/// The body of an event stream: rebuild events as they come, and a comment
/// now and then while none do.
pub struct EventStream {
    first: Option<Bytes>,
    events: UnboundedReceiver<Event>,
    keep_alive: tokio::time::Interval,
}

impl Body for EventStream {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let data = |text: String| Poll::Ready(Some(Ok(Frame::data(Bytes::from(text)))));
        if let Some(first) = self.first.take() {
            return Poll::Ready(Some(Ok(Frame::data(first))));
        }
        match self.events.poll_recv(cx) {
            Poll::Ready(Some(Event::Reload)) => return data("event: reload\ndata: {}\n\n".into()),
            Poll::Ready(Some(Event::Failed(failure))) => {
                let json = serde_json::to_string(&failure).unwrap_or_else(|_| "{}".into());
                return data(format!("event: failed\ndata: {json}\n\n"));
            }
            // The hub is gone: the server is stopping.
            Poll::Ready(None) => return Poll::Ready(None),
            Poll::Pending => {}
        }
        if self.keep_alive.poll_tick(cx).is_ready() {
            return data(": keep-alive\n\n".into());
        }
        Poll::Pending
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Resolved {
    File(PathBuf),
    /// A folder named without its final `/`.
    Redirect,
    Forbidden,
    NotFound,
}

/// Maps a URL path to a file inside `root`, refusing anything outside it.
/// Dotfiles (any segment starting with `.`, such as `/.git/config`) are
/// not found: detente writes none, so one in the output was put there by
/// something else, and is not for the browser.
/// The 404 page nearest to `url_path`: that of the deepest folder above
/// it that has one (`/zh/404.html` for `/zh/exchanges/gone/`, as hosts
/// like Cloudflare Pages do), else the root's.
fn nearest_404(root: &Path, url_path: &str) -> Option<Vec<u8>> {
    let mut folders: Vec<&str> = url_path.split('/').filter(|s| !s.is_empty()).collect();
    loop {
        let mut candidate = String::from("/");
        for folder in &folders {
            candidate.push_str(folder);
            candidate.push('/');
        }
        candidate.push_str("404.html");
        if let Resolved::File(file) = resolve(root, &candidate) {
            return std::fs::read(file).ok();
        }
        folders.pop()?;
    }
}

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
            s if s.starts_with('.') => return Resolved::NotFound,
            s => rel.push(s),
        }
    }
    let Ok(root_real) = std::fs::canonicalize(root) else {
        return Resolved::NotFound;
    };
    let mut path = root_real.join(&rel);
    if path.is_dir() {
        if !decoded.ends_with('/') {
            return Resolved::Redirect;
        }
        path.push("index.html");
    }
    match std::fs::canonicalize(&path) {
        Ok(real) if real.is_file() => match real.strip_prefix(&root_real) {
            // A symlink inside may lead to a dotfile inside.
            Ok(inside) if inside.components().any(is_dotted) => Resolved::NotFound,
            Ok(_) => Resolved::File(real),
            Err(_) => Resolved::Forbidden,
        },
        Ok(_) => Resolved::Forbidden,
        Err(_) => Resolved::NotFound,
    }
}

fn is_dotted(c: Component<'_>) -> bool {
    matches!(c, Component::Normal(name) if name.as_encoded_bytes().starts_with(b"."))
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
    fn never_finds_dotfiles() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join(".git")).expect("mkdir");
        std::fs::write(dir.path().join(".git/config"), "x").expect("write");
        std::fs::write(dir.path().join(".secret"), "x").expect("write");
        for p in [
            "/.git/config",
            "/.secret",
            "/%2egit/config",
            "/.git/",
            "/./.secret",
        ] {
            assert_eq!(resolve(dir.path(), p), Resolved::NotFound, "{p}");
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join(".secret"), dir.path().join("plain"))
                .expect("symlink");
            assert_eq!(resolve(dir.path(), "/plain"), Resolved::NotFound);
        }
    }

    #[test]
    fn answers_only_unrebindable_hosts() {
        let loopback = Hosts::new("127.0.0.1", "127.0.0.1:1111".parse().expect("addr"));
        for ok in [
            "localhost",
            "LOCALHOST:1111",
            "localhost.:8080",
            "127.0.0.1",
            "127.0.0.1:1111",
            "[::1]",
            "[::1]:1111",
        ] {
            assert!(loopback.allows(ok), "{ok}");
        }
        for refused in [
            "evil.example",
            "evil.example:1111",
            "localhost.evil.example",
            "192.168.1.5",
            "[::1",
            "::1",
            "localhost:x",
            "",
        ] {
            assert!(!loopback.allows(refused), "{refused}");
        }
        let lan = Hosts::new("192.168.1.5", "192.168.1.5:1111".parse().expect("addr"));
        assert!(lan.allows("192.168.1.5:1111") && lan.allows("localhost"));
        assert!(!lan.allows("evil.example"));
        let named = Hosts::new("box.lan", "192.168.1.5:1111".parse().expect("addr"));
        assert!(named.allows("Box.lan:1111") && !named.allows("evil.example"));
        let all = Hosts::new("0.0.0.0", "0.0.0.0:1111".parse().expect("addr"));
        assert!(all.allows("evil.example"));
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

//! The preview's HTTP side, on hyper: GET and HEAD only, a loopback Host
//! check against DNS rebinding, paths resolved (then canonicalized) before
//! checking they stay inside the output folder, and a bound on everything a
//! client can make the server hold: connections, requests in flight, request
//! heads (size and time) and bodies kept in memory.

use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Empty, Full};
use hyper::body::{Frame, SizeHint};
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::reload::{EVENTS_PATH, Reload, inject_script};

pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync>;
type Body = UnsyncBoxBody<Bytes, BoxError>;

/// Connections held at once. An idle one costs a task and a small buffer,
/// not a thread; past this, new ones wait in the kernel's accept queue.
const MAX_CONNECTIONS: usize = 4096;
/// Requests answered at once, each holding its permit until its body is
/// sent. Bounds open files and, with [`MAX_IN_MEMORY`], memory: a page
/// with the script added is held twice at most, so 16 x 2 x 8 MB.
const MAX_IN_FLIGHT: usize = 16;
/// How long a request waits for one of those permits before a 503, so a
/// few clients that never read their answers cannot hang everyone else.
const PERMIT_WAIT: Duration = Duration::from_secs(10);
/// A client gets this long to send a whole request head; idle connections
/// that never send one are closed after it too.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest request head read. Above hyper's own URI limit (64 KB), so a
/// long URL gets 414 URI Too Long and only a huge head 431.
const MAX_HEAD: usize = 128 * 1024;
/// URLs longer than this are no page of ours: 414 without resolving them.
const MAX_URI: usize = 8 * 1024;
/// Pages are read into memory only to add the reload script or rewrite
/// links; larger files are streamed untouched.
const MAX_IN_MEMORY: u64 = 8 * 1024 * 1024;

/// What the server needs from the preview.
pub(crate) struct Server {
    /// The private output folder.
    pub(crate) out: PathBuf,
    /// The base URL pages are built with (`http://127.0.0.1:1111/`).
    pub(crate) base: String,
    /// Bound to loopback: Hosts must name this machine. Otherwise links in
    /// textual answers are rewritten to the Host the browser used.
    pub(crate) loopback: bool,
    pub(crate) reload: Arc<Reload>,
    in_flight: Arc<Semaphore>,
}

impl Server {
    pub(crate) fn new(out: PathBuf, base: String, loopback: bool, reload: Arc<Reload>) -> Server {
        Server {
            out,
            base,
            loopback,
            reload,
            in_flight: Arc::new(Semaphore::new(MAX_IN_FLIGHT)),
        }
    }
}

/// Accepts connections until the runtime stops, each on its own task.
pub(crate) async fn serve(listener: tokio::net::TcpListener, server: Arc<Server>) {
    let connections = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
        .max_buf_size(MAX_HEAD)
        // `Content-Type`, as every server before wrote it, for scripts that
        // match header names exactly.
        .title_case_headers(true)
        // One request per connection, as before: clients that read until the
        // server closes (curl scripts, the tests) keep working.
        .keep_alive(false);
    loop {
        let permit = Arc::clone(&connections)
            .acquire_owned()
            .await
            .expect("the semaphore is never closed");
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // Out of file descriptors, or a connection reset before it was
            // accepted: wait a little instead of spinning on the error.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let server = Arc::clone(&server);
        let conn = http.serve_connection(
            TokioIo::new(stream),
            hyper::service::service_fn(move |req| {
                let server = Arc::clone(&server);
                async move { Ok::<_, Infallible>(handle(req, &server).await) }
            }),
        );
        tokio::spawn(async move {
            // A client that goes away mid-answer is not worth reporting.
            let _ = conn.await;
            drop(permit);
        });
    }
}

/// Every answer says: do not cache, do not guess the type.
async fn handle<B>(req: Request<B>, server: &Server) -> Response<Body> {
    let mut res = answer(req, server).await;
    let h = res.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    res
}

async fn answer<B>(req: Request<B>, server: &Server) -> Response<Body> {
    let uri = req.uri();
    if uri.path().len() + uri.query().map_or(0, str::len) > MAX_URI {
        return text(StatusCode::URI_TOO_LONG, "URI too long\n");
    }
    // Exactly one Host, made of host-name characters: anything else is not a
    // browser asking for a page, and a second Host could dodge the check.
    let mut hosts = req.headers().get_all(header::HOST).iter();
    let host = match (hosts.next(), hosts.next()) {
        (Some(h), None) => h.to_str().ok().filter(|h| is_plain_host(h)),
        _ => None,
    };
    let Some(host) = host else {
        return text(StatusCode::BAD_REQUEST, "bad host\n");
    };
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let mut res = text(StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n");
        res.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return res;
    }
    if server.loopback && !is_loopback_host(host) {
        return text(StatusCode::FORBIDDEN, "forbidden host\n");
    }
    if uri.path() == EVENTS_PATH {
        let mut res = if req.method() == Method::HEAD {
            Response::new(empty())
        } else {
            Response::new(server.reload.events().boxed_unsync())
        };
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/event-stream"),
        );
        return res;
    }
    let Ok(Ok(permit)) =
        tokio::time::timeout(PERMIT_WAIT, Arc::clone(&server.in_flight).acquire_owned()).await
    else {
        let mut res = text(StatusCode::SERVICE_UNAVAILABLE, "busy, try again\n");
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        return res;
    };
    // Bound to every interface: links must name the address this browser
    // used (a phone on the newsroom's network, say).
    let asked = format!("http://{host}/");
    let rewrite = (!server.loopback && asked != server.base)
        .then_some((server.base.as_str(), asked.as_str()));

    let (out, path) = (server.out.clone(), uri.path().to_owned());
    let found = tokio::task::spawn_blocking(move || {
        let file = resolve(&out, &path)?;
        let len = std::fs::metadata(&file).ok()?.len();
        Some((file, len))
    })
    .await
    .ok()
    .flatten();
    let Some((file, len)) = found else {
        return not_found(server, rewrite, permit).await;
    };
    let ctype = content_type(&file);
    let html = ctype.starts_with("text/html");
    let rewrite = rewrite.filter(|_| is_textual(ctype));
    if (html || rewrite.is_some()) && len <= MAX_IN_MEMORY {
        return match tokio::fs::read(&file).await {
            Ok(body) => full(StatusCode::OK, ctype, prepare(body, html, rewrite), permit),
            Err(_) => not_found(server, rewrite, permit).await,
        };
    }
    // Everything else streams from disk, with conditional and range requests.
    let mut copy = Request::new(Empty::<Bytes>::new());
    *copy.method_mut() = req.method().clone();
    *copy.headers_mut() = req.headers().clone();
    let mime: mime::Mime = ctype.parse().expect("content types are valid");
    match tower_http::services::ServeFile::new_with_mime(&file, &mime)
        // One content type per answer; several ranges get the whole file.
        .ignore_multi_range_requests(true)
        .try_call(copy)
        .await
    {
        Ok(res) if res.status() != StatusCode::NOT_FOUND => res.map(|body| {
            Held {
                body: body.map_err(BoxError::from).boxed_unsync(),
                _permit: permit,
            }
            .boxed_unsync()
        }),
        // Removed by a rebuild since it was resolved.
        _ => not_found(server, rewrite, permit).await,
    }
}

/// The site's 404 page (with the script, so it reloads when the page
/// appears), or a line of text when the site has none.
async fn not_found(
    server: &Server,
    rewrite: Option<(&str, &str)>,
    permit: OwnedSemaphorePermit,
) -> Response<Body> {
    let page = server.out.join("404.html");
    let small = tokio::fs::metadata(&page)
        .await
        .is_ok_and(|m| m.len() <= MAX_IN_MEMORY);
    let body = match small {
        true => tokio::fs::read(&page).await.ok(),
        false => None,
    }
    .unwrap_or_else(|| b"not found\n".to_vec());
    full(
        StatusCode::NOT_FOUND,
        "text/html; charset=utf-8",
        prepare(body, true, rewrite),
        permit,
    )
}

/// Links rewritten to the browser's address, then the reload script added.
fn prepare(mut body: Vec<u8>, html: bool, rewrite: Option<(&str, &str)>) -> Vec<u8> {
    if let Some((from, to)) = rewrite
        && let Ok(text) = std::str::from_utf8(&body)
    {
        body = text.replace(from, to).into_bytes();
    }
    if html {
        inject_script(&mut body);
    }
    body
}

fn is_textual(ctype: &str) -> bool {
    ctype.starts_with("text/")
        || ctype.starts_with("application/xml")
        || ctype.starts_with("application/json")
}

fn full(
    status: StatusCode,
    ctype: &'static str,
    body: Vec<u8>,
    permit: OwnedSemaphorePermit,
) -> Response<Body> {
    let body = Held {
        body: Full::new(Bytes::from(body))
            .map_err(|never| match never {})
            .boxed_unsync(),
        _permit: permit,
    };
    let mut res = Response::new(body.boxed_unsync());
    *res.status_mut() = status;
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
    res
}

fn text(status: StatusCode, message: &'static str) -> Response<Body> {
    let mut res = Response::new(
        Full::new(Bytes::from_static(message.as_bytes()))
            .map_err(|never| match never {})
            .boxed_unsync(),
    );
    *res.status_mut() = status;
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    res
}

fn empty() -> Body {
    Empty::new().map_err(|never| match never {}).boxed_unsync()
}

/// A body that keeps its request's in-flight permit until it is sent (or
/// the client goes away), so the limit counts bodies still being written.
struct Held {
    body: Body,
    _permit: OwnedSemaphorePermit,
}

impl hyper::body::Body for Held {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// The file a request path maps to, or None (404). Decodes percent escapes
/// once, refuses NUL, backslashes and `..`, then canonicalizes and checks the
/// prefix, so a symlink pointing outside is refused too.
pub fn resolve(root: &Path, request_path: &str) -> Option<PathBuf> {
    let path = request_path.split(['?', '#']).next()?;
    let decoded = percent_decode(path)?;
    if decoded.contains('\0') || decoded.contains('\\') || !decoded.starts_with('/') {
        return None;
    }
    if decoded.split('/').any(|seg| seg == ".." || seg == ".") {
        return None;
    }
    let mut candidate = root.join(decoded.trim_start_matches('/'));
    if decoded.ends_with('/') || candidate.is_dir() {
        candidate = candidate.join("index.html");
    }
    let real = candidate.canonicalize().ok()?;
    let root = root.canonicalize().ok()?;
    (real.starts_with(&root) && real.is_file()).then_some(real)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Whether a `Host` header names this machine (DNS-rebinding protection).
pub fn is_loopback_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        // `[::1]` or `[::1]:1111`, and nothing else after the bracket.
        Some(v6) => match v6.split_once(']') {
            Some((addr, rest)) if rest.is_empty() || is_port(rest) => addr,
            _ => return false,
        },
        None => match host.rsplit_once(':') {
            Some((h, port)) if is_port(&format!(":{port}")) => h,
            Some(_) => return false,
            None => host,
        },
    };
    // Parse, never prefix-match: "127.evil.com" is a name anyone can point anywhere.
    name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// `:1111`.
fn is_port(s: &str) -> bool {
    s.strip_prefix(':')
        .is_some_and(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()))
}

/// A Host header that can be echoed into a page: a name or address and a port.
pub fn is_plain_host(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 255
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
}

pub fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "json" => "application/json; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_traversal_and_odd_paths() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("a")).unwrap();
        std::fs::write(root.join("index.html"), "home").unwrap();
        std::fs::write(root.join("a/index.html"), "a").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "no").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), root.join("link.txt")).unwrap();
        assert!(resolve(&root, "/").is_some());
        assert!(resolve(&root, "/a").is_some());
        assert!(resolve(&root, "/a/?x=1").is_some());
        for bad in [
            "/../secret.txt",
            "/%2e%2e/secret.txt",
            "/%252e%252e/secret.txt",
            "/a/..%2fsecret.txt",
            "/..\\secret.txt",
            "/a%00",
            "/link.txt",
            "/nope",
            "/%zz",
        ] {
            assert!(resolve(&root, bad).is_none(), "{bad}");
        }
        let abs = format!("/{}", dir.path().join("secret.txt").display());
        assert!(resolve(&root, &abs).is_none());
    }

    #[test]
    fn checks_hosts() {
        for ok in [
            "localhost",
            "localhost:1111",
            "127.0.0.1:1111",
            "[::1]:1111",
            "127.1.2.3",
        ] {
            assert!(is_loopback_host(ok), "{ok}");
        }
        for bad in [
            "evil.com",
            "evil.com:1111",
            "localhost.evil.com",
            "10.0.0.1:1111",
            "127.evil.com",
            "127.0.0.1.nip.io:1111",
            "[::1]evil.com",
            "localhost:evil",
        ] {
            assert!(!is_loopback_host(bad), "{bad}");
        }
    }
}

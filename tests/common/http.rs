//! A minimal HTTP/1.1 client over `TcpStream`: one request per connection,
//! the whole answer (status line, headers and body) read until the server
//! closes the connection.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// Far above any answer's time: only a server that never answers trips it.
const READ_TIMEOUT: Duration = Duration::from_secs(20);

/// Sends raw bytes (which need not be UTF-8, nor a valid request) and reads
/// the whole answer: (status, raw answer text). Status 0 when the answer has
/// no status line.
pub(crate) fn try_request_bytes(port: u16, raw: &[u8]) -> std::io::Result<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(READ_TIMEOUT))?;
    s.write_all(raw)?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf)?;
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    Ok((status, text))
}

/// [`try_request_bytes`], failing the test on an I/O error.
#[track_caller]
pub(crate) fn request_bytes(port: u16, raw: &[u8]) -> (u16, String) {
    try_request_bytes(port, raw).unwrap_or_else(|e| panic!("request to port {port}: {e}"))
}

/// A raw request written out in full by the test (`"GET / HTTP/1.1\r\n..."`).
#[track_caller]
pub(crate) fn request(port: u16, raw: &str) -> (u16, String) {
    request_bytes(port, raw.as_bytes())
}

fn get_request(port: u16, path: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n")
}

/// `GET path` from `127.0.0.1:port`: (status, raw answer). `Connection: close`
/// makes servers that keep connections alive (nginx) end the answer.
#[track_caller]
pub(crate) fn get(port: u16, path: &str) -> (u16, String) {
    request(port, &get_request(port, path))
}

/// [`get`] that reports a failed connection instead of failing the test.
pub(crate) fn try_get(port: u16, path: &str) -> std::io::Result<(u16, String)> {
    try_request_bytes(port, get_request(port, path).as_bytes())
}

/// The value of header `name` in a raw answer (names compared without case).
pub(crate) fn header<'a>(answer: &'a str, name: &str) -> Option<&'a str> {
    let head = answer.split("\r\n\r\n").next()?;
    head.lines().skip(1).find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// The body of a raw answer.
pub(crate) fn body(answer: &str) -> &str {
    answer.split_once("\r\n\r\n").map_or("", |(_, b)| b)
}

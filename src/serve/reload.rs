//! Live reload: the script served pages get, and the Server-Sent Events
//! channel that tells them to reload, swap stylesheets or show a build error.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use hyper::body::{Body, Frame};
use tokio::sync::{mpsc, watch};

/// The path pages listen on for changes.
pub const EVENTS_PATH: &str = "/__bantin/events";

/// A comment line this often keeps proxies and browsers from dropping an
/// idle stream, and lets the server notice a closed tab.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// The script added to every HTML page served (never to built files).
const RELOAD_SCRIPT: &str = r#"<script>(function(){var es=new EventSource("/__bantin/events");es.onmessage=function(e){var d=e.data;if(d==="reload"){location.reload();}else if(d==="css"){document.querySelectorAll('link[rel="stylesheet"]').forEach(function(l){var u=new URL(l.href);u.searchParams.set("v",Date.now());l.href=u.toString();});var o=document.getElementById("bantin-error");if(o)o.remove();}else if(d.indexOf("error:")===0){var o=document.getElementById("bantin-error")||document.createElement("div");o.id="bantin-error";o.setAttribute("style","position:fixed;inset:0;background:rgba(20,0,0,.92);color:#fff;padding:2em;font:14px/1.5 monospace;white-space:pre-wrap;overflow:auto;z-index:99999");o.innerHTML=d.slice(6);document.body.appendChild(o);}};})();</script>"#;

/// Puts the reload script before the last `</body>`, or at the end.
pub(crate) fn inject_script(body: &mut Vec<u8>) {
    let at = body
        .windows(7)
        .rposition(|w| w == b"</body>")
        .unwrap_or(body.len());
    body.splice(at..at, RELOAD_SCRIPT.bytes());
}

/// What open pages are told next. The version counts messages, so a page
/// that missed some can tell (see [`Reload::events`]).
#[derive(Default)]
struct Message {
    version: u64,
    text: String,
}

/// The reload channel: the watcher publishes from its own thread, every open
/// page's event stream follows along on the server's runtime.
pub(crate) struct Reload {
    tx: watch::Sender<Message>,
}

impl Reload {
    pub(crate) fn new() -> Reload {
        Reload {
            tx: watch::Sender::new(Message::default()),
        }
    }

    /// `reload`, `css` or `error:<escaped HTML>`. Works with no page open.
    pub(crate) fn publish(&self, text: String) {
        self.tx.send_modify(|m| {
            m.version += 1;
            m.text = text;
        });
    }

    /// The body of one `/__bantin/events` response: the current error at
    /// once, then every later message. Must be called on the runtime.
    pub(crate) fn events(&self) -> EventBody {
        let mut rx = self.tx.subscribe();
        let (out, body) = mpsc::channel::<Bytes>(4);
        tokio::spawn(async move {
            let (mut seen, current) = {
                let m = rx.borrow_and_update();
                (m.version, m.text.clone())
            };
            if current.starts_with("error:") && out.send(frame(&current)).await.is_err() {
                return;
            }
            if out
                .send(Bytes::from_static(b": connected\n\n"))
                .await
                .is_err()
            {
                return;
            }
            loop {
                let next = tokio::select! {
                    // The page went away: stop at once rather than at the next message.
                    () = out.closed() => return,
                    changed = tokio::time::timeout(KEEP_ALIVE, rx.changed()) => changed,
                };
                let bytes = match next {
                    Err(_) => Bytes::from_static(b": keep-alive\n\n"),
                    // The watcher is gone: the preview is stopping.
                    Ok(Err(_)) => return,
                    Ok(Ok(())) => {
                        let m = rx.borrow_and_update();
                        // Several changes while this page was busy: a
                        // stylesheet swap alone could hide a content change.
                        let missed = m.version - seen > 1;
                        seen = m.version;
                        if missed && m.text == "css" {
                            frame("reload")
                        } else {
                            frame(&m.text)
                        }
                    }
                };
                if out.send(bytes).await.is_err() {
                    return;
                }
            }
        });
        EventBody(body)
    }
}

fn frame(message: &str) -> Bytes {
    Bytes::from(format!("data: {message}\n\n"))
}

/// A streamed response body fed by the task [`Reload::events`] starts;
/// dropping it (the connection closed) ends that task.
pub(crate) struct EventBody(mpsc::Receiver<Bytes>);

impl Body for EventBody {
    type Data = Bytes;
    type Error = super::server::BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        self.0.poll_recv(cx).map(|b| b.map(|b| Ok(Frame::data(b))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn injects_before_the_last_body_tag_or_at_the_end() {
        let mut page = b"<body><p></body></p></body>\n".to_vec();
        inject_script(&mut page);
        let page = String::from_utf8(page).unwrap();
        assert!(page.starts_with("<body><p></body></p><script>"));
        assert!(page.ends_with("</script></body>\n"));
        let mut bare = b"<p>x</p>".to_vec();
        inject_script(&mut bare);
        assert!(String::from_utf8(bare).unwrap().ends_with("</script>"));
    }
}

//! A small HTTP/1.1 server on a loopback address for what a real registry cannot be made
//! to do: paginate with `Link`, issue Bearer tokens, answer 429 and 503, cut bodies short,
//! serve wrong content, redirect to another host. A test gives it a handler; it records
//! every request. Keep-alive, `Content-Length` bodies, and three ways to misbehave. It
//! speaks plain HTTP, or HTTPS with a certificate from a test CA.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::io::{
    AsyncBufReadExt as _, AsyncRead, AsyncReadExt as _, AsyncWrite, AsyncWriteExt as _, BufReader,
};
use tokio::net::{TcpListener, TcpStream};

/// A request as the server saw it.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    /// Path and query, as sent.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The path without the query.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }

    /// A query parameter (no percent-decoding beyond `%2F`/`%3A`, enough for tests).
    pub fn query(&self, key: &str) -> Option<String> {
        let q = self.target.split_once('?')?.1;
        q.split('&').find_map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (k == key).then(|| {
                v.replace("%2F", "/")
                    .replace("%3A", ":")
                    .replace("%2f", "/")
                    .replace("%3a", ":")
            })
        })
    }
}

#[derive(Clone, Debug)]
enum Mode {
    Normal,
    /// Declare the full length, send half, close.
    Truncate,
    /// Send the body with chunked encoding (no length up front).
    Chunked,
    /// Close the connection without answering.
    Close,
    /// Say nothing for this long, then close.
    Hang(std::time::Duration),
    /// Wait this long, then answer normally.
    Delay(std::time::Duration),
}

/// A response to send.
#[derive(Clone, Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    mode: Mode,
}

impl Response {
    pub fn new(status: u16) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            mode: Mode::Normal,
        }
    }
    pub fn json(status: u16, value: &serde_json::Value) -> Response {
        Response::new(status)
            .header("content-type", "application/json")
            .body(serde_json::to_vec(value).unwrap())
    }
    pub fn bytes(content_type: &str, body: &[u8]) -> Response {
        Response::new(200)
            .header("content-type", content_type)
            .body(body.to_vec())
    }
    pub fn header(mut self, k: &str, v: &str) -> Response {
        self.headers.push((k.to_owned(), v.to_owned()));
        self
    }
    pub fn body(mut self, body: Vec<u8>) -> Response {
        self.body = body;
        self
    }
    pub fn truncated(mut self) -> Response {
        self.mode = Mode::Truncate;
        self
    }
    pub fn chunked(mut self) -> Response {
        self.mode = Mode::Chunked;
        self
    }
    /// Answer only after `d`.
    pub fn delayed(mut self, d: std::time::Duration) -> Response {
        self.mode = Mode::Delay(d);
        self
    }
    pub fn close() -> Response {
        let mut r = Response::new(0);
        r.mode = Mode::Close;
        r
    }
    pub fn hang(d: std::time::Duration) -> Response {
        let mut r = Response::new(0);
        r.mode = Mode::Hang(d);
        r
    }
    /// An OCI error body.
    pub fn error(status: u16, code: &str, message: &str) -> Response {
        Response::json(
            status,
            &serde_json::json!({"errors": [{"code": code, "message": message, "detail": null}]}),
        )
    }
}

type Handler = dyn Fn(&Request) -> Response + Send + Sync;

/// A running fake server; stopped on drop.
pub struct FakeServer {
    pub addr: SocketAddr,
    requests: Arc<Mutex<Vec<Request>>>,
    task: tokio::task::JoinHandle<()>,
}

impl FakeServer {
    /// Starts a server on `ip` (such as `127.0.0.1` or `127.0.0.2`), any free port.
    pub async fn start(
        ip: &str,
        handler: impl Fn(&Request) -> Response + Send + Sync + 'static,
    ) -> FakeServer {
        let listener = TcpListener::bind((ip, 0))
            .await
            .expect("binding the fake server");
        let addr = listener.local_addr().expect("fake server address");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let seen = Arc::clone(&requests);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let handler = Arc::clone(&handler);
                let seen = Arc::clone(&seen);
                tokio::spawn(async move {
                    let _ = serve_plain(stream, handler, seen).await;
                });
            }
        });
        FakeServer {
            addr,
            requests,
            task,
        }
    }

    /// Starts a server that speaks HTTPS with `acceptor`'s certificate.
    pub async fn start_tls(
        ip: &str,
        acceptor: tokio_rustls::TlsAcceptor,
        handler: impl Fn(&Request) -> Response + Send + Sync + 'static,
    ) -> FakeServer {
        let listener = TcpListener::bind((ip, 0))
            .await
            .expect("binding the fake server");
        let addr = listener.local_addr().expect("fake server address");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let seen = Arc::clone(&requests);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let handler = Arc::clone(&handler);
                let seen = Arc::clone(&seen);
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    let _ = stream.set_nodelay(true);
                    if let Ok(tls) = acceptor.accept(stream).await {
                        let _ = serve(tls, handler, seen).await;
                    }
                });
            }
        });
        FakeServer {
            addr,
            requests,
            task,
        }
    }

    /// `ip:port`.
    pub fn host(&self) -> String {
        self.addr.to_string()
    }

    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }

    pub fn count(&self, pred: impl Fn(&Request) -> bool) -> usize {
        self.requests
            .lock()
            .unwrap()
            .iter()
            .filter(|r| pred(r))
            .count()
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve_plain(
    stream: TcpStream,
    handler: Arc<Handler>,
    seen: Arc<Mutex<Vec<Request>>>,
) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    serve(stream, handler, seen).await
}

async fn serve<S: AsyncRead + AsyncWrite + Unpin>(
    stream: S,
    handler: Arc<Handler>,
    seen: Arc<Mutex<Vec<Request>>>,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream);
    loop {
        // A TLS ClientHello (a client trying HTTPS first) starts with 0x16: hang up.
        let first = reader.fill_buf().await?;
        if first.is_empty() || first[0] == 0x16 {
            return Ok(());
        }
        let mut line = String::new();
        if reader.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let mut parts = line.split_whitespace();
        let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
            return Ok(());
        };
        let (method, target) = (method.to_owned(), target.to_owned());
        let mut headers = Vec::new();
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).await? == 0 {
                return Ok(());
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                headers.push((k.trim().to_owned(), v.trim().to_owned()));
            }
        }
        let len: usize = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0; len];
        reader.read_exact(&mut body).await?;
        let req = Request {
            method,
            target,
            headers,
            body,
        };
        seen.lock().unwrap().push(req.clone());
        let resp = handler(&req);
        let stream = reader.get_mut();
        let reason = match resp.status {
            200 => "OK",
            201 => "Created",
            202 => "Accepted",
            302 => "Found",
            307 => "Temporary Redirect",
            400 => "Bad Request",
            401 => "Unauthorized",
            404 => "Not Found",
            429 => "Too Many Requests",
            503 => "Service Unavailable",
            _ => "Status",
        };
        let mut head = format!("HTTP/1.1 {} {reason}\r\n", resp.status);
        for (k, v) in &resp.headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        match resp.mode {
            Mode::Close => return Ok(()),
            Mode::Hang(d) => {
                tokio::time::sleep(d).await;
                return Ok(());
            }
            Mode::Delay(d) => {
                tokio::time::sleep(d).await;
                head.push_str(&format!("content-length: {}\r\n\r\n", resp.body.len()));
            }
            Mode::Chunked => head.push_str("transfer-encoding: chunked\r\n\r\n"),
            _ => head.push_str(&format!("content-length: {}\r\n\r\n", resp.body.len())),
        }
        stream.write_all(head.as_bytes()).await?;
        if req.method == "HEAD" {
            continue;
        }
        match resp.mode {
            Mode::Normal | Mode::Delay(_) => stream.write_all(&resp.body).await?,
            Mode::Truncate => {
                stream.write_all(&resp.body[..resp.body.len() / 2]).await?;
                stream.flush().await?;
                return Ok(());
            }
            Mode::Chunked => {
                for chunk in resp.body.chunks(64 * 1024) {
                    stream
                        .write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
                        .await?;
                    stream.write_all(chunk).await?;
                    stream.write_all(b"\r\n").await?;
                }
                stream.write_all(b"0\r\n\r\n").await?;
            }
            Mode::Close | Mode::Hang(_) => return Ok(()),
        }
        stream.flush().await?;
    }
}

/// Serves built images like a registry: manifests by tag and digest, blobs by digest,
/// the tags list. Returns `None` for paths it does not know, so a handler can add to it.
#[derive(Default, Clone)]
pub struct Content {
    pub manifests: std::collections::BTreeMap<String, (String, Vec<u8>)>,
    pub blobs: std::collections::BTreeMap<String, Vec<u8>>,
    pub tags: Vec<String>,
}

impl Content {
    pub fn add(&mut self, built: &super::registry::Built) {
        for b in &built.blobs {
            self.blobs.insert(super::registry::sha256(b), b.clone());
        }
        for (mt, bytes) in &built.children {
            self.manifests
                .insert(super::registry::sha256(bytes), (mt.clone(), bytes.clone()));
        }
        self.manifests.insert(
            built.tag.clone(),
            (built.media_type.clone(), built.manifest.clone()),
        );
        self.manifests.insert(
            built.digest.clone(),
            (built.media_type.clone(), built.manifest.clone()),
        );
        if !self.tags.contains(&built.tag) {
            self.tags.push(built.tag.clone());
        }
    }

    /// The answer for `/v2/<repo>/...`, if this is a path it serves.
    pub fn serve(&self, repo: &str, req: &Request) -> Option<Response> {
        let rest = req.path().strip_prefix(&format!("/v2/{repo}/"))?;
        if rest == "tags/list" {
            return Some(Response::json(
                200,
                &serde_json::json!({"name": repo, "tags": self.tags}),
            ));
        }
        if let Some(r) = rest.strip_prefix("manifests/") {
            return Some(match self.manifests.get(r) {
                Some((mt, bytes)) => Response::bytes(mt, bytes)
                    .header("docker-content-digest", &super::registry::sha256(bytes)),
                None => Response::error(404, "MANIFEST_UNKNOWN", "manifest unknown"),
            });
        }
        if let Some(d) = rest.strip_prefix("blobs/") {
            return Some(match self.blobs.get(d) {
                Some(bytes) => Response::bytes("application/octet-stream", bytes)
                    .header("docker-content-digest", d),
                None => Response::error(404, "BLOB_UNKNOWN", "blob unknown"),
            });
        }
        None
    }
}

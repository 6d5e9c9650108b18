//! git's smart HTTP on a loopback address, behind HTTP Basic auth: every authorized request
//! runs `git http-backend` as a CGI over the repositories under one directory. It records
//! each request (method, path, the user named by the credentials, whether they were
//! accepted, the status sent) and can run a hook before a chosen request is served, so a
//! test can move the remote on at exactly the wrong moment.
//!
//! Blocking I/O on plain threads: the client under test is a child process, so nothing
//! here needs the test's async runtime. Keep-alive, `Content-Length` and chunked request
//! bodies, `Expect: 100-continue`; a gzip-encoded body is handed to http-backend with
//! `HTTP_CONTENT_ENCODING`, which inflates it itself.
#![allow(dead_code)]

use std::io::{self, BufRead as _, BufReader, Read as _, Write as _};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;

/// A request as the server saw it.
#[derive(Clone, Debug)]
pub struct GitRequest {
    /// `GET` or `POST`.
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The query, without `?` (empty when there is none).
    pub query: String,
    /// The username of the Basic credentials sent, if any were.
    pub user: Option<String>,
    /// Whether credentials were sent at all.
    pub sent_credentials: bool,
    /// Whether they matched an account.
    pub authorized: bool,
    /// Whether the body came in chunks (`Transfer-Encoding: chunked`).
    pub chunked: bool,
    /// The body's length, decoded.
    pub body_len: usize,
    /// The status code sent back.
    pub status: u16,
}

impl GitRequest {
    /// A push's pack upload (`POST …/git-receive-pack`).
    pub fn is_push(&self) -> bool {
        self.method == "POST" && self.path.ends_with("/git-receive-pack")
    }

    /// A fetch's pack download (`POST …/git-upload-pack`).
    pub fn is_fetch(&self) -> bool {
        self.method == "POST" && self.path.ends_with("/git-upload-pack")
    }
}

type Hook = Box<dyn FnOnce() + Send>;

/// A hook to run once, before the first authorized request with this method whose path
/// and query contain `needle` is served.
struct PendingHook {
    method: String,
    needle: String,
    hook: Option<Hook>,
}

struct Shared {
    root: PathBuf,
    accounts: Vec<(String, String)>,
    backend: PathBuf,
    log: Mutex<Vec<GitRequest>>,
    backend_errors: Mutex<Vec<String>>,
    hooks: Mutex<Vec<PendingHook>>,
    stop: AtomicBool,
}

/// A running server; it stops accepting connections when dropped.
pub struct GitHttp {
    addr: SocketAddr,
    shared: Arc<Shared>,
}

impl GitHttp {
    /// Serve the repositories under `root` (as `http://127.0.0.1:PORT/<path under root>`)
    /// to clients that send one of `accounts` (username, password); push is allowed to
    /// them too.
    pub fn start(root: &Path, accounts: &[(&str, &str)]) -> GitHttp {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        let shared = Arc::new(Shared {
            root: root.to_path_buf(),
            accounts: accounts
                .iter()
                .map(|(u, p)| ((*u).to_owned(), (*p).to_owned()))
                .collect(),
            backend: http_backend(),
            log: Mutex::new(Vec::new()),
            backend_errors: Mutex::new(Vec::new()),
            hooks: Mutex::new(Vec::new()),
            stop: AtomicBool::new(false),
        });
        let accepting = Arc::clone(&shared);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if accepting.stop.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(stream) = stream else { continue };
                let conn = Arc::clone(&accepting);
                std::thread::spawn(move || {
                    let _ = serve(stream, &conn);
                });
            }
        });
        GitHttp { addr, shared }
    }

    /// The URL of a repository under the root, e.g. `url("remote.git")`.
    pub fn url(&self, repo: &str) -> String {
        format!("http://{}/{repo}", self.addr)
    }

    /// `host:port`.
    pub fn authority(&self) -> String {
        self.addr.to_string()
    }

    /// Every request so far, in the order they were answered.
    pub fn requests(&self) -> Vec<GitRequest> {
        self.shared.log.lock().expect("log").clone()
    }

    /// Forget the requests so far.
    pub fn clear_requests(&self) {
        self.shared.log.lock().expect("log").clear();
    }

    /// What http-backend wrote to stderr, for failure messages.
    pub fn backend_errors(&self) -> String {
        self.shared
            .backend_errors
            .lock()
            .expect("errors")
            .join("\n")
    }

    /// Run `hook` once, just before the first authorized `method` request whose path and
    /// query contain `needle` is handed to http-backend.
    pub fn before(&self, method: &str, needle: &str, hook: impl FnOnce() + Send + 'static) {
        self.shared.hooks.lock().expect("hooks").push(PendingHook {
            method: method.to_owned(),
            needle: needle.to_owned(),
            hook: Some(Box::new(hook)),
        });
    }
}

impl Drop for GitHttp {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(self.addr);
    }
}

/// `git-http-backend` in git's exec path.
fn http_backend() -> PathBuf {
    let out = Command::new("git")
        .arg("--exec-path")
        .output()
        .expect("running git --exec-path");
    assert!(out.status.success(), "git --exec-path failed");
    let dir = String::from_utf8(out.stdout).expect("utf-8 exec path");
    let backend = Path::new(dir.trim()).join("git-http-backend");
    assert!(backend.is_file(), "no {}", backend.display());
    backend
}

/// One parsed request.
struct Incoming {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Incoming {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Answer requests on one connection until the client closes it or asks to.
fn serve(stream: TcpStream, shared: &Shared) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut out = stream;
    loop {
        let Some(request) = read_request(&mut reader, &mut out)? else {
            return Ok(());
        };
        let close = request
            .header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"));
        let (path, query) = match request.target.split_once('?') {
            Some((p, q)) => (p.to_owned(), q.to_owned()),
            None => (request.target.clone(), String::new()),
        };
        let credentials = request.header("authorization").and_then(basic_credentials);
        let authorized = credentials.as_ref().is_some_and(|(user, password)| {
            shared
                .accounts
                .iter()
                .any(|(u, p)| u == user && p == password)
        });
        let response = if authorized {
            run_hooks(shared, &request.method, &request.target);
            let user = credentials.as_ref().map(|(u, _)| u.as_str()).unwrap_or("");
            cgi(shared, &request, &path, &query, user)
        } else {
            Response {
                status: 401,
                reason: "Unauthorized".to_owned(),
                headers: vec![(
                    "WWW-Authenticate".to_owned(),
                    "Basic realm=\"tagpilot test git\"".to_owned(),
                )],
                body: b"authentication required\n".to_vec(),
            }
        };
        shared.log.lock().expect("log").push(GitRequest {
            method: request.method.clone(),
            path,
            query,
            user: credentials.map(|(u, _)| u),
            sent_credentials: request.header("authorization").is_some(),
            authorized,
            chunked: request
                .header("transfer-encoding")
                .is_some_and(|v| v.to_ascii_lowercase().contains("chunked")),
            body_len: request.body.len(),
            status: response.status,
        });
        let mut head = format!("HTTP/1.1 {} {}\r\n", response.status, response.reason);
        for (k, v) in &response.headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str(&format!("Content-Length: {}\r\n", response.body.len()));
        if close {
            head.push_str("Connection: close\r\n");
        }
        head.push_str("\r\n");
        out.write_all(head.as_bytes())?;
        out.write_all(&response.body)?;
        out.flush()?;
        if close {
            return Ok(());
        }
    }
}

/// Read one request, body included (a chunked body is decoded). `None` at end of stream.
fn read_request(
    reader: &mut BufReader<TcpStream>,
    out: &mut TcpStream,
) -> io::Result<Option<Incoming>> {
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        if !line.trim().is_empty() {
            break;
        }
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_owned();
    let target = parts.next().unwrap_or("/").to_owned();
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 {
            return Ok(None);
        }
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((k, v)) = header.split_once(':') {
            headers.push((k.trim().to_owned(), v.trim().to_owned()));
        }
    }
    let mut request = Incoming {
        method,
        target,
        headers,
        body: Vec::new(),
    };
    if request
        .header("expect")
        .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"))
    {
        out.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
        out.flush()?;
    }
    let chunked = request
        .header("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    if chunked {
        request.body = read_chunked(reader)?;
    } else if let Some(length) = request
        .header("content-length")
        .and_then(|v| v.parse::<usize>().ok())
    {
        let mut body = vec![0; length];
        reader.read_exact(&mut body)?;
        request.body = body;
    }
    Ok(Some(request))
}

/// Decode a chunked body, trailers skipped.
fn read_chunked(reader: &mut BufReader<TcpStream>) -> io::Result<Vec<u8>> {
    let bad = |what: &str| io::Error::new(io::ErrorKind::InvalidData, what.to_owned());
    let mut body = Vec::new();
    loop {
        let mut size_line = String::new();
        if reader.read_line(&mut size_line)? == 0 {
            return Err(bad("chunked body cut short"));
        }
        let size_text = size_line.trim().split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_text, 16).map_err(|_| bad("bad chunk size"))?;
        if size == 0 {
            loop {
                let mut trailer = String::new();
                if reader.read_line(&mut trailer)? == 0 || trailer.trim().is_empty() {
                    return Ok(body);
                }
            }
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader.read_exact(&mut body[start..])?;
        let mut crlf = [0u8; 2];
        reader.read_exact(&mut crlf)?;
        if &crlf != b"\r\n" {
            return Err(bad("chunk not followed by CRLF"));
        }
    }
}

/// `Authorization: Basic …` decoded to (username, password).
fn basic_credentials(value: &str) -> Option<(String, String)> {
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, password) = text.split_once(':')?;
    Some((user.to_owned(), password.to_owned()))
}

fn run_hooks(shared: &Shared, method: &str, target: &str) {
    let due: Vec<Hook> = {
        let mut hooks = shared.hooks.lock().expect("hooks");
        hooks
            .iter_mut()
            .filter(|h| h.method == method && target.contains(&h.needle))
            .filter_map(|h| h.hook.take())
            .collect()
    };
    for hook in due {
        hook();
    }
}

struct Response {
    status: u16,
    reason: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// Run http-backend for one request and turn its CGI answer into a response.
fn cgi(shared: &Shared, request: &Incoming, path: &str, query: &str, user: &str) -> Response {
    let mut cmd = Command::new(&shared.backend);
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", &shared.root)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_PROJECT_ROOT", &shared.root)
        .env("GIT_HTTP_EXPORT_ALL", "1")
        .env("GATEWAY_INTERFACE", "CGI/1.1")
        .env("SERVER_PROTOCOL", "HTTP/1.1")
        .env("REQUEST_METHOD", &request.method)
        .env("PATH_INFO", path)
        .env("QUERY_STRING", query)
        .env("REMOTE_ADDR", "127.0.0.1")
        .env("REMOTE_USER", user)
        .env("CONTENT_LENGTH", request.body.len().to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(v) = request.header("content-type") {
        cmd.env("CONTENT_TYPE", v);
    }
    if let Some(v) = request.header("content-encoding") {
        cmd.env("HTTP_CONTENT_ENCODING", v);
    }
    if let Some(v) = request.header("git-protocol") {
        cmd.env("GIT_PROTOCOL", v);
    }
    let mut child = cmd.spawn().expect("running git http-backend");
    let mut stdin = child.stdin.take().expect("stdin");
    let body = request.body.clone();
    // Write the body from another thread so a large answer cannot deadlock the pipes.
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&body);
    });
    let output = child.wait_with_output().expect("http-backend output");
    let _ = writer.join();
    if !output.stderr.is_empty() {
        shared
            .backend_errors
            .lock()
            .expect("errors")
            .push(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    parse_cgi(&output.stdout)
}

/// Split a CGI answer into its `Status:`, its other headers and the body.
fn parse_cgi(raw: &[u8]) -> Response {
    let split = |sep: &[u8]| raw.windows(sep.len()).position(|w| w == sep);
    let (head_end, body_start) = match (split(b"\r\n\r\n"), split(b"\n\n")) {
        (Some(a), Some(b)) if b < a => (b, b + 2),
        (Some(a), _) => (a, a + 4),
        (None, Some(b)) => (b, b + 2),
        (None, None) => {
            return Response {
                status: 502,
                reason: "Bad Gateway".to_owned(),
                headers: Vec::new(),
                body: raw.to_vec(),
            };
        }
    };
    let head = String::from_utf8_lossy(&raw[..head_end]);
    let mut status = 200;
    let mut reason = "OK".to_owned();
    let mut headers = Vec::new();
    for line in head.lines() {
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        let v = v.trim();
        if k.eq_ignore_ascii_case("status") {
            let (code, text) = v.split_once(' ').unwrap_or((v, ""));
            status = code.parse().unwrap_or(500);
            reason = if text.is_empty() { "Status" } else { text }.to_owned();
        } else if !k.eq_ignore_ascii_case("content-length")
            && !k.eq_ignore_ascii_case("transfer-encoding")
        {
            headers.push((k.trim().to_owned(), v.to_owned()));
        }
    }
    Response {
        status,
        reason,
        headers,
        body: raw[body_start..].to_vec(),
    }
}

//! One HTTP exchange: redirects followed by hand (so credentials never leave the
//! registry's origin), every hop counted and logged, bodies read up to a bound.

use std::sync::atomic::Ordering;
use std::time::Instant;

use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode, Url};

use super::{HostState, Reply, Transport, lock};
use crate::registry::RegistryError;
use crate::registry::error::has_io_kind;

/// Bound for error bodies: only their message is read.
const ERROR_BODY_LIMIT: u64 = 64 * 1024;
const MAX_REDIRECTS: usize = 10;
/// Timeouts or connection failures in a row after which a host is given up for the run.
const FAILURES_BEFORE_DOWN: u32 = 3;

/// One request as the transport sends it, before redirects.
pub(super) struct Exchange<'a> {
    pub(super) method: Method,
    pub(super) url: Url,
    /// The origin `auth` may be sent to; `None` sends it nowhere.
    pub(super) origin: Option<&'a Url>,
    pub(super) accept: &'a str,
    pub(super) auth: Option<&'a HeaderValue>,
    /// A form body (`application/x-www-form-urlencoded`).
    pub(super) form: Option<String>,
    /// Bound of the body of a successful answer.
    pub(super) limit: u64,
    /// What is being done, for error messages.
    pub(super) doing: &'a str,
    /// Whether this is the HTTPS probe of an insecure host: its failure only means "use
    /// plain HTTP", so it does not count against the host.
    pub(super) probe: bool,
}

/// `host[:port]` of a URL as written in `--insecure-registry` and API hosts.
pub(crate) fn authority(url: &Url) -> String {
    // host_str keeps the brackets of an IPv6 address.
    let host = url.host_str().unwrap_or("");
    match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_owned(),
    }
}

pub(crate) fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

/// How a URL is shown in the request log: the query of a URL on another origin than the
/// registry (a pre-signed storage URL) may hold a signature, so it is left out.
pub(super) fn shown_url(url: &Url, registry: Option<&Url>) -> String {
    let foreign = registry.is_none_or(|r| !same_origin(r, url));
    if foreign && url.query().is_some() {
        let mut u = url.clone();
        u.set_query(None);
        format!("{u}?(query hidden)")
    } else {
        url.to_string()
    }
}

impl Transport {
    /// One HTTP exchange with manual redirects, counted and logged, within the host's
    /// rate and the concurrency bound. The `Authorization` header is sent only while the
    /// URL stays on the exchange's origin.
    pub(super) async fn exchange(&self, ex: Exchange<'_>) -> Result<Reply, RegistryError> {
        let limiter_host = authority(&ex.url);
        let wait = lock(&self.host(&limiter_host).limiter).reserve(Instant::now());
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
        let _permit = self
            .semaphore
            .acquire()
            .await
            .map_err(|_| RegistryError::Setup("the client was shut down".into()))?;
        // Checked once this request's turn has come: the requests queued behind the
        // failing ones are the ones not to send.
        self.refuse_if_down(&limiter_host, ex.doing)?;
        let mut url = ex.url.clone();
        let mut method = ex.method.clone();
        let mut form = ex.form.clone();
        let mut auth = ex.auth;
        for _ in 0..=MAX_REDIRECTS {
            // Once a hop has left the origin, no later hop gets the credentials back.
            if !ex.origin.is_some_and(|o| same_origin(o, &url)) {
                auth = None;
            }
            let resp = self.hop(&ex, &method, &url, auth, form.as_ref()).await?;
            let status = resp.status();
            if status.is_redirection()
                && let Some(loc) = resp.headers().get(reqwest::header::LOCATION)
            {
                let loc = loc.to_str().unwrap_or("");
                url = url.join(loc).map_err(|e| {
                    RegistryError::invalid(ex.doing, format!("redirect to an invalid URL: {e}"))
                })?;
                if status == StatusCode::SEE_OTHER && method != Method::HEAD {
                    method = Method::GET;
                    form = None;
                }
                continue;
            }
            let headers = resp.headers().clone();
            let body = if method == Method::HEAD {
                Vec::new()
            } else if status.is_success() {
                read_bounded(resp, ex.limit, false, ex.doing).await?
            } else {
                read_bounded(resp, ERROR_BODY_LIMIT, true, ex.doing).await?
            };
            return Ok(Reply {
                status,
                headers,
                body,
                url,
            });
        }
        Err(RegistryError::invalid(
            ex.doing,
            format!("more than {MAX_REDIRECTS} redirects"),
        ))
    }

    /// An error when `authority` has timed out or refused connections too often in a row.
    fn refuse_if_down(&self, authority: &str, doing: &str) -> Result<(), RegistryError> {
        let host = self.host(authority);
        let failures = lock(&host.failures);
        if failures.0 < FAILURES_BEFORE_DOWN {
            return Ok(());
        }
        Err(RegistryError::HostDown {
            doing: doing.to_owned(),
            host: authority.to_owned(),
            failures: failures.0,
            cause: failures.1.clone(),
        })
    }

    /// Sends one request of an exchange and logs its answer.
    async fn hop(
        &self,
        ex: &Exchange<'_>,
        method: &Method,
        url: &Url,
        auth: Option<&HeaderValue>,
        form: Option<&String>,
    ) -> Result<reqwest::Response, RegistryError> {
        let req = self.request(ex, method, url, auth, form);
        let pull = *method == Method::GET && super::is_manifest_path(url.path());
        let state = self.host(&authority(url));
        if pull {
            reserve_pull(&state, ex.doing, url)?;
        }
        let started = Instant::now();
        self.requests.fetch_add(1, Ordering::Relaxed);
        let sent = req.send().await;
        if let Ok(resp) = &sent {
            note_budget(&state, resp, pull);
        }
        let line = RequestLine {
            method,
            shown: shown_url(url, ex.origin),
            ms: started.elapsed().as_millis(),
            probe: ex.probe,
            host: authority(url),
        };
        let host = self.host(&line.host);
        let failed = sent.as_ref().map_or(true, |r| {
            r.status().as_u16() >= 400 && r.status().as_u16() != 401
        });
        {
            // The HTTPS probe of an insecure host is expected to fail.
            let mut counts = lock(&host.counts);
            counts.0 += 1;
            counts.1 += u64::from(failed && !ex.probe);
        }
        match sent {
            Ok(resp) => {
                lock(&host.failures).0 = 0;
                let status = resp.status().as_u16();
                let outcome = if status >= 400 && status != 401 {
                    format!("HTTP {status}")
                } else {
                    status.to_string()
                };
                self.log_line(&line, &outcome);
                if self.settings.log_headers {
                    self.log_headers(resp.headers(), url, ex.origin);
                }
                Ok(resp)
            }
            Err(e) => {
                let err = RegistryError::from_request(ex.doing, &line.host, &e);
                let cause = log_cause(&e, &err);
                self.log_line(&line, &cause);
                if let RegistryError::Transport {
                    timeout, connect, ..
                } = &err
                    && (*timeout || *connect)
                    && !ex.probe
                {
                    let mut failures = lock(&host.failures);
                    failures.0 += 1;
                    failures.1 = cause;
                }
                Err(err)
            }
        }
    }

    /// The request of one hop: its method and URL, `Accept`, and the credentials and form
    /// body when it has them.
    fn request(
        &self,
        ex: &Exchange<'_>,
        method: &Method,
        url: &Url,
        auth: Option<&HeaderValue>,
        form: Option<&String>,
    ) -> reqwest::RequestBuilder {
        let mut req = self
            .client(&authority(url))
            .request(method.clone(), url.clone())
            .header(reqwest::header::ACCEPT, ex.accept);
        if let Some(a) = auth {
            req = req.header(reqwest::header::AUTHORIZATION, a.clone());
        }
        if let Some(b) = form {
            req = req
                .header(
                    reqwest::header::CONTENT_TYPE,
                    "application/x-www-form-urlencoded",
                )
                .body(b.clone());
        }
        req
    }

    /// Logs a request line with `-v`: what was asked, what came of it, how long it took.
    fn log_line(&self, line: &RequestLine<'_>, outcome: &str) {
        let RequestLine {
            method,
            shown,
            ms,
            probe,
            host,
        } = line;
        if *probe {
            self.log(format_args!(
                "{method} {shown} -> {outcome} ({ms} ms) [HTTPS probe of insecure host {host}]"
            ));
        } else {
            self.log(format_args!("{method} {shown} -> {outcome} ({ms} ms)"));
        }
    }

    /// Logs an answer's headers with `-vv`, with secrets left out.
    fn log_headers(&self, headers: &HeaderMap, url: &Url, origin: Option<&Url>) {
        for (name, value) in headers {
            let value = String::from_utf8_lossy(value.as_bytes());
            let shown = if is_secret_header(name.as_str()) {
                "(redacted)".to_owned()
            } else if name == reqwest::header::LOCATION {
                url.join(&value)
                    .map_or_else(|_| escape(&value), |to| shown_url(&to, origin))
            } else {
                escape(&value)
            };
            self.log(format_args!("    {name}: {shown}"));
        }
    }
}

/// Takes a pull's share of the host's budget before it is sent, so that requests in
/// flight together cannot overspend it; an error when nothing is left.
fn reserve_pull(state: &HostState, doing: &str, url: &Url) -> Result<(), RegistryError> {
    let mut pulls = lock(&state.pulls);
    match pulls.left {
        Some(0) => Err(RegistryError::PullBudget {
            doing: doing.to_owned(),
            host: authority(url),
        }),
        Some(n) => {
            pulls.left = Some(n - 1);
            Ok(())
        }
        None => Ok(()),
    }
}

/// What an answer says of the host's pull budget (`ratelimit-limit`,
/// `ratelimit-remaining`), and the pull it cost.
fn note_budget(state: &HostState, resp: &reqwest::Response, pull: bool) {
    let mut pulls = lock(&state.pulls);
    let number = |name: &str| {
        let value = resp.headers().get(name)?.to_str().ok()?;
        value.split(';').next()?.trim().parse::<u64>().ok()
    };
    // Within a run the budget only shrinks: an answer to an earlier request may arrive
    // after later pulls took their share.
    pulls.left = match (number("ratelimit-remaining"), pulls.left) {
        (Some(said), Some(known)) => Some(said.min(known)),
        (said, known) => said.or(known),
    };
    pulls.limit = number("ratelimit-limit").or(pulls.limit);
    pulls.used += u64::from(pull && resp.status().is_success());
}

/// What a request line of the log shows.
struct RequestLine<'a> {
    method: &'a Method,
    shown: String,
    ms: u128,
    probe: bool,
    host: String,
}

/// The cause of a failed request, in a few words, for the log.
fn log_cause(err: &reqwest::Error, registry_err: &RegistryError) -> String {
    match registry_err {
        RegistryError::PlainHttp { .. } => "plain HTTP answer".to_owned(),
        RegistryError::Tls { detail, .. } => format!("TLS: {detail}"),
        RegistryError::Transport { timeout: true, .. } => "timed out".to_owned(),
        RegistryError::Transport { detail, .. } => {
            if has_io_kind(err, std::io::ErrorKind::ConnectionRefused) {
                "connection refused".to_owned()
            } else if has_io_kind(err, std::io::ErrorKind::ConnectionReset) {
                "connection reset".to_owned()
            } else {
                // reqwest's own words for "could not connect" add nothing.
                detail.replace("client error (Connect): ", "")
            }
        }
        other => other.to_string(),
    }
}

/// Whether a response header's value may hold a secret.
fn is_secret_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    [
        "cookie",
        "authorization",
        "token",
        "secret",
        "signature",
        "credential",
    ]
    .iter()
    .any(|word| name.contains(word))
}

/// A header value with control characters escaped, so it cannot drive the terminal.
fn escape(value: &str) -> String {
    value
        .chars()
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}

/// Reads a body up to `limit` bytes: more is an error, or cut off when `truncate`.
async fn read_bounded(
    mut resp: reqwest::Response,
    limit: u64,
    truncate: bool,
    doing: &str,
) -> Result<Vec<u8>, RegistryError> {
    if !truncate && resp.content_length().is_some_and(|n| n > limit) {
        return Err(RegistryError::TooLarge {
            doing: doing.to_owned(),
            limit,
        });
    }
    let mut buf: Vec<u8> = Vec::new();
    loop {
        let chunk = match resp.chunk().await {
            Ok(Some(c)) => c,
            Ok(None) => break,
            Err(_) if truncate => break,
            Err(e) => return Err(RegistryError::transport(doing, &e)),
        };
        if (buf.len() + chunk.len()) as u64 > limit {
            if truncate {
                let room = usize::try_from(limit)
                    .unwrap_or(usize::MAX)
                    .saturating_sub(buf.len());
                buf.extend_from_slice(&chunk[..room.min(chunk.len())]);
                break;
            }
            return Err(RegistryError::TooLarge {
                doing: doing.to_owned(),
                limit,
            });
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_and_log_redaction() {
        let reg = Url::parse("http://127.0.0.1:5000/").unwrap();
        let same = Url::parse("http://127.0.0.1:5000/v2/a/blobs/x").unwrap();
        let other_port = Url::parse("http://127.0.0.1:5001/v2/").unwrap();
        let other_host = Url::parse("http://127.0.0.2:5000/x?X-Amz-Signature=s3cr3t").unwrap();
        let other_scheme = Url::parse("https://127.0.0.1:5000/").unwrap();
        assert!(same_origin(&reg, &same));
        assert!(!same_origin(&reg, &other_port));
        assert!(!same_origin(&reg, &other_host));
        assert!(!same_origin(&reg, &other_scheme));
        let shown = shown_url(&other_host, Some(&reg));
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert_eq!(
            shown_url(&same, Some(&reg)),
            "http://127.0.0.1:5000/v2/a/blobs/x"
        );
        assert_eq!(authority(&reg), "127.0.0.1:5000");
    }
}

//! HTTP for the registry client: one place that sends every request, so that the rules
//! hold for all of them (SPEC §6.4, §6.6):
//!
//! - a per-host rate limit (halved for the rest of the run on a 429) and a semaphore
//!   bounding the requests in flight;
//! - retries of 429, 5xx, resets and timeouts with exponential backoff and jitter,
//!   honouring `Retry-After`;
//! - auth driven by the `WWW-Authenticate` challenge, credentials sent only to the
//!   registry's own origin: redirects are followed here, not by reqwest, and the
//!   `Authorization` header is dropped as soon as a hop leaves that origin;
//! - bounded response bodies;
//! - plain HTTP only for `--insecure-registry` hosts, after HTTPS failed.

use std::collections::{BTreeMap, HashMap};
use std::ffi::OsString;
use std::hash::BuildHasher as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode, Url};
use tokio::sync::{OnceCell, Semaphore};

use super::RegistryError;
use super::auth::{Challenge, Credential, Token, TokenResponse};
use super::credentials::DockerConfig;

/// A callback that receives one line per HTTP request, without secrets.
pub type RequestLog = Arc<dyn Fn(&str) + Send + Sync>;

/// Bound for error bodies: only their message is read.
const ERROR_BODY_LIMIT: u64 = 64 * 1024;
/// Bound for token server answers.
const TOKEN_BODY_LIMIT: u64 = 1024 * 1024;
const MAX_REDIRECTS: usize = 10;
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// The settings of the transport, taken from `ClientOptions`.
pub(crate) struct Settings {
    pub(crate) concurrency: usize,
    pub(crate) rps: f64,
    pub(crate) rps_by_host: BTreeMap<String, f64>,
    pub(crate) timeout: Duration,
    pub(crate) insecure_hosts: Vec<String>,
    pub(crate) max_retries: u32,
    pub(crate) retry_base: Duration,
    pub(crate) max_retry_after: Duration,
    pub(crate) request_log: Option<RequestLog>,
    pub(crate) docker_config: Option<Arc<DockerConfig>>,
    pub(crate) helper_path: Option<OsString>,
}

/// One request to a registry's API.
pub(crate) struct Call<'a> {
    pub(crate) method: Method,
    /// The registry's API host (`host[:port]`).
    pub(crate) host: &'a str,
    /// A path with query (`/v2/...`) or an absolute URL (a `Link` target).
    pub(crate) target: &'a str,
    /// The repository, for the token scope.
    pub(crate) repository: &'a str,
    pub(crate) accept: &'a str,
    /// Bound of the body of a successful answer.
    pub(crate) limit: u64,
    /// What is being done, for error messages.
    pub(crate) doing: &'a str,
}

/// A successful answer.
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
    /// The URL that answered, after redirects.
    pub(crate) url: Url,
}

impl Reply {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Scheme {
    Https,
    Http,
}

impl Scheme {
    fn as_str(self) -> &'static str {
        match self {
            Scheme::Https => "https",
            Scheme::Http => "http",
        }
    }
}

/// What a host asked for in its last challenge.
#[derive(Clone, Debug)]
enum HostAuth {
    Anonymous,
    Basic,
    Bearer {
        realm: String,
        service: Option<String>,
    },
}

/// A per-host token bucket in its GCRA form: `tat` is when the bucket will be full again.
struct Limiter {
    rate: f64,
    burst: f64,
    tat: Option<Instant>,
}

impl Limiter {
    fn new(rate: f64) -> Limiter {
        Limiter {
            rate,
            burst: rate.max(1.0),
            tat: None,
        }
    }

    /// Reserves the next slot; returns how long to wait for it.
    fn reserve(&mut self, now: Instant) -> Duration {
        let interval = Duration::from_secs_f64(1.0 / self.rate);
        let tolerance = interval.mul_f64((self.burst - 1.0).max(0.0));
        let tat = self.tat.map_or(now, |t| t.max(now));
        let allowed = tat.checked_sub(tolerance).unwrap_or(now);
        self.tat = Some(tat + interval);
        allowed.saturating_duration_since(now)
    }

    /// After a 429: half the rate, no bursts, for the rest of the run.
    fn halve(&mut self) {
        self.rate = (self.rate / 2.0).max(0.05);
        self.burst = 1.0;
    }
}

struct HostState {
    scheme: Mutex<Option<Scheme>>,
    /// Held while the first request to an insecure host finds out whether it speaks
    /// HTTPS, so that requests started at the same time wait for the answer instead of
    /// each trying HTTPS.
    probe: tokio::sync::Mutex<()>,
    limiter: Mutex<Limiter>,
    auth: Mutex<HostAuth>,
    credential: OnceCell<Option<Credential>>,
    /// Tokens by scope; an async lock so that concurrent requests share one token fetch.
    tokens: tokio::sync::Mutex<HashMap<String, Token>>,
}

pub(crate) struct Transport {
    secure: reqwest::Client,
    insecure: reqwest::Client,
    settings: Settings,
    semaphore: Semaphore,
    hosts: Mutex<HashMap<String, Arc<HostState>>>,
    requests: AtomicU64,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding one of these locks leaves plain data behind; go on with it.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// `host[:port]` of a URL as written in `--insecure-registry` and API hosts.
fn authority(url: &Url) -> String {
    // host_str keeps the brackets of an IPv6 address.
    let host = url.host_str().unwrap_or("");
    match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_owned(),
    }
}

/// Whether a host entry (`host[:port]`, or `host` for every port) covers an authority:
/// `Some(true)` for the same `host[:port]`, `Some(false)` for a port-less entry naming the
/// authority's host, `None` otherwise. Case does not matter.
fn host_matches(entry: &str, authority: &str) -> Option<bool> {
    let entry = entry.trim().to_ascii_lowercase();
    let authority = authority.to_ascii_lowercase();
    let host_only = match authority.rsplit_once(':') {
        // The colons of a bracketed IPv6 address are not a port separator.
        Some((h, p))
            if (!h.ends_with(']') || authority.starts_with('['))
                && p.bytes().all(|b| b.is_ascii_digit()) =>
        {
            h
        }
        _ => authority.as_str(),
    };
    if entry == authority {
        Some(true)
    } else if !entry.contains(':') && entry == host_only {
        Some(false)
    } else {
        None
    }
}

fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

/// How a URL is shown in the request log: the query of a URL on another origin than the
/// registry (a pre-signed storage URL) may hold a signature, so it is left out.
fn shown_url(url: &Url, registry: Option<&Url>) -> String {
    let foreign = registry.is_none_or(|r| !same_origin(r, url));
    if foreign && url.query().is_some() {
        let mut u = url.clone();
        u.set_query(None);
        format!("{u}?(query hidden)")
    } else {
        url.to_string()
    }
}

/// A pseudo-random fraction in [0, 1) for jitter, without a crate for it.
fn jitter() -> f64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let h = std::collections::hash_map::RandomState::new().hash_one(n);
    (h >> 11) as f64 / (1u64 << 53) as f64
}

/// The `Retry-After` delay: seconds or an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let v = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    let ms = (when.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_milliseconds();
    Some(Duration::from_millis(u64::try_from(ms).unwrap_or(0)))
}

fn retryable(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 500 | 502 | 503 | 504)
}

/// Builds the error for a non-success answer from its OCI error body, if it has one.
fn status_error(doing: &str, status: StatusCode, body: &[u8]) -> RegistryError {
    #[derive(serde::Deserialize)]
    struct Errors {
        errors: Vec<ErrorItem>,
    }
    #[derive(serde::Deserialize)]
    struct ErrorItem {
        #[serde(default)]
        code: Option<String>,
        #[serde(default)]
        message: Option<String>,
    }
    let (code, message) = match serde_json::from_slice::<Errors>(body) {
        Ok(e) => match e.errors.into_iter().next() {
            Some(i) => (i.code, i.message.filter(|m| !m.is_empty())),
            None => (None, None),
        },
        Err(_) => {
            let text = String::from_utf8_lossy(body);
            let line: String = text
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .chars()
                .take(200)
                .collect();
            let printable =
                !line.is_empty() && !line.contains('<') && line.chars().all(|c| !c.is_control());
            (None, printable.then_some(line))
        }
    };
    RegistryError::Status {
        doing: doing.to_owned(),
        status: status.as_u16(),
        code,
        message,
    }
}

enum Attempt {
    /// A final answer (success or an error status that is not retried).
    Done(Reply),
    /// A transport error or a retryable status.
    Retry(RegistryError, Option<Duration>),
}

impl Transport {
    pub(crate) fn new(settings: Settings) -> Result<Transport, RegistryError> {
        if settings.concurrency == 0 {
            return Err(RegistryError::Setup(
                "concurrency must be at least 1".into(),
            ));
        }
        if !(settings.rps.is_finite() && settings.rps > 0.0) {
            return Err(RegistryError::Setup(
                "the request rate must be a positive number".into(),
            ));
        }
        if let Some((host, _)) = settings
            .rps_by_host
            .iter()
            .find(|(_, rps)| !(rps.is_finite() && **rps > 0.0))
        {
            return Err(RegistryError::Setup(format!(
                "the request rate of {host} must be a positive number"
            )));
        }
        // Installing fails when a provider is already installed, which is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let build = |insecure: bool| {
            reqwest::Client::builder()
                .user_agent(concat!("tagpilot/", env!("CARGO_PKG_VERSION")))
                .redirect(reqwest::redirect::Policy::none())
                .timeout(settings.timeout)
                .connect_timeout(settings.timeout.min(Duration::from_secs(10)))
                .tls_danger_accept_invalid_certs(insecure)
                .build()
                .map_err(|e| RegistryError::Setup(format!("building the HTTP client: {e}")))
        };
        Ok(Transport {
            secure: build(false)?,
            insecure: build(true)?,
            semaphore: Semaphore::new(settings.concurrency),
            settings,
            hosts: Mutex::new(HashMap::new()),
            requests: AtomicU64::new(0),
        })
    }

    /// How many HTTP requests have been sent (every hop and retry counts).
    pub(crate) fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    fn host(&self, host: &str) -> Arc<HostState> {
        let mut hosts = lock(&self.hosts);
        hosts
            .entry(host.to_owned())
            .or_insert_with(|| {
                Arc::new(HostState {
                    scheme: Mutex::new(None),
                    probe: tokio::sync::Mutex::new(()),
                    limiter: Mutex::new(Limiter::new(self.rate(host))),
                    auth: Mutex::new(HostAuth::Anonymous),
                    credential: OnceCell::new(),
                    tokens: tokio::sync::Mutex::new(HashMap::new()),
                })
            })
            .clone()
    }

    fn is_insecure(&self, authority: &str) -> bool {
        self.settings
            .insecure_hosts
            .iter()
            .any(|h| host_matches(h, authority).is_some())
    }

    /// The request rate for a host: its own (`rps_by_host`, the entry with the port first),
    /// else the common one.
    fn rate(&self, authority: &str) -> f64 {
        self.settings
            .rps_by_host
            .iter()
            .filter_map(|(h, rps)| host_matches(h, authority).map(|exact| (exact, *rps)))
            .max_by_key(|(exact, _)| *exact)
            .map_or(self.settings.rps, |(_, rps)| rps)
    }

    /// Sends an API request to a registry: auth, retries, bounded body. Success is a 2xx
    /// answer; any other final status is an error.
    pub(crate) async fn send(&self, call: &Call<'_>) -> Result<Reply, RegistryError> {
        let state = self.host(call.host);
        let mut attempt = 0u32;
        loop {
            let outcome = self.attempt_api(&state, call).await;
            let (err, wait) = match outcome {
                Ok(Attempt::Done(reply)) => return Ok(reply),
                Err(e) => return Err(e),
                Ok(Attempt::Retry(err, wait)) => (err, wait),
            };
            self.back_off(&state, err, wait, &mut attempt).await?;
        }
    }

    /// After a failed try: halve the host's rate on a 429, then wait before the next try;
    /// the error itself once the retries are spent.
    async fn back_off(
        &self,
        state: &HostState,
        err: RegistryError,
        wait: Option<Duration>,
        attempt: &mut u32,
    ) -> Result<(), RegistryError> {
        if err.status() == Some(429) {
            lock(&state.limiter).halve();
        }
        *attempt += 1;
        if *attempt > self.settings.max_retries {
            return Err(err);
        }
        self.pause(wait, *attempt, err).await
    }

    /// Waits before the next try: `Retry-After` when given, else backoff with jitter.
    async fn pause(
        &self,
        wait: Option<Duration>,
        attempt: u32,
        err: RegistryError,
    ) -> Result<(), RegistryError> {
        let delay = match wait {
            Some(w) if w > self.settings.max_retry_after => return Err(err),
            Some(w) => w,
            None => {
                let exp = self
                    .settings
                    .retry_base
                    .saturating_mul(1u32 << (attempt - 1).min(16))
                    .min(MAX_BACKOFF);
                exp + exp.mul_f64(jitter() / 2.0)
            }
        };
        tokio::time::sleep(delay).await;
        Ok(())
    }

    /// The registry's base URL, choosing HTTPS, or HTTP for an insecure host once HTTPS
    /// failed to connect.
    fn base(&self, state: &HostState, host: &str) -> Result<(Url, bool), RegistryError> {
        let known = *lock(&state.scheme);
        let (scheme, probing) = match known {
            Some(s) => (s, false),
            None if self.is_insecure(host) => (Scheme::Https, true),
            None => (Scheme::Https, false),
        };
        let url = Url::parse(&format!("{}://{host}/", scheme.as_str()))
            .map_err(|e| RegistryError::Setup(format!("invalid registry host {host:?}: {e}")))?;
        Ok((url, probing))
    }

    /// One try of an API call, including the auth round trip after a challenge.
    async fn attempt_api(
        &self,
        state: &HostState,
        call: &Call<'_>,
    ) -> Result<Attempt, RegistryError> {
        let _probe = if lock(&state.scheme).is_none() && self.is_insecure(call.host) {
            Some(state.probe.lock().await)
        } else {
            None
        };
        let (base, probing) = self.base(state, call.host)?;
        let mut reauthed = false;
        loop {
            let url = base.join(call.target).map_err(|e| {
                RegistryError::invalid(call.doing, format!("invalid URL {:?}: {e}", call.target))
            })?;
            let on_registry = same_origin(&base, &url);
            let auth = if on_registry {
                self.auth_header(state, call).await?
            } else {
                None
            };
            let result = self
                .exchange(
                    call.method.clone(),
                    &url,
                    Some(&base),
                    call.accept,
                    auth.as_ref().map(|(h, _)| h),
                    None,
                    call.limit,
                    call.doing,
                )
                .await;
            let reply = match result {
                Ok(r) => r,
                Err(RegistryError::Transport { .. }) if probing && !reauthed => {
                    // HTTPS failed on an insecure host: use plain HTTP from now on.
                    *lock(&state.scheme) = Some(Scheme::Http);
                    return Box::pin(self.attempt_api(state, call)).await;
                }
                Err(e @ RegistryError::Transport { .. }) => return Ok(Attempt::Retry(e, None)),
                Err(e) => return Err(e),
            };
            if probing && !reauthed {
                *lock(&state.scheme) = Some(Scheme::Https);
            }
            if reply.status == StatusCode::UNAUTHORIZED && on_registry {
                let challenge = reply
                    .headers
                    .get_all(reqwest::header::WWW_AUTHENTICATE)
                    .iter()
                    .filter_map(|v| v.to_str().ok())
                    .filter_map(Challenge::parse)
                    .find(|c| !matches!(c, Challenge::Other(_)))
                    .or_else(|| reply.header("www-authenticate").and_then(Challenge::parse));
                let sent = auth.map(|(_, kind)| kind);
                match challenge {
                    Some(c) if !reauthed => {
                        self.on_challenge(state, call, c, sent).await?;
                        reauthed = true;
                        continue;
                    }
                    Some(_) => {
                        let has = self
                            .credential(state, call.host, call.doing)
                            .await?
                            .is_some();
                        let why = if has {
                            format!("{} refused the credentials or token (HTTP 401)", call.host)
                        } else {
                            format!(
                                "{} refused anonymous access (HTTP 401), and the Docker config has no credentials for it",
                                call.host
                            )
                        };
                        return Err(RegistryError::auth(call.doing, why));
                    }
                    None => return Err(status_error(call.doing, reply.status, &reply.body)),
                }
            }
            if reply.status.is_success() {
                return Ok(Attempt::Done(reply));
            }
            let err = status_error(call.doing, reply.status, &reply.body);
            if retryable(reply.status) {
                return Ok(Attempt::Retry(err, retry_after(&reply.headers)));
            }
            return Err(err);
        }
    }

    /// The credentials of a host, looked up once (a helper may run).
    async fn credential(
        &self,
        state: &HostState,
        host: &str,
        doing: &str,
    ) -> Result<Option<Credential>, RegistryError> {
        let Some(cfg) = &self.settings.docker_config else {
            return Ok(None);
        };
        let found = state
            .credential
            .get_or_try_init(|| async {
                // Helpers are programs; run them off the async threads.
                let cfg = Arc::clone(cfg);
                let owned = host.to_owned();
                let path = self.settings.helper_path.clone();
                tokio::task::spawn_blocking(move || cfg.lookup(&owned, path.as_deref()))
                    .await
                    .map_err(|e| RegistryError::Credentials {
                        doing: format!("looking up credentials for {host}"),
                        detail: e.to_string(),
                    })?
            })
            .await
            .map_err(|e| e.within(doing))?;
        Ok(found.clone())
    }

    /// The `Authorization` header for an API call, per what the host asked for, and
    /// which kind it is.
    async fn auth_header(
        &self,
        state: &HostState,
        call: &Call<'_>,
    ) -> Result<Option<(HeaderValue, SentAuth)>, RegistryError> {
        let mode = lock(&state.auth).clone();
        let value = match mode {
            HostAuth::Anonymous => return Ok(None),
            HostAuth::Basic => match self.credential(state, call.host, call.doing).await? {
                Some(c) => match c.basic_header() {
                    Some(h) => (h, SentAuth::Basic),
                    None => return Ok(None),
                },
                None => return Ok(None),
            },
            HostAuth::Bearer { realm, service } => {
                if let Some(Credential::RegistryToken(t)) =
                    self.credential(state, call.host, call.doing).await?
                {
                    (format!("Bearer {}", t.expose()), SentAuth::Token(t))
                } else {
                    let token = self.token(state, call, &realm, service.as_deref()).await?;
                    (format!("Bearer {}", token.expose()), SentAuth::Token(token))
                }
            }
        };
        let mut h = HeaderValue::from_str(&value.0).map_err(|_| {
            RegistryError::auth(
                call.doing,
                "the credentials hold characters that cannot be sent in a header",
            )
        })?;
        h.set_sensitive(true);
        Ok(Some((h, value.1)))
    }

    fn scope(call: &Call<'_>) -> String {
        format!("repository:{}:pull", call.repository)
    }

    /// A valid token for the call's scope, fetched when there is none.
    async fn token(
        &self,
        state: &HostState,
        call: &Call<'_>,
        realm: &str,
        service: Option<&str>,
    ) -> Result<super::auth::Secret, RegistryError> {
        let scope = Self::scope(call);
        let mut tokens = state.tokens.lock().await;
        if let Some(t) = tokens.get(&scope)
            && t.expires > Instant::now()
        {
            return Ok(t.value.clone());
        }
        let credential = self.credential(state, call.host, call.doing).await?;
        let token = self
            .fetch_token(realm, service, &scope, credential.as_ref(), call)
            .await?;
        let value = token.value.clone();
        tokens.insert(scope, token);
        Ok(value)
    }

    /// Asks the realm for a token: OAuth2 POST with a refresh token when the Docker config
    /// holds an identity token, else GET with Basic credentials or anonymously.
    async fn fetch_token(
        &self,
        realm: &str,
        service: Option<&str>,
        scope: &str,
        credential: Option<&Credential>,
        call: &Call<'_>,
    ) -> Result<Token, RegistryError> {
        let doing = format!("{} (getting a token from {realm})", call.doing);
        let mut url = Url::parse(realm)
            .map_err(|e| RegistryError::auth(&doing, format!("the realm is not a URL: {e}")))?;
        if !matches!(url.scheme(), "https" | "http") {
            return Err(RegistryError::auth(&doing, "the realm is not an HTTP URL"));
        }
        let (method, body, auth) = match credential {
            Some(Credential::IdentityToken(rt)) => {
                // The form body is encoded like a query string.
                let mut form = url.clone();
                form.set_query(None);
                {
                    let mut q = form.query_pairs_mut();
                    q.append_pair("grant_type", "refresh_token")
                        .append_pair("refresh_token", rt.expose())
                        .append_pair("client_id", "tagpilot")
                        .append_pair("scope", scope);
                    if let Some(s) = service {
                        q.append_pair("service", s);
                    }
                }
                (
                    Method::POST,
                    Some(form.query().unwrap_or("").to_owned()),
                    None,
                )
            }
            other => {
                {
                    let mut q = url.query_pairs_mut();
                    if let Some(s) = service {
                        q.append_pair("service", s);
                    }
                    q.append_pair("scope", scope);
                    if let Some(Credential::Basic { username, .. }) = other {
                        q.append_pair("account", username);
                    }
                }
                let auth = other.and_then(Credential::basic_header).and_then(|h| {
                    let mut v = HeaderValue::from_str(&h).ok()?;
                    v.set_sensitive(true);
                    Some(v)
                });
                (Method::GET, None, auth)
            }
        };
        let realm_host = authority(&url);
        let state = self.host(&realm_host);
        let mut attempt = 0u32;
        let reply = loop {
            let result = self
                .exchange(
                    method.clone(),
                    &url,
                    Some(&url),
                    "application/json",
                    auth.as_ref(),
                    body.clone(),
                    TOKEN_BODY_LIMIT,
                    &doing,
                )
                .await;
            let (err, wait) = match result {
                Ok(r) if r.status.is_success() => break r,
                Ok(r) if retryable(r.status) => (
                    status_error(&doing, r.status, &r.body),
                    retry_after(&r.headers),
                ),
                Ok(r)
                    if r.status == StatusCode::UNAUTHORIZED
                        || r.status == StatusCode::FORBIDDEN =>
                {
                    let why = match credential {
                        Some(_) => "the token server refused the credentials",
                        None => {
                            "the token server refused anonymous access, and the Docker config has no credentials for this registry"
                        }
                    };
                    return Err(RegistryError::auth(
                        &doing,
                        format!("{why} (HTTP {})", r.status.as_u16()),
                    ));
                }
                Ok(r) => return Err(status_error(&doing, r.status, &r.body)),
                Err(e @ RegistryError::Transport { .. }) => (e, None),
                Err(e) => return Err(e),
            };
            self.back_off(&state, err, wait, &mut attempt).await?;
        };
        let parsed: TokenResponse = serde_json::from_slice(&reply.body).map_err(|e| {
            RegistryError::auth(
                &doing,
                format!("the token server's answer is not the expected JSON: {e}"),
            )
        })?;
        parsed
            .into_token(Instant::now())
            .ok_or_else(|| RegistryError::auth(&doing, "the token server's answer holds no token"))
    }

    /// Updates what the host asks for after a `401`.
    async fn on_challenge(
        &self,
        state: &HostState,
        call: &Call<'_>,
        challenge: Challenge,
        sent: Option<SentAuth>,
    ) -> Result<(), RegistryError> {
        match challenge {
            Challenge::Basic => {
                if sent == Some(SentAuth::Basic) {
                    return Err(RegistryError::auth(
                        call.doing,
                        format!("{} refused the credentials (HTTP 401)", call.host),
                    ));
                }
                match self.credential(state, call.host, call.doing).await? {
                    Some(c) if c.basic_header().is_some() => {
                        *lock(&state.auth) = HostAuth::Basic;
                        Ok(())
                    }
                    _ => Err(RegistryError::auth(
                        call.doing,
                        format!(
                            "{} requires a user name and password (HTTP Basic), and the Docker config has none for it",
                            call.host
                        ),
                    )),
                }
            }
            Challenge::Bearer { realm, service, .. } => {
                *lock(&state.auth) = HostAuth::Bearer { realm, service };
                // The token we sent was refused (expired or revoked): forget it, unless a
                // concurrent request has already put a newer one in its place.
                if let Some(SentAuth::Token(sent)) = sent {
                    let mut tokens = state.tokens.lock().await;
                    if tokens
                        .get(&Self::scope(call))
                        .is_some_and(|t| t.value == sent)
                    {
                        tokens.remove(&Self::scope(call));
                    }
                }
                Ok(())
            }
            Challenge::Other(scheme) => Err(RegistryError::auth(
                call.doing,
                format!(
                    "{} asks for {scheme} authentication, which is not supported",
                    call.host
                ),
            )),
        }
    }

    /// One HTTP exchange with manual redirects, counted and logged, within the host's
    /// rate and the concurrency bound. `auth` is sent only while the URL stays on the
    /// origin of `origin`.
    #[allow(clippy::too_many_arguments)]
    async fn exchange(
        &self,
        method: Method,
        url: &Url,
        origin: Option<&Url>,
        accept: &str,
        auth: Option<&HeaderValue>,
        body: Option<String>,
        limit: u64,
        doing: &str,
    ) -> Result<Reply, RegistryError> {
        let limiter_host = authority(url);
        let wait = lock(&self.host(&limiter_host).limiter).reserve(Instant::now());
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
        let _permit = self
            .semaphore
            .acquire()
            .await
            .map_err(|_| RegistryError::Setup("the client was shut down".into()))?;
        let mut url = url.clone();
        let mut method = method;
        let mut body = body;
        let mut auth = auth;
        for _ in 0..=MAX_REDIRECTS {
            if auth.is_some() && !origin.is_some_and(|o| same_origin(o, &url)) {
                auth = None;
            }
            let client = if self.is_insecure(&authority(&url)) {
                &self.insecure
            } else {
                &self.secure
            };
            let mut req = client
                .request(method.clone(), url.clone())
                .header(reqwest::header::ACCEPT, accept);
            if let Some(a) = auth {
                req = req.header(reqwest::header::AUTHORIZATION, a.clone());
            }
            if let Some(b) = &body {
                req = req
                    .header(
                        reqwest::header::CONTENT_TYPE,
                        "application/x-www-form-urlencoded",
                    )
                    .body(b.clone());
            }
            let started = Instant::now();
            self.requests.fetch_add(1, Ordering::Relaxed);
            let sent = req.send().await;
            let shown = shown_url(&url, origin);
            let resp = match sent {
                Ok(r) => r,
                Err(e) => {
                    self.log(format_args!(
                        "{method} {shown} -> error ({} ms)",
                        started.elapsed().as_millis()
                    ));
                    return Err(RegistryError::transport(doing, &e));
                }
            };
            let status = resp.status();
            self.log(format_args!(
                "{method} {shown} -> {} ({} ms)",
                status.as_u16(),
                started.elapsed().as_millis()
            ));
            if status.is_redirection()
                && let Some(loc) = resp.headers().get(reqwest::header::LOCATION)
            {
                let loc = loc.to_str().unwrap_or("");
                url = url.join(loc).map_err(|e| {
                    RegistryError::invalid(doing, format!("redirect to an invalid URL: {e}"))
                })?;
                if status == StatusCode::SEE_OTHER && method != Method::HEAD {
                    method = Method::GET;
                    body = None;
                }
                continue;
            }
            let headers = resp.headers().clone();
            let body = if method == Method::HEAD {
                Vec::new()
            } else if status.is_success() {
                read_bounded(resp, limit, false, doing).await?
            } else {
                read_bounded(resp, ERROR_BODY_LIMIT, true, doing).await?
            };
            return Ok(Reply {
                status,
                headers,
                body,
                url,
            });
        }
        Err(RegistryError::invalid(
            doing,
            format!("more than {MAX_REDIRECTS} redirects"),
        ))
    }

    fn log(&self, line: std::fmt::Arguments<'_>) {
        if let Some(log) = &self.settings.request_log {
            log(&line.to_string());
        }
    }
}

/// Which kind of `Authorization` a request carried.
#[derive(Clone, PartialEq, Eq, Debug)]
enum SentAuth {
    Basic,
    /// A bearer token (from the realm or the Docker config).
    Token(super::auth::Secret),
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
    fn limiter_spaces_requests_after_the_burst() {
        let now = Instant::now();
        let mut l = Limiter::new(10.0);
        for _ in 0..10 {
            assert_eq!(l.reserve(now), Duration::ZERO);
        }
        assert_eq!(l.reserve(now), Duration::from_millis(100));
        l.halve();
        let mut l = Limiter::new(4.0);
        l.halve();
        assert_eq!(l.reserve(now), Duration::ZERO);
        assert_eq!(l.reserve(now), Duration::from_millis(500));
    }

    fn settings(rps: f64, by_host: &[(&str, f64)], insecure: &[&str]) -> Settings {
        Settings {
            concurrency: 1,
            rps,
            rps_by_host: by_host.iter().map(|(h, r)| ((*h).to_owned(), *r)).collect(),
            timeout: Duration::from_secs(1),
            insecure_hosts: insecure.iter().map(|h| (*h).to_owned()).collect(),
            max_retries: 0,
            retry_base: Duration::ZERO,
            max_retry_after: Duration::ZERO,
            request_log: None,
            docker_config: None,
            helper_path: None,
        }
    }

    #[test]
    fn each_host_gets_its_own_rate_and_the_port_wins() {
        let t = Transport::new(settings(
            50.0,
            &[("reg.internal", 5.0), ("reg.internal:5000", 2.0)],
            &["Reg.Internal", "[::1]:5000"],
        ))
        .unwrap();
        let rate = |host: &str| lock(&t.host(host).limiter).rate;
        assert_eq!(rate("reg.internal:5000"), 2.0);
        assert_eq!(rate("reg.internal:6000"), 5.0);
        assert_eq!(rate("REG.INTERNAL"), 5.0);
        assert_eq!(rate("ghcr.io"), 50.0);
        assert!(t.is_insecure("reg.internal:443"));
        assert!(t.is_insecure("[::1]:5000"));
        assert!(!t.is_insecure("[::1]:5001"));
        assert!(!t.is_insecure("ghcr.io"));
        let bad = Transport::new(settings(50.0, &[("reg.internal", 0.0)], &[]));
        assert_eq!(
            bad.err().map(|e| e.to_string()),
            Some(
                "setting up the registry client: the request rate of reg.internal must be a positive number"
                    .to_owned()
            )
        );
    }

    #[test]
    fn retry_after_forms() {
        let mut h = HeaderMap::new();
        h.insert("retry-after", HeaderValue::from_static("2"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(2)));
        h.insert(
            "retry-after",
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&h), Some(Duration::ZERO));
        h.insert("retry-after", HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&h), None);
    }

    #[test]
    fn error_bodies() {
        let e = status_error(
            "reading x",
            StatusCode::NOT_FOUND,
            br#"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{"Tag":"x"}}]}"#,
        );
        assert_eq!(
            e.to_string(),
            "reading x: HTTP 404 MANIFEST_UNKNOWN: manifest unknown"
        );
        let e = status_error("reading x", StatusCode::NOT_FOUND, b"404 page not found\n");
        assert_eq!(e.to_string(), "reading x: HTTP 404: 404 page not found");
        let e = status_error(
            "reading x",
            StatusCode::BAD_GATEWAY,
            b"<html><body>bad</body></html>",
        );
        assert_eq!(e.to_string(), "reading x: HTTP 502");
    }

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

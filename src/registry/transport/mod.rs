//! HTTP for the registry client: one place that sends every request, so that the rules
//! hold for all of them. Split as go-containerregistry splits its `transport/`:
//!
//! - `limit`: a per-host rate, none by default, halved on a 429 and then recovering;
//!   a semaphore here bounds the requests in flight;
//! - `retry`: which failures are tried again (429, 5xx, resets, timeouts) and how long
//!   to wait, honouring `Retry-After`; shared by API calls and token requests;
//! - `auth`: auth driven by the `WWW-Authenticate` challenge;
//! - `http`: one exchange, with redirects followed by hand so that the `Authorization`
//!   header is dropped as soon as a hop leaves the registry's origin, and bounded bodies.
//!
//! This file holds the per-host state, the choice of scheme (plain HTTP only for
//! insecure hosts, after HTTPS failed) and the retry loop of an API call.

mod auth;
mod http;
mod limit;
pub mod retry;

use std::collections::{BTreeMap, HashMap};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode, Url};
use tokio::sync::{OnceCell, Semaphore};

use super::RegistryError;
use super::challenge::{Challenge, Credential, Token};
use super::credentials::DockerConfig;
use auth::{HostAuth, SentAuth};
use http::Exchange;
pub(crate) use http::{authority, same_origin};
pub(crate) use limit::host_matches;
use limit::{Limiter, is_loopback};
use retry::{Backoff, GiveUp, retry_after};

/// A callback that receives one line per HTTP request, without secrets.
pub type RequestLog = Arc<dyn Fn(&str) + Send + Sync>;

/// The settings of the transport, taken from `ClientOptions`.
pub(crate) struct Settings {
    pub(crate) concurrency: usize,
    pub(crate) rps: f64,
    pub(crate) rps_by_host: BTreeMap<String, f64>,
    pub(crate) timeout: Duration,
    pub(crate) insecure_hosts: Vec<String>,
    pub(crate) secure_hosts: Vec<String>,
    pub(crate) ca_files: Vec<PathBuf>,
    pub(crate) ca_by_host: BTreeMap<String, PathBuf>,
    pub(crate) log_headers: bool,
    pub(crate) backoff: Backoff,
    pub(crate) request_log: Option<RequestLog>,
    pub(crate) wait_log: Option<RequestLog>,
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
    /// The actions the token scope asks for: `pull`, or `metadata_read` for ACR's API.
    pub(crate) actions: &'a str,
    pub(crate) accept: &'a str,
    /// Bound of the body of a successful answer.
    pub(crate) limit: u64,
    /// What is being done, for error messages.
    pub(crate) doing: &'a str,
    /// Send, as a Bearer token, the password (or registry token) that the Docker config
    /// holds for this registry host, instead of meeting the host's own challenge: how the
    /// GitHub Packages API takes the token that logs in to `ghcr.io`.
    pub(crate) token_of: Option<&'a str>,
}

/// Whether a request path (or URL) reads a manifest, `…/manifests/<reference>`: what
/// Docker Hub counts as a pull. A repository named `manifests` does not make its tags list
/// or blobs one.
pub(crate) fn is_manifest_path(path: &str) -> bool {
    path.rsplit_once("/manifests/")
        .is_some_and(|(_, reference)| !reference.is_empty() && !reference.contains(['/', '?']))
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
    /// Timeouts and connection failures in a row, and the last one's cause.
    failures: Mutex<(u32, String)>,
    /// Requests sent to the host, and how many of them failed (no answer, or an HTTP
    /// error other than 401).
    counts: Mutex<(u64, u64)>,
    /// The pull budget the host announces (`ratelimit-limit`, `ratelimit-remaining`, as
    /// Docker Hub sends them), and the manifests fetched with `GET` (pulls) this run.
    pulls: Mutex<Pulls>,
}

/// A host's pull budget, as far as it tells.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pulls {
    /// Manifest `GET`s sent this run.
    pub used: u64,
    /// The last `ratelimit-remaining`.
    pub left: Option<u64>,
    /// The last `ratelimit-limit`.
    pub limit: Option<u64>,
}

/// What one host was sent during a run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostCounts {
    /// `host[:port]`.
    pub host: String,
    /// Requests sent (every retry and redirect counts).
    pub requests: u64,
    /// Requests that got no answer or an HTTP error other than 401 (probes aside).
    pub errors: u64,
    /// Its pull budget.
    pub pulls: Pulls,
}

/// How long a wait before a retry must be to be shown.
pub const WAIT_SHOWN: Duration = Duration::from_secs(2);

pub(crate) struct Transport {
    /// Verifies certificates against the system's CAs and `--registry-ca`.
    secure: reqwest::Client,
    /// For the hosts with a CA of their own (`host[:port]` entries): that CA as well.
    secure_by_host: Vec<(String, reqwest::Client)>,
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

enum Attempt {
    /// A final answer (success or an error status that is not retried).
    Done(Reply),
    /// A transport error or a retryable status.
    Retry(RegistryError, Option<Duration>),
}

/// The CA certificates of a PEM file; `whence` says which setting named it.
fn certificates(path: &Path, whence: &str) -> Result<Vec<reqwest::Certificate>, RegistryError> {
    let fail = |why: String| {
        RegistryError::Setup(format!(
            "reading the CA certificates in {} ({whence}): {why}",
            path.display()
        ))
    };
    let pem = std::fs::read(path).map_err(|e| fail(e.to_string()))?;
    let found = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| fail(e.to_string()))?;
    if found.is_empty() {
        return Err(fail("no PEM certificate in it".into()));
    }
    Ok(found)
}

/// Checks the numbers of the settings.
fn check(settings: &Settings) -> Result<(), RegistryError> {
    if settings.concurrency == 0 {
        return Err(RegistryError::Setup(
            "concurrency must be at least 1".into(),
        ));
    }
    if !(settings.rps.is_finite() && settings.rps >= 0.0) {
        return Err(RegistryError::Setup(
            "the request rate must be a number, 0 for no fixed cap".into(),
        ));
    }
    if let Some((host, _)) = settings
        .rps_by_host
        .iter()
        .find(|(_, rps)| !(rps.is_finite() && **rps >= 0.0))
    {
        return Err(RegistryError::Setup(format!(
            "the request rate of {host} must be a number, 0 for no fixed cap"
        )));
    }
    Ok(())
}

impl Transport {
    pub(crate) fn new(settings: Settings) -> Result<Transport, RegistryError> {
        check(&settings)?;
        // Installing fails when a provider is already installed, which is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let build = |insecure: bool, cas: Vec<reqwest::Certificate>| {
            reqwest::Client::builder()
                .user_agent(concat!("tagpilot/", env!("CARGO_PKG_VERSION")))
                .redirect(reqwest::redirect::Policy::none())
                .timeout(settings.timeout)
                .connect_timeout(settings.timeout.min(Duration::from_secs(10)))
                .tls_danger_accept_invalid_certs(insecure)
                .tls_certs_merge(cas)
                .build()
                .map_err(|e| RegistryError::Setup(format!("building the HTTP client: {e}")))
        };
        let mut shared = Vec::new();
        for path in &settings.ca_files {
            shared.extend(certificates(path, "--registry-ca")?);
        }
        let mut secure_by_host = Vec::new();
        for (host, path) in &settings.ca_by_host {
            let mut cas = shared.clone();
            cas.extend(certificates(path, &format!("the ca of registry {host}"))?);
            secure_by_host.push((host.clone(), build(false, cas)?));
        }
        Ok(Transport {
            secure: build(false, shared)?,
            secure_by_host,
            insecure: build(true, Vec::new())?,
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

    /// What each host was sent, sorted by host.
    pub(crate) fn host_counts(&self) -> Vec<HostCounts> {
        let hosts = lock(&self.hosts);
        let mut counts: Vec<HostCounts> = hosts
            .iter()
            .map(|(host, state)| {
                let (requests, errors) = *lock(&state.counts);
                HostCounts {
                    host: host.clone(),
                    requests,
                    errors,
                    pulls: *lock(&state.pulls),
                }
            })
            .filter(|c| c.requests > 0)
            .collect();
        counts.sort_by(|a, b| a.host.cmp(&b.host));
        counts
    }

    /// Whether a host has announced a pull budget (`ratelimit-limit`) this run.
    pub(crate) fn announces_pulls(&self, host: &str) -> bool {
        lock(&self.hosts)
            .get(host)
            .is_some_and(|state| lock(&state.pulls).limit.is_some())
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
                    failures: Mutex::new((0, String::new())),
                    counts: Mutex::new((0, 0)),
                    pulls: Mutex::new(Pulls::default()),
                })
            })
            .clone()
    }

    /// Whether a host may be asked over plain HTTP and unverified TLS: listed as
    /// insecure, or a loopback host not listed as secure.
    fn is_insecure(&self, authority: &str) -> bool {
        let listed = |hosts: &[String]| hosts.iter().any(|h| host_matches(h, authority).is_some());
        listed(&self.settings.insecure_hosts)
            || (is_loopback(authority) && !listed(&self.settings.secure_hosts))
    }

    /// The client for a host: unverified TLS for an insecure host, else the one that
    /// trusts its own CA (the entry with the port first), else the common one.
    fn client(&self, authority: &str) -> &reqwest::Client {
        if self.is_insecure(authority) {
            return &self.insecure;
        }
        self.secure_by_host
            .iter()
            .filter_map(|(h, client)| host_matches(h, authority).map(|exact| (exact, client)))
            .max_by_key(|(exact, _)| *exact)
            .map_or(&self.secure, |(_, client)| client)
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
        let mut retry = 0u32;
        let mut last: Option<RegistryError> = None;
        loop {
            let (err, wait) = match self.attempt_api(&state, call).await {
                Ok(Attempt::Done(reply)) => return Ok(reply),
                Ok(Attempt::Retry(err, wait)) => (err, wait),
                // This request's own failures gave the host up: its own cause says more.
                Err(RegistryError::HostDown { .. }) if last.is_some() => {
                    return Err(last.take().expect("checked"));
                }
                Err(err) => return Err(err),
            };
            last = Some(err.clone());
            self.back_off(&state, err, wait, &mut retry).await?;
        }
    }

    /// After a failed try: halve the host's rate on a 429, then wait before the next try;
    /// the error itself when it is not temporary or the retries are spent.
    async fn back_off(
        &self,
        state: &HostState,
        err: RegistryError,
        wait: Option<Duration>,
        retry: &mut u32,
    ) -> Result<(), RegistryError> {
        if !err.is_temporary() {
            return Err(err);
        }
        if err.status() == Some(429) {
            lock(&state.limiter).halve(std::time::Instant::now());
        }
        *retry += 1;
        match self.settings.backoff.delay(*retry, wait) {
            Ok(delay) => {
                if let (Some(log), true) = (&self.settings.wait_log, delay >= WAIT_SHOWN) {
                    log(&format!(
                        "waiting {} s before trying again: {err}",
                        delay.as_secs_f64().round()
                    ));
                }
                tokio::time::sleep(delay).await;
                Ok(())
            }
            Err(GiveUp::Spent | GiveUp::WaitTooLong(_)) => Err(err),
        }
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
            // A vendor API's token goes to the URL the configuration named, scheme and all.
            let origin = match call.token_of {
                Some(_) => url.clone(),
                None => base.clone(),
            };
            let auth = match call.token_of {
                Some(registry) => self.token_of(registry, call.doing).await?,
                None if on_registry => self.auth_header(state, call).await?,
                None => None,
            };
            let result = self
                .exchange(Exchange {
                    method: call.method.clone(),
                    url,
                    origin: Some(&origin),
                    accept: call.accept,
                    auth: auth.as_ref().map(|(h, _)| h),
                    form: None,
                    limit: call.limit,
                    doing: call.doing,
                    probe: probing && !reauthed,
                })
                .await;
            let reply = match result {
                Ok(r) => r,
                Err(
                    RegistryError::Transport { .. }
                    | RegistryError::PlainHttp { .. }
                    | RegistryError::Tls { .. },
                ) if probing && !reauthed => {
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
                let sent = auth.map(|(_, kind)| kind);
                self.unauthorized(state, call, &reply, sent, reauthed)
                    .await?;
                reauthed = true;
                continue;
            }
            return self.outcome(state, call, reply);
        }
    }

    /// A final answer: success, a retryable status, or an error.
    fn outcome(
        &self,
        state: &HostState,
        call: &Call<'_>,
        reply: Reply,
    ) -> Result<Attempt, RegistryError> {
        if reply.status.is_success() {
            return Ok(Attempt::Done(reply));
        }
        let err = RegistryError::from_status(call.doing, reply.status.as_u16(), &reply.body);
        // Docker Hub's answer to a pull beyond the budget: no retry can succeed until it
        // refills, so the budget counts as spent and the run goes on without it.
        if call.method == Method::GET && is_manifest_path(call.target) && err.is_pull_limit() {
            lock(&state.pulls).left = Some(0);
            return Err(RegistryError::PullBudget {
                doing: call.doing.to_owned(),
                host: call.host.to_owned(),
            });
        }
        if err.is_temporary() {
            return Ok(Attempt::Retry(err, retry_after(&reply.headers)));
        }
        Err(err)
    }

    /// A `401` from the registry: meet its challenge once (then the call is tried
    /// again), else say why access was refused.
    async fn unauthorized(
        &self,
        state: &HostState,
        call: &Call<'_>,
        reply: &Reply,
        sent: Option<SentAuth>,
        reauthed: bool,
    ) -> Result<(), RegistryError> {
        let challenge = reply
            .headers
            .get_all(reqwest::header::WWW_AUTHENTICATE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(Challenge::parse)
            .find(|c| !matches!(c, Challenge::Other(_)))
            .or_else(|| reply.header("www-authenticate").and_then(Challenge::parse));
        match challenge {
            Some(c) if !reauthed => self.on_challenge(state, call, c, sent).await,
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
                Err(RegistryError::auth(call.doing, why))
            }
            None => Err(RegistryError::from_status(
                call.doing,
                reply.status.as_u16(),
                &reply.body,
            )),
        }
    }

    fn log(&self, line: std::fmt::Arguments<'_>) {
        if let Some(log) = &self.settings.request_log {
            log(&line.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(rps: f64, by_host: &[(&str, f64)], insecure: &[&str]) -> Settings {
        Settings {
            concurrency: 1,
            rps,
            rps_by_host: by_host.iter().map(|(h, r)| ((*h).to_owned(), *r)).collect(),
            timeout: Duration::from_secs(1),
            insecure_hosts: insecure.iter().map(|h| (*h).to_owned()).collect(),
            secure_hosts: vec!["127.0.0.2".to_owned()],
            ca_files: Vec::new(),
            ca_by_host: BTreeMap::new(),
            log_headers: false,
            backoff: Backoff {
                max_retries: 0,
                base: Duration::ZERO,
                max_retry_after: Duration::ZERO,
            },
            request_log: None,
            wait_log: None,
            docker_config: None,
            helper_path: None,
        }
    }

    #[test]
    fn only_manifest_reads_are_pulls() {
        for pull in [
            "/v2/a/b/manifests/1.0",
            "/v2/acme/manifests/manifests/sha256:ab",
        ] {
            assert!(is_manifest_path(pull), "{pull}");
        }
        for other in [
            "/v2/acme/manifests/tags/list",
            "/v2/acme/manifests/blobs/sha256:ab",
            "/v2/a/b/tags/list?n=1000",
            "/v2/a/b/manifests/",
        ] {
            assert!(!is_manifest_path(other), "{other}");
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
        let now = std::time::Instant::now();
        let rate = |host: &str| lock(&t.host(host).limiter).rate(now);
        assert_eq!(rate("reg.internal:5000"), Some(2.0));
        assert_eq!(rate("reg.internal:6000"), Some(5.0));
        assert_eq!(rate("REG.INTERNAL"), Some(5.0));
        assert_eq!(rate("ghcr.io"), Some(50.0));
        assert!(t.is_insecure("reg.internal:443"));
        assert!(t.is_insecure("[::1]:5000"));
        assert!(t.is_insecure("[::1]:5001"), "a loopback host");
        assert!(!t.is_insecure("ghcr.io"));
        // Loopback hosts are insecure unless listed as secure.
        assert!(t.is_insecure("localhost:5000"));
        assert!(t.is_insecure("127.0.0.1:5000"));
        assert!(t.is_insecure("[::1]:6000"));
        assert!(!t.is_insecure("127.0.0.2:5000"));
        let t = Transport::new(settings(0.0, &[("reg.internal", 0.0)], &[])).unwrap();
        assert_eq!(lock(&t.host("reg.internal").limiter).rate(now), None);
        let bad = Transport::new(settings(0.0, &[("reg.internal", -1.0)], &[]));
        assert_eq!(
            bad.err().map(|e| e.to_string()),
            Some(
                "setting up the registry client: the request rate of reg.internal must be a number, 0 for no fixed cap"
                    .to_owned()
            )
        );
    }
}

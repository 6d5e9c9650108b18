//! Async registry client: auth, pagination, media types, platforms, cache, limits.
//!
//! The input is a [`RepoKey`] (API host and repository name); this module knows nothing
//! of YAML or git, and takes only the tag grammar and Docker Hub's names from
//! [`crate::image`]. The work is split as go-containerregistry splits it: `list` pages
//! through tags lists, `fetch` reads manifests and configs, `transport` sends every
//! request (limits, retries, auth, HTTP). [`Client::scan`] lists a repository's tags and
//! reads, for the tags the caller wants, the digest, whether the tag has the chosen
//! platform, and when the image was built; with a cache directory a warm scan costs one
//! tags-list request per page. Warnings and errors are returned as values; nothing is
//! printed.
//!
//! ```no_run
//! # async fn demo() -> Result<(), tagpilot::registry::RegistryError> {
//! use tagpilot::registry::{Client, ClientOptions, RepoKey};
//! let client = Client::new(ClientOptions::default())?;
//! let repo = RepoKey::new("registry-1.docker.io", "library/nginx");
//! let scan = client.scan(&repo, |tag| tag.starts_with("1.")).await?;
//! for (tag, details) in &scan.details {
//!     println!("{tag}: {:?}", details.as_ref().map(|d| d.created));
//! }
//! # Ok(()) }
//! ```

mod cache;
mod challenge;
mod credentials;
mod error;
mod fetch;
mod list;
mod oci;
mod platform;
mod scan;
mod transport;
mod vendor;

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::Method;

pub use challenge::Secret;
pub use credentials::DOCKER_HUB_KEY;
pub use error::RegistryError;
pub use platform::{Platform, PlatformParseError};
pub use transport::retry;
pub use transport::{HostCounts, Pulls, RequestLog, WAIT_SHOWN};
pub use vendor::Api;

use transport::{Call, Reply, Transport};

/// Bound of one tags-list page.
const TAGS_BODY_LIMIT: u64 = 64 * 1024 * 1024;
/// Bound of a manifest or config blob.
const MANIFEST_BODY_LIMIT: u64 = 4 * 1024 * 1024;

/// A repository on a registry: what the client is asked about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RepoKey {
    /// The API host with an optional port: `127.0.0.1:5000`, `registry-1.docker.io`.
    pub api_host: String,
    /// The repository path: `library/nginx`.
    pub repository: String,
}

impl RepoKey {
    /// Builds a key.
    pub fn new(api_host: impl Into<String>, repository: impl Into<String>) -> RepoKey {
        RepoKey {
            api_host: api_host.into(),
            repository: repository.into(),
        }
    }
}

impl fmt::Display for RepoKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.api_host, self.repository)
    }
}

/// How the client behaves; `Default` gives the documented defaults.
#[derive(Clone)]
pub struct ClientOptions {
    /// Requests in flight at once, over all hosts (`--concurrency`, 16).
    pub concurrency: usize,
    /// Requests per second per host (`--registry-rps`); 0, the default, for no fixed cap.
    /// A 429 halves a host's rate, which then recovers over ten seconds.
    pub rps: f64,
    /// Hosts (`host[:port]`, or `host` for every port) with their own rate instead of
    /// `rps`; an entry with the port wins over one without.
    pub rps_by_host: BTreeMap<String, f64>,
    /// Timeout of one HTTP request (`--timeout`, 30 s).
    pub timeout: Duration,
    /// Hosts (`host[:port]`, or `host` for every port) that may use plain HTTP and
    /// unverified TLS (`--insecure-registry`). HTTPS is tried first. Loopback hosts
    /// (`localhost`, `127.0.0.0/8`, `[::1]`, judged as written) are insecure without
    /// being listed, as Docker treats them.
    pub insecure_hosts: Vec<String>,
    /// Loopback hosts that are not insecure after all (a registry's `insecure: false`).
    pub secure_hosts: Vec<String>,
    /// PEM files of CA certificates trusted for every registry besides the system's
    /// (`--registry-ca`).
    pub ca_files: Vec<PathBuf>,
    /// Hosts (`host[:port]`, or `host` for every port) with a PEM file of CA certificates
    /// of their own, trusted for them alone (a registry's `ca`).
    pub ca_by_host: BTreeMap<String, PathBuf>,
    /// With `-vv`: also log each answer's headers (redacted) after its request line.
    pub log_headers: bool,
    /// The platform to read from multi-platform tags (`--platform`, linux/amd64).
    pub platform: Platform,
    /// The Docker config file with credentials; `None` for anonymous access only. A
    /// missing file means anonymous access too.
    pub docker_config: Option<PathBuf>,
    /// Where `docker-credential-*` helpers are looked for, in `PATH` form; `None` uses
    /// the process's `PATH`.
    pub credential_helper_path: Option<OsString>,
    /// The cache directory (`--cache-dir`); `None` disables the cache (`--no-cache`).
    pub cache_dir: Option<PathBuf>,
    /// Re-check every cached tag now (`--refresh`).
    pub refresh: bool,
    /// Receives one line per HTTP request (`-v`), with no secret in it.
    pub request_log: Option<RequestLog>,
    /// Receives a line when a request waits [`WAIT_SHOWN`] or longer before its next try
    /// (a `Retry-After`, a long backoff), so that a long pause is not silence.
    pub wait_log: Option<RequestLog>,
    /// Retries of a failed request (429, 5xx, reset, timeout), 4.
    pub max_retries: u32,
    /// First backoff delay, doubled on each retry, plus up to half again of jitter (500 ms).
    pub retry_base: Duration,
    /// A `Retry-After` longer than this is not waited for: the request fails (60 s).
    pub max_retry_after: Duration,
    /// Tags one repository may have (`--max-tags`, 100000); a tags list beyond it is an
    /// error for that repository, so an endless run of pages stays bounded.
    pub max_tags: usize,
    /// Time for the whole registry phase, counted from [`Client::new`] (`--deadline`,
    /// 900 s); a scan not finished by then fails. `None`: no deadline.
    pub deadline: Option<Duration>,
    /// Hosts (`host[:port]`, or `host` for every port) with the API dialect they speak,
    /// where the host does not tell it (a registry's `api`).
    pub apis: BTreeMap<String, Api>,
    /// Hosts with the base URL of their vendor API, where it is not the default (a
    /// registry's `vendorUrl`; Docker Hub's Hub API is `https://hub.docker.com`).
    pub vendor_urls: BTreeMap<String, String>,
    /// Read each repository's push times from its vendor listing (`--time-source pushed`).
    pub push_times: bool,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            concurrency: 16,
            rps: 0.0,
            rps_by_host: BTreeMap::new(),
            timeout: Duration::from_secs(30),
            insecure_hosts: Vec::new(),
            secure_hosts: Vec::new(),
            ca_files: Vec::new(),
            ca_by_host: BTreeMap::new(),
            log_headers: false,
            platform: Platform::default(),
            docker_config: None,
            credential_helper_path: None,
            cache_dir: None,
            refresh: false,
            request_log: None,
            wait_log: None,
            max_retries: 4,
            retry_base: Duration::from_millis(500),
            max_retry_after: Duration::from_secs(60),
            max_tags: 100_000,
            deadline: Some(Duration::from_secs(900)),
            apis: BTreeMap::new(),
            vendor_urls: BTreeMap::new(),
            push_times: false,
        }
    }
}

impl fmt::Debug for ClientOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientOptions")
            .field("concurrency", &self.concurrency)
            .field("rps", &self.rps)
            .field("rps_by_host", &self.rps_by_host)
            .field("timeout", &self.timeout)
            .field("insecure_hosts", &self.insecure_hosts)
            .field("secure_hosts", &self.secure_hosts)
            .field("ca_files", &self.ca_files)
            .field("ca_by_host", &self.ca_by_host)
            .field("log_headers", &self.log_headers)
            .field("platform", &self.platform.to_string())
            .field("docker_config", &self.docker_config)
            .field("credential_helper_path", &self.credential_helper_path)
            .field("cache_dir", &self.cache_dir)
            .field("refresh", &self.refresh)
            .field("request_log", &self.request_log.is_some())
            .field("max_retries", &self.max_retries)
            .field("retry_base", &self.retry_base)
            .field("max_retry_after", &self.max_retry_after)
            .field("max_tags", &self.max_tags)
            .field("deadline", &self.deadline)
            .field("apis", &self.apis)
            .field("vendor_urls", &self.vendor_urls)
            .field("push_times", &self.push_times)
            .finish()
    }
}

/// Whether a tag has an image for the chosen platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Availability {
    /// It has: an index with a matching entry, or a single-platform manifest. A single
    /// manifest counts as available for every platform, whatever its config names, as
    /// Flux v1 took it: selection applies to indexes.
    Available,
    /// An index without an entry for the platform: "not available for <platform>".
    NotForPlatform,
}

/// What the registry says about one tag, for the client's platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagDetails {
    /// The tag's digest: `Docker-Content-Digest` of the manifest fetched with the full
    /// `Accept` (the index's digest for a multi-platform tag).
    pub digest: String,
    /// When the image was built, `None` when nothing tells.
    pub created: Option<DateTime<Utc>>,
    /// Whether the tag has the platform.
    pub availability: Availability,
}

/// The result of [`Client::scan`].
#[derive(Debug)]
pub struct RepoScan {
    /// Every tag, in the registry's order, without duplicates.
    pub tags: Vec<String>,
    /// Details of the tags the caller wanted; a failure of one tag is its own entry.
    pub details: BTreeMap<String, Result<TagDetails, RegistryError>>,
    /// Things the caller should show as warnings (a rebuilt cache, say).
    pub warnings: Vec<String>,
    /// Tags-list pages read.
    pub pages: usize,
    /// With [`ClientOptions::push_times`]: when each tag was last pushed, from the
    /// registry's vendor listing, or why the registry gives no push times.
    pub pushed: Option<Result<BTreeMap<String, DateTime<Utc>>, RegistryError>>,
}

/// An async registry client. Cheap to share by reference; one per run, so that tokens,
/// rate limits and the concurrency bound are shared by every repository.
pub struct Client {
    transport: Transport,
    platform: Platform,
    cache_dir: Option<PathBuf>,
    refresh: bool,
    max_tags: usize,
    /// When scans stop, and the deadline they were given.
    deadline: Option<(tokio::time::Instant, Duration)>,
    apis: BTreeMap<String, Api>,
    vendor_urls: BTreeMap<String, String>,
    push_times: bool,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("platform", &self.platform.to_string())
            .field("cache_dir", &self.cache_dir)
            .finish_non_exhaustive()
    }
}

/// Whether a repository name has the distribution spec's form (lower case components
/// separated by `/`); anything else would change the meaning of the URL path.
fn valid_repository(name: &str) -> bool {
    !name.is_empty()
        && name.split('/').all(|c| {
            !c.is_empty()
                && c != "."
                && c != ".."
                && c.bytes().all(|b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-')
                })
        })
}

fn check_repository(repo: &RepoKey, doing: &str) -> Result<(), RegistryError> {
    if valid_repository(&repo.repository) {
        Ok(())
    } else {
        Err(RegistryError::invalid(
            doing,
            "the repository name is not valid",
        ))
    }
}

impl Client {
    /// Builds a client. Fails on invalid options or an unreadable Docker config file.
    pub fn new(opts: ClientOptions) -> Result<Client, RegistryError> {
        let docker_config = match &opts.docker_config {
            Some(path) => credentials::DockerConfig::load(path)?.map(Arc::new),
            None => None,
        };
        let transport = Transport::new(transport::Settings {
            concurrency: opts.concurrency,
            rps: opts.rps,
            rps_by_host: opts.rps_by_host,
            timeout: opts.timeout,
            insecure_hosts: opts.insecure_hosts,
            secure_hosts: opts.secure_hosts,
            ca_files: opts.ca_files,
            ca_by_host: opts.ca_by_host,
            log_headers: opts.log_headers,
            backoff: retry::Backoff {
                max_retries: opts.max_retries,
                base: opts.retry_base,
                max_retry_after: opts.max_retry_after,
            },
            request_log: opts.request_log,
            wait_log: opts.wait_log,
            docker_config,
            helper_path: opts.credential_helper_path,
        })?;
        Ok(Client {
            transport,
            platform: opts.platform,
            cache_dir: opts.cache_dir,
            refresh: opts.refresh,
            max_tags: opts.max_tags,
            deadline: opts.deadline.map(|d| (tokio::time::Instant::now() + d, d)),
            apis: opts.apis,
            vendor_urls: opts.vendor_urls,
            push_times: opts.push_times,
        })
    }

    /// The platform this client reads.
    pub fn platform(&self) -> &Platform {
        &self.platform
    }

    /// How many HTTP requests this client has sent (every redirect hop and retry counts).
    pub fn requests_sent(&self) -> u64 {
        self.transport.requests()
    }

    /// What each registry host was sent, sorted by host.
    pub fn host_counts(&self) -> Vec<HostCounts> {
        self.transport.host_counts()
    }

    async fn get(
        &self,
        repo: &RepoKey,
        target: &str,
        accept: &str,
        limit: u64,
        doing: &str,
    ) -> Result<Reply, RegistryError> {
        self.call(Method::GET, repo, target, accept, limit, doing)
            .await
    }

    async fn call(
        &self,
        method: Method,
        repo: &RepoKey,
        target: &str,
        accept: &str,
        limit: u64,
        doing: &str,
    ) -> Result<Reply, RegistryError> {
        self.transport
            .send(&Call {
                method,
                host: &repo.api_host,
                target,
                repository: &repo.repository,
                actions: "pull",
                accept,
                limit,
                doing,
                token_of: None,
            })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for ok in ["library/nginx", "a", "team/app-1/x.y_z", "a__b"] {
            assert!(valid_repository(ok), "{ok}");
        }
        for bad in ["", "Team/app", "a//b", "a/../b", "./a", "a/", "a?b", "a b"] {
            assert!(!valid_repository(bad), "{bad}");
        }
    }
}

//! Async registry client: auth, pagination, media types, platforms, cache, limits.
//!
//! The input is a [`RepoKey`] (API host and repository name); this module knows nothing
//! of YAML, git or image references. [`Client::scan`] lists a repository's tags and
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

mod auth;
mod cache;
mod credentials;
mod error;
mod oci;
mod platform;
mod transport;

use std::collections::{BTreeMap, HashSet};
use std::ffi::OsString;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::StreamExt as _;
use reqwest::Method;
use serde::Deserialize;

pub use auth::Secret;
pub use credentials::DOCKER_HUB_KEY;
pub use error::RegistryError;
pub use platform::{Platform, PlatformParseError};
pub use transport::RequestLog;

use cache::{Plan, RepoCache};
use oci::{MANIFEST_ACCEPT, Manifest};
use transport::{Call, Reply, Transport};

/// Bound of one tags-list page.
const TAGS_BODY_LIMIT: u64 = 64 * 1024 * 1024;
/// Bound of a manifest or config blob.
const MANIFEST_BODY_LIMIT: u64 = 4 * 1024 * 1024;
/// Page size asked for; registries may send fewer and a `Link` to the rest.
const PAGE_SIZE: usize = 1000;
/// More pages than this is a loop, not a repository.
const MAX_PAGES: usize = 100_000;

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

/// How the client behaves; `Default` gives the documented defaults of SPEC §1.1.
#[derive(Clone)]
pub struct ClientOptions {
    /// Requests in flight at once, over all hosts (`--concurrency`, 16).
    pub concurrency: usize,
    /// Requests per second per host (`--registry-rps`, 50); halved on each HTTP 429.
    pub rps: f64,
    /// Hosts (`host[:port]`, or `host` for every port) with their own rate instead of
    /// `rps`; an entry with the port wins over one without.
    pub rps_by_host: BTreeMap<String, f64>,
    /// Timeout of one HTTP request (`--timeout`, 30 s).
    pub timeout: Duration,
    /// Hosts (`host[:port]`, or `host` for every port) that may use plain HTTP and
    /// unverified TLS (`--insecure-registry`). HTTPS is tried first.
    pub insecure_hosts: Vec<String>,
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
    /// Retries of a failed request (429, 5xx, reset, timeout), 4.
    pub max_retries: u32,
    /// First backoff delay, doubled on each retry, plus up to half again of jitter (500 ms).
    pub retry_base: Duration,
    /// A `Retry-After` longer than this is not waited for: the request fails (60 s).
    pub max_retry_after: Duration,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            concurrency: 16,
            rps: 50.0,
            rps_by_host: BTreeMap::new(),
            timeout: Duration::from_secs(30),
            insecure_hosts: Vec::new(),
            platform: Platform::default(),
            docker_config: None,
            credential_helper_path: None,
            cache_dir: None,
            refresh: false,
            request_log: None,
            max_retries: 4,
            retry_base: Duration::from_millis(500),
            max_retry_after: Duration::from_secs(60),
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
            .field("platform", &self.platform.to_string())
            .field("docker_config", &self.docker_config)
            .field("credential_helper_path", &self.credential_helper_path)
            .field("cache_dir", &self.cache_dir)
            .field("refresh", &self.refresh)
            .field("request_log", &self.request_log.is_some())
            .field("max_retries", &self.max_retries)
            .field("retry_base", &self.retry_base)
            .field("max_retry_after", &self.max_retry_after)
            .finish()
    }
}

/// Whether a tag has an image for the chosen platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Availability {
    /// It has: an index with a matching entry, or a single-platform manifest. A single
    /// manifest counts as available for every platform, whatever its config names, as
    /// Flux v1 took it: selection applies to indexes (SPEC §6.2).
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
    /// When the image was built (SPEC §6.3), `None` when nothing tells.
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
}

/// An async registry client. Cheap to share by reference; one per run, so that tokens,
/// rate limits and the concurrency bound are shared by every repository.
pub struct Client {
    transport: Transport,
    platform: Platform,
    cache_dir: Option<PathBuf>,
    refresh: bool,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("platform", &self.platform.to_string())
            .field("cache_dir", &self.cache_dir)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct TagList {
    #[serde(default)]
    tags: Option<Vec<String>>,
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

/// Whether a tag has the distribution spec's form `[A-Za-z0-9_][A-Za-z0-9._-]{0,127}`.
fn valid_tag(tag: &str) -> bool {
    let b = tag.as_bytes();
    (1..=128).contains(&b.len())
        && (b[0].is_ascii_alphanumeric() || b[0] == b'_')
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'))
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

/// The `rel="next"` target of a `Link` header, if any.
fn next_link(header: &str) -> Option<String> {
    // Link: <url>; rel="next", <url2>; rel="prev"
    let mut rest = header;
    while let Some(start) = rest.find('<') {
        let after = &rest[start + 1..];
        let end = after.find('>')?;
        let target = &after[..end];
        let params_end = after[end..].find('<').map_or(after.len(), |i| end + i);
        let params = &after[end + 1..params_end];
        let is_next = params.split(';').any(|p| {
            let p = p.trim().trim_end_matches(',').trim();
            p.split_once('=').is_some_and(|(k, v)| {
                k.trim().eq_ignore_ascii_case("rel")
                    && v.trim()
                        .trim_matches('"')
                        .split_whitespace()
                        .any(|r| r.eq_ignore_ascii_case("next"))
            })
        });
        if is_next {
            return Some(target.trim().to_owned());
        }
        rest = &after[params_end..];
    }
    None
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
            max_retries: opts.max_retries,
            retry_base: opts.retry_base,
            max_retry_after: opts.max_retry_after,
            request_log: opts.request_log,
            docker_config,
            helper_path: opts.credential_helper_path,
        })?;
        Ok(Client {
            transport,
            platform: opts.platform,
            cache_dir: opts.cache_dir,
            refresh: opts.refresh,
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

    /// Every tag of a repository, following `Link` pages to the end, in the registry's
    /// order without duplicates.
    pub async fn list_tags(&self, repo: &RepoKey) -> Result<Vec<String>, RegistryError> {
        Ok(self.list_tags_paged(repo).await?.0)
    }

    async fn list_tags_paged(&self, repo: &RepoKey) -> Result<(Vec<String>, usize), RegistryError> {
        let doing = format!("listing tags of {repo}");
        check_repository(repo, &doing)?;
        let first = format!("/v2/{}/tags/list?n={PAGE_SIZE}", repo.repository);
        let mut target = first.clone();
        let mut seen_urls: HashSet<String> = HashSet::new();
        let mut seen_tags: HashSet<String> = HashSet::new();
        let mut tags = Vec::new();
        let mut pages = 0;
        loop {
            let result = self
                .get(repo, &target, "application/json", TAGS_BODY_LIMIT, &doing)
                .await;
            let reply = match result {
                // Some registries refuse `n`; ask again without it.
                Err(e) if pages == 0 && target == first && e.status() == Some(400) => {
                    target = format!("/v2/{}/tags/list", repo.repository);
                    continue;
                }
                r => r?,
            };
            pages += 1;
            let list: TagList = serde_json::from_slice(&reply.body).map_err(|e| {
                RegistryError::invalid(
                    &doing,
                    format!("the tags list is not the expected JSON: {e}"),
                )
            })?;
            for t in list.tags.unwrap_or_default() {
                if seen_tags.insert(t.clone()) {
                    tags.push(t);
                }
            }
            seen_urls.insert(reply.url.to_string());
            let Some(next) = reply.header("link").and_then(next_link) else {
                break;
            };
            let next = reply.url.join(&next).map_err(|e| {
                RegistryError::invalid(&doing, format!("the Link header holds an invalid URL: {e}"))
            })?;
            // A link back to a page already read would loop for ever.
            if seen_urls.contains(next.as_str()) || pages >= MAX_PAGES {
                break;
            }
            target = next.to_string();
        }
        Ok((tags, pages))
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
                accept,
                limit,
                doing,
            })
            .await
    }

    /// The digest, platform availability and creation time of one tag.
    pub async fn tag_facts(&self, repo: &RepoKey, tag: &str) -> Result<TagDetails, RegistryError> {
        let doing = format!("reading manifest {tag:?} of {repo}");
        check_repository(repo, &doing)?;
        if !valid_tag(tag) {
            return Err(RegistryError::invalid(&doing, "the tag is not valid"));
        }
        let reply = self
            .get(
                repo,
                &format!("/v2/{}/manifests/{tag}", repo.repository),
                MANIFEST_ACCEPT,
                MANIFEST_BODY_LIMIT,
                &doing,
            )
            .await?;
        let digest = match reply.header("docker-content-digest") {
            Some(d) if oci::is_digest(d.trim()) => d.trim().to_owned(),
            _ => oci::sha256_digest(&reply.body),
        };
        self.resolve(repo, tag, digest, &reply).await
    }

    /// Facts of a manifest known by digest (after a `HEAD` found a new digest).
    async fn digest_facts(
        &self,
        repo: &RepoKey,
        tag: &str,
        digest: &str,
    ) -> Result<TagDetails, RegistryError> {
        let doing = format!("reading manifest {digest} (tag {tag:?}) of {repo}");
        if !oci::is_digest(digest) {
            return Err(RegistryError::invalid(
                &doing,
                "the registry reported an invalid digest",
            ));
        }
        let reply = self
            .get(
                repo,
                &format!("/v2/{}/manifests/{digest}", repo.repository),
                MANIFEST_ACCEPT,
                MANIFEST_BODY_LIMIT,
                &doing,
            )
            .await?;
        if let Err(actual) = oci::verify_digest(digest, &reply.body) {
            return Err(RegistryError::DigestMismatch {
                doing,
                expected: digest.to_owned(),
                actual,
            });
        }
        self.resolve(repo, tag, digest.to_owned(), &reply).await
    }

    /// Reads a fetched manifest: picks the platform from an index, then the config.
    async fn resolve(
        &self,
        repo: &RepoKey,
        tag: &str,
        digest: String,
        reply: &Reply,
    ) -> Result<TagDetails, RegistryError> {
        let doing = format!("reading manifest {tag:?} of {repo}");
        let manifest = Manifest::parse(reply.header("content-type"), &reply.body)
            .map_err(|e| RegistryError::invalid(&doing, e))?;
        let (created, availability) = match manifest {
            Manifest::Index(index) => match index.select(&self.platform) {
                None => (None, Availability::NotForPlatform),
                Some(entry) => {
                    let child_doing = format!(
                        "reading the {} manifest {} of tag {tag:?} of {repo}",
                        self.platform, entry.digest
                    );
                    if !oci::is_digest(&entry.digest) {
                        return Err(RegistryError::invalid(
                            &child_doing,
                            "the index entry has an invalid digest",
                        ));
                    }
                    let child = self
                        .get(
                            repo,
                            &format!("/v2/{}/manifests/{}", repo.repository, entry.digest),
                            MANIFEST_ACCEPT,
                            MANIFEST_BODY_LIMIT,
                            &child_doing,
                        )
                        .await?;
                    if let Err(actual) = oci::verify_digest(&entry.digest, &child.body) {
                        return Err(RegistryError::DigestMismatch {
                            doing: child_doing,
                            expected: entry.digest.clone(),
                            actual,
                        });
                    }
                    let created = match Manifest::parse(child.header("content-type"), &child.body)
                        .map_err(|e| RegistryError::invalid(&child_doing, e))?
                    {
                        Manifest::Image(m) => {
                            self.image_created(repo, tag, &m, Some(&index.annotations))
                                .await?
                        }
                        Manifest::Schema1(cfg) => {
                            oci::creation_time(&cfg, None, Some(&index.annotations))
                        }
                        Manifest::Index(_) => {
                            return Err(RegistryError::invalid(
                                &child_doing,
                                "an index inside an index is not supported",
                            ));
                        }
                    };
                    (created, Availability::Available)
                }
            },
            Manifest::Image(m) => (
                self.image_created(repo, tag, &m, None).await?,
                Availability::Available,
            ),
            Manifest::Schema1(cfg) => (
                oci::creation_time(&cfg, None, None),
                Availability::Available,
            ),
        };
        Ok(TagDetails {
            digest,
            created,
            availability,
        })
    }

    /// Fetches and verifies an image's config blob, then applies the creation-time chain.
    async fn image_created(
        &self,
        repo: &RepoKey,
        tag: &str,
        manifest: &oci::ImageManifest,
        index_annotations: Option<&BTreeMap<String, String>>,
    ) -> Result<Option<DateTime<Utc>>, RegistryError> {
        let digest = &manifest.config.digest;
        let doing = format!("reading config blob {digest} of tag {tag:?} of {repo}");
        if !oci::is_digest(digest) {
            return Err(RegistryError::invalid(
                &doing,
                "the manifest names an invalid config digest",
            ));
        }
        let reply = self
            .get(
                repo,
                &format!("/v2/{}/blobs/{digest}", repo.repository),
                "application/vnd.oci.image.config.v1+json, application/vnd.docker.container.image.v1+json, */*",
                MANIFEST_BODY_LIMIT,
                &doing,
            )
            .await?;
        if let Err(actual) = oci::verify_digest(digest, &reply.body) {
            return Err(RegistryError::DigestMismatch {
                doing,
                expected: digest.clone(),
                actual,
            });
        }
        let config =
            oci::ImageConfig::parse(&reply.body).map_err(|e| RegistryError::invalid(&doing, e))?;
        Ok(oci::creation_time(
            &config,
            Some(&manifest.annotations),
            index_annotations,
        ))
    }

    /// The current digest of a tag by `HEAD`; `None` when the registry does not say.
    async fn head_digest(
        &self,
        repo: &RepoKey,
        tag: &str,
    ) -> Result<Option<String>, RegistryError> {
        let doing = format!("checking manifest {tag:?} of {repo}");
        if !valid_tag(tag) {
            return Err(RegistryError::invalid(&doing, "the tag is not valid"));
        }
        let reply = self
            .call(
                Method::HEAD,
                repo,
                &format!("/v2/{}/manifests/{tag}", repo.repository),
                MANIFEST_ACCEPT,
                0,
                &doing,
            )
            .await?;
        Ok(reply
            .header("docker-content-digest")
            .map(str::trim)
            .filter(|d| oci::is_digest(d))
            .map(str::to_owned))
    }

    /// Lists every tag of a repository and reads the details of the tags that `want`
    /// accepts, `concurrency` requests at a time, through the cache when there is one.
    ///
    /// Fails only when the tags cannot be listed; a tag that cannot be read is an
    /// error in [`RepoScan::details`].
    pub async fn scan(
        &self,
        repo: &RepoKey,
        want: impl Fn(&str) -> bool,
    ) -> Result<RepoScan, RegistryError> {
        self.scan_rechecking(repo, want, |_| false).await
    }

    /// [`Client::scan`], also checking the digest of each wanted tag that `recheck` names
    /// with the registry now, whatever the cache says (one `HEAD` each): for a reference
    /// written with a digest, whose tag may have been pushed again since.
    pub async fn scan_rechecking(
        &self,
        repo: &RepoKey,
        want: impl Fn(&str) -> bool,
        recheck: impl Fn(&str) -> bool,
    ) -> Result<RepoScan, RegistryError> {
        let (tags, pages) = self.list_tags_paged(repo).await?;
        let mut warnings = Vec::new();
        let mut cache = match &self.cache_dir {
            Some(dir) => {
                let (c, w) = RepoCache::load(dir, repo);
                warnings.extend(w);
                Some(c)
            }
            None => None,
        };
        let now = Utc::now().timestamp();
        let platform = self.platform.to_string();
        let jobs: Vec<(String, Plan)> = tags
            .iter()
            .filter(|t| want(t))
            .map(|t| {
                let plan = match &cache {
                    Some(c) => c.plan(t, &platform, now, self.refresh),
                    None => Plan::Fetch,
                };
                let plan = match plan {
                    Plan::Fresh(d) if recheck(t) => Plan::Recheck(d.digest),
                    Plan::Resolve(digest) if recheck(t) => Plan::Recheck(digest),
                    plan => plan,
                };
                (t.clone(), plan)
            })
            .collect();
        let cache_ref = cache.as_ref();
        let platform_ref = platform.as_str();
        let results: Vec<(String, Result<TagDetails, RegistryError>, Option<bool>)> =
            futures::stream::iter(jobs)
                .map(|(tag, plan)| async move {
                    // The third value: None = nothing learnt, Some(rechecked) = record it.
                    match plan {
                        Plan::Fresh(d) => (tag, Ok(d), None),
                        Plan::Fetch => {
                            let r = self.tag_facts(repo, &tag).await;
                            (tag, r, Some(false))
                        }
                        Plan::Resolve(digest) => {
                            let r = self.digest_facts(repo, &tag, &digest).await;
                            (tag, r, Some(false))
                        }
                        Plan::Recheck(old) => {
                            let r = match self.head_digest(repo, &tag).await {
                                Ok(Some(d)) => {
                                    match cache_ref.and_then(|c| c.facts(&d, platform_ref)) {
                                        Some(details) => Ok(details),
                                        None => self.digest_facts(repo, &tag, &d).await,
                                    }
                                }
                                Ok(None) => self.tag_facts(repo, &tag).await,
                                Err(e) => Err(e),
                            };
                            // A forced refresh of a tag that is not due keeps its interval.
                            let scheduled =
                                !self.refresh || r.as_ref().is_ok_and(|d| d.digest != old);
                            (tag, r, Some(scheduled))
                        }
                    }
                })
                .buffer_unordered(self.transport_concurrency())
                .collect()
                .await;
        let mut details = BTreeMap::new();
        for (tag, result, record) in results {
            if let (Some(c), Ok(d), Some(rechecked)) = (cache.as_mut(), &result, record) {
                c.record(&tag, &platform, d, now, rechecked);
            }
            details.insert(tag, result);
        }
        if let Some(c) = cache.as_mut() {
            c.retain_tags(&tags.iter().map(String::as_str).collect());
            if let Err(w) = c.save() {
                warnings.push(w);
            }
        }
        Ok(RepoScan {
            tags,
            details,
            warnings,
            pages,
        })
    }

    fn transport_concurrency(&self) -> usize {
        // The semaphore bounds requests; this bounds tags being worked on, which keeps
        // memory flat for repositories with many tags.
        64
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
        for ok in ["latest", "1.0.0", "_x", "V1-rc.2", &"a".repeat(128)] {
            assert!(valid_tag(ok), "{ok}");
        }
        for bad in ["", ".x", "-x", "a/b", "a?b", "..", &"a".repeat(129)] {
            assert!(!valid_tag(bad), "{bad}");
        }
    }

    #[test]
    fn link_headers() {
        assert_eq!(
            next_link(r#"</v2/a/tags/list?last=1.0.142&n=50>; rel="next""#).as_deref(),
            Some("/v2/a/tags/list?last=1.0.142&n=50")
        );
        assert_eq!(
            next_link(r#"<https://h/v2/a/tags/list?p=1>; rel="prev", <https://h/v2/a/tags/list?p=3>; rel=next"#).as_deref(),
            Some("https://h/v2/a/tags/list?p=3")
        );
        assert_eq!(next_link(r#"<x>; rel="first last""#), None);
        assert_eq!(
            next_link(r#"<x>; title="a"; rel="prev next""#).as_deref(),
            Some("x")
        );
        assert_eq!(next_link(""), None);
    }
}

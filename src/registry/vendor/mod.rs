//! Vendor listings: the APIs beside the registry API that give a repository's tags with
//! their digests and push times in bulk, one request per page instead of one per tag.
//!
//! - Docker Hub's Hub API (`hub.docker.com`): pages of at most 100 tags, newest first,
//!   each with its digest and the digest of every platform's image; reading it spends no
//!   pulls of Docker Hub's budget.
//! - Quay's API (`/api/v1/repository/…/tag/`): pages of 100, newest first, with each
//!   tag's digest and whether it is a multi-platform index.
//! - Azure Container Registry's `/acr/v1/…/_tags`: pages with a `Link` to the next one,
//!   newest first, with digests.
//! - GitHub's Packages API (`api.github.com`) for `ghcr.io`: each version's digest, tags
//!   and push time, with the token `docker login ghcr.io` keeps; without one, none.
//!
//! Google's registries extend the ordinary tags list instead; that is read in `list`.
//! Which dialect a registry speaks is told by its host (or by the configuration's `api`);
//! a listing that is missing, refused or not understood leaves the tags to the registry
//! API, as if there were none.

mod acr;
mod github;
mod hub;
mod quay;

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use reqwest::{Method, Url};

use super::transport::Call;
use super::{Client, Platform, RegistryError, RepoKey};

/// Bound of one page of a vendor listing.
const PAGE_BODY_LIMIT: u64 = 4 * 1024 * 1024;
/// Pages one listing may have: the most tags a repository may have (`--max-tags`,
/// 100,000 by default) fit in a thousand pages of a hundred.
const MAX_PAGES: usize = 1000;

/// The API dialect a registry speaks beside the distribution API (the configuration's
/// `api`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Api {
    /// Told by the host.
    Auto,
    /// Only the distribution API.
    Oci,
    /// Google Container Registry and Artifact Registry: the extended tags list.
    Gcr,
    /// Docker Hub: the Hub API and the pull budget.
    DockerHub,
    /// Quay: its tag API.
    Quay,
    /// Azure Container Registry: its `_tags` API.
    Acr,
    /// GitHub's container registry: the Packages API, with the registry's token.
    Github,
}

impl Api {
    /// Every dialect, by the name the configuration file uses.
    pub const NAMES: [(&'static str, Api); 7] = [
        ("auto", Api::Auto),
        ("oci", Api::Oci),
        ("gcr", Api::Gcr),
        ("dockerhub", Api::DockerHub),
        ("quay", Api::Quay),
        ("acr", Api::Acr),
        ("github", Api::Github),
    ];

    /// The dialect of a registry host, as the vendors name their hosts.
    pub fn of_host(authority: &str) -> Api {
        let host = authority
            .rsplit_once(':')
            .filter(|(_, port)| port.bytes().all(|b| b.is_ascii_digit()))
            .map_or(authority, |(host, _)| host)
            .to_ascii_lowercase();
        if crate::image::is_docker_hub_host(&host) {
            Api::DockerHub
        } else if host == "gcr.io" || host.ends_with(".gcr.io") || host.ends_with("-docker.pkg.dev")
        {
            Api::Gcr
        } else if host == "quay.io" {
            Api::Quay
        } else if host.ends_with(".azurecr.io") {
            Api::Acr
        } else if host == "ghcr.io" {
            Api::Github
        } else {
            Api::Oci
        }
    }

    /// Whether a tag's digest and push time come from a listing of this dialect.
    pub(crate) fn lists_tags(self) -> bool {
        matches!(self, Api::DockerHub | Api::Quay | Api::Acr | Api::Github)
    }
}

impl FromStr for Api {
    type Err = String;

    fn from_str(text: &str) -> Result<Api, String> {
        Api::NAMES
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(text.trim()))
            .map(|(_, api)| *api)
            .ok_or_else(|| {
                let names: Vec<&str> = Api::NAMES.iter().map(|(n, _)| *n).collect();
                format!("expected one of {}", names.join(", "))
            })
    }
}

impl fmt::Display for Api {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = Api::NAMES
            .iter()
            .find(|(_, api)| api == self)
            .map_or("oci", |(name, _)| name);
        f.write_str(name)
    }
}

/// What a listing says a tag's image is, for the client's platform.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    /// Not told: read the manifest by its digest.
    Unknown,
    /// A multi-platform index: the digest of the platform's image in it, or `None` when it
    /// has no image for the platform.
    Index(Option<String>),
}

/// What a vendor listing says of one tag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Listed {
    /// The tag's digest (an index's digest for a multi-platform tag).
    pub(crate) digest: String,
    /// What the image is.
    pub(crate) shape: Shape,
    /// When the tag was last pushed.
    pub(crate) pushed: Option<DateTime<Utc>>,
}

/// One page of a listing, understood.
pub(crate) struct Page {
    /// Tags with what the page says of them.
    pub(crate) tags: Vec<(String, Listed)>,
    /// The next page, relative to this one's URL or absolute.
    pub(crate) next: Option<String>,
}

/// A listing read as far as it was needed.
pub(crate) struct Listing {
    /// Tags by name.
    pub(crate) tags: BTreeMap<String, Listed>,
}

/// Reads one page of a listing: its body, its `Link` header, the client's platform.
type ParsePage = fn(&[u8], Option<&str>, &Platform) -> Result<Page, String>;

/// Where a dialect's listing starts, and how its pages read.
struct Source {
    /// The first page: a path on the registry's own host, or an absolute URL.
    first: String,
    /// The vendor API's host, when it is not the registry.
    host: Option<String>,
    parse: ParsePage,
    /// Where to start instead when the first page is not found (GitHub: a user's
    /// packages rather than an organisation's).
    fallback: Option<String>,
    /// Whether the API takes the registry's own token (GitHub).
    token: bool,
}

/// The Hub API's default base.
const HUB_API: &str = "https://hub.docker.com";
/// GitHub's API.
const GITHUB_API: &str = "https://api.github.com";

impl Client {
    /// The dialect of a repository's registry: the configuration's, else the host's.
    pub(crate) fn api(&self, repo: &RepoKey) -> Api {
        match for_host(&self.apis, &repo.api_host) {
            Some(api) if *api != Api::Auto => *api,
            _ => Api::of_host(&repo.api_host),
        }
    }

    /// Where the listing of `api` starts for `repo`, if the dialect has one and the
    /// repository's name fits it.
    fn source(&self, repo: &RepoKey, api: Api) -> Result<Option<Source>, RegistryError> {
        let doing = format!("listing tags of {repo} with the {api} API");
        let base = |default: Option<&str>| -> Result<Option<Url>, RegistryError> {
            let Some(text) = for_host(&self.vendor_urls, &repo.api_host)
                .map(String::as_str)
                .or(default)
            else {
                return Ok(None);
            };
            let url = Url::parse(text.trim_end_matches('/')).map_err(|e| {
                RegistryError::invalid(&doing, format!("vendorUrl {text:?} is not a URL: {e}"))
            })?;
            Ok(Some(url))
        };
        let (namespace, name) = match repo.repository.split_once('/') {
            Some((ns, name)) if !name.contains('/') || api == Api::Github => (ns, name),
            _ if api == Api::Acr => ("", repo.repository.as_str()),
            _ => return Ok(None),
        };
        let package = name.replace('/', "%2F");
        let versions = |owners: &str| {
            format!("/{owners}/{namespace}/packages/container/{package}/versions?per_page=100")
        };
        let (path, base, parse): (String, Option<Url>, _) = match api {
            Api::DockerHub => (
                format!(
                    "/v2/namespaces/{namespace}/repositories/{name}/tags?page_size=100&ordering=last_updated"
                ),
                base(Some(HUB_API))?,
                hub::parse as ParsePage,
            ),
            Api::Quay => (
                format!(
                    "/api/v1/repository/{namespace}/{name}/tag/?limit=100&page=1&onlyActiveTags=true"
                ),
                base(None)?,
                quay::parse as _,
            ),
            Api::Acr => (
                format!("/acr/v1/{}/_tags?n=100&orderby=timedesc", repo.repository),
                base(None)?,
                acr::parse as _,
            ),
            Api::Github => (
                versions("orgs"),
                base(Some(GITHUB_API))?,
                github::parse as _,
            ),
            _ => return Ok(None),
        };
        let at = |path: String| match &base {
            Some(base) => format!("{}{path}", base.as_str().trim_end_matches('/')),
            None => path,
        };
        Ok(Some(Source {
            first: at(path),
            host: base.as_ref().map(super::transport::authority),
            parse,
            fallback: (api == Api::Github).then(|| at(versions("users"))),
            // The token that logs in to the registry goes only to GitHub's own API for
            // ghcr.io, or to a vendor address the user gave.
            token: api == Api::Github
                && (repo.api_host == "ghcr.io"
                    || for_host(&self.vendor_urls, &repo.api_host).is_some()),
        }))
    }

    /// Reads the vendor listing of `repo`, if its dialect has one: to the end when `all`,
    /// else until every tag of `needed` is listed, or as many pages were read as there
    /// are such tags (asking the registry for each would cost no more). `Ok(None)` when
    /// the dialect has no listing.
    pub(crate) async fn vendor_listing(
        &self,
        repo: &RepoKey,
        needed: &HashSet<&str>,
        all: bool,
    ) -> Result<Option<Listing>, RegistryError> {
        let api = self.api(repo);
        let Some(source) = self.source(repo, api)? else {
            return Ok(None);
        };
        let doing = format!("listing tags of {repo} with the {api} API");
        if source.token && !self.transport.has_token(&repo.api_host, &doing).await? {
            return Ok(None);
        }
        let host = source.host.as_deref().unwrap_or(&repo.api_host);
        let mut target = source.first.clone();
        let mut first_url: Option<Url> = None;
        let mut seen = HashSet::new();
        let mut tags = BTreeMap::new();
        let mut pages = 0usize;
        loop {
            let call = Call {
                method: Method::GET,
                host,
                target: &target,
                repository: &repo.repository,
                // ACR's API takes a token for reading metadata, not for pulling.
                actions: if api == Api::Acr {
                    "metadata_read"
                } else {
                    "pull"
                },
                accept: "application/json",
                limit: PAGE_BODY_LIMIT,
                doing: &doing,
                token_of: source.token.then_some(repo.api_host.as_str()),
            };
            let reply = match (self.transport.send(&call).await, &source.fallback) {
                (Err(e), Some(fallback))
                    if pages == 0 && e.is_not_found() && target != *fallback =>
                {
                    target = fallback.clone();
                    continue;
                }
                (reply, _) => reply?,
            };
            pages += 1;
            let page = (source.parse)(&reply.body, reply.header("link"), &self.platform)
                .map_err(|why| RegistryError::invalid(&doing, why))?;
            if page.tags.len() > self.max_tags {
                return Err(RegistryError::TooManyTags {
                    doing,
                    limit: self.max_tags,
                });
            }
            for (tag, listed) in page.tags {
                tags.entry(tag).or_insert(listed);
            }
            if tags.len() > self.max_tags || pages > MAX_PAGES {
                return Err(RegistryError::TooManyTags {
                    doing,
                    limit: self.max_tags,
                });
            }
            // Pages stay on the origin the listing was asked at, whatever a redirect said.
            let origin = first_url
                .get_or_insert_with(|| Url::parse(&source.first).unwrap_or(reply.url.clone()))
                .clone();
            seen.insert(reply.url.to_string());
            let covered = !all && needed.iter().all(|t| tags.contains_key(*t));
            let no_gain = !all && pages >= needed.len();
            let next = match page.next {
                Some(next) if !covered && !no_gain => next,
                _ => return Ok(Some(Listing { tags })),
            };
            let next = reply.url.join(&next).map_err(|e| {
                RegistryError::invalid(&doing, format!("the next page's URL is invalid: {e}"))
            })?;
            // Pages stay where the listing began; a link elsewhere, or back, is refused.
            if !super::transport::same_origin(&origin, &next) {
                return Err(RegistryError::invalid(
                    &doing,
                    format!(
                        "the next page is on another origin ({})",
                        next.origin().ascii_serialization()
                    ),
                ));
            }
            if seen.contains(next.as_str()) {
                return Ok(Some(Listing { tags }));
            }
            target = next.to_string();
        }
    }
}

/// The entry of a per-host setting for `authority`: `host:port`, else `host`.
fn for_host<'a, T>(map: &'a BTreeMap<String, T>, authority: &str) -> Option<&'a T> {
    map.iter()
        .filter_map(|(h, value)| {
            super::transport::host_matches(h, authority).map(|exact| (exact, value))
        })
        .max_by_key(|(exact, _)| *exact)
        .map(|(_, value)| value)
}

/// A JSON page body, or why it is not one.
fn json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, String> {
    serde_json::from_slice(body).map_err(|e| format!("the page is not the expected JSON: {e}"))
}

/// A digest as the registry API takes it, or `None`.
fn digest(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|d| super::oci::is_digest(d))
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_tell_the_dialect() {
        for (host, api) in [
            ("registry-1.docker.io", Api::DockerHub),
            ("docker.io", Api::DockerHub),
            ("gcr.io", Api::Gcr),
            ("eu.gcr.io", Api::Gcr),
            ("europe-west1-docker.pkg.dev", Api::Gcr),
            ("quay.io", Api::Quay),
            ("acme.azurecr.io", Api::Acr),
            ("ghcr.io", Api::Github),
            ("127.0.0.1:5000", Api::Oci),
            ("registry.internal:443", Api::Oci),
        ] {
            assert_eq!(Api::of_host(host), api, "{host}");
        }
        assert_eq!("DockerHub".parse::<Api>(), Ok(Api::DockerHub));
        assert_eq!(
            "hub".parse::<Api>(),
            Err("expected one of auto, oci, gcr, dockerhub, quay, acr, github".to_owned())
        );
        assert_eq!(Api::Quay.to_string(), "quay");
    }
}

//! Listing a repository's tags: `GET /v2/<name>/tags/list`, following `Link: rel="next"`
//! pages (relative or absolute) to the end, as go-containerregistry's `list.go` does.
//!
//! Google's registries (Container Registry, Artifact Registry) add a `manifest` object to
//! each page: every manifest's digest, media type, tags and build time
//! (`timeCreatedMs`). For a single-platform image that is all a scan needs, so such tags
//! cost no further request. The listing is used whatever the host, when it is there, and
//! its `timeUploadedMs` are the tags' push times.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::{
    Availability, Client, RegistryError, RepoKey, TAGS_BODY_LIMIT, TagDetails, check_repository,
};

/// Page size asked for; registries may send fewer and a `Link` to the rest.
const PAGE_SIZE: usize = 1000;

#[derive(Deserialize)]
struct TagList {
    #[serde(default)]
    tags: Option<Vec<String>>,
    /// Google's extension: manifests by digest.
    #[serde(default)]
    manifest: Option<HashMap<String, ListedManifest>>,
}

/// One manifest of Google's extended listing. Numbers come as strings.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListedManifest {
    #[serde(default)]
    media_type: Option<String>,
    #[serde(default)]
    tag: Vec<String>,
    #[serde(default)]
    time_created_ms: Option<serde_json::Value>,
    #[serde(default)]
    time_uploaded_ms: Option<serde_json::Value>,
}

/// The media types of single-platform manifests, whose build time the listing gives.
const SINGLE_PLATFORM: [&str; 2] = [
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.oci.image.manifest.v1+json",
];

/// A repository's tags as listed.
pub(super) struct Listing {
    /// Every tag, in the registry's order, without duplicates.
    pub tags: Vec<String>,
    /// Pages read.
    pub pages: usize,
    /// What the listing itself says of some tags (Google's extension): enough to need no
    /// further request for them.
    pub known: BTreeMap<String, TagDetails>,
    /// When each tag was pushed (Google's `timeUploadedMs`), when the listing says.
    pub uploaded: Option<BTreeMap<String, DateTime<Utc>>>,
}

/// A time in milliseconds as Google writes it (a string of digits); "0" is unknown.
fn millis(value: Option<&serde_json::Value>) -> Option<DateTime<Utc>> {
    let ms = match value? {
        serde_json::Value::String(text) => text.parse::<i64>().ok()?,
        serde_json::Value::Number(n) => n.as_i64()?,
        _ => return None,
    };
    DateTime::from_timestamp_millis(ms).filter(|_| ms > 0)
}

/// The details a listed manifest gives, for a single-platform image with a build time.
fn listed_details(digest: &str, listed: &ListedManifest) -> Option<TagDetails> {
    let media_type = listed.media_type.as_deref()?;
    if !SINGLE_PLATFORM.contains(&media_type) || !digest.starts_with("sha256:") {
        return None;
    }
    let created = millis(listed.time_created_ms.as_ref())?;
    Some(TagDetails {
        digest: digest.to_owned(),
        created: Some(created),
        availability: Availability::Available,
    })
}

/// What Google's listing says of each manifest's tags: their details (single-platform
/// images with a build time) and when each was pushed.
fn google_facts(
    manifests: &HashMap<String, ListedManifest>,
    known: &mut BTreeMap<String, TagDetails>,
    uploaded: &mut BTreeMap<String, DateTime<Utc>>,
) {
    for (digest, listed) in manifests {
        if let Some(at) = millis(listed.time_uploaded_ms.as_ref()) {
            for tag in &listed.tag {
                uploaded.insert(tag.clone(), at);
            }
        }
        if let Some(details) = listed_details(digest, listed) {
            for tag in &listed.tag {
                known.insert(tag.clone(), details.clone());
            }
        }
    }
}

/// The `rel="next"` target of a `Link` header, if any.
pub(super) fn next_link(header: &str) -> Option<String> {
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
    /// Every tag of a repository, following `Link` pages to the end, in the registry's
    /// order without duplicates.
    pub async fn list_tags(&self, repo: &RepoKey) -> Result<Vec<String>, RegistryError> {
        Ok(self.list_tags_paged(repo).await?.tags)
    }

    /// The tags, the number of pages read, and what the listing says of them.
    pub(super) async fn list_tags_paged(&self, repo: &RepoKey) -> Result<Listing, RegistryError> {
        let doing = format!("listing tags of {repo}");
        check_repository(repo, &doing)?;
        let first = format!("/v2/{}/tags/list?n={PAGE_SIZE}", repo.repository);
        let mut target = first.clone();
        let mut seen_urls: HashSet<String> = HashSet::new();
        let mut seen_tags: HashSet<String> = HashSet::new();
        let mut tags = Vec::new();
        let mut pages = 0;
        let mut received = 0usize;
        let mut known = BTreeMap::new();
        let mut uploaded: Option<BTreeMap<String, DateTime<Utc>>> = None;
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
            if let Some(manifests) = &list.manifest {
                google_facts(manifests, &mut known, uploaded.get_or_insert_default());
            }
            let page = list.tags.unwrap_or_default();
            // Counted as sent, duplicates included and an empty page as one, so that a
            // registry repeating itself or sending empty pages cannot keep the client busy.
            received += page.len().max(1);
            if received > self.max_tags {
                return Err(RegistryError::TooManyTags {
                    doing,
                    limit: self.max_tags,
                });
            }
            for t in page {
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
            if seen_urls.contains(next.as_str()) {
                break;
            }
            target = next.to_string();
        }
        known.retain(|tag, _| seen_tags.contains(tag));
        if let Some(times) = uploaded.as_mut() {
            times.retain(|tag, _| seen_tags.contains(tag));
        }
        Ok(Listing {
            tags,
            pages,
            known,
            uploaded,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

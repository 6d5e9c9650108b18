//! Docker Hub's Hub API: `GET /v2/namespaces/<ns>/repositories/<name>/tags`, pages of at
//! most 100 tags (a larger `page_size` is cut to 100) linked by an absolute `next` URL.
//! Each tag has its digest, its media type and an `images` list with the digest of each
//! platform's image, so a multi-platform tag's image is known without reading its index;
//! `tag_last_pushed` (else `last_updated`) is when the tag was last pushed.

use serde::Deserialize;

use super::{Listed, Page, Shape, digest, json};
use crate::registry::Platform;
use crate::registry::oci::parse_time;

#[derive(Deserialize)]
struct HubPage {
    #[serde(default)]
    next: Option<String>,
    #[serde(default)]
    results: Vec<HubTag>,
}

#[derive(Deserialize)]
struct HubTag {
    name: String,
    #[serde(default)]
    digest: Option<String>,
    #[serde(default)]
    media_type: Option<String>,
    /// An array in practice; the published schema says an object.
    #[serde(default)]
    images: serde_json::Value,
    #[serde(default)]
    tag_last_pushed: Option<String>,
    #[serde(default)]
    last_updated: Option<String>,
}

#[derive(Deserialize)]
struct HubImage {
    #[serde(default)]
    os: Option<String>,
    #[serde(default)]
    architecture: Option<String>,
    #[serde(default)]
    variant: Option<String>,
    #[serde(default)]
    digest: Option<String>,
}

/// Reads one page.
pub(super) fn parse(body: &[u8], _link: Option<&str>, platform: &Platform) -> Result<Page, String> {
    let page: HubPage = json(body)?;
    let tags = page
        .results
        .into_iter()
        .filter_map(|tag| listed(tag, platform))
        .collect();
    Ok(Page {
        tags,
        next: page.next.filter(|n| !n.is_empty()),
    })
}

/// What a tag of the page says, when it has a digest.
fn listed(tag: HubTag, platform: &Platform) -> Option<(String, Listed)> {
    let tag_digest = digest(tag.digest.as_deref())?;
    let images: Vec<HubImage> = match tag.images {
        serde_json::Value::Array(items) => items
            .into_iter()
            .filter_map(|i| serde_json::from_value(i).ok())
            .collect(),
        serde_json::Value::Object(_) => serde_json::from_value(tag.images)
            .ok()
            .into_iter()
            .collect(),
        _ => Vec::new(),
    };
    let is_index = tag
        .media_type
        .as_deref()
        .is_some_and(|m| m.contains("image.index") || m.contains("manifest.list"));
    let shape = if is_index {
        let child = images.iter().find(|image| {
            let entry = Platform::new(
                image.os.as_deref().unwrap_or(""),
                image.architecture.as_deref().unwrap_or(""),
                image.variant.as_deref(),
            );
            platform.matches(&entry)
        });
        match child {
            Some(image) => match digest(image.digest.as_deref()) {
                Some(d) => Shape::Index(Some(d)),
                None => Shape::Unknown,
            },
            None if images.is_empty() => Shape::Unknown,
            None => Shape::Index(None),
        }
    } else {
        Shape::Unknown
    };
    let pushed = tag
        .tag_last_pushed
        .as_deref()
        .or(tag.last_updated.as_deref())
        .and_then(parse_time);
    Some((
        tag.name,
        Listed {
            digest: tag_digest,
            shape,
            pushed,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const INDEX: &str = "sha256:7c3948e54737d9e4271637639250e63b7f8fd2d58ecf31ac7663985c9ce7263c";
    const AMD64: &str = "sha256:0ac27ccf6d303a57779c610aad4fe8ae8d0b0b2b7e3626477a157308d1ff5454";
    const ARM: &str = "sha256:beeacf34dc126c0ec01d61a1f4f69eade652a539a04bf5e9d08084003415792d";

    #[test]
    fn a_page_gives_digests_platform_images_and_push_times() {
        let body = serde_json::json!({
            "count": 3,
            "next": "https://hub.docker.com/v2/namespaces/library/repositories/nginx/tags?page=2&page_size=100",
            "previous": null,
            "results": [
                {"name": "1.25.4", "digest": INDEX,
                 "media_type": "application/vnd.oci.image.index.v1+json",
                 "images": [
                    {"architecture": "amd64", "os": "linux", "variant": null, "digest": AMD64},
                    {"architecture": "arm", "os": "linux", "variant": "v6", "digest": ARM}],
                 "tag_last_pushed": "2024-02-16T23:11:20.000000Z",
                 "last_updated": "2024-02-16T23:11:21.000000Z"},
                {"name": "single", "digest": AMD64,
                 "media_type": "application/vnd.docker.distribution.manifest.v2+json",
                 "images": [{"architecture": "amd64", "os": "linux", "digest": AMD64}],
                 "last_updated": "2024-01-01T00:00:00Z"},
                {"name": "no-digest", "images": []}
            ]
        });
        let page = parse(
            &serde_json::to_vec(&body).unwrap(),
            None,
            &Platform::default(),
        )
        .unwrap();
        assert_eq!(
            page.next.as_deref(),
            Some(
                "https://hub.docker.com/v2/namespaces/library/repositories/nginx/tags?page=2&page_size=100"
            )
        );
        assert_eq!(page.tags.len(), 2);
        let (name, listed) = &page.tags[0];
        assert_eq!(name, "1.25.4");
        assert_eq!(listed.digest, INDEX);
        assert_eq!(listed.shape, Shape::Index(Some(AMD64.to_owned())));
        assert_eq!(
            listed.pushed.map(|t| t.to_rfc3339()),
            Some("2024-02-16T23:11:20+00:00".to_owned())
        );
        assert_eq!(page.tags[1].1.shape, Shape::Unknown);
        assert_eq!(
            page.tags[1].1.pushed.map(|t| t.to_rfc3339()),
            Some("2024-01-01T00:00:00+00:00".to_owned())
        );
        let s390x = Platform::new("linux", "s390x", None);
        let page = parse(&serde_json::to_vec(&body).unwrap(), None, &s390x).unwrap();
        assert_eq!(page.tags[0].1.shape, Shape::Index(None));
    }
}

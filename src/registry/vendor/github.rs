//! GitHub's Packages API for `ghcr.io`: `GET /orgs/<owner>/packages/container/<package>/versions`
//! (`/users/<owner>/…` for a user's packages), pages of `per_page` linked by `Link:
//! rel="next"`. Each version is one manifest: its digest is `name`, its tags are
//! `metadata.container.tags`, and `updated_at` (else `created_at`) is when it was last
//! pushed. The API takes only a token that can `read:packages`, which is the password
//! `docker login ghcr.io` keeps in the Docker config.

use serde::Deserialize;

use super::{Listed, Page, Shape, digest, json};
use crate::registry::Platform;
use crate::registry::list::next_link;
use crate::registry::oci::parse_time;

#[derive(Deserialize)]
struct Version {
    name: String,
    #[serde(default)]
    created_at: Option<String>,
    #[serde(default)]
    updated_at: Option<String>,
    #[serde(default)]
    metadata: Option<Metadata>,
}

#[derive(Deserialize)]
struct Metadata {
    #[serde(default)]
    container: Option<Container>,
}

#[derive(Deserialize)]
struct Container {
    #[serde(default)]
    tags: Vec<String>,
}

/// Reads one page.
pub(super) fn parse(body: &[u8], link: Option<&str>, _platform: &Platform) -> Result<Page, String> {
    let versions: Vec<Version> = json(body)?;
    let mut tags = Vec::new();
    let mut named = std::collections::HashSet::new();
    for version in versions {
        let Some(d) = digest(Some(&version.name)) else {
            continue;
        };
        let pushed = version
            .updated_at
            .as_deref()
            .or(version.created_at.as_deref())
            .and_then(parse_time);
        let names = version
            .metadata
            .and_then(|m| m.container)
            .map(|c| c.tags)
            .unwrap_or_default();
        // A tag is on one version; a name given again is not kept twice.
        for name in names.into_iter().filter(|n| named.insert(n.clone())) {
            tags.push((
                name,
                Listed {
                    digest: d.clone(),
                    shape: Shape::Unknown,
                    pushed,
                },
            ));
        }
    }
    Ok(Page {
        tags,
        next: link.and_then(next_link),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_give_each_tag_its_digest_and_push_time() {
        let d = "sha256:43a3ee88abe3b37c64bc52ea93da01c3dcb4a332a953bcd7f438c8d7328d3947";
        let body = serde_json::json!([
            {"id": 212381245, "name": d, "created_at": "2024-05-06T05:20:30Z",
             "updated_at": "2024-05-07T05:20:30Z",
             "metadata": {"package_type": "container", "container": {"tags": ["latest", "1.0"]}}},
            {"id": 2, "name": "sha256:untagged", "created_at": "2024-05-01T00:00:00Z",
             "metadata": {"package_type": "container", "container": {"tags": []}}}
        ]);
        let page = parse(
            &serde_json::to_vec(&body).unwrap(),
            Some(r#"<https://api.github.com/orgs/acme/packages/container/app/versions?per_page=100&page=2>; rel="next""#),
            &Platform::default(),
        )
        .unwrap();
        let tags: Vec<&str> = page.tags.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(tags, ["latest", "1.0"]);
        assert_eq!(page.tags[0].1.digest, d);
        assert_eq!(
            page.tags[0].1.pushed.map(|t| t.to_rfc3339()),
            Some("2024-05-07T05:20:30+00:00".to_owned())
        );
        assert!(page.next.is_some());
    }
}

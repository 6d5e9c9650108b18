//! Quay's tag API: `GET /api/v1/repository/<ns>/<name>/tag/?limit=100&page=N&onlyActiveTags=true`,
//! newest pushes first, `has_additional` saying whether page N+1 exists. Each tag has its
//! `manifest_digest`, `is_manifest_list`, and its push time as `start_ts` (Unix seconds)
//! and `last_modified` (an RFC 2822 date).

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::{Listed, Page, Shape, digest, json};
use crate::registry::Platform;

#[derive(Deserialize)]
struct QuayPage {
    #[serde(default)]
    tags: Vec<QuayTag>,
    #[serde(default)]
    page: Option<u64>,
    #[serde(default)]
    has_additional: bool,
}

#[derive(Deserialize)]
struct QuayTag {
    name: String,
    #[serde(default)]
    manifest_digest: Option<String>,
    #[serde(default)]
    start_ts: Option<i64>,
    #[serde(default)]
    end_ts: Option<i64>,
    #[serde(default)]
    last_modified: Option<String>,
}

/// Reads one page; the next is the same URL with `page` one higher.
pub(super) fn parse(
    body: &[u8],
    _link: Option<&str>,
    _platform: &Platform,
) -> Result<Page, String> {
    let page: QuayPage = json(body)?;
    let number = page.page.unwrap_or(1);
    let next = page.has_additional.then(|| {
        format!(
            "?limit=100&page={}&onlyActiveTags=true",
            number.saturating_add(1)
        )
    });
    let tags = page
        .tags
        .into_iter()
        // A tag with an end is history: it has moved or been deleted since.
        .filter(|tag| tag.end_ts.is_none())
        .filter_map(|tag| {
            let d = digest(tag.manifest_digest.as_deref())?;
            let pushed = tag
                .start_ts
                .and_then(|s| DateTime::<Utc>::from_timestamp(s, 0))
                .or_else(|| {
                    let text = tag.last_modified.as_deref()?;
                    DateTime::parse_from_rfc2822(text)
                        .ok()
                        .map(|t| t.with_timezone(&Utc))
                });
            Some((
                tag.name,
                Listed {
                    digest: d,
                    shape: Shape::Unknown,
                    pushed,
                },
            ))
        })
        .collect();
    Ok(Page { tags, next })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_gives_digests_and_push_times() {
        let d = "sha256:57583a1b9c0a7509d3417387b4f43acf80d08cdcf5266ac87987be3f8f919d5d";
        let body = serde_json::json!({"tags": [
            {"name": "test-two", "reversion": false, "start_ts": 1717680780,
             "manifest_digest": d, "is_manifest_list": false, "size": 2275314,
             "last_modified": "Thu, 06 Jun 2024 13:33:00 -0000"},
            {"name": "dated", "manifest_digest": d, "is_manifest_list": true,
             "last_modified": "Tue, 14 May 2024 14:48:51 -0000"},
            {"name": "old", "manifest_digest": d, "start_ts": 1, "end_ts": 2}],
            "page": 2, "has_additional": true});
        let page = parse(
            &serde_json::to_vec(&body).unwrap(),
            None,
            &Platform::default(),
        )
        .unwrap();
        assert_eq!(
            page.next.as_deref(),
            Some("?limit=100&page=3&onlyActiveTags=true")
        );
        let shown: Vec<(String, String)> = page
            .tags
            .iter()
            .map(|(t, l)| (t.clone(), l.pushed.unwrap().to_rfc3339()))
            .collect();
        assert_eq!(
            shown,
            [
                (
                    "test-two".to_owned(),
                    "2024-06-06T13:33:00+00:00".to_owned()
                ),
                ("dated".to_owned(), "2024-05-14T14:48:51+00:00".to_owned()),
            ]
        );
    }
}

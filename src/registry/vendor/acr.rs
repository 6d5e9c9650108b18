//! Azure Container Registry's tag API: `GET /acr/v1/<name>/_tags?n=100&orderby=timedesc`,
//! newest first, pages linked by a (usually relative) `Link: <…>; rel="next"`. Each tag has
//! its digest and `lastUpdateTime`, when the tag was last pushed.

use serde::Deserialize;

use super::{Listed, Page, Shape, digest, json};
use crate::registry::Platform;
use crate::registry::list::next_link;
use crate::registry::oci::parse_time;

#[derive(Deserialize)]
struct AcrPage {
    #[serde(default)]
    tags: Vec<AcrTag>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AcrTag {
    name: String,
    #[serde(default)]
    digest: Option<String>,
    #[serde(default)]
    created_time: Option<String>,
    #[serde(default)]
    last_update_time: Option<String>,
}

/// Reads one page.
pub(super) fn parse(body: &[u8], link: Option<&str>, _platform: &Platform) -> Result<Page, String> {
    let page: AcrPage = json(body)?;
    let tags = page
        .tags
        .into_iter()
        .filter_map(|tag| {
            let d = digest(tag.digest.as_deref())?;
            let pushed = tag
                .last_update_time
                .as_deref()
                .or(tag.created_time.as_deref())
                .and_then(parse_time);
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
    Ok(Page {
        tags,
        next: link.and_then(next_link),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_gives_digests_push_times_and_the_next_link() {
        let body = serde_json::json!({
            "registry": "acme.azurecr.io", "imageName": "nanoserver",
            "tags": [{"name": "4.7.2",
                      "digest": "sha256:110d2b6c84592561338aa040b1b14b7ab81c2f9edbd564c2285dd7d70d777086",
                      "createdTime": "2018-09-06T06:17:21.0856539Z",
                      "lastUpdateTime": "2018-09-07T06:17:21.0856539Z", "signed": false}]});
        let page = parse(
            &serde_json::to_vec(&body).unwrap(),
            Some(r#"</acr/v1/nanoserver/_tags?last=4.7.2&n=100&orderby=timedesc>; rel="next""#),
            &Platform::default(),
        )
        .unwrap();
        assert_eq!(
            page.next.as_deref(),
            Some("/acr/v1/nanoserver/_tags?last=4.7.2&n=100&orderby=timedesc")
        );
        assert_eq!(
            page.tags[0].1.pushed.map(|t| t.to_rfc3339()),
            Some("2018-09-07T06:17:21.085653900+00:00".to_owned())
        );
    }
}

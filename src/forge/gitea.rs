//! Gitea's and Forgejo's REST API (v1): open pulls are listed page by page and matched by
//! head and base branch; labels are given by ID, looked up by name.

use anyhow::Result;
use reqwest::Method;
use serde_json::{Value, json};

use super::pulls::{self, pull_request};
use super::{Forge, Proposal, PullRequest};

/// Items per page (Gitea's default maximum).
const PAGE: usize = 50;
/// Pages read at most when listing.
const MAX_PAGES: usize = 40;

/// The token is accepted and may push to the repository.
pub(super) fn check(forge: &Forge) -> Result<()> {
    pulls::check_push(forge, "give its user write access to the repository")
}

/// Every item of a paged list.
fn all_pages(forge: &Forge, path: &str) -> Result<Vec<Value>> {
    let mut items = Vec::new();
    for page in 1..=MAX_PAGES {
        let separator = if path.contains('?') { '&' } else { '?' };
        let paged = format!("{path}{separator}page={page}&limit={PAGE}");
        let found = forge.call(Method::GET, &paged, None)?;
        let batch = found.as_array().cloned().unwrap_or_default();
        let last = batch.len() < PAGE;
        items.extend(batch);
        if last {
            break;
        }
    }
    Ok(items)
}

/// The open pull request from `head` into `base`.
pub(super) fn find(forge: &Forge, head: &str, base: &str) -> Result<Option<PullRequest>> {
    let path = format!("/repos/{}/pulls?state=open", forge.repo);
    let open = all_pages(forge, &path)?
        .into_iter()
        .find(|pr| pulls::joins(pr, head, base));
    open.map(|pr| pull_request(&pr, &path)).transpose()
}

/// Open a pull request with its labels, then ask for reviews.
pub(super) fn open(
    forge: &Forge,
    proposal: &Proposal<'_>,
    labels: &[String],
    reviewers: &[String],
) -> Result<(PullRequest, Vec<String>)> {
    let mut warnings = Vec::new();
    let mut ids = Vec::new();
    if !labels.is_empty() {
        let known = all_pages(forge, &format!("/repos/{}/labels", forge.repo))?;
        for name in labels {
            let id = known.iter().find_map(|l| {
                (l.get("name").and_then(Value::as_str) == Some(name.as_str()))
                    .then(|| l.get("id").and_then(Value::as_u64))
                    .flatten()
            });
            match id {
                Some(id) => ids.push(id),
                None => warnings.push(format!(
                    "label {name}: {} has no such label; create it first",
                    forge.repo
                )),
            }
        }
    }
    let path = format!("/repos/{}/pulls", forge.repo);
    let mut body = json!({
        "head": proposal.head,
        "base": proposal.base,
        "title": proposal.title,
        "body": proposal.body,
    });
    if !ids.is_empty() {
        body["labels"] = json!(ids);
    }
    let created = forge.call(Method::POST, &path, Some(&body))?;
    let pr = pull_request(&created, &path)?;
    pulls::request_reviews(forge, &pr, reviewers, &mut warnings);
    Ok((pr, warnings))
}

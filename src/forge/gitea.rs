//! Gitea's and Forgejo's REST API (v1): open pulls are listed page by page and matched by
//! head and base branch; labels are given by ID, looked up by name.

use anyhow::{Result, bail};
use reqwest::Method;
use serde_json::{Value, json};

use super::{Forge, Proposal, PullRequest, number, text};

/// Items per page (Gitea's default maximum).
const PAGE: usize = 50;
/// Pages read at most when listing.
const MAX_PAGES: usize = 40;

/// The token is accepted and may push to the repository.
pub(super) fn check(forge: &Forge) -> Result<()> {
    let repo = forge.call(Method::GET, &format!("/repos/{}", forge.repo), None)?;
    if repo.pointer("/permissions/push") == Some(&Value::Bool(false)) {
        bail!(
            "the token in {} may not push to {}; give its user write access to the repository",
            forge.token_variable,
            forge.repo
        );
    }
    Ok(())
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
    let open = all_pages(forge, &path)?.into_iter().find(|pr| {
        pr.pointer("/head/ref").and_then(Value::as_str) == Some(head)
            && pr.pointer("/base/ref").and_then(Value::as_str) == Some(base)
    });
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
    if !reviewers.is_empty() {
        let path = format!(
            "/repos/{}/pulls/{}/requested_reviewers",
            forge.repo, pr.number
        );
        if let Err(err) = forge.call(
            Method::POST,
            &path,
            Some(&json!({ "reviewers": reviewers })),
        ) {
            warnings.push(format!(
                "asking for reviews of pull request #{}: {err:#}",
                pr.number
            ));
        }
    }
    Ok((pr, warnings))
}

/// Set the title and body.
pub(super) fn update(forge: &Forge, pr: &PullRequest, proposal: &Proposal<'_>) -> Result<()> {
    let path = format!("/repos/{}/pulls/{}", forge.repo, pr.number);
    let body = json!({ "title": proposal.title, "body": proposal.body });
    forge.call(Method::PATCH, &path, Some(&body)).map(drop)
}

/// Comment, then close.
pub(super) fn close(forge: &Forge, pr: &PullRequest, comment: &str) -> Result<()> {
    let path = format!("/repos/{}/issues/{}/comments", forge.repo, pr.number);
    forge.call(Method::POST, &path, Some(&json!({ "body": comment })))?;
    let path = format!("/repos/{}/pulls/{}", forge.repo, pr.number);
    forge
        .call(Method::PATCH, &path, Some(&json!({ "state": "closed" })))
        .map(drop)
}

/// A pull request object.
fn pull_request(value: &Value, place: &str) -> Result<PullRequest> {
    Ok(PullRequest {
        number: number(value, "number", place)?,
        url: text(value, "html_url"),
        title: text(value, "title"),
        body: text(value, "body"),
    })
}

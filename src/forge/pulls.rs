//! What GitHub's and Gitea's APIs share: Gitea follows GitHub's shape for repositories and
//! pulls (`/repos/OWNER/NAME/pulls/N`, `number`, `html_url`, `head.ref`, comments on the
//! issue of the same number), so both speak it through these calls.

use anyhow::{Result, bail};
use reqwest::Method;
use serde_json::{Value, json};

use super::{Forge, Proposal, PullRequest, number, text};

/// The token is accepted and may push to the repository; `advice` says how to fix one
/// that may not.
pub(super) fn check_push(forge: &Forge, advice: &str) -> Result<()> {
    let repo = forge.call(Method::GET, &format!("/repos/{}", forge.repo), None)?;
    if repo.pointer("/permissions/push") == Some(&Value::Bool(false)) {
        bail!(
            "the {} token in {} may not push to {}; {advice}",
            forge.kind,
            forge.token_variable,
            forge.repo
        );
    }
    Ok(())
}

/// Whether a pull object goes from `head` into `base`.
pub(super) fn joins(pr: &Value, head: &str, base: &str) -> bool {
    pr.pointer("/head/ref").and_then(Value::as_str) == Some(head)
        && pr.pointer("/base/ref").and_then(Value::as_str) == Some(base)
}

/// Ask `reviewers` to review; a refusal is a warning, as the pull request stands.
pub(super) fn request_reviews(
    forge: &Forge,
    pr: &PullRequest,
    reviewers: &[String],
    warnings: &mut Vec<String>,
) {
    if reviewers.is_empty() {
        return;
    }
    let path = format!(
        "/repos/{}/pulls/{}/requested_reviewers",
        forge.repo, pr.number
    );
    let body = json!({ "reviewers": reviewers });
    if let Err(err) = forge.call(Method::POST, &path, Some(&body)) {
        warnings.push(format!(
            "asking for reviews of pull request #{}: {err:#}",
            pr.number
        ));
    }
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
pub(super) fn pull_request(value: &Value, place: &str) -> Result<PullRequest> {
    Ok(PullRequest {
        number: number(value, "number", place)?,
        url: text(value, "html_url"),
        title: text(value, "title"),
        body: text(value, "body"),
    })
}

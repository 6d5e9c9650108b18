//! GitHub's REST API (also GitHub Enterprise Server, below `/api/v3`): pulls are listed
//! by `head=OWNER:BRANCH`, labels and comments go through the issue of the same number.

use anyhow::{Result, bail};
use reqwest::Method;
use serde_json::{Value, json};

use super::{Forge, Proposal, PullRequest, escape, number, text};

/// The token is accepted and may push to the repository.
pub(super) fn check(forge: &Forge) -> Result<()> {
    let repo = forge.call(Method::GET, &format!("/repos/{}", forge.repo), None)?;
    if repo.pointer("/permissions/push") == Some(&Value::Bool(false)) {
        bail!(
            "the GitHub token in {} may not push to {}; give it write access to the repository's contents and pull requests",
            forge.token_variable,
            forge.repo
        );
    }
    Ok(())
}

/// The open pull request from `head` into `base`.
pub(super) fn find(forge: &Forge, head: &str, base: &str) -> Result<Option<PullRequest>> {
    let owner = forge.repo.split('/').next().unwrap_or_default();
    let path = format!(
        "/repos/{}/pulls?state=open&head={}&base={}&per_page=100",
        forge.repo,
        escape(&format!("{owner}:{head}")),
        escape(base)
    );
    let found = forge.call(Method::GET, &path, None)?;
    let open = found.as_array().into_iter().flatten().find(|pr| {
        pr.pointer("/head/ref").and_then(Value::as_str) == Some(head)
            && pr.pointer("/base/ref").and_then(Value::as_str) == Some(base)
    });
    open.map(|pr| pull_request(pr, &path)).transpose()
}

/// Open a pull request, then label it and ask for reviews.
pub(super) fn open(
    forge: &Forge,
    proposal: &Proposal<'_>,
    labels: &[String],
    reviewers: &[String],
) -> Result<(PullRequest, Vec<String>)> {
    let path = format!("/repos/{}/pulls", forge.repo);
    let body = json!({
        "title": proposal.title,
        "head": proposal.head,
        "base": proposal.base,
        "body": proposal.body,
    });
    let created = forge.call(Method::POST, &path, Some(&body))?;
    let pr = pull_request(&created, &path)?;
    let mut warnings = Vec::new();
    if !labels.is_empty() {
        let path = format!("/repos/{}/issues/{}/labels", forge.repo, pr.number);
        if let Err(err) = forge.call(Method::POST, &path, Some(&json!({ "labels": labels }))) {
            warnings.push(format!("labelling pull request #{}: {err:#}", pr.number));
        }
    }
    if !reviewers.is_empty() {
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

//! GitHub's REST API (also GitHub Enterprise Server, below `/api/v3`): pulls are listed
//! by `head=OWNER:BRANCH`, labels and comments go through the issue of the same number.

use anyhow::Result;
use reqwest::Method;
use serde_json::json;

use super::pulls::{self, pull_request};
use super::{Forge, Proposal, PullRequest, escape};

/// The token is accepted and may push to the repository.
pub(super) fn check(forge: &Forge) -> Result<()> {
    pulls::check_push(
        forge,
        "give it write access to the repository's contents and pull requests",
    )
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
    let open = found
        .as_array()
        .into_iter()
        .flatten()
        .find(|pr| pulls::joins(pr, head, base));
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
    pulls::request_reviews(forge, &pr, reviewers, &mut warnings);
    Ok((pr, warnings))
}

//! GitLab's REST API (v4): merge requests of a project named by its URL-encoded path,
//! found by source and target branch; reviewers are user IDs, looked up by username.

use anyhow::Result;
use reqwest::Method;
use serde_json::{Value, json};

use super::{Forge, Proposal, PullRequest, escape, number, text};

/// The project's API path.
fn project(forge: &Forge) -> String {
    format!("/projects/{}", escape(&forge.repo))
}

/// The token is accepted and sees the project.
pub(super) fn check(forge: &Forge) -> Result<()> {
    forge.call(Method::GET, &project(forge), None).map(drop)
}

/// The open merge request from `head` into `base`.
pub(super) fn find(forge: &Forge, head: &str, base: &str) -> Result<Option<PullRequest>> {
    let path = format!(
        "{}/merge_requests?state=opened&source_branch={}&target_branch={}",
        project(forge),
        escape(head),
        escape(base)
    );
    let found = forge.call(Method::GET, &path, None)?;
    let open = found.as_array().into_iter().flatten().find(|mr| {
        mr.get("source_branch").and_then(Value::as_str) == Some(head)
            && mr.get("target_branch").and_then(Value::as_str) == Some(base)
    });
    open.map(|mr| merge_request(mr, &path)).transpose()
}

/// Open a merge request with its labels and reviewers.
pub(super) fn open(
    forge: &Forge,
    proposal: &Proposal<'_>,
    labels: &[String],
    reviewers: &[String],
) -> Result<(PullRequest, Vec<String>)> {
    let mut warnings = Vec::new();
    let mut ids = Vec::new();
    for name in reviewers {
        let path = format!("/users?username={}", escape(name));
        match forge.call(Method::GET, &path, None) {
            Ok(users) => match users
                .get(0)
                .and_then(|u| u.get("id"))
                .and_then(Value::as_u64)
            {
                Some(id) => ids.push(id),
                None => warnings.push(format!("reviewer {name}: no such GitLab user")),
            },
            Err(err) => warnings.push(format!("reviewer {name}: {err:#}")),
        }
    }
    let path = format!("{}/merge_requests", project(forge));
    let mut body = json!({
        "source_branch": proposal.head,
        "target_branch": proposal.base,
        "title": proposal.title,
        "description": proposal.body,
        "remove_source_branch": true,
    });
    if !labels.is_empty() {
        body["labels"] = json!(labels.join(","));
    }
    if !ids.is_empty() {
        body["reviewer_ids"] = json!(ids);
    }
    let created = forge.call(Method::POST, &path, Some(&body))?;
    Ok((merge_request(&created, &path)?, warnings))
}

/// Set the title and description.
pub(super) fn update(forge: &Forge, pr: &PullRequest, proposal: &Proposal<'_>) -> Result<()> {
    let path = format!("{}/merge_requests/{}", project(forge), pr.number);
    let body = json!({ "title": proposal.title, "description": proposal.body });
    forge.call(Method::PUT, &path, Some(&body)).map(drop)
}

/// Comment (a note), then close.
pub(super) fn close(forge: &Forge, pr: &PullRequest, comment: &str) -> Result<()> {
    let path = format!("{}/merge_requests/{}", project(forge), pr.number);
    forge.call(
        Method::POST,
        &format!("{path}/notes"),
        Some(&json!({ "body": comment })),
    )?;
    forge
        .call(Method::PUT, &path, Some(&json!({ "state_event": "close" })))
        .map(drop)
}

/// A merge request object.
fn merge_request(value: &Value, place: &str) -> Result<PullRequest> {
    Ok(PullRequest {
        number: number(value, "iid", place)?,
        url: text(value, "web_url"),
        title: text(value, "title"),
        body: text(value, "description"),
    })
}

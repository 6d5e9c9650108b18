//! Fake forges: GitHub's, GitLab's and Gitea's pull request REST APIs as documented
//! (create, list by head branch, update, label, request reviewers, comment, close), kept
//! in memory in front of a real bare git remote. A pull request can only be opened for a
//! head branch the remote has, and the same head cannot have two open ones, as on the
//! real forges. Every request is recorded.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use super::fake_http::{FakeServer, Request, Response};

/// Which API a fake speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    GitHub,
    GitLab,
    Gitea,
}

/// A pull request as the fake holds it.
#[derive(Clone, Debug, Default)]
pub struct FakePr {
    pub number: u64,
    pub head: String,
    pub base: String,
    pub title: String,
    pub body: String,
    pub open: bool,
    pub labels: Vec<String>,
    pub reviewers: Vec<String>,
    pub comments: Vec<String>,
}

#[derive(Default)]
struct State {
    prs: Vec<FakePr>,
    requests: Vec<(String, String, Value)>,
}

/// A running fake forge for repository `owner/name`.
pub struct FakeForge {
    pub dialect: Dialect,
    server: FakeServer,
    state: Arc<Mutex<State>>,
}

/// GitLab's users and Gitea's labels, fixed.
const USERS: [(&str, u64); 2] = [("alice", 11), ("bob", 12)];
const LABELS: [(&str, u64); 2] = [("dependencies", 1), ("images", 2)];

impl FakeForge {
    /// Starts a fake for `repo` (`owner/name`) accepting `token`, whose head branches
    /// must exist in the bare remote at `remote`.
    pub async fn start(dialect: Dialect, repo: &str, token: &str, remote: &Path) -> FakeForge {
        let state = Arc::new(Mutex::new(State::default()));
        let shared = Arc::clone(&state);
        let repo = repo.to_owned();
        let token = token.to_owned();
        let remote = remote.to_path_buf();
        let server = FakeServer::start("127.0.0.1", move |req| {
            let mut state = shared.lock().expect("state");
            let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
            state
                .requests
                .push((req.method.clone(), req.target.clone(), body.clone()));
            if !authorized(dialect, req, &token) {
                return Response::json(401, &json!({"message": "Bad credentials"}));
            }
            let site = Site {
                dialect,
                repo: &repo,
                remote: &remote,
            };
            site.handle(&mut state, req, &body)
        })
        .await;
        FakeForge {
            dialect,
            server,
            state,
        }
    }

    /// The API root to pass as `--forge-url`.
    pub fn api(&self) -> String {
        let root = format!("http://{}", self.server.addr);
        match self.dialect {
            Dialect::GitHub => root,
            Dialect::GitLab => format!("{root}/api/v4"),
            Dialect::Gitea => format!("{root}/api/v1"),
        }
    }

    /// The pull requests, in the order they were opened.
    pub fn prs(&self) -> Vec<FakePr> {
        self.state.lock().expect("state").prs.clone()
    }

    /// The requests so far: method, target and JSON body.
    pub fn requests(&self) -> Vec<(String, String, Value)> {
        self.state.lock().expect("state").requests.clone()
    }

    /// The requests that changed something (not GET).
    pub fn writes(&self) -> Vec<(String, String, Value)> {
        self.requests()
            .into_iter()
            .filter(|(m, _, _)| m != "GET")
            .collect()
    }
}

fn authorized(dialect: Dialect, req: &Request, token: &str) -> bool {
    match dialect {
        Dialect::GitHub => req.header("authorization") == Some(&format!("Bearer {token}")),
        Dialect::GitLab => req.header("private-token") == Some(token),
        Dialect::Gitea => req.header("authorization") == Some(&format!("token {token}")),
    }
}

/// What one request is about.
struct Site<'a> {
    dialect: Dialect,
    repo: &'a str,
    remote: &'a PathBuf,
}

impl Site<'_> {
    fn handle(&self, state: &mut State, req: &Request, body: &Value) -> Response {
        let path = req.path().to_owned();
        let prefix = match self.dialect {
            Dialect::GitHub => format!("/repos/{}", self.repo),
            Dialect::GitLab => format!("/api/v4/projects/{}", self.repo.replace('/', "%2F")),
            Dialect::Gitea => format!("/api/v1/repos/{}", self.repo),
        };
        if self.dialect == Dialect::GitLab && path == "/api/v4/users" {
            let name = req.query("username").unwrap_or_default();
            let found: Vec<Value> = USERS
                .iter()
                .filter(|(n, _)| *n == name)
                .map(|(n, id)| json!({"id": id, "username": n}))
                .collect();
            return Response::json(200, &json!(found));
        }
        let Some(rest) = path.strip_prefix(&prefix) else {
            return Response::json(404, &json!({"message": "Not Found"}));
        };
        let parts: Vec<&str> = rest.split('/').filter(|p| !p.is_empty()).collect();
        match (req.method.as_str(), parts.as_slice()) {
            ("GET", []) => Response::json(
                200,
                &json!({"full_name": self.repo, "permissions": {"push": true}}),
            ),
            ("GET", ["labels"]) if self.dialect == Dialect::Gitea => {
                let labels: Vec<Value> = LABELS
                    .iter()
                    .map(|(n, id)| json!({"id": id, "name": n}))
                    .collect();
                Response::json(200, &json!(labels))
            }
            ("GET", ["pulls" | "merge_requests"]) => self.list(state, req),
            ("POST", ["pulls" | "merge_requests"]) => self.create(state, body),
            ("PATCH" | "PUT", ["pulls" | "merge_requests", n]) => {
                self.update(state, n.parse().unwrap_or(0), body)
            }
            ("POST", ["issues", n, "labels"]) => self.with_pr(state, n, |pr| {
                pr.labels.extend(strings(&body["labels"]));
            }),
            ("POST", ["pulls", n, "requested_reviewers"]) => self.with_pr(state, n, |pr| {
                pr.reviewers.extend(strings(&body["reviewers"]));
            }),
            ("POST", ["issues" | "merge_requests", n, "comments" | "notes"]) => {
                self.with_pr(state, n, |pr| {
                    pr.comments
                        .push(body["body"].as_str().unwrap_or_default().to_owned());
                })
            }
            _ => Response::json(404, &json!({"message": "Not Found"})),
        }
    }

    /// The open pull requests, filtered as the dialect filters them.
    fn list(&self, state: &State, req: &Request) -> Response {
        let owner = self.repo.split('/').next().unwrap_or_default();
        let found: Vec<Value> = state
            .prs
            .iter()
            .filter(|pr| pr.open)
            .filter(|pr| match self.dialect {
                Dialect::GitHub => {
                    req.query("head") == Some(format!("{owner}:{}", pr.head))
                        && req.query("base").is_none_or(|b| b == pr.base)
                }
                Dialect::GitLab => {
                    req.query("source_branch") == Some(pr.head.clone())
                        && req.query("target_branch").is_none_or(|b| b == pr.base)
                }
                // Gitea has no head filter: every open pull, paged.
                Dialect::Gitea => req.query("page").is_none_or(|p| p == "1"),
            })
            .map(|pr| self.view(pr))
            .collect();
        Response::json(200, &json!(found))
    }

    fn create(&self, state: &mut State, body: &Value) -> Response {
        let field = |github: &str, gitlab: &str| {
            let key = if self.dialect == Dialect::GitLab {
                gitlab
            } else {
                github
            };
            body[key].as_str().unwrap_or_default().to_owned()
        };
        let head = field("head", "source_branch");
        let base = field("base", "target_branch");
        if !branch_exists(self.remote, &head) {
            return Response::json(422, &json!({"message": "Validation Failed: head invalid"}));
        }
        if state.prs.iter().any(|pr| pr.open && pr.head == head) {
            return Response::json(
                422,
                &json!({"message": format!("A pull request already exists for {head}.")}),
            );
        }
        let labels = match self.dialect {
            Dialect::GitLab => body["labels"]
                .as_str()
                .map(|l| l.split(',').map(str::to_owned).collect())
                .unwrap_or_default(),
            Dialect::Gitea => body["labels"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|id| LABELS.iter().find(|(_, i)| Some(*i) == id.as_u64()))
                .map(|(n, _)| (*n).to_owned())
                .collect(),
            Dialect::GitHub => Vec::new(),
        };
        let reviewers = body["reviewer_ids"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|id| USERS.iter().find(|(_, i)| Some(*i) == id.as_u64()))
            .map(|(n, _)| (*n).to_owned())
            .collect();
        let pr = FakePr {
            number: state.prs.len() as u64 + 1,
            head,
            base,
            title: field("title", "title"),
            body: field("body", "description"),
            open: true,
            labels,
            reviewers,
            comments: Vec::new(),
        };
        let view = self.view(&pr);
        state.prs.push(pr);
        Response::json(201, &view)
    }

    fn update(&self, state: &mut State, number: u64, body: &Value) -> Response {
        let Some(pr) = state.prs.iter_mut().find(|pr| pr.number == number) else {
            return Response::json(404, &json!({"message": "Not Found"}));
        };
        if let Some(title) = body["title"].as_str() {
            pr.title = title.to_owned();
        }
        let key = if self.dialect == Dialect::GitLab {
            "description"
        } else {
            "body"
        };
        if let Some(text) = body[key].as_str() {
            pr.body = text.to_owned();
        }
        if body["state"] == "closed" || body["state_event"] == "close" {
            pr.open = false;
        }
        let view = self.view(pr);
        Response::json(200, &view)
    }

    fn with_pr(&self, state: &mut State, n: &str, change: impl FnOnce(&mut FakePr)) -> Response {
        match state
            .prs
            .iter_mut()
            .find(|pr| Some(pr.number) == n.parse().ok())
        {
            Some(pr) => {
                change(pr);
                Response::json(201, &json!({}))
            }
            None => Response::json(404, &json!({"message": "Not Found"})),
        }
    }

    /// A pull request as the dialect shows it.
    fn view(&self, pr: &FakePr) -> Value {
        let web = format!("https://forge.example/{}", self.repo);
        match self.dialect {
            Dialect::GitLab => json!({
                "iid": pr.number, "id": 1000 + pr.number,
                "web_url": format!("{web}/-/merge_requests/{}", pr.number),
                "title": pr.title, "description": pr.body,
                "source_branch": pr.head, "target_branch": pr.base,
                "state": if pr.open { "opened" } else { "closed" },
            }),
            Dialect::GitHub | Dialect::Gitea => json!({
                "number": pr.number, "id": 1000 + pr.number,
                "html_url": format!("{web}/pull/{}", pr.number),
                "title": pr.title, "body": pr.body,
                "head": {"ref": pr.head}, "base": {"ref": pr.base},
                "state": if pr.open { "open" } else { "closed" },
            }),
        }
    }
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect()
}

fn branch_exists(remote: &Path, branch: &str) -> bool {
    Command::new("git")
        .arg("--git-dir")
        .arg(remote)
        .args(["rev-parse", "--verify", "--quiet"])
        .arg(format!("refs/heads/{branch}"))
        .output()
        .is_ok_and(|o| o.status.success())
}

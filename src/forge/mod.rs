//! Pull requests on the forges: GitHub (and GitHub Enterprise), GitLab, and Gitea or
//! Forgejo, through their REST APIs. [`Forge::connect`] finds the forge and the repository
//! from the remote's URL (or from what the user named), checks that the token is accepted,
//! and then a run finds its open pull request by head branch, opens one, updates its title
//! and body, or closes it with a comment.
//!
//! The token goes only to the API root; redirects are not followed (they could carry it
//! elsewhere), answers are read up to 4 MiB, and no message ever holds the token.

mod gitea;
mod github;
mod gitlab;
mod pulls;

use std::fmt;
use std::time::Duration;

use anyhow::{Context as _, Result, bail};
use futures::StreamExt as _;
use serde_json::Value;

use crate::secret::Secret;

/// The most of an API answer that is read.
const BODY_LIMIT: usize = 4 * 1024 * 1024;
/// Timeout of one API request.
const TIMEOUT: Duration = Duration::from_secs(30);

/// The forges spoken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// GitHub and GitHub Enterprise.
    GitHub,
    /// GitLab.
    GitLab,
    /// Gitea and Forgejo.
    Gitea,
}

impl Kind {
    /// The variable that holds this forge's token, after `TAGPILOT_FORGE_TOKEN`.
    pub fn token_variable(self) -> &'static str {
        match self {
            Kind::GitHub => "GITHUB_TOKEN",
            Kind::GitLab => "GITLAB_TOKEN",
            Kind::Gitea => "GITEA_TOKEN",
        }
    }

    /// What a pull request is called there.
    pub fn request_word(self) -> &'static str {
        match self {
            Kind::GitLab => "merge request",
            Kind::GitHub | Kind::Gitea => "pull request",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::GitHub => "GitHub",
            Kind::GitLab => "GitLab",
            Kind::Gitea => "Gitea",
        })
    }
}

/// What the user said about the forge, and the remote's URL to guess the rest from.
pub struct Where<'a> {
    /// `--forge`.
    pub kind: Option<Kind>,
    /// `--forge-url`: the API root.
    pub api: Option<&'a str>,
    /// `--forge-repo OWNER/NAME`.
    pub repo: Option<&'a str>,
    /// The URL of the remote pushed to.
    pub remote_url: &'a str,
}

/// An open pull (merge) request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PullRequest {
    /// Its number (GitLab's `iid`).
    pub number: u64,
    /// Its web address.
    pub url: String,
    /// Its title.
    pub title: String,
    /// Its description.
    pub body: String,
}

/// A pull request to open or update.
pub struct Proposal<'a> {
    /// The branch with the change.
    pub head: &'a str,
    /// The branch to merge into.
    pub base: &'a str,
    /// The title.
    pub title: &'a str,
    /// The description (Markdown).
    pub body: &'a str,
}

/// A connection to one repository on one forge.
pub struct Forge {
    kind: Kind,
    api: String,
    repo: String,
    token: Secret,
    token_variable: &'static str,
    client: reqwest::Client,
    runtime: tokio::runtime::Runtime,
}

impl fmt::Debug for Forge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Forge")
            .field("kind", &self.kind)
            .field("api", &self.api)
            .field("repo", &self.repo)
            .finish_non_exhaustive()
    }
}

impl Forge {
    /// Find the forge and the repository, and check that the token `token` gives for it
    /// (with the variable it came from) is accepted there, before anything is pushed.
    pub fn connect(
        place: &Where<'_>,
        token: impl FnOnce(Kind) -> Option<(Secret, &'static str)>,
    ) -> Result<Forge> {
        let host = remote_host(place.remote_url);
        let kind = match (place.kind, host.as_deref().and_then(kind_of_host)) {
            (Some(kind), _) | (None, Some(kind)) => kind,
            (None, None) => bail!(
                "cannot tell which forge {} is on; pass --forge github, gitlab or gitea (and \
                 --forge-url for a self-hosted one)",
                host.map_or_else(|| place.remote_url.to_owned(), |h| format!("host {h}"))
            ),
        };
        let api = match (place.api, &host) {
            (Some(api), _) => api.trim_end_matches('/').to_owned(),
            (None, Some(host)) => default_api(kind, host),
            (None, None) => bail!(
                "the remote {} names no host, so the {kind} API is not known; pass --forge-url",
                place.remote_url
            ),
        };
        let repo = match place.repo {
            Some(repo) => repo.trim_matches('/').to_owned(),
            None => repo_of_url(place.remote_url).with_context(|| {
                format!(
                    "cannot tell the repository on {kind} from the remote {}; pass --forge-repo OWNER/NAME",
                    place.remote_url
                )
            })?,
        };
        if repo.split('/').filter(|p| !p.is_empty()).count() < 2 {
            bail!("--forge-repo {repo}: expected OWNER/NAME");
        }
        let Some((token, token_variable)) = token(kind) else {
            bail!(
                "--pull-request needs a {kind} token that may push to and open {}s in {repo}; \
                 set {} (or TAGPILOT_FORGE_TOKEN)",
                kind.request_word(),
                kind.token_variable()
            );
        };
        let _ = rustls::crypto::ring::default_provider().install_default();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("starting the HTTP client")?;
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .referer(false)
            .user_agent(concat!("tagpilot/", env!("CARGO_PKG_VERSION")))
            .build()
            .context("starting the HTTP client")?;
        let forge = Forge {
            kind,
            api,
            repo,
            token,
            token_variable,
            client,
            runtime,
        };
        match kind {
            Kind::GitHub => github::check(&forge),
            Kind::GitLab => gitlab::check(&forge),
            Kind::Gitea => gitea::check(&forge),
        }?;
        Ok(forge)
    }

    /// Which forge this is.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The open pull request from `head` into `base`, if there is one.
    pub fn find(&self, head: &str, base: &str) -> Result<Option<PullRequest>> {
        match self.kind {
            Kind::GitHub => github::find(self, head, base),
            Kind::GitLab => gitlab::find(self, head, base),
            Kind::Gitea => gitea::find(self, head, base),
        }
    }

    /// Open a pull request, with labels and reviewers; what could not be added is said in
    /// the warnings returned.
    pub fn open(
        &self,
        proposal: &Proposal<'_>,
        labels: &[String],
        reviewers: &[String],
    ) -> Result<(PullRequest, Vec<String>)> {
        match self.kind {
            Kind::GitHub => github::open(self, proposal, labels, reviewers),
            Kind::GitLab => gitlab::open(self, proposal, labels, reviewers),
            Kind::Gitea => gitea::open(self, proposal, labels, reviewers),
        }
    }

    /// Set an open pull request's title and body.
    pub fn update(&self, pr: &PullRequest, proposal: &Proposal<'_>) -> Result<()> {
        match self.kind {
            Kind::GitHub | Kind::Gitea => pulls::update(self, pr, proposal),
            Kind::GitLab => gitlab::update(self, pr, proposal),
        }
    }

    /// Comment on a pull request, then close it.
    pub fn close(&self, pr: &PullRequest, comment: &str) -> Result<()> {
        match self.kind {
            Kind::GitHub | Kind::Gitea => pulls::close(self, pr, comment),
            Kind::GitLab => gitlab::close(self, pr, comment),
        }
    }

    /// One API call: `method` on `path` (below the API root) with a JSON body; the JSON
    /// answer, or an error that names the forge, the call and what the forge said.
    fn call(&self, method: reqwest::Method, path: &str, body: Option<&Value>) -> Result<Value> {
        let url = format!("{}{path}", self.api);
        let shown_call = format!("{method} {path}");
        let mut request = self.client.request(method, &url);
        request = match self.kind {
            Kind::GitHub => request
                .bearer_auth(self.token.expose())
                .header("accept", "application/vnd.github+json")
                .header("x-github-api-version", "2022-11-28"),
            Kind::GitLab => request.header("private-token", self.token.expose()),
            Kind::Gitea => {
                request.header("authorization", format!("token {}", self.token.expose()))
            }
        };
        if let Some(body) = body {
            request = request.json(body);
        }
        let place = format!("the {} API at {}: {shown_call}", self.kind, self.api);
        let (status, text) = self
            .runtime
            .block_on(async {
                let reply = request.send().await?;
                let status = reply.status();
                let text = read_bounded(reply).await?;
                Ok::<_, reqwest::Error>((status, text))
            })
            .map_err(|err| anyhow::anyhow!("{place}: {}", cause(&err)))?;
        if !status.is_success() {
            bail!("{place}: {}", self.refusal(status, &text));
        }
        if text.trim().is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_str(&text).with_context(|| format!("{place}: the answer is not JSON"))
    }

    /// Why an answer is a failure: its status, the forge's message, and advice for a
    /// refused token.
    fn refusal(&self, status: reqwest::StatusCode, text: &str) -> String {
        let said = serde_json::from_str::<Value>(text)
            .ok()
            .and_then(|v| message_of(&v))
            .unwrap_or_default();
        let mut line = format!(
            "HTTP {} {}",
            status.as_u16(),
            status.canonical_reason().unwrap_or("")
        )
        .trim_end()
        .to_owned();
        if !said.is_empty() {
            let said: String = said
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            line.push_str(&format!(": {said}"));
        }
        if matches!(status.as_u16(), 401 | 403) {
            line.push_str(&format!(
                "; check that the token in {} is valid and may write to {}",
                self.token_variable, self.repo
            ));
        } else if status.is_redirection() {
            line.push_str("; redirects are not followed, so give the API root with --forge-url");
        }
        line
    }
}

/// The `message` (or `error`, GitLab's `message` object) of an error answer.
fn message_of(value: &Value) -> Option<String> {
    let message = value.get("message").or_else(|| value.get("error"))?;
    Some(match message {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    })
}

/// The text of an answer, refusing more than [`BODY_LIMIT`].
async fn read_bounded(reply: reqwest::Response) -> Result<String, reqwest::Error> {
    let mut stream = reply.bytes_stream();
    let mut body = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        if body.len() + chunk.len() > BODY_LIMIT {
            // Enough to show what it said; the rest is not read.
            body.extend_from_slice(&chunk[..BODY_LIMIT.saturating_sub(body.len())]);
            break;
        }
        body.extend_from_slice(&chunk);
    }
    Ok(String::from_utf8_lossy(&body).into_owned())
}

/// A transport error's cause, without the URL reqwest adds.
fn cause(err: &reqwest::Error) -> String {
    let mut text = if err.is_timeout() {
        "timed out".to_owned()
    } else if err.is_connect() {
        "could not connect".to_owned()
    } else {
        "the request failed".to_owned()
    };
    let mut source = std::error::Error::source(err);
    while let Some(inner) = source {
        text.push_str(&format!(": {inner}"));
        source = inner.source();
    }
    text
}

/// The host of a remote URL (`https://host/…`, `ssh://user@host:port/…`, `user@host:path`);
/// `None` for a local path or `file://` URL.
fn remote_host(url: &str) -> Option<String> {
    let rest = match url.split_once("://") {
        Some((scheme, _)) if scheme.eq_ignore_ascii_case("file") => return None,
        Some((_, rest)) => rest,
        None => {
            let (before, _) = url.split_once(':')?;
            if before.contains('/') {
                return None;
            }
            before
        }
    };
    let authority = rest.split('/').next()?;
    let host = authority.rsplit('@').next()?;
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next()?,
        None => host.split(':').next()?,
    };
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// The forge a well-known host runs.
fn kind_of_host(host: &str) -> Option<Kind> {
    let first = host.split('.').next().unwrap_or_default();
    if host == "github.com" || host.ends_with(".ghe.com") {
        Some(Kind::GitHub)
    } else if host == "gitlab.com" || first == "gitlab" {
        Some(Kind::GitLab)
    } else if ["codeberg.org", "gitea.com"].contains(&host) || ["gitea", "forgejo"].contains(&first)
    {
        Some(Kind::Gitea)
    } else {
        None
    }
}

/// The API root of a forge on `host`.
fn default_api(kind: Kind, host: &str) -> String {
    match kind {
        Kind::GitHub if host == "github.com" => "https://api.github.com".to_owned(),
        Kind::GitHub if host.ends_with(".ghe.com") => format!("https://api.{host}"),
        Kind::GitHub => format!("https://{host}/api/v3"),
        Kind::GitLab => format!("https://{host}/api/v4"),
        Kind::Gitea => format!("https://{host}/api/v1"),
    }
}

/// `OWNER/NAME` from a remote URL's last two path parts, without `.git`.
fn repo_of_url(url: &str) -> Option<String> {
    let path = match url.split_once("://") {
        Some((_, rest)) => rest.split_once('/').map_or("", |(_, path)| path),
        None => url.split_once(':').map_or(
            url,
            |(before, path)| {
                if before.contains('/') { url } else { path }
            },
        ),
    };
    let mut parts = path
        .trim_end_matches('/')
        .rsplit('/')
        .filter(|p| !p.is_empty());
    let name = parts.next()?;
    let name = name.strip_suffix(".git").unwrap_or(name);
    let owner = parts.next()?;
    (!name.is_empty()).then(|| format!("{owner}/{name}"))
}

/// `text` with the characters a URL path segment or query value may not hold escaped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A number field of an API object.
fn number(value: &Value, key: &str, place: &str) -> Result<u64> {
    value
        .get(key)
        .and_then(Value::as_u64)
        .with_context(|| format!("{place}: the answer has no {key}"))
}

/// A text field of an API object (empty when absent or null).
fn text(value: &Value, key: &str) -> String {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_and_repositories_from_remote_urls() {
        let cases = [
            (
                "https://github.com/acme/deploy.git",
                Some("github.com"),
                Some("acme/deploy"),
            ),
            (
                "git@github.com:acme/deploy.git",
                Some("github.com"),
                Some("acme/deploy"),
            ),
            (
                "ssh://git@gitlab.example.com:2222/g/sub/deploy",
                Some("gitlab.example.com"),
                Some("sub/deploy"),
            ),
            (
                "https://user:secret@codeberg.org/acme/deploy/",
                Some("codeberg.org"),
                Some("acme/deploy"),
            ),
            ("/srv/git/acme/deploy.git", None, Some("acme/deploy")),
            ("file:///srv/deploy.git", None, Some("srv/deploy")),
            ("deploy.git", None, None),
        ];
        for (url, host, repo) in cases {
            assert_eq!(remote_host(url).as_deref(), host, "{url}");
            assert_eq!(repo_of_url(url).as_deref(), repo, "{url}");
        }
    }

    #[test]
    fn forges_known_by_host() {
        assert_eq!(kind_of_host("github.com"), Some(Kind::GitHub));
        assert_eq!(kind_of_host("gitlab.com"), Some(Kind::GitLab));
        assert_eq!(kind_of_host("gitlab.internal"), Some(Kind::GitLab));
        assert_eq!(kind_of_host("codeberg.org"), Some(Kind::Gitea));
        assert_eq!(kind_of_host("forgejo.example.org"), Some(Kind::Gitea));
        assert_eq!(kind_of_host("git.example.org"), None);
        assert_eq!(
            default_api(Kind::GitHub, "ghe.example.com"),
            "https://ghe.example.com/api/v3"
        );
        assert_eq!(
            default_api(Kind::GitHub, "github.com"),
            "https://api.github.com"
        );
    }

    #[test]
    fn escaping_keeps_unreserved_characters() {
        assert_eq!(escape("group/sub project"), "group%2Fsub%20project");
        assert_eq!(
            escape("tagpilot/acme-web_1.0~x"),
            "tagpilot%2Facme-web_1.0~x"
        );
    }
}

//! The registry client's error type: what was being done, to which host and repository,
//! and why it failed. Messages never contain a credential.

use super::transport::retry::is_temporary_status;

/// An error from talking to a registry.
///
/// Every variant names what was being done (`doing`), which includes the registry host
/// and the repository, e.g. `reading manifest "1.0" of 127.0.0.1:5000/team/app`.
/// Callers branch on [`RegistryError::is_temporary`] and [`RegistryError::is_not_found`].
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum RegistryError {
    /// The registry answered with an HTTP error status.
    #[error("{doing}: HTTP {status}{}", error_suffix(code.as_deref(), message.as_deref()))]
    Status {
        /// What was being done.
        doing: String,
        /// The HTTP status code.
        status: u16,
        /// The first error code of an OCI error body, such as `MANIFEST_UNKNOWN`.
        code: Option<String>,
        /// The message that came with it (or the start of a non-JSON body).
        message: Option<String>,
    },
    /// No usable answer: connection refused or reset, timeout, TLS failure, cut-off body.
    #[error("{doing}: {detail}")]
    Transport {
        /// What was being done.
        doing: String,
        /// The cause, as one line.
        detail: String,
        /// Whether the request timed out.
        timeout: bool,
        /// Whether no connection could be made (refused, unreachable, DNS).
        connect: bool,
    },
    /// A response body was larger than the bound for its kind.
    #[error("{doing}: response body larger than {limit} bytes")]
    TooLarge {
        /// What was being done.
        doing: String,
        /// The bound in bytes.
        limit: u64,
    },
    /// A response could not be understood (bad JSON, missing fields, unknown media type).
    #[error("{doing}: {detail}")]
    Invalid {
        /// What was being done.
        doing: String,
        /// What was wrong.
        detail: String,
    },
    /// Content did not match the digest it was fetched by.
    #[error(
        "{doing}: content does not match its digest {expected} (sha256 of the bytes is {actual})"
    )]
    DigestMismatch {
        /// What was being done.
        doing: String,
        /// The digest that was asked for.
        expected: String,
        /// The digest of what came back.
        actual: String,
    },
    /// Authentication was required and failed, or the challenge cannot be met.
    #[error("{doing}: {detail}")]
    Auth {
        /// What was being done.
        doing: String,
        /// Why, without any secret.
        detail: String,
    },
    /// A host answered an HTTPS request in plain HTTP.
    #[error("{doing}: {host} answered plain HTTP; pass --insecure-registry {host}")]
    PlainHttp {
        /// What was being done.
        doing: String,
        /// The host, `host[:port]`.
        host: String,
    },
    /// TLS with a host failed: its certificate is not trusted, or the handshake failed.
    #[error("{doing}: {}", tls_message(host, detail, *certificate))]
    Tls {
        /// What was being done.
        doing: String,
        /// The host, `host[:port]`.
        host: String,
        /// The TLS library's reason.
        detail: String,
        /// Whether the certificate was refused (rather than the handshake failing).
        certificate: bool,
    },
    /// A repository has more tags than the client takes (`--max-tags`).
    #[error(
        "{doing}: more than {limit} tags; raise --max-tags if the repository really has that many"
    )]
    TooManyTags {
        /// What was being done.
        doing: String,
        /// The bound.
        limit: usize,
    },
    /// The registry phase ran out of time (`--deadline`) before this was done.
    #[error(
        "{doing}: not finished within the {secs} s deadline of the registry phase (--deadline)"
    )]
    Deadline {
        /// What was being done.
        doing: String,
        /// The deadline in seconds.
        secs: u64,
    },
    /// A host timed out or refused connections several times in a row, so the rest of
    /// its requests were not sent.
    #[error("{doing}: not sent, because {host} failed {failures} times in a row ({cause})")]
    HostDown {
        /// What was being done.
        doing: String,
        /// The host, `host[:port]`.
        host: String,
        /// How many failures in a row.
        failures: u32,
        /// The last failure, as one line.
        cause: String,
    },
    /// The registry's pull budget (Docker Hub's `ratelimit-remaining`) is used up, so no
    /// manifest `GET` was sent.
    #[error(
        "{doing}: not sent, because {host}'s pull budget is used up (ratelimit-remaining: 0); \
         it refills over time, and logging in (docker login) gives a larger one"
    )]
    PullBudget {
        /// What was being done.
        doing: String,
        /// The host, `host[:port]`.
        host: String,
    },
    /// `--time-source pushed` was asked for a registry whose listings give no push times.
    #[error(
        "{doing}: the registry gives no push times (its API dialect is {api}; Docker Hub, Quay, \
         ACR and Google's registries give them, and GitHub's once `docker login ghcr.io` has a \
         token that can read:packages); use --time-source built, or set the registry's api in \
         the configuration file if it speaks one of those"
    )]
    NoPushTimes {
        /// What was being done.
        doing: String,
        /// The dialect the registry was taken to speak.
        api: String,
    },
    /// Credentials could not be read (Docker config file or credential helper).
    #[error("{doing}: {detail}")]
    Credentials {
        /// What was being done.
        doing: String,
        /// Why, without any secret.
        detail: String,
    },
    /// The client could not be set up from its options.
    #[error("setting up the registry client: {0}")]
    Setup(String),
}

fn error_suffix(code: Option<&str>, message: Option<&str>) -> String {
    match (code, message) {
        (Some(c), Some(m)) => format!(" {c}: {m}"),
        (Some(c), None) => format!(" {c}"),
        (None, Some(m)) => format!(": {m}"),
        (None, None) => String::new(),
    }
}

fn tls_message(host: &str, detail: &str, certificate: bool) -> String {
    if certificate {
        format!(
            "the TLS certificate of {host} is not trusted ({detail}); trust its CA with --registry-ca FILE or the registry's `ca` in the configuration file"
        )
    } else {
        format!("TLS with {host} failed: {detail}")
    }
}

/// The next cause of an error: the error an I/O error wraps (which its own `source`
/// skips), else its source.
fn next_cause<'a>(
    err: &'a (dyn std::error::Error + 'static),
) -> Option<&'a (dyn std::error::Error + 'static)> {
    match err
        .downcast_ref::<std::io::Error>()
        .and_then(std::io::Error::get_ref)
    {
        Some(inner) => Some(inner),
        None => err.source(),
    }
}

/// The TLS error in an error's chain of causes, if there is one.
fn rustls_cause<'a>(err: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    let mut current = Some(err);
    while let Some(e) = current {
        if let Some(found) = e.downcast_ref::<rustls::Error>() {
            return Some(found);
        }
        current = next_cause(e);
    }
    None
}

/// Whether an error's chain holds an I/O error of `kind`.
pub(crate) fn has_io_kind(
    err: &(dyn std::error::Error + 'static),
    kind: std::io::ErrorKind,
) -> bool {
    let mut current = Some(err);
    while let Some(e) = current {
        if e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == kind)
        {
            return true;
        }
        current = next_cause(e);
    }
    false
}

/// The start of a plain-text error body as one line; nothing for HTML or control bytes.
fn plain_text_message(body: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(body);
    let line: String = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(200)
        .collect();
    let printable =
        !line.is_empty() && !line.contains('<') && line.chars().all(|c| !c.is_control());
    printable.then_some(line)
}

impl RegistryError {
    /// Whether trying again later may succeed: a temporary HTTP status (408, 429, 500,
    /// 502, 503, 504) or error code (`TOOMANYREQUESTS`, `UNAVAILABLE`), and transport
    /// errors. This is the one rule the client retries by.
    pub fn is_temporary(&self) -> bool {
        match self {
            RegistryError::Status { status, code, .. } => {
                is_temporary_status(*status)
                    || matches!(code.as_deref(), Some("TOOMANYREQUESTS" | "UNAVAILABLE"))
            }
            RegistryError::Transport { .. } => true,
            _ => false,
        }
    }

    /// Whether this is Docker Hub's refusal of a pull beyond the budget: a 429 whose
    /// `TOOMANYREQUESTS` message speaks of the pull rate limit.
    pub fn is_pull_limit(&self) -> bool {
        matches!(
            self,
            RegistryError::Status { status: 429, code: Some(code), message: Some(message), .. }
                if code == "TOOMANYREQUESTS" && message.to_ascii_lowercase().contains("pull rate limit")
        )
    }

    /// Whether the registry said the repository, tag, manifest or blob does not exist.
    pub fn is_not_found(&self) -> bool {
        matches!(self, RegistryError::Status { status: 404, .. })
    }

    /// The HTTP status, when the registry answered with an error status.
    pub fn status(&self) -> Option<u16> {
        match self {
            RegistryError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Builds the error for a non-success answer from its OCI error body, if it has one,
    /// else from the start of a plain-text body.
    pub(crate) fn from_status(doing: &str, status: u16, body: &[u8]) -> Self {
        #[derive(serde::Deserialize)]
        struct Errors {
            errors: Vec<ErrorItem>,
        }
        #[derive(serde::Deserialize)]
        struct ErrorItem {
            #[serde(default)]
            code: Option<String>,
            #[serde(default)]
            message: Option<String>,
        }
        let (code, message) = match serde_json::from_slice::<Errors>(body) {
            Ok(e) => match e.errors.into_iter().next() {
                Some(i) => (i.code, i.message.filter(|m| !m.is_empty())),
                None => (None, None),
            },
            Err(_) => (None, plain_text_message(body)),
        };
        RegistryError::Status {
            doing: doing.to_owned(),
            status,
            code,
            message,
        }
    }

    pub(crate) fn invalid(doing: &str, detail: impl Into<String>) -> Self {
        RegistryError::Invalid {
            doing: doing.to_owned(),
            detail: detail.into(),
        }
    }

    pub(crate) fn auth(doing: &str, detail: impl Into<String>) -> Self {
        RegistryError::Auth {
            doing: doing.to_owned(),
            detail: detail.into(),
        }
    }

    /// Turns a reqwest error from a request to `host` into a registry error: a plain-HTTP
    /// answer or a TLS failure (neither worth another try), else a transport error.
    pub(crate) fn from_request(doing: &str, host: &str, err: &reqwest::Error) -> Self {
        let Some(tls) = rustls_cause(err) else {
            return RegistryError::transport(doing, err);
        };
        match tls {
            rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType) => {
                RegistryError::PlainHttp {
                    doing: doing.to_owned(),
                    host: host.to_owned(),
                }
            }
            other => RegistryError::Tls {
                doing: doing.to_owned(),
                host: host.to_owned(),
                detail: other.to_string(),
                certificate: matches!(
                    other,
                    rustls::Error::InvalidCertificate(_)
                        | rustls::Error::NoCertificatesPresented
                        | rustls::Error::InvalidCertRevocationList(_)
                ),
            },
        }
    }

    /// Turns a reqwest error into a one-line transport error. The URL is left out: a
    /// redirect target may carry a signature in its query.
    pub(crate) fn transport(doing: &str, err: &reqwest::Error) -> Self {
        let timeout = err.is_timeout();
        let mut parts: Vec<String> = Vec::new();
        let mut push = |s: String| {
            if !s.is_empty() && !parts.iter().any(|p| p.contains(&s)) {
                parts.push(s);
            }
        };
        // reqwest's own Display names the URL; describe the kind instead.
        push(if timeout {
            "request timed out".to_owned()
        } else if err.is_connect() {
            "could not connect".to_owned()
        } else if err.is_body() || err.is_decode() {
            "reading the response body failed".to_owned()
        } else {
            "request failed".to_owned()
        });
        // A timeout's causes only say the same again.
        let mut source = if timeout {
            None
        } else {
            std::error::Error::source(err)
        };
        while let Some(s) = source {
            let text = s.to_string();
            // hyper's `client error (Connect)` only repeats the kind named first.
            if !text.starts_with("client error (") {
                push(text);
            }
            source = s.source();
        }
        RegistryError::Transport {
            doing: doing.to_owned(),
            detail: parts.join(": "),
            timeout,
            connect: err.is_connect() && !timeout,
        }
    }

    /// Puts what was being done inside a larger task: `outer: doing: detail`.
    pub(crate) fn within(mut self, outer: &str) -> Self {
        match &mut self {
            RegistryError::Status { doing, .. }
            | RegistryError::Transport { doing, .. }
            | RegistryError::TooLarge { doing, .. }
            | RegistryError::Invalid { doing, .. }
            | RegistryError::DigestMismatch { doing, .. }
            | RegistryError::Auth { doing, .. }
            | RegistryError::PlainHttp { doing, .. }
            | RegistryError::Tls { doing, .. }
            | RegistryError::TooManyTags { doing, .. }
            | RegistryError::Deadline { doing, .. }
            | RegistryError::HostDown { doing, .. }
            | RegistryError::PullBudget { doing, .. }
            | RegistryError::NoPushTimes { doing, .. }
            | RegistryError::Credentials { doing, .. } => *doing = format!("{outer}: {doing}"),
            RegistryError::Setup(_) => {}
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_messages_and_classes() {
        let e = RegistryError::Status {
            doing: "listing tags of h:5000/a/b".into(),
            status: 404,
            code: Some("NAME_UNKNOWN".into()),
            message: Some("repository name not known to registry".into()),
        };
        assert_eq!(
            e.to_string(),
            "listing tags of h:5000/a/b: HTTP 404 NAME_UNKNOWN: repository name not known to registry"
        );
        assert!(e.is_not_found());
        assert!(!e.is_temporary());
        let e = RegistryError::Status {
            doing: "x".into(),
            status: 503,
            code: None,
            message: None,
        };
        assert_eq!(e.to_string(), "x: HTTP 503");
        assert!(e.is_temporary());
    }

    #[test]
    fn error_bodies() {
        let e = RegistryError::from_status(
            "reading x",
            404,
            br#"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{"Tag":"x"}}]}"#,
        );
        assert_eq!(
            e.to_string(),
            "reading x: HTTP 404 MANIFEST_UNKNOWN: manifest unknown"
        );
        let e = RegistryError::from_status("reading x", 404, b"404 page not found\n");
        assert_eq!(e.to_string(), "reading x: HTTP 404: 404 page not found");
        let e = RegistryError::from_status("reading x", 502, b"<html><body>bad</body></html>");
        assert_eq!(e.to_string(), "reading x: HTTP 502");
    }
}

//! Authentication pieces: the redacting [`Secret`], credentials, `WWW-Authenticate`
//! challenges and token responses.
//!
//! The flow lives in the transport: anonymous first; on a `401` the challenge says
//! Basic (send the credentials on every request to that host) or Bearer (get a token
//! from the realm for `repository:<name>:pull`, cache it until it expires).

use std::time::{Duration, Instant};

use base64::Engine as _;
use serde::Deserialize;

pub use crate::secret::Secret;

/// Credentials for one registry host, as the Docker config file or a helper gives them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// A user name and password (or personal access token).
    Basic {
        /// The user name.
        username: String,
        /// The password.
        password: Secret,
    },
    /// An OAuth2 refresh token (`identitytoken`), exchanged at the realm with a POST.
    IdentityToken(Secret),
    /// A bearer token sent to the registry as is (`registrytoken`).
    RegistryToken(Secret),
}

impl Credential {
    /// The `Authorization` value for HTTP Basic, when these are Basic credentials.
    pub(crate) fn basic_header(&self) -> Option<String> {
        match self {
            Credential::Basic { username, password } => {
                let raw = format!("{username}:{}", password.expose());
                Some(format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode(raw)
                ))
            }
            _ => None,
        }
    }
}

/// A parsed `WWW-Authenticate` challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Challenge {
    /// `Basic realm="…"`.
    Basic,
    /// `Bearer realm="…",service="…",scope="…"`.
    Bearer {
        /// Where to get tokens.
        realm: String,
        /// The `service` parameter, if given.
        service: Option<String>,
        /// The `scope` parameter, if given.
        scope: Option<String>,
        /// The `error` parameter (`invalid_token`, `insufficient_scope`), if given.
        error: Option<String>,
    },
    /// Another scheme, which tagpilot cannot answer.
    Other(String),
}

impl Challenge {
    /// Parses a header value. Parameter values may be quoted strings with commas and
    /// backslash escapes (the scope holds commas).
    pub fn parse(value: &str) -> Option<Challenge> {
        let value = value.trim();
        let (scheme, rest) = match value.find(char::is_whitespace) {
            Some(i) => (&value[..i], &value[i..]),
            None => (value, ""),
        };
        if scheme.is_empty() {
            return None;
        }
        let params = parse_params(rest);
        let get = |k: &str| {
            params
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(k))
                .map(|(_, v)| v.clone())
        };
        Some(match scheme.to_ascii_lowercase().as_str() {
            "basic" => Challenge::Basic,
            "bearer" => Challenge::Bearer {
                realm: get("realm")?,
                service: get("service"),
                scope: get("scope"),
                error: get("error"),
            },
            _ => Challenge::Other(scheme.to_owned()),
        })
    }
}

fn parse_params(s: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut chars = s.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace() || *c == ',') {
            chars.next();
        }
        let mut name = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' || c == ',' || c.is_whitespace() {
                break;
            }
            name.push(c);
            chars.next();
        }
        if name.is_empty() {
            break;
        }
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.peek() != Some(&'=') {
            continue;
        }
        chars.next();
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let mut value = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => {
                        if let Some(n) = chars.next() {
                            value.push(n);
                        }
                    }
                    '"' => break,
                    _ => value.push(c),
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == ',' || c.is_whitespace() {
                    break;
                }
                value.push(c);
                chars.next();
            }
        }
        out.push((name, value));
    }
    out
}

/// A token server's answer (GET or OAuth2 POST).
#[derive(Deserialize)]
pub(crate) struct TokenResponse {
    #[serde(default)]
    token: Option<String>,
    #[serde(default)]
    access_token: Option<String>,
    #[serde(default)]
    expires_in: Option<i64>,
    #[serde(default)]
    issued_at: Option<String>,
}

/// A bearer token and when it stops being used.
#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub(crate) value: Secret,
    pub(crate) expires: Instant,
}

/// The least lifetime a token is given, as the distribution spec says.
const MIN_TOKEN_LIFETIME: i64 = 60;

impl TokenResponse {
    /// The token and its expiry: `issued_at` (or now) plus `expires_in` (at least 60 s),
    /// less a few seconds of margin so that a token is not used at the edge of its life.
    pub(crate) fn into_token(self, now: Instant) -> Option<Token> {
        let value = self
            .token
            .filter(|t| !t.is_empty())
            .or(self.access_token.filter(|t| !t.is_empty()))?;
        let lifetime = self
            .expires_in
            .unwrap_or(MIN_TOKEN_LIFETIME)
            .max(MIN_TOKEN_LIFETIME);
        // How long ago the server says it issued the token; never in the future.
        let age = self
            .issued_at
            .as_deref()
            .and_then(super::oci::parse_time)
            .map(|t| (chrono::Utc::now() - t).num_seconds().max(0))
            .unwrap_or(0);
        let left = (lifetime - age - 5).max(0);
        let left = u64::try_from(left).unwrap_or(0);
        Some(Token {
            value: Secret::new(value),
            expires: now + Duration::from_secs(left),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_redacted() {
        let c = Credential::Basic {
            username: "u".into(),
            password: Secret::new("hunter2"),
        };
        let shown = format!("{c:?} {}", Secret::new("hunter2"));
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("(redacted)"));
        assert_eq!(c.basic_header().as_deref(), Some("Basic dTpodW50ZXIy"));
    }

    #[test]
    fn challenges() {
        assert_eq!(
            Challenge::parse(r#"Basic realm="basic-realm""#),
            Some(Challenge::Basic)
        );
        assert_eq!(
            Challenge::parse(
                r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push""#
            ),
            Some(Challenge::Bearer {
                realm: "https://auth.docker.io/token".into(),
                service: Some("registry.docker.io".into()),
                scope: Some("repository:samalba/my-app:pull,push".into()),
                error: None,
            })
        );
        assert_eq!(
            Challenge::parse(
                r#"bearer  realm = "http://x/t" , error="invalid_token", scope=repo:a:pull"#
            ),
            Some(Challenge::Bearer {
                realm: "http://x/t".into(),
                service: None,
                scope: Some("repo:a:pull".into()),
                error: Some("invalid_token".into()),
            })
        );
        assert_eq!(Challenge::parse("Bearer service=\"x\""), None);
        assert_eq!(
            Challenge::parse("Negotiate"),
            Some(Challenge::Other("Negotiate".into()))
        );
        assert_eq!(Challenge::parse(""), None);
    }

    #[test]
    fn token_lifetimes() {
        let now = Instant::now();
        let r: TokenResponse =
            serde_json::from_str(r#"{"access_token":"a","expires_in":300}"#).unwrap();
        let t = r.into_token(now).unwrap();
        assert_eq!(t.value.expose(), "a");
        assert_eq!(t.expires - now, Duration::from_secs(295));
        // default and floor of 60 s
        let r: TokenResponse = serde_json::from_str(r#"{"token":"b","expires_in":3}"#).unwrap();
        assert_eq!(
            r.into_token(now).unwrap().expires - now,
            Duration::from_secs(55)
        );
        // issued long ago: already expired
        let r: TokenResponse = serde_json::from_str(
            r#"{"token":"c","expires_in":60,"issued_at":"2020-01-01T00:00:00Z"}"#,
        )
        .unwrap();
        assert_eq!(r.into_token(now).unwrap().expires, now);
        let r: TokenResponse = serde_json::from_str(r#"{"token":""}"#).unwrap();
        assert!(r.into_token(now).is_none());
    }
}

//! Auth driven by the `WWW-Authenticate` challenge: anonymous first; Basic sends the
//! Docker config's credentials on every request to that host; Bearer gets a token from
//! the realm for `repository:<name>:pull` (OAuth2 POST with an identity token, else GET)
//! and keeps it per scope until it expires.

use std::sync::Arc;
use std::time::Instant;

use reqwest::header::HeaderValue;
use reqwest::{Method, StatusCode, Url};

use super::http::{Exchange, authority};
use super::retry::retry_after;
use super::{Call, HostState, Scheme, Transport, lock};
use crate::registry::RegistryError;
use crate::registry::challenge::{Challenge, Credential, Secret, Token, TokenResponse};

/// Bound for token server answers.
const TOKEN_BODY_LIMIT: u64 = 1024 * 1024;

/// What a host asked for in its last challenge.
#[derive(Clone, Debug)]
pub(super) enum HostAuth {
    Anonymous,
    Basic,
    Bearer {
        realm: String,
        service: Option<String>,
    },
}

/// Which kind of `Authorization` a request carried.
#[derive(Clone, PartialEq, Eq, Debug)]
pub(super) enum SentAuth {
    Basic,
    /// A bearer token (from the realm or the Docker config).
    Token(Secret),
}

/// A token request, ready to send.
struct TokenRequest {
    method: Method,
    url: Url,
    form: Option<String>,
    auth: Option<HeaderValue>,
}

fn scope(call: &Call<'_>) -> String {
    format!("repository:{}:{}", call.repository, call.actions)
}

/// Builds the token request: OAuth2 POST with a refresh token when the Docker config holds
/// an identity token, else GET with Basic credentials or anonymously.
fn token_request(
    mut url: Url,
    service: Option<&str>,
    scope: &str,
    credential: Option<&Credential>,
) -> TokenRequest {
    if let Some(Credential::IdentityToken(rt)) = credential {
        // The form body is encoded like a query string.
        let mut form = url.clone();
        form.set_query(None);
        {
            let mut q = form.query_pairs_mut();
            q.append_pair("grant_type", "refresh_token")
                .append_pair("refresh_token", rt.expose())
                .append_pair("client_id", "tagpilot")
                .append_pair("scope", scope);
            if let Some(s) = service {
                q.append_pair("service", s);
            }
        }
        let form = Some(form.query().unwrap_or("").to_owned());
        return TokenRequest {
            method: Method::POST,
            url,
            form,
            auth: None,
        };
    }
    {
        let mut q = url.query_pairs_mut();
        if let Some(s) = service {
            q.append_pair("service", s);
        }
        q.append_pair("scope", scope);
        if let Some(Credential::Basic { username, .. }) = credential {
            q.append_pair("account", username);
        }
    }
    let auth = credential.and_then(Credential::basic_header).and_then(|h| {
        let mut v = HeaderValue::from_str(&h).ok()?;
        v.set_sensitive(true);
        Some(v)
    });
    TokenRequest {
        method: Method::GET,
        url,
        form: None,
        auth,
    }
}

impl Transport {
    /// The credentials of a host, looked up once (a helper may run).
    pub(super) async fn credential(
        &self,
        state: &HostState,
        host: &str,
        doing: &str,
    ) -> Result<Option<Credential>, RegistryError> {
        let Some(cfg) = &self.settings.docker_config else {
            return Ok(None);
        };
        let found = state
            .credential
            .get_or_try_init(|| async {
                // Helpers are programs; run them off the async threads.
                let cfg = Arc::clone(cfg);
                let owned = host.to_owned();
                let path = self.settings.helper_path.clone();
                tokio::task::spawn_blocking(move || cfg.lookup(&owned, path.as_deref()))
                    .await
                    .map_err(|e| RegistryError::Credentials {
                        doing: format!("looking up credentials for {host}"),
                        detail: e.to_string(),
                    })?
            })
            .await
            .map_err(|e| e.within(doing))?;
        Ok(found.clone())
    }

    /// `Authorization: Bearer` with the secret the Docker config holds for `registry`: the
    /// password of a user and password, or a registry token.
    pub(super) async fn token_of(
        &self,
        registry: &str,
        doing: &str,
    ) -> Result<Option<(HeaderValue, SentAuth)>, RegistryError> {
        let state = self.host(registry);
        let secret = match self.credential(&state, registry, doing).await? {
            Some(Credential::Basic { password, .. }) => password,
            Some(Credential::RegistryToken(token)) => token,
            _ => return Ok(None),
        };
        let mut h =
            HeaderValue::from_str(&format!("Bearer {}", secret.expose())).map_err(|_| {
                RegistryError::auth(
                    doing,
                    "the credentials hold characters that cannot be sent in a header",
                )
            })?;
        h.set_sensitive(true);
        Ok(Some((h, SentAuth::Basic)))
    }

    /// Whether the Docker config holds a secret for `registry` that [`Transport::token_of`]
    /// can send.
    pub(crate) async fn has_token(
        &self,
        registry: &str,
        doing: &str,
    ) -> Result<bool, RegistryError> {
        Ok(self.token_of(registry, doing).await?.is_some())
    }

    /// The `Authorization` header for an API call, per what the host asked for, and
    /// which kind it is.
    pub(super) async fn auth_header(
        &self,
        state: &HostState,
        call: &Call<'_>,
    ) -> Result<Option<(HeaderValue, SentAuth)>, RegistryError> {
        let mode = lock(&state.auth).clone();
        let value = match mode {
            HostAuth::Anonymous => return Ok(None),
            HostAuth::Basic => match self.credential(state, call.host, call.doing).await? {
                Some(c) => match c.basic_header() {
                    Some(h) => (h, SentAuth::Basic),
                    None => return Ok(None),
                },
                None => return Ok(None),
            },
            HostAuth::Bearer { realm, service } => {
                if let Some(Credential::RegistryToken(t)) =
                    self.credential(state, call.host, call.doing).await?
                {
                    (format!("Bearer {}", t.expose()), SentAuth::Token(t))
                } else {
                    let token = self.token(state, call, &realm, service.as_deref()).await?;
                    (format!("Bearer {}", token.expose()), SentAuth::Token(token))
                }
            }
        };
        let mut h = HeaderValue::from_str(&value.0).map_err(|_| {
            RegistryError::auth(
                call.doing,
                "the credentials hold characters that cannot be sent in a header",
            )
        })?;
        h.set_sensitive(true);
        Ok(Some((h, value.1)))
    }

    /// A valid token for the call's scope, fetched when there is none.
    async fn token(
        &self,
        state: &HostState,
        call: &Call<'_>,
        realm: &str,
        service: Option<&str>,
    ) -> Result<Secret, RegistryError> {
        let scope = scope(call);
        let mut tokens = state.tokens.lock().await;
        if let Some(t) = tokens.get(&scope)
            && t.expires > Instant::now()
        {
            return Ok(t.value.clone());
        }
        let credential = self.credential(state, call.host, call.doing).await?;
        // Until a plain-HTTP answer, a registry is asked over HTTPS.
        let registry_https = *lock(&state.scheme) != Some(Scheme::Http);
        let token = self
            .fetch_token(
                realm,
                service,
                &scope,
                credential.as_ref(),
                call,
                registry_https,
            )
            .await?;
        let value = token.value.clone();
        tokens.insert(scope, token);
        Ok(value)
    }

    /// Asks the realm for a token, retrying temporary failures like any request.
    async fn fetch_token(
        &self,
        realm: &str,
        service: Option<&str>,
        scope: &str,
        credential: Option<&Credential>,
        call: &Call<'_>,
        registry_https: bool,
    ) -> Result<Token, RegistryError> {
        let doing = format!("{} (getting a token from {realm})", call.doing);
        let url = Url::parse(realm)
            .map_err(|e| RegistryError::auth(&doing, format!("the realm is not a URL: {e}")))?;
        if !matches!(url.scheme(), "https" | "http") {
            return Err(RegistryError::auth(&doing, "the realm is not an HTTP URL"));
        }
        if registry_https && url.scheme() == "http" && credential.is_some() {
            return Err(RegistryError::auth(
                &doing,
                format!(
                    "{} is asked over HTTPS but names a plain-HTTP token realm; its credentials are not sent there",
                    call.host
                ),
            ));
        }
        let req = token_request(url, service, scope, credential);
        let state = self.host(&authority(&req.url));
        let mut retry = 0u32;
        let reply = loop {
            let result = self
                .exchange(Exchange {
                    method: req.method.clone(),
                    url: req.url.clone(),
                    origin: Some(&req.url),
                    accept: "application/json",
                    auth: req.auth.as_ref(),
                    form: req.form.clone(),
                    limit: TOKEN_BODY_LIMIT,
                    doing: &doing,
                    probe: false,
                })
                .await;
            let (err, wait) = match result {
                Ok(r) if r.status.is_success() => break r,
                Ok(r)
                    if r.status == StatusCode::UNAUTHORIZED
                        || r.status == StatusCode::FORBIDDEN =>
                {
                    return Err(token_refused(&doing, credential.is_some(), r.status));
                }
                Ok(r) => (
                    RegistryError::from_status(&doing, r.status.as_u16(), &r.body),
                    retry_after(&r.headers),
                ),
                Err(e) => (e, None),
            };
            self.back_off(&state, err, wait, &mut retry).await?;
        };
        let parsed: TokenResponse = serde_json::from_slice(&reply.body).map_err(|e| {
            RegistryError::auth(
                &doing,
                format!("the token server's answer is not the expected JSON: {e}"),
            )
        })?;
        parsed
            .into_token(Instant::now())
            .ok_or_else(|| RegistryError::auth(&doing, "the token server's answer holds no token"))
    }

    /// Updates what the host asks for after a `401`.
    pub(super) async fn on_challenge(
        &self,
        state: &HostState,
        call: &Call<'_>,
        challenge: Challenge,
        sent: Option<SentAuth>,
    ) -> Result<(), RegistryError> {
        match challenge {
            Challenge::Basic => self.on_basic(state, call, sent).await,
            Challenge::Bearer { realm, service, .. } => {
                *lock(&state.auth) = HostAuth::Bearer { realm, service };
                // The token we sent was refused (expired or revoked): forget it, unless a
                // concurrent request has already put a newer one in its place.
                if let Some(SentAuth::Token(sent)) = sent {
                    let mut tokens = state.tokens.lock().await;
                    if tokens.get(&scope(call)).is_some_and(|t| t.value == sent) {
                        tokens.remove(&scope(call));
                    }
                }
                Ok(())
            }
            Challenge::Other(scheme) => Err(RegistryError::auth(
                call.doing,
                format!(
                    "{} asks for {scheme} authentication, which is not supported",
                    call.host
                ),
            )),
        }
    }

    /// A Basic challenge: send the credentials from now on, if there are any.
    async fn on_basic(
        &self,
        state: &HostState,
        call: &Call<'_>,
        sent: Option<SentAuth>,
    ) -> Result<(), RegistryError> {
        if sent == Some(SentAuth::Basic) {
            return Err(RegistryError::auth(
                call.doing,
                format!("{} refused the credentials (HTTP 401)", call.host),
            ));
        }
        match self.credential(state, call.host, call.doing).await? {
            Some(c) if c.basic_header().is_some() => {
                *lock(&state.auth) = HostAuth::Basic;
                Ok(())
            }
            _ => Err(RegistryError::auth(
                call.doing,
                format!(
                    "{} requires a user name and password (HTTP Basic), and the Docker config has none for it",
                    call.host
                ),
            )),
        }
    }
}

/// The error for a token server that said no.
fn token_refused(doing: &str, had_credentials: bool, status: StatusCode) -> RegistryError {
    let why = if had_credentials {
        "the token server refused the credentials"
    } else {
        "the token server refused anonymous access, and the Docker config has no credentials for this registry"
    };
    RegistryError::auth(doing, format!("{why} (HTTP {})", status.as_u16()))
}

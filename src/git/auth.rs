//! Credentials for git remotes, the libgit2 credentials callback that tries them in
//! order, and URL redaction for error messages.
//!
//! The caller (the settings layer) fills [`Auth`]; this module never reads the
//! environment itself. libgit2 calls the credentials callback again after every
//! failed attempt, so [`CredentialState`] remembers what it has offered and gives up
//! with a clear message instead of looping.

use std::path::PathBuf;

use git2::{Cred, CredentialType};

use super::known_hosts::{self, Untrusted};

/// How many times one operation may ask for credentials before we give up. Each
/// source is offered at most once, so this only guards against a transport that keeps
/// asking (an SSH server asking for a username over and over, say).
const MAX_CREDENTIAL_CALLS: u32 = 8;

/// Username sent with a token when neither the caller nor the URL names one. GitHub
/// wants it exactly; GitLab, Gitea and Azure DevOps accept any non-empty name.
const TOKEN_USERNAME: &str = "x-access-token";

/// SSH username when the URL names none (`ssh://host/repo`).
const DEFAULT_SSH_USERNAME: &str = "git";

pub use crate::secret::Secret;

/// Credentials for fetching from and pushing to remotes.
///
/// When libgit2 asks, they are offered in this order, each at most once per operation:
/// the SSH key file (SSH), the ssh-agent (SSH), the username and password or token
/// (HTTPS), git's credential helpers (HTTPS, `credential.helper` in git config), and
/// the platform default (NTLM/Negotiate). [`Auth::default`] has no key file and no
/// password, so it uses the agent and the credential helpers only. Local paths and
/// `file://` URLs never ask.
#[derive(Debug, Clone)]
pub struct Auth {
    ssh_key: Option<SshKey>,
    url_user_pass: Option<UserPass>,
    user_pass: Option<UserPass>,
    ssh_agent: bool,
    credential_helpers: bool,
    /// OpenSSH known-hosts files to check SSH host keys against, in order; empty: libgit2's
    /// own check of `~/.ssh/known_hosts`.
    known_hosts: Vec<PathBuf>,
}

impl Default for Auth {
    fn default() -> Auth {
        Auth {
            ssh_key: None,
            url_user_pass: None,
            user_pass: None,
            ssh_agent: true,
            credential_helpers: true,
            known_hosts: Vec::new(),
        }
    }
}

#[derive(Debug, Clone)]
struct SshKey {
    path: PathBuf,
    passphrase: Option<Secret>,
}

#[derive(Debug, Clone)]
struct UserPass {
    /// `None` for a token: the URL's username is used, else [`TOKEN_USERNAME`].
    username: Option<String>,
    password: Secret,
}

impl Auth {
    /// The ssh-agent and git's credential helpers only (same as [`Auth::default`]).
    pub fn new() -> Auth {
        Auth::default()
    }

    /// Offer this private key file (OpenSSH or PEM format) first for SSH remotes.
    pub fn with_ssh_key(mut self, path: impl Into<PathBuf>, passphrase: Option<Secret>) -> Auth {
        self.ssh_key = Some(SshKey {
            path: path.into(),
            passphrase,
        });
        self
    }

    /// Offer this username and password (or token) first for HTTPS remotes.
    pub fn with_user_password(mut self, username: impl Into<String>, password: Secret) -> Auth {
        self.user_pass = Some(UserPass {
            username: Some(username.into()),
            password,
        });
        self
    }

    /// Offer the username and password taken out of a remote URL's userinfo (see
    /// [`split_credentials`]) before any other username and password.
    pub fn with_url_credentials(mut self, username: String, password: Secret) -> Auth {
        self.url_user_pass = Some(UserPass {
            username: Some(username),
            password,
        });
        self
    }

    /// Offer this token as the password for HTTPS remotes, with the URL's username or,
    /// if it has none, `x-access-token`.
    pub fn with_token(mut self, token: Secret) -> Auth {
        self.user_pass = Some(UserPass {
            username: None,
            password: token,
        });
        self
    }

    /// Whether to ask the ssh-agent (default: yes).
    pub fn with_ssh_agent(mut self, enabled: bool) -> Auth {
        self.ssh_agent = enabled;
        self
    }

    /// Whether to run git's credential helpers (`credential.helper`; default: yes).
    /// Turn off where nothing may prompt or reach a keychain (tests, locked-down CI).
    pub fn with_credential_helpers(mut self, enabled: bool) -> Auth {
        self.credential_helpers = enabled;
        self
    }

    /// Trust the SSH host keys listed in these OpenSSH known-hosts files (read in order; a
    /// missing file is skipped), and no others.
    pub fn with_known_hosts(mut self, files: Vec<PathBuf>) -> Auth {
        self.known_hosts = files;
        self
    }

    /// Check an SSH server's host key (`None` for a TLS certificate, which libgit2 checks)
    /// against the known-hosts files, if any were given.
    pub(crate) fn check_host_key(
        &self,
        cert: &git2::cert::Cert<'_>,
        host: &str,
        port: u16,
    ) -> Result<git2::CertificateCheckStatus, String> {
        let pass = git2::CertificateCheckStatus::CertificatePassthrough;
        let Some(key) = cert.as_hostkey().and_then(|k| k.hostkey()) else {
            return Ok(pass);
        };
        if self.known_hosts.is_empty() {
            return Ok(pass);
        }
        let shown = if port == 22 {
            host.to_owned()
        } else {
            format!("[{host}]:{port}")
        };
        match known_hosts::check(&self.known_hosts, host, port, key) {
            Ok(()) => Ok(git2::CertificateCheckStatus::CertificateOk),
            Err(Untrusted::Unknown) => Err(format!(
                "the host key of {shown} is not in the known hosts files ({}); check its \
                 fingerprint, then add it (e.g. with ssh-keyscan) or pass --git-known-hosts FILE",
                known_hosts::describe(&self.known_hosts)
            )),
            Err(Untrusted::Changed { at }) => Err(format!(
                "the host key of {shown} has changed: it is not the key recorded at {at}; \
                 if the server's key really changed, replace that line"
            )),
            Err(Untrusted::Revoked { at }) => {
                Err(format!("the host key of {shown} is revoked at {at}"))
            }
        }
    }

    /// The secrets held, so that they can be scrubbed from transport messages.
    fn secrets(&self) -> impl Iterator<Item = &str> {
        let pass = [&self.user_pass, &self.url_user_pass]
            .into_iter()
            .flatten()
            .map(|u| u.password.expose());
        let phrase = self
            .ssh_key
            .as_ref()
            .and_then(|k| k.passphrase.as_ref())
            .map(Secret::expose);
        pass.into_iter().chain(phrase).filter(|s| !s.is_empty())
    }
}

/// The credentials callback's memory for one remote operation.
pub(crate) struct CredentialState<'a> {
    auth: &'a Auth,
    /// The repository's git config, for the credential helpers; `None` skips them.
    config: Option<git2::Config>,
    calls: u32,
    tried: Vec<String>,
    offered_key: bool,
    offered_agent: bool,
    offered_url_user_pass: bool,
    offered_user_pass: bool,
    offered_helper: bool,
    offered_default: bool,
    noted_url_credentials: bool,
    /// Set when the callback gave up: what was tried, for the error message.
    pub(crate) gave_up: Option<String>,
    /// Set when an SSH host key was refused: why, for the error message.
    pub(crate) host_key: Option<String>,
}

impl<'a> CredentialState<'a> {
    pub(crate) fn new(auth: &'a Auth, config: Option<git2::Config>) -> CredentialState<'a> {
        CredentialState {
            auth,
            config,
            calls: 0,
            tried: Vec::new(),
            offered_key: false,
            offered_agent: false,
            offered_url_user_pass: false,
            offered_user_pass: false,
            offered_helper: false,
            offered_default: false,
            noted_url_credentials: false,
            gave_up: None,
            host_key: None,
        }
    }

    /// The next credential to offer, or an error once every source has been tried.
    pub(crate) fn next(
        &mut self,
        url: &str,
        username_from_url: Option<&str>,
        allowed: CredentialType,
    ) -> Result<Cred, git2::Error> {
        self.calls += 1;
        if self.calls > MAX_CREDENTIAL_CALLS {
            return Err(self.give_up());
        }

        // libgit2 offers an HTTP(S) URL's own username and password before asking us, so
        // being asked means the server refused them.
        if !self.noted_url_credentials
            && allowed.contains(CredentialType::USER_PASS_PLAINTEXT)
            && url_secret(url).is_some()
        {
            self.noted_url_credentials = true;
            self.tried
                .push("the username and password in the URL".to_owned());
        }

        // SSH without a user in the URL first asks for the username alone.
        if allowed.contains(CredentialType::USERNAME) {
            let user = username_from_url.unwrap_or(DEFAULT_SSH_USERNAME);
            return Cred::username(user);
        }

        if allowed.contains(CredentialType::SSH_KEY)
            && let Some(cred) = self.next_ssh(username_from_url)
        {
            return cred;
        }
        if allowed.contains(CredentialType::USER_PASS_PLAINTEXT)
            && let Some(cred) = self.next_user_pass(url, username_from_url)
        {
            return cred;
        }
        if allowed.contains(CredentialType::DEFAULT) && !self.offered_default {
            self.offered_default = true;
            self.tried.push("default system credentials".to_owned());
            return Cred::default();
        }

        Err(self.give_up())
    }

    /// The next SSH credential not offered yet: the key file, then the agent.
    fn next_ssh(&mut self, username_from_url: Option<&str>) -> Option<Result<Cred, git2::Error>> {
        let user = username_from_url.unwrap_or(DEFAULT_SSH_USERNAME);
        if let Some(key) = self.auth.ssh_key.as_ref().filter(|_| !self.offered_key) {
            self.offered_key = true;
            if key.path.is_file() {
                self.tried
                    .push(format!("ssh key {} for user {user:?}", key.path.display()));
                let phrase = key.passphrase.as_ref().map(Secret::expose);
                return Some(Cred::ssh_key(user, None, &key.path, phrase));
            }
            self.tried
                .push(format!("ssh key {} (no such file)", key.path.display()));
        }
        if self.auth.ssh_agent && !self.offered_agent {
            self.offered_agent = true;
            self.tried.push(format!("ssh-agent for user {user:?}"));
            return Some(Cred::ssh_key_from_agent(user));
        }
        None
    }

    /// The next username and password not offered yet: the URL's, the configured ones,
    /// then git's credential helpers.
    fn next_user_pass(
        &mut self,
        url: &str,
        username_from_url: Option<&str>,
    ) -> Option<Result<Cred, git2::Error>> {
        if let Some(up) = self
            .auth
            .url_user_pass
            .as_ref()
            .filter(|_| !self.offered_url_user_pass)
        {
            self.offered_url_user_pass = true;
            let user = up.username.as_deref().unwrap_or(TOKEN_USERNAME);
            self.tried
                .push("the username and password in the URL".to_owned());
            return Some(Cred::userpass_plaintext(user, up.password.expose()));
        }
        if let Some(up) = self
            .auth
            .user_pass
            .as_ref()
            .filter(|_| !self.offered_user_pass)
        {
            self.offered_user_pass = true;
            let user = up
                .username
                .as_deref()
                .or(username_from_url)
                .unwrap_or(TOKEN_USERNAME);
            self.tried
                .push(format!("username and password for user {user:?}"));
            return Some(Cred::userpass_plaintext(user, up.password.expose()));
        }
        if !self.auth.credential_helpers || self.offered_helper {
            return None;
        }
        self.offered_helper = true;
        let config = self.config.as_ref()?;
        match Cred::credential_helper(config, url, username_from_url) {
            Ok(cred) => {
                self.tried.push("git credential helper".to_owned());
                Some(Ok(cred))
            }
            Err(_) => {
                self.tried
                    .push("git credential helper (none configured or no answer)".to_owned());
                None
            }
        }
    }

    /// The certificate callback: see [`Auth::check_host_key`]; a refusal is remembered.
    pub(crate) fn check_certificate(
        &mut self,
        cert: &git2::cert::Cert<'_>,
        host: &str,
        port: u16,
    ) -> Result<git2::CertificateCheckStatus, git2::Error> {
        self.auth.check_host_key(cert, host, port).map_err(|why| {
            self.host_key = Some(why.clone());
            git2::Error::new(git2::ErrorCode::Certificate, git2::ErrorClass::Ssh, why)
        })
    }

    fn give_up(&mut self) -> git2::Error {
        let detail = if self.tried.is_empty() {
            "no credentials available for this remote".to_owned()
        } else {
            format!("no credentials accepted (tried {})", self.tried.join(", "))
        };
        self.gave_up = Some(detail.clone());
        git2::Error::from_str(&detail)
    }
}

/// The URL with any password replaced by `(redacted)`. For HTTP(S) a bare username is
/// redacted as well, since `https://<token>@host/` is a common way to embed a token.
/// SSH usernames (`git@host:x`, `ssh://git@host/x`) are kept.
pub fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        // scp-like `user@host:path` or a local path: no password syntax.
        return url.to_owned();
    };
    let scheme = &url[..scheme_end];
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let Some(at) = authority.rfind('@') else {
        return url.to_owned();
    };
    let userinfo = &authority[..at];
    let is_http = scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https");
    let new_userinfo = match userinfo.split_once(':') {
        Some((user, _password)) if is_http && user.is_empty() => "(redacted)".to_owned(),
        Some((user, _password)) => format!("{user}:(redacted)"),
        None if is_http => "(redacted)".to_owned(),
        None => userinfo.to_owned(),
    };
    format!(
        "{scheme}://{new_userinfo}@{}{}",
        &authority[at + 1..],
        &rest[authority_end..]
    )
}

/// An HTTP(S) URL without its userinfo, and the username and password (or token) that
/// were in it; other URLs are returned as they are. Keeping the userinfo out of the URL
/// keeps it out of the clone's `.git/config`.
pub fn split_credentials(url: &str) -> (String, Option<(String, Secret)>) {
    let Some((scheme, rest)) = url.split_once("://") else {
        return (url.to_owned(), None);
    };
    let is_http = scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https");
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let Some(at) = authority.rfind('@').filter(|_| is_http) else {
        return (url.to_owned(), None);
    };
    let userinfo = &authority[..at];
    let bare = format!(
        "{scheme}://{}{}",
        &authority[at + 1..],
        &rest[authority_end..]
    );
    let (user, password) = match userinfo.split_once(':') {
        Some((user, password)) => (user, password),
        // `https://<token>@host/`: the token is the secret.
        None => (TOKEN_USERNAME, userinfo),
    };
    let user = if user.is_empty() {
        TOKEN_USERNAME
    } else {
        user
    };
    let decode = |text: &str| percent_decode(text);
    (bare, Some((decode(user), Secret::new(decode(password)))))
}

/// `%XX` escapes decoded, as URLs carry reserved characters of passwords.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A transport message made safe to show: the raw URL becomes the redacted one, and any
/// password of the URL or of `auth` is replaced by `(redacted)`. A trailing period is
/// dropped, since the message ends up inside a longer error line.
pub(crate) fn sanitize(message: &str, raw_url: &str, auth: &Auth) -> String {
    let mut out = message.replace(raw_url, &redact_url(raw_url));
    for secret in auth.secrets().chain(url_secret(raw_url)) {
        out = out.replace(secret, "(redacted)");
    }
    out.trim_end().trim_end_matches('.').to_owned()
}

/// The password (or HTTP username-only token) embedded in a URL, if any.
fn url_secret(url: &str) -> Option<&str> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let userinfo = &authority[..authority.rfind('@')?];
    let secret = match userinfo.split_once(':') {
        Some((_, password)) => password,
        None if scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https") => {
            userinfo
        }
        None => return None,
    };
    // Too short a string would blank out ordinary words of the message.
    (secret.len() >= 4).then_some(secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_and_auth_debug_are_redacted() {
        let secret = Secret::new("hunter2");
        assert_eq!(format!("{secret:?}"), "(redacted)");
        assert_eq!(format!("{secret}"), "(redacted)");
        assert_eq!(secret.expose(), "hunter2");
        let auth = Auth::new()
            .with_user_password("bot", Secret::new("hunter2"))
            .with_ssh_key("/keys/id", Some(Secret::new("phrase-xyz")));
        let debug = format!("{auth:?}");
        assert!(!debug.contains("hunter2"), "{debug}");
        assert!(!debug.contains("phrase-xyz"), "{debug}");
        assert!(debug.contains("bot"), "{debug}");
    }

    #[test]
    fn redact_url_cases() {
        let cases = [
            ("https://github.com/a/b.git", "https://github.com/a/b.git"),
            (
                "https://bot:hunter2@github.com/a/b.git",
                "https://bot:(redacted)@github.com/a/b.git",
            ),
            (
                "https://ghp_token123@github.com/a/b.git",
                "https://(redacted)@github.com/a/b.git",
            ),
            (
                "HTTP://:pw@host:8080/x?y=1",
                "HTTP://(redacted)@host:8080/x?y=1",
            ),
            ("ssh://git@host:22/a/b.git", "ssh://git@host:22/a/b.git"),
            ("ssh://git:pw@host/a", "ssh://git:(redacted)@host/a"),
            ("git@github.com:a/b.git", "git@github.com:a/b.git"),
            ("file:///tmp/remote.git", "file:///tmp/remote.git"),
            ("/tmp/remote.git", "/tmp/remote.git"),
            ("https://host/p@th", "https://host/p@th"),
        ];
        for (input, want) in cases {
            assert_eq!(redact_url(input), want, "input {input}");
        }
    }

    #[test]
    fn credentials_are_split_out_of_http_urls() {
        let split = |url: &str| {
            let (bare, creds) = split_credentials(url);
            (
                bare,
                creds.map(|(user, pass)| (user, pass.expose().to_owned())),
            )
        };
        let some = |u: &str, p: &str| Some((u.to_owned(), p.to_owned()));
        let cases = [
            (
                "https://bot:p%40ss@host/a.git",
                ("https://host/a.git", some("bot", "p@ss")),
            ),
            (
                "https://tok123@host:8443/a",
                ("https://host:8443/a", some("x-access-token", "tok123")),
            ),
            ("https://host/a@b", ("https://host/a@b", None)),
            ("ssh://git@host/a", ("ssh://git@host/a", None)),
            ("/srv/a.git", ("/srv/a.git", None)),
        ];
        for (url, (bare, creds)) in cases {
            assert_eq!(split(url), (bare.to_owned(), creds), "{url}");
        }
    }

    #[test]
    fn sanitize_removes_url_and_auth_secrets() {
        let auth = Auth::new().with_token(Secret::new("tok-abcdef"));
        let url = "https://bot:hunter2@example.invalid/x.git";
        let msg = format!("failed for {url}; server echoed hunter2 and tok-abcdef");
        let clean = sanitize(&msg, url, &auth);
        assert!(!clean.contains("hunter2"), "{clean}");
        assert!(!clean.contains("tok-abcdef"), "{clean}");
        assert!(
            clean.contains("https://bot:(redacted)@example.invalid/x.git"),
            "{clean}"
        );
    }

    #[test]
    fn credentials_offer_each_source_once_then_give_up() {
        let auth = Auth::new()
            .with_user_password("bot", Secret::new("pw"))
            .with_credential_helpers(false);
        let config = git2::Config::new().ok();
        let mut state = CredentialState::new(&auth, config);
        let https = CredentialType::USER_PASS_PLAINTEXT;
        let first = state.next("https://example.invalid/x.git", None, https);
        assert!(first.is_ok());
        // The server refused it; libgit2 asks again: no helper config, so give up.
        let second = state.next("https://example.invalid/x.git", None, https);
        let err = second
            .err()
            .map(|e| e.message().to_owned())
            .unwrap_or_default();
        assert!(
            err.contains("username and password for user \"bot\""),
            "{err}"
        );
        assert!(state.gave_up.is_some());
    }

    #[test]
    fn credentials_say_the_url_password_was_refused() {
        let auth = Auth::new().with_credential_helpers(false);
        let mut state = CredentialState::new(&auth, None);
        let https = CredentialType::USER_PASS_PLAINTEXT;
        let err = state
            .next(
                "https://bot:hunter2@example.invalid/x.git",
                Some("bot"),
                https,
            )
            .err()
            .map(|e| e.message().to_owned())
            .unwrap_or_default();
        assert_eq!(
            err,
            "no credentials accepted (tried the username and password in the URL)"
        );
    }

    #[test]
    fn credentials_ssh_key_then_agent_then_give_up() {
        let auth = Auth::new().with_ssh_key("/nonexistent/id_test", None);
        let mut state = CredentialState::new(&auth, None);
        let ssh = CredentialType::SSH_KEY | CredentialType::SSH_CUSTOM;
        // Username request first when the URL has none.
        assert!(
            state
                .next("ssh://h/x", None, CredentialType::USERNAME)
                .is_ok()
        );
        // The key file is missing, so the agent is offered straight away.
        assert!(state.next("ssh://h/x", Some("git"), ssh).is_ok());
        let err = state
            .next("ssh://h/x", Some("git"), ssh)
            .err()
            .map(|e| e.message().to_owned())
            .unwrap_or_default();
        assert!(err.contains("/nonexistent/id_test (no such file)"), "{err}");
        assert!(err.contains("ssh-agent for user \"git\""), "{err}");
    }

    #[test]
    fn credentials_without_any_source_give_up_at_once() {
        let auth = Auth::new()
            .with_ssh_agent(false)
            .with_credential_helpers(false);
        let mut state = CredentialState::new(&auth, None);
        let allowed = CredentialType::SSH_KEY | CredentialType::USER_PASS_PLAINTEXT;
        let err = state
            .next("https://h/x", None, allowed)
            .err()
            .map(|e| e.message().to_owned())
            .unwrap_or_default();
        assert_eq!(err, "no credentials available for this remote");
    }

    #[test]
    fn credentials_stop_after_too_many_calls() {
        let auth = Auth::new();
        let mut state = CredentialState::new(&auth, None);
        let mut oks = 0;
        for _ in 0..20 {
            if state
                .next("ssh://h/x", None, CredentialType::USERNAME)
                .is_ok()
            {
                oks += 1;
            }
        }
        assert_eq!(oks, MAX_CREDENTIAL_CALLS);
        assert!(state.gave_up.is_some());
    }
}

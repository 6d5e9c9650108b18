//! Credentials from a Docker config file (`config.json`): `auths` entries, `credHelpers`
//! per host over `credsStore`, helpers run as `docker-credential-<name> get` with the
//! server URL on stdin. Docker Hub's key is `https://index.docker.io/v1/`.

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use base64::Engine as _;
use serde::Deserialize;

use super::RegistryError;
use super::challenge::{Credential, Secret};
use crate::image::is_docker_hub_host;

/// Docker Hub's key in `auths` and the server URL given to helpers for it.
pub const DOCKER_HUB_KEY: &str = "https://index.docker.io/v1/";

/// The parts of a Docker config file that hold credentials.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct DockerConfig {
    #[serde(default)]
    auths: BTreeMap<String, AuthEntry>,
    #[serde(rename = "credHelpers", default)]
    cred_helpers: BTreeMap<String, String>,
    #[serde(rename = "credsStore", default)]
    creds_store: Option<String>,
    #[serde(skip)]
    path: PathBuf,
}

#[derive(Debug, Default, Deserialize)]
struct AuthEntry {
    #[serde(default)]
    auth: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    password: Option<String>,
    #[serde(default)]
    identitytoken: Option<String>,
    #[serde(default)]
    registrytoken: Option<String>,
}

#[derive(Deserialize)]
struct HelperOutput {
    #[serde(rename = "Username", default)]
    username: String,
    #[serde(rename = "Secret", default)]
    secret: String,
}

/// Reduces a config key (`https://host:port/v1/`, `host:port`) to `host:port`, with
/// Docker Hub's names reduced to `index.docker.io`.
fn normalize_key(key: &str) -> String {
    let k = key.trim();
    let k = k
        .strip_prefix("https://")
        .or_else(|| k.strip_prefix("http://"))
        .unwrap_or(k);
    let host = k.split('/').next().unwrap_or("").to_ascii_lowercase();
    if is_docker_hub_host(&host) {
        crate::image::DOCKER_HUB_REGISTRY.to_owned()
    } else {
        host
    }
}

impl DockerConfig {
    /// Reads a config file; a missing file is `None` (anonymous only).
    pub(crate) fn load(path: &Path) -> Result<Option<DockerConfig>, RegistryError> {
        let doing = format!("reading Docker config {}", path.display());
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(RegistryError::Credentials {
                    doing,
                    detail: e.to_string(),
                });
            }
        };
        let mut cfg: DockerConfig =
            serde_json::from_slice(&bytes).map_err(|e| RegistryError::Credentials {
                doing,
                detail: format!("not valid JSON: {e}"),
            })?;
        cfg.path = path.to_owned();
        Ok(Some(cfg))
    }

    /// The server URL for `host` as Docker stores and passes it.
    fn server_url(host: &str) -> String {
        if is_docker_hub_host(host) {
            DOCKER_HUB_KEY.to_owned()
        } else {
            host.to_owned()
        }
    }

    /// The credentials for an API host: its `credHelpers` entry, else `credsStore`, else
    /// its `auths` entry. A helper that says "not found" falls through to `auths`.
    /// Blocking: it may run a helper program.
    pub(crate) fn lookup(
        &self,
        host: &str,
        helper_path: Option<&OsStr>,
    ) -> Result<Option<Credential>, RegistryError> {
        let want = normalize_key(host);
        let helper = self
            .cred_helpers
            .iter()
            .find(|(k, _)| normalize_key(k) == want)
            .map(|(_, v)| v.as_str())
            .or(self.creds_store.as_deref())
            .filter(|h| !h.is_empty());
        if let Some(helper) = helper
            && let Some(c) = run_helper(helper, &Self::server_url(host), helper_path)?
        {
            return Ok(Some(c));
        }
        // Exact key first, then any key naming the same host.
        let entry = self.auths.get(&Self::server_url(host)).or_else(|| {
            self.auths
                .iter()
                .find(|(k, _)| normalize_key(k) == want)
                .map(|(_, v)| v)
        });
        match entry {
            Some(e) => self.entry_credential(e, host),
            None => Ok(None),
        }
    }

    fn entry_credential(
        &self,
        e: &AuthEntry,
        host: &str,
    ) -> Result<Option<Credential>, RegistryError> {
        let nonempty =
            |s: &Option<String>| s.as_deref().filter(|v| !v.is_empty()).map(str::to_owned);
        if let Some(t) = nonempty(&e.identitytoken) {
            return Ok(Some(Credential::IdentityToken(Secret::new(t))));
        }
        if let Some(t) = nonempty(&e.registrytoken) {
            return Ok(Some(Credential::RegistryToken(Secret::new(t))));
        }
        if let Some(a) = nonempty(&e.auth) {
            let bad = |what: &str| RegistryError::Credentials {
                doing: format!(
                    "reading the credentials for {host} in Docker config {}",
                    self.path.display()
                ),
                detail: format!("the \"auth\" value {what}"),
            };
            let raw = base64::engine::general_purpose::STANDARD
                .decode(a.trim())
                .map_err(|_| bad("is not base64"))?;
            let raw = String::from_utf8(raw).map_err(|_| bad("is not UTF-8"))?;
            let (user, pass) = raw.split_once(':').ok_or_else(|| bad("has no ':'"))?;
            if user.is_empty() && pass.is_empty() {
                return Ok(None);
            }
            return Ok(Some(Credential::Basic {
                username: user.to_owned(),
                password: Secret::new(pass),
            }));
        }
        match (nonempty(&e.username), nonempty(&e.password)) {
            (Some(u), Some(p)) => Ok(Some(Credential::Basic {
                username: u,
                password: Secret::new(p),
            })),
            _ => Ok(None),
        }
    }
}

fn find_program(name: &str, path: Option<&OsStr>) -> Option<PathBuf> {
    let path: OsString = match path {
        Some(p) => p.to_owned(),
        None => std::env::var_os("PATH")?,
    };
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// Runs `docker-credential-<helper> get` with the server URL on stdin.
fn run_helper(
    helper: &str,
    server_url: &str,
    helper_path: Option<&OsStr>,
) -> Result<Option<Credential>, RegistryError> {
    let program = format!("docker-credential-{helper}");
    let doing = format!("getting credentials for {server_url} from {program}");
    let fail = |detail: String| RegistryError::Credentials {
        doing: doing.clone(),
        detail,
    };
    let exe = find_program(&program, helper_path)
        .ok_or_else(|| fail("the program was not found on PATH".to_owned()))?;
    let mut child = Command::new(exe)
        .arg("get")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| fail(e.to_string()))?;
    if let Some(mut stdin) = child.stdin.take() {
        // A helper that exits without reading gives a broken pipe; its exit status tells.
        let _ = stdin.write_all(server_url.as_bytes());
    }
    let out = child.wait_with_output().map_err(|e| fail(e.to_string()))?;
    if !out.status.success() {
        // Helpers print their error message on stdout.
        let msg = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        let msg = if msg.is_empty() {
            String::from_utf8_lossy(&out.stderr).trim().to_owned()
        } else {
            msg
        };
        if msg.to_ascii_lowercase().contains("credentials not found") {
            return Ok(None);
        }
        let msg: String = msg.chars().take(200).collect();
        return Err(fail(format!("it failed ({}): {msg}", out.status)));
    }
    let parsed: HelperOutput = serde_json::from_slice(&out.stdout)
        .map_err(|_| fail("its output is not the expected JSON".to_owned()))?;
    if parsed.secret.is_empty() {
        return Ok(None);
    }
    Ok(Some(if parsed.username == "<token>" {
        Credential::IdentityToken(Secret::new(parsed.secret))
    } else {
        Credential::Basic {
            username: parsed.username,
            password: Secret::new(parsed.secret),
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(json: &str) -> DockerConfig {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn keys_normalise() {
        assert_eq!(
            normalize_key("https://index.docker.io/v1/"),
            "index.docker.io"
        );
        assert_eq!(normalize_key("registry-1.docker.io"), "index.docker.io");
        assert_eq!(
            normalize_key("http://Reg.example:5000/v2/"),
            "reg.example:5000"
        );
        assert_eq!(normalize_key("ghcr.io"), "ghcr.io");
    }

    #[test]
    fn auths_entries() {
        let c = cfg(r#"{"auths":{
            "https://index.docker.io/v1/":{"auth":"dXNlcjpwYXNz"},
            "https://reg.example:5000/":{"auth":"YTpiOmM="},
            "tok.example":{"identitytoken":"idt"},
            "reg.example":{"registrytoken":"rt"},
            "empty.example":{},
            "bad.example":{"auth":"!!"}}}"#);
        let basic = |u: &str, p: &str| {
            Some(Credential::Basic {
                username: u.into(),
                password: Secret::new(p),
            })
        };
        assert_eq!(
            c.lookup("registry-1.docker.io", None).unwrap(),
            basic("user", "pass")
        );
        assert_eq!(
            c.lookup("reg.example:5000", None).unwrap(),
            basic("a", "b:c")
        );
        assert_eq!(
            c.lookup("tok.example", None).unwrap(),
            Some(Credential::IdentityToken(Secret::new("idt")))
        );
        assert_eq!(
            c.lookup("reg.example", None).unwrap(),
            Some(Credential::RegistryToken(Secret::new("rt")))
        );
        assert_eq!(c.lookup("empty.example", None).unwrap(), None);
        assert_eq!(c.lookup("other.example", None).unwrap(), None);
        let err = c.lookup("bad.example", None).unwrap_err().to_string();
        assert!(err.contains("not base64"), "{err}");
    }
}

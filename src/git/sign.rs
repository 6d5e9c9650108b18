//! Signed commits, as git makes them: `gpg.format` `openpgp` signs with `gpg` (or
//! `gpg.program`) and `ssh` with `ssh-keygen -Y sign` (or `gpg.ssh.program`), with the key
//! `user.signingkey` names (or `--sign-key`). Commits are signed when `commit.gpgsign` is
//! true or a key is given. The signature goes into the commit's `gpgsig` header, so
//! `git verify-commit` checks it as it checks git's own.

use std::io::Write as _;
use std::process::{Command, Stdio};

use super::{GitError, Identity, Repo};

/// How commits are signed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signer {
    /// The signature format.
    pub format: SignFormat,
    /// The program that signs (`gpg`, `ssh-keygen`).
    pub program: String,
    /// The key: a GnuPG key ID or user ID; for SSH a key file, or a public key written
    /// out (`ssh-ed25519 AAAA…`, or `key::…`), whose private half the agent holds.
    pub key: String,
}

/// The signature formats tagpilot makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignFormat {
    /// OpenPGP, with GnuPG.
    OpenPgp,
    /// SSH, with `ssh-keygen -Y sign -n git`.
    Ssh,
}

impl Repo {
    /// How this repository wants its commits signed, if at all: `key` (`--sign-key`)
    /// signs with that key; else `commit.gpgsign` signs with `user.signingkey` (for
    /// OpenPGP, the committer's identity when none is set).
    ///
    /// Errors: [`GitError::Sign`] for a format tagpilot cannot make (`x509`) or an SSH
    /// signature without a key.
    pub fn signer(
        &self,
        key: Option<&str>,
        committer: &Identity,
    ) -> Result<Option<Signer>, GitError> {
        let config = self
            .repo
            .config()
            .and_then(|mut c| c.snapshot())
            .map_err(|e| GitError::git("reading git's configuration", &self.workdir, e))?;
        let text = |name: &str| config.get_string(name).ok().filter(|v| !v.is_empty());
        let wanted = config.get_bool("commit.gpgsign").unwrap_or(false);
        if key.is_none() && !wanted {
            return Ok(None);
        }
        let fail = |detail: String| GitError::Sign { detail };
        let format = match text("gpg.format").as_deref() {
            None | Some("openpgp") => SignFormat::OpenPgp,
            Some("ssh") => SignFormat::Ssh,
            Some(other) => {
                return Err(fail(format!(
                    "gpg.format is {other:?}; tagpilot signs with openpgp or ssh"
                )));
            }
        };
        let key = key.map(str::to_owned).or_else(|| text("user.signingkey"));
        let (program, key) = match format {
            SignFormat::OpenPgp => (
                text("gpg.openpgp.program")
                    .or_else(|| text("gpg.program"))
                    .unwrap_or_else(|| "gpg".to_owned()),
                key.unwrap_or_else(|| committer.to_string()),
            ),
            SignFormat::Ssh => (
                text("gpg.ssh.program").unwrap_or_else(|| "ssh-keygen".to_owned()),
                key.ok_or_else(|| {
                    fail("gpg.format is ssh but no key is set: set user.signingkey or pass --sign-key".to_owned())
                })?,
            ),
        };
        Ok(Some(Signer {
            format,
            program,
            key: expand_home(&key),
        }))
    }
}

impl Signer {
    /// The signature of a commit's text, ASCII-armored as git stores it.
    ///
    /// Errors: [`GitError::Sign`] naming the program and what it said.
    pub fn sign(&self, payload: &str) -> Result<String, GitError> {
        let mut command = Command::new(&self.program);
        let _literal_key;
        match self.format {
            SignFormat::OpenPgp => {
                command.args(["--status-fd=2", "-bsau", &self.key]);
            }
            SignFormat::Ssh => {
                let literal = self
                    .key
                    .strip_prefix("key::")
                    .or_else(|| self.key.starts_with("ssh-").then_some(self.key.as_str()));
                command.args(["-Y", "sign", "-n", "git", "-f"]);
                match literal {
                    // A public key written out: the agent signs with its private half.
                    Some(public) => {
                        let file = public_key_file(public)?;
                        command.arg(file.path()).arg("-U");
                        _literal_key = file;
                    }
                    None => {
                        command.arg(&self.key);
                    }
                }
            }
        }
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| GitError::Sign {
                detail: format!("running {}: {e}", self.program),
            })?;
        if let Some(mut stdin) = child.stdin.take() {
            let _ = stdin.write_all(payload.as_bytes());
        }
        let out = child.wait_with_output().map_err(|e| GitError::Sign {
            detail: format!("running {}: {e}", self.program),
        })?;
        let signature = String::from_utf8_lossy(&out.stdout).into_owned();
        if !out.status.success() || !signature.contains("-----BEGIN") {
            let said = String::from_utf8_lossy(&out.stderr);
            let said = said
                .lines()
                .filter(|l| !l.starts_with("[GNUPG:]") && !l.trim().is_empty())
                .collect::<Vec<_>>()
                .join("; ");
            return Err(GitError::Sign {
                detail: format!(
                    "{} could not sign with key {} ({}): {said}",
                    self.program, self.key, out.status
                ),
            });
        }
        Ok(signature)
    }
}

/// A public key written out, in a temporary file for `ssh-keygen -f … -U`.
fn public_key_file(public: &str) -> Result<tempfile::NamedTempFile, GitError> {
    let fail = |e: std::io::Error| GitError::Sign {
        detail: format!("writing the public key to a temporary file: {e}"),
    };
    let mut file = tempfile::NamedTempFile::new().map_err(fail)?;
    writeln!(file, "{public}").map_err(fail)?;
    Ok(file)
}

/// `~/…` with the home directory, as git expands a key path.
fn expand_home(key: &str) -> String {
    match (key.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => std::path::Path::new(&home).join(rest).display().to_string(),
        _ => key.to_owned(),
    }
}

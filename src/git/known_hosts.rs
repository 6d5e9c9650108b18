//! SSH host keys: is the key an SSH server presented listed for that host in one of the
//! OpenSSH `known_hosts` files we were given?
//!
//! The format is OpenSSH's (sshd(8), "SSH_KNOWN_HOSTS FILE FORMAT"): per line an optional
//! marker (`@revoked`; `@cert-authority` lines are not used here), comma-separated host
//! patterns (`*` and `?` wildcards, `!` negation, `[host]:port` for a port other than 22,
//! or a hashed `|1|salt|hash` name), the key type and the base64 key. libgit2 only reads
//! `~/.ssh/known_hosts`; this lets a CronJob mount its own file, and reads the system-wide
//! `/etc/ssh/ssh_known_hosts` as ssh does.

use std::fs;
use std::path::PathBuf;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// Why a host key is not trusted.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Untrusted {
    /// No line lists a key of this type for the host.
    Unknown,
    /// A line lists another key of the same type for the host: the key changed.
    Changed {
        /// `file:line` of the key on record.
        at: String,
    },
    /// The key is marked `@revoked`.
    Revoked {
        /// `file:line` of the revocation.
        at: String,
    },
}

/// Check `key` (the SSH wire-format public key blob) of `host` on `port` against `files`,
/// in order; a file that does not exist is skipped.
pub(crate) fn check(files: &[PathBuf], host: &str, port: u16, key: &[u8]) -> Result<(), Untrusted> {
    let name = if port == 22 {
        host.to_ascii_lowercase()
    } else {
        format!("[{}]:{port}", host.to_ascii_lowercase())
    };
    let key_type = blob_type(key);
    let mut changed = None;
    let mut trusted = false;
    for file in files {
        let Ok(text) = fs::read_to_string(file) else {
            continue;
        };
        for (number, line) in text.lines().enumerate() {
            let Some(entry) = Entry::parse(line) else {
                continue;
            };
            let at = || format!("{}:{}", file.display(), number + 1);
            let same_key = entry.key.as_deref() == Some(key);
            match entry.marker {
                Some("@revoked") if same_key => return Err(Untrusted::Revoked { at: at() }),
                Some(_) => continue,
                None => {}
            }
            if !entry.matches(&name) {
                continue;
            }
            if same_key {
                trusted = true;
            } else if Some(entry.key_type) == key_type && changed.is_none() {
                changed = Some(at());
            }
        }
    }
    match (trusted, changed) {
        (true, _) => Ok(()),
        (false, Some(at)) => Err(Untrusted::Changed { at }),
        (false, None) => Err(Untrusted::Unknown),
    }
}

/// The key type named inside a wire-format key blob (`ssh-ed25519`, …).
fn blob_type(blob: &[u8]) -> Option<&str> {
    let len = u32::from_be_bytes(blob.get(..4)?.try_into().ok()?) as usize;
    std::str::from_utf8(blob.get(4..4 + len)?).ok()
}

/// One line of a known-hosts file.
struct Entry<'a> {
    marker: Option<&'a str>,
    patterns: &'a str,
    key_type: &'a str,
    /// `None` when the base64 does not decode.
    key: Option<Vec<u8>>,
}

impl<'a> Entry<'a> {
    fn parse(line: &'a str) -> Option<Entry<'a>> {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            return None;
        }
        let mut fields = line.split_whitespace();
        let mut first = fields.next()?;
        let marker = if first.starts_with('@') {
            let marker = first;
            first = fields.next()?;
            Some(marker)
        } else {
            None
        };
        let key_type = fields.next()?;
        let key = STANDARD.decode(fields.next()?).ok();
        Some(Entry {
            marker,
            patterns: first,
            key_type,
            key,
        })
    }

    /// Whether the host patterns take in `name`: one positive match and no negated one.
    fn matches(&self, name: &str) -> bool {
        let mut found = false;
        for pattern in self.patterns.split(',') {
            if let Some(negated) = pattern.strip_prefix('!') {
                if wildcard(&negated.to_ascii_lowercase(), name) {
                    return false;
                }
            } else if pattern.starts_with("|1|") {
                found |= hashed(pattern, name);
            } else {
                found |= wildcard(&pattern.to_ascii_lowercase(), name);
            }
        }
        found
    }
}

/// `|1|<base64 salt>|<base64 HMAC-SHA1 of the name keyed by the salt>`.
fn hashed(pattern: &str, name: &str) -> bool {
    let mut parts = pattern.trim_start_matches("|1|").split('|');
    let (Some(salt), Some(hash)) = (parts.next(), parts.next()) else {
        return false;
    };
    let (Ok(salt), Ok(hash)) = (STANDARD.decode(salt), STANDARD.decode(hash)) else {
        return false;
    };
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, &salt);
    ring::hmac::verify(&key, name.as_bytes(), &hash).is_ok()
}

/// OpenSSH's host pattern: `*` any run of characters, `?` one character.
fn wildcard(pattern: &str, name: &str) -> bool {
    let (p, n): (Vec<char>, Vec<char>) = (pattern.chars().collect(), name.chars().collect());
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ni));
                pi += 1;
            }
            Some(&c) if c == '?' || c == n[ni] => {
                pi += 1;
                ni += 1;
            }
            _ => match star {
                Some((sp, sn)) => {
                    pi = sp + 1;
                    ni = sn + 1;
                    star = Some((sp, sn + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// The files to show in a message.
pub(crate) fn describe(files: &[PathBuf]) -> String {
    files
        .iter()
        .map(|f| f.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The port of an SSH remote URL (`ssh://host:2222/x`), 22 when none is given or the URL
/// is scp-like (`git@host:x`).
pub(crate) fn ssh_port(url: &str) -> u16 {
    let Some((_, rest)) = url.split_once("://") else {
        return 22;
    };
    let authority = &rest[..rest.find('/').unwrap_or(rest.len())];
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    host_port
        .rsplit_once(':')
        .filter(|(host, _)| !host.ends_with(']') || host.starts_with('['))
        .and_then(|(_, port)| port.parse().ok())
        .unwrap_or(22)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A wire-format ed25519 blob with a given 32-byte key.
    fn blob(byte: u8) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(&11u32.to_be_bytes());
        out.extend_from_slice(b"ssh-ed25519");
        out.extend_from_slice(&32u32.to_be_bytes());
        out.extend_from_slice(&[byte; 32]);
        out
    }

    fn line(hosts: &str, byte: u8) -> String {
        format!("{hosts} ssh-ed25519 {}\n", STANDARD.encode(blob(byte)))
    }

    fn hashed_name(name: &str, salt: &[u8]) -> String {
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, salt);
        let tag = ring::hmac::sign(&key, name.as_bytes());
        format!(
            "|1|{}|{}",
            STANDARD.encode(salt),
            STANDARD.encode(tag.as_ref())
        )
    }

    #[test]
    fn keys_are_found_in_order_by_plain_wildcard_and_hashed_names() {
        let dir = tempfile::tempdir().unwrap();
        let user = dir.path().join("known_hosts");
        let system = dir.path().join("ssh_known_hosts");
        let missing = dir.path().join("missing");
        std::fs::write(
            &user,
            format!(
                "# comment\n{}{}",
                line("git.example.com,other", 1),
                line(&hashed_name("[10.0.0.5]:2222", b"salt-salt-salt-salt!"), 2)
            ),
        )
        .unwrap();
        std::fs::write(
            &system,
            format!(
                "{}{}",
                line("*.corp.example,!bad.corp.example", 3),
                line("changed", 4)
            ),
        )
        .unwrap();
        let files = [missing, user.clone(), system.clone()];
        let cases = [
            ("git.example.com", 22, 1, Ok(())),
            ("GIT.example.com", 22, 1, Ok(())),
            ("10.0.0.5", 2222, 2, Ok(())),
            ("10.0.0.5", 22, 2, Err(Untrusted::Unknown)),
            ("a.corp.example", 22, 3, Ok(())),
            ("bad.corp.example", 22, 3, Err(Untrusted::Unknown)),
            (
                "changed",
                22,
                5,
                Err(Untrusted::Changed {
                    at: format!("{}:2", system.display()),
                }),
            ),
            ("nowhere", 22, 1, Err(Untrusted::Unknown)),
        ];
        for (host, port, key, want) in cases {
            assert_eq!(check(&files, host, port, &blob(key)), want, "{host}:{port}");
        }
        std::fs::write(&system, line("@revoked *", 1)).unwrap();
        assert_eq!(
            check(&files, "git.example.com", 22, &blob(1)),
            Err(Untrusted::Revoked {
                at: format!("{}:1", system.display())
            })
        );
    }

    #[test]
    fn wildcards_and_ports() {
        assert!(wildcard("*.example.com", "a.b.example.com"));
        assert!(wildcard("h?st", "host"));
        assert!(!wildcard("h?st", "hoost"));
        assert!(wildcard("*", ""));
        for (url, port) in [
            ("ssh://git@host:2222/a", 2222),
            ("ssh://host/a", 22),
            ("git@host:a/b", 22),
            ("ssh://git@[::1]:2200/a", 2200),
            ("ssh://git@[::1]/a", 22),
        ] {
            assert_eq!(ssh_port(url), port, "{url}");
        }
    }
}

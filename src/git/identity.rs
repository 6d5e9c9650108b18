//! Commit identities: `Name <email>` parsing, reading `user.name`/`user.email` from a git
//! config, and turning an identity into a libgit2 signature without consulting any
//! config (so commits work on machines with no git user configured).

use std::fmt;

use super::GitError;

/// A commit author or committer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The display name, e.g. `Release Bot`.
    pub name: String,
    /// The email address, e.g. `bot@example.com`.
    pub email: String,
}

impl Identity {
    /// An identity from its parts, unchecked (checked when a commit is made).
    pub fn new(name: impl Into<String>, email: impl Into<String>) -> Identity {
        Identity {
            name: name.into(),
            email: email.into(),
        }
    }

    /// Parse `Name <email>` as given to `--user`. Surrounding whitespace is trimmed; the
    /// name and the email must both be non-empty, the name may not contain `<` or `>`,
    /// and neither may contain a line break.
    pub fn parse_user(input: &str) -> Result<Identity, GitError> {
        let invalid = |reason: &str| GitError::InvalidIdentity {
            input: input.to_owned(),
            reason: reason.to_owned(),
        };
        let text = input.trim();
        let Some(inner) = text.strip_suffix('>') else {
            return Err(invalid("expected \"Name <email>\""));
        };
        let Some(lt) = inner.rfind('<') else {
            return Err(invalid("expected \"Name <email>\""));
        };
        let name = inner[..lt].trim();
        let email = inner[lt + 1..].trim();
        if name.is_empty() {
            return Err(invalid("the name is empty"));
        }
        if email.is_empty() {
            return Err(invalid("the email is empty"));
        }
        let identity = Identity::new(name, email);
        identity.check().map_err(|reason| invalid(&reason))?;
        Ok(identity)
    }

    /// Why git would refuse this identity, if it would.
    fn check(&self) -> Result<(), String> {
        if self.name.trim().is_empty() {
            return Err("the name is empty".to_owned());
        }
        if self.email.trim().is_empty() {
            return Err("the email is empty".to_owned());
        }
        if self.name.contains(['<', '>']) {
            return Err("the name contains '<' or '>'".to_owned());
        }
        if self.email.contains(['<', '>']) || self.email.chars().any(char::is_whitespace) {
            return Err("the email contains '<', '>' or whitespace".to_owned());
        }
        if self.name.contains(['\n', '\r', '\0']) {
            return Err("the name contains a line break".to_owned());
        }
        Ok(())
    }

    /// A signature with the current time. Never reads git config.
    pub(crate) fn signature(&self) -> Result<git2::Signature<'static>, GitError> {
        self.check().map_err(|reason| self.invalid(reason))?;
        git2::Signature::now(&self.name, &self.email)
            .map_err(|e| self.invalid(e.message().to_owned()))
    }

    fn invalid(&self, reason: String) -> GitError {
        GitError::InvalidIdentity {
            input: self.to_string(),
            reason,
        }
    }

    /// `user.name` and `user.email` of a config; `None` unless both are set and non-empty.
    pub(crate) fn from_config(config: &git2::Config) -> Option<Identity> {
        let name = config.get_string("user.name").ok()?;
        let email = config.get_string("user.email").ok()?;
        let identity = Identity::new(name.trim(), email.trim());
        identity.check().ok()?;
        Some(identity)
    }
}

impl fmt::Display for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} <{}>", self.name, self.email)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_user_accepts_name_and_email() {
        let cases = [
            (
                "Jane Doe <jane@example.com>",
                "Jane Doe",
                "jane@example.com",
            ),
            ("  Jane <j@x>  ", "Jane", "j@x"),
            ("bot<bot@x.invalid>", "bot", "bot@x.invalid"),
            ("Ünïcödé Nämé <u@x>", "Ünïcödé Nämé", "u@x"),
            ("Jane < jane@x >", "Jane", "jane@x"),
        ];
        for (input, name, email) in cases {
            let id = Identity::parse_user(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(id, Identity::new(name, email), "input {input:?}");
        }
    }

    #[test]
    fn parse_user_refuses_malformed_input() {
        let cases = [
            ("jane@example.com", "expected \"Name <email>\""),
            ("Jane Doe", "expected \"Name <email>\""),
            ("Jane <jane@x", "expected \"Name <email>\""),
            ("<jane@x>", "the name is empty"),
            ("Jane <>", "the email is empty"),
            ("Ja<ne <j@x>", "the name contains '<' or '>'"),
            ("Jane <j @x>", "the email contains '<', '>' or whitespace"),
            ("", "expected \"Name <email>\""),
        ];
        for (input, reason) in cases {
            let err = Identity::parse_user(input).expect_err(input);
            assert_eq!(
                err.to_string(),
                format!("invalid git identity {input:?}: {reason}"),
                "input {input:?}"
            );
        }
    }

    #[test]
    fn display_round_trips() {
        let id = Identity::new("Release Bot", "bot@example.com");
        assert_eq!(id.to_string(), "Release Bot <bot@example.com>");
        assert_eq!(Identity::parse_user(&id.to_string()).ok(), Some(id));
    }

    #[test]
    fn from_config_needs_both_keys() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("config");
        std::fs::write(&path, "[user]\n\tname = Only Name\n").expect("write config");
        let config = git2::Config::open(&path).expect("open config");
        assert_eq!(Identity::from_config(&config), None);

        std::fs::write(&path, "[user]\n\tname = Jane\n\temail = jane@example.com\n")
            .expect("write config");
        let config = git2::Config::open(&path).expect("open config");
        assert_eq!(
            Identity::from_config(&config),
            Some(Identity::new("Jane", "jane@example.com"))
        );

        std::fs::write(&path, "").expect("write config");
        let config = git2::Config::open(&path).expect("open config");
        assert_eq!(Identity::from_config(&config), None);
    }
}

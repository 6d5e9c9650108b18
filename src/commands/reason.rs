//! Why a workload or a container did not move: one value per case, whose words are the
//! ones the tables, the JSON and the documentation use.

use std::fmt;

/// Why a workload or a container was left alone or failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// `release --exclude`.
    Excluded,
    /// `fluxcd.io/ignore: "true"`.
    Ignored,
    /// `fluxcd.io/locked: "true"`, with its message if any.
    Locked(Option<String>),
    /// `sync`, and the workload is not automated.
    NotAutomated,
    /// A marker's ImagePolicy, ImageRepository or ImageUpdateAutomation is suspended.
    Suspended(String),
    /// `release -i`, and no container of the workload runs the image (canonical name).
    DoesNotUse(String),
    /// Already on the newest allowed tag, or on the one `-i` names.
    UpToDate,
    /// Written `name@sha256:…` with no tag to follow.
    PinnedByDigest,
    /// A time-ordered pattern matches the current tag, but its build time is unknown.
    CurrentTimeUnknown {
        /// The newest allowed tag.
        newest: String,
    },
    /// No tag of the repository is a candidate under the pattern.
    NoTagAllowed {
        /// The pattern.
        pattern: String,
    },
    /// `release -i` with a tag the pattern does not allow.
    NotAllowed {
        /// The tag.
        tag: String,
        /// The pattern.
        pattern: String,
    },
    /// `release -i` with a tag the registry does not have.
    TagNotFound {
        /// The image name as written.
        image: String,
        /// The tag.
        tag: String,
    },
    /// `release -i` with a tag that has no image for the platform.
    NotForPlatform {
        /// The tag.
        tag: String,
        /// The platform.
        platform: String,
    },
    /// No tag the pattern allows could be read.
    NoneReadable {
        /// The pattern.
        pattern: String,
        /// The first tag that failed.
        tag: String,
        /// Its error.
        error: String,
        /// How many more failed.
        more: usize,
    },
    /// The registry was not asked about the image (a bug if it shows).
    NotAsked,
    /// Any other failure, with its message: a registry's error, an invalid reference or
    /// pattern, an edit that was refused.
    Error(String),
}

impl Reason {
    /// Whether this is the container's being up to date, which reports count apart.
    pub fn is_up_to_date(&self) -> bool {
        matches!(self, Reason::UpToDate)
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Excluded => f.write_str("excluded"),
            Reason::Ignored => f.write_str("ignored"),
            Reason::Locked(Some(message)) if !message.is_empty() => {
                write!(f, "locked: {message}")
            }
            Reason::Locked(_) => f.write_str("locked"),
            Reason::NotAutomated => f.write_str("not automated"),
            Reason::Suspended(what) => f.write_str(what),
            Reason::DoesNotUse(image) => write!(f, "does not use {image}"),
            Reason::UpToDate => f.write_str("up to date"),
            Reason::PinnedByDigest => f.write_str("pinned by digest, with no tag to follow"),
            Reason::CurrentTimeUnknown { newest } => write!(
                f,
                "the build time of the current tag is unknown (newest allowed: {newest})"
            ),
            Reason::NoTagAllowed { pattern } => write!(f, "no tag allowed by {pattern}"),
            Reason::NotAllowed { tag, pattern } => {
                write!(
                    f,
                    "{tag} is not allowed by {pattern} (--force releases it anyway)"
                )
            }
            Reason::TagNotFound { image, tag } => {
                write!(f, "tag not found: {image}:{tag} is not in the registry")
            }
            Reason::NotForPlatform { tag, platform } => {
                write!(f, "{tag} is not available for {platform}")
            }
            Reason::NoneReadable {
                pattern,
                tag,
                error,
                more,
            } => {
                write!(
                    f,
                    "no tag allowed by {pattern} could be read: {tag}: {error}"
                )?;
                if *more > 0 {
                    write!(f, " (and {more} more tags like it)")?;
                }
                Ok(())
            }
            Reason::NotAsked => f.write_str("the registry was not asked"),
            Reason::Error(message) => f.write_str(message),
        }
    }
}

/// A container and why it did not move.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Left {
    /// The container.
    pub container: String,
    /// Why.
    pub reason: Reason,
}

impl Left {
    /// `<container>: <reason>`.
    pub fn line(&self) -> String {
        format!("{}: {}", self.container, self.reason)
    }

    /// The report's form.
    pub fn skip(&self) -> crate::report::Skip {
        crate::report::Skip {
            container: self.container.clone(),
            reason: self.reason.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_the_documented_ones() {
        assert_eq!(Reason::Locked(None).to_string(), "locked");
        assert_eq!(
            Reason::Locked(Some("incident 7".into())).to_string(),
            "locked: incident 7"
        );
        assert_eq!(Reason::Locked(Some(String::new())).to_string(), "locked");
        assert_eq!(
            Reason::NoneReadable {
                pattern: "glob:1.*".into(),
                tag: "1.1".into(),
                error: "HTTP 500".into(),
                more: 2,
            }
            .to_string(),
            "no tag allowed by glob:1.* could be read: 1.1: HTTP 500 (and 2 more tags like it)"
        );
    }
}

//! Versions as Masterminds/semver v3's `NewVersion` reads them (the parser behind Flux v1's
//! `semver:` patterns), and their precedence.
//!
//! A version is an optional lower-case `v`, a major number with an optional minor and patch
//! (`1`, `1.2`, `v1.2.3`; a missing part is 0, leading zeros are allowed), an optional
//! `-pre.release` and an optional `+build.metadata`. Identifiers are non-empty runs of
//! `[0-9A-Za-z-]`; a numeric pre-release identifier must not start with `0`. Anything else
//! is not a version: `V1.2.3`, `1.2.3.4`, `1.2.3-`, `1.2.3-01`, `1.2.3_alpine`, `latest`.
//!
//! The order is SemVer 2.0.0 precedence: major, minor, patch as numbers; a pre-release is
//! lower than its release; pre-release identifiers compare left to right, numeric ones as
//! numbers and below alphanumeric ones, alphanumeric ones in ASCII order, and a shorter
//! list that is a prefix of a longer one is lower. Build metadata is ignored, so `1.2`,
//! `1.2.0`, `v1.2.0` and `1.2.0+b7` are all equal.

use std::cmp::Ordering;
use std::fmt;

/// A parsed version; equality and order are SemVer precedence (build metadata ignored).
#[derive(Clone, Debug)]
pub struct Version {
    pub(crate) major: u64,
    pub(crate) minor: u64,
    pub(crate) patch: u64,
    pub(crate) pre: Vec<Identifier>,
    build: Option<String>,
}

/// One dot-separated pre-release identifier.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Identifier {
    // Declared first: numeric identifiers sort below alphanumeric ones.
    /// All digits and small enough for a u64 (Masterminds compares a longer run of digits
    /// as text, and so do we).
    Numeric(u64),
    /// Anything else; compared byte by byte, which is ASCII order.
    Alphanumeric(String),
}

/// The part of a version an identifier belongs to, for error messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    /// After `-`.
    PreRelease,
    /// After `+`.
    Build,
}

impl fmt::Display for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Section::PreRelease => "pre-release",
            Section::Build => "build metadata",
        })
    }
}

/// Why a text is not a version.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    /// Nothing (or only `v`) was given.
    #[error("empty version")]
    Empty,
    /// Two dots in a row, or a dot at the start or end of the numbers.
    #[error("missing number")]
    MissingNumber,
    /// A major, minor or patch part that is not digits (or, in a constraint, `x`, `X`, `*`).
    #[error("\"{0}\" is not a number")]
    NotANumber(String),
    /// A number that does not fit in 64 bits.
    #[error("number {0} is too large")]
    TooLarge(String),
    /// `1.2.3.4`.
    #[error("more than three numbers")]
    TooManyParts,
    /// `1.2.3-` or `1.2.3-a..b`.
    #[error("empty {0} identifier")]
    EmptyIdentifier(Section),
    /// A character outside `[0-9A-Za-z-]`.
    #[error("invalid character in {section} identifier \"{identifier}\"")]
    InvalidIdentifier {
        /// Pre-release or build metadata.
        section: Section,
        /// The offending identifier.
        identifier: String,
    },
    /// `1.2.3-01`.
    #[error("numeric pre-release identifier \"{0}\" has a leading zero")]
    LeadingZero(String),
}

/// The pieces of a version as written, before the numbers are read.
pub(crate) struct Written<'a> {
    /// One to three dot-separated parts, each non-empty.
    pub(crate) parts: Vec<&'a str>,
    pub(crate) pre: Vec<Identifier>,
    pub(crate) build: Option<&'a str>,
}

/// Splits `text` into numbers, pre-release and build metadata, checking everything but the
/// numbers themselves (which differ between tags and constraints).
pub(crate) fn split(text: &str) -> Result<Written<'_>, VersionError> {
    let body = text.strip_prefix('v').unwrap_or(text);
    if body.is_empty() {
        return Err(VersionError::Empty);
    }
    let core_end = body.find(['-', '+']).unwrap_or(body.len());
    let (core, rest) = body.split_at(core_end);
    // The pre-release runs to the first `+`; build metadata may contain `-` but not `+`.
    let (pre, build) = match (rest.strip_prefix('-'), rest.strip_prefix('+')) {
        (Some(after), _) => match after.split_once('+') {
            Some((pre, build)) => (Some(pre), Some(build)),
            None => (Some(after), None),
        },
        (None, Some(build)) => (None, Some(build)),
        (None, None) => (None, None),
    };

    let parts: Vec<&str> = core.split('.').collect();
    if parts.len() > 3 {
        return Err(VersionError::TooManyParts);
    }
    if parts.iter().any(|part| part.is_empty()) {
        return Err(VersionError::MissingNumber);
    }

    let pre = match pre {
        Some(pre) => identifiers(pre, Section::PreRelease)?
            .into_iter()
            .map(pre_release_identifier)
            .collect::<Result<_, _>>()?,
        None => Vec::new(),
    };
    if let Some(build) = build {
        identifiers(build, Section::Build)?;
    }
    Ok(Written { parts, pre, build })
}

/// Dot-separated identifiers, each a non-empty run of `[0-9A-Za-z-]`.
fn identifiers(text: &str, section: Section) -> Result<Vec<&str>, VersionError> {
    text.split('.')
        .map(|identifier| {
            if identifier.is_empty() {
                Err(VersionError::EmptyIdentifier(section))
            } else if identifier
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            {
                Ok(identifier)
            } else {
                Err(VersionError::InvalidIdentifier {
                    section,
                    identifier: identifier.to_owned(),
                })
            }
        })
        .collect()
}

fn pre_release_identifier(text: &str) -> Result<Identifier, VersionError> {
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(Identifier::Alphanumeric(text.to_owned()));
    }
    if text.len() > 1 && text.starts_with('0') {
        return Err(VersionError::LeadingZero(text.to_owned()));
    }
    Ok(match text.parse() {
        Ok(number) => Identifier::Numeric(number),
        Err(_) => Identifier::Alphanumeric(text.to_owned()),
    })
}

/// Reads a major, minor or patch part that must be a number.
pub(crate) fn number(part: &str) -> Result<u64, VersionError> {
    if !part.bytes().all(|b| b.is_ascii_digit()) {
        return Err(VersionError::NotANumber(part.to_owned()));
    }
    part.parse()
        .map_err(|_| VersionError::TooLarge(part.to_owned()))
}

impl Version {
    /// Reads a tag as a version (see the module documentation for what is accepted).
    pub fn parse(text: &str) -> Result<Version, VersionError> {
        let written = split(text)?;
        let mut numbers = [0; 3];
        for (slot, part) in numbers.iter_mut().zip(&written.parts) {
            *slot = number(part)?;
        }
        let [major, minor, patch] = numbers;
        Ok(Version {
            major,
            minor,
            patch,
            pre: written.pre,
            build: written.build.map(str::to_owned),
        })
    }

    /// A version from its parts, for constraints.
    pub(crate) fn from_parts(major: u64, minor: u64, patch: u64, pre: Vec<Identifier>) -> Version {
        Version {
            major,
            minor,
            patch,
            pre,
            build: None,
        }
    }

    /// Whether the version has a pre-release part (`1.2.3-rc.1`).
    pub fn is_prerelease(&self) -> bool {
        !self.pre.is_empty()
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Version) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Version {}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Version) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Version) -> Ordering {
        (self.major, self.minor, self.patch)
            .cmp(&(other.major, other.minor, other.patch))
            .then_with(|| match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => self.pre.cmp(&other.pre),
            })
    }
}

impl fmt::Display for Version {
    /// The normalised form: `1.2` is shown as `1.2.0`, `v1` as `1.0.0`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        for (i, identifier) in self.pre.iter().enumerate() {
            f.write_str(if i == 0 { "-" } else { "." })?;
            match identifier {
                Identifier::Numeric(n) => write!(f, "{n}")?,
                Identifier::Alphanumeric(s) => f.write_str(s)?,
            }
        }
        if let Some(build) = &self.build {
            write!(f, "+{build}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        Version::parse(text).unwrap()
    }

    #[test]
    fn parses_loose_versions() {
        // (tag, normalised form)
        let cases = [
            ("1.2.3", "1.2.3"),
            ("v1.2.3", "1.2.3"),
            ("1", "1.0.0"),
            ("v1", "1.0.0"),
            ("1.2", "1.2.0"),
            ("0.0.0", "0.0.0"),
            ("01.02.03", "1.2.3"),
            ("1.2.3-beta", "1.2.3-beta"),
            ("1.2-beta.1", "1.2.0-beta.1"),
            ("1-rc1", "1.0.0-rc1"),
            ("1.2.3-beta-1", "1.2.3-beta-1"),
            ("1.2.3-0", "1.2.3-0"),
            ("1.2.3-0a", "1.2.3-0a"),
            ("1.2.3--", "1.2.3--"),
            ("1.2.3-alpha.1+build.5", "1.2.3-alpha.1+build.5"),
            ("1.2.3+build", "1.2.3+build"),
            ("1.2.3+build-1.001", "1.2.3+build-1.001"),
            ("1.2+b", "1.2.0+b"),
            (
                "v2.3.5-20161202202307-sha.e8fc5e5",
                "2.3.5-20161202202307-sha.e8fc5e5",
            ),
            ("1.2.3-99999999999999999999", "1.2.3-99999999999999999999"),
            ("18446744073709551615.0.0", "18446744073709551615.0.0"),
        ];
        for (tag, want) in cases {
            assert_eq!(v(tag).to_string(), want, "parsing {tag:?}");
        }
    }

    #[test]
    fn rejects_non_versions() {
        let cases = [
            ("", VersionError::Empty),
            ("v", VersionError::Empty),
            ("latest", VersionError::NotANumber("latest".into())),
            ("V1.2.3", VersionError::NotANumber("V1".into())),
            ("vv1", VersionError::NotANumber("v1".into())),
            (" 1.2.3", VersionError::NotANumber(" 1".into())),
            ("1.2.3 ", VersionError::NotANumber("3 ".into())),
            ("1.2.3.4", VersionError::TooManyParts),
            ("1..3", VersionError::MissingNumber),
            ("1.", VersionError::MissingNumber),
            (".1", VersionError::MissingNumber),
            ("-1", VersionError::MissingNumber),
            ("1.x", VersionError::NotANumber("x".into())),
            ("1.2.3_alpine", VersionError::NotANumber("3_alpine".into())),
            ("1.2.3-", VersionError::EmptyIdentifier(Section::PreRelease)),
            (
                "1.2.3-a..b",
                VersionError::EmptyIdentifier(Section::PreRelease),
            ),
            ("1.2.3+", VersionError::EmptyIdentifier(Section::Build)),
            (
                "1.2.3-+b",
                VersionError::EmptyIdentifier(Section::PreRelease),
            ),
            ("1.2.3-01", VersionError::LeadingZero("01".into())),
            ("1.2.3-rc.00", VersionError::LeadingZero("00".into())),
            (
                "1.2.3-rc_1",
                VersionError::InvalidIdentifier {
                    section: Section::PreRelease,
                    identifier: "rc_1".into(),
                },
            ),
            (
                "1.2.3+a+b",
                VersionError::InvalidIdentifier {
                    section: Section::Build,
                    identifier: "a+b".into(),
                },
            ),
            (
                "18446744073709551616.0.0",
                VersionError::TooLarge("18446744073709551616".into()),
            ),
            ("sha-9a16ff9", VersionError::NotANumber("sha".into())),
            ("2024.01.15.1", VersionError::TooManyParts),
        ];
        for (tag, want) in cases {
            assert_eq!(Version::parse(tag).unwrap_err(), want, "parsing {tag:?}");
        }
    }

    #[test]
    fn error_messages() {
        let cases = [
            ("", "empty version"),
            ("1..2", "missing number"),
            ("x1", "\"x1\" is not a number"),
            (
                "99999999999999999999",
                "number 99999999999999999999 is too large",
            ),
            ("1.2.3.4", "more than three numbers"),
            ("1.2.3-", "empty pre-release identifier"),
            ("1.2.3+", "empty build metadata identifier"),
            (
                "1.2.3-a_b",
                "invalid character in pre-release identifier \"a_b\"",
            ),
            (
                "1.2.3-01",
                "numeric pre-release identifier \"01\" has a leading zero",
            ),
        ];
        for (text, want) in cases {
            assert_eq!(Version::parse(text).unwrap_err().to_string(), want);
        }
    }

    #[test]
    fn precedence() {
        // Each version is strictly lower than the next (the SemVer 2.0.0 example and more).
        let ascending = [
            "0.0.0-0",
            "0.0.0-alpha",
            "0.0.0",
            "0.0.1",
            "0.1.0",
            "1.0.0-0",
            "1.0.0-1",
            "1.0.0-2",
            "1.0.0-10",
            "1.0.0-99999999999999999999",
            "1.0.0-A",
            "1.0.0-BETA",
            "1.0.0-Z",
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "1.0.1",
            "1.2.0",
            "1.10.0",
            "2.0.0",
            "10.0.0",
        ];
        for pair in ascending.windows(2) {
            let (low, high) = (v(pair[0]), v(pair[1]));
            assert!(low < high, "{} < {}", pair[0], pair[1]);
            assert!(high > low, "{} > {}", pair[1], pair[0]);
            assert_ne!(low, high);
        }
    }

    #[test]
    fn equal_precedence() {
        let equal = [
            ("1.2", "1.2.0"),
            ("1", "1.0.0"),
            ("v1.2.3", "1.2.3"),
            ("01.2.3", "1.2.3"),
            ("1.2.3+a", "1.2.3+b"),
            ("1.2.3+a", "1.2.3"),
            ("1.2.3-rc.1+a", "1.2.3-rc.1"),
        ];
        for (a, b) in equal {
            assert_eq!(v(a).cmp(&v(b)), Ordering::Equal, "{a} = {b}");
            assert_eq!(v(a), v(b));
        }
    }

    #[test]
    fn prerelease_flag() {
        assert!(v("1.2.3-rc.1").is_prerelease());
        assert!(v("1.2.3-0").is_prerelease());
        assert!(!v("1.2.3").is_prerelease());
        assert!(!v("1.2.3+build").is_prerelease());
    }
}

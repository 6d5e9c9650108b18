//! Tag patterns and tag selection: pure functions, no I/O.
//!
//! A container's tag filter comes from its `fluxcd.io/tag.<container>` annotation and is
//! read by [`Pattern::parse`] with Flux v1's semantics:
//!
//! | written | kind | matches | order |
//! |---|---|---|---|
//! | `glob:P`, bare `P` | [`Glob`] | the whole tag; `*` is any run of characters | creation time |
//! | `regex:R`, `regexp:R` | Rust [`regex`] | an unanchored search | creation time |
//! | `semver:C` | [`Constraint`] | tags that parse as a [`Version`] and satisfy `C` | version |
//!
//! The empty text, `*`, `glob:` and `glob:*` are all the default, "any tag". Prefixes are
//! case-sensitive, as in Flux. The tag `latest` (any case) is never a candidate, unless the
//! pattern is exactly `glob:latest`.
//!
//! Choices where Flux v1 gave no answer, or a poor one:
//!
//! - Invalid regexes and constraints are errors here; Flux accepted them and then matched
//!   every tag.
//! - A bare pattern containing `:` with an unknown prefix (`Semver:~1`, `sem:1.x`) is an
//!   error; Flux read it as a glob, which can never match because a tag cannot contain `:`.
//! - [`Pattern`]'s `Display` is the stored form: globs always carry `glob:` (`prod-*` is
//!   written `glob:prod-*`), while regexes and constraints keep the prefix and text as
//!   written (`regex:` stays `regex:`; Flux normalised it to `regexp:`).
//!
//! [`newest_allowed`], [`decide`] and [`sort_for_listing`] make the choice itself: candidates,
//! order, the no-downgrade rule.

mod constraint;
mod flux;
mod glob;
mod select;
mod version;

use std::fmt;
use std::str::FromStr;

pub use constraint::{Constraint, ConstraintError};
pub use flux::{FluxPolicy, FluxRank, PolicySpec};
pub use glob::{Glob, glob_match};
pub use select::{
    CurrentTag, Decision, TagFacts, decide, is_candidate, newest_allowed, skipped_for_missing_time,
    sort_for_listing,
};
pub use version::{Section, Version, VersionError};

const GLOB_PREFIX: &str = "glob:";
const REGEX_PREFIX: &str = "regex:";
const REGEXP_PREFIX: &str = "regexp:";
const SEMVER_PREFIX: &str = "semver:";

/// A container's tag filter. Equality compares the stored form (`Display`).
#[derive(Clone, Debug)]
pub enum Pattern {
    /// `glob:P` or a bare `P`.
    Glob(Glob),
    /// `regex:R` or `regexp:R`.
    Regex(RegexPattern),
    /// `semver:C`.
    Semver(SemverPattern),
    /// A Flux v2 ImagePolicy, for the sites its `$imagepolicy` markers govern.
    Flux(Box<FluxPolicy>),
}

/// A compiled `regex:`/`regexp:` pattern that remembers how it was written.
#[derive(Clone, Debug)]
pub struct RegexPattern {
    /// `regex:` or `regexp:`, as written.
    prefix: &'static str,
    regex: regex::Regex,
}

impl RegexPattern {
    /// The expression, without its prefix.
    pub fn as_str(&self) -> &str {
        self.regex.as_str()
    }

    /// Whether the expression matches anywhere in `tag`.
    pub fn is_match(&self, tag: &str) -> bool {
        self.regex.is_match(tag)
    }
}

/// A parsed `semver:` pattern that remembers how it was written.
#[derive(Clone, Debug)]
pub struct SemverPattern {
    text: String,
    constraint: Constraint,
}

impl SemverPattern {
    /// The constraint as written, without the `semver:` prefix.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The parsed constraint.
    pub fn constraint(&self) -> &Constraint {
        &self.constraint
    }

    /// Whether `tag` is a version that satisfies the constraint.
    pub fn is_match(&self, tag: &str) -> bool {
        Version::parse(tag).is_ok_and(|version| self.constraint.matches(&version))
    }
}

/// Why a pattern was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PatternError {
    /// A `regex:`/`regexp:` pattern that does not compile.
    #[error("invalid regex pattern \"{pattern}\": {reason}")]
    InvalidRegex {
        /// The whole pattern, prefix included.
        pattern: String,
        /// What the regex parser said.
        reason: String,
    },
    /// A `semver:` pattern whose constraint does not parse.
    #[error("invalid semver constraint \"{pattern}\": {reason}")]
    InvalidSemver {
        /// The whole pattern, prefix included.
        pattern: String,
        /// What is wrong with the constraint.
        reason: ConstraintError,
    },
    /// `foo:bar`: a prefix that is none of ours.
    #[error(
        "invalid pattern \"{pattern}\": unknown prefix \"{prefix}\" (use glob:, regex:, regexp: or semver:)"
    )]
    UnknownPrefix {
        /// The whole pattern.
        pattern: String,
        /// Everything up to and including the first `:`.
        prefix: String,
    },
}

impl Pattern {
    /// Reads a pattern: `glob:P`, bare `P` (= glob), `regex:R`, `regexp:R`, `semver:C`.
    /// The empty string, `*` and `glob:` are `glob:*`.
    pub fn parse(text: &str) -> Result<Pattern, PatternError> {
        if let Some(expression) = text.strip_prefix(REGEXP_PREFIX) {
            return Pattern::regex(REGEXP_PREFIX, expression, text);
        }
        if let Some(expression) = text.strip_prefix(REGEX_PREFIX) {
            return Pattern::regex(REGEX_PREFIX, expression, text);
        }
        if let Some(constraint) = text.strip_prefix(SEMVER_PREFIX) {
            return match Constraint::parse(constraint) {
                Ok(parsed) => Ok(Pattern::Semver(SemverPattern {
                    text: constraint.to_owned(),
                    constraint: parsed,
                })),
                Err(reason) => Err(PatternError::InvalidSemver {
                    pattern: text.to_owned(),
                    reason,
                }),
            };
        }
        let glob = match text.strip_prefix(GLOB_PREFIX) {
            Some(glob) => glob,
            None => {
                if let Some((prefix, _)) = text.split_once(':') {
                    return Err(PatternError::UnknownPrefix {
                        pattern: text.to_owned(),
                        prefix: format!("{prefix}:"),
                    });
                }
                text
            }
        };
        Ok(Pattern::Glob(Glob::new(if glob.is_empty() {
            "*"
        } else {
            glob
        })))
    }

    fn regex(prefix: &'static str, expression: &str, text: &str) -> Result<Pattern, PatternError> {
        match regex::Regex::new(expression) {
            Ok(regex) => Ok(Pattern::Regex(RegexPattern { prefix, regex })),
            Err(err) => Err(PatternError::InvalidRegex {
                pattern: text.to_owned(),
                reason: regex_reason(&err),
            }),
        }
    }

    /// True for `glob:*`, the default pattern (used to decide whether an annotation is
    /// needed).
    pub fn is_default(&self) -> bool {
        matches!(self, Pattern::Glob(glob) if glob.as_str() == "*")
    }

    /// Whether the tag matches the pattern, before the `latest` rule.
    pub fn matches(&self, tag: &str) -> bool {
        match self {
            Pattern::Glob(glob) => glob.is_match(tag),
            Pattern::Regex(regex) => regex.is_match(tag),
            Pattern::Semver(semver) => semver.is_match(tag),
            Pattern::Flux(policy) => policy.rank(tag).is_some(),
        }
    }

    /// The tag is a candidate: it matches the pattern and is not `latest` (any case),
    /// unless the pattern is exactly `glob:latest`.
    pub fn allows(&self, tag: &str) -> bool {
        // Flux v2 policies have no `latest` rule: their filter decides.
        if let Pattern::Flux(policy) = self {
            return policy.rank(tag).is_some();
        }
        let is_glob_latest = matches!(self, Pattern::Glob(glob) if glob.as_str() == "latest");
        (is_glob_latest || !tag.eq_ignore_ascii_case("latest")) && self.matches(tag)
    }

    /// True for semver (ordered by version), false for glob/regex (ordered by creation
    /// time; a tag with no known time is not a candidate).
    pub fn orders_by_version(&self) -> bool {
        matches!(self, Pattern::Semver(_) | Pattern::Flux(_))
    }
}

/// The useful line of a regex error: the syntax error's last line without its `error: `,
/// rather than the multi-line picture of the expression.
fn regex_reason(err: &regex::Error) -> String {
    match err {
        regex::Error::Syntax(message) => {
            let last = message.lines().last().unwrap_or_default();
            last.strip_prefix("error: ").unwrap_or(last).to_owned()
        }
        regex::Error::CompiledTooBig(limit) => {
            format!("the compiled regex exceeds the size limit of {limit} bytes")
        }
        other => other.to_string(),
    }
}

impl Default for Pattern {
    /// `glob:*`.
    fn default() -> Pattern {
        Pattern::Glob(Glob::new("*"))
    }
}

impl fmt::Display for Pattern {
    /// The stored form, with its prefix: bare `prod-*` is `glob:prod-*`; `regex:`,
    /// `regexp:` and `semver:` patterns as written.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Pattern::Glob(glob) => write!(f, "{GLOB_PREFIX}{}", glob.as_str()),
            Pattern::Regex(regex) => write!(f, "{}{}", regex.prefix, regex.as_str()),
            Pattern::Semver(semver) => write!(f, "{SEMVER_PREFIX}{}", semver.as_str()),
            Pattern::Flux(policy) => write!(f, "{policy}"),
        }
    }
}

impl FromStr for Pattern {
    type Err = PatternError;

    fn from_str(text: &str) -> Result<Pattern, PatternError> {
        Pattern::parse(text)
    }
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Pattern) -> bool {
        self.to_string() == other.to_string()
    }
}

impl Eq for Pattern {}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Pattern {
        Pattern::parse(text).unwrap_or_else(|err| panic!("{text:?}: {err}"))
    }

    #[test]
    fn kinds_and_stored_form() {
        // (written, stored form, is_default, orders_by_version)
        let cases = [
            ("", "glob:*", true, false),
            ("*", "glob:*", true, false),
            ("glob:", "glob:*", true, false),
            ("glob:*", "glob:*", true, false),
            ("**", "glob:**", false, false),
            ("prod-*", "glob:prod-*", false, false),
            ("glob:prod-*", "glob:prod-*", false, false),
            ("latest", "glob:latest", false, false),
            ("glob:glob:x", "glob:glob:x", false, false),
            ("regex:^v\\d+$", "regex:^v\\d+$", false, false),
            ("regexp:^v\\d+$", "regexp:^v\\d+$", false, false),
            ("regex:", "regex:", false, false),
            ("semver:~1.2", "semver:~1.2", false, true),
            ("semver:>= 1.2, < 2", "semver:>= 1.2, < 2", false, true),
            ("semver:*", "semver:*", false, true),
        ];
        for (written, stored, default, by_version) in cases {
            let pattern = parse(written);
            assert_eq!(pattern.to_string(), stored, "{written:?}");
            assert_eq!(pattern.is_default(), default, "{written:?}");
            assert_eq!(pattern.orders_by_version(), by_version, "{written:?}");
            // The stored form reads back as the same pattern.
            assert_eq!(parse(stored), pattern, "{written:?}");
        }
        assert!(Pattern::default().is_default());
        assert_eq!("glob:a*".parse::<Pattern>().unwrap(), parse("a*"));
        assert_ne!(parse("regex:a"), parse("regexp:a"));
    }

    #[test]
    fn variants() {
        assert!(matches!(parse("a*"), Pattern::Glob(g) if g.as_str() == "a*"));
        assert!(matches!(parse("regexp:a+"), Pattern::Regex(r) if r.as_str() == "a+"));
        assert!(matches!(parse("semver:^1"), Pattern::Semver(s) if s.as_str() == "^1"));
    }

    /// (pattern, tag, allowed)
    const ALLOWS: &[(&str, &str, bool)] = &[
        // Default pattern: anything but `latest`.
        ("", "1.2.3", true),
        ("*", "master-9a16ff9", true),
        ("glob:*", "latest", false),
        ("glob:*", "LATEST", false),
        ("glob:*", "Latest", false),
        ("*", "latest-1", true),
        ("*", "1-latest", true),
        // Globs are whole-tag and case-sensitive.
        ("master-*", "master-1", true),
        ("master-*", "Master-1", false),
        ("master-*", "x-master-1", false),
        ("glob:1.?", "1.2", false),
        // `latest` only through exactly glob:latest.
        ("glob:latest", "latest", true),
        ("latest", "latest", true),
        ("glob:latest", "LATEST", false),
        ("glob:LATEST", "LATEST", false),
        ("glob:lat*", "latest", false),
        ("glob:*latest", "latest", false),
        ("glob:*latest", "1-latest", true),
        // Regexes search anywhere unless anchored.
        ("regex:v1", "v1.2.3", true),
        ("regex:v1", "xv1x", true),
        ("regex:^v1$", "v1.2.3", false),
        ("regexp:^([a-zA-Z]+)$", "fooBAR", true),
        ("regexp:^([a-zA-Z]+)$", "foo-1", false),
        ("regex:^\\w{7}(?:\\w)?$", "af14eb2", true),
        ("regex:^\\w{7}(?:\\w)?$", "946427ff-foo", false),
        ("regexp:(.*?)", "", true),
        ("regex:", "anything", true),
        ("regex:", "latest", false),
        ("regex:latest", "latest", false),
        ("regex:(?i)LATEST", "latest-arm64", true),
        ("regex:^prod-[0-9]+$", "prod-42", true),
        ("regex:^prod-[0-9]+$", "prod-42a", false),
        // Semver: the tag must be a version satisfying the constraint.
        ("semver:*", "1", true),
        ("semver:*", "1.0", true),
        ("semver:*", "v1.0.3", true),
        ("semver:*", "", false),
        ("semver:*", "latest", false),
        ("semver:*", "2.0.1-alpha.1", false),
        ("semver:~1", "v1", true),
        ("semver:~1", "1.2.3", true),
        ("semver:~1", "2.0.0", false),
        ("semver:2.0.1-alpha.1", "2.0.1-alpha.1", true),
        ("semver:2.0.1-alpha.1", "2.0.1", false),
        ("semver:~1.2", "1.2.9", true),
        ("semver:~1.2", "1.2.9-alpine", false),
        ("semver:~1.2", "1.2.9_alpine", false),
        ("semver:~1.2", "V1.2.9", false),
        ("semver:>=1.2 <2", "1.99.0", true),
        ("semver:^0.2", "0.2.7", true),
        ("semver:^0.2", "0.3.0", false),
        ("semver: ~1.2", "1.2.5", true),
        ("semver:>=1.0.0-0", "1.1.0-rc.1", true),
        ("semver:>=1.0.0-0", "latest", false),
    ];

    #[test]
    fn allows() {
        let failures: Vec<String> = ALLOWS
            .iter()
            .filter(|(pattern, tag, want)| parse(pattern).allows(tag) != *want)
            .map(|(pattern, tag, want)| format!("{pattern:?} vs {tag:?}: want {want}"))
            .collect();
        assert!(
            failures.is_empty(),
            "failing rows:\n{}",
            failures.join("\n")
        );
    }

    #[test]
    fn matches_ignores_the_latest_rule() {
        assert!(parse("*").matches("latest"));
        assert!(!parse("*").allows("latest"));
        assert!(parse("regex:lat").matches("latest"));
    }

    #[test]
    fn invalid_patterns() {
        let cases = [
            (
                "regex:(",
                "invalid regex pattern \"regex:(\": unclosed group",
            ),
            (
                "regexp:a{2,1}",
                "invalid regex pattern \"regexp:a{2,1}\": invalid repetition count range, the start must be <= the end",
            ),
            (
                "regex:\\",
                "invalid regex pattern \"regex:\\\": incomplete escape sequence, reached end of pattern prematurely",
            ),
            (
                "semver:",
                "invalid semver constraint \"semver:\": the constraint is empty",
            ),
            (
                "semver:>=x1",
                "invalid semver constraint \"semver:>=x1\": \"x1\" is not a valid version: \"x1\" is not a number",
            ),
            (
                "semver:>=foo",
                "invalid semver constraint \"semver:>=foo\": \"foo\" is not a valid version: \"foo\" is not a number",
            ),
            (
                "semver:1.2.3.4",
                "invalid semver constraint \"semver:1.2.3.4\": \"1.2.3.4\" is not a valid version: more than three numbers",
            ),
            (
                "semver:>=1.0 ||",
                "invalid semver constraint \"semver:>=1.0 ||\": an alternative between \"||\" is empty",
            ),
            (
                "semver:1 | 2",
                "invalid semver constraint \"semver:1 | 2\": \"|\" is not an operator; use \"||\" for OR",
            ),
            (
                "semver:>1 - 2",
                "invalid semver constraint \"semver:>1 - 2\": a hyphen range joins two plain versions, not \">1\"",
            ),
            (
                "Semver:~1",
                "invalid pattern \"Semver:~1\": unknown prefix \"Semver:\" (use glob:, regex:, regexp: or semver:)",
            ),
            (
                "regx:^v",
                "invalid pattern \"regx:^v\": unknown prefix \"regx:\" (use glob:, regex:, regexp: or semver:)",
            ),
            (
                " glob:x",
                "invalid pattern \" glob:x\": unknown prefix \" glob:\" (use glob:, regex:, regexp: or semver:)",
            ),
            (
                ":x",
                "invalid pattern \":x\": unknown prefix \":\" (use glob:, regex:, regexp: or semver:)",
            ),
        ];
        for (text, want) in cases {
            match Pattern::parse(text) {
                Ok(pattern) => panic!("{text:?} parsed as {pattern}, want error {want:?}"),
                Err(err) => assert_eq!(err.to_string(), want, "{text:?}"),
            }
        }
    }

    #[test]
    fn error_fields() {
        let err = Pattern::parse("semver:~").unwrap_err();
        assert_eq!(
            err,
            PatternError::InvalidSemver {
                pattern: "semver:~".into(),
                reason: ConstraintError::MissingVersion("~".into()),
            }
        );
    }
}

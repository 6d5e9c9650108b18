//! Version constraints in the language of Masterminds/semver v3, which Flux v1's `semver:`
//! patterns used.
//!
//! # Syntax
//!
//! - Alternatives are separated by `||`; inside one, comparisons are joined (AND) by a
//!   comma or by whitespace: `>= 1.2, < 3.0.0 || >= 4.2.3`, `>=1.2 <2`.
//! - A comparison is an optional operator, optional whitespace and a version:
//!   `=` (also no operator), `!=`, `>`, `<`, `>=` (`=>`), `<=` (`=<`), `~` (`~>`), `^`.
//! - A version may have a `v`, may leave out the minor or patch, may use `x`, `X` or `*`
//!   for a part (parts after a wildcard are ignored), and may carry `-pre` and `+build`.
//! - `A - B` (spaces required) is `>= A, <= B`.
//!
//! # Meaning
//!
//! A missing or wildcard part makes the comparison "dirty": `=` then behaves like `~`, and
//! `>`, `<=`, `!=` compare only the parts that were given. The resulting ranges, as the
//! Masterminds README documents them:
//!
//! | constraint | range |
//! |---|---|
//! | `1.2.3`, `=1.2.3` | exactly 1.2.3 (build metadata ignored) |
//! | `1.2`, `1.2.x`, `~1.2`, `~1.2.x` | `>=1.2.0 <1.3.0` |
//! | `1`, `1.x`, `~1`, `~1.x` | `>=1.0.0 <2.0.0` |
//! | `*`, `x`, `~*` | any version |
//! | `~1.2.3` | `>=1.2.3 <1.3.0` |
//! | `^1.2.3`, `^1.2`, `^1.x` | `>=1.2.3 <2.0.0`, `>=1.2.0 <2.0.0`, `>=1.0.0 <2.0.0` |
//! | `^0.2.3`, `^0.2` | `>=0.2.3 <0.3.0`, `>=0.2.0 <0.3.0` |
//! | `^0.0.3`, `^0.0`, `^0` | `>=0.0.3 <0.0.4`, `>=0.0.0 <0.1.0`, `>=0.0.0 <1.0.0` |
//! | `>1`, `>1.2` | `>=2.0.0`, `>=1.3.0` |
//! | `>=1.2.x`, `<1.x` | `>=1.2.0`, `<1.0.0` |
//! | `<=2`, `<=2.x`, `<=1.1` | `<3.0.0`, `<3.0.0`, `<1.2.0` |
//! | `!=1.x`, `!=1.2.x` | not 1.*, not 1.2.* |
//! | `1.2 - 1.4.5`, `2.3.4 - 4.5` | `>=1.2.0 <=1.4.5`, `>=2.3.4 <4.6.0` |
//!
//! Pre-releases: a pre-release version passes a comparison only when that comparison names a
//! pre-release itself (`>=1.2.3-0`, `~1.2.3-beta.2`); then it is plain precedence, so
//! `^1.2.3-alpha` admits `1.5.0-rc.1`, unlike npm. Each comparison is checked on its own, as
//! Masterminds v3.1 (the version Flux v1 used) did: `>=1.2.3-0 <2` admits no pre-release,
//! since `<2` names none. (Masterminds v3.4 opens the whole AND group instead; the two agree
//! whenever all comparisons of an alternative agree on having a pre-release.)
//!
//! Edge cases follow the library's code rather than intuition, so that tag choices match
//! Flux's: `~0.0.0` is any version, `^0.0.0` and `^*` are only 0.0.0, `<=*` is 0.0.*,
//! `!=*` is anything but 0.0.0, `<*` is nothing. One deliberate difference: Masterminds
//! rejects a hyphen range that follows another comparison after plain whitespace
//! (`>=1 2 - 3`, a side effect of its rewriting), which we accept.

use super::version::{self, Identifier, Version, VersionError};

/// A parsed constraint; [`Constraint::matches`] tests a version against it.
#[derive(Clone, Debug)]
pub struct Constraint {
    alternatives: Vec<Alternative>,
}

/// Comparisons joined by AND.
#[derive(Clone, Debug)]
struct Alternative {
    comparisons: Vec<Comparison>,
}

#[derive(Clone, Debug)]
struct Comparison {
    op: Op,
    /// The version with missing and wildcard parts set to 0.
    version: Version,
    wildcard: Wildcard,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    /// `=` or no operator: equality, or `~` when the version has a wildcard.
    Equal,
    NotEqual,
    Greater,
    Less,
    GreaterOrEqual,
    LessOrEqual,
    Tilde,
    Caret,
}

/// The first part of the version that was missing or a wildcard, if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Wildcard {
    None,
    /// `1.2`, `1.2.x`.
    Patch,
    /// `1`, `1.x`, `1.x.x`.
    Minor,
    /// `*`, `x`, `x.1.2`.
    Major,
}

/// Why a text is not a constraint.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ConstraintError {
    /// Nothing but whitespace.
    #[error("the constraint is empty")]
    Empty,
    /// `1.2 ||` or `|| 1.2`.
    #[error("an alternative between \"||\" is empty")]
    EmptyAlternative,
    /// A single `|`.
    #[error("\"|\" is not an operator; use \"||\" for OR")]
    SinglePipe,
    /// A comma at the start or end, or two in a row.
    #[error("unexpected \",\"")]
    UnexpectedComma,
    /// `>=` with nothing after it.
    #[error("\"{0}\" is not followed by a version")]
    MissingVersion(String),
    /// A comparison whose version does not parse.
    #[error("\"{text}\" is not a valid version: {error}")]
    InvalidVersion {
        /// The version as written.
        text: String,
        /// What is wrong with it.
        error: VersionError,
    },
    /// `>1 - 2` or `1 - <2`.
    #[error("a hyphen range joins two plain versions, not \"{0}\"")]
    RangeWithOperator(String),
    /// `-` that is not between two versions.
    #[error("\"-\" must stand between two versions, as in \"1.2 - 1.4\"")]
    DanglingHyphen,
}

/// Operators, longest first so that `>=` is not read as `>` followed by `=1`.
const OPERATORS: &[(&str, Op)] = &[
    (">=", Op::GreaterOrEqual),
    ("=>", Op::GreaterOrEqual),
    ("<=", Op::LessOrEqual),
    ("=<", Op::LessOrEqual),
    ("!=", Op::NotEqual),
    ("~>", Op::Tilde),
    (">", Op::Greater),
    ("<", Op::Less),
    ("=", Op::Equal),
    ("~", Op::Tilde),
    ("^", Op::Caret),
];

impl Constraint {
    /// Parses a constraint such as `>=1.2 <2 || ~3.1`.
    pub fn parse(text: &str) -> Result<Constraint, ConstraintError> {
        if text.trim_ascii().is_empty() {
            return Err(ConstraintError::Empty);
        }
        let alternatives = text
            .split("||")
            .map(parse_alternative)
            .collect::<Result<_, _>>()?;
        Ok(Constraint { alternatives })
    }

    /// Whether `version` satisfies the constraint.
    pub fn matches(&self, version: &Version) -> bool {
        self.alternatives.iter().any(|alt| alt.matches(version))
    }

    /// [`Constraint::matches`] as Masterminds v3.4 and later decide pre-releases (Flux v2's
    /// image-reflector-controller 1.x): a pre-release version is admitted by an
    /// alternative when any of its comparisons names a pre-release, and then each
    /// comparison is plain precedence.
    pub fn matches_grouped(&self, version: &Version) -> bool {
        self.alternatives.iter().any(|alt| {
            let open = alt.comparisons.iter().any(|c| c.version.is_prerelease());
            (open || !version.is_prerelease()) && alt.comparisons.iter().all(|c| c.matches(version))
        })
    }
}

impl Alternative {
    /// Every comparison must hold. A pre-release version passes a comparison only when that
    /// comparison's own version has a pre-release, as Masterminds semver v3.1 (the version
    /// Flux v1 used) checks each comparison on its own.
    fn matches(&self, v: &Version) -> bool {
        self.comparisons
            .iter()
            .all(|c| (c.version.is_prerelease() || !v.is_prerelease()) && c.matches(v))
    }
}

/// A run of text between whitespace and commas.
#[derive(Debug)]
enum Token<'a> {
    Word(&'a str),
    Comma,
}

/// Splits one alternative into words and commas. Whitespace is `\s` of Go's regexp, which
/// is also what [`u8::is_ascii_whitespace`] accepts.
fn tokens(text: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut rest = text;
    loop {
        rest = rest.trim_ascii_start();
        if let Some(after) = rest.strip_prefix(',') {
            tokens.push(Token::Comma);
            rest = after;
            continue;
        }
        let end = rest
            .find(|c: char| c.is_ascii_whitespace() || c == ',')
            .unwrap_or(rest.len());
        if end == 0 {
            return tokens;
        }
        tokens.push(Token::Word(&rest[..end]));
        rest = &rest[end..];
    }
}

fn split_operator(word: &str) -> (Option<&'static str>, Op, &str) {
    for &(symbol, op) in OPERATORS {
        if let Some(rest) = word.strip_prefix(symbol) {
            return (Some(symbol), op, rest);
        }
    }
    (None, Op::Equal, word)
}

fn parse_alternative(text: &str) -> Result<Alternative, ConstraintError> {
    if text.contains('|') {
        return Err(ConstraintError::SinglePipe);
    }
    let tokens = tokens(text);
    if tokens.is_empty() {
        return Err(ConstraintError::EmptyAlternative);
    }
    let word_at = |i: usize| match tokens.get(i) {
        Some(Token::Word(word)) => Some(*word),
        _ => None,
    };
    let mut comparisons = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        // Comparisons are separated by whitespace (already dropped) or by one comma.
        if !comparisons.is_empty() && matches!(tokens[i], Token::Comma) {
            i += 1;
        }
        let word = word_at(i).ok_or(ConstraintError::UnexpectedComma)?;
        i += 1;
        if word == "-" {
            return Err(ConstraintError::DanglingHyphen);
        }
        let (symbol, op, mut written) = split_operator(word);
        if let (Some(symbol), "") = (symbol, written) {
            // The operator stands alone (`>= 1.2`): the version is the next word.
            match word_at(i) {
                Some(next) if next != "-" && split_operator(next).0.is_none() => {
                    written = next;
                    i += 1;
                }
                _ => return Err(ConstraintError::MissingVersion(symbol.to_owned())),
            }
        }
        if word_at(i) != Some("-") {
            comparisons.push(comparison(op, written)?);
            continue;
        }
        // A hyphen range, `A - B`: both ends plain versions.
        if let Some(symbol) = symbol {
            return Err(ConstraintError::RangeWithOperator(format!(
                "{symbol}{written}"
            )));
        }
        let upper = word_at(i + 1).ok_or(ConstraintError::DanglingHyphen)?;
        if upper == "-" {
            return Err(ConstraintError::DanglingHyphen);
        }
        if split_operator(upper).0.is_some() {
            return Err(ConstraintError::RangeWithOperator(upper.to_owned()));
        }
        i += 2;
        comparisons.push(comparison(Op::GreaterOrEqual, written)?);
        comparisons.push(comparison(Op::LessOrEqual, upper)?);
    }
    Ok(Alternative { comparisons })
}

fn comparison(op: Op, written: &str) -> Result<Comparison, ConstraintError> {
    let invalid = |error| ConstraintError::InvalidVersion {
        text: written.to_owned(),
        error,
    };
    let parsed = version::split(written).map_err(invalid)?;
    let is_wild = |part: &str| matches!(part, "x" | "X" | "*");

    let mut numbers = [0; 3];
    let mut wildcard = Wildcard::None;
    for (index, slot) in numbers.iter_mut().enumerate() {
        match parsed.parts.get(index) {
            Some(part) if !is_wild(part) => *slot = version::number(part).map_err(invalid)?,
            _ => {
                wildcard = [Wildcard::Major, Wildcard::Minor, Wildcard::Patch][index];
                break;
            }
        }
    }
    // Parts after a wildcard are ignored, but must still look like parts.
    if let Some(part) = parsed
        .parts
        .iter()
        .find(|part| !is_wild(part) && !part.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(invalid(VersionError::NotANumber((*part).to_owned())));
    }
    let [major, minor, patch] = numbers;
    let pre: Vec<Identifier> = parsed.pre;
    Ok(Comparison {
        op,
        version: Version::from_parts(major, minor, patch, pre),
        wildcard,
    })
}

impl Comparison {
    /// One comparison, without the pre-release gate (see [`Alternative::matches`]).
    fn matches(&self, v: &Version) -> bool {
        let c = &self.version;
        let w = self.wildcard;
        match self.op {
            Op::Equal if w == Wildcard::None => v == c,
            Op::Equal | Op::Tilde => tilde(v, c, w),
            Op::NotEqual => not_equal(v, c, w),
            Op::Greater => match w {
                Wildcard::None | Wildcard::Major => v > c,
                _ if v.major != c.major => v.major > c.major,
                Wildcard::Minor => false,
                Wildcard::Patch => v.minor > c.minor,
            },
            Op::Less => v < c,
            Op::GreaterOrEqual => v >= c,
            Op::LessOrEqual => match w {
                Wildcard::None => v <= c,
                _ if v.major != c.major => v.major < c.major,
                Wildcard::Minor => true,
                Wildcard::Patch | Wildcard::Major => v.minor <= c.minor,
            },
            Op::Caret => caret(v, c, w),
        }
    }
}

/// `~`: at least `c`, same major, and same minor unless the minor was left open.
fn tilde(v: &Version, c: &Version, w: Wildcard) -> bool {
    if v < c {
        return false;
    }
    let open_minor = w == Wildcard::Minor;
    // `~0.0.0`, `~*`: any version at all.
    if (c.major, c.minor, c.patch) == (0, 0, 0) && !open_minor && w != Wildcard::Patch {
        return true;
    }
    v.major == c.major && (open_minor || v.minor == c.minor)
}

/// `^`: at least `c`, and the same leftmost non-zero part that was given.
fn caret(v: &Version, c: &Version, w: Wildcard) -> bool {
    if v < c {
        return false;
    }
    if c.major > 0 || w == Wildcard::Minor {
        return v.major == c.major;
    }
    if v.major > 0 {
        return false;
    }
    if c.minor > 0 || w == Wildcard::Patch {
        return v.minor == c.minor;
    }
    v.minor == 0 && v.patch == c.patch
}

/// `!=`: with a wildcard, "not inside the range the given parts name".
fn not_equal(v: &Version, c: &Version, w: Wildcard) -> bool {
    match w {
        Wildcard::None => v != c,
        _ if v.major != c.major => true,
        Wildcard::Minor => false,
        _ if v.minor != c.minor => true,
        // `!=1.2.x-beta` excludes 1.2.* only when the pre-release parts are equal too.
        Wildcard::Patch => v.pre != c.pre,
        // `!=*` is `!=0.0.0` (with its pre-release, if any).
        Wildcard::Major => v != c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(constraint: &str, version: &str) -> bool {
        let c = Constraint::parse(constraint)
            .unwrap_or_else(|e| panic!("constraint {constraint:?}: {e}"));
        let v = Version::parse(version).unwrap_or_else(|e| panic!("version {version:?}: {e}"));
        c.matches(&v)
    }

    /// Runs (constraint, version, expected) rows and reports every failing row at once.
    fn run(rows: &[(&str, &str, bool)]) {
        let failures: Vec<String> = rows
            .iter()
            .filter(|(c, v, want)| check(c, v) != *want)
            .map(|(c, v, want)| format!("{c:?} vs {v:?}: want {want}"))
            .collect();
        assert!(
            failures.is_empty(),
            "failing rows:\n{}",
            failures.join("\n")
        );
    }

    #[test]
    fn exact_and_equal() {
        run(&[
            ("1.2.3", "1.2.3", true),
            ("1.2.3", "v1.2.3", true),
            ("1.2.3", "1.2.3+build.7", true),
            ("1.2.3", "1.2.4", false),
            ("1.2.3", "1.2.3-rc.1", false),
            ("=1.2.3", "1.2.3", true),
            ("= 1.2.3", "1.2.3", true),
            ("=2.0.0", "1.2.3", false),
            ("v1.2.3", "1.2.3", true),
            ("=v1.2.3", "1.2.3", true),
            ("1.2.3+meta", "1.2.3", true),
            ("01.2.3", "1.2.3", true),
            ("=0", "1", false),
            ("2.0.1-alpha.1", "2.0.1-alpha.1", true),
            ("2.0.1-alpha.1", "2.0.1", false),
            ("2.0.1-alpha.1", "2.0.1-alpha.2", false),
        ]);
    }

    #[test]
    fn partial_versions_are_ranges() {
        run(&[
            ("1.2", "1.2.0", true),
            ("1.2", "1.2.9", true),
            ("1.2", "1.3.0", false),
            ("1.2", "1.1.9", false),
            ("=2.0", "2.0.1", true),
            ("= 2.0", "1.2.3", false),
            ("4.1", "4.1.0", true),
            ("2", "2.1.1", true),
            ("2", "1.9.9", false),
            ("2", "3.4.5", false),
            ("2.1", "2.1.1", true),
            ("2.1", "2.2.1", false),
            ("1", "v1", true),
            ("1", "1.99.99", true),
            ("0", "0.5.0", true),
            ("0", "1.0.0", false),
        ]);
    }

    #[test]
    fn x_ranges() {
        run(&[
            ("*", "0.0.0", true),
            ("*", "1", true),
            ("*", "4.5.6", true),
            ("*", "1.2.3-alpha.1", false),
            ("*-0", "1.2.3-alpha.1", true),
            ("x", "9.9.9", true),
            ("X", "9.9.9", true),
            ("v*", "1.0.0", true),
            ("x.2.3", "7.0.0", true),
            ("1.x", "1.4", true),
            ("1.x", "1.0.0", true),
            ("1.x", "2.0.0", false),
            ("1.x", "0.9.9", false),
            ("1.X", "1.7.0", true),
            ("1.*", "1.7.0", true),
            ("1.*", "2.0.0", false),
            ("2.*", "1", false),
            ("2.*", "2.1.1", true),
            ("1.2.x", "1.2.0", true),
            ("1.2.x", "1.2.99", true),
            ("1.2.x", "1.3.0", false),
            ("1.2.x", "1.1.9", false),
            ("2.1.*", "2.1.1", true),
            ("2.1.*", "2.2.1", false),
            ("4.1.x", "4.1.3", true),
            ("1.x.x", "1.5.5", true),
            // Parts after a wildcard are ignored.
            ("1.x.3", "1.0.0", true),
            ("1.*.5", "1.9.0", true),
            ("0.x.x", "1.2.3", false),
            ("0.0.x", "1.2.3", false),
            ("0.0.x", "0.0.7", true),
            (">= 1.2.x", "1.2.0", true),
            (">= 1.2.x", "1.1.9", false),
            (">= 1.2.x", "3.0.0", true),
            ("<= 2.x", "2.99.0", true),
            ("<= 2.x", "3.0.0", false),
        ]);
    }

    #[test]
    fn comparison_operators() {
        run(&[
            (">1.2.3", "1.2.4", true),
            (">1.2.3", "1.2.3", false),
            (">1.2.3", "1.2.3+b", false),
            ("> 1.2.3", "2.0.0", true),
            ("<1.2.3", "1.2.2", true),
            ("<1.2.3", "1.2.3", false),
            ("< 40.50.10", "40.50.9", true),
            (">=1.2.3", "1.2.3", true),
            (">=1.2.3", "1.2.2", false),
            ("=>1.2.3", "1.2.3", true),
            ("=> 1.2", "1.2.0", true),
            ("<=1.2.3", "1.2.3", true),
            ("<=1.2.3", "1.2.4", false),
            ("=<1.2.3", "1.2.3", true),
            ("=< 1.2", "1.2.9", true),
            ("!=1.2.3", "1.2.3", false),
            ("!=1.2.3", "1.2.4", true),
            ("!=1.2.3", "1.2.3+b", false),
            // Partial versions: `>` and `<=` compare only the parts given.
            (">11", "11.1.0", false),
            (">11", "12.0.0", true),
            (">1.1", "1.1.0", false),
            (">11.1", "11.1.1", false),
            (">11.1", "11.2.1", true),
            (">1.1", "4.1.0", true),
            (">1.x", "1.9.9", false),
            (">1.x", "2.0.0", true),
            (">1.2.x", "1.2.9", false),
            (">1.2.x", "1.3.0", true),
            (">0", "0", false),
            (">0", "1", true),
            (">=11", "11.1.2", true),
            (">=11.1", "11.1.2", true),
            (">=11.1", "11.0.2", false),
            (">=1.1", "0.0.9", false),
            (">=0", "0", true),
            ("<11", "0.1.0", true),
            ("<11", "11.1.0", false),
            ("<1.1", "1.1.0", false),
            ("<1.1", "1.0.9", true),
            ("<1.x", "1.1.1", false),
            ("<1.x", "0.1.1", true),
            ("<2.x", "1.1.1", true),
            ("<1.1.x", "1.1.500", false),
            ("<1.1.x", "1.0.500", true),
            ("<=11", "11.2.3", true),
            ("<=11", "12.2.3", false),
            ("<=1.1", "1.1.1", true),
            ("<=1.1", "1.2.3", false),
            ("<=1.1", "0.1.0", true),
            ("<=4.5", "3.7.0", true),
            ("<=4.5", "4.6.3", false),
            ("<=1.x", "1.1.0", true),
            ("<=2.x", "3.0.0", false),
            ("<=1.1.x", "1.1.999", true),
            ("<=1.1.x", "1.2.500", false),
            // `!=` with a wildcard excludes the whole range.
            ("!=4.1", "4.1.0", false),
            ("!=4.1", "4.1.1", false),
            ("!=4.1", "5.1.0", true),
            ("!=4.1", "4.2.0", true),
            ("!=4.x", "4.1.0", false),
            ("!=4.x", "5.1.0", true),
            ("!=4.1.x", "4.2.0", true),
            ("!=4.2.x", "4.2.3", false),
            ("!=4.1-alpha", "4.1.0", true),
            ("!=4.1-alpha", "4.1.0-alpha", false),
            ("!=4.1-alpha", "4.1.1-alpha", false),
            ("!=4.1-alpha", "4.1.1-beta", true),
        ]);
    }

    #[test]
    fn tilde() {
        run(&[
            ("~1.2.3", "1.2.3", true),
            ("~1.2.3", "1.2.4", true),
            ("~1.2.3", "1.2.99", true),
            ("~1.2.3", "1.2.2", false),
            ("~1.2.3", "1.3.0", false),
            ("~1.2.3", "2.0.0", false),
            ("~> 1.2.3", "1.2.9", true),
            ("~>1.2.3", "1.3.0", false),
            ("~1.2", "1.2.0", true),
            ("~1.2", "1.2.4", true),
            ("~1.2", "1.3.4", false),
            ("~2.3", "2.3.9", true),
            ("~2.3", "2.4.0", false),
            ("~1", "1.0.0", true),
            ("~1", "1.2.4", true),
            ("~1", "1.4", true),
            ("~1", "2.0.0", false),
            ("~1", "0.9.0", false),
            ("~1", "v1", true),
            ("~1.x", "1.3.5", true),
            ("~1.x", "2.1.1", false),
            ("~1.2.x", "1.2.7", true),
            ("~1.2.x", "1.3.0", false),
            ("~0.2.3", "0.2.5", true),
            ("~0.2.3", "0.3.5", false),
            ("~0", "0.9.9", true),
            ("~0", "1.0.0", false),
            ("~0.0", "0.0.9", true),
            ("~0.0", "0.1.0", false),
            ("~*", "2.1.1", true),
            ("~0.0.0", "1.2.3", true),
            ("~ 1.2", "1.2.1", true),
        ]);
    }

    #[test]
    fn caret() {
        run(&[
            ("^1.2.3", "1.2.3", true),
            ("^1.2.3", "1.8.9", true),
            ("^1.2.3", "1.2.1", false),
            ("^1.2.3", "2.0.0", false),
            ("^1.2.3", "2.8.9", false),
            ("^1.1.0", "2.1.0", false),
            ("^1.2", "1.2.0", true),
            ("^1.2", "1.8.9", true),
            ("^1.2", "1.1.9", false),
            ("^1.2", "2.8.9", false),
            ("^1.2.x", "1.2.0", true),
            ("^1.2.x", "1.9.0", true),
            ("^1.2.x", "2.0.0", false),
            ("^2.3", "2.3.0", true),
            ("^2.3", "2.99.0", true),
            ("^2.3", "3.0.0", false),
            ("^2.x", "2.0.0", true),
            ("^2.x", "1.1.1", false),
            ("^2.x", "3.0.0", false),
            ("^1", "1.8.9", true),
            ("^1", "2.8.9", false),
            ("^1.x", "1.1.1", true),
            ("^1.x", "2.1.1", false),
            // 0.x: the leftmost non-zero part given is the compatibility level.
            ("^0.2.3", "0.2.3", true),
            ("^0.2.3", "0.2.5", true),
            ("^0.2.3", "0.2.2", false),
            ("^0.2.3", "0.3.0", false),
            ("^0.2.3", "0.5.6", false),
            ("^0.2.3", "1.0.0", false),
            ("^0.2", "0.2.0", true),
            ("^0.2", "0.2.5", true),
            ("^0.2", "0.3.0", false),
            ("^0.2", "0.1.1", false),
            ("^0.0.3", "0.0.3", true),
            ("^0.0.3", "0.0.4", false),
            ("^0.0.3", "0.0.2", false),
            ("^0.0.3", "0.1.3", false),
            ("^0.0.1", "0.0.1", true),
            ("^0.0.1", "0.3.1", false),
            ("^0.0", "0.0.0", true),
            ("^0.0", "0.0.3", true),
            ("^0.0", "0.1.4", false),
            ("^0.0", "1.0.4", false),
            ("^0.0.x", "0.0.9", true),
            ("^0.0.x", "0.1.0", false),
            ("^0", "0.0.0", true),
            ("^0", "0.2.3", true),
            ("^0", "1.1.4", false),
            ("^0.x", "0.9.0", true),
            ("^0.x", "1.0.0", false),
            ("^0.0.0", "0.0.0", true),
            ("^0.0.0", "0.0.1", false),
            ("^0.0.0", "1.2.3", false),
            ("^ 1.2", "1.3.0", true),
        ]);
    }

    #[test]
    fn hyphen_ranges() {
        run(&[
            ("1.2 - 1.4.5", "1.2.0", true),
            ("1.2 - 1.4.5", "1.1.9", false),
            ("1.2 - 1.4.5", "1.4.5", true),
            ("1.2 - 1.4.5", "1.4.6", false),
            ("2.3.4 - 4.5", "2.3.4", true),
            ("2.3.4 - 4.5", "4.5.9", true),
            ("2.3.4 - 4.5", "4.6.0", false),
            ("1.1 - 2", "1.1.1", true),
            ("1.1 - 2", "2.9.9", true),
            ("1.1 - 2", "3.0.0", false),
            ("1.5.0 - 4.5", "3.7.0", true),
            ("1.1 - 3", "4.3.2", false),
            ("1.x - 2.x", "1.0.0", true),
            ("1.x - 2.x", "2.9.0", true),
            ("1.x - 2.x", "3.0.0", false),
            ("v1.0.0 - v2.0.0", "1.5.0", true),
            ("1.0.0 - 2.0.0 <=2.0.0", "1.5.0", true),
            ("1.0.0 - 2.0.0, <=2.0.0", "1.5.0", true),
            ("1.0.0 - 2.0.0, !=1.5.0", "1.5.0", false),
            // Two ranges joined by a comma are an AND, not an OR.
            ("2 - 3, 4.0.0 - 5.1", "3.5.0", false),
            ("2 - 3, 4.0.0 - 5.1", "4.5.0", false),
            ("2 - 3 || 5 - 6", "5.5.0", true),
            ("2 - 3 || 5 - 6", "4.0.0", false),
            ("   1.0.0   -   2.0.0   ", "2.0.0", true),
            (">=1 1.5 - 2", "1.6.0", true),
            // No spaces: `1.1-3` is the pre-release version 1.1.0-3, a tilde range.
            ("1.1-3", "4.3.2", false),
            ("1.1-3", "1.1.5", true),
            // A pre-release bound lets pre-releases in.
            ("1.0.0-0 - 2", "1.5.0-rc.1", false),
            ("1.0.0-0 - 2.0.0-0", "1.5.0-rc.1", true),
            ("1.0.0 - 2", "1.5.0-rc.1", false),
        ]);
    }

    #[test]
    fn and_or() {
        run(&[
            (">= 1.2.3 < 2.0", "1.5.0", true),
            (">= 1.2.3 < 2.0", "2.0.0", false),
            (">=1.2 <2", "1.9.9", true),
            (">=1.2,<2", "1.2.0", true),
            (">1.1, <2", "1.1.1", false),
            (">1.1, <2", "1.2.1", true),
            (">1.1, <3", "4.3.2", false),
            (">1.1 <2", "1.2.1", true),
            (">1.1    <3", "4.3.2", false),
            ("> 1.1, <     2", "1.1.1", false),
            (">   1.1, <2", "1.2.1", true),
            ("> 1.1 , < 2", "1.2.1", true),
            ("\t>1.1\t<2\n", "1.2.1", true),
            (">=1.1, <2, !=1.2.3", "1.2.3", false),
            (">=1.1, <2, !=1.2.3", "1.2.4", true),
            (">=1.1 <2 !=1.2.3", "1.2.3", false),
            (">=1.1, <2, !=1.2.3 || > 3", "4.1.2", true),
            (">=1.1, <2, !=1.2.3 || > 3", "3.1.2", false),
            (">=1.1, <2, !=1.2.3 || >= 3", "3.0.0", true),
            (">=1.1, <2, !=1.2.3 || > 3", "3.0.0", false),
            (">=1.1, <2, !=1.2.3 || > 3", "1.2.3", false),
            (">= 1.1 <2 != 1.2.3 || > 3", "4.1.2", true),
            (">= 1.2.3 < 2.0 || => 3.0 < 4", "3.5.0", true),
            (">= 1.2.3 < 2.0 || => 3.0 < 4", "2.5.0", false),
            ("~2.0.0 || =3.1.0", "3.1.0", true),
            ("~2.0.0 || =3.1.0", "3.1.1", false),
            ("1.2.3||1.2.4", "1.2.4", true),
            ("1.2 1.2.5", "1.2.5", true),
            ("1.2 1.2.5", "1.2.4", false),
            ("^1 ^2", "1.0.0", false),
            ("^1 || ^2", "2.3.0", true),
            ("12.3.34 ~1.2.3", "1.2.3", false),
        ]);
    }

    #[test]
    fn prereleases() {
        run(&[
            // No pre-release in the constraint: pre-releases never match.
            (">=1.2.3", "1.3.0-beta", false),
            (">=1.1", "4.1.0-beta", false),
            ("<=1.1", "0.1.0-alpha", false),
            ("> 1.2.3", "1.2.4-beta.1", false),
            ("^1.2.0", "1.2.1-alpha.1", false),
            ("~1.1", "1.1.1-alpha", false),
            ("~1", "1.3.5-beta", false),
            ("^1.x", "1.1.1-beta1", false),
            ("!=1.2.3", "1.2.4-rc.1", false),
            ("!=4.1", "5.1.0-alpha.1", false),
            (">0", "0.0.1-alpha", false),
            (">0.0", "0.0.1-alpha", false),
            (">=0", "0.0.1-alpha", false),
            ("<2", "1.0.0-rc.1", false),
            // A pre-release in the comparison lets them in, by precedence.
            (">=1.2.3-0", "1.2.3-alpha", true),
            (">=1.2.3-0", "1.3.0-beta", true),
            (">=1.2.3-beta", "1.2.3-alpha", false),
            (">=1.2.3-BETA", "1.2.3-alpha", true),
            (">=0.0.0-0", "0.0.0-alpha", true),
            (">=0.0.0-0", "1.2.3", true),
            (">=0.0.0-0", "3.4.5-beta.1", true),
            (">=0-0", "0.0.0-alpha", true),
            (">=0-0", "0.0.1-alpha", true),
            (">=0.0-0", "0.0.1-alpha", true),
            (">0-0", "0.0.1-alpha", false),
            (">0.0-0", "0.0.1-alpha", false),
            (">0-0", "0.0.0-alpha", false),
            (">0.0.0-0", "0.0.0-alpha", true),
            (">1.2.3-alpha.1", "1.2.3-alpha.2", true),
            (">1.2.3-alpha.1", "1.3.3-alpha.2", true),
            ("<0", "0.0.0-alpha", false),
            ("<0-z", "0.0.0-alpha", true),
            ("<=1.1-a", "0.1.0-alpha", true),
            ("~1.2.3-beta.2", "1.2.3-beta.4", true),
            ("~1.2.3-beta.2", "1.2.3-beta.1", false),
            ("~1.2.3-beta.2", "1.2.4-beta.2", true),
            ("~1.2.3-beta.2", "1.3.4-beta.2", false),
            ("~1.2.3-beta.2", "1.2.3", true),
            ("~1.1-alpha", "1.1.1-beta", true),
            ("~1.1.1-beta", "1.1.1-alpha", false),
            ("~1.1.1-beta", "1.1.1", true),
            ("~1.3.6-alpha", "1.3.5-beta", false),
            ("~1.3.5-alpha", "1.3.5-beta", true),
            ("^1.2.0-alpha.0", "1.2.1-alpha.1", true),
            ("^1.2.0-alpha.0", "1.2.1-alpha.0", true),
            ("^1.2.0-alpha.2", "1.2.0-alpha.1", false),
            ("^1.1.2-alpha", "1.2.1-beta1", true),
            ("^1.2.x-alpha", "1.1.1-beta1", false),
            ("^1.1.1-alpha", "1.1.1-beta", true),
            ("^1.1.1-beta", "1.1.1-alpha", false),
            ("^0.2.3-beta.2", "0.2.3-beta.4", true),
            ("^0.2.3-beta.2", "0.2.4-beta.2", true),
            ("^0.2.3-beta.2", "0.3.4-beta.2", false),
            ("^0.2.3-beta.2", "0.2.3-beta.2", true),
            // Numeric identifiers compare as numbers.
            (">=1.0.0-rc.2", "1.0.0-rc.10", true),
            (">=1.0.0-rc.10", "1.0.0-rc.2", false),
            // The rule is per comparison (Masterminds v3.1, as Flux v1 used it): every
            // comparison must name a pre-release for a pre-release to pass.
            (">=1.2.3-0 <2", "1.5.0-rc.1", false),
            (">=1.2.3-0, <2", "2.0.0-rc.1", false),
            (">=1.2.3-0 <2", "1.5.0", true),
            (">=1.2.3-0 <2", "2.0.0", false),
            (">=1.2.3-0 <2.0.0-0", "1.5.0-rc.1", true),
            (">=1.2.3-0 <2 || >=3", "3.1.0-rc.1", false),
            (">=1.2.3-0 <2 || >=3-0", "3.1.0-rc.1", true),
            (">=1.2.3-0 <2 || >=3", "3.1.0", true),
            ("!=1.2.3-rc.1 >=1", "1.2.3-rc.2", false),
            ("!=1.2.3-rc.1 >=1.0.0-0", "1.2.3-rc.2", true),
            ("!=1.2.3-rc.1 >=1.0.0-0", "1.2.3-rc.1", false),
            // Build metadata never makes a pre-release.
            (">=1.2.3", "1.3.0+build.1", true),
        ]);
    }

    #[test]
    fn library_edge_cases() {
        run(&[
            // Wildcard major with operators other than `=`, `~`, `>=` (Masterminds' code).
            (">=*", "0.0.0", true),
            (">=*", "5.0.0", true),
            (">*", "0.0.0", false),
            (">*", "0.0.1", true),
            ("<*", "0.0.0", false),
            ("<=*", "0.0.9", true),
            ("<=*", "0.1.0", false),
            ("!=*", "0.0.0", false),
            ("!=*", "0.0.1", true),
            ("!=*", "1.0.0", true),
            ("^*", "0.0.0", true),
            ("^*", "1.0.0", false),
        ]);
    }

    #[test]
    fn invalid_constraints() {
        let cases: &[(&str, &str)] = &[
            ("", "the constraint is empty"),
            ("   ", "the constraint is empty"),
            ("1.2 ||", "an alternative between \"||\" is empty"),
            ("|| 1.2", "an alternative between \"||\" is empty"),
            ("1 || || 2", "an alternative between \"||\" is empty"),
            ("1 | 2", "\"|\" is not an operator; use \"||\" for OR"),
            ("1 ||| 2", "\"|\" is not an operator; use \"||\" for OR"),
            (",1.2", "unexpected \",\""),
            ("1.2,", "unexpected \",\""),
            ("1.2,,1.3", "unexpected \",\""),
            ("1.2, ,1.3", "unexpected \",\""),
            (">=", "\">=\" is not followed by a version"),
            (">= ,1.2", "\">=\" is not followed by a version"),
            ("<= -", "\"<=\" is not followed by a version"),
            (
                ">=x1",
                "\"x1\" is not a valid version: \"x1\" is not a number",
            ),
            (
                ">= bar",
                "\"bar\" is not a valid version: \"bar\" is not a number",
            ),
            (
                "BAR >= 1.2.3",
                "\"BAR\" is not a valid version: \"BAR\" is not a number",
            ),
            (
                "foo",
                "\"foo\" is not a valid version: \"foo\" is not a number",
            ),
            (
                "12.3.4.1234",
                "\"12.3.4.1234\" is not a valid version: more than three numbers",
            ),
            (
                "12.3.34~ 1.2.3",
                "\"12.3.34~\" is not a valid version: \"34~\" is not a number",
            ),
            (
                ">=1.2.3<2",
                "\"1.2.3<2\" is not a valid version: \"3<2\" is not a number",
            ),
            ("> = 1.2", "\">\" is not followed by a version"),
            (
                "==1.2",
                "\"=1.2\" is not a valid version: \"=1\" is not a number",
            ),
            (
                "V1.2",
                "\"V1.2\" is not a valid version: \"V1\" is not a number",
            ),
            (
                "~1.2.3-01",
                "\"1.2.3-01\" is not a valid version: numeric pre-release identifier \"01\" has a leading zero",
            ),
            (
                "1.2.3-",
                "\"1.2.3-\" is not a valid version: empty pre-release identifier",
            ),
            (
                "1.x.y",
                "\"1.x.y\" is not a valid version: \"y\" is not a number",
            ),
            (
                "1.xx",
                "\"1.xx\" is not a valid version: \"xx\" is not a number",
            ),
            (
                "**",
                "\"**\" is not a valid version: \"**\" is not a number",
            ),
            (
                "99999999999999999999.1",
                "\"99999999999999999999.1\" is not a valid version: number 99999999999999999999 is too large",
            ),
            (
                "1.2 -1.4",
                "\"-1.4\" is not a valid version: missing number",
            ),
            (
                "1.2- 1.4",
                "\"1.2-\" is not a valid version: empty pre-release identifier",
            ),
            (
                ">1 - 2",
                "a hyphen range joins two plain versions, not \">1\"",
            ),
            (
                "1 - <2",
                "a hyphen range joins two plain versions, not \"<2\"",
            ),
            (
                "1 -",
                "\"-\" must stand between two versions, as in \"1.2 - 1.4\"",
            ),
            (
                "- 1",
                "\"-\" must stand between two versions, as in \"1.2 - 1.4\"",
            ),
            (
                "1 - 2 - 3",
                "\"-\" must stand between two versions, as in \"1.2 - 1.4\"",
            ),
            (
                "1 -, 2",
                "\"-\" must stand between two versions, as in \"1.2 - 1.4\"",
            ),
        ];
        for (text, want) in cases {
            match Constraint::parse(text) {
                Ok(c) => panic!("{text:?} parsed as {c:?}, want error {want:?}"),
                Err(err) => assert_eq!(err.to_string(), *want, "constraint {text:?}"),
            }
        }
    }

    #[test]
    fn wildcard_parts_beyond_a_wildcard_may_be_huge() {
        // Masterminds never reads the ignored parts as numbers.
        assert!(check("1.x.99999999999999999999", "1.5.0"));
    }
}

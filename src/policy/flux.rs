//! Flux v2's ImagePolicy choices, as image-reflector-controller 1.x makes them, for the
//! sites its `$imagepolicy` markers govern.
//!
//! - The ImageRepository's `exclusionList` (default `^.*\.sig$`; a list given replaces it)
//!   drops every tag one of its expressions matches anywhere.
//! - `filterTags.pattern` keeps the tags it matches anywhere (empty: all); `extract`
//!   (`$1`, `$name`, `${name}`) makes the value that is ordered, while the tag itself is
//!   what is written.
//! - `semver.range`: values with at least two dots that parse as versions (a `v` and
//!   leading zeros allowed), within the range, pre-releases decided per AND group as
//!   Masterminds v3.4 does; the highest wins, and of equal versions the greatest tag.
//! - `alphabetical.order`: byte order; `asc` (the default) takes the greatest, `desc` the
//!   least.
//! - `numerical.order`: every value must be a number, or the policy cannot select; `asc`
//!   takes the greatest, `desc` the least, and of equal numbers the least tag.
//!
//! Where Flux leaves ties to a map's random order (with `filterTags`), the ties above make
//! the choice stable between runs.

use std::cmp::{Ordering, Reverse};
use std::fmt;

use regex::Regex;

use super::constraint::Constraint;
use super::version::Version;

/// What an ImagePolicy and its ImageRepository say about choosing a tag.
#[derive(Clone, Debug, Default)]
pub struct PolicySpec {
    /// `spec.policy.semver.range`.
    pub semver: Option<String>,
    /// `spec.policy.alphabetical.order` (`asc` when the object is there without it).
    pub alphabetical: Option<String>,
    /// `spec.policy.numerical.order`.
    pub numerical: Option<String>,
    /// `spec.filterTags.pattern`.
    pub pattern: Option<String>,
    /// `spec.filterTags.extract`.
    pub extract: Option<String>,
    /// The ImageRepository's `spec.exclusionList`, when it has one.
    pub exclusions: Option<Vec<String>>,
}

/// How values are ordered.
#[derive(Clone, Debug)]
enum Order {
    Semver {
        range: String,
        constraint: Constraint,
    },
    Alphabetical {
        descending: bool,
    },
    Numerical {
        descending: bool,
    },
}

/// A compiled policy.
#[derive(Clone, Debug)]
pub struct FluxPolicy {
    /// `namespace/name` of the ImagePolicy.
    name: String,
    order: Order,
    filter: Option<Regex>,
    extract: String,
    exclusions: Vec<Regex>,
}

/// A tag's place in a policy's order; smaller is newer.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum FluxRank {
    /// `semver`: highest version first.
    Version(Reverse<Version>),
    /// `alphabetical` `asc`: greatest first.
    Greatest(Reverse<String>),
    /// `alphabetical` `desc`: least first.
    Least(String),
    /// `numerical` `asc`: greatest first.
    Most(Reverse<Number>),
    /// `numerical` `desc`: least first.
    Fewest(Number),
}

/// A number ordered as `f64::total_cmp` orders it.
#[derive(Clone, Copy, Debug)]
pub struct Number(f64);

impl PartialEq for Number {
    fn eq(&self, other: &Number) -> bool {
        self.0.total_cmp(&other.0) == Ordering::Equal
    }
}

impl Eq for Number {}

impl PartialOrd for Number {
    fn partial_cmp(&self, other: &Number) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Number {
    fn cmp(&self, other: &Number) -> Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// The exclusion list an ImageRepository has when it names none.
const DEFAULT_EXCLUSIONS: [&str; 1] = [r"^.*\.sig$"];

impl FluxPolicy {
    /// Compile a policy; the error says what Flux would stall on (no policy, an invalid
    /// range, order or expression).
    pub fn new(name: &str, spec: &PolicySpec) -> Result<FluxPolicy, String> {
        let direction = |order: &Option<String>, what: &str| match order
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            None | Some("" | "asc") => Ok(false),
            Some("desc") => Ok(true),
            Some(other) => Err(format!("{what}.order {other:?}: expected asc or desc")),
        };
        let order = if let Some(range) = &spec.semver {
            let constraint = Constraint::parse(range)
                .map_err(|e| format!("semver.range {range:?} is not a valid range: {e}"))?;
            Order::Semver {
                range: range.clone(),
                constraint,
            }
        } else if spec.alphabetical.is_some() {
            Order::Alphabetical {
                descending: direction(&spec.alphabetical, "alphabetical")?,
            }
        } else if spec.numerical.is_some() {
            Order::Numerical {
                descending: direction(&spec.numerical, "numerical")?,
            }
        } else {
            return Err("it names no policy (semver, alphabetical or numerical)".to_owned());
        };
        let compile = |expression: &str, what: &str| {
            Regex::new(expression)
                .map_err(|e| format!("{what} {expression:?} is not a valid expression: {e}"))
        };
        let filter = match spec.pattern.as_deref() {
            Some(pattern) if !pattern.is_empty() => Some(compile(pattern, "filterTags.pattern")?),
            _ => None,
        };
        let exclusions = match &spec.exclusions {
            Some(list) => list.clone(),
            None => DEFAULT_EXCLUSIONS.iter().map(|e| (*e).to_owned()).collect(),
        };
        let exclusions = exclusions
            .iter()
            .map(|e| compile(e, "the ImageRepository's exclusionList entry"))
            .collect::<Result<_, _>>()?;
        Ok(FluxPolicy {
            name: name.to_owned(),
            order,
            filter,
            extract: spec.extract.clone().unwrap_or_default(),
            exclusions,
        })
    }

    /// The value a tag is ordered by: `None` when the exclusion list or the filter drops
    /// it.
    pub fn value(&self, tag: &str) -> Option<String> {
        if self.exclusions.iter().any(|e| e.is_match(tag)) {
            return None;
        }
        let Some(filter) = &self.filter else {
            return Some(tag.to_owned());
        };
        let captures = filter.captures(tag)?;
        if self.extract.is_empty() {
            return Some(tag.to_owned());
        }
        let mut value = String::new();
        captures.expand(&self.extract, &mut value);
        Some(value)
    }

    /// Where `tag` stands in the order; `None` when it is dropped, or is not a version in
    /// the range (semver) or not a number (numerical).
    pub fn rank(&self, tag: &str) -> Option<FluxRank> {
        let value = self.value(tag)?;
        match &self.order {
            Order::Semver { constraint, .. } => {
                let version = flux_version(&value)?;
                constraint
                    .matches_grouped(&version)
                    .then_some(FluxRank::Version(Reverse(version)))
            }
            Order::Alphabetical { descending: false } => Some(FluxRank::Greatest(Reverse(value))),
            Order::Alphabetical { descending: true } => Some(FluxRank::Least(value)),
            Order::Numerical { descending } => {
                let number = Number(value.parse::<f64>().ok()?);
                Some(if *descending {
                    FluxRank::Fewest(number)
                } else {
                    FluxRank::Most(Reverse(number))
                })
            }
        }
    }

    /// Whether of two tags in the same place the greater wins (semver, as Flux scans the
    /// tags it stores in descending order and keeps the first), or the lesser (numerical,
    /// where Flux keeps the last).
    pub fn ties_to_greater(&self) -> bool {
        matches!(self.order, Order::Semver { .. })
    }

    /// Why the policy cannot select among `tags`: a numerical policy with a value that is
    /// not a number fails whole, as Flux's does.
    pub fn check<'t>(&self, tags: impl IntoIterator<Item = &'t str>) -> Result<(), String> {
        if !matches!(self.order, Order::Numerical { .. }) {
            return Ok(());
        }
        for tag in tags {
            if let Some(value) = self.value(tag)
                && value.parse::<f64>().is_err()
            {
                return Err(format!(
                    "ImagePolicy {}: the numerical policy cannot order tag {tag:?} (value {value:?} is not a number); add a filterTags pattern that leaves it out",
                    self.name
                ));
            }
        }
        Ok(())
    }
}

/// A value as Flux 2.7's version parser reads it: at least two dots, then a version with
/// an optional `v` (leading zeros allowed).
fn flux_version(value: &str) -> Option<Version> {
    if value.splitn(3, '.').count() < 3 {
        return None;
    }
    Version::parse(value).ok()
}

impl fmt::Display for FluxPolicy {
    /// `ImagePolicy ns/name (semver 1.x)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ImagePolicy {} (", self.name)?;
        match &self.order {
            Order::Semver { range, .. } => write!(f, "semver {range}")?,
            Order::Alphabetical { descending } => {
                write!(
                    f,
                    "alphabetical {}",
                    if *descending { "desc" } else { "asc" }
                )?;
            }
            Order::Numerical { descending } => {
                write!(f, "numerical {}", if *descending { "desc" } else { "asc" })?;
            }
        }
        if let Some(filter) = &self.filter {
            write!(f, ", tags matching {}", filter.as_str())?;
        }
        f.write_str(")")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(spec: PolicySpec) -> FluxPolicy {
        FluxPolicy::new("flux-system/app", &spec).unwrap()
    }

    fn semver(range: &str) -> PolicySpec {
        PolicySpec {
            semver: Some(range.to_owned()),
            ..PolicySpec::default()
        }
    }

    /// The tag the policy selects among `tags`, with Flux's ties.
    fn latest(p: &FluxPolicy, tags: &[&str]) -> Option<String> {
        p.check(tags.iter().copied()).ok()?;
        tags.iter()
            .filter_map(|t| p.rank(t).map(|r| (r, *t)))
            .min_by(|(ra, a), (rb, b)| {
                ra.cmp(rb).then_with(|| {
                    if p.ties_to_greater() {
                        b.cmp(a)
                    } else {
                        a.cmp(b)
                    }
                })
            })
            .map(|(_, t)| t.to_owned())
    }

    /// image-reflector-controller's policy tests (internal/policy), case for case: the
    /// tags, the range or order, and the tag chosen (`None`: the policy reports an error).
    #[test]
    fn the_reflectors_own_cases() {
        let semver_cases: [(&str, &[&str], Option<&str>); 5] = [
            (
                "1.0.x",
                &["1.0.0", "1.0.0.1", "1.0.0p", "1.0.1", "1.2.0", "0.1.0"],
                Some("1.0.1"),
            ),
            ("1.0.x", &["v1.2.3", "v1.0.0", "v0.1.0"], Some("v1.0.0")),
            ("1.0.x", &["b1.2.3", "b1.0.0", "b0.1.0"], None),
            ("1.0.x", &[], None),
            ("1.0.x", &["1.2.0"], None),
        ];
        for (range, tags, want) in semver_cases {
            assert_eq!(
                latest(&policy(semver(range)), tags).as_deref(),
                want,
                "{range} {tags:?}"
            );
        }
        for valid in ["1.0.x", "^1.0", "=1.0.0", "~1.0", ">=1.0", ">0,<2.0"] {
            assert!(FluxPolicy::new("ns/p", &semver(valid)).is_ok(), "{valid}");
        }
        for invalid in ["1.0.0p", "1x", "x1", "-1", "a", ""] {
            assert!(
                FluxPolicy::new("ns/p", &semver(invalid)).is_err(),
                "{invalid:?}"
            );
        }
        let stamps = [
            "1606234201",
            "1606364286",
            "1606334092",
            "1606334284",
            "1606334201",
        ];
        let ubuntu = ["16.04", "16.04.1", "16.10", "20.04", "20.10"];
        let names = ["xenial", "yakkety", "zesty", "artful", "bionic"];
        let prefixed = stamps.map(|s| format!("rel-{s}"));
        let prefixed: Vec<&str> = prefixed.iter().map(String::as_str).collect();
        let ints_asc = [
            "-62", "-88", "73", "72", "15", "16", "15", "29", "-33", "-91",
        ];
        let ints_desc = ["5", "-8", "-78", "25", "70", "-4", "80", "92", "-20", "-24"];
        let floats_asc = [
            "47.40896403322944",
            "-27.8520927455902",
            "-27.930666514224427",
            "-31.352485948094568",
            "-50.41072694704882",
            "-21.962849842263736",
            "24.71884721436865",
            "-39.99177354004344",
            "53.47333823144817",
            "3.2008658570411086",
        ];
        let floats_desc = [
            "-65.27202780220686",
            "57.82948329142309",
            "22.40184684363291",
            "-86.36934305697784",
            "-90.29082099756083",
            "-12.041712603564264",
            "77.70488240399305",
            "-38.98425003883552",
            "16.06867070412028",
            "53.735674335181216",
        ];
        let order_cases: [(&str, &str, &[&str], Option<&str>); 18] = [
            ("alphabetical", "", &ubuntu, Some("20.10")),
            ("alphabetical", "desc", &ubuntu, Some("16.04")),
            ("alphabetical", "asc", &names, Some("zesty")),
            ("alphabetical", "desc", &names, Some("artful")),
            ("alphabetical", "asc", &stamps, Some("1606364286")),
            ("alphabetical", "desc", &stamps, Some("1606234201")),
            ("alphabetical", "asc", &prefixed, Some("rel-1606364286")),
            ("alphabetical", "asc", &[], None),
            ("numerical", "", &ints_asc, Some("73")),
            ("numerical", "desc", &ints_desc, Some("-78")),
            ("numerical", "asc", &floats_asc, Some("53.47333823144817")),
            (
                "numerical",
                "desc",
                &floats_desc,
                Some("-90.29082099756083"),
            ),
            ("numerical", "asc", &stamps, Some("1606364286")),
            ("numerical", "desc", &stamps, Some("1606234201")),
            ("numerical", "asc", &["1"], Some("1")),
            ("numerical", "desc", &["1"], Some("1")),
            ("numerical", "asc", &["0", "1a", "b"], None),
            ("numerical", "asc", &[], None),
        ];
        for (kind, order, tags, want) in order_cases {
            let p = policy(ordered(kind, order));
            assert_eq!(latest(&p, tags).as_deref(), want, "{kind} {order} {tags:?}");
            // The order the tags come in does not matter.
            let reversed: Vec<&str> = tags.iter().rev().copied().collect();
            assert_eq!(
                latest(&p, &reversed).as_deref(),
                want,
                "{kind} {order} reversed"
            );
        }
        for kind in ["alphabetical", "numerical"] {
            assert!(
                FluxPolicy::new("ns/p", &ordered(kind, "invalid")).is_err(),
                "{kind}"
            );
        }
        // filterTags: a pattern keeps what it matches; `$1` extracts the value ordered.
        let filtered = |pattern: &str, extract: &str| {
            policy(PolicySpec {
                pattern: Some(pattern.into()),
                extract: Some(extract.into()),
                ..ordered("alphabetical", "asc")
            })
        };
        let tags = ["ver1", "ver2", "ver3", "rel1"];
        let p = filtered("^ver", "");
        let kept: Vec<&str> = tags
            .iter()
            .copied()
            .filter(|t| p.value(t).is_some())
            .collect();
        assert_eq!(kept, ["ver1", "ver2", "ver3"]);
        let p = filtered(r"ver(\d+)", "$1");
        let values: Vec<String> = tags.iter().filter_map(|t| p.value(t)).collect();
        assert_eq!(values, ["1", "2", "3"]);
        assert_eq!(latest(&filtered("", ""), &["a"]).as_deref(), Some("a"));
    }

    /// An alphabetical or numerical policy in `order`.
    fn ordered(kind: &str, order: &str) -> PolicySpec {
        let order = Some(order.to_owned());
        match kind {
            "alphabetical" => PolicySpec {
                alphabetical: order,
                ..PolicySpec::default()
            },
            _ => PolicySpec {
                numerical: order,
                ..PolicySpec::default()
            },
        }
    }

    #[test]
    fn semver_ties_pre_releases_and_parsing() {
        // Two dots needed; a `v` and leading zeros are fine.
        let p = policy(semver(">=1.0.0"));
        assert_eq!(
            latest(&p, &["1.2", "v1", "1.2.3.4", "1.0.0"]).as_deref(),
            Some("1.0.0")
        );
        assert_eq!(
            latest(
                &policy(semver(">=2025.0.0")),
                &["v2025.07.03", "2025.06.30"]
            )
            .as_deref(),
            Some("v2025.07.03")
        );
        // Equal versions: the greatest tag, as Flux's descending scan keeps the first.
        assert_eq!(latest(&p, &["1.0.0", "v1.0.0"]).as_deref(), Some("v1.0.0"));
        // A pre-release in one comparison opens its whole group (Masterminds v3.4).
        let p = policy(semver(">= 1.0.0-0 <= 2.0.0"));
        assert_eq!(
            latest(&p, &["1.0.0", "1.0.1-beta"]).as_deref(),
            Some("1.0.1-beta")
        );
        let p = policy(semver(">=1.0.0 <2.0.0"));
        assert_eq!(
            latest(&p, &["1.0.0", "1.0.1-beta"]).as_deref(),
            Some("1.0.0")
        );
        let err = FluxPolicy::new("ns/p", &semver("*&^%")).unwrap_err();
        assert!(
            err.starts_with("semver.range \"*&^%\" is not a valid range"),
            "{err}"
        );
    }

    #[test]
    fn a_non_numeric_tag_fails_a_numerical_policy() {
        let p = policy(ordered("numerical", "asc"));
        let err = p.check(["1", "two"]).unwrap_err();
        assert_eq!(
            err,
            "ImagePolicy flux-system/app: the numerical policy cannot order tag \"two\" (value \"two\" is not a number); add a filterTags pattern that leaves it out"
        );
        assert!(FluxPolicy::new("ns/p", &PolicySpec::default()).is_err());
    }

    #[test]
    fn filters_extracts_and_exclusions() {
        let spec = PolicySpec {
            numerical: Some("asc".into()),
            pattern: Some(r"^main-[a-f0-9]+-(?P<ts>[0-9]+)".into()),
            extract: Some("$ts".into()),
            ..PolicySpec::default()
        };
        let p = policy(spec);
        let tags = [
            "main-1a2b-1700000200",
            "main-3c4d-1700000100",
            "latest",
            "pr-9-1800000000",
        ];
        assert_eq!(latest(&p, &tags).as_deref(), Some("main-1a2b-1700000200"));
        // The default exclusion list drops signatures; a list given replaces it.
        let alpha = PolicySpec {
            alphabetical: Some("asc".into()),
            ..PolicySpec::default()
        };
        assert_eq!(
            latest(&policy(alpha.clone()), &["a", "sha256-x.sig"]).as_deref(),
            Some("a")
        );
        let own = PolicySpec {
            exclusions: Some(vec!["^a$".into()]),
            ..alpha
        };
        assert_eq!(
            latest(&policy(own), &["a", "sha256-x.sig"]).as_deref(),
            Some("sha256-x.sig")
        );
        let bad = PolicySpec {
            pattern: Some("(".into()),
            ..semver("*")
        };
        assert!(
            FluxPolicy::new("ns/p", &bad)
                .unwrap_err()
                .starts_with("filterTags.pattern \"(\"")
        );
    }
}

//! Choosing among a repository's tags and ordering them for `list-images`.
//!
//! A *candidate* is a tag the pattern allows ([`Pattern::allows`]) that can also be placed
//! in the pattern's order: for `semver:` it parses as a version (it always does, if
//! allowed); for `glob:`/`regex:` its creation time is known. An allowed tag without a
//! time is skipped and can be reported with [`skipped_for_missing_time`].
//!
//! Order, newest first: `semver:` by version precedence; `glob:`/`regex:` by creation
//! time. Ties go by tag, byte order: equal versions (`1.2`, `1.2.0`, `v1.2.0`) by descending
//! tag, as Flux v1's semver order did; equal times by ascending tag. So the choice is
//! deterministic and stable between runs.

use std::cmp::Reverse;

use chrono::{DateTime, Utc};

use super::{FluxRank, Pattern, Version};

/// What the registry knows of one tag (the caller fills it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagFacts {
    /// The tag.
    pub tag: String,
    /// When the image was built, if the registry could tell.
    pub created: Option<DateTime<Utc>>,
    /// Whether the tag has an image for the platform in use; a tag without one is never a
    /// candidate.
    pub available: bool,
}

impl TagFacts {
    /// Facts for `tag`, available for the platform.
    pub fn new(tag: impl Into<String>, created: Option<DateTime<Utc>>) -> TagFacts {
        TagFacts {
            tag: tag.into(),
            created,
            available: true,
        }
    }
}

/// The tag a container runs now.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CurrentTag<'a> {
    /// The tag as written in the manifest; `None` when the image has no tag (a bare name
    /// or a digest only), which no pattern allows, so the newest candidate is taken.
    pub tag: Option<&'a str>,
    /// Its creation time, if known. When `None`, [`decide`] also looks for the tag among
    /// the repository's [`TagFacts`].
    pub created: Option<DateTime<Utc>>,
}

/// The decision for one container.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Move the container to this tag.
    Update {
        /// The newest candidate.
        to: String,
    },
    /// The current tag is allowed and no candidate is newer (no downgrades).
    UpToDate,
    /// The pattern orders by time and the current tag is allowed, but its creation time is
    /// unknown, so it cannot be shown that `newest` is newer. Flux v1 skipped such a
    /// container with a warning; so does tagpilot rather than risk a downgrade (an explicit
    /// `release` still works).
    CurrentTimeUnknown {
        /// The newest candidate, for the report.
        newest: String,
    },
    /// No tag is a candidate.
    NoCandidate,
}

/// A tag's place in the pattern's order; smaller is newer.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Rank {
    Version(Reverse<Version>),
    Time(Reverse<DateTime<Utc>>),
    Flux(FluxRank),
}

/// How ties in the order are broken: equal versions (`1.10` and `1.10.0`, `v1.2.0` and
/// `1.2.0`) by descending tag, as Flux v1 ordered them; equal times by ascending tag.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Tie<'a> {
    Descending(Reverse<&'a str>),
    Ascending(&'a str),
}

/// The tie-break key of a tag under a pattern.
fn tie<'a>(pattern: &Pattern, tag: &'a str) -> Tie<'a> {
    if let Pattern::Flux(policy) = pattern {
        return if policy.ties_to_greater() {
            Tie::Descending(Reverse(tag))
        } else {
            Tie::Ascending(tag)
        };
    }
    if pattern.orders_by_version() {
        Tie::Descending(Reverse(tag))
    } else {
        Tie::Ascending(tag)
    }
}

/// Where `facts` goes in the pattern's order, allowed or not; `None` when the order cannot
/// place it (not a version; no time).
fn rank(pattern: &Pattern, facts: &TagFacts) -> Option<Rank> {
    if let Pattern::Flux(policy) = pattern {
        return policy.rank(&facts.tag).map(Rank::Flux);
    }
    if pattern.orders_by_version() {
        Version::parse(&facts.tag)
            .ok()
            .map(|v| Rank::Version(Reverse(v)))
    } else {
        facts.created.map(|t| Rank::Time(Reverse(t)))
    }
}

fn candidate_rank(pattern: &Pattern, facts: &TagFacts) -> Option<Rank> {
    if facts.available && pattern.allows(&facts.tag) {
        rank(pattern, facts)
    } else {
        None
    }
}

/// Whether `facts` is a candidate: available for the platform, allowed by the pattern and
/// placeable in its order (a version for `semver:`, a time for `glob:` and `regex:`).
pub fn is_candidate(pattern: &Pattern, facts: &TagFacts) -> bool {
    candidate_rank(pattern, facts).is_some()
}

/// The newest candidate (semver: highest version; glob/regex: latest created; ties by
/// ascending tag; a tag with no time is skipped under glob/regex).
pub fn newest_allowed<'a>(pattern: &Pattern, tags: &'a [TagFacts]) -> Option<&'a TagFacts> {
    tags.iter()
        .filter_map(|facts| candidate_rank(pattern, facts).map(|rank| (rank, facts)))
        .min_by(|(a_rank, a), (b_rank, b)| {
            a_rank
                .cmp(b_rank)
                .then_with(|| tie(pattern, &a.tag).cmp(&tie(pattern, &b.tag)))
        })
        .map(|(_, facts)| facts)
}

/// The tags the pattern allows, available for the platform, that it cannot use because
/// their creation time is unknown (always none for `semver:`), in the order given, for the
/// report.
pub fn skipped_for_missing_time<'a>(pattern: &Pattern, tags: &'a [TagFacts]) -> Vec<&'a TagFacts> {
    if pattern.orders_by_version() {
        return Vec::new();
    }
    tags.iter()
        .filter(|facts| facts.available && facts.created.is_none() && pattern.allows(&facts.tag))
        .collect()
}

/// Sorts all tags of a repository in the container's pattern order for `list-images`:
///
/// 1. the candidates, newest first, exactly as [`newest_allowed`] ranks them (so the first
///    row is the tag a `sync` would choose);
/// 2. the other tags the order can place, newest first by the same key (versions for
///    `semver:`, creation times for `glob:`/`regex:`), as Flux v1's list-images sorted all
///    tags with the pattern's order;
/// 3. the tags it cannot place (not a version; no known time), by ascending tag.
///
/// Ties inside each group go as in [`newest_allowed`]; the last group by ascending tag.
pub fn sort_for_listing(pattern: &Pattern, tags: &mut [TagFacts]) {
    let mut keyed: Vec<(u8, Option<Rank>, TagFacts)> = tags
        .iter()
        .map(|facts| {
            let rank = rank(pattern, facts);
            let group: u8 = match (&rank, pattern.allows(&facts.tag)) {
                (Some(_), true) => 0,
                (Some(_), false) => 1,
                (None, _) => 2,
            };
            (group, rank, facts.clone())
        })
        .collect();
    keyed.sort_by(|(ga, ra, a), (gb, rb, b)| {
        fn ties<'t>(pattern: &Pattern, t: &'t TagFacts, group: u8) -> Tie<'t> {
            if group < 2 {
                tie(pattern, &t.tag)
            } else {
                Tie::Ascending(&t.tag)
            }
        }
        (ga, ra)
            .cmp(&(gb, rb))
            .then_with(|| ties(pattern, a, *ga).cmp(&ties(pattern, b, *gb)))
    });
    for (slot, (_, _, facts)) in tags.iter_mut().zip(keyed) {
        *slot = facts;
    }
}

/// The decision for one container: no downgrades.
///
/// - No candidate: [`Decision::NoCandidate`].
/// - The current tag is not allowed (or there is none): update to the newest candidate,
///   whatever its age.
/// - The current tag is allowed: update only if the newest candidate is strictly newer (a
///   higher version; a strictly later creation time), else [`Decision::UpToDate`]. Equal
///   versions (`1.2` and `1.2.0`) and equal times are up to date, so runs do not flap.
///   Under a time order, an unknown current time gives [`Decision::CurrentTimeUnknown`].
pub fn decide(pattern: &Pattern, current: &CurrentTag<'_>, tags: &[TagFacts]) -> Decision {
    let Some(newest) = newest_allowed(pattern, tags) else {
        return Decision::NoCandidate;
    };
    let update = || Decision::Update {
        to: newest.tag.clone(),
    };
    let Some(current_tag) = current.tag.filter(|tag| pattern.allows(tag)) else {
        return update();
    };
    if newest.tag == current_tag {
        return Decision::UpToDate;
    }
    let newer = if pattern.orders_by_version() {
        let current = TagFacts::new(current_tag, None);
        match (rank(pattern, newest), rank(pattern, &current)) {
            // Smaller is newer.
            (Some(newest), Some(current)) => newest < current,
            // An allowed tag always has a place; should it not, keep what runs.
            _ => false,
        }
    } else {
        let current_created = current.created.or_else(|| {
            tags.iter()
                .find(|facts| facts.tag == current_tag)
                .and_then(|facts| facts.created)
        });
        match (newest.created, current_created) {
            (Some(newest), Some(current)) => newest > current,
            _ => {
                return Decision::CurrentTimeUnknown {
                    newest: newest.tag.clone(),
                };
            }
        }
    };
    if newer { update() } else { Decision::UpToDate }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(minute: u32) -> Option<DateTime<Utc>> {
        Some(Utc.with_ymd_and_hms(2016, 7, 20, 13, minute, 0).unwrap())
    }

    fn facts(rows: &[(&str, Option<DateTime<Utc>>)]) -> Vec<TagFacts> {
        rows.iter()
            .map(|(tag, t)| TagFacts::new(*tag, *t))
            .collect()
    }

    fn pattern(text: &str) -> Pattern {
        Pattern::parse(text).unwrap()
    }

    fn newest(pattern_text: &str, tags: &[TagFacts]) -> Option<String> {
        newest_allowed(&pattern(pattern_text), tags).map(|f| f.tag.clone())
    }

    fn listed(pattern_text: &str, mut tags: Vec<TagFacts>) -> Vec<String> {
        sort_for_listing(&pattern(pattern_text), &mut tags);
        tags.into_iter().map(|f| f.tag).collect()
    }

    fn current(tag: &str, created: Option<DateTime<Utc>>) -> CurrentTag<'_> {
        CurrentTag {
            tag: Some(tag),
            created,
        }
    }

    fn update(to: &str) -> Decision {
        Decision::Update { to: to.into() }
    }

    #[test]
    fn newest_by_time() {
        let tags = facts(&[
            ("master-a000000", at(15)),
            ("master-9a16ff9", at(59)),
            ("master-a000001", at(16)),
            ("latest", at(59)),
            ("v1.0.0", at(30)),
        ]);
        assert_eq!(newest("glob:*", &tags).as_deref(), Some("master-9a16ff9"));
        assert_eq!(newest("master-*", &tags).as_deref(), Some("master-9a16ff9"));
        assert_eq!(newest("regex:^v", &tags).as_deref(), Some("v1.0.0"));
        assert_eq!(newest("glob:latest", &tags).as_deref(), Some("latest"));
        assert_eq!(newest("glob:nope-*", &tags), None);
    }

    #[test]
    fn time_ties_go_by_ascending_tag() {
        let tags = facts(&[("b", at(1)), ("c", at(1)), ("a", at(1)), ("Z", at(0))]);
        assert_eq!(newest("glob:*", &tags).as_deref(), Some("a"));
        let tags = facts(&[("b", at(1)), ("B", at(1)), ("a", at(1))]);
        assert_eq!(newest("glob:*", &tags).as_deref(), Some("B"));
    }

    #[test]
    fn tags_without_time_are_skipped_under_time_patterns() {
        let tags = facts(&[("new", None), ("old", at(1)), ("older", at(0))]);
        assert_eq!(newest("glob:*", &tags).as_deref(), Some("old"));
        assert!(!is_candidate(&pattern("glob:*"), &tags[0]));
        let skipped = skipped_for_missing_time(&pattern("glob:*"), &tags);
        assert_eq!(skipped, vec![&tags[0]]);
        assert!(skipped_for_missing_time(&pattern("glob:o*"), &tags).is_empty());
        let untimed = facts(&[("a", None), ("b", None)]);
        assert_eq!(newest("glob:*", &untimed), None);
        assert_eq!(
            decide(&pattern("glob:*"), &current("a", None), &untimed),
            Decision::NoCandidate
        );
    }

    #[test]
    fn tags_without_the_platform_are_never_candidates() {
        let mut tags = facts(&[("2.0.0", at(2)), ("1.0.0", at(1)), ("3.0.0", None)]);
        tags[0].available = false;
        tags[2].available = false;
        assert_eq!(newest("glob:*", &tags).as_deref(), Some("1.0.0"));
        assert_eq!(newest("semver:*", &tags).as_deref(), Some("1.0.0"));
        assert!(!is_candidate(&pattern("semver:*"), &tags[0]));
        assert!(skipped_for_missing_time(&pattern("glob:*"), &tags).is_empty());
    }

    #[test]
    fn semver_ignores_time() {
        let tags = facts(&[("1.2.3", None), ("1.10.0", at(0)), ("1.9.0", at(59))]);
        assert_eq!(newest("semver:*", &tags).as_deref(), Some("1.10.0"));
        assert!(skipped_for_missing_time(&pattern("semver:*"), &tags).is_empty());
    }

    #[test]
    fn newest_by_version() {
        let tags = facts(&[
            ("1.2.3", None),
            ("v1.3.0", None),
            ("1.3.0-rc.1", None),
            ("2.0.0", None),
            ("1.2.10", None),
            ("latest", None),
            ("sha-abcdef", None),
            ("1.2", None),
        ]);
        assert_eq!(newest("semver:*", &tags).as_deref(), Some("2.0.0"));
        assert_eq!(newest("semver:~1.2", &tags).as_deref(), Some("1.2.10"));
        assert_eq!(newest("semver:^1", &tags).as_deref(), Some("v1.3.0"));
        assert_eq!(
            newest("semver:>=1.3.0-0 <2", &tags).as_deref(),
            Some("v1.3.0")
        );
        assert_eq!(
            newest("semver:1.3.0-rc.1", &tags).as_deref(),
            Some("1.3.0-rc.1")
        );
        assert_eq!(newest("semver:>=3", &tags), None);
    }

    #[test]
    fn equal_versions_go_by_descending_tag_as_in_flux_v1() {
        let tags = facts(&[("1.2", None), ("1.2.0", None), ("v1.2.0", None)]);
        assert_eq!(newest("semver:*", &tags).as_deref(), Some("v1.2.0"));
        let tags = facts(&[("1.10", None), ("1.10.0", None)]);
        assert_eq!(newest("semver:*", &tags).as_deref(), Some("1.10.0"));
        let tags = facts(&[("1.2.0+b2", None), ("1.2.0+b10", None)]);
        assert_eq!(newest("semver:*", &tags).as_deref(), Some("1.2.0+b2"));
    }

    #[test]
    fn latest_is_never_a_candidate_but_for_glob_latest() {
        let tags = facts(&[("latest", at(59)), ("LATEST", at(58)), ("v1", at(1))]);
        assert_eq!(newest("*", &tags).as_deref(), Some("v1"));
        assert_eq!(newest("regex:.*", &tags).as_deref(), Some("v1"));
        assert_eq!(newest("regex:(?i)latest", &tags), None);
        assert_eq!(newest("glob:lat*", &tags), None);
        assert_eq!(newest("glob:latest", &tags).as_deref(), Some("latest"));
        assert_eq!(newest("latest", &tags).as_deref(), Some("latest"));
    }

    #[test]
    fn listing_order_by_time() {
        let tags = facts(&[
            ("feature-x", at(50)),
            ("master-a000000", at(15)),
            ("master-untimed", None),
            ("master-a000002", at(17)),
            ("master-9a16ff9", at(19)),
            ("latest", at(59)),
            ("zzz", None),
            ("master-a000001", at(16)),
            ("abc", None),
            ("master-tie-b", at(17)),
        ]);
        assert_eq!(
            listed("glob:master-*", tags),
            [
                "master-9a16ff9",
                "master-a000002",
                "master-tie-b",
                "master-a000001",
                "master-a000000",
                // Not allowed, but dated: newest first.
                "latest",
                "feature-x",
                // Cannot be placed (even if allowed): by tag.
                "abc",
                "master-untimed",
                "zzz",
            ]
        );
    }

    #[test]
    fn listing_order_by_version() {
        let tags = facts(&[
            ("1.2.3", at(0)),
            ("latest", at(59)),
            ("1.3.0-rc.1", None),
            ("2.0.0", None),
            ("1.2.10", None),
            ("1.2", None),
            ("sha-abcdef", at(10)),
            ("1.2.0", None),
            ("0.9.0", None),
            ("alpine", None),
        ]);
        assert_eq!(
            listed("semver:~1.2", tags),
            [
                "1.2.10",
                "1.2.3",
                "1.2.0",
                "1.2",
                // Versions the constraint excludes, highest first.
                "2.0.0",
                "1.3.0-rc.1",
                "0.9.0",
                // Not versions: by tag.
                "alpine",
                "latest",
                "sha-abcdef",
            ]
        );
    }

    #[test]
    fn listing_first_row_is_the_choice() {
        let tags = facts(&[("b", at(2)), ("a", at(2)), ("c", at(1))]);
        let first = listed("glob:*", tags.clone()).remove(0);
        assert_eq!(Some(first), newest("glob:*", &tags));
    }

    #[test]
    fn decide_by_time() {
        let p = pattern("glob:master-*");
        let tags = facts(&[
            ("master-a", at(10)),
            ("master-b", at(20)),
            ("master-c", at(20)),
            ("dev-z", at(30)),
        ]);
        // Newer candidate: update.
        assert_eq!(
            decide(&p, &current("master-a", at(10)), &tags),
            update("master-b")
        );
        // Current is the newest: up to date.
        assert_eq!(
            decide(&p, &current("master-b", at(20)), &tags),
            Decision::UpToDate
        );
        // Same time, different tag: not strictly newer, so no flapping.
        assert_eq!(
            decide(&p, &current("master-c", at(20)), &tags),
            Decision::UpToDate
        );
        // Current is newer than every candidate (a tag moved back, or a re-push): no
        // downgrade.
        assert_eq!(
            decide(&p, &current("master-new", at(40)), &tags),
            Decision::UpToDate
        );
        // Current does not match: take the newest, even if older.
        assert_eq!(
            decide(&p, &current("dev-z", at(30)), &tags),
            update("master-b")
        );
        assert_eq!(
            decide(&p, &current("latest", at(59)), &tags),
            update("master-b")
        );
        // No tag at all (bare name or digest): take the newest.
        let none = CurrentTag::default();
        assert_eq!(decide(&p, &none, &tags), update("master-b"));
    }

    #[test]
    fn decide_looks_up_the_current_time() {
        let p = pattern("glob:*");
        let tags = facts(&[("a", at(10)), ("b", at(20))]);
        assert_eq!(decide(&p, &current("a", None), &tags), update("b"));
        assert_eq!(decide(&p, &current("b", None), &tags), Decision::UpToDate);
        // A given time wins over the list.
        assert_eq!(decide(&p, &current("a", at(30)), &tags), Decision::UpToDate);
    }

    #[test]
    fn decide_with_unknown_current_time() {
        let p = pattern("glob:*");
        let tags = facts(&[("a", None), ("b", at(20))]);
        assert_eq!(
            decide(&p, &current("a", None), &tags),
            Decision::CurrentTimeUnknown { newest: "b".into() }
        );
        // Current tag gone from the registry.
        assert_eq!(
            decide(&p, &current("gone", None), &tags),
            Decision::CurrentTimeUnknown { newest: "b".into() }
        );
        // Not allowed by the pattern: its time does not matter.
        assert_eq!(
            decide(&pattern("glob:b*"), &current("a", None), &tags),
            update("b")
        );
    }

    #[test]
    fn decide_by_version() {
        let p = pattern("semver:^1.2");
        let tags = facts(&[
            ("1.2.0", None),
            ("1.4.0", None),
            ("1.4", None),
            ("2.0.0", None),
            ("1.5.0-rc.1", None),
        ]);
        assert_eq!(decide(&p, &current("1.2.0", None), &tags), update("1.4.0"));
        assert_eq!(
            decide(&p, &current("1.4.0", None), &tags),
            Decision::UpToDate
        );
        assert_eq!(
            decide(&p, &current("v1.4.0", None), &tags),
            Decision::UpToDate
        );
        assert_eq!(
            decide(&p, &current("1.4.0+b2", None), &tags),
            Decision::UpToDate
        );
        // Higher than any candidate (maybe not pushed yet, or deleted): no downgrade.
        assert_eq!(
            decide(&p, &current("1.9.0", None), &tags),
            Decision::UpToDate
        );
        // Outside the constraint (a pre-release, a higher major, not a version): moved to
        // the newest allowed, even downwards.
        assert_eq!(
            decide(&p, &current("1.5.0-rc.1", None), &tags),
            update("1.4.0")
        );
        assert_eq!(decide(&p, &current("2.0.0", None), &tags), update("1.4.0"));
        assert_eq!(decide(&p, &current("latest", None), &tags), update("1.4.0"));
        assert_eq!(decide(&p, &CurrentTag::default(), &tags), update("1.4.0"));
        // No candidate.
        assert_eq!(
            decide(&pattern("semver:>=3"), &current("2.0.0", None), &tags),
            Decision::NoCandidate
        );
    }

    #[test]
    fn decide_with_prereleases() {
        let p = pattern("semver:>=1.0.0-0");
        let tags = facts(&[("1.0.0-rc.2", None), ("1.0.0-rc.10", None), ("0.9.0", None)]);
        assert_eq!(
            decide(&p, &current("1.0.0-rc.2", None), &tags),
            update("1.0.0-rc.10")
        );
        let tags = facts(&[("1.0.0-rc.10", None), ("1.0.0", None)]);
        assert_eq!(
            decide(&p, &current("1.0.0-rc.10", None), &tags),
            update("1.0.0")
        );
    }

    #[test]
    fn decide_with_glob_latest() {
        let p = pattern("glob:latest");
        let tags = facts(&[("latest", at(5)), ("v2", at(9))]);
        assert_eq!(decide(&p, &current("v2", at(9)), &tags), update("latest"));
        assert_eq!(
            decide(&p, &current("latest", None), &tags),
            Decision::UpToDate
        );
    }
}

//! Markers: a JSON object in the comment after a scalar (or on the line above a scalar
//! sequence item) that puts the scalar under a tag policy. Flux v2's setters,
//! `{"$imagepolicy": "NS:NAME[:tag|:name|:digest]"}`, name an ImagePolicy; tagpilot's own,
//! `{"$tagpilot": "PATTERN"[, "image": "REPO", "part": "tag"|"digest"]}`, carry a pattern.
//!
//! A file is searched only when its bytes hold `"$imagepolicy"` or `"$tagpilot"` with the
//! quotes. The comment is read as Flux's kyaml reads it: the comment on the scalar's own
//! line first, and only when there is none the one above a sequence item; leading `#`s
//! are dropped. A comment that names one of the keys but is not a well-formed marker is an
//! error, where Flux would ignore it.

use serde_json::{Map, Value};

/// The key of Flux v2's setter markers.
pub const IMAGE_POLICY_KEY: &str = "$imagepolicy";
/// The key of tagpilot's markers.
pub const TAGPILOT_KEY: &str = "$tagpilot";

/// Whether a file's text may hold markers.
pub fn may_hold_markers(src: &str) -> bool {
    src.contains("\"$imagepolicy\"") || src.contains("\"$tagpilot\"")
}

/// Which part of an image reference a marked scalar holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Part {
    /// The whole reference, `name:tag` (with `@digest` when one is written).
    Whole,
    /// The repository name (kustomize `newName`, Helm `repository`).
    Name,
    /// The tag (kustomize `newTag`, Helm `tag`).
    Tag,
    /// The digest (kustomize `digest`, Helm `digest`).
    Digest,
}

impl Part {
    /// The word a marker uses for it.
    pub fn word(self) -> &'static str {
        match self {
            Part::Whole => "whole",
            Part::Name => "name",
            Part::Tag => "tag",
            Part::Digest => "digest",
        }
    }
}

/// What a marker names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rule {
    /// A Flux v2 ImagePolicy.
    Policy {
        /// Its namespace.
        namespace: String,
        /// Its name.
        name: String,
    },
    /// A tag pattern of tagpilot's (`glob:`, `regex:`, `semver:`), and for a part, the
    /// repository it belongs to.
    Pattern {
        /// The pattern as written.
        pattern: String,
        /// `image`, for a part.
        image: Option<String>,
    },
}

/// A marker read from a comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Marker {
    /// The JSON object as written.
    pub text: String,
    /// 1-based line of the comment.
    pub line: usize,
    /// What it names.
    pub rule: Rule,
    /// Which part of a reference the scalar holds.
    pub part: Part,
}

/// Reads a comment's text (what follows its `#`) at `line`: `None` when it is no marker,
/// an error naming what is wrong when it names a marker key but is not one.
pub fn parse(comment: &str, line: usize) -> Option<Result<Marker, String>> {
    let text = comment.trim_start_matches('#').trim();
    let keyed = |key: &str| text.contains(&format!("\"{key}\""));
    // An object that only misspells the quoting (`{'$imagepolicy': …}`) is meant as one.
    let braced = |key: &str| text.starts_with('{') && text.contains(key);
    let meant = [IMAGE_POLICY_KEY, TAGPILOT_KEY]
        .iter()
        .any(|key| keyed(key) || braced(key));
    if !meant {
        return None;
    }
    Some(read(text, line))
}

/// The marker a comment holding a marker key spells.
fn read(text: &str, line: usize) -> Result<Marker, String> {
    let object: Map<String, Value> = serde_json::from_str(text)
        .map_err(|e| format!("not a JSON object ({e}); write it as {{\"$imagepolicy\": \"NAMESPACE:NAME\"}} or {{\"$tagpilot\": \"PATTERN\"}}"))?;
    let string = |key: &str| -> Result<Option<String>, String> {
        match object.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(format!("{key} must be a string, not {other}")),
        }
    };
    let marker = |rule, part| Marker {
        text: text.to_owned(),
        line,
        rule,
        part,
    };
    match (string(IMAGE_POLICY_KEY)?, string(TAGPILOT_KEY)?) {
        (Some(_), Some(_)) => Err(format!(
            "holds both {IMAGE_POLICY_KEY} and {TAGPILOT_KEY}; use one"
        )),
        (Some(value), None) => {
            let (rule, part) = policy(&value)?;
            Ok(marker(rule, part))
        }
        (None, Some(pattern)) => {
            if let Some(key) = object
                .keys()
                .find(|k| !["$tagpilot", "image", "part"].contains(&k.as_str()))
            {
                return Err(format!(
                    "unknown key {key:?} (a $tagpilot marker takes image and part)"
                ));
            }
            let image = string("image")?;
            let part = match string("part")?.as_deref() {
                None => Part::Whole,
                Some("tag") => Part::Tag,
                Some("digest") => Part::Digest,
                Some(other) => {
                    return Err(format!("part {other:?}: expected \"tag\" or \"digest\""));
                }
            };
            match (part, &image) {
                (Part::Whole, Some(_)) => {
                    return Err("image is only for a part: add \"part\": \"tag\"".to_owned());
                }
                (Part::Tag | Part::Digest, None) => {
                    return Err(format!(
                        "part {:?} needs the repository it belongs to in \"image\"",
                        part.word()
                    ));
                }
                _ => {}
            }
            if pattern.trim().is_empty() {
                return Err("the pattern is empty".to_owned());
            }
            Ok(marker(Rule::Pattern { pattern, image }, part))
        }
        (None, None) => Err(format!(
            "the {IMAGE_POLICY_KEY} or {TAGPILOT_KEY} key is not a key of the object"
        )),
    }
}

/// `NS:NAME` or `NS:NAME:tag|name|digest`.
fn policy(value: &str) -> Result<(Rule, Part), String> {
    let parts: Vec<&str> = value.split(':').collect();
    let (namespace, name, part) = match parts.as_slice() {
        [namespace, name] => (*namespace, *name, Part::Whole),
        [namespace, name, field] => {
            let part = match *field {
                "tag" => Part::Tag,
                "name" => Part::Name,
                "digest" => Part::Digest,
                other => {
                    return Err(format!(
                        "{value:?}: {other:?} is not a part; use :tag, :name or :digest"
                    ));
                }
            };
            (*namespace, *name, part)
        }
        [_] => {
            return Err(format!(
                "{value:?} names no namespace; write NAMESPACE:{value} (Flux reads no default)"
            ));
        }
        _ => {
            return Err(format!(
                "{value:?}: expected NAMESPACE:NAME[:tag|:name|:digest]"
            ));
        }
    };
    if namespace.is_empty() || name.is_empty() {
        return Err(format!(
            "{value:?}: expected NAMESPACE:NAME[:tag|:name|:digest]"
        ));
    }
    let rule = Rule::Policy {
        namespace: namespace.to_owned(),
        name: name.to_owned(),
    };
    Ok((rule, part))
}

/// The comment that applies to the scalar spanning `span` at `line`: the one that ends its
/// own line, else (for a sequence item) a comment line just above it. The text after `#`
/// and the comment's line.
pub fn comment_of<'s>(
    src: &'s str,
    span: &std::ops::Range<usize>,
    line: usize,
    item: bool,
) -> Option<(&'s str, usize)> {
    let end = src[span.end..]
        .find('\n')
        .map_or(src.len(), |i| span.end + i);
    let rest = src[span.end..end].trim_start_matches([' ', '\t', ',', ']', '}', '\r']);
    if let Some(comment) = rest.strip_prefix('#') {
        return Some((comment.trim_end_matches('\r'), line));
    }
    if !rest.trim().is_empty() || !item {
        return None;
    }
    let start = src[..span.start].rfind('\n')?;
    let above_start = src[..start].rfind('\n').map_or(0, |i| i + 1);
    let above = src[above_start..start].trim();
    above
        .strip_prefix('#')
        .filter(|_| line > 1)
        .map(|comment| (comment, line - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(comment: &str) -> Marker {
        parse(comment, 3).expect("a marker").expect("well formed")
    }

    fn err(comment: &str) -> String {
        parse(comment, 3).expect("a marker").expect_err("malformed")
    }

    #[test]
    fn flux_forms() {
        let m = ok(r#" {"$imagepolicy": "flux-system:podinfo"}"#);
        assert_eq!(
            (m.rule, m.part),
            (
                Rule::Policy {
                    namespace: "flux-system".into(),
                    name: "podinfo".into()
                },
                Part::Whole
            )
        );
        assert_eq!(ok(r#"#{"$imagepolicy":"ns:p:tag"}"#).part, Part::Tag);
        assert_eq!(
            ok(r#"## {"$imagepolicy": "ns:p:name", "x": "y"}"#).part,
            Part::Name
        );
        assert_eq!(ok(r#"{"$imagepolicy": "ns:p:digest"}"#).part, Part::Digest);
        assert!(parse(" just a comment", 1).is_none());
        assert!(parse(r#" {"$other": "x"}"#, 1).is_none());
    }

    #[test]
    fn tagpilot_forms() {
        let m = ok(r#" {"$tagpilot": "glob:main-*"}"#);
        assert_eq!(
            m.rule,
            Rule::Pattern {
                pattern: "glob:main-*".into(),
                image: None
            }
        );
        let m = ok(r#" {"$tagpilot": "semver:~1", "image": "ghcr.io/acme/web", "part": "tag"}"#);
        assert_eq!(m.part, Part::Tag);
    }

    #[test]
    fn malformed_markers_say_why() {
        assert_eq!(
            err(r#" {"$imagepolicy": "podinfo"}"#),
            "\"podinfo\" names no namespace; write NAMESPACE:podinfo (Flux reads no default)"
        );
        assert_eq!(
            err(r#" {"$imagepolicy": "ns:p:version"}"#),
            "\"ns:p:version\": \"version\" is not a part; use :tag, :name or :digest"
        );
        assert!(err(r#" {'$imagepolicy': 'ns:p'}"#).starts_with("not a JSON object"));
        assert!(err(r#" {"$imagepolicy": "ns:p"} trailing"#).starts_with("not a JSON object"));
        assert_eq!(
            err(r#" {"$imagepolicy": 7}"#),
            "$imagepolicy must be a string, not 7"
        );
        assert_eq!(
            err(r#" {"$tagpilot": "glob:*", "part": "tag"}"#),
            "part \"tag\" needs the repository it belongs to in \"image\""
        );
        assert_eq!(
            err(r#" {"$tagpilot": "glob:*", "img": "x"}"#),
            "unknown key \"img\" (a $tagpilot marker takes image and part)"
        );
    }

    #[test]
    fn comments_on_the_line_or_above_an_item() {
        let src = "image: a:1 # {\"$tagpilot\": \"glob:*\"}\nlist:\n# {\"$tagpilot\": \"glob:*\"}\n- b:1\n- c:1 # other\nflow: {x: d:1} # {\"$tagpilot\": \"glob:*\"}\n";
        let at = |text: &str| {
            let start = src.find(text).unwrap();
            start..start + text.len()
        };
        assert_eq!(comment_of(src, &at("a:1"), 1, false).map(|c| c.1), Some(1));
        assert_eq!(comment_of(src, &at("b:1"), 4, true).map(|c| c.1), Some(3));
        assert_eq!(comment_of(src, &at("b:1"), 4, false), None);
        assert_eq!(comment_of(src, &at("c:1"), 5, true), Some((" other", 5)));
        assert_eq!(comment_of(src, &at("d:1"), 6, false).map(|c| c.1), Some(6));
    }
}

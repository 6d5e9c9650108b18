//! Glob tag filters, with the semantics of `ryanuber/go-glob`, the matcher behind Flux v1's
//! `glob:` patterns.
//!
//! The whole tag must match. `*` matches any run of characters, including the empty run and
//! `/`; every other character, `?` and `[` included, stands for itself, and the comparison
//! is case-sensitive. There is no escape: a glob cannot match a literal `*` other than by
//! a `*`.

/// A `glob:` pattern without its prefix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Glob {
    text: String,
}

impl Glob {
    /// A glob for `text` (the part after `glob:`); every text is a valid glob.
    pub fn new(text: impl Into<String>) -> Glob {
        Glob { text: text.into() }
    }

    /// The glob as written, without the `glob:` prefix.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether the whole of `tag` matches.
    pub fn is_match(&self, tag: &str) -> bool {
        glob_match(&self.text, tag)
    }
}

/// Whether `text` matches `pattern` as a whole, `*` being the only wildcard.
///
/// The pattern splits at its stars into literal pieces. The first piece must begin the
/// text and the last must end it; each piece in between is taken at its first occurrence
/// after the previous one. Taking the earliest occurrence never loses a match, because it
/// leaves the most text for the pieces that follow, so no backtracking is needed.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let pieces: Vec<&str> = pattern.split('*').collect();
    let (first, last) = match pieces.as_slice() {
        [only] => return *only == text,
        [first, .., last] => (*first, *last),
        // `split` always yields at least one piece.
        [] => return text.is_empty(),
    };
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    for middle in &pieces[1..pieces.len() - 1] {
        match rest.find(middle) {
            Some(at) => rest = &rest[at + middle.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (pattern, tag, matches)
    const CASES: &[(&str, &str, bool)] = &[
        // No star: equality, case-sensitive.
        ("", "", true),
        ("", "a", false),
        ("latest", "latest", true),
        ("latest", "Latest", false),
        ("1.2.3", "1.2.3", true),
        ("1.2.3", "1.2.34", false),
        ("1.2.3", "01.2.3", false),
        // A lone star matches everything, the empty tag included.
        ("*", "", true),
        ("*", "anything", true),
        ("*", "a/b:c", true),
        ("**", "", true),
        ("***", "x", true),
        // Leading, trailing and inner stars; the run may be empty.
        ("master-*", "master-", true),
        ("master-*", "master-9a16ff9", true),
        ("master-*", "main-9a16ff9", false),
        ("master-*", "foo-master-1", false),
        ("*-alpine", "1.25-alpine", true),
        ("*-alpine", "-alpine", true),
        ("*-alpine", "1.25-alpine3.19", false),
        ("v*-rc", "v1.2-rc", true),
        ("v*-rc", "v-rc", true),
        ("v*-rc", "v1.2-rc1", false),
        // `*` crosses `/` (unlike a path glob).
        ("feature/*", "feature/login/v2", true),
        ("*/*", "a/b/c", true),
        ("*/*", "abc", false),
        // Several stars; pieces must appear in order and must not overlap.
        ("*is*a*", "this is a test", true),
        ("**is**a***test*", "this is a test", true),
        ("*no*", "this is a test", false),
        ("*is", "this is a test", false),
        ("test*", "this is a test", false),
        ("a*a", "a", false),
        ("a*a", "aa", true),
        ("a*a", "aba", true),
        ("a*b*a", "aba", true),
        ("a*b*a", "ab", false),
        ("a*b*a", "abab", false),
        ("a*b*a", "abba", true),
        ("*ab*ab*", "abab", true),
        ("*ab*ab*", "aab", false),
        ("prod-*-*", "prod-1-2", true),
        ("prod-*-*", "prod-12", false),
        // No other metacharacters: `?` and `[...]` are literal.
        ("1.?", "1.2", false),
        ("1.?", "1.?", true),
        ("[abc]", "a", false),
        ("[abc]", "[abc]", true),
        ("v[0-9]*", "v[0-9]1", true),
        ("\\*", "\\x", true),
        ("\\*", "*", false),
        // Multi-byte characters are ordinary characters.
        ("ré*", "résumé", true),
        ("*é", "résumé", true),
    ];

    #[test]
    fn table() {
        for &(pattern, tag, want) in CASES {
            assert_eq!(
                glob_match(pattern, tag),
                want,
                "glob {pattern:?} against {tag:?}"
            );
            assert_eq!(Glob::new(pattern).is_match(tag), want);
        }
    }

    #[test]
    fn many_stars_stay_linear() {
        // go-glob's own test: a million stars still match the empty subject.
        let stars = "*".repeat(1_000_000);
        assert!(glob_match(&stars, ""));
        assert!(!glob_match(&format!("{stars}x"), ""));
        assert!(!glob_match(&format!("x{stars}"), ""));
        assert!(glob_match(&format!("x{stars}x"), "xx"));
    }

    #[test]
    fn keeps_text() {
        assert_eq!(Glob::new("prod-*").as_str(), "prod-*");
    }
}

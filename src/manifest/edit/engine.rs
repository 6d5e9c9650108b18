//! The span-edit engine: replace exact byte spans of a source text, then read both texts
//! again and refuse the result if any value changed outside the edited spans.

use std::collections::BTreeMap;
use std::ops::Range;

use anyhow::{Result, anyhow, ensure};

use crate::manifest::yaml::{Document, Node, Value, parse_stream};

/// Replace `span` of the source with `text`; an empty span inserts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    /// The bytes to replace.
    pub span: Range<usize>,
    /// What to put there.
    pub text: String,
}

/// Apply edits to `src`. Identical edits count once (two aliases of one anchor); edits
/// that overlap otherwise are refused.
pub fn apply(src: &str, edits: &[Edit]) -> Result<String> {
    apply_tracked(src, edits).map(|(out, _, _)| out)
}

/// [`apply`], then check the result by reading it again: every value of every document
/// that differs must stand inside an edited region (before or after the edit), or inside one
/// of the `allowed` regions of the source. A value reached through an alias counts at the
/// alias, so an edit that would change something else through an anchor is refused.
pub fn apply_checked(src: &str, edits: &[Edit], allowed: &[Range<usize>]) -> Result<String> {
    let (out, old_regions, new_regions) = apply_tracked(src, edits)?;
    let before = parse_stream(src).map_err(|e| anyhow!("the text does not parse: {e}"))?;
    let after = parse_stream(&out).map_err(|e| anyhow!("the edited text does not parse: {e}"))?;
    ensure!(
        before.len() == after.len(),
        "the edited text has {} documents instead of {}",
        after.len(),
        before.len()
    );
    let inside = |span: &Range<usize>, regions: &[Range<usize>]| {
        regions
            .iter()
            .any(|r| r.start <= span.start && span.end <= r.end)
    };
    let old_ok = |span: &Range<usize>| inside(span, &old_regions) || inside(span, allowed);
    for (old_doc, new_doc) in before.iter().zip(&after) {
        let old = leaves(old_doc, src)?;
        let new = leaves(new_doc, &out)?;
        for (path, (value, span)) in &old {
            let same = new.get(path).is_some_and(|(v, _)| v == value);
            let explained =
                old_ok(span) || new.get(path).is_some_and(|(_, s)| inside(s, &new_regions));
            ensure!(
                same || explained,
                "the edit would also change {path:?} (document {}); nothing was written",
                old_doc.index + 1
            );
        }
        for (path, (_, span)) in &new {
            ensure!(
                old.contains_key(path) || inside(span, &new_regions),
                "the edit would also add {path:?} (document {}); nothing was written",
                new_doc.index + 1
            );
        }
    }
    Ok(out)
}

/// The edited text, with each edit's region in the source and in the result.
type Tracked = (String, Vec<Range<usize>>, Vec<Range<usize>>);

/// [`apply`], also returning each edit's region in the source and in the result.
fn apply_tracked(src: &str, edits: &[Edit]) -> Result<Tracked> {
    let mut edits = edits.to_vec();
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    edits.dedup();
    let mut out = String::with_capacity(src.len() + 64);
    let (mut old_regions, mut new_regions) = (Vec::new(), Vec::new());
    let mut at = 0;
    for edit in &edits {
        ensure!(
            edit.span.start >= at,
            "two changes overlap at byte {}: the same value is shared by several images (a YAML anchor?)",
            edit.span.start
        );
        out.push_str(&src[at..edit.span.start]);
        let start = out.len();
        out.push_str(&edit.text);
        old_regions.push(edit.span.clone());
        new_regions.push(start..out.len());
        at = edit.span.end;
    }
    out.push_str(&src[at..]);
    Ok((out, old_regions, new_regions))
}

/// Every scalar of a document by its path, with the span where it is written (for a value
/// reached through an alias, the alias's span; for a block scalar, without the line breaks
/// and indentation its span takes in after the content). Bounded, against alias bombs.
fn leaves(doc: &Document, src: &str) -> Result<BTreeMap<String, (String, Range<usize>)>> {
    const LIMIT: usize = 1_000_000;
    fn walk(
        src: &str,
        doc: &Document,
        node: &Node,
        path: &mut String,
        at: Option<&Range<usize>>,
        out: &mut BTreeMap<String, (String, Range<usize>)>,
    ) -> Result<()> {
        ensure!(out.len() < LIMIT, "too many values to check the edit");
        let span = at.unwrap_or(&node.span);
        match &node.value {
            Value::Alias(_) => {
                let target = doc.resolve(node);
                ensure!(!std::ptr::eq(target, node), "an alias without its anchor");
                walk(src, doc, target, path, Some(at.unwrap_or(&node.span)), out)
            }
            Value::Scalar { text, .. } => {
                let end = span.start + src.get(span.clone()).map_or(0, |t| t.trim_end().len());
                out.insert(
                    path.clone(),
                    (text.clone(), span.start..end.max(span.start)),
                );
                Ok(())
            }
            Value::Seq(items) => {
                out.insert(format!("{path}[]"), (String::new(), span.start..span.start));
                for (i, item) in items.iter().enumerate() {
                    let len = path.len();
                    path.push_str(&format!("[{i}]"));
                    walk(src, doc, item, path, at, out)?;
                    path.truncate(len);
                }
                Ok(())
            }
            Value::Map(entries) => {
                out.insert(
                    format!("{path}{{}}"),
                    (String::new(), span.start..span.start),
                );
                for (key, value) in entries {
                    let len = path.len();
                    path.push('/');
                    path.push_str(doc.resolve(key).as_str().unwrap_or("?"));
                    walk(src, doc, value, path, at, out)?;
                    path.truncate(len);
                }
                Ok(())
            }
        }
    }
    let mut out = BTreeMap::new();
    if let Some(root) = &doc.root {
        walk(src, doc, root, &mut String::new(), None, &mut out)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_edits_are_refused() {
        let e = |s: usize, e: usize, t: &str| Edit {
            span: s..e,
            text: t.into(),
        };
        assert_eq!(
            apply("abcdef", &[e(0, 3, "x"), e(2, 4, "y")])
                .unwrap_err()
                .to_string(),
            "two changes overlap at byte 2: the same value is shared by several images (a YAML anchor?)"
        );
        assert_eq!(
            apply("abcdef", &[e(0, 3, "x"), e(0, 3, "x")]).unwrap(),
            "xdef"
        );
    }
}

//! The byte-exact editor (SPEC §11): change image values and annotations by replacing
//! exact byte spans, then re-read the result and refuse it unless it says exactly what
//! was intended.

use std::collections::BTreeMap;
use std::ops::Range;

use anyhow::{Context as _, Result, anyhow, bail, ensure};

use super::scalar::render;
use super::scan::{Annotation, ImageSite, Site, Workload, flux_key, scan_file};
use super::yaml::{Document, Node, Style, Value, parse_stream};

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

/// The edit that makes a scalar site hold `value`, written in the site's own style.
pub fn scalar_edit(src: &str, site: &Site, value: &str) -> Result<Edit> {
    let token = &src[site.span.clone()];
    let text = match site.style {
        Style::Plain => {
            ensure!(token == site.text, "unexpected plain scalar {token:?}");
            render(value, Style::Plain, site.in_flow)
        }
        Style::SingleQuoted | Style::DoubleQuoted => {
            let quote = if site.style == Style::SingleQuoted {
                '\''
            } else {
                '"'
            };
            ensure!(
                token.len() >= 2 && token.starts_with(quote) && token.ends_with(quote),
                "unexpected quoted scalar {token:?}"
            );
            render(value, site.style, site.in_flow)
        }
        Style::Literal | Style::Folded => {
            // The span covers the content lines only; replace the one content line.
            let old = site.text.trim_end_matches('\n');
            ensure!(
                !old.contains('\n') && !value.contains('\n'),
                "a block scalar of several lines cannot be rewritten"
            );
            let start = site.span.start + token.find(old).context("block scalar content")?;
            return Ok(Edit {
                span: start..start + old.len(),
                text: value.to_owned(),
            });
        }
    };
    Ok(Edit {
        span: site.span.clone(),
        text,
    })
}

/// The edits that make an image site spell `tag` (and `digest`, for a reference that
/// has one written) instead of its current tag. `reference` is the full new reference,
/// used where the site holds the whole reference.
pub fn image_edits(src: &str, site: &ImageSite, reference: &str, tag: &str) -> Result<Vec<Edit>> {
    match site {
        ImageSite::Whole(site) => Ok(vec![scalar_edit(src, site, reference)?]),
        ImageSite::Split {
            repository,
            tag: Some(tag_site),
            ..
        } => {
            ensure!(
                !has_tag(&repository.text),
                "{:?} has a tag and a separate tag value",
                repository.text
            );
            Ok(vec![scalar_edit(src, tag_site, tag)?])
        }
        ImageSite::Split { repository, .. } => {
            let name = strip_tag(&repository.text);
            Ok(vec![scalar_edit(
                src,
                repository,
                &format!("{name}:{tag}"),
            )?])
        }
    }
}

/// Whether the last path component of a name carries a `:tag`.
fn has_tag(name: &str) -> bool {
    name.rsplit('/')
        .next()
        .is_some_and(|last| last.contains(':'))
}

/// A name without its `:tag` (and `@digest`).
fn strip_tag(name: &str) -> &str {
    let name = name.split('@').next().unwrap_or(name);
    match name.rfind(':') {
        Some(i) if !name[i..].contains('/') => &name[..i],
        _ => name,
    }
}

/// One change to a workload's Flux annotations, by the key without its prefix
/// (`automated`, `tag.app`, `locked_user`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AnnotationChange {
    /// Set the key to the value: every existing spelling keeps its prefix; a missing key is
    /// added as `fluxcd.io/<key>`.
    Set(String, String),
    /// Remove every spelling of the key.
    Remove(String),
}

/// What one annotation change did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnnotationUpdate {
    /// The full key.
    pub key: String,
    /// The value before, if the key was there.
    pub from: Option<String>,
    /// The value after, if the key is still there.
    pub to: Option<String>,
}

/// The annotations a workload should have after `changes`, and what changed.
pub fn planned_annotations(
    current: &[Annotation],
    changes: &[AnnotationChange],
) -> (Vec<Annotation>, Vec<AnnotationUpdate>) {
    let mut annotations = current.to_vec();
    let mut updates = Vec::new();
    for change in changes {
        match change {
            AnnotationChange::Set(key, value) => {
                let mut found = false;
                for a in annotations.iter_mut() {
                    if flux_key(&a.key).as_deref() == Some(key.as_str()) {
                        found = true;
                        if a.value != *value {
                            updates.push(AnnotationUpdate {
                                key: a.key.clone(),
                                from: Some(a.value.clone()),
                                to: Some(value.clone()),
                            });
                            a.value.clone_from(value);
                        }
                    }
                }
                if !found {
                    let full = format!("fluxcd.io/{key}");
                    updates.push(AnnotationUpdate {
                        key: full.clone(),
                        from: None,
                        to: Some(value.clone()),
                    });
                    annotations.push(Annotation {
                        key: full,
                        value: value.clone(),
                    });
                }
            }
            AnnotationChange::Remove(key) => annotations.retain(|a| {
                let hit = flux_key(&a.key).as_deref() == Some(key.as_str());
                if hit {
                    updates.push(AnnotationUpdate {
                        key: a.key.clone(),
                        from: Some(a.value.clone()),
                        to: None,
                    });
                }
                !hit
            }),
        }
    }
    (annotations, updates)
}

/// Rewrite `src` so that `workload` carries `annotations` (as planned by
/// [`planned_annotations`]); every other byte stays. The result is verified.
pub fn set_annotations(
    src: &str,
    workload: &Workload,
    annotations: &[Annotation],
) -> Result<String> {
    let mut text = src.to_owned();
    // Change and add, then remove, one edit at a time on a fresh parse, so every edit sees
    // the layout the previous one left; adding first keeps a block (and its comments) that
    // loses its last old key but gains a new one.
    let current = workload.annotations.clone();
    for new in annotations {
        let old = current.iter().find(|a| a.key == new.key);
        if old.is_none_or(|old| old.value != new.value) {
            text = edit_annotation(&text, workload, &new.key, Some(&new.value))?;
        }
    }
    for old in &current {
        if !annotations.iter().any(|a| a.key == old.key) {
            text = edit_annotation(&text, workload, &old.key, None)?;
        }
    }
    verify(src, &text, &workload.file, |w| {
        let mut want = summary(w);
        if same_place(w, workload) {
            want.1 = annotations
                .iter()
                .map(|a| (a.key.clone(), a.value.clone()))
                .collect();
        }
        want
    })?;
    Ok(text)
}

/// Whether two scans of one file name the same workload document.
fn same_place(a: &Workload, b: &Workload) -> bool {
    a.doc == b.doc && a.item == b.item
}

/// Re-scan `new` and check that each workload reads as `expect` says it should, given its
/// scan in `old`. Spans and lines are not compared; everything read from them is.
pub fn verify(
    old: &str,
    new: &str,
    file: &str,
    expect: impl Fn(&Workload) -> Summary,
) -> Result<()> {
    let before = scan_file(file, old, "default");
    let after = scan_file(file, new, "default");
    ensure!(
        after.warnings.len() <= before.warnings.len(),
        "{file}: the edited text no longer reads as it should: {}",
        after.warnings.join("; ")
    );
    ensure!(
        before.workloads.len() == after.workloads.len(),
        "{file}: the edited text reads as {} workloads instead of {}",
        after.workloads.len(),
        before.workloads.len()
    );
    for (old, new) in before.workloads.iter().zip(&after.workloads) {
        let want = expect(old);
        let got = summary(new);
        ensure!(
            want == got,
            "{file}: after editing, {} reads as {got:?} instead of {want:?}; nothing was written",
            old.id
        );
    }
    Ok(())
}

/// One container image to change in a file.
#[derive(Clone)]
pub struct ImageUpdate<'a> {
    /// The workload.
    pub workload: &'a Workload,
    /// The container's name.
    pub container: &'a str,
    /// Where its image is written.
    pub site: &'a ImageSite,
    /// The full new reference, the name kept as written.
    pub reference: &'a str,
    /// The new tag.
    pub tag: &'a str,
}

/// Rewrite `src` with every update applied; every other byte stays. The result is verified
/// by reading it again.
pub fn update_images(src: &str, file: &str, updates: &[ImageUpdate<'_>]) -> Result<String> {
    // An image written as an alias moves only with the anchored value, and only when that
    // value is itself an image moving to the same reference.
    for update in updates.iter().filter(|u| u.site.alias().is_some()) {
        let anchored = &update.site.edited().span;
        let owner = updates.iter().any(|o| {
            o.site.alias().is_none()
                && o.site.edited().span == *anchored
                && o.reference == update.reference
        });
        ensure!(
            owner,
            "the image of container {} of {} in {file} is an alias (*name) of a value that is not an image moving to the same tag; change it by hand",
            update.container,
            update.workload.id
        );
    }
    let mut edits = Vec::new();
    for update in updates {
        let mut found =
            image_edits(src, update.site, update.reference, update.tag).with_context(|| {
                format!(
                    "rewriting the image of container {} of {} in {file}",
                    update.container, update.workload.id
                )
            })?;
        edits.append(&mut found);
    }
    let aliases: Vec<Range<usize>> = updates.iter().filter_map(|u| u.site.alias()).collect();
    let text = apply_checked(src, &edits, &aliases)
        .with_context(|| format!("rewriting images in {file}"))?;
    verify(src, &text, file, |w| {
        let mut want = summary(w);
        for update in updates.iter().filter(|u| same_place(u.workload, w)) {
            for container in want.2.iter_mut().filter(|c| c.0 == update.container) {
                container.1 = Some(match update.site {
                    ImageSite::Whole(_) => update.reference.to_owned(),
                    ImageSite::Split { .. } => split_reference(update.site, update.tag),
                });
            }
        }
        want
    })?;
    Ok(text)
}

/// The reference a split site spells once its tag is `tag`.
fn split_reference(site: &ImageSite, tag: &str) -> String {
    let reference = site.reference();
    match site {
        ImageSite::Split { tag: Some(_), .. } => {
            let base = reference
                .rsplit_once(':')
                .map_or(reference.as_str(), |(b, _)| b);
            format!("{base}:{tag}")
        }
        _ => format!("{}:{tag}", strip_tag(&reference)),
    }
}

/// What a workload says, without where it says it: its ID, annotations and containers.
pub type Summary = (
    String,
    Vec<(String, String)>,
    Vec<(String, Option<String>, bool)>,
);

/// The [`Summary`] of a workload.
pub fn summary(w: &Workload) -> Summary {
    (
        w.id.to_string(),
        w.annotations
            .iter()
            .map(|a| (a.key.clone(), a.value.clone()))
            .collect(),
        w.containers
            .iter()
            .map(|c| {
                (
                    c.name.clone(),
                    c.image.as_ref().map(ImageSite::reference),
                    c.init,
                )
            })
            .collect(),
    )
}

/// Find the workload's object node in a fresh parse.
fn locate<'a>(docs: &'a [Document], workload: &Workload) -> Result<(&'a Document, &'a Node)> {
    let doc = docs
        .get(workload.doc)
        .with_context(|| format!("{}: document {} is gone", workload.file, workload.doc))?;
    let root = doc.root.as_ref().context("empty document")?;
    let node = match workload.item {
        None => root,
        Some(i) => doc
            .get(root, "items")
            .and_then(Node::as_seq)
            .and_then(|items| items.get(i))
            .map(|n| doc.resolve(n))
            .context("List item is gone")?,
    };
    Ok((doc, node))
}

/// Set (`Some`) or remove (`None`) one annotation, by its full key.
fn edit_annotation(
    src: &str,
    workload: &Workload,
    key: &str,
    value: Option<&str>,
) -> Result<String> {
    let docs = parse_stream(src).map_err(|e| anyhow!("{}:{e}", workload.file))?;
    let (doc, object) = locate(&docs, workload)?;
    let what = || format!("{} in {}", workload.id, workload.file);
    let (_, metadata) = doc
        .get_entry(object, "metadata")
        .with_context(|| format!("{} has no metadata", what()))?;
    ensure!(
        metadata.as_map().is_some(),
        "metadata of {} is not a mapping",
        what()
    );
    let annotations = doc.get_entry(metadata, "annotations");
    let (metadata_key, _) = doc
        .get_entry(object, "metadata")
        .context("metadata is gone")?;
    let parent = column(src, metadata_key.span.start);
    let edits = match (annotations, value) {
        (None, None) => return Ok(src.to_owned()),
        (None, Some(value)) => vec![insert_entry(
            src,
            metadata,
            "annotations",
            &Nested(key, value),
            parent,
        )?],
        (Some((_, map)), None) if is_null(map) => return Ok(src.to_owned()),
        (Some((annotations_key, map)), Some(value)) if is_null(map) => {
            // `annotations:` with no value: the new entry becomes its value.
            let indent = column(src, annotations_key.span.start);
            let step = if indent > parent { indent - parent } else { 2 };
            let text = Nested(key, value).block(indent, step, newline_of(src));
            vec![replace_value(src, annotations_key, map, text, false)?]
        }
        (Some((_, map)), _) if map.as_map().is_none() => {
            bail!("metadata.annotations of {} is not a mapping", what())
        }
        (Some((_, map)), value) => {
            let entries = map.as_map().unwrap_or_default();
            let index = entries
                .iter()
                .position(|(k, _)| doc.resolve(k).as_str() == Some(key));
            match (index, value) {
                (Some(i), Some(value)) => {
                    let (entry_key, node) = &entries[i];
                    ensure!(
                        !matches!(node.value, Value::Alias(_)),
                        "annotation {key} of {} is an alias (*name); change it by hand",
                        what()
                    );
                    vec![replace_value(
                        src,
                        entry_key,
                        node,
                        format!(" {}", quoted(value)),
                        true,
                    )?]
                }
                (Some(_), None) if entries.len() == 1 => {
                    let index = metadata_index(doc, metadata, "annotations")?;
                    let (annotations_key, _) = &metadata.as_map().unwrap_or_default()[index];
                    if map.flow || metadata.flow {
                        remove_entry(src, metadata, index)?
                    } else {
                        // The `annotations:` line and the entry's lines go; comment lines
                        // among them stay.
                        let mut edits = remove_entry(src, map, 0)?;
                        let start = line_start(src, annotations_key.span.start);
                        let end = line_end(src, annotations_key.span.end);
                        ensure!(
                            src[start..annotations_key.span.start].trim().is_empty(),
                            "the annotations key does not start its line; change it by hand"
                        );
                        // At the end of a file without a final line break the entry's removal
                        // takes the line break before it: one removal then covers both.
                        match edits
                            .iter_mut()
                            .find(|e| e.span.start < end && start < e.span.end)
                        {
                            Some(joined) => {
                                let from = start.min(joined.span.start);
                                // Keep the file without a final line break.
                                let from = src[..from]
                                    .strip_suffix('\n')
                                    .map_or(from, |s| s.strip_suffix('\r').unwrap_or(s).len());
                                joined.span = from..end.max(joined.span.end);
                            }
                            None => edits.push(Edit {
                                span: start..end,
                                text: String::new(),
                            }),
                        }
                        edits
                    }
                }
                (Some(i), None) => remove_entry(src, map, i)?,
                (None, Some(value)) => vec![insert_entry(src, map, key, &Flat(value), 0)?],
                (None, None) => return Ok(src.to_owned()),
            }
        }
    };
    apply_checked(src, &edits, &[])
}

/// Whether a value is null: empty, `~` or `null` written plain.
fn is_null(node: &Node) -> bool {
    node.style() == Some(Style::Plain)
        && matches!(node.as_str(), Some("" | "~" | "null" | "Null" | "NULL"))
}

/// The edit that replaces a mapping value with `text`, which starts with its own separator
/// (a space, or a line break for a nested block). Everything from just after the key's `:`
/// to the end of the value goes (a block scalar's header included; a comment after the value
/// stays); with `token_only`, a one-line value's token alone is replaced, keeping an anchor
/// or tag before it.
fn replace_value(
    src: &str,
    key: &Node,
    value: &Node,
    text: String,
    token_only: bool,
) -> Result<Edit> {
    let colon = src[key.span.end..]
        .find(':')
        .map(|i| key.span.end + i)
        .context("the key's colon")?;
    let start = colon + 1;
    let (start, end, text) = match value.style() {
        _ if value.span.is_empty() => (start, start, text),
        Some(Style::Literal | Style::Folded) => (start, content_end(src, value), text),
        // Just the token, so an anchor or tag before it stays.
        _ if token_only => (
            value.span.start,
            value.span.end,
            text.trim_start().to_owned(),
        ),
        _ => (start, value.span.end, text),
    };
    ensure!(end >= start, "unexpected value layout");
    // An absent value's zero-width span may sit before the colon: take it in, writing the
    // bytes in between back unchanged, so the edited region holds the old value too.
    let from = value.span.start.min(start);
    Ok(Edit {
        span: from..end,
        text: format!("{}{text}", &src[from..start]),
    })
}

fn metadata_index(doc: &Document, metadata: &Node, key: &str) -> Result<usize> {
    metadata
        .as_map()
        .unwrap_or_default()
        .iter()
        .position(|(k, _)| doc.resolve(k).as_str() == Some(key))
        .context("annotations key")
}

/// A value to write for a new mapping entry.
trait EntryValue {
    /// In block style, after `key:`; `indent` is the entry's own indentation, `step` one level.
    fn block(&self, indent: usize, step: usize, newline: &str) -> String;
    /// In flow style, after `key: `.
    fn flow(&self) -> String;
}

/// A one-line value, written single-quoted.
struct Flat<'a>(&'a str);

impl EntryValue for Flat<'_> {
    fn block(&self, _: usize, _: usize, _: &str) -> String {
        format!(" {}", quoted(self.0))
    }
    fn flow(&self) -> String {
        quoted(self.0)
    }
}

/// A mapping of one entry (`annotations:` with its first key).
struct Nested<'a>(&'a str, &'a str);

impl EntryValue for Nested<'_> {
    fn block(&self, indent: usize, step: usize, newline: &str) -> String {
        format!(
            "{newline}{}{}: {}",
            " ".repeat(indent + step),
            self.0,
            quoted(self.1)
        )
    }
    fn flow(&self) -> String {
        format!("{{{}: {}}}", self.0, quoted(self.1))
    }
}

/// An annotation value as written: single-quoted, or double-quoted when it holds line
/// breaks or tabs (which single quotes would fold).
fn quoted(value: &str) -> String {
    render(value, Style::SingleQuoted, false)
}

/// The line break the file uses.
fn newline_of(src: &str) -> &'static str {
    if src.contains("\r\n") { "\r\n" } else { "\n" }
}

/// Byte offset of the start of the line holding `at`.
fn line_start(src: &str, at: usize) -> usize {
    src[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// Byte offset just past the line break ending the line that holds `at` (or the end).
fn line_end(src: &str, at: usize) -> usize {
    src[at..].find('\n').map_or(src.len(), |i| at + i + 1)
}

/// The column (in characters) where `at` stands.
fn column(src: &str, at: usize) -> usize {
    src[line_start(src, at)..at].chars().count()
}

/// Where a node's last content ends, not counting the trailing line breaks and indentation
/// that a block scalar's span takes in.
fn content_end(src: &str, node: &Node) -> usize {
    let end = node.content_end();
    let start = node.span.start.min(end);
    start + src[start..end].trim_end().len()
}

/// The edit that adds `key: value` as the last entry of a mapping; `parent` is the column
/// of the key that holds the mapping, to learn the file's indentation step from.
fn insert_entry(
    src: &str,
    map: &Node,
    key: &str,
    value: &dyn EntryValue,
    parent: usize,
) -> Result<Edit> {
    let entries = map.as_map().context("not a mapping")?;
    if map.flow {
        let close = map.span.end.saturating_sub(1);
        ensure!(
            src[close..].starts_with('}'),
            "unexpected flow mapping layout"
        );
        let (at, text) = match entries.last() {
            None => (close, format!("{key}: {}", value.flow())),
            Some((_, last)) => (
                content_end(src, last).max(last.span.end),
                format!(", {key}: {}", value.flow()),
            ),
        };
        return Ok(Edit { span: at..at, text });
    }
    let (first_key, _) = entries.first().context("empty block mapping")?;
    let indent = column(src, first_key.span.start);
    let step = indent_step(src, map).unwrap_or(if indent > parent { indent - parent } else { 2 });
    let newline = newline_of(src);
    let (last_key, last_value) = entries.last().context("empty block mapping")?;
    let end = content_end(src, last_value).max(last_key.span.end);
    let mut at = line_end(src, end);
    if matches!(last_value.style(), Some(Style::Literal | Style::Folded)) {
        // A block scalar's span runs on to the next content line and takes in the blank
        // lines that a `|+` keeps: go in after all of them.
        let span_end = last_value.span.end;
        let start = line_start(src, span_end);
        if span_end > at && src[start..span_end].trim().is_empty() {
            at = start;
        }
    }
    let entry = format!(
        "{}{key}:{}",
        " ".repeat(indent),
        value.block(indent, step, newline)
    );
    let text = if src[..at].ends_with('\n') {
        format!("{entry}{newline}")
    } else {
        format!("{newline}{entry}")
    };
    Ok(Edit { span: at..at, text })
}

/// One level of indentation as this file writes it: the first nested block mapping's
/// indentation beyond its key, if there is one.
fn indent_step(src: &str, map: &Node) -> Option<usize> {
    let entries = map.as_map().unwrap_or_default();
    for (key, value) in entries {
        if let Some((child, _)) = value
            .as_map()
            .filter(|_| !value.flow)
            .and_then(<[_]>::first)
        {
            let (outer, inner) = (column(src, key.span.start), column(src, child.span.start));
            if inner > outer {
                return Some(inner - outer);
            }
        }
    }
    None
}

/// The edits that remove entry `index` of a mapping. Comments around it stay.
fn remove_entry(src: &str, map: &Node, index: usize) -> Result<Vec<Edit>> {
    let entries = map.as_map().context("not a mapping")?;
    let (key, value) = &entries[index];
    let value_end = value.span.end.max(key.span.end);
    let remove = |span: Range<usize>| Edit {
        span,
        text: String::new(),
    };
    if map.flow {
        if index + 1 < entries.len() {
            // Up to and with the comma after it, and the spaces after that on its line.
            let comma = src[value_end..]
                .find(',')
                .map(|i| value_end + i + 1)
                .context("the comma after a flow entry")?;
            let mut rest = src[comma..].len() - src[comma..].trim_start_matches([' ', '\t']).len();
            if src[comma + rest..].starts_with('#') {
                // A comment needs a space before it.
                rest = rest.saturating_sub(1);
            }
            return Ok(vec![remove(key.span.start..comma + rest)]);
        }
        if index > 0 {
            // The last entry: it, and the comma before it.
            let (_, prev) = &entries[index - 1];
            let prev_end = prev.span.end;
            let comma = src[prev_end..key.span.start]
                .find(',')
                .map(|i| prev_end + i)
                .context("the comma before a flow entry")?;
            let mut start = key.span.start;
            // The spaces before it go too, unless they indent it on a line of its own.
            let own_line = src[line_start(src, start)..start]
                .chars()
                .all(|c| c == ' ' || c == '\t');
            while !own_line
                && start > comma + 1
                && matches!(src.as_bytes()[start - 1], b' ' | b'\t')
            {
                start -= 1;
            }
            return Ok(vec![remove(comma..comma + 1), remove(start..value_end)]);
        }
        return Ok(vec![remove(key.span.start..value_end)]);
    }
    let start = line_start(src, key.span.start);
    ensure!(
        src[start..key.span.start]
            .chars()
            .all(|c| c == ' ' || c == '\t'),
        "the key does not start its line; change it by hand"
    );
    let end = line_end(src, content_end(src, value).max(key.span.end));
    let span = if src[..end].ends_with('\n') || start == 0 {
        start..end
    } else {
        // The last line of a file without a final line break: take the break before it.
        let before = src[..start]
            .strip_suffix('\n')
            .map_or(start, |s| s.strip_suffix('\r').unwrap_or(s).len());
        before..end
    };
    Ok(vec![remove(span)])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workload(src: &str) -> Workload {
        scan_file("f.yaml", src, "default").workloads.remove(0)
    }

    fn change(src: &str, changes: &[AnnotationChange]) -> String {
        let w = workload(src);
        let (planned, _) = planned_annotations(&w.annotations, changes);
        set_annotations(src, &w, &planned).unwrap()
    }

    fn set(k: &str, v: &str) -> AnnotationChange {
        AnnotationChange::Set(k.into(), v.into())
    }

    fn remove(k: &str) -> AnnotationChange {
        AnnotationChange::Remove(k.into())
    }

    const DEPLOY: &str = "kind: Deployment\nmetadata:\n  name: app\n  labels:\n    a: b\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: nginx:1.0 # pinned\n";

    #[test]
    fn adds_annotations_block_and_removes_it_again() {
        let added = change(DEPLOY, &[set("automated", "true")]);
        assert_eq!(
            added,
            DEPLOY.replace(
                "    a: b\n",
                "    a: b\n  annotations:\n    fluxcd.io/automated: 'true'\n"
            )
        );
        let removed = change(&added, &[remove("automated")]);
        assert_eq!(removed, DEPLOY);
    }

    #[test]
    fn changes_keep_prefix_and_siblings_indentation() {
        let src = "kind: Deployment\nmetadata:\n    name: app\n    annotations:\n        flux.weave.works/automated: \"false\" # why\n        other: x\nspec: {template: {spec: {containers: [{name: a, image: 'a:1'}]}}}\n";
        let out = change(src, &[set("automated", "true"), set("tag.a", "glob:x-*")]);
        assert_eq!(
            out,
            "kind: Deployment\nmetadata:\n    name: app\n    annotations:\n        flux.weave.works/automated: 'true' # why\n        other: x\n        fluxcd.io/tag.a: 'glob:x-*'\nspec: {template: {spec: {containers: [{name: a, image: 'a:1'}]}}}\n"
        );
    }

    #[test]
    fn crlf_bom_and_no_final_newline() {
        let src = "\u{feff}kind: Pod\r\nmetadata:\r\n  name: p\r\n  annotations:\r\n    x: y";
        let out = change(src, &[set("locked", "true")]);
        assert_eq!(out, format!("{src}\r\n    fluxcd.io/locked: 'true'"));
        assert_eq!(change(&out, &[remove("locked")]), src);
        let gone = change(src, &[]);
        assert_eq!(gone, src);
    }

    #[test]
    fn flow_metadata_and_annotations() {
        let src = "kind: Pod\nmetadata: {name: p, annotations: {x: y}}\nspec: {containers: []}\n";
        let out = change(src, &[set("automated", "true")]);
        assert_eq!(
            out,
            "kind: Pod\nmetadata: {name: p, annotations: {x: y, fluxcd.io/automated: 'true'}}\nspec: {containers: []}\n"
        );
        let out = change(&out, &[remove("automated")]);
        assert_eq!(out, src);
        let bare = "kind: Pod\nmetadata: {name: p}\n";
        let out = change(bare, &[set("automated", "true")]);
        assert_eq!(
            out,
            "kind: Pod\nmetadata: {name: p, annotations: {fluxcd.io/automated: 'true'}}\n"
        );
        assert_eq!(change(&out, &[remove("automated")]), bare);
    }

    #[test]
    fn removes_several_keys_and_the_empty_map() {
        let src = "kind: Pod\nmetadata:\n  name: p\n  annotations:\n    fluxcd.io/locked: 'true'\n    fluxcd.io/locked_user: a <b@c>\n    fluxcd.io/locked_msg: |-\n      why\n  labels: {}\n";
        let out = change(
            src,
            &[
                remove("locked"),
                remove("locked_user"),
                remove("locked_msg"),
            ],
        );
        assert_eq!(out, "kind: Pod\nmetadata:\n  name: p\n  labels: {}\n");
    }

    #[test]
    fn image_edits_keep_style() {
        let src = "kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    image: \"nginx:1.0\"   # c\n  - {name: b, image: 'b:1'}\n  - name: c\n    image: |-\n      c:1\n";
        let w = workload(src);
        let mut edits = Vec::new();
        for (c, new, tag) in [(0, "nginx:1.1", "1.1"), (1, "b:2", "2"), (2, "c:3", "3")] {
            let site = w.containers[c].image.as_ref().unwrap();
            edits.extend(image_edits(src, site, new, tag).unwrap());
        }
        let out = apply(src, &edits).unwrap();
        assert_eq!(
            out,
            src.replace("nginx:1.0", "nginx:1.1")
                .replace("'b:1'", "'b:2'")
                .replace("c:1", "c:3")
        );
    }

    #[test]
    fn split_helm_values_keep_the_split() {
        let src = "apiVersion: helm.fluxcd.io/v1\nkind: HelmRelease\nmetadata: {name: r}\nspec:\n  values:\n    image:\n      repository: bitnami/redis\n      tag: 5.0.7\n    side:\n      image: nginx:1.0\n";
        let w = workload(src);
        let a = image_edits(
            src,
            w.containers[0].image.as_ref().unwrap(),
            "bitnami/redis:5.1",
            "5.1",
        )
        .unwrap();
        let b = image_edits(
            src,
            w.containers[1].image.as_ref().unwrap(),
            "nginx:1.2",
            "1.2",
        )
        .unwrap();
        let out = apply(src, &[a, b].concat()).unwrap();
        assert_eq!(
            out,
            src.replace("tag: 5.0.7", "tag: \"5.1\"")
                .replace("nginx:1.0", "nginx:1.2")
        );
    }

    #[test]
    fn null_annotations_and_empty_values() {
        for null in ["", " ~", " null"] {
            let src =
                format!("kind: Pod\nmetadata:\n  name: p\n  annotations:{null}\nspec: {{}}\n");
            let out = change(&src, &[set("automated", "true")]);
            assert_eq!(
                out,
                "kind: Pod\nmetadata:\n  name: p\n  annotations:\n    fluxcd.io/automated: 'true'\nspec: {}\n",
                "{null:?}"
            );
        }
        let src =
            "kind: Pod\nmetadata:\n  name: p\n  annotations:\n    fluxcd.io/automated:\n    x: y\n";
        let out = change(src, &[set("automated", "true")]);
        assert_eq!(out, src.replace("automated:\n", "automated: 'true'\n"));
    }

    #[test]
    fn swapping_the_last_key_keeps_the_block_and_its_comments() {
        let src = "kind: Pod\nmetadata:\n  annotations:\n    # managed by ops\n    fluxcd.io/locked: \"true\"   # why\n  name: swap\n";
        let out = change(src, &[remove("locked"), set("automated", "true")]);
        assert_eq!(
            out,
            "kind: Pod\nmetadata:\n  annotations:\n    # managed by ops\n    fluxcd.io/automated: 'true'\n  name: swap\n"
        );
        let src = "kind: Pod\nmetadata:\n  annotations: {fluxcd.io/locked: \"true\"}  # keep me\n  name: swap\n";
        let out = change(src, &[remove("locked"), set("automated", "true")]);
        assert_eq!(
            out,
            "kind: Pod\nmetadata:\n  annotations: {fluxcd.io/automated: 'true'}  # keep me\n  name: swap\n"
        );
    }

    #[test]
    fn multi_line_values_are_double_quoted() {
        let src = "kind: Pod\nmetadata:\n  name: p\n";
        let out = change(src, &[set("locked_msg", "incident 42\n\ndetails")]);
        assert_eq!(
            out,
            "kind: Pod\nmetadata:\n  name: p\n  annotations:\n    fluxcd.io/locked_msg: \"incident 42\\n\\ndetails\"\n"
        );
    }

    #[test]
    fn block_scalar_values_can_be_replaced_and_followed() {
        let src = "kind: Pod\nmetadata:\n  name: p\n  annotations:\n    fluxcd.io/locked_msg: >-\n      old\n      reason\n    note: |+\n      hello\n\nspec: {}\n";
        let out = change(src, &[set("locked_msg", "new"), set("automated", "true")]);
        assert_eq!(
            out,
            "kind: Pod\nmetadata:\n  name: p\n  annotations:\n    fluxcd.io/locked_msg: 'new'\n    note: |+\n      hello\n\n    fluxcd.io/automated: 'true'\nspec: {}\n"
        );
    }

    #[test]
    fn flow_removal_keeps_comments() {
        let src = "kind: Pod\nmetadata:\n  name: p\n  annotations: {\n    a: b, # c1\n    fluxcd.io/automated: \"true\" # c2\n  }\n";
        let out = change(src, &[remove("automated")]);
        assert_eq!(
            out,
            "kind: Pod\nmetadata:\n  name: p\n  annotations: {\n    a: b # c1\n     # c2\n  }\n"
        );
        let src =
            "kind: Pod\nmetadata: {name: p, annotations: {fluxcd.io/automated: 'true', a: b}}\n";
        let out = change(src, &[remove("automated")]);
        assert_eq!(out, "kind: Pod\nmetadata: {name: p, annotations: {a: b}}\n");
    }

    #[test]
    fn changes_through_anchors_are_refused() {
        let src = "kind: Pod\nmetadata:\n  name: p\n  annotations:\n    fluxcd.io/automated: &f \"false\"\n  labels:\n    auto: *f\n";
        let w = workload(src);
        let (planned, _) = planned_annotations(&w.annotations, &[set("automated", "true")]);
        let err = set_annotations(src, &w, &planned).unwrap_err();
        assert!(
            format!("{err:#}").contains("would also change \"/metadata/labels/auto\""),
            "{err:#}"
        );
    }

    #[test]
    fn a_shared_image_anchor_moves_only_with_all_its_users() {
        let src = "kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: a, image: &img 'x:1'}\n  - {name: b, image: *img}\n  volumes: [{name: v, note: *img}]\n";
        let w = workload(src);
        let update = |c: usize| ImageUpdate {
            workload: &w,
            container: &w.containers[c].name,
            site: w.containers[c].image.as_ref().unwrap(),
            reference: "x:2",
            tag: "2",
        };
        let err = update_images(src, "f.yaml", &[update(0), update(1)]).unwrap_err();
        assert!(format!("{err:#}").contains("volumes[0]/note"), "{err:#}");
        let src = src.replace("  volumes: [{name: v, note: *img}]\n", "");
        let w = workload(&src);
        let update = |c: usize| ImageUpdate {
            workload: &w,
            container: &w.containers[c].name,
            site: w.containers[c].image.as_ref().unwrap(),
            reference: "x:2",
            tag: "2",
        };
        let out = update_images(&src, "f.yaml", &[update(0), update(1)]).unwrap();
        assert_eq!(out, src.replace("'x:1'", "'x:2'"));
        assert!(update_images(&src, "f.yaml", &[update(0)]).is_err());
    }

    #[test]
    fn an_image_aliasing_a_value_that_is_no_image_is_refused() {
        let src = "kind: Deployment\nmetadata:\n  name: a\n  labels:\n    img: &v db:1.0.0\nspec: {template: {spec: {containers: [{name: a, image: *v}]}}}\n";
        let w = workload(src);
        let update = ImageUpdate {
            workload: &w,
            container: "a",
            site: w.containers[0].image.as_ref().unwrap(),
            reference: "db:1.3.0",
            tag: "1.3.0",
        };
        let err = update_images(src, "f.yaml", &[update]).unwrap_err();
        assert!(
            format!("{err:#}").contains("is an alias (*name)"),
            "{err:#}"
        );
    }

    #[test]
    fn removals_keep_comments_around_entries() {
        let src = "kind: Pod\nmetadata:\n  name: d\n  annotations:\n    # keep me\n    fluxcd.io/automated: \"true\"\n    # trailing\n";
        assert_eq!(
            change(src, &[remove("automated")]),
            "kind: Pod\nmetadata:\n  name: d\n    # keep me\n    # trailing\n"
        );
        let src = "kind: Pod\nmetadata:\n  name: f\n  annotations: {fluxcd.io/automated: \"true\", # why\n    fluxcd.io/tag.app: \"glob:1.*\"}\n";
        assert_eq!(
            change(src, &[remove("automated")]),
            "kind: Pod\nmetadata:\n  name: f\n  annotations: {# why\n    fluxcd.io/tag.app: \"glob:1.*\"}\n".replace("{#", "{ #")
        );
        let src =
            "kind: Pod\nmetadata:\n  name: e\n  annotations:\n    fluxcd.io/automated: \"true\"";
        assert_eq!(
            change(src, &[remove("automated")]),
            "kind: Pod\nmetadata:\n  name: e"
        );
    }

    #[test]
    fn overlapping_edits_are_refused() {
        let e = |s: usize, e: usize, t: &str| Edit {
            span: s..e,
            text: t.into(),
        };
        assert!(apply("abcdef", &[e(0, 3, "x"), e(2, 4, "y")]).is_err());
        assert_eq!(
            apply("abcdef", &[e(0, 3, "x"), e(0, 3, "x")]).unwrap(),
            "xdef"
        );
    }
}

/// Property tests: on generated manifests of many shapes, an edit changes nothing outside
/// its spans, and the result reads back as intended.
#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    /// One generated Deployment, with the pieces the test needs to know.
    #[derive(Debug, Clone)]
    struct Doc {
        text: String,
    }

    fn scalar_token(value: &str, style: u8) -> String {
        match style {
            0 => value.to_owned(),
            1 => format!("'{value}'"),
            _ => format!("\"{value}\""),
        }
    }

    prop_compose! {
        fn doc()(
            bom in any::<bool>(),
            crlf in any::<bool>(),
            step in prop::sample::select(vec![2usize, 3, 4]),
            lead in "[ -~éü日本🦀—]{0,20}",
            note in "[a-zA-Z0-9 éü日本🦀—]{0,16}",
            comment in prop::option::of("[ -~é🦀]{0,12}"),
            style in 0u8..3,
            flow in any::<bool>(),
            with_annotations in any::<bool>(),
            final_newline in any::<bool>(),
            tag in "[a-z0-9][a-z0-9._-]{0,10}",
        ) -> Doc {
            let nl = if crlf { "\r\n" } else { "\n" };
            let i = |n: usize| " ".repeat(n * step);
            let image = scalar_token(&format!("ghcr.io/acme/app:{tag}"), style);
            let comment = comment.map(|c| format!("  # {c}")).unwrap_or_default();
            let mut lines = vec![
                format!("# {lead}"),
                "apiVersion: apps/v1".to_owned(),
                "kind: Deployment".to_owned(),
                "metadata:".to_owned(),
                format!("{}name: app", i(1)),
                format!("{}labels: {{note: \"{note}\"}}", i(1)),
            ];
            if with_annotations {
                lines.push(format!("{}annotations:", i(1)));
                lines.push(format!("{}note: \"{note}\"{comment}", i(2)));
            }
            lines.extend([
                "spec:".to_owned(),
                format!("{}template:", i(1)),
                format!("{}spec:", i(2)),
                format!("{}containers:", i(3)),
            ]);
            if flow {
                lines.push(format!("{}- {{name: app, image: {image}}}{comment}", i(3)));
            } else {
                lines.push(format!("{}- name: app", i(3)));
                lines.push(format!("{}  image: {image}{comment}", i(3)));
            }
            let mut text = lines.join(nl);
            if final_newline {
                text.push_str(nl);
            }
            if bom {
                text.insert(0, '\u{feff}');
            }
            Doc { text }
        }
    }

    proptest! {
        #[test]
        fn image_edit_changes_only_its_span(doc in doc(), new_tag in "[a-zA-Z0-9_][a-zA-Z0-9_.-]{0,20}") {
            let src = &doc.text;
            let w = scan_file("p.yaml", src, "default").workloads.remove(0);
            let site = w.containers[0].image.clone().unwrap();
            let ImageSite::Whole(whole) = &site else { panic!("whole site") };
            let reference = format!("ghcr.io/acme/app:{new_tag}");
            let edits = image_edits(src, &site, &reference, &new_tag).unwrap();
            let out = apply(src, &edits).unwrap();
            prop_assert_eq!(&out[..whole.span.start], &src[..whole.span.start]);
            let tail = src.len() - whole.span.end;
            prop_assert_eq!(&out[out.len() - tail..], &src[whole.span.end..]);
            verify(src, &out, "p.yaml", |w| {
                let mut want = summary(w);
                want.2[0].1 = Some(reference.clone());
                want
            }).unwrap();
        }

        #[test]
        fn annotation_edit_only_adds_lines(doc in doc(), key in "[a-z]{1,8}", value in "[ -~é]{0,12}") {
            let src = &doc.text;
            let w = scan_file("p.yaml", src, "default").workloads.remove(0);
            let change = AnnotationChange::Set(format!("tag.{key}"), value.clone());
            let (planned, _) = planned_annotations(&w.annotations, &[change]);
            let out = set_annotations(src, &w, &planned).unwrap();
            let diff = similar::TextDiff::from_lines(src.as_str(), out.as_str());
            for change in diff.iter_all_changes() {
                let line = change.value();
                match change.tag() {
                    similar::ChangeTag::Equal => {}
                    similar::ChangeTag::Insert => prop_assert!(
                        line.trim_start().starts_with("annotations:")
                            || line.trim_start().starts_with("fluxcd.io/tag.")
                            || !src.ends_with('\n') && src.ends_with(line.trim_end_matches(['\r', '\n'])),
                        "inserted {:?}", line
                    ),
                    similar::ChangeTag::Delete => prop_assert!(
                        !src.ends_with('\n') && out.contains(line),
                        "deleted {:?}", line
                    ),
                }
            }
            let after = scan_file("p.yaml", &out, "default").workloads.remove(0);
            prop_assert_eq!(after.policies.tags.get(&key), Some(&value));
            // Removing it again gives back the input, byte for byte.
            let (planned, _) = planned_annotations(&after.annotations, &[AnnotationChange::Remove(format!("tag.{key}"))]);
            prop_assert_eq!(set_annotations(&out, &after, &planned).unwrap(), src.clone());
        }
    }
}

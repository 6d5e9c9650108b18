//! Annotation edits: plan the annotations a workload should carry, then set and remove
//! them one key at a time, each edit on a fresh parse, and verify the result.

use anyhow::{Context as _, Result, anyhow, bail, ensure};

use super::engine::{Edit, apply_checked};
use super::layout::{
    EntryValue as _, Flat, Nested, column, insert_entry, line_end, line_start, newline_of, quoted,
    remove_entry, replace_value,
};
use super::verify::{reading, same_place, verify};
use crate::manifest::scan::{Annotation, Workload, flux_key};
use crate::manifest::yaml::{Document, Node, Style, Value, parse_stream};

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
        let mut want = reading(w);
        if same_place(w, workload) {
            want.annotations = annotations
                .iter()
                .map(|a| (a.key.clone(), a.value.clone()))
                .collect();
        }
        want
    })?;
    Ok(text)
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
            match edit_in_annotations(src, doc, metadata, map, key, value, &what())? {
                Some(edits) => edits,
                None => return Ok(src.to_owned()),
            }
        }
    };
    apply_checked(src, &edits, &[])
}

/// The edits that set or remove `key` in an existing annotations mapping; `None` when
/// there is nothing to do.
fn edit_in_annotations(
    src: &str,
    doc: &Document,
    metadata: &Node,
    map: &Node,
    key: &str,
    value: Option<&str>,
    what: &str,
) -> Result<Option<Vec<Edit>>> {
    let entries = map.as_map().unwrap_or_default();
    let index = entries
        .iter()
        .position(|(k, _)| doc.resolve(k).as_str() == Some(key));
    let edits = match (index, value) {
        (Some(i), Some(value)) => {
            let (entry_key, node) = &entries[i];
            ensure!(
                !matches!(node.value, Value::Alias(_)),
                "annotation {key} of {what} is an alias (*name); change it by hand"
            );
            vec![replace_value(
                src,
                entry_key,
                node,
                format!(" {}", quoted(value)),
                true,
            )?]
        }
        (Some(_), None) if entries.len() == 1 => remove_annotations(src, doc, metadata, map)?,
        (Some(i), None) => remove_entry(src, map, i)?,
        (None, Some(value)) => vec![insert_entry(src, map, key, &Flat(value), 0)?],
        (None, None) => return Ok(None),
    };
    Ok(Some(edits))
}

/// The edits that remove the `annotations:` key with its one remaining entry. In block
/// style the `annotations:` line and the entry's lines go; comment lines among them stay.
fn remove_annotations(src: &str, doc: &Document, metadata: &Node, map: &Node) -> Result<Vec<Edit>> {
    let index = metadata_index(doc, metadata, "annotations")?;
    let (annotations_key, _) = &metadata.as_map().unwrap_or_default()[index];
    if map.flow || metadata.flow {
        return remove_entry(src, metadata, index);
    }
    let mut edits = remove_entry(src, map, 0)?;
    let start = line_start(src, annotations_key.span.start);
    let end = line_end(src, annotations_key.span.end);
    ensure!(
        src[start..annotations_key.span.start].trim().is_empty(),
        "the annotations key does not start its line; change it by hand"
    );
    // At the end of a file without a final line break the entry's removal takes the line
    // break before it: one removal then covers both.
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
    Ok(edits)
}

/// Whether a value is null: empty, `~` or `null` written plain.
fn is_null(node: &Node) -> bool {
    node.style() == Some(Style::Plain)
        && matches!(node.as_str(), Some("" | "~" | "null" | "Null" | "NULL"))
}

fn metadata_index(doc: &Document, metadata: &Node, key: &str) -> Result<usize> {
    metadata
        .as_map()
        .unwrap_or_default()
        .iter()
        .position(|(k, _)| doc.resolve(k).as_str() == Some(key))
        .context("annotations key")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::scan::scan_file;

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
}

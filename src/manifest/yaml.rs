//! A YAML tree whose every node knows its exact byte span in the source text.
//!
//! The tree is built from granit-parser's event stream, which reports byte ranges that
//! exclude anchors, tags and trailing comments. Everything that reads manifests works on
//! this tree, and every edit is a replacement of one of its spans, so a file that can be
//! read can also be edited without reformatting it.

use std::collections::HashMap;
use std::ops::Range;

use granit_parser::{Event, Parser, ScalarStyle, StructureStyle};

/// How a scalar is written in the source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// `value`
    Plain,
    /// `'value'`
    SingleQuoted,
    /// `"value"`
    DoubleQuoted,
    /// `|` block
    Literal,
    /// `>` block
    Folded,
}

/// What a node holds.
#[derive(Clone, Debug)]
pub enum Value {
    /// A scalar with its value after YAML escape processing.
    Scalar {
        /// The text of the scalar.
        text: String,
        /// How it is written.
        style: Style,
    },
    /// A mapping's entries in source order.
    Map(Vec<(Node, Node)>),
    /// A sequence's items in source order.
    Seq(Vec<Node>),
    /// An alias (`*name`) of the anchor with this id.
    Alias(usize),
}

/// One node of a document, with where it stands in the source.
#[derive(Clone, Debug)]
pub struct Node {
    /// The node's content.
    pub value: Value,
    /// Byte range: a scalar's token (quotes included, anchor and tag excluded), a
    /// collection from its first byte to its end marker.
    pub span: Range<usize>,
    /// 1-based line of the node's first byte.
    pub line: usize,
    /// For a collection: whether it is written in flow style (`{}` / `[]`). For a scalar or
    /// an alias: whether it stands inside a flow collection.
    pub flow: bool,
}

/// One document of a YAML stream.
#[derive(Debug)]
pub struct Document {
    /// 0-based position of the document in its file.
    pub index: usize,
    /// The root node; `None` for an empty document.
    pub root: Option<Node>,
    /// Anchored nodes by anchor id, to resolve aliases.
    anchors: HashMap<usize, Node>,
}

/// A parse failure with its position.
#[derive(Debug, thiserror::Error)]
#[error("{line}:{column}: {message}")]
pub struct ParseError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What the parser said.
    pub message: String,
}

impl Node {
    /// The scalar's text, if this is a scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// The mapping's entries, if this is a mapping.
    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// The sequence's items, if this is a sequence.
    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(items) => Some(items),
            _ => None,
        }
    }

    /// The scalar style, if this is a scalar.
    pub fn style(&self) -> Option<Style> {
        match &self.value {
            Value::Scalar { style, .. } => Some(*style),
            _ => None,
        }
    }

    /// The byte where the node's last piece of content ends: for a block collection this is
    /// the end of its last descendant, not the start of whatever follows it.
    pub fn content_end(&self) -> usize {
        match &self.value {
            Value::Map(entries) if !self.flow => {
                entries.last().map_or(self.span.end, |(_, value)| {
                    value.content_end().max(value.span.start)
                })
            }
            Value::Seq(items) if !self.flow => {
                items.last().map_or(self.span.end, Node::content_end)
            }
            _ => self.span.end,
        }
    }
}

impl Document {
    /// Resolve an alias node to the node it names; other nodes are returned as they are.
    pub fn resolve<'a>(&'a self, node: &'a Node) -> &'a Node {
        match node.value {
            Value::Alias(id) => self.anchors.get(&id).unwrap_or(node),
            _ => node,
        }
    }

    /// The value under `key` in a mapping node (aliases resolved), if any.
    pub fn get<'a>(&'a self, map: &'a Node, key: &str) -> Option<&'a Node> {
        self.get_entry(map, key).map(|(_, value)| value)
    }

    /// The key and value nodes of `key` in a mapping node (the value resolved), if any.
    /// Of duplicate keys the last one counts, as Kubernetes and Flux v1 read them (with
    /// Go's YAML decoder); a key the mapping does not write is looked up in the mappings it
    /// merges (`<<: *base`, or a list of them, the first that has it counting).
    pub fn get_entry<'a>(&'a self, map: &'a Node, key: &str) -> Option<(&'a Node, &'a Node)> {
        let entries = self.resolve(map).as_map()?;
        match entries
            .iter()
            .rfind(|(k, _)| self.resolve(k).as_str() == Some(key))
        {
            Some((k, v)) => Some((k, self.resolve(v))),
            None => self.merged(entries, |base| self.get_entry(base, key)),
        }
    }

    /// The value under `key` in a mapping node as written: an alias stays an alias. The
    /// same key as [`Document::get_entry`] counts.
    pub fn get_raw<'a>(&'a self, map: &'a Node, key: &str) -> Option<&'a Node> {
        let entries = self.resolve(map).as_map()?;
        match entries
            .iter()
            .rfind(|(k, _)| self.resolve(k).as_str() == Some(key))
        {
            Some((_, v)) => Some(v),
            None => self.merged(entries, |base| self.get_raw(base, key)),
        }
    }

    /// When `key` is not written in the mapping but comes from a mapping it merges, the
    /// span of the merge's value as written (`*base`): what an edit of it changes there.
    pub fn merged_from(&self, map: &Node, key: &str) -> Option<Range<usize>> {
        let entries = self.resolve(map).as_map()?;
        if entries
            .iter()
            .any(|(k, _)| self.resolve(k).as_str() == Some(key))
        {
            return None;
        }
        let (_, value) = entries
            .iter()
            .rfind(|(k, _)| k.style() == Some(Style::Plain) && k.as_str() == Some("<<"))?;
        self.merged(entries, |base| self.get_raw(base, key))
            .map(|_| value.span.clone())
    }

    /// The first answer of `find` among the mappings that `entries` merge with `<<`.
    /// Anchors come before their aliases, so merges cannot loop.
    fn merged<'a, T>(
        &'a self,
        entries: &'a [(Node, Node)],
        find: impl Fn(&'a Node) -> Option<T>,
    ) -> Option<T> {
        let (_, value) = entries
            .iter()
            .rfind(|(k, _)| k.style() == Some(Style::Plain) && k.as_str() == Some("<<"))?;
        let value = self.resolve(value);
        match &value.value {
            Value::Seq(bases) => bases.iter().find_map(|base| find(self.resolve(base))),
            Value::Map(_) => find(value),
            _ => None,
        }
    }

    /// The scalar text under `key` in a mapping node, if it is a scalar.
    pub fn get_str<'a>(&'a self, map: &'a Node, key: &str) -> Option<&'a str> {
        self.get(map, key).and_then(Node::as_str)
    }

    /// Follow a path of mapping keys from `node`.
    pub fn path<'a>(&'a self, node: &'a Node, keys: &[&str]) -> Option<&'a Node> {
        keys.iter()
            .try_fold(self.resolve(node), |node, key| self.get(node, key))
    }
}

/// Parse a whole YAML stream into documents. Comment-only and empty documents are kept
/// (with no root) so that document indexes count every `---`.
pub fn parse_stream(src: &str) -> Result<Vec<Document>, ParseError> {
    let mut documents = Vec::new();
    parse_each(src, |doc| documents.push(doc))?;
    Ok(documents)
}

/// Parse a YAML stream and hand each document to `each` as soon as it ends, so that only
/// one document's tree is held at a time (a large file of many documents is read in
/// little more memory than its largest document). On an error, the documents already
/// handed over stay handed over.
pub fn parse_each(src: &str, mut each: impl FnMut(Document)) -> Result<(), ParseError> {
    let mut builder = Builder::default();
    for event in Parser::new_from_str(src) {
        let (event, span) = event.map_err(|err| ParseError {
            line: err.marker().line(),
            column: err.marker().col() + 1,
            message: err.info(),
        })?;
        let range = span.byte_range().ok_or_else(|| ParseError {
            line: span.start.line(),
            column: span.start.col() + 1,
            message: "the parser gave no byte offset".to_owned(),
        })?;
        builder.event(event, range, span.start.line());
        if let Some(doc) = builder.done.take() {
            each(doc);
        }
    }
    Ok(())
}

/// A collection being built.
enum Open {
    Map {
        start: usize,
        line: usize,
        flow: bool,
        anchor: usize,
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
    },
    Seq {
        start: usize,
        line: usize,
        flow: bool,
        anchor: usize,
        items: Vec<Node>,
    },
}

/// Turns the event stream into documents.
#[derive(Default)]
struct Builder {
    /// Documents ended so far.
    count: usize,
    /// The document that just ended, until it is handed over.
    done: Option<Document>,
    stack: Vec<Open>,
    root: Option<Node>,
    anchors: HashMap<usize, Node>,
    in_document: bool,
    /// How many flow collections are open around the current event.
    flow_depth: usize,
}

impl Builder {
    fn event(&mut self, event: Event<'_>, span: Range<usize>, line: usize) {
        match event {
            Event::DocumentStart(..) => {
                self.in_document = true;
                self.root = None;
                self.anchors.clear();
            }
            Event::DocumentEnd => self.end_document(),
            Event::Scalar(text, style, anchor, _) => {
                let node = self.scalar(text, style, span, line);
                self.finish(node, anchor);
            }
            Event::Alias(id) => {
                let node = Node {
                    value: Value::Alias(id),
                    span,
                    line,
                    flow: self.flow_depth > 0,
                };
                self.finish(node, 0);
            }
            Event::MappingStart(style, anchor, _) => self.open(Open::Map {
                start: span.start,
                line,
                flow: style == StructureStyle::Flow,
                anchor,
                entries: Vec::new(),
                key: None,
            }),
            Event::SequenceStart(style, anchor, _) => self.open(Open::Seq {
                start: span.start,
                line,
                flow: style == StructureStyle::Flow,
                anchor,
                items: Vec::new(),
            }),
            Event::MappingEnd | Event::SequenceEnd => self.close(span.end),
            _ => {}
        }
    }

    /// The end of a document: it is done.
    fn end_document(&mut self) {
        if self.in_document {
            self.done = Some(Document {
                index: self.count,
                root: self.root.take(),
                anchors: std::mem::take(&mut self.anchors),
            });
            self.count += 1;
        }
        self.in_document = false;
    }

    /// A scalar's node.
    fn scalar(
        &self,
        text: std::borrow::Cow<'_, str>,
        style: ScalarStyle,
        span: Range<usize>,
        line: usize,
    ) -> Node {
        let style = match style {
            ScalarStyle::Plain => Style::Plain,
            ScalarStyle::SingleQuoted => Style::SingleQuoted,
            ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
            ScalarStyle::Literal => Style::Literal,
            ScalarStyle::Folded => Style::Folded,
        };
        // An absent value (`key:`) comes as a zero-width `~`: keep it empty.
        let text = if span.is_empty() {
            String::new()
        } else {
            text.into_owned()
        };
        Node {
            value: Value::Scalar { text, style },
            span,
            line,
            flow: self.flow_depth > 0,
        }
    }

    /// The end of the innermost open mapping or sequence, at byte `end`.
    fn close(&mut self, end: usize) {
        let Some(open) = self.stack.pop() else {
            return;
        };
        if matches!(
            open,
            Open::Map { flow: true, .. } | Open::Seq { flow: true, .. }
        ) {
            self.flow_depth -= 1;
        }
        let (node, anchor) = match open {
            Open::Map {
                start,
                line,
                flow,
                anchor,
                entries,
                ..
            } => (
                Node {
                    value: Value::Map(entries),
                    span: start..end,
                    line,
                    flow,
                },
                anchor,
            ),
            Open::Seq {
                start,
                line,
                flow,
                anchor,
                items,
            } => (
                Node {
                    value: Value::Seq(items),
                    span: start..end,
                    line,
                    flow,
                },
                anchor,
            ),
        };
        self.finish(node, anchor);
    }

    /// Start a collection.
    fn open(&mut self, open: Open) {
        if matches!(
            open,
            Open::Map { flow: true, .. } | Open::Seq { flow: true, .. }
        ) {
            self.flow_depth += 1;
        }
        self.stack.push(open);
    }

    /// Place a finished node into its parent (or make it the document root).
    fn finish(&mut self, node: Node, anchor: usize) {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Open::Seq { items, .. }) => items.push(node),
            Some(Open::Map { entries, key, .. }) => match key.take() {
                None => *key = Some(node),
                Some(k) => entries.push((k, node)),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_are_bytes_and_exclude_anchors_and_comments() {
        let src = "\u{feff}# é\na: &x 'v1'   # c\nb: *x\nc: {d: [1, \"two\"]}\n";
        let docs = parse_stream(src).unwrap();
        assert_eq!(docs.len(), 1);
        let doc = &docs[0];
        let root = doc.root.as_ref().unwrap();
        let a = doc.get(root, "a").unwrap();
        assert_eq!(&src[a.span.clone()], "'v1'");
        assert_eq!(a.line, 2);
        assert_eq!(doc.get_str(root, "b"), Some("v1"));
        let d = doc.path(root, &["c", "d"]).unwrap();
        let two = &d.as_seq().unwrap()[1];
        assert_eq!(&src[two.span.clone()], "\"two\"");
        assert_eq!(two.style(), Some(Style::DoubleQuoted));
    }

    #[test]
    fn counts_every_document() {
        let src = "a: 1\n---\n# only a comment\n---\nb: 2\n...\n";
        let docs = parse_stream(src).unwrap();
        assert_eq!(docs.len(), 3);
        assert_eq!(docs[1].root.as_ref().and_then(Node::as_str), Some(""));
        assert_eq!(docs[2].index, 2);
    }

    #[test]
    fn content_end_of_block_map_is_its_last_value() {
        let src = "m:\n  a: 1\n  b: two # c\n\nn: 3\n";
        let docs = parse_stream(src).unwrap();
        let doc = &docs[0];
        let m = doc.get(doc.root.as_ref().unwrap(), "m").unwrap();
        assert_eq!(&src[..m.content_end()], "m:\n  a: 1\n  b: two");
    }

    #[test]
    fn duplicate_keys_the_last_one_counts() {
        // Flux v1's own HelmRelease tests have a second `spec:`; Flux read its values.
        let src = "spec:\n  chart: {}\nspec:\n  values: {image: a:1}\n";
        let docs = parse_stream(src).unwrap();
        let doc = &docs[0];
        let image = doc
            .path(doc.root.as_ref().unwrap(), &["spec", "values", "image"])
            .unwrap();
        assert_eq!(image.as_str(), Some("a:1"));
        assert_eq!(image.line, 4);
    }

    #[test]
    fn reports_position_of_errors() {
        let err = parse_stream("a: b\n  c: d: e\n").unwrap_err();
        assert_eq!(err.line, 2);
    }
}

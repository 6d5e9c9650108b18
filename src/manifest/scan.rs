//! Finding workloads, their annotations and their image sites in a manifest file.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;

use super::flux::{FluxObjects, Marked};
use super::scalar::plain_is_string;
use super::yaml::{Document, Node, ParseError, Style, Value, parse_each};

/// The annotation prefixes that mean the same thing.
pub const PREFIXES: [&str; 2] = ["fluxcd.io/", "flux.weave.works/"];

/// `namespace:kind/name`, the kind lower-cased.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WorkloadId {
    /// The namespace, or the default namespace when the manifest names none.
    pub namespace: String,
    /// The kind, lower-cased.
    pub kind: String,
    /// `metadata.name`.
    pub name: String,
}

impl fmt::Display for WorkloadId {
    /// `namespace:kind/name`; for what holds markers but is no object (a
    /// `kustomization.yaml`, a plain values file), `kustomization:<dir>` or `file:<path>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.kind.is_empty() {
            return write!(f, "{}:{}", self.namespace, self.name);
        }
        write!(f, "{}:{}/{}", self.namespace, self.kind, self.name)
    }
}

/// One scalar in the source that a rewrite may change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Site {
    /// The scalar's text after YAML escape processing.
    pub text: String,
    /// Byte range of the scalar's token.
    pub span: Range<usize>,
    /// How it is written.
    pub style: Style,
    /// 1-based line.
    pub line: usize,
    /// Whether the scalar stands inside a flow collection (where `,[]{}` need quoting).
    pub in_flow: bool,
    /// When the value is written as an alias (`image: *app`), the alias's span; the other
    /// fields then describe the anchored scalar, which an edit changes.
    pub via: Option<Range<usize>>,
}

/// Where a container's image is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImageSite {
    /// One scalar holds the whole reference (`image: nginx:1.0`).
    Whole(Site),
    /// A Flux v1 HelmRelease's split form: `image`/`repository` with optional sibling
    /// `registry` and `tag` values.
    Split {
        /// The `image` string or `image.repository` value.
        repository: Site,
        /// A `registry` value, written before the repository.
        registry: Option<Site>,
        /// A `tag` value, written after the repository.
        tag: Option<Site>,
    },
    /// The parts of a reference that markers name in one mapping (kustomize `newName`,
    /// `newTag`, `digest`; Helm `repository`, `tag`, `digest`).
    Parts {
        /// The repository the policy or marker names, for a reference without a name
        /// part.
        image: String,
        /// Where the mapping holding the parts starts.
        holder: usize,
        /// The name part.
        name: Option<Site>,
        /// The tag part.
        tag: Option<Site>,
        /// The digest part.
        digest: Option<Site>,
    },
}

impl ImageSite {
    /// The full reference the site spells, e.g. `bitnami/redis:5.0.7`.
    pub fn reference(&self) -> String {
        match self {
            ImageSite::Whole(site) => site.text.clone(),
            ImageSite::Split {
                repository,
                registry,
                tag,
            } => {
                let mut text = String::new();
                if let Some(registry) = registry {
                    text.push_str(registry.text.trim_end_matches('/'));
                    text.push('/');
                }
                text.push_str(&repository.text);
                if let Some(tag) = tag {
                    text.push(':');
                    text.push_str(&tag.text);
                }
                text
            }
            ImageSite::Parts {
                image,
                name,
                tag,
                digest,
                ..
            } => {
                let mut text = name
                    .as_ref()
                    .map_or(image.as_str(), |n| n.text.as_str())
                    .to_owned();
                if let Some(tag) = tag {
                    text.push(':');
                    text.push_str(&tag.text);
                }
                if let Some(digest) = digest {
                    text.push('@');
                    text.push_str(&digest.text);
                }
                text
            }
        }
    }

    /// The scalar a new tag is written into: the whole reference, else the `tag` value,
    /// else the repository.
    pub fn edited(&self) -> &Site {
        match self {
            ImageSite::Whole(site) => site,
            ImageSite::Split { tag: Some(tag), .. } => tag,
            ImageSite::Split { repository, .. } => repository,
            ImageSite::Parts {
                tag, name, digest, ..
            } => tag
                .as_ref()
                .or(digest.as_ref())
                .or(name.as_ref())
                .expect("a marked part"),
        }
    }

    /// The alias span, when the value a new tag is written into is an alias.
    pub fn alias(&self) -> Option<Range<usize>> {
        self.edited().via.clone()
    }

    /// The line where the reference starts.
    pub fn line(&self) -> usize {
        match self {
            ImageSite::Whole(site) => site.line,
            ImageSite::Split { repository, .. } => repository.line,
            ImageSite::Parts { .. } => self.edited().line,
        }
    }
}

/// One container of a workload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Container {
    /// The container's name (for a HelmRelease, `chart-image` or the values key or alias).
    pub name: String,
    /// Where its image is written; `None` for a container entry without `image`.
    pub image: Option<ImageSite>,
    /// Whether it is an init container.
    pub init: bool,
    /// The marker that governs its image, when one does.
    pub marker: Option<Marked>,
}

/// The Flux v1 policies of a workload, read from its annotations.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Policies {
    /// `fluxcd.io/automated: "true"`.
    pub automated: bool,
    /// `fluxcd.io/locked: "true"`.
    pub locked: bool,
    /// `fluxcd.io/ignore: "true"`.
    pub ignore: bool,
    /// `fluxcd.io/locked_user`.
    pub locked_user: Option<String>,
    /// `fluxcd.io/locked_msg`.
    pub locked_msg: Option<String>,
    /// Tag patterns by container, as written.
    pub tags: BTreeMap<String, String>,
}

/// One annotation of a workload, as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Annotation {
    /// The full key, with its prefix.
    pub key: String,
    /// The value as a string.
    pub value: String,
}

/// A workload found in a manifest file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Workload {
    /// Its ID.
    pub id: WorkloadId,
    /// The kind as written.
    pub kind: String,
    /// The file, relative to the repository root, `/`-separated.
    pub file: String,
    /// 1-based line of the document's (or List item's) first line.
    pub line: usize,
    /// 0-based document index in the file.
    pub doc: usize,
    /// Index in a `List`'s `items`, if it came from one.
    pub item: Option<usize>,
    /// All of the workload's own annotations, in source order.
    pub annotations: Vec<Annotation>,
    /// Its Flux v1 policies.
    pub policies: Policies,
    /// Containers, then init containers.
    pub containers: Vec<Container>,
}

/// What scanning one file found.
#[derive(Debug, Default)]
pub struct FileScan {
    /// The workloads, in file order.
    pub workloads: Vec<Workload>,
    /// Things worth telling the user, each already naming the file and line.
    pub warnings: Vec<String>,
    /// Flux v2's image objects.
    pub flux: FluxObjects,
}

/// The kinds that are workloads even when a document has no pod template (a patch, a stub).
const WORKLOAD_KINDS: [&str; 6] = [
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "CronJob",
    "Job",
    "Pod",
];

/// Flux v1 helm-operator API versions whose HelmReleases carry images in their values.
const HELM_RELEASE_V1: [&str; 2] = ["helm.fluxcd.io/v1", "flux.weave.works/v1beta1"];

/// Scan one file's text. `file` is its repository-relative path, used in results and warnings.
pub fn scan_file(file: &str, src: &str, default_namespace: &str) -> FileScan {
    let mut out = FileScan::default();
    if !may_hold_anything(src) {
        return out;
    }
    let markers = super::marker::may_hold_markers(src);
    // Document by document: only what the scan finds is kept, not the file's tree.
    let parsed = parse_each(src, |doc| {
        let Some(root) = &doc.root else { return };
        let ctx = Context {
            file,
            src,
            doc: &doc,
            default_namespace,
        };
        ctx.object(root, None, &mut out);
        if markers {
            ctx.markers(root, &mut out);
        }
    });
    match parsed {
        Ok(()) => {
            out.workloads.shrink_to_fit();
            out
        }
        // A file that does not parse is skipped whole, as before.
        Err(err) => FileScan {
            warnings: vec![parse_warning(file, &err)],
            ..FileScan::default()
        },
    }
}

/// Words without which a file holds nothing a scan reports: a pod template, a workload
/// kind, a HelmRelease, a marker, a Flux image object.
const NEEDED: [&str; 10] = [
    "containers",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "Pod",
    "HelmRelease",
    "\"$imagepolicy\"",
    "\"$tagpilot\"",
    "image.toolkit.fluxcd.io/",
];

/// Whether a file's bytes may hold anything a scan reports; a file without any of the
/// [`NEEDED`] words is not parsed (and so not reported when it does not parse).
fn may_hold_anything(src: &str) -> bool {
    NEEDED.iter().any(|word| src.contains(word))
}

/// The warning for a file that does not parse.
fn parse_warning(file: &str, err: &ParseError) -> String {
    format!(
        "{file}:{}: not valid YAML, skipped: {}",
        err.line, err.message
    )
}

/// What every look-up in one document needs.
pub(super) struct Context<'a> {
    pub(super) file: &'a str,
    pub(super) src: &'a str,
    pub(super) doc: &'a Document,
    pub(super) default_namespace: &'a str,
}

impl Context<'_> {
    /// Look at one object: a List's items, a workload, or something to ignore.
    fn object(&self, node: &Node, item: Option<usize>, out: &mut FileScan) {
        let doc = self.doc;
        let node = doc.resolve(node);
        if node.as_map().is_none() {
            return;
        }
        let Some(kind) = doc.get_str(node, "kind") else {
            return;
        };
        if kind.ends_with("List") && item.is_none() {
            if let Some(items) = doc.get(node, "items").and_then(Node::as_seq) {
                for (i, entry) in items.iter().enumerate() {
                    self.object(entry, Some(i), out);
                }
            }
            return;
        }
        let api_version = doc.get_str(node, "apiVersion").unwrap_or("");
        if api_version.starts_with("image.toolkit.fluxcd.io/") {
            let namespace = self.namespace(node);
            out.flux.read(doc, node, kind, &namespace);
            return;
        }
        let containers = if kind == "HelmRelease" {
            if !HELM_RELEASE_V1.contains(&api_version) {
                return;
            }
            None
        } else {
            let pod_spec = match kind {
                "Pod" => doc.get(node, "spec"),
                "CronJob" => doc.path(node, &["spec", "jobTemplate", "spec", "template", "spec"]),
                _ => doc.path(node, &["spec", "template", "spec"]),
            };
            let containers = pod_spec.map(|spec| self.pod_containers(spec));
            let has_pod_template = pod_spec.is_some_and(|spec| {
                doc.get(spec, "containers").is_some() || doc.get(spec, "initContainers").is_some()
            });
            if !has_pod_template && !WORKLOAD_KINDS.contains(&kind) {
                return;
            }
            Some(containers.unwrap_or_default())
        };
        let Some(name) = doc.path(node, &["metadata", "name"]).and_then(Node::as_str) else {
            out.warnings.push(format!(
                "{}:{}: {kind} without metadata.name, skipped",
                self.file, node.line
            ));
            return;
        };
        let namespace = self.namespace(node);
        let annotations = self.annotations(node);
        let policies = policies(&annotations);
        let mut containers = match containers {
            Some(containers) => containers,
            None => self.helm_release_containers(node, &annotations),
        };
        // A scan of a large repository keeps many of these: no spare capacity.
        containers.shrink_to_fit();
        let mut annotations = annotations;
        annotations.shrink_to_fit();
        out.workloads.push(Workload {
            id: WorkloadId {
                namespace,
                kind: kind.to_lowercase(),
                name: name.to_owned(),
            },
            kind: kind.to_owned(),
            file: self.file.to_owned(),
            line: node.line,
            doc: doc.index,
            item,
            annotations,
            policies,
            containers,
        });
    }

    /// `metadata.namespace`, else the default namespace.
    pub(super) fn namespace(&self, node: &Node) -> String {
        self.doc
            .path(node, &["metadata", "namespace"])
            .and_then(Node::as_str)
            .filter(|ns| !ns.is_empty())
            .unwrap_or(self.default_namespace)
            .to_owned()
    }

    /// The workload's own `metadata.annotations` with string-like values.
    pub(super) fn annotations(&self, node: &Node) -> Vec<Annotation> {
        let doc = self.doc;
        let Some(entries) = doc
            .path(node, &["metadata", "annotations"])
            .and_then(Node::as_map)
        else {
            return Vec::new();
        };
        entries
            .iter()
            .filter_map(|(key, value)| {
                Some(Annotation {
                    key: doc.resolve(key).as_str()?.to_owned(),
                    value: doc.resolve(value).as_str()?.to_owned(),
                })
            })
            .collect()
    }

    /// `containers` then `initContainers` of a pod spec.
    fn pod_containers(&self, spec: &Node) -> Vec<Container> {
        let doc = self.doc;
        let mut out = Vec::new();
        for (field, init) in [("containers", false), ("initContainers", true)] {
            let Some(items) = doc.get(spec, field).and_then(Node::as_seq) else {
                continue;
            };
            for item in items {
                let item = doc.resolve(item);
                if item.as_map().is_none() {
                    continue;
                }
                let name = doc.get_str(item, "name").unwrap_or("").to_owned();
                // An image merged in (`<<: *base`) is written in the base: an edit changes
                // it there, as through an alias.
                let image = doc
                    .get_raw(item, "image")
                    .and_then(|value| self.site(value))
                    .map(|mut site| {
                        if let Some(merge) = doc.merged_from(item, "image") {
                            site.via = Some(merge);
                        }
                        ImageSite::Whole(site)
                    });
                out.push(Container {
                    name,
                    image,
                    init,
                    marker: None,
                });
            }
        }
        out
    }

    /// A scalar node as an editable site. An alias yields the anchored scalar's site.
    pub(super) fn site(&self, node: &Node) -> Option<Site> {
        let via = matches!(node.value, Value::Alias(_)).then(|| node.span.clone());
        let node = self.doc.resolve(node);
        let text = node.as_str()?;
        Some(Site {
            text: text.to_owned(),
            span: node.span.clone(),
            style: node.style()?,
            line: node.line,
            in_flow: node.flow,
            via,
        })
    }

    /// A scalar that reads as a string (a plain `5.0` or `true` does not).
    fn string_site(&self, node: &Node) -> Option<Site> {
        let site = self.site(node)?;
        (site.style != Style::Plain || plain_is_string(&site.text)).then_some(site)
    }

    /// Flux v1's image shapes in a mapping: `image` as a string with optional sibling
    /// `registry` and `tag`, or `image` as a mapping with `repository` (and optional
    /// `registry`, `tag`).
    fn values_image(&self, map: &Node) -> Option<ImageSite> {
        let doc = self.doc;
        let image = doc.get(map, "image")?;
        let (holder, repository) = if image.as_map().is_some() {
            (image, self.string_site(doc.get_raw(image, "repository")?)?)
        } else {
            (map, self.string_site(doc.get_raw(map, "image")?)?)
        };
        if repository.text.is_empty() {
            return None;
        }
        let registry = doc
            .get(holder, "registry")
            .and_then(|node| self.string_site(node));
        let tag = doc
            .get(holder, "tag")
            .and_then(|node| self.string_site(node));
        Some(ImageSite::Split {
            repository,
            registry,
            tag,
        })
    }

    /// The containers of a Flux v1 HelmRelease, by Flux v1's rules.
    fn helm_release_containers(&self, node: &Node, annotations: &[Annotation]) -> Vec<Container> {
        let doc = self.doc;
        let mut out: Vec<Container> = Vec::new();
        let Some(values) = doc.path(node, &["spec", "values"]) else {
            return out;
        };
        let mut push = |name: &str, image: ImageSite| {
            out.retain(|c| c.name != name);
            out.push(Container {
                name: name.to_owned(),
                image: Some(image),
                init: false,
                marker: None,
            });
        };
        if let Some(image) = self.values_image(values) {
            push("chart-image", image);
        }
        for (key, value) in values.as_map().unwrap_or_default() {
            let (Some(key), value) = (doc.resolve(key).as_str(), doc.resolve(value)) else {
                continue;
            };
            if key == "image" || value.as_map().is_none() {
                continue;
            }
            if let Some(image) = self.values_image(value) {
                push(key, image);
            }
        }
        for annotation in annotations {
            let Some(alias) = annotation.key.strip_prefix("repository.fluxcd.io/") else {
                continue;
            };
            let path = |prefix: &str| {
                annotations
                    .iter()
                    .find(|a| a.key == format!("{prefix}{alias}"))
                    .and_then(|a| self.values_path(values, &a.value))
            };
            let Some(repository) = self.values_path(values, &annotation.value) else {
                continue;
            };
            push(
                alias,
                ImageSite::Split {
                    repository,
                    registry: path("registry.fluxcd.io/"),
                    tag: path("tag.fluxcd.io/"),
                },
            );
        }
        out
    }

    /// The string scalar at a dot-separated path below `values`.
    fn values_path(&self, values: &Node, path: &str) -> Option<Site> {
        let keys: Vec<&str> = path.split('.').collect();
        self.string_site(self.doc.path(values, &keys)?)
    }
}

/// Strip a Flux annotation prefix from a key: `fluxcd.io/automated` → `automated`;
/// `filter.fluxcd.io/app` → `tag.app`.
pub fn flux_key(key: &str) -> Option<String> {
    if let Some(container) = key.strip_prefix("filter.fluxcd.io/") {
        return Some(format!("tag.{container}"));
    }
    PREFIXES
        .iter()
        .find_map(|prefix| key.strip_prefix(prefix))
        .map(str::to_owned)
}

/// Read the Flux v1 policies from a workload's annotations.
pub fn policies(annotations: &[Annotation]) -> Policies {
    let mut policies = Policies::default();
    for annotation in annotations {
        let Some(key) = flux_key(&annotation.key) else {
            continue;
        };
        let value = &annotation.value;
        match key.as_str() {
            "automated" => policies.automated = value == "true",
            "locked" => policies.locked = value == "true",
            "ignore" => policies.ignore = value == "true",
            "locked_user" => policies.locked_user = Some(value.clone()),
            "locked_msg" => policies.locked_msg = Some(value.clone()),
            _ => {
                if let Some(container) = key.strip_prefix("tag.") {
                    // The `fluxcd.io/` spelling wins over the legacy ones when both are set.
                    let preferred = annotation.key.starts_with(PREFIXES[0]);
                    if preferred || !policies.tags.contains_key(container) {
                        policies.tags.insert(container.to_owned(), value.clone());
                    }
                }
            }
        }
    }
    policies
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(src: &str) -> FileScan {
        scan_file("f.yaml", src, "default")
    }

    fn images(w: &Workload) -> Vec<(String, String, bool)> {
        w.containers
            .iter()
            .map(|c| {
                (
                    c.name.clone(),
                    c.image
                        .as_ref()
                        .map(ImageSite::reference)
                        .unwrap_or_default(),
                    c.init,
                )
            })
            .collect()
    }

    #[test]
    fn deployment_containers_then_init_containers() {
        let src = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\n  namespace: prod\n  annotations:\n    fluxcd.io/automated: \"true\"\n    filter.fluxcd.io/main: semver:~1\nspec:\n  template:\n    spec:\n      initContainers:\n      - name: init\n        image: busybox:1\n      containers:\n      - name: main\n        image: 'ghcr.io/a/b:1.0'\n      - name: noimage\n";
        let out = scan(src);
        assert!(out.warnings.is_empty());
        let w = &out.workloads[0];
        assert_eq!(w.id.to_string(), "prod:deployment/app");
        assert_eq!(w.line, 1);
        assert_eq!(
            images(w),
            vec![
                ("main".into(), "ghcr.io/a/b:1.0".into(), false),
                ("noimage".into(), String::new(), false),
                ("init".into(), "busybox:1".into(), true),
            ]
        );
        assert!(w.policies.automated);
        assert_eq!(
            w.policies.tags.get("main").map(String::as_str),
            Some("semver:~1")
        );
        let ImageSite::Whole(site) = w.containers[0].image.as_ref().unwrap() else {
            panic!("whole")
        };
        assert_eq!(&src[site.span.clone()], "'ghcr.io/a/b:1.0'");
        assert_eq!(site.line, 17);
    }

    #[test]
    fn cronjob_pod_list_and_custom_kinds() {
        let src = "kind: List\nitems:\n- kind: CronJob\n  metadata: {name: c}\n  spec:\n    jobTemplate:\n      spec:\n        template:\n          spec:\n            containers: [{name: a, image: a:1}]\n- kind: Pod\n  metadata: {name: p, namespace: x}\n  spec:\n    containers:\n    - {name: b, image: b:2}\n---\nkind: Rollout\nmetadata: {name: r}\nspec:\n  template:\n    spec:\n      containers: [{name: r, image: r:3}]\n---\nkind: Service\nmetadata: {name: s}\nspec:\n  template:\n    spec: {}\n---\nkind: Deployment\nmetadata: {name: patch}\n";
        let out = scan(src);
        let ids: Vec<String> = out.workloads.iter().map(|w| w.id.to_string()).collect();
        assert_eq!(
            ids,
            [
                "default:cronjob/c",
                "x:pod/p",
                "default:rollout/r",
                "default:deployment/patch"
            ]
        );
        assert_eq!(out.workloads[0].item, Some(0));
        assert_eq!(out.workloads[0].line, 3);
        assert_eq!(out.workloads[2].doc, 1);
        assert!(out.workloads[3].containers.is_empty());
    }

    #[test]
    fn helm_release_shapes() {
        let src = "apiVersion: helm.fluxcd.io/v1\nkind: HelmRelease\nmetadata:\n  name: hr\n  annotations:\n    repository.fluxcd.io/app: deep.img.repo\n    tag.fluxcd.io/app: deep.img.version\nspec:\n  values:\n    image:\n      registry: docker.io\n      repository: bitnami/redis\n      tag: 5.0.7\n    sidecar:\n      image: nginx\n      tag: \"1.19\"\n    float:\n      image: busybox\n      tag: 1.3\n    deep:\n      img:\n        repo: my/app\n        version: v2\n";
        let out = scan(src);
        let w = &out.workloads[0];
        assert_eq!(
            images(w),
            vec![
                (
                    "chart-image".into(),
                    "docker.io/bitnami/redis:5.0.7".into(),
                    false
                ),
                ("sidecar".into(), "nginx:1.19".into(), false),
                ("float".into(), "busybox".into(), false),
                ("app".into(), "my/app:v2".into(), false),
            ]
        );
    }

    #[test]
    fn flux_v2_helm_release_is_not_a_workload() {
        let src = "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: x}\nspec:\n  values:\n    image: nginx:1\n";
        assert!(scan(src).workloads.is_empty());
    }

    #[test]
    fn unparseable_file_is_a_warning_with_its_line() {
        let out = scan("containers: 1\nb: {{ .Values.x }}\n  c: [\n");
        assert!(out.workloads.is_empty());
        assert!(out.warnings[0].starts_with("f.yaml:"), "{:?}", out.warnings);
    }

    #[test]
    fn a_file_without_any_word_a_workload_needs_is_not_parsed() {
        // A chart's values or a Service cannot hold a workload: not even its syntax counts.
        let out = scan("kind: Service\nmetadata: {name: s}\nb: {{ .Values.x }}\n  c: [\n");
        assert!(out.workloads.is_empty() && out.warnings.is_empty());
    }

    #[test]
    fn legacy_prefixes_and_booleans() {
        let anns = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| Annotation {
                    key: (*k).into(),
                    value: (*v).into(),
                })
                .collect::<Vec<_>>()
        };
        let p = policies(&anns(&[
            ("flux.weave.works/automated", "true"),
            ("fluxcd.io/locked", "True"),
            ("flux.weave.works/ignore", "true"),
            ("flux.weave.works/tag.a", "glob:x"),
            ("fluxcd.io/tag.a", "glob:y"),
        ]));
        assert!(p.automated && !p.locked && p.ignore);
        assert_eq!(p.tags["a"], "glob:y");
    }
}

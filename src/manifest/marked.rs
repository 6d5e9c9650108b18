//! The marked scalars of a document as containers: a marker on a workload's container
//! image governs that container; any other marked scalar becomes a container of its own,
//! named by its policy (or `line-N` for a `$tagpilot` marker), of the document's object,
//! of `kustomization:<dir>` for a kustomization without metadata, or of `file:<path>`.
//! The parts of one reference marked in one mapping (name, tag, digest) make one
//! container.

use super::flux::{Marked, Resolved};
use super::marker::{self, Marker, Part, Rule};
use super::scan::{Container, Context, FileScan, ImageSite, Site, Workload, WorkloadId, policies};
use super::yaml::{Node, Value};

/// A marked scalar, with the mapping it stands in (for grouping parts).
struct Found {
    site: Site,
    marker: Result<Marker, (usize, String)>,
    holder: usize,
    /// The key the scalar is the value of.
    key: Option<String>,
}

impl Context<'_> {
    /// Find the marked scalars of the document at `root` and add them to its workload
    /// (made when the document has none); in a `List`, each item's to that item's.
    pub(super) fn markers(&self, root: &Node, out: &mut FileScan) {
        let doc = self.doc;
        let root = doc.resolve(root);
        let is_list = doc
            .get_str(root, "kind")
            .is_some_and(|k| k.ends_with("List"));
        match doc.get(root, "items").and_then(Node::as_seq) {
            Some(items) if is_list => {
                for (i, item) in items.iter().enumerate() {
                    self.markers_of(doc.resolve(item), Some(i), out);
                }
            }
            _ => self.markers_of(root, None, out),
        }
    }

    /// The marked scalars of one object (a document, or a List's item `item`).
    fn markers_of(&self, object: &Node, item: Option<usize>, out: &mut FileScan) {
        let mut found = Vec::new();
        self.walk(object, usize::MAX, None, &mut found);
        if found.is_empty() {
            return;
        }
        let index = match out
            .workloads
            .iter()
            .position(|w| w.file == self.file && w.doc == self.doc.index && w.item == item)
        {
            Some(index) => index,
            None => {
                let mut holder = self.holder(object);
                holder.item = item;
                out.workloads.push(holder);
                out.workloads.len() - 1
            }
        };
        let workload = &mut out.workloads[index];
        for found in found {
            add(workload, found, self.file);
        }
    }

    /// Collect the marked scalars below `node`.
    /// `key` is the key `node` is the value of (`None` for a sequence item).
    fn walk(&self, node: &Node, holder: usize, key: Option<&str>, found: &mut Vec<Found>) {
        match &node.value {
            Value::Map(entries) => {
                for (key, value) in entries {
                    self.walk(
                        value,
                        node.span.start,
                        Some(key.as_str().unwrap_or("")),
                        found,
                    );
                }
            }
            Value::Seq(items) => {
                for value in items {
                    self.walk(value, node.span.start, None, found);
                }
            }
            Value::Scalar { .. } => {
                let item = key.is_none();
                let Some((comment, line)) =
                    marker::comment_of(self.src, &node.span, node.line, item)
                else {
                    return;
                };
                let Some(parsed) = marker::parse(comment, line) else {
                    return;
                };
                let Some(site) = self.site(node) else {
                    return;
                };
                found.push(Found {
                    site,
                    marker: parsed.map_err(|why| (line, why)),
                    holder,
                    key: key.map(str::to_owned),
                });
            }
            Value::Alias(_) => {}
        }
    }

    /// The workload a document without one gets for its markers.
    fn holder(&self, root: &Node) -> Workload {
        let doc = self.doc;
        let kind = doc.get_str(root, "kind").unwrap_or("");
        let name = doc.path(root, &["metadata", "name"]).and_then(Node::as_str);
        let base = self.file.rsplit('/').next().unwrap_or(self.file);
        let kustomization =
            ["kustomization.yaml", "kustomization.yml", "Kustomization"].contains(&base);
        let (id, annotations) = match name {
            Some(name) if !kind.is_empty() => (
                WorkloadId {
                    namespace: self.namespace(root),
                    kind: kind.to_lowercase(),
                    name: name.to_owned(),
                },
                self.annotations(root),
            ),
            _ if kustomization || kind == "Kustomization" => {
                let dir = self.file.rsplit_once('/').map_or(".", |(dir, _)| dir);
                (pseudo("kustomization", dir), Vec::new())
            }
            _ => (pseudo("file", self.file), Vec::new()),
        };
        Workload {
            id,
            kind: kind.to_owned(),
            file: self.file.to_owned(),
            line: root.line,
            doc: doc.index,
            item: None,
            policies: policies(&annotations),
            annotations,
            containers: Vec::new(),
        }
    }
}

/// The ID of something that is no object: `kustomization:<dir>`, `file:<path>`.
fn pseudo(what: &str, name: &str) -> WorkloadId {
    WorkloadId {
        namespace: what.to_owned(),
        kind: String::new(),
        name: name.to_owned(),
    }
}

/// Add one marked scalar to `workload`: to the container whose image it is, to the
/// container of the same reference's other parts, or as a container of its own.
fn add(workload: &mut Workload, found: Found, file: &str) {
    let Found {
        site,
        marker,
        holder,
        key,
    } = found;
    let marker = match marker {
        Ok(marker) => marker,
        Err((line, why)) => {
            let name = unique(workload, &format!("line-{line}"));
            let text = format!("{file}:{line}: malformed marker: {why}");
            workload.containers.push(broken(name, site, line, text));
            return;
        }
    };
    // A value of a Flux v1 HelmRelease's image: the marker governs that container.
    let split = workload.containers.iter_mut().find(|c| match &c.image {
        Some(ImageSite::Split {
            repository, tag, ..
        }) => repository.span == site.span || tag.as_ref().is_some_and(|t| t.span == site.span),
        _ => false,
    });
    if let Some(container) = split {
        container.marker = Some(pending(marker));
        return;
    }
    let owned = workload.containers.iter_mut().find(|c| match &c.image {
        Some(ImageSite::Whole(image)) => image.span == site.span,
        _ => false,
    });
    if let Some(container) = owned {
        if marker.part == Part::Whole {
            container.marker = Some(pending(marker));
        } else {
            let line = marker.line;
            let text = format!(
                "{file}:{line}: marker {}: :{} marks a container's whole image; use the marker without a part",
                marker.text,
                marker.part.word()
            );
            *container = broken(container.name.clone(), site, line, text);
        }
        return;
    }
    if marker.part == Part::Whole {
        let name = unique(workload, &container_name(&marker));
        workload.containers.push(Container {
            name,
            image: Some(ImageSite::Whole(site)),
            init: false,
            marker: Some(pending(marker)),
        });
        return;
    }
    add_part(workload, site, marker, (holder, key.as_deref()), file);
}

/// Add a marked part of a reference, to the container of its other parts if there is one.
fn add_part(
    workload: &mut Workload,
    site: Site,
    marker: Marker,
    (holder, key): (usize, Option<&str>),
    file: &str,
) {
    if marker.part == Part::Name && key == Some("name") {
        // Flux would rewrite kustomize's matcher, not the replacement.
        let line = marker.line;
        let text = format!(
            "{file}:{line}: marker {}: :name on a kustomize images entry's name (the image it \
             replaces) would change what the entry matches; mark newName instead",
            marker.text
        );
        let name = unique(workload, &container_name(&marker));
        workload.containers.push(broken(name, site, line, text));
        return;
    }
    let sibling = workload.containers.iter_mut().find(|c| {
        let same_rule = c
            .marker
            .as_ref()
            .is_some_and(|m| m.marker.rule == marker.rule);
        let same_place =
            matches!(&c.image, Some(ImageSite::Parts { holder: h, .. }) if *h == holder);
        same_rule && same_place
    });
    let container = match sibling {
        Some(container) => container,
        None => {
            let name = unique(workload, &container_name(&marker));
            workload.containers.push(Container {
                name,
                image: Some(ImageSite::Parts {
                    image: String::new(),
                    holder,
                    name: None,
                    tag: None,
                    digest: None,
                }),
                init: false,
                marker: Some(pending(marker.clone())),
            });
            workload.containers.last_mut().expect("just pushed")
        }
    };
    if let Some(ImageSite::Parts {
        name, tag, digest, ..
    }) = &mut container.image
    {
        let slot = match marker.part {
            Part::Name => name,
            Part::Tag => tag,
            _ => digest,
        };
        *slot = Some(site);
    }
}

/// A container for a marked scalar that cannot be used, failing with `why`.
fn broken(name: String, site: Site, line: usize, why: String) -> Container {
    Container {
        name,
        image: Some(ImageSite::Whole(site)),
        init: false,
        marker: Some(Marked {
            marker: Marker {
                text: String::new(),
                line,
                rule: Rule::Pattern {
                    pattern: String::new(),
                    image: None,
                },
                part: Part::Whole,
            },
            resolved: Resolved::Broken(why),
        }),
    }
}

fn pending(marker: Marker) -> Marked {
    Marked {
        marker,
        resolved: Resolved::Pending,
    }
}

/// The policy's name, or `line-N` for a `$tagpilot` marker.
fn container_name(marker: &Marker) -> String {
    match &marker.rule {
        Rule::Policy { name, .. } => name.clone(),
        Rule::Pattern { .. } => format!("line-{}", marker.line),
    }
}

/// `name`, or `name-line-N`… when the workload has a container of that name already.
fn unique(workload: &Workload, name: &str) -> String {
    let taken = |n: &str| workload.containers.iter().any(|c| c.name == n);
    if !taken(name) {
        return name.to_owned();
    }
    (2..)
        .map(|i| format!("{name}-{i}"))
        .find(|n| !taken(n))
        .expect("a free name")
}

#[cfg(test)]
mod tests {
    use crate::manifest::flux::{FluxObjects, Resolved};
    use crate::manifest::scan::{FileScan, ImageSite, scan_file};

    fn scan(file: &str, src: &str) -> FileScan {
        let mut out = scan_file(file, src, "default");
        let objects = std::mem::take(&mut out.flux);
        objects.resolve(&mut out.workloads);
        out
    }

    /// `(workload, container, reference, what governs it)` of each marked container.
    fn marked(out: &FileScan) -> Vec<(String, String, String, String)> {
        out.workloads
            .iter()
            .flat_map(|w| {
                w.containers.iter().filter_map(move |c| {
                    let m = c.marker.as_ref()?;
                    let rule = match &m.resolved {
                        Resolved::Broken(why) => format!("broken: {why}"),
                        _ => m.describe(),
                    };
                    let image = c
                        .image
                        .as_ref()
                        .map(ImageSite::reference)
                        .unwrap_or_default();
                    Some((w.id.to_string(), c.name.clone(), image, rule))
                })
            })
            .collect()
    }

    fn row(w: &str, c: &str, image: &str, rule: &str) -> (String, String, String, String) {
        (w.into(), c.into(), image.into(), rule.into())
    }

    const POLICY: &str = "---\napiVersion: image.toolkit.fluxcd.io/v1\nkind: ImagePolicy\nmetadata: {name: podinfo, namespace: flux-system}\nspec:\n  imageRepositoryRef: {name: podinfo}\n  policy:\n    semver: {range: 5.0.x}\n---\napiVersion: image.toolkit.fluxcd.io/v1\nkind: ImageRepository\nmetadata: {name: podinfo, namespace: flux-system}\nspec:\n  image: ghcr.io/stefanprodan/podinfo\n";

    #[test]
    fn every_place_a_marker_may_stand() {
        let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: \"ghcr.io/stefanprodan/podinfo:5.0.0\" # {\"$imagepolicy\": \"flux-system:podinfo\"}\n      - name: side\n        image: busybox:1\n";
        let out = scan("apps/web.yaml", &format!("{deployment}{POLICY}"));
        assert_eq!(
            marked(&out),
            [row(
                "default:deployment/web",
                "web",
                "ghcr.io/stefanprodan/podinfo:5.0.0",
                "$imagepolicy flux-system:podinfo"
            )]
        );
        let kustomization = "images:\n- name: podinfo\n  newName: ghcr.io/stefanprodan/podinfo # {\"$imagepolicy\": \"flux-system:podinfo:name\"}\n  newTag: 5.0.0 # {\"$imagepolicy\": \"flux-system:podinfo:tag\"}\n- {name: other, newTag: '1.0'} # {\"$tagpilot\": \"semver:~1\", \"image\": \"ghcr.io/acme/other\", \"part\": \"tag\"}\n";
        let out = scan(
            "apps/prod/kustomization.yaml",
            &format!("{kustomization}{POLICY}"),
        );
        assert_eq!(
            marked(&out),
            [
                row(
                    "kustomization:apps/prod",
                    "podinfo",
                    "ghcr.io/stefanprodan/podinfo:5.0.0",
                    "$imagepolicy flux-system:podinfo:name"
                ),
                row(
                    "kustomization:apps/prod",
                    "line-5",
                    "ghcr.io/acme/other:1.0",
                    "$tagpilot semver:~1"
                ),
            ]
        );
        let values = "replicas: 2\nimage:\n  repository: ghcr.io/stefanprodan/podinfo\n  tag: 5.0.0 # {\"$imagepolicy\": \"flux-system:podinfo:tag\"}\nsidecars:\n# {\"$tagpilot\": \"glob:main-*\"}\n- registry.local/acme/side:main-1\n";
        let out = scan("charts/values.yaml", &format!("{values}{POLICY}"));
        assert_eq!(
            marked(&out),
            [
                row(
                    "file:charts/values.yaml",
                    "podinfo",
                    "ghcr.io/stefanprodan/podinfo:5.0.0",
                    "$imagepolicy flux-system:podinfo:tag"
                ),
                row(
                    "file:charts/values.yaml",
                    "line-6",
                    "registry.local/acme/side:main-1",
                    "$tagpilot glob:main-*"
                ),
            ]
        );
    }

    #[test]
    fn broken_markers_are_errors_naming_file_and_line() {
        let src = "a: x:1 # {\"$imagepolicy\": \"podinfo\"}\nb: y:1 # {\"$imagepolicy\": \"other:podinfo\"}\nimages:\n- name: podinfo # {\"$imagepolicy\": \"flux-system:podinfo:name\"}\n  newTag: 5.0.0\n";
        let out = scan("k/kustomization.yaml", &format!("{src}{POLICY}"));
        let rows: Vec<String> = marked(&out).into_iter().map(|r| r.3).collect();
        assert_eq!(
            rows,
            [
                "broken: k/kustomization.yaml:1: malformed marker: \"podinfo\" names no namespace; write NAMESPACE:podinfo (Flux reads no default)",
                "broken: k/kustomization.yaml:2: marker {\"$imagepolicy\": \"other:podinfo\"}: no ImagePolicy other/podinfo in the scanned files (Flux would ignore the marker); there is flux-system/podinfo in another namespace: write flux-system:podinfo",
                "broken: k/kustomization.yaml:4: marker {\"$imagepolicy\": \"flux-system:podinfo:name\"}: :name on a kustomize images entry's name (the image it replaces) would change what the entry matches; mark newName instead",
            ]
        );
    }

    #[test]
    fn suspended_objects_leave_their_markers_alone() {
        let src = format!(
            "a: ghcr.io/stefanprodan/podinfo:5.0.0 # {{\"$imagepolicy\": \"flux-system:podinfo\"}}\n{}",
            POLICY.replace("spec:\n  image:", "spec:\n  suspend: true\n  image:")
        );
        let mut out = scan_file("v.yaml", &src, "default");
        let mut objects = FluxObjects::default();
        objects.extend(std::mem::take(&mut out.flux));
        objects.resolve(&mut out.workloads);
        let m = out.workloads[0].containers[0].marker.as_ref().unwrap();
        assert_eq!(
            m.resolved,
            Resolved::Suspended("ImageRepository flux-system/podinfo is suspended".into())
        );
    }

    #[test]
    fn markers_in_a_list_belong_to_their_item() {
        let src = "kind: List\nitems:\n- kind: Deployment\n  metadata: {name: a}\n  spec: {template: {spec: {containers: [{name: a, image: a:1}]}}}\n- kind: ConfigMap\n  metadata: {name: b}\n  data:\n    image: b:1 # {\"$tagpilot\": \"glob:*\"}\n";
        let out = scan("list.yaml", src);
        assert_eq!(
            marked(&out),
            [row(
                "default:configmap/b",
                "line-9",
                "b:1",
                "$tagpilot glob:*"
            )]
        );
        assert_eq!(out.workloads[1].item, Some(1));
    }

    #[test]
    fn a_marker_on_a_flux_v1_helm_release_value_governs_its_container() {
        let src = "apiVersion: helm.fluxcd.io/v1\nkind: HelmRelease\nmetadata: {name: hr}\nspec:\n  values:\n    image:\n      repository: redis\n      tag: 5.0.7 # {\"$tagpilot\": \"semver:~5\", \"image\": \"redis\", \"part\": \"tag\"}\n";
        let out = scan("hr.yaml", src);
        assert_eq!(out.workloads[0].containers.len(), 1);
        assert_eq!(
            marked(&out),
            [row(
                "default:helmrelease/hr",
                "chart-image",
                "redis:5.0.7",
                "$tagpilot semver:~5"
            )]
        );
    }
}

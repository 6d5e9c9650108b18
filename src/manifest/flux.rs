//! Flux v2's image objects as the manifests hold them (`ImagePolicy`, `ImageRepository`,
//! `ImageUpdateAutomation` of `image.toolkit.fluxcd.io` v1beta1, v1beta2 and v1), and the
//! resolution of each `$imagepolicy` marker to its policy once every file is read.

use super::marker::{Part, Rule};
use super::scan::{Container, ImageSite, Workload};
use super::yaml::{Document, Node};

/// The API group of Flux v2's image objects.
const GROUP: &str = "image.toolkit.fluxcd.io/";

/// An `ImagePolicy`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImagePolicy {
    /// `namespace/name`.
    pub id: String,
    /// `spec.imageRepositoryRef` as `namespace/name` (the namespace defaults to the
    /// policy's).
    pub repository: String,
    /// What it selects by.
    pub rules: PolicyRules,
    /// `spec.suspend`.
    pub suspended: bool,
}

/// What an ImagePolicy (and its ImageRepository) says about choosing a tag, as written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PolicyRules {
    /// `namespace/name` of the policy.
    pub policy: String,
    /// `spec.policy.semver.range`.
    pub semver: Option<String>,
    /// `spec.policy.alphabetical.order` (empty when the object has none).
    pub alphabetical: Option<String>,
    /// `spec.policy.numerical.order`.
    pub numerical: Option<String>,
    /// `spec.filterTags.pattern`.
    pub pattern: Option<String>,
    /// `spec.filterTags.extract`.
    pub extract: Option<String>,
    /// The ImageRepository's `spec.exclusionList`.
    pub exclusions: Option<Vec<String>>,
    /// The ImageRepository's `spec.image`.
    pub image: String,
    /// `spec.digestReflectionPolicy` is `IfNotPresent` or `Always`.
    pub digests: bool,
}

/// An `ImageRepository`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImageRepository {
    /// `namespace/name`.
    pub id: String,
    /// `spec.image`.
    pub image: Option<String>,
    /// `spec.exclusionList`.
    pub exclusions: Option<Vec<String>>,
    /// `spec.suspend`.
    pub suspended: bool,
}

/// The image objects found.
#[derive(Clone, Debug, Default)]
pub struct FluxObjects {
    /// The ImagePolicies.
    pub policies: Vec<ImagePolicy>,
    /// The ImageRepositories.
    pub repositories: Vec<ImageRepository>,
    /// Namespaces with a suspended ImageUpdateAutomation, with its name.
    pub suspended_automations: Vec<(String, String)>,
}

impl FluxObjects {
    /// Take the objects of another file.
    pub fn extend(&mut self, other: FluxObjects) {
        self.policies.extend(other.policies);
        self.repositories.extend(other.repositories);
        self.suspended_automations
            .extend(other.suspended_automations);
    }

    /// Record `node` if it is one of the image objects.
    pub fn read(&mut self, doc: &Document, node: &Node, kind: &str, namespace: &str) {
        let Some(version) = doc.get_str(node, "apiVersion") else {
            return;
        };
        if !version.starts_with(GROUP) {
            return;
        }
        let Some(name) = doc.path(node, &["metadata", "name"]).and_then(Node::as_str) else {
            return;
        };
        let id = format!("{namespace}/{name}");
        let text = |path: &[&str]| {
            doc.path(node, path)
                .and_then(Node::as_str)
                .map(str::to_owned)
        };
        let suspended = doc
            .path(node, &["spec", "suspend"])
            .and_then(Node::as_str)
            .is_some_and(|s| s == "true");
        match kind {
            "ImagePolicy" => {
                let repo_ns = text(&["spec", "imageRepositoryRef", "namespace"])
                    .filter(|ns| !ns.is_empty())
                    .unwrap_or_else(|| namespace.to_owned());
                let repo_name = text(&["spec", "imageRepositoryRef", "name"]).unwrap_or_default();
                let has = |path: &[&str]| doc.path(node, path).is_some();
                let order = |which: &str| {
                    has(&["spec", "policy", which])
                        .then(|| text(&["spec", "policy", which, "order"]).unwrap_or_default())
                };
                let reflect = text(&["spec", "digestReflectionPolicy"]).unwrap_or_default();
                self.policies.push(ImagePolicy {
                    id: id.clone(),
                    repository: format!("{repo_ns}/{repo_name}"),
                    rules: PolicyRules {
                        policy: id,
                        semver: text(&["spec", "policy", "semver", "range"]),
                        alphabetical: order("alphabetical"),
                        numerical: order("numerical"),
                        pattern: text(&["spec", "filterTags", "pattern"]),
                        extract: text(&["spec", "filterTags", "extract"]),
                        exclusions: None,
                        image: String::new(),
                        digests: matches!(reflect.as_str(), "IfNotPresent" | "Always"),
                    },
                    suspended,
                });
            }
            "ImageRepository" => {
                let exclusions = doc
                    .path(node, &["spec", "exclusionList"])
                    .and_then(Node::as_seq)
                    .map(|items| {
                        items
                            .iter()
                            .filter_map(|i| doc.resolve(i).as_str().map(str::to_owned))
                            .collect()
                    });
                self.repositories.push(ImageRepository {
                    id,
                    image: text(&["spec", "image"]),
                    exclusions,
                    suspended,
                });
            }
            "ImageUpdateAutomation" if suspended => {
                self.suspended_automations
                    .push((namespace.to_owned(), name.to_owned()));
            }
            _ => {}
        }
    }

    /// What governs each marked container of `workloads`, from the markers and the objects
    /// found; a marker that cannot be used says why, naming its file and line.
    pub fn resolve(&self, workloads: &mut [Workload]) {
        for workload in workloads {
            let file = workload.file.clone();
            for container in &mut workload.containers {
                self.resolve_container(&file, container);
            }
        }
    }

    fn resolve_container(&self, file: &str, container: &mut Container) {
        let Some(marked) = &mut container.marker else {
            return;
        };
        if !matches!(marked.resolved, Resolved::Pending) {
            return;
        }
        let place = format!(
            "{file}:{}: marker {}",
            marked.marker.line, marked.marker.text
        );
        let (resolved, image) = match &marked.marker.rule {
            Rule::Pattern { pattern, image } => (Resolved::Pattern(pattern.clone()), image.clone()),
            Rule::Policy { namespace, name } => match self.policy(namespace, name, &place) {
                Ok(rules) => {
                    let image = rules.image.clone();
                    (Resolved::Policy(Box::new(rules)), Some(image))
                }
                Err(resolved) => (*resolved, None),
            },
        };
        marked.resolved = resolved;
        if let (Some(ImageSite::Parts { image: slot, .. }), Some(image)) =
            (&mut container.image, image)
        {
            *slot = image;
        }
    }

    /// The rules of ImagePolicy `namespace/name` with its repository's, or why there are
    /// none to use.
    fn policy(
        &self,
        namespace: &str,
        name: &str,
        place: &str,
    ) -> Result<PolicyRules, Box<Resolved>> {
        let id = format!("{namespace}/{name}");
        let Some(policy) = self.policies.iter().find(|p| p.id == id) else {
            let elsewhere: Vec<&str> = self
                .policies
                .iter()
                .filter(|p| p.id.rsplit('/').next() == Some(name))
                .map(|p| p.id.as_str())
                .collect();
            let hint = match elsewhere.as_slice() {
                [] => "; add it, or scan the directory that holds it (--path)".to_owned(),
                found => format!(
                    "; there is {} in another namespace: write {}",
                    found.join(", "),
                    found[0].replacen('/', ":", 1)
                ),
            };
            return Err(Box::new(Resolved::Broken(format!(
                "{place}: no ImagePolicy {id} in the scanned files (Flux would ignore the marker){hint}"
            ))));
        };
        if policy.suspended {
            return Err(Box::new(Resolved::Suspended(format!(
                "ImagePolicy {id} is suspended"
            ))));
        }
        if let Some((_, automation)) = self
            .suspended_automations
            .iter()
            .find(|(ns, _)| ns == namespace)
        {
            return Err(Box::new(Resolved::Suspended(format!(
                "ImageUpdateAutomation {namespace}/{automation} is suspended"
            ))));
        }
        let Some(repository) = self.repositories.iter().find(|r| r.id == policy.repository) else {
            return Err(Box::new(Resolved::Broken(format!(
                "{place}: ImagePolicy {id} refers to ImageRepository {}, which is not in the scanned files",
                policy.repository
            ))));
        };
        if repository.suspended {
            return Err(Box::new(Resolved::Suspended(format!(
                "ImageRepository {} is suspended",
                repository.id
            ))));
        }
        let Some(image) = repository.image.clone().filter(|i| !i.is_empty()) else {
            return Err(Box::new(Resolved::Broken(format!(
                "{place}: ImageRepository {} has no spec.image",
                repository.id
            ))));
        };
        let mut rules = policy.rules.clone();
        rules.image = image;
        rules.exclusions.clone_from(&repository.exclusions);
        Ok(rules)
    }
}

/// A marked site of a container.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Marked {
    /// The marker (the first, when several mark the parts of one reference).
    pub marker: super::marker::Marker,
    /// What governs the site, once the scan is done.
    pub resolved: Resolved,
}

/// What governs a marked site.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolved {
    /// Not looked up yet (while files are being read).
    Pending,
    /// tagpilot's pattern, as written.
    Pattern(String),
    /// A Flux v2 ImagePolicy's rules.
    Policy(Box<PolicyRules>),
    /// Left alone: a suspended object, named.
    Suspended(String),
    /// Cannot be used: why, naming the file, the line and the marker.
    Broken(String),
}

impl Marked {
    /// `$imagepolicy NS:NAME[:part]` or `$tagpilot PATTERN`, for tables.
    pub fn describe(&self) -> String {
        if self.marker.text.is_empty() {
            return "malformed marker".to_owned();
        }
        let part = match self.marker.part {
            Part::Whole => String::new(),
            other => format!(":{}", other.word()),
        };
        match &self.marker.rule {
            Rule::Policy { namespace, name } => format!("$imagepolicy {namespace}:{name}{part}"),
            Rule::Pattern { pattern, .. } => format!("$tagpilot {pattern}"),
        }
    }
}

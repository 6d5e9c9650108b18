//! Image rewrites: the edits that make an image site spell a new tag, in the site's own
//! quoting style and split, and the checked rewrite of every image update of one file.

use std::ops::Range;

use anyhow::{Context as _, Result, ensure};

use super::engine::{Edit, apply_checked};
use super::verify::{reading, same_place, verify};
use crate::manifest::scalar::render;
use crate::manifest::scan::{ImageSite, Site, Workload};
use crate::manifest::yaml::Style;

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
        ImageSite::Parts {
            name: name_site,
            tag: tag_site,
            digest: digest_site,
            ..
        } => {
            let mut edits = Vec::new();
            // The name as the new reference spells it (an ImageRepository's `spec.image`).
            if let Some(site) = name_site
                .as_ref()
                .filter(|s| s.text != strip_tag(reference))
            {
                edits.push(scalar_edit(src, site, strip_tag(reference))?);
            }
            if let Some(site) = tag_site {
                edits.push(scalar_edit(src, site, tag)?);
            }
            if let (Some(site), Some((_, digest))) = (digest_site, reference.split_once('@')) {
                edits.push(scalar_edit(src, site, digest)?);
            }
            Ok(edits)
        }
    }
}

/// The reference a marked parts site spells once its tag and digest are those of
/// `reference` (the name part as it is).
fn parts_reference(site: &ImageSite, reference: &str, tag: &str) -> String {
    let ImageSite::Parts {
        image,
        name,
        tag: tag_site,
        digest,
        ..
    } = site
    else {
        return reference.to_owned();
    };
    let mut text = match name {
        Some(_) => strip_tag(reference).to_owned(),
        None => image.clone(),
    };
    if tag_site.is_some() {
        text.push(':');
        text.push_str(tag);
    }
    if let Some(digest) = digest {
        text.push('@');
        text.push_str(
            reference
                .split_once('@')
                .map_or(digest.text.as_str(), |(_, d)| d),
        );
    }
    text
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

/// Why [`update_images`] could not rewrite a file: the error, and which update it was
/// (its index in the updates given) when one alone is at fault.
#[derive(Debug)]
pub struct EditError {
    /// The update at fault; `None` when the updates fail only together.
    pub update: Option<usize>,
    /// What was wrong.
    pub error: anyhow::Error,
}

impl std::fmt::Display for EditError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:#}", self.error)
    }
}

impl std::error::Error for EditError {}

/// Rewrite `src` with every update applied; every other byte stays. The result is verified
/// by reading it again. An error names the update at fault when one is, so that the caller
/// can drop it and apply the others.
pub fn update_images(
    src: &str,
    file: &str,
    updates: &[ImageUpdate<'_>],
) -> Result<String, EditError> {
    let fault = |update: usize| {
        move |error: anyhow::Error| EditError {
            update: Some(update),
            error,
        }
    };
    let mut edits = Vec::new();
    for (index, update) in updates.iter().enumerate() {
        check_alias(update, updates, file).map_err(fault(index))?;
        let found = image_edits(src, update.site, update.reference, update.tag)
            .with_context(|| {
                format!(
                    "rewriting the image of container {} of {} in {file}",
                    update.container, update.workload.id
                )
            })
            .map_err(fault(index))?;
        edits.push(found);
    }
    let all: Vec<Edit> = edits.iter().flatten().cloned().collect();
    let aliases: Vec<Range<usize>> = updates.iter().filter_map(|u| u.site.alias()).collect();
    let text = apply_checked(src, &all, &aliases).map_err(|error| EditError {
        // The update whose edits are refused on their own, if one is.
        update: (0..updates.len()).find(|&i| {
            let alias: Vec<Range<usize>> = updates[i].site.alias().into_iter().collect();
            apply_checked(src, &edits[i], &alias).is_err()
        }),
        error: error.context(format!("rewriting images in {file}")),
    })?;
    check_reading(src, &text, file, updates).map_err(|error| EditError {
        update: None,
        error,
    })?;
    Ok(text)
}

/// An image written as an alias moves only with the anchored value, and only when that
/// value is itself an image moving to the same reference.
fn check_alias(update: &ImageUpdate<'_>, updates: &[ImageUpdate<'_>], file: &str) -> Result<()> {
    let Some(_) = update.site.alias() else {
        return Ok(());
    };
    let anchored = &update.site.edited().span;
    let owner = updates.iter().any(|o| {
        o.site.alias().is_none()
            && o.site.edited().span == *anchored
            && o.reference == update.reference
    });
    ensure!(
        owner,
        "the image of container {} of {} in {file} comes from a YAML anchor (*name or <<: *name) also used by something that is not moving to the same tag; change it by hand",
        update.container,
        update.workload.id
    );
    Ok(())
}

/// Checks that the rewritten `text` reads as `src` with the updates made, and nothing else.
fn check_reading(src: &str, text: &str, file: &str, updates: &[ImageUpdate<'_>]) -> Result<()> {
    verify(src, text, file, |w| {
        let mut want = reading(w);
        for update in updates.iter().filter(|u| same_place(u.workload, w)) {
            // The site as this reading of the file has it (a marked part's repository is
            // only known once every file is read).
            let read_site = w
                .containers
                .iter()
                .find(|c| c.name == update.container)
                .and_then(|c| c.image.as_ref());
            for container in want
                .containers
                .iter_mut()
                .filter(|c| c.name == update.container)
            {
                container.image = Some(match update.site {
                    ImageSite::Whole(_) => update.reference.to_owned(),
                    ImageSite::Split { .. } => split_reference(update.site, update.tag),
                    ImageSite::Parts { .. } => parts_reference(
                        read_site.unwrap_or(update.site),
                        update.reference,
                        update.tag,
                    ),
                });
            }
        }
        want
    })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::edit::engine::apply;
    use crate::manifest::scan::scan_file;

    fn workload(src: &str) -> Workload {
        scan_file("f.yaml", src, "default").workloads.remove(0)
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
        // The update that changes the anchored value is at fault, on its own.
        assert_eq!(err.update, Some(0));
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
        assert_eq!(
            update_images(&src, "f.yaml", &[update(0)])
                .unwrap_err()
                .to_string(),
            "rewriting images in f.yaml: the edit would also change \"/spec/containers[1]/image\" (document 1); nothing was written"
        );
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
            format!("{err:#}").contains("comes from a YAML anchor"),
            "{err:#}"
        );
        assert_eq!(err.update, Some(0));
    }
}

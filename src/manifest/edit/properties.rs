//! Property tests: on generated manifests of many shapes, an edit changes nothing outside
//! its spans, and the result reads back as intended.

use proptest::prelude::*;

use super::*;
use crate::manifest::scan::{ImageSite, scan_file};

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
            let mut want = reading(w);
            want.containers[0].image = Some(reference.clone());
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

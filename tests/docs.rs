//! The user documentation stands alone: README.md and `docs/` link every page there is,
//! give the test command CI runs, refer to nothing a user does not have, and the quick
//! start does what it says when run as written.

use std::fs;
use std::path::{Path, PathBuf};

use crate::support::Sandbox;
use crate::support::registry::{ImageSpec, Kind, Pusher, Registry};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// README.md, the pages under `docs/` and the files under `deploy/`, with their text.
fn user_files() -> Vec<(PathBuf, String)> {
    let mut files = vec![root().join("README.md")];
    for dir in ["docs", "deploy"] {
        let mut entries: Vec<PathBuf> = fs::read_dir(root().join(dir))
            .expect(dir)
            .map(|e| e.expect("entry").path())
            // Pictures (the report's screenshot) are not text.
            .filter(|path| path.extension().is_none_or(|ext| ext != "png"))
            .collect();
        entries.sort();
        files.extend(entries);
    }
    files
        .into_iter()
        .map(|path| {
            let text = fs::read_to_string(&path).expect("text");
            (path, text)
        })
        .collect()
}

#[test]
fn readme_links_every_page_of_the_documentation() {
    let readme = fs::read_to_string(root().join("README.md")).expect("README.md");
    let expected = [
        "commands.md",
        "running.md",
        "configuration.md",
        "exit-codes.md",
        "registries.md",
        "git.md",
        "manifests.md",
        "reports.md",
    ];
    let mut pages: Vec<String> = fs::read_dir(root().join("docs"))
        .expect("docs/")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".md"))
        .chain(expected.iter().map(|s| (*s).to_owned()))
        .collect();
    pages.sort();
    pages.dedup();
    for page in &pages {
        let link = format!("](docs/{page})");
        assert!(
            readme.contains(&link),
            "README.md does not link docs/{page}"
        );
    }
}

#[test]
fn readme_gives_the_test_command_ci_runs() {
    let readme = fs::read_to_string(root().join("README.md")).expect("README.md");
    let ci = fs::read_to_string(root().join(".ci/run")).expect(".ci/run");
    assert!(
        readme.contains("```sh\nbash .ci/run\n```"),
        "README.md: bash .ci/run"
    );
    let last = ci
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .expect("a command");
    assert_eq!(last, "cargo test");
    assert!(readme.contains("`cargo test`"));
    // The install commands, with the Rust version Cargo.toml asks for.
    let cargo = fs::read_to_string(root().join("Cargo.toml")).expect("Cargo.toml");
    let version = cargo
        .lines()
        .find_map(|l| l.strip_prefix("rust-version = "))
        .expect("rust-version")
        .trim_matches('"');
    assert!(
        readme.contains(&format!("Rust {version} or newer")),
        "{version}"
    );
    for needed in [
        "cargo install --path .",
        "libssl-dev",
        "zlib1g-dev",
        "pkg-config",
    ] {
        assert!(readme.contains(needed), "README.md: {needed}");
    }
}

/// The README's quick start section, up to the next section.
fn quick_start(readme: &str) -> &str {
    let start = readme.find("## Quick start").expect("a quick start");
    let quick = &readme[start..];
    &quick[..quick[3..].find("\n## ").map_or(quick.len(), |i| i + 3)]
}

/// The `tagpilot` command lines of the quick start's first code block, without comments.
fn quick_start_commands(quick: &str) -> Vec<&str> {
    let block = quick.split("```sh\n").nth(1).expect("a code block");
    let block = &block[..block.find("```").expect("the block's end")];
    block
        .lines()
        .filter(|l| l.starts_with("tagpilot "))
        .map(|l| l.split(" #").next().unwrap_or(l).trim_end())
        .collect()
}

/// A command line's words, as a shell splits them: single quotes group, nothing else is
/// special (the quick start needs no more).
fn words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                word.get_or_insert_with(String::new);
            }
            ' ' if !quoted => words.extend(word.take()),
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    words
}

#[test]
fn quick_start_sets_the_tag_filter_with_automation() {
    let readme = fs::read_to_string(root().join("README.md")).expect("README.md");
    let quick = quick_start(&readme);
    let commands = quick_start_commands(quick);
    let first_write = commands
        .iter()
        .find(|c| !c.contains("--dry-run") && !c.starts_with("tagpilot list-"))
        .expect("a command that writes");
    assert!(
        first_write.starts_with("tagpilot policy ")
            && first_write.contains("--automate")
            && first_write.contains("--tag "),
        "the first write must set automation and the filter together: {first_write}"
    );
    assert!(!commands.iter().any(|c| c.starts_with("tagpilot automate")));
    for words in ["--insecure-registry", "docker login", "DOCKER_CONFIG"] {
        assert!(quick.contains(words), "the quick start mentions {words}");
    }
}

/// The development folder beside the project, which users who clone it do not have; spelt
/// in two parts so that this file does not name it either.
const OUTSIDE: &str = concat!("..", "/", "shared");

#[test]
fn documentation_refers_to_nothing_users_do_not_have() {
    for (path, text) in user_files() {
        for internal in [OUTSIDE, "SPEC", "STYLE.md", " aim ", " aims "] {
            assert!(
                !text.contains(internal),
                "{} mentions {internal:?}",
                path.display()
            );
        }
    }
}

/// The quick start, run word for word in a manifest repository whose Deployment `app` runs
/// `app:1.2.0` from a local registry that also has 1.2.3 and 2.0.0: one commit sets the
/// policy, `sync` moves to 1.2.3 (not the unasked 2.0.0), and a second `sync` has nothing
/// to do.
#[tokio::test(flavor = "multi_thread")]
async fn quick_start_runs_as_written() {
    let registry = Registry::start();
    let pusher = Pusher::new(&registry);
    for (tag, day) in [("1.2.0", 1), ("1.2.3", 2), ("2.0.0", 3)] {
        let spec = ImageSpec::new(tag, Kind::Docker).created(&format!("2026-01-0{day}T10:00:00Z"));
        pusher.push("app", &spec).await;
    }
    let host = registry.url().trim_start_matches("http://").to_owned();
    let sandbox = Sandbox::new();
    let manifest = format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: {host}/app:1.2.0\n"
    );
    let repo = sandbox.repo(&[("app.yaml", manifest.as_bytes())]);
    let readme = fs::read_to_string(root().join("README.md")).expect("README.md");
    // The registry is on 127.0.0.1, which needs no flag; saying so through the environment
    // keeps the commands exactly as written.
    let env = [("TAGPILOT_INSECURE_REGISTRY", host.as_str())];
    let mut last = None;
    for line in quick_start_commands(quick_start(&readme)) {
        let words = words(line);
        let args: Vec<&str> = words[1..].iter().map(String::as_str).collect();
        let run = sandbox.tagpilot_env(&repo.work, &args, &env);
        assert_eq!(run.code, 0, "{line}: {}", run.stderr);
        assert!(!run.stderr.contains("warning:"), "{line}: {}", run.stderr);
        last = Some(run);
    }
    let last = last.expect("commands");
    assert!(
        last.stderr.starts_with("Commit pushed: "),
        "{}",
        last.stderr
    );
    let text = String::from_utf8(repo.read("app.yaml")).expect("utf-8");
    assert!(
        text.contains(&format!("image: {host}/app:1.2.3\n")),
        "{text}"
    );
    assert!(text.contains("fluxcd.io/tag.app: 'semver:~1.2'"), "{text}");
    assert_eq!(
        sandbox.git(&repo.remote, &["log", "--format=%s", "main"]),
        format!("Auto-release {host}/app:1.2.3\nUpdated workload policies\ninitial\n")
    );
    let again = sandbox.tagpilot_env(&repo.work, &["sync"], &env).ok();
    assert_eq!(again.stderr, "Nothing to do\n");
}

/// GitHub's anchor for a heading: lower case, punctuation dropped, spaces as `-`.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

#[test]
fn every_relative_link_leads_somewhere() {
    let mut broken = Vec::new();
    for (path, text) in user_files() {
        if path.extension().is_none_or(|ext| ext != "md") {
            continue;
        }
        let dir = path.parent().expect("dir");
        for (start, _) in text.match_indices("](") {
            let rest = &text[start + 2..];
            let target = &rest[..rest.find(')').unwrap_or(rest.len())];
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            let (file, anchor) = target.split_once('#').unwrap_or((target, ""));
            let file = if file.is_empty() {
                path.clone()
            } else {
                dir.join(file)
            };
            let Ok(content) = fs::read_to_string(&file) else {
                if !file.exists() {
                    broken.push(format!("{}: {target}", path.display()));
                }
                continue;
            };
            let has_anchor = anchor.is_empty()
                || content
                    .lines()
                    .filter_map(|l| l.strip_prefix('#'))
                    .any(|h| slug(h.trim_start_matches('#')) == anchor);
            if !has_anchor {
                broken.push(format!("{}: {target}", path.display()));
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

/// Every file of a directory tree, recursively.
fn tree(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).expect("dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            out.extend(tree(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn the_code_refers_to_no_document_users_do_not_have() {
    let this = root().join("tests/docs.rs");
    for dir in ["src", "tests", "benches"] {
        for path in tree(&root().join(dir)) {
            if path == this || path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = fs::read_to_string(&path).expect("text");
            for internal in [OUTSIDE, "SPEC", "STYLE.md"] {
                assert!(
                    !text.contains(internal),
                    "{} mentions {internal:?}",
                    path.display()
                );
            }
        }
    }
}

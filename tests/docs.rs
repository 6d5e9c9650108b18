//! The user documentation stands alone: README.md and `docs/` link every page there is,
//! give the test command CI runs, and refer to nothing a user does not have.

use std::fs;
use std::path::{Path, PathBuf};

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

#[test]
fn quick_start_sets_the_tag_filter_with_automation() {
    let readme = fs::read_to_string(root().join("README.md")).expect("README.md");
    let start = readme.find("## Quick start").expect("a quick start");
    let quick = &readme[start..];
    let quick = &quick[..quick[3..].find("\n## ").map_or(quick.len(), |i| i + 3)];
    let commands: Vec<&str> = quick
        .lines()
        .filter(|l| l.starts_with("tagpilot "))
        .collect();
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

#[test]
fn documentation_refers_to_nothing_users_do_not_have() {
    for (path, text) in user_files() {
        for internal in ["../shared", "SPEC", "STYLE.md", " aim ", " aims "] {
            assert!(
                !text.contains(internal),
                "{} mentions {internal:?}",
                path.display()
            );
        }
    }
}

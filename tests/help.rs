//! Help that teaches: each subcommand's help lists only the options that command reads,
//! under headings, with examples; the top-level help ends with the exit codes.

use std::collections::BTreeSet;

use crate::support::Sandbox;

/// The long options a help text lists.
fn options(help: &str) -> BTreeSet<String> {
    help.lines()
        .filter_map(|line| {
            let line = line.trim_start();
            let line = line
                .strip_prefix('-')
                .filter(|rest| rest.chars().nth(1) == Some(','))
                .map_or(line, |rest| rest[2..].trim_start());
            let option = line.strip_prefix("--")?;
            let end = option
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                .unwrap_or(option.len());
            Some(option[..end].to_owned())
        })
        .collect()
}

fn set(words: &[&[&str]]) -> BTreeSet<String> {
    words
        .iter()
        .flat_map(|w| w.iter().map(|s| (*s).to_owned()))
        .collect()
}

const COMMON: &[&str] = &["help", "version"];
const REPOSITORY: &[&str] = &[
    "repo",
    "git-url",
    "git-ssh-key",
    "git-known-hosts",
    "git-branch",
    "path",
    "namespace",
    "default-namespace",
    "config",
    "trust-repo-config",
];
const OUTPUT: &[&str] = &["output", "metrics-file", "verbose", "quiet", "color"];
const CACHE: &[&str] = &["cache-dir", "no-cache"];
const REGISTRY: &[&str] = &[
    "platform",
    "docker-config",
    "insecure-registry",
    "registry-ca",
    "include-image",
    "exclude-image",
    "concurrency",
    "registry-rps",
    "timeout",
    "deadline",
    "max-tags",
    "time-source",
    "refresh",
];
const WRITE: &[&str] = &[
    "dry-run",
    "diff",
    "no-commit",
    "no-push",
    "git-user",
    "git-email",
    "message",
    "user",
    "ci-skip",
    "ci-skip-message",
    "exit-code",
    "allow-dirty",
    "sign-key",
    "verify",
    "after-push",
    "push-retries",
    "push-branch",
    "pull-request",
    "forge",
    "forge-url",
    "forge-repo",
    "group",
    "label",
    "reviewer",
    "close-stale",
    "notify",
    "notify-format",
    "git-remote",
];

#[test]
fn each_command_lists_only_the_options_it_reads() {
    let sandbox = Sandbox::new();
    let help = |args: &[&str]| sandbox.tagpilot(sandbox.path(), args).ok().stdout;
    let page = ["report-html"];
    let cases: [(&str, BTreeSet<String>); 6] = [
        ("completions", set(&[COMMON])),
        (
            "list-workloads",
            set(&[COMMON, REPOSITORY, OUTPUT, CACHE, &["workload"]]),
        ),
        (
            "list-images",
            set(&[
                COMMON,
                REPOSITORY,
                OUTPUT,
                CACHE,
                REGISTRY,
                &page,
                &["workload", "limit", "no-headers"],
            ]),
        ),
        (
            "lock",
            set(&[COMMON, REPOSITORY, OUTPUT, CACHE, WRITE, &["workload"]]),
        ),
        (
            "sync",
            set(&[COMMON, REPOSITORY, OUTPUT, CACHE, REGISTRY, WRITE, &page]),
        ),
        (
            "release",
            set(&[
                COMMON,
                REPOSITORY,
                OUTPUT,
                CACHE,
                REGISTRY,
                WRITE,
                &page,
                &[
                    "workload",
                    "all",
                    "update-image",
                    "update-all-images",
                    "exclude",
                    "force",
                    "no-verify",
                ],
            ]),
        ),
    ];
    for (command, expected) in cases {
        for flag in ["-h", "--help"] {
            let text = help(&[command, flag]);
            assert_eq!(options(&text), expected, "{command} {flag}:\n{text}");
            assert!(
                text.contains("\nExamples:\n  tagpilot "),
                "{command} {flag}"
            );
        }
    }
    // Headings group the options.
    let sync = help(&["sync", "-h"]);
    for heading in [
        "\nRepository:\n",
        "\nRegistry:\n",
        "\nWriting:\n",
        "\nOutput:\n",
    ] {
        assert!(sync.contains(heading), "{heading}\n{sync}");
    }
    // sync has no lock messages to describe; lock does.
    assert!(!sync.to_lowercase().contains("lock message"), "{sync}");
    assert!(help(&["lock", "--help"]).contains("lock message"));
    // The exit codes close the top-level help, and `help sync` is `sync --help`.
    let top = help(&["--help"]);
    assert!(
        top.contains("Exit codes:\n  0  success, also \"nothing to do\"\n"),
        "{top}"
    );
    assert_eq!(help(&["help", "sync"]), help(&["sync", "--help"]));
}

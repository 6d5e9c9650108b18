//! The committed completion scripts match what the binary generates from its command line.

use std::fs;
use std::path::Path;

use crate::support::Sandbox;

const SCRIPTS: [(&str, &str); 5] = [
    ("bash", "tagpilot.bash"),
    ("zsh", "_tagpilot"),
    ("fish", "tagpilot.fish"),
    ("powershell", "_tagpilot.ps1"),
    ("elvish", "tagpilot.elv"),
];

#[test]
fn committed_completions_match_the_cli() {
    let sandbox = Sandbox::new();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    for (shell, file) in SCRIPTS {
        let run = sandbox
            .tagpilot(sandbox.path(), &["completions", shell])
            .ok();
        let committed = fs::read_to_string(dir.join(file)).unwrap_or_default();
        assert!(
            run.stdout == committed,
            "completions/{file} is out of date; regenerate it with: cargo run -q -- completions {shell} > completions/{file}"
        );
        for command in [
            "list-workloads",
            "automate",
            "deautomate",
            "lock",
            "unlock",
            "policy",
            "completions",
        ] {
            assert!(
                run.stdout.contains(command),
                "{shell} completions lack {command}"
            );
        }
    }
}

#[test]
fn unknown_shell_is_a_usage_error() {
    let sandbox = Sandbox::new();
    let run = sandbox
        .tagpilot(sandbox.path(), &["completions", "tcsh"])
        .code(2);
    assert!(
        run.stderr.contains("invalid value 'tcsh'"),
        "{}",
        run.stderr
    );
}

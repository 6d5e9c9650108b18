//! The help as users read it: each subcommand shows only the options it reads, under
//! headings (Repository, Registry, Writing, Branches and pull requests, Output), with examples, as kubectl and git
//! do; the top-level help ends with the exit codes. Options shared by several commands
//! are declared once (global); this hides them where they do nothing.

use clap::Command;

/// Options that say where the manifests are.
const REPOSITORY: [&str; 11] = [
    "repo",
    "git_url",
    "git_branch",
    "git_remote",
    "git_ssh_key",
    "git_known_hosts",
    "paths",
    "namespace",
    "default_namespace",
    "config",
    "trust_repo_config",
];

/// Options of the registry client.
const REGISTRY: [&str; 16] = [
    "platform",
    "docker_config",
    "insecure_registry",
    "registry_ca",
    "include_image",
    "exclude_image",
    "concurrency",
    "registry_rps",
    "timeout",
    "deadline",
    "max_tags",
    "time_source",
    "cache_dir",
    "no_cache",
    "refresh",
    "report_html",
];

/// Options of [`crate::cli::ProposeArgs`].
const PROPOSE: [&str; 9] = [
    "push_branch",
    "pull_request",
    "forge",
    "forge_url",
    "forge_repo",
    "group",
    "label",
    "reviewer",
    "close_stale",
];

/// Options of what is printed and written about the result.
const OUTPUT: [&str; 6] = [
    "output",
    "verbose",
    "quiet",
    "color",
    "metrics_file",
    "report_html",
];

/// The options each subcommand does not read, by subcommand.
fn unread(name: &str) -> Vec<&'static str> {
    let mut out = Vec::new();
    match name {
        "completions" => {
            out.extend(REPOSITORY);
            out.extend(REGISTRY);
            out.extend(OUTPUT);
        }
        "list-workloads" | "automate" | "deautomate" | "lock" | "unlock" | "policy" => {
            // A --git-url clone is kept in the cache directory.
            out.extend(
                REGISTRY
                    .iter()
                    .filter(|id| !matches!(**id, "cache_dir" | "no_cache")),
            );
            if name == "list-workloads" {
                out.push("git_remote");
            }
        }
        "list-images" => out.push("git_remote"),
        _ => {}
    }
    out
}

/// Examples shown after each subcommand's options.
fn examples(name: &str) -> &'static str {
    match name {
        "list-workloads" => {
            "Examples:\n  tagpilot list-workloads\n  tagpilot list-workloads -n shop -o json\n  \
             tagpilot list-workloads --git-url https://git.example.com/ops/manifests.git"
        }
        "list-images" => {
            "Examples:\n  tagpilot list-images -w shop:deployment/web\n  \
             tagpilot list-images -l 0 -o json\n  tagpilot list-images --report-html images.html"
        }
        "release" => {
            "Examples:\n  tagpilot release -w shop:deployment/api -i ghcr.io/acme/api:1.3.0\n  \
             tagpilot release --all -i ghcr.io/acme/api:1.3.0 --dry-run --diff\n  \
             tagpilot release -w shop:deployment/api --update-all-images --force"
        }
        "sync" => {
            "Examples:\n  tagpilot sync --dry-run --diff\n  tagpilot sync --exit-code\n  \
             tagpilot sync --git-url https://git.example.com/ops/manifests.git -o markdown\n  \
             tagpilot sync --push-branch 'tagpilot/{image}' --group image --pull-request"
        }
        "automate" | "deautomate" => {
            "Examples:\n  tagpilot automate -w shop:deployment/web\n  \
             tagpilot deautomate -w shop:deployment/web --dry-run --diff"
        }
        "lock" | "unlock" => {
            "Examples:\n  tagpilot lock -w shop:deployment/api -m \"incident 42\"\n  \
             tagpilot unlock -w shop:deployment/api"
        }
        "policy" => {
            "Examples:\n  tagpilot policy -w shop:deployment/web --automate --tag web='semver:~1.2'\n  \
             tagpilot policy -w shop:deployment/web --tag-all 'glob:main-*' --dry-run --diff"
        }
        "completions" => {
            "Examples:\n  tagpilot completions bash > /etc/bash_completion.d/tagpilot\n  \
             tagpilot completions zsh > \"${fpath[1]}/_tagpilot\""
        }
        _ => "",
    }
}

/// The exit codes, at the end of the top-level help.
const EXIT_CODES: &str = "Exit codes:\n  0  success, also \"nothing to do\"\n  \
     1  error: nothing was committed or pushed (list-images: no repository could be read)\n  \
     2  usage error\n  3  --exit-code, and something was (or would be) changed\n  \
     4  partly done: some workloads or repositories failed, the rest was written and pushed";

/// The heading an option is listed under.
fn heading(id: &str) -> Option<&'static str> {
    if REPOSITORY.contains(&id) {
        Some("Repository")
    } else if OUTPUT.contains(&id) {
        Some("Output")
    } else if REGISTRY.contains(&id) {
        Some("Registry")
    } else {
        None
    }
}

/// `command` (the derived definition) with headings, examples and per-command wording.
/// It still parses as derived: nothing is hidden yet ([`hide_unread`]).
pub fn shape(command: Command) -> Command {
    let mut command = command.after_help(EXIT_CODES);
    for id in ids(&command) {
        if let Some(title) = heading(&id) {
            command = command.mut_arg(&id, |a| a.help_heading(title));
        }
    }
    for name in names(&command) {
        command = command.mut_subcommand(&name, |mut sub| {
            for id in ids(&sub) {
                if is_write_option(&id) {
                    sub = sub.mut_arg(&id, |a| a.help_heading("Writing"));
                } else if PROPOSE.contains(&id.as_str()) {
                    sub = sub.mut_arg(&id, |a| a.help_heading("Branches and pull requests"));
                }
            }
            let writes = sub.get_arguments().any(|a| a.get_id() == "message");
            if writes && name != "lock" {
                sub = sub
                    .mut_arg("message", |a| a.help("Commit message [default: Flux v1's]"))
                    .mut_arg("user", |a| a.help("Commit author: \"Name <email>\""));
            }
            sub.after_help(examples(&name))
        });
    }
    command
}

/// `command` built, with the shared options hidden from the subcommands that do not read
/// them: for showing help and generating completions only. (The shared options reach
/// the subcommands when the command is built, and a command changed after that does not
/// parse reliably.)
pub fn hide_unread(mut command: Command) -> Command {
    command.build();
    for name in names(&command) {
        let unread = unread(&name);
        command = command.mut_subcommand(&name, |mut sub| {
            for id in unread {
                if sub.get_arguments().any(|a| a.get_id() == id) {
                    sub = sub.mut_arg(id, |a| a.hide(true));
                }
            }
            sub
        });
    }
    command
}

/// The help for `args` (the command line that asked for it): of the subcommand named in
/// it, else of tagpilot; `--help` gives the long form.
pub fn render(mut command: Command, args: &[std::ffi::OsString]) -> String {
    let words: Vec<&str> = args.iter().skip(1).filter_map(|a| a.to_str()).collect();
    let long = words.contains(&"--help") || words.first() == Some(&"help");
    let name = words
        .iter()
        .find(|w| **w != "help" && command.find_subcommand(w).is_some())
        .map(|w| (*w).to_owned());
    let target = match name.and_then(|n| command.find_subcommand_mut(n)) {
        Some(sub) => sub,
        None => &mut command,
    };
    let help = if long {
        target.render_long_help()
    } else {
        target.render_help()
    };
    help.to_string()
}

/// The IDs of a command's own arguments.
fn ids(command: &Command) -> Vec<String> {
    command
        .get_arguments()
        .map(|a| a.get_id().as_str().to_owned())
        .collect()
}

/// The names of a command's subcommands.
fn names(command: &Command) -> Vec<String> {
    command
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect()
}

/// The options of [`crate::cli::WriteArgs`].
fn is_write_option(id: &str) -> bool {
    matches!(
        id,
        "dry_run"
            | "diff"
            | "no_commit"
            | "no_push"
            | "git_user"
            | "git_email"
            | "message"
            | "user"
            | "ci_skip"
            | "ci_skip_message"
            | "exit_code"
            | "allow_dirty"
            | "sign_key"
            | "verify"
            | "after_push"
            | "push_retries"
            | "notify"
            | "notify_format"
    )
}

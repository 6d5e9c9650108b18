//! A fluent test in the style of just's `Test`: the repository's files, the arguments and
//! environment, then what must come of it: the exit code, the exact output and messages,
//! the files afterwards and the commits. Each check is `#[track_caller]`, so a failure
//! points at the test's own line and shows the whole run.
//!
//! ```ignore
//! Test::new()
//!     .file("app.yaml", DEPLOYMENT)
//!     .args(&["list-workloads", "-o", "json"])
//!     .run()
//!     .code(0)
//!     .stderr("")
//!     .json_eq(json!([...]));
//! ```

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{Repo, Run, Sandbox};

/// A run to make: files to commit, then the command line.
pub struct Test {
    sandbox: Sandbox,
    files: Vec<(String, Vec<u8>)>,
    args: Vec<String>,
    env: Vec<(String, String)>,
    config: Vec<(String, String)>,
}

impl Default for Test {
    fn default() -> Self {
        Test::new()
    }
}

impl Test {
    /// A test in a fresh sandbox.
    pub fn new() -> Test {
        Test {
            sandbox: Sandbox::new(),
            files: Vec::new(),
            args: Vec::new(),
            env: Vec::new(),
            config: Vec::new(),
        }
    }

    /// A `git config` setting of the work tree, made before the run.
    pub fn git_config(mut self, key: &str, value: &str) -> Test {
        self.config.push((key.to_owned(), value.to_owned()));
        self
    }

    /// A file of the repository, committed and pushed before the run.
    pub fn file(mut self, path: &str, text: impl AsRef<[u8]>) -> Test {
        self.files.push((path.to_owned(), text.as_ref().to_vec()));
        self
    }

    /// Arguments after `tagpilot`.
    pub fn args(mut self, args: &[&str]) -> Test {
        self.args.extend(args.iter().map(|a| (*a).to_owned()));
        self
    }

    /// An environment variable of the run.
    pub fn env(mut self, name: &str, value: &str) -> Test {
        self.env.push((name.to_owned(), value.to_owned()));
        self
    }

    /// The sandbox, for paths the arguments name (`--config`, `--report-html`).
    pub fn path(&self) -> &Path {
        self.sandbox.path()
    }

    /// Makes the repository and runs tagpilot in its work tree.
    pub fn run(self) -> Ran {
        let files: Vec<(&str, &[u8])> = self
            .files
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_slice()))
            .collect();
        let repo = self.sandbox.repo(&files);
        for (key, value) in &self.config {
            self.sandbox.git(&repo.work, &["config", key, value]);
        }
        let args: Vec<&str> = self.args.iter().map(String::as_str).collect();
        let env: Vec<(&str, &str)> = self
            .env
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let run = self.sandbox.tagpilot_env(&repo.work, &args, &env);
        Ran {
            sandbox: self.sandbox,
            repo,
            run,
        }
    }
}

/// A run made, to check.
pub struct Ran {
    pub sandbox: Sandbox,
    pub repo: Repo,
    pub run: Run,
}

impl Ran {
    /// The whole run, for a failure message.
    fn shown(&self) -> String {
        format!(
            "exit code {}\nstdout:\n{}\nstderr:\n{}",
            self.run.code, self.run.stdout, self.run.stderr
        )
    }

    /// The exit code is `code`.
    #[track_caller]
    pub fn code(self, code: i32) -> Ran {
        assert_eq!(self.run.code, code, "{}", self.shown());
        self
    }

    /// Standard output is exactly `text`.
    #[track_caller]
    pub fn stdout(self, text: &str) -> Ran {
        assert_eq!(self.run.stdout, text, "{}", self.shown());
        self
    }

    /// Standard output holds `fragment`.
    #[track_caller]
    pub fn stdout_has(self, fragment: &str) -> Ran {
        assert!(
            self.run.stdout.contains(fragment),
            "no {fragment:?} on stdout\n{}",
            self.shown()
        );
        self
    }

    /// Runs tagpilot again in the same work tree, with `args`.
    pub fn again(self, args: &[&str]) -> Ran {
        let run = self.sandbox.tagpilot(&self.repo.work, args);
        Ran { run, ..self }
    }

    /// Standard error is exactly `text`.
    #[track_caller]
    pub fn stderr(self, text: &str) -> Ran {
        assert_eq!(self.run.stderr, text, "{}", self.shown());
        self
    }

    /// Standard error has `line` as one of its lines.
    #[track_caller]
    pub fn stderr_line(self, line: &str) -> Ran {
        assert!(
            self.run.stderr.lines().any(|l| l == line),
            "no line {line:?} on stderr\n{}",
            self.shown()
        );
        self
    }

    /// Standard error holds `fragment`.
    #[track_caller]
    pub fn stderr_has(self, fragment: &str) -> Ran {
        assert!(
            self.run.stderr.contains(fragment),
            "no {fragment:?} on stderr\n{}",
            self.shown()
        );
        self
    }

    /// Standard output is one JSON document equal to `value`.
    #[track_caller]
    pub fn json_eq(self, value: &Value) -> Ran {
        assert_eq!(&self.json(), value, "{}", self.shown());
        self
    }

    /// Standard output as one JSON document.
    #[track_caller]
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.run.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e})\n{}", self.shown()))
    }

    /// The work tree's `path` holds exactly `text` after the run.
    #[track_caller]
    pub fn file(self, path: &str, text: &str) -> Ran {
        let read = String::from_utf8_lossy(&self.repo.read(path)).into_owned();
        assert_eq!(read, text, "{path}\n{}", self.shown());
        self
    }

    /// The branch has as many commits as `count`, the initial one included.
    #[track_caller]
    pub fn commits(self, count: usize) -> Ran {
        let listed = self
            .sandbox
            .git(&self.repo.work, &["rev-list", "--count", "HEAD"]);
        assert_eq!(listed.trim(), count.to_string(), "{}", self.shown());
        self
    }

    /// The work tree is clean (`git status --porcelain` says nothing).
    #[track_caller]
    pub fn clean(self) -> Ran {
        let status = self
            .sandbox
            .git(&self.repo.work, &["status", "--porcelain"]);
        assert_eq!(status, "", "{}", self.shown());
        self
    }

    /// The short (7-digit) id of the work tree's HEAD.
    pub fn head_short(&self) -> String {
        let head = self
            .sandbox
            .git(&self.repo.work, &["rev-parse", "--short=7", "HEAD"]);
        head.trim().to_owned()
    }

    /// The work tree's directory.
    pub fn work(&self) -> PathBuf {
        self.repo.work.clone()
    }
}

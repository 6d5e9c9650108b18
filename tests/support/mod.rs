//! Test harness: the CLI runner with a scrubbed environment, and temporary git repositories
//! with bare remotes. Nothing here touches the project's own checkout or the user's config.

#![allow(dead_code)]

pub mod fake_http;
pub mod forge;
pub mod git_http;
pub mod harness;
pub mod registry;
pub mod sshd;
pub mod tls;
pub mod vendor;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

/// What a run of the binary gave.
#[derive(Debug)]
pub struct Run {
    /// Exit code.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    /// Assert the exit code, showing the output when it differs.
    pub fn code(self, code: i32) -> Run {
        assert_eq!(
            self.code, code,
            "exit code\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Assert success.
    pub fn ok(self) -> Run {
        self.code(0)
    }

    /// Parse stdout as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("{e}: {}", self.stdout))
    }
}

/// A sandbox: a temporary home for the binary and git, and a place for repositories.
pub struct Sandbox {
    dir: TempDir,
}

impl Sandbox {
    /// A new sandbox.
    pub fn new() -> Sandbox {
        let dir = tempfile::tempdir().expect("tempdir");
        fs::create_dir_all(dir.path().join("home")).expect("home");
        Sandbox { dir }
    }

    /// The sandbox's root directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The scrubbed environment every child process gets.
    fn env(&self, cmd: &mut Command) {
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.path().join("home"))
            .env("XDG_CACHE_HOME", self.path().join("cache"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("LANG", "C");
    }

    /// Run tagpilot in `cwd` with `args`.
    pub fn tagpilot(&self, cwd: &Path, args: &[&str]) -> Run {
        self.tagpilot_env(cwd, args, &[])
    }

    /// The command that runs tagpilot in `cwd` with `args` and the scrubbed environment,
    /// for a test that starts it itself (to kill it, say).
    pub fn tagpilot_command(&self, cwd: &Path, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_tagpilot"));
        self.env(&mut cmd);
        cmd.current_dir(cwd).args(args);
        cmd
    }

    /// Run tagpilot with extra environment variables.
    pub fn tagpilot_env(&self, cwd: &Path, args: &[&str], vars: &[(&str, &str)]) -> Run {
        let mut cmd = self.tagpilot_command(cwd, args);
        for (k, v) in vars {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("running tagpilot");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Run tagpilot like [`Sandbox::tagpilot`] and sample its peak resident memory
    /// (`VmHWM`, in KiB) from `/proc` while it runs.
    pub fn tagpilot_peak_memory(&self, cwd: &Path, args: &[&str]) -> (Run, u64) {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_tagpilot"));
        self.env(&mut cmd);
        cmd.current_dir(cwd)
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn().expect("running tagpilot");
        let read = |mut pipe: Box<dyn std::io::Read + Send>| {
            std::thread::spawn(move || {
                let mut text = String::new();
                let _ = pipe.read_to_string(&mut text);
                text
            })
        };
        let out = read(Box::new(child.stdout.take().expect("stdout")));
        let err = read(Box::new(child.stderr.take().expect("stderr")));
        let status_file = format!("/proc/{}/status", child.id());
        let mut peak = 0;
        let status = loop {
            // The high-water mark only grows, so the last reading before exit is the peak
            // up to a few milliseconds.
            if let Some(kib) = fs::read_to_string(&status_file)
                .ok()
                .and_then(|s| peak_kib(&s))
            {
                peak = peak.max(kib);
            }
            if let Some(status) = child.try_wait().expect("waiting for tagpilot") {
                break status;
            }
            std::thread::sleep(std::time::Duration::from_millis(2));
        };
        let run = Run {
            code: status.code().unwrap_or(-1),
            stdout: out.join().expect("stdout reader"),
            stderr: err.join().expect("stderr reader"),
        };
        (run, peak)
    }

    /// Run git in `cwd`, with fixed identities and dates; panics on failure.
    pub fn git(&self, cwd: &Path, args: &[&str]) -> String {
        let mut cmd = Command::new("git");
        self.env(&mut cmd);
        cmd.current_dir(cwd)
            .args(args)
            .env("GIT_AUTHOR_NAME", "Dev")
            .env("GIT_AUTHOR_EMAIL", "dev@example.com")
            .env("GIT_COMMITTER_NAME", "Dev")
            .env("GIT_COMMITTER_EMAIL", "dev@example.com")
            .env("GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z")
            .env("GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z");
        let out = cmd.output().expect("running git");
        assert!(
            out.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// A work tree at `<sandbox>/work` holding `files`, committed on `main` and pushed to a
    /// bare remote at `<sandbox>/remote.git` (its `origin`).
    pub fn repo(&self, files: &[(&str, &[u8])]) -> Repo {
        let work = self.path().join("work");
        let remote = self.path().join("remote.git");
        fs::create_dir_all(&work).expect("work");
        self.git(
            self.path(),
            &["init", "-q", "--bare", "-b", "main", "remote.git"],
        );
        self.git(&work, &["init", "-q", "-b", "main"]);
        for (name, content) in files {
            let path = work.join(name);
            fs::create_dir_all(path.parent().expect("parent")).expect("dirs");
            fs::write(&path, content).expect("write");
        }
        self.git(&work, &["add", "-A"]);
        self.git(&work, &["commit", "-q", "-m", "initial"]);
        self.git(
            &work,
            &["remote", "add", "origin", remote.to_str().expect("utf-8")],
        );
        self.git(&work, &["push", "-q", "-u", "origin", "main"]);
        Repo { work, remote }
    }
}

impl Sandbox {
    /// Someone else clones the remote, commits `file` with `content` and pushes first; the
    /// new remote head.
    pub fn push_elsewhere(&self, repo: &Repo, file: &str, content: &str) -> String {
        let other = self.path().join("elsewhere");
        self.git(
            self.path(),
            &[
                "clone",
                "-q",
                repo.remote.to_str().expect("utf-8"),
                "elsewhere",
            ],
        );
        fs::write(other.join(file), content).expect("write");
        self.git(&other, &["add", file]);
        self.git(&other, &["commit", "-q", "-m", "elsewhere"]);
        self.git(&other, &["push", "-q", "origin", "main"]);
        self.git(&other, &["rev-parse", "HEAD"])
    }
}

/// `VmHWM` of a `/proc/<pid>/status` text, in KiB.
fn peak_kib(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// A work tree and its bare remote.
pub struct Repo {
    /// The work tree.
    pub work: PathBuf,
    /// The bare remote.
    pub remote: PathBuf,
}

impl Repo {
    /// A file of the work tree.
    pub fn read(&self, name: &str) -> Vec<u8> {
        fs::read(self.work.join(name)).expect("read")
    }
}

/// Copy a directory tree.
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for entry in fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// The project's fixtures directory.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

//! Signed commits: SSH signatures made with `ssh-keygen -Y sign` as git's configuration
//! asks, checked with `git verify-commit` and an allowed-signers file.

use std::process::Command;

use crate::support::harness::Test;
use crate::support::registry::{Registry, with_tags};

/// `acme/web` master-1 and master-2, and an automated Deployment on master-1.
async fn setup() -> (Registry, String) {
    let (registry, h) = with_tags("acme/web", &[("master-1", 1), ("master-2", 2)]).await;
    let text = format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  annotations:\n    \
         fluxcd.io/automated: \"true\"\n    fluxcd.io/tag.web: glob:master-*\nspec:\n  template:\n    \
         spec:\n      containers:\n      - name: web\n        image: {h}/acme/web:master-1\n"
    );
    (registry, text)
}

/// A new ed25519 key pair at `path` (and `path.pub`).
fn key_pair(path: &std::path::Path) {
    let status = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "dev", "-f"])
        .arg(path)
        .status()
        .expect("running ssh-keygen");
    assert!(status.success());
}

#[tokio::test(flavor = "multi_thread")]
async fn commits_are_signed_with_ssh_as_git_is_configured() {
    let (_registry, text) = setup().await;
    let test = Test::new().file("apps/web.yaml", &text);
    let key = test.path().join("signing-key");
    key_pair(&key);
    let ran = test
        .git_config("user.name", "Dev")
        .git_config("user.email", "dev@example.com")
        .git_config("gpg.format", "ssh")
        .git_config("user.signingkey", key.to_str().unwrap())
        .git_config("commit.gpgsign", "true")
        .args(&["sync"])
        .run()
        .code(0)
        .commits(2)
        .clean();
    let public = std::fs::read_to_string(key.with_extension("pub")).unwrap();
    let allowed = ran.sandbox.path().join("allowed_signers");
    std::fs::write(&allowed, format!("dev@example.com {public}")).unwrap();
    let config = format!("gpg.ssh.allowedSignersFile={}", allowed.display());
    ran.sandbox
        .git(&ran.repo.work, &["-c", &config, "verify-commit", "HEAD"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_key_that_cannot_sign_commits_nothing() {
    let (_registry, text) = setup().await;
    let ran = Test::new()
        .file("apps/web.yaml", &text)
        .git_config("gpg.format", "ssh")
        .args(&["sync", "--sign-key", "/nonexistent/key"])
        .run()
        .code(1)
        .stderr_has("error: signing the commit: ssh-keygen could not sign with key /nonexistent/key (exit status: 255)")
        .stderr_has("; nothing was committed\n")
        .file("apps/web.yaml", &text)
        .commits(1)
        .clean();
    let pushed = ran
        .sandbox
        .git(&ran.repo.remote, &["rev-list", "--count", "main"]);
    assert_eq!(pushed.trim(), "1");
}

#[tokio::test(flavor = "multi_thread")]
async fn commits_are_signed_with_openpgp_when_asked_by_key() {
    let (_registry, text) = setup().await;
    let test = Test::new().file("apps/web.yaml", &text);
    // A throwaway GnuPG home with one key without a passphrase.
    let home = test.path().join("gnupg");
    std::fs::create_dir_all(&home).unwrap();
    std::fs::set_permissions(&home, std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
    let gnupg = home.to_str().unwrap().to_owned();
    let status = Command::new("gpg")
        .args([
            "--homedir",
            &gnupg,
            "--batch",
            "--quiet",
            "--pinentry-mode",
            "loopback",
        ])
        .args([
            "--passphrase",
            "",
            "--quick-gen-key",
            "Dev <dev@example.com>",
            "ed25519",
            "sign",
            "never",
        ])
        .stderr(std::process::Stdio::null())
        .status()
        .expect("running gpg");
    assert!(status.success());
    let ran = test
        .git_config("user.name", "Dev")
        .git_config("user.email", "dev@example.com")
        .env("GNUPGHOME", &gnupg)
        .args(&["sync", "--sign-key", "dev@example.com"])
        .run()
        .code(0)
        .commits(2);
    let out = Command::new("git")
        .args(["verify-commit", "--raw", "HEAD"])
        .current_dir(&ran.repo.work)
        .env("GNUPGHOME", &gnupg)
        .output()
        .expect("running git");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && said.contains("GOODSIG"), "{said}");
    let _ = Command::new("gpgconf")
        .args(["--homedir", &gnupg, "--kill", "all"])
        .status();
}
